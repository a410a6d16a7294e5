"""The contract every optimizer family meets (``rmsprop_lib.optimizers`` and its ``common``):
argument checks, the rule for defaults, pure steps on immutable states, checks of params, grads
and state at every step, and batches whose rows equal their single runs bit for bit.

The update equations of each family are tested in test_sgd.py, test_adagrad.py,
test_rmsprop.py and test_adam.py.
"""

import copy
import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimizer_support import NAMES, VALID, build

from rmsprop_lib.optimizers.adagrad import AdaGradState, adagrad
from rmsprop_lib.optimizers.adam import AdamState, adam
from rmsprop_lib.optimizers.common import power
from rmsprop_lib.optimizers.rmsprop import RMSPropState, rmsprop
from rmsprop_lib.optimizers.sgd import SGDState, sgd

FAST = settings(max_examples=60, deadline=None, database=None)

POSITIVE, NON_NEGATIVE, UNIT = "positive", "non-negative", "unit"
NUMERIC_ARGUMENTS = [(name, "learning_rate", POSITIVE) for name in NAMES] + [
    ("momentum", "momentum", UNIT),
    ("momentum", "weight_decay", NON_NEGATIVE),
    ("adagrad", "eps", NON_NEGATIVE),
    ("adagrad", "initial_accumulator", NON_NEGATIVE),
    ("adagrad", "lr_decay", NON_NEGATIVE),
    ("adagrad", "weight_decay", NON_NEGATIVE),
    ("adagrad", "decoupled_weight_decay", NON_NEGATIVE),
    ("rmsprop", "beta", UNIT),
    ("rmsprop", "eps", NON_NEGATIVE),
    ("rmsprop", "initial_accumulator", NON_NEGATIVE),
    ("rmsprop", "momentum", UNIT),
    ("rmsprop", "weight_decay", NON_NEGATIVE),
    ("rmsprop", "decoupled_weight_decay", NON_NEGATIVE),
    *[(name, argument, UNIT) for name in ("adam", "amsgrad") for argument in ("beta1", "beta2")],
    *[
        (name, argument, NON_NEGATIVE)
        for name in ("adam", "amsgrad")
        for argument in ("eps", "weight_decay")
    ],
]
BOOL_ARGUMENTS = [
    ("momentum", "nesterov"),
    ("adagrad", "eps_in_sqrt"),
    *[("rmsprop", name) for name in ("eps_in_sqrt", "centered", "nesterov", "bias_correction")],
    ("adam", "bias_correction"),
    ("adam", "amsgrad"),
]
OUT_OF_RANGE = {
    POSITIVE: [0.0, -1.0, math.nan, math.inf, -math.inf],
    NON_NEGATIVE: [-1e-12, -1.0, math.nan, math.inf],
    UNIT: [1.0, 1.5, -0.1, math.nan, math.inf],
}
WRONG_TYPE = [
    "a",
    None,
    True,
    np.True_,
    1 + 2j,
    [0.1],
    np.array(["a"]),
    np.array([1 + 1j]),
    np.array([True]),
]


def _ids(case) -> str:
    return f"{case[0]}-{case[1]}"


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("case", NUMERIC_ARGUMENTS, ids=_ids)
def test_out_of_range_values_raise_value_error_naming_the_argument(case):
    name, argument, kind = case
    for value in OUT_OF_RANGE[kind]:
        with pytest.raises(ValueError, match=rf"^{argument} must be .*, got {value!r}$"):
            build(name, **{argument: value})
    bad_array = np.array([0.5, 0.5, OUT_OF_RANGE[kind][0]])
    with pytest.raises(ValueError, match=rf"^{argument} must .* at index \(2,\)$"):
        build(name, **{argument: bad_array})


@pytest.mark.parametrize("case", NUMERIC_ARGUMENTS, ids=_ids)
def test_wrong_types_raise_type_error_naming_the_argument(case):
    name, argument, _ = case
    wrong = WRONG_TYPE if argument == "learning_rate" else [*WRONG_TYPE, lambda t: 0.1]
    for value in wrong:
        with pytest.raises(TypeError, match=rf"^{argument} must be a real number or array"):
            build(name, **{argument: value})


@pytest.mark.parametrize("case", BOOL_ARGUMENTS, ids=_ids)
def test_flags_must_be_real_bools(case):
    name, argument = case
    for value in (1, 0, 1.0, "yes", None, np.array([True])):
        with pytest.raises(TypeError, match=rf"^{argument} must be a bool"):
            build(name, **{argument: value})
    assert build(name, **{argument: np.True_}).hyperparams[argument] is True


def test_numpy_scalars_are_accepted_like_python_numbers():
    optimizer = rmsprop(np.float32(0.5), np.float64(0.9), np.int64(0), centered=np.False_)
    assert optimizer.hyperparams["learning_rate"] == 0.5
    assert type(optimizer.hyperparams["learning_rate"]) is float
    assert optimizer.hyperparams["centered"] is False


def test_messages_show_argument_value_and_range():
    with pytest.raises(ValueError, match=r"^beta must be in \[0, 1\), got 1\.0$"):
        rmsprop(learning_rate=0.1, beta=1.0, eps=1e-8)
    with pytest.raises(TypeError, match=r"^learning_rate must be a real number or array, got 'a'$"):
        rmsprop(learning_rate="a", beta=0.9, eps=1e-8)
    with pytest.raises(ValueError, match=r"^eps must be >= 0 and finite, got nan$"):
        adagrad(learning_rate=0.1, eps=math.nan)
    with pytest.raises(ValueError, match=r"^learning_rate must be > 0 and finite, got 0\.0$"):
        sgd(0.0)
    with pytest.raises(ValueError, match=r"got 1\.0 at index \(1, 0\)$"):
        rmsprop(learning_rate=0.1, beta=np.array([[0.5], [1.0]]), eps=0.0)


# The rule of rmsprop_lib.optimizers: no default for eta, the decays and eps; every other
# default writes the book's update (V_0 = 0, eps outside the root, every addition off; Adam is
# bias-corrected as in its paper).
REQUIRED = {
    sgd: ["learning_rate"],
    adagrad: ["learning_rate", "eps"],
    rmsprop: ["learning_rate", "beta", "eps"],
    adam: ["learning_rate", "beta1", "beta2", "eps"],
}
BOOK_DEFAULTS = {"bias_correction": {adam: True}}  # every other default is 0.0 or False


@pytest.mark.parametrize("factory", list(REQUIRED), ids=lambda f: f.__name__)
def test_defaults_follow_the_stated_rule(factory):
    parameters = inspect.signature(factory).parameters.values()
    assert [p.name for p in parameters if p.default is inspect.Parameter.empty] == REQUIRED[factory]
    for parameter in parameters:
        if parameter.default is inspect.Parameter.empty:
            continue
        expected = BOOK_DEFAULTS.get(parameter.name, {}).get(factory, False)
        assert parameter.default == expected and type(parameter.default) in (bool, float)
    with pytest.raises(TypeError, match=REQUIRED[factory][-1]):
        factory(**dict.fromkeys(REQUIRED[factory][:-1], 0.5))


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        (lambda t: 0.0, ValueError),
        (lambda t: -0.1, ValueError),
        (lambda t: math.nan, ValueError),
        (lambda t: np.array([0.1, math.inf]), ValueError),
        (lambda t: "a", TypeError),
        (lambda t: None, TypeError),
    ],
)
@pytest.mark.parametrize("name", NAMES)
def test_schedule_output_is_validated_when_called(name, schedule, error):
    optimizer = build(name, learning_rate=schedule)
    w = np.ones(2)
    with pytest.raises(error, match=r"^learning_rate schedule at t=1"):
        optimizer.step(w, w, optimizer.init(w))


@pytest.mark.parametrize("name", NAMES)
def test_schedule_output_must_broadcast_to_params(name):
    optimizer = build(name, learning_rate=lambda t: np.full((3, 1), 0.1))
    w = np.ones(2)
    state = optimizer.init(w)
    with pytest.raises(ValueError, match=r"^learning_rate schedule at t=1 has shape \(3, 1\)"):
        optimizer.step(w, w, state)
    with pytest.raises(ValueError, match=r"not broadcastable to params \(2,\)$"):
        optimizer.effective_learning_rate(state)
    rows = build(name, learning_rate=lambda t: np.full((3, 1), 0.1 / t))
    w = np.ones((3, 2))
    new_w, state = rows.step(w, w, rows.init(w))
    assert new_w.shape == (3, 2)
    assert rows.effective_learning_rate(state).shape == (3, 2)


@pytest.mark.parametrize("name", NAMES)
def test_array_hyperparameters_must_broadcast_to_params(name):
    optimizer = build(name, learning_rate=np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match=r"^learning_rate of shape \(3,\) .* params \(2,\)"):
        optimizer.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"^learning_rate of shape \(3,\) .* params \(3, 1\)"):
        optimizer.init(np.zeros((3, 1)))  # would broadcast to (3, 3): larger than params
    assert optimizer.init(np.zeros((4, 3))).t == 0


# ----------------------------------------------------------------------------- every step's checks


@pytest.mark.parametrize("name", NAMES)
def test_gradient_shape_must_match_params(name):
    optimizer = build(name)
    state = optimizer.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"^grads shape \(3,\) does not match params shape \(2,\)"):
        optimizer.step(np.zeros(2), np.zeros(3), state)
    with pytest.raises(ValueError, match=r"grads shape \(2, 1\) .* params shape \(2,\)"):
        optimizer.step(np.zeros(2), np.zeros((2, 1)), state)


@pytest.mark.parametrize("name", NAMES)
def test_params_and_grads_must_be_real_numbers(name):
    optimizer = build(name)
    state = optimizer.init(np.zeros(2))
    for bad in (np.array(["a", "b"]), np.array([1 + 1j, 0]), np.array([True, False]), None):
        with pytest.raises(TypeError, match=r"^params must be an array of real numbers"):
            optimizer.init(bad)
        with pytest.raises(TypeError, match=r"^params must be"):
            optimizer.step(bad, np.zeros(2), state)
        with pytest.raises(TypeError, match=r"^grads must be"):
            optimizer.step(np.zeros(2), bad, state)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_gradient_is_a_value_error_naming_grads(name, bad):
    optimizer = build(name)
    w = np.zeros((2, 3))
    grads = np.ones((2, 3))
    grads[1, 2] = bad
    with pytest.raises(ValueError, match=rf"^grads must be finite, got {bad!r} at \(1, 2\)$"):
        optimizer.step(w, grads, optimizer.init(w))


@pytest.mark.parametrize("name", NAMES)
def test_huge_finite_gradients_are_accepted(name):
    optimizer = build(name)
    w = np.zeros(3)
    new_w, _ = optimizer.step(w, np.full(3, 1e308), optimizer.init(w))  # their sum overflows
    assert new_w.shape == (3,)


@pytest.mark.parametrize("name", NAMES)
def test_the_state_must_fit_the_params(name):
    optimizer = build(name)
    small = optimizer.init(np.zeros(2))
    for params in (np.zeros((4, 2)), np.zeros(3), np.zeros((2, 1))):
        with pytest.raises(ValueError, match=r"^state\.\w+ has shape \(2,\) but params have "):
            optimizer.step(params, params, small)
    large = optimizer.init(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"^state\.\w+ has shape \(4, 2\) but params have shape"):
        optimizer.step(np.zeros(2), np.zeros(2), large)


def test_the_state_must_come_from_the_same_family():
    w = np.zeros(2)
    with pytest.raises(TypeError, match=r"^state must be a RMSPropState .*, got AdaGradState$"):
        rmsprop(0.1, 0.9, 1e-8).step(w, w, adagrad(0.1, 1e-8).init(w))
    with pytest.raises(TypeError, match=r"^state must be a AdamState .*, got tuple$"):
        adam(0.1, 0.9, 0.9, 1e-8).step(w, w, (0, w, w))


@pytest.mark.parametrize(
    ("name", "state_type", "fields"),
    [
        ("sgd", SGDState, ("b",)),
        ("momentum", SGDState, ("b",)),
        ("adagrad", AdaGradState, ("v",)),
        ("rmsprop", RMSPropState, ("v", "m", "b")),
        ("adam", AdamState, ("m", "v")),
        ("amsgrad", AdamState, ("m", "v", "v_max")),
    ],
)
def test_init_gives_float_zeros_shaped_like_params_and_t_zero(name, state_type, fields):
    optimizer = build(name)
    assert optimizer.name == name
    state = optimizer.init(np.array([[1, 2, 3], [4, 5, 6]]))
    assert type(state) is state_type
    assert state.t == 0 and type(state.t) is int
    for field in fields:
        array = getattr(state, field)
        assert array.dtype == np.float64 and array.shape == (2, 3) and not array.any()
    new_state = optimizer.step(np.ones((2, 3)), np.ones((2, 3)), state)[1]
    assert type(new_state) is state_type
    assert new_state.t == 1


@pytest.mark.parametrize("name", NAMES)
def test_integer_params_and_grads_are_promoted_not_truncated(name):
    optimizer = build(name)
    w_int, g_int = np.array([1, -2, 3]), np.array([1, 1, -2])
    w_float, g_float = w_int.astype(float), g_int.astype(float)
    new_int, state_int = optimizer.step(w_int, g_int, optimizer.init(w_int))
    new_float, state_float = optimizer.step(w_float, g_float, optimizer.init(w_float))
    assert new_int.dtype == np.float64
    np.testing.assert_array_equal(new_int, new_float)
    assert not np.array_equal(new_int, np.round(new_int))  # fractional results survive
    for int_field, float_field in zip(state_int, state_float, strict=True):
        np.testing.assert_array_equal(int_field, float_field)


@pytest.mark.parametrize("name", NAMES)
def test_float32_params_are_computed_in_float64(name):
    """The documented behaviour: float32 inputs give float64 results, equal to a float64 run
    from the same (float32-representable) numbers."""
    optimizer = build(name)
    w32, g32 = np.array([0.5, -1.25], np.float32), np.array([0.1, 3.0], np.float32)
    new, state = optimizer.step(w32, g32, optimizer.init(w32))
    assert new.dtype == np.float64
    assert all(field.dtype == np.float64 for field in state[1:] if field is not None)
    w64, g64 = w32.astype(np.float64), g32.astype(np.float64)
    np.testing.assert_array_equal(new, optimizer.step(w64, g64, optimizer.init(w64))[0])


@pytest.mark.parametrize("name", NAMES)
def test_params_need_at_least_one_dimension(name):
    optimizer = build(name)
    with pytest.raises(ValueError, match=r"^params must have at least one dimension"):
        optimizer.init(1.0)
    with pytest.raises(ValueError, match=r"^params must have at least one dimension"):
        optimizer.step(1.0, 2.0, optimizer.init([1.0]))
    new, _ = optimizer.step([1.0], [2.0], optimizer.init([1.0]))  # lists are fine
    assert new.shape == (1,)


# ----------------------------------------------------------------------------- purity

PURITY_CONFIGURATIONS = [
    sgd(0.1),
    sgd(0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    adagrad(0.1, 0.0, lr_decay=0.1, weight_decay=0.1, decoupled_weight_decay=0.1),
    adagrad(0.1, 1e-3, initial_accumulator=0.1, eps_in_sqrt=True),
    rmsprop(0.1, 0.9, 1e-8),
    rmsprop(0.1, 0.9, 0.0, momentum=0.5),
    rmsprop(0.1, 0.9, 1e-3, centered=True, momentum=0.5, nesterov=True, bias_correction=True),
    rmsprop(lambda t: 0.1 / t, 0.9, 0.1, eps_in_sqrt=True, momentum=0.9, weight_decay=0.1),
    rmsprop(0.1, 0.9, 1e-8, decoupled_weight_decay=0.1, initial_accumulator=1.0),
    adam(0.1, 0.9, 0.999, 1e-8, weight_decay=0.1),
    adam(0.1, 0.9, 0.999, 0.0, bias_correction=False),
    adam(0.1, 0.9, 0.999, 1e-8, amsgrad=True),
    adam(0.1, 0.5, 0.9, 0.0, bias_correction=False, amsgrad=True),
]


def _arrays(state) -> list[np.ndarray]:
    return [field for field in state if isinstance(field, np.ndarray)]


@pytest.mark.parametrize("optimizer", PURITY_CONFIGURATIONS, ids=lambda o: o.name)
def test_step_never_modifies_its_inputs(optimizer):
    rng = np.random.default_rng(0)
    params = rng.standard_normal((3, 4))
    state = optimizer.init(params)
    for grads in [rng.standard_normal((3, 4)), np.zeros((3, 4)), rng.standard_normal((3, 4))]:
        before = copy.deepcopy((params, grads, state))
        new_params, new_state = optimizer.step(params, grads, state)
        for kept, original in zip((params, grads, *state), (*before[:2], *before[2]), strict=True):
            np.testing.assert_array_equal(kept, original)
        again = optimizer.step(params, grads, state)
        np.testing.assert_array_equal(again[0], new_params)
        params, state = new_params, new_state


@pytest.mark.parametrize("optimizer", PURITY_CONFIGURATIONS, ids=lambda o: o.name)
def test_no_writable_memory_is_shared_between_steps(optimizer):
    """Purity without a convention: every state array is read-only, so writing into a new state
    cannot change an old one; the new params are the caller's own, shared with nothing."""
    rng = np.random.default_rng(1)
    params = rng.standard_normal((3, 4))
    old = optimizer.init(params)
    new_params, new = optimizer.step(params, rng.standard_normal((3, 4)), old)
    assert new_params.flags.writeable
    for array in _arrays(old) + _arrays(new):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0, 0] = 123.0
        assert not np.shares_memory(array, new_params)
        assert not np.shares_memory(array, params)


def test_hyperparams_are_read_only_copies():
    rates = np.array([[0.1], [0.2]])
    optimizer = rmsprop(learning_rate=rates, beta=0.9, eps=1e-8)
    rates[0, 0] = 100.0  # the caller's later edit must not reach the optimizer
    assert optimizer.hyperparams["learning_rate"][0, 0] == 0.1
    with pytest.raises(TypeError):
        optimizer.hyperparams["beta"] = 0.5  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        optimizer.hyperparams["learning_rate"][0, 0] = 1.0


@pytest.mark.parametrize(
    "optimizer",
    [
        adagrad(0.1, 0.0),
        rmsprop(0.1, 0.9, 0.0),
        rmsprop(0.1, 0.9, 0.0, eps_in_sqrt=True, centered=True, momentum=0.5, nesterov=True),
        rmsprop(0.1, 0.9, 0.0, bias_correction=True, decoupled_weight_decay=0.1),
        adam(0.1, 0.9, 0.999, 0.0),
        adam(0.1, 0.9, 0.999, 0.0, bias_correction=False, amsgrad=True),
    ],
    ids=lambda o: o.name,
)
def test_zero_denominator_gives_zero_update_not_nan(optimizer):
    w = np.ones(2)
    state = optimizer.init(w)
    for g in ([0.0, 1.0], [0.0, -1.0]):
        new_w, state = optimizer.step(w, np.array(g), state)
        decay = optimizer.hyperparams.get("decoupled_weight_decay", 0.0) * 0.1
        assert new_w[0] == w[0] - decay * w[0]  # coordinate 0 never saw a gradient: d = 0
        assert np.isfinite(new_w[1])
        w = new_w
    rate = optimizer.effective_learning_rate(state)
    assert rate[0] == math.inf and np.isfinite(rate[1])  # eta / 0, without a warning


# ----------------------------------------------------------------------------- batches


def test_power_by_squaring_is_the_same_for_a_scalar_and_an_array_row():
    bases = np.random.default_rng(2).uniform(0.0, 1.0, 50)
    assert power(bases, 0) == 1.0
    for exponent in (1, 2, 7, 100, 1001):
        rows = power(bases, exponent)
        assert all(rows[i] == power(float(bases[i]), exponent) for i in range(50))
        np.testing.assert_allclose(rows, bases**exponent, rtol=1e-12)


def _some_zero(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Set about a third of the rows to 0: a batch row with 0 must match a run given 0.0."""
    return np.where(rng.random(values.shape) < 0.35, 0.0, values)


BATCH_CASES = {
    "rmsprop": (
        rmsprop,
        lambda r, n: {
            "learning_rate": r.uniform(0.01, 0.5, n),
            "beta": r.uniform(0.0, 0.99, n),
            "eps": r.choice([0.0, 1e-8, 0.1], n),
        },
        {},
    ),
    "rmsprop-all-switches": (
        rmsprop,
        lambda r, n: {
            "learning_rate": r.uniform(0.01, 0.5, n),
            "beta": r.uniform(0.0, 0.99, n),
            "eps": r.choice([1e-8, 0.1], n),
            "initial_accumulator": _some_zero(r, r.uniform(0.0, 1.0, n)),
            "momentum": _some_zero(r, r.uniform(0.0, 0.9, n)),
            "weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
            "decoupled_weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
        },
        {"centered": True, "nesterov": True, "eps_in_sqrt": True, "bias_correction": True},
    ),
    "rmsprop-momentum": (
        rmsprop,
        lambda r, n: {
            "learning_rate": r.uniform(0.01, 0.5, n),
            "beta": r.uniform(0.0, 0.99, n),
            "eps": r.choice([0.0, 1e-8], n),
            "momentum": _some_zero(r, r.uniform(0.0, 0.9, n)),
        },
        {},
    ),
    "adagrad": (
        adagrad,
        lambda r, n: {
            "learning_rate": r.uniform(0.01, 1.0, n),
            "eps": r.choice([0.0, 1e-10, 0.1], n),
            "initial_accumulator": _some_zero(r, r.uniform(0.0, 1.0, n)),
            "lr_decay": _some_zero(r, r.uniform(0.0, 0.5, n)),
            "weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
            "decoupled_weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
        },
        {"eps_in_sqrt": True},
    ),
    "adam": (
        adam,
        lambda r, n: {
            "learning_rate": r.uniform(0.001, 0.3, n),
            "beta1": r.uniform(0.0, 0.99, n),
            "beta2": r.uniform(0.5, 0.9999, n),
            "eps": r.choice([0.0, 1e-8, 0.1], n),
            "weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
        },
        {},
    ),
    "adam-without-bias-correction": (
        adam,
        lambda r, n: (
            {"learning_rate": r.uniform(0.001, 0.3, n), "beta1": r.uniform(0, 0.99, n)}
            | {"beta2": r.uniform(0.5, 0.9999, n), "eps": r.choice([0.0, 1e-8], n)}
        ),
        {"bias_correction": False},
    ),
    "amsgrad": (
        adam,
        lambda r, n: (
            {"learning_rate": r.uniform(0.001, 0.3, n), "beta1": r.uniform(0, 0.99, n)}
            | {"beta2": r.uniform(0.5, 0.9999, n), "eps": r.choice([0.0, 1e-8], n)}
        ),
        {"amsgrad": True},
    ),
    "momentum": (
        sgd,
        lambda r, n: {
            "learning_rate": r.uniform(0.001, 0.3, n),
            "momentum": _some_zero(r, r.uniform(0.0, 0.99, n)),
            "weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
        },
        {"nesterov": True},
    ),
    "momentum-plain": (
        sgd,
        lambda r, n: {"learning_rate": r.uniform(0.001, 0.3, n), "momentum": r.uniform(0, 0.99, n)},
        {},
    ),
    "sgd": (sgd, lambda r, n: {"learning_rate": r.uniform(0.001, 0.3, n)}, {}),
}


def _batched(values: np.ndarray, row: int | None):
    """The batch's column ``values[:, None]``, or row ``row``'s scalar for its single run."""
    return values[:, None] if row is None else float(values[row])


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    case=st.sampled_from(sorted(BATCH_CASES)),
    scheduled=st.booleans(),
)
def test_every_batch_row_equals_its_single_run_exactly(seed, case, scheduled):
    factory, draw, switches = BATCH_CASES[case]
    rng = np.random.default_rng(seed)
    rows, size, steps = 5, 3, 15
    hyperparams = draw(rng, rows)
    curvature = rng.uniform(0.1, 10.0, size)
    noise = rng.standard_normal((steps, rows, size))
    w0 = rng.standard_normal((rows, size))

    def run(row: int | None) -> tuple[np.ndarray, object]:
        kwargs = {name: _batched(values, row) for name, values in hyperparams.items()}
        if scheduled:
            rate = kwargs["learning_rate"]
            kwargs["learning_rate"] = lambda t: rate / math.sqrt(t)
        optimizer = factory(**kwargs, **switches)
        w = w0 if row is None else w0[row]
        state = optimizer.init(w)
        path = []
        for t in range(steps):
            w, state = optimizer.step(
                w, curvature * w + noise[t, slice(None) if row is None else row], state
            )
            path.append(w)
        return np.array(path), state

    batch_path, batch_state = run(None)
    for row in range(rows):
        single_path, single_state = run(row)
        np.testing.assert_array_equal(batch_path[:, row], single_path)
        for batch_field, single_field in zip(batch_state[1:], single_state[1:], strict=True):
            if isinstance(batch_field, np.ndarray):
                np.testing.assert_array_equal(batch_field[row], single_field)


def test_valid_configurations_cover_every_family():
    assert {factory for factory, _ in VALID.values()} == set(REQUIRED)
