"""Tests for rmsprop_lib.optimizers: validation, purity, hand-computed steps and the theory facts.

Hand-computed cases spell out each step in plain float arithmetic (``math.sqrt``), so they check the
update equations of the docstrings independently of the NumPy code. The property tests check the
formulas F5, F7, F10 and F13 of the course's theory fact sheet.
"""

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmsprop_lib.adam import AdamState, AMSGradState, adam, amsgrad
from rmsprop_lib.optimizers import (
    AdaGradState,
    MomentumState,
    Optimizer,
    RMSPropState,
    SGDState,
    adagrad,
    momentum,
    rmsprop,
    sgd,
)

FAST = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(max_examples=25, deadline=None, database=None)  # about a thousand steps per example

VALID = {
    sgd: {"learning_rate": 0.1},
    momentum: {"learning_rate": 0.1, "beta": 0.9},
    adagrad: {"learning_rate": 0.1, "eps": 1e-8},
    rmsprop: {"learning_rate": 0.1, "beta": 0.9, "eps": 1e-8},
    adam: {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    amsgrad: {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}
FACTORIES = list(VALID)
POSITIVE, NON_NEGATIVE, UNIT = "positive", "non-negative", "unit"
NUMERIC_ARGUMENTS = [(factory, "learning_rate", POSITIVE) for factory in FACTORIES] + [
    (momentum, "beta", UNIT),
    (momentum, "weight_decay", NON_NEGATIVE),
    (adagrad, "eps", NON_NEGATIVE),
    (adagrad, "initial_accumulator", NON_NEGATIVE),
    (adagrad, "lr_decay", NON_NEGATIVE),
    (adagrad, "weight_decay", NON_NEGATIVE),
    (adagrad, "decoupled_weight_decay", NON_NEGATIVE),
    (rmsprop, "beta", UNIT),
    (rmsprop, "eps", NON_NEGATIVE),
    (rmsprop, "initial_accumulator", NON_NEGATIVE),
    (rmsprop, "momentum", UNIT),
    (rmsprop, "weight_decay", NON_NEGATIVE),
    (rmsprop, "decoupled_weight_decay", NON_NEGATIVE),
    *[(factory, name, UNIT) for factory in (adam, amsgrad) for name in ("beta1", "beta2")],
    *[
        (factory, name, NON_NEGATIVE)
        for factory in (adam, amsgrad)
        for name in ("eps", "weight_decay")
    ],
]
BOOL_ARGUMENTS = [
    (momentum, "nesterov"),
    (adagrad, "eps_in_sqrt"),
    *[(rmsprop, name) for name in ("eps_in_sqrt", "centered", "nesterov", "bias_correction")],
    (adam, "bias_correction"),
    (amsgrad, "bias_correction"),
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
    return f"{case[0].__name__}-{case[1]}"


def trajectory(optimizer: Optimizer, w0, grads) -> tuple[np.ndarray, object]:
    """The params after each step, taking the given gradients in turn (not depending on w)."""
    w = np.asarray(w0, dtype=np.float64)
    state = optimizer.init(w)
    path = []
    for g in grads:
        w, state = optimizer.step(w, np.asarray(g, dtype=np.float64), state)
        path.append(w)
    return np.array(path), state


# ----------------------------------------------------------------------------- rejections


@pytest.mark.parametrize("case", NUMERIC_ARGUMENTS, ids=_ids)
def test_out_of_range_values_raise_value_error_naming_the_argument(case):
    factory, name, kind = case
    for value in OUT_OF_RANGE[kind]:
        with pytest.raises(ValueError, match=rf"^{name} must be .*, got {value!r}$"):
            factory(**{**VALID[factory], name: value})
    bad_array = np.array([0.5, 0.5, OUT_OF_RANGE[kind][0]])
    with pytest.raises(ValueError, match=rf"^{name} must .* at index \(2,\)$"):
        factory(**{**VALID[factory], name: bad_array})


@pytest.mark.parametrize("case", NUMERIC_ARGUMENTS, ids=_ids)
def test_wrong_types_raise_type_error_naming_the_argument(case):
    factory, name, _ = case
    wrong = WRONG_TYPE if name == "learning_rate" else [*WRONG_TYPE, lambda t: 0.1]
    for value in wrong:
        with pytest.raises(TypeError, match=rf"^{name} must be a real number or array"):
            factory(**{**VALID[factory], name: value})


@pytest.mark.parametrize("case", BOOL_ARGUMENTS, ids=_ids)
def test_flags_must_be_real_bools(case):
    factory, name = case
    for value in (1, 0, 1.0, "yes", None, np.array([True])):
        with pytest.raises(TypeError, match=rf"^{name} must be a bool"):
            factory(**{**VALID[factory], name: value})
    accepted = factory(**{**VALID[factory], name: np.True_})
    assert accepted.hyperparams[name] is True


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


def test_learning_rate_and_beta_and_eps_have_no_defaults():
    with pytest.raises(TypeError):
        rmsprop()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="eps"):
        rmsprop(learning_rate=0.1, beta=0.9)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="beta2"):
        adam(learning_rate=0.1, beta1=0.9)  # type: ignore[call-arg]


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
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_schedule_output_is_validated_when_called(factory, schedule, error):
    optimizer = factory(**{**VALID[factory], "learning_rate": schedule})
    w = np.ones(2)
    with pytest.raises(error, match=r"^learning_rate schedule at t=1"):
        optimizer.step(w, w, optimizer.init(w))


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_schedule_output_must_broadcast_to_params(factory):
    optimizer = factory(**{**VALID[factory], "learning_rate": lambda t: np.full((3, 1), 0.1)})
    w = np.ones(2)
    state = optimizer.init(w)
    with pytest.raises(ValueError, match=r"^learning_rate schedule at t=1 has shape \(3, 1\)"):
        optimizer.step(w, w, state)
    with pytest.raises(ValueError, match=r"not broadcastable to params \(2,\)$"):
        optimizer.effective_learning_rate(state)
    rows = factory(**{**VALID[factory], "learning_rate": lambda t: np.full((3, 1), 0.1 / t)})
    w = np.ones((3, 2))
    new_w, state = rows.step(w, w, rows.init(w))
    assert new_w.shape == (3, 2)
    assert rows.effective_learning_rate(state).shape == (3, 2)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_gradient_shape_must_match_params(factory):
    optimizer = factory(**VALID[factory])
    state = optimizer.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"^grads shape \(3,\) does not match params shape \(2,\)"):
        optimizer.step(np.zeros(2), np.zeros(3), state)
    with pytest.raises(ValueError, match=r"grads shape \(2, 1\) .* params shape \(2,\)"):
        optimizer.step(np.zeros(2), np.zeros((2, 1)), state)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_params_and_grads_must_be_real_numbers(factory):
    optimizer = factory(**VALID[factory])
    state = optimizer.init(np.zeros(2))
    for bad in (np.array(["a", "b"]), np.array([1 + 1j, 0]), np.array([True, False]), None):
        with pytest.raises(TypeError, match=r"^params must be an array of real numbers"):
            optimizer.init(bad)
        with pytest.raises(TypeError, match=r"^params must be"):
            optimizer.step(bad, np.zeros(2), state)
        with pytest.raises(TypeError, match=r"^grads must be"):
            optimizer.step(np.zeros(2), bad, state)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_array_hyperparameters_must_broadcast_to_params(factory):
    optimizer = factory(**{**VALID[factory], "learning_rate": np.array([0.1, 0.2, 0.3])})
    with pytest.raises(ValueError, match=r"^learning_rate of shape \(3,\) .* params \(2,\)"):
        optimizer.init(np.zeros(2))
    with pytest.raises(ValueError, match=r"^learning_rate of shape \(3,\) .* params \(3, 1\)"):
        optimizer.init(np.zeros((3, 1)))  # would broadcast to (3, 3): larger than params
    assert optimizer.init(np.zeros((4, 3))).t == 0


# ----------------------------------------------------------------------------- state and purity


@pytest.mark.parametrize(
    ("factory", "state_type", "fields"),
    [
        (sgd, SGDState, ()),
        (momentum, MomentumState, ("b",)),
        (adagrad, AdaGradState, ("v",)),
        (rmsprop, RMSPropState, ("v", "m", "b")),
        (adam, AdamState, ("m", "v")),
        (amsgrad, AMSGradState, ("m", "v", "v_max")),
    ],
)
def test_init_gives_float_zeros_shaped_like_params_and_t_zero(factory, state_type, fields):
    optimizer = factory(**VALID[factory])
    assert optimizer.name == factory.__name__
    state = optimizer.init(np.array([[1, 2, 3], [4, 5, 6]]))
    assert type(state) is state_type
    assert state.t == 0
    assert type(state.t) is int
    for field in fields:
        array = getattr(state, field)
        assert array.dtype == np.float64
        assert array.shape == (2, 3)
        assert not array.any()
    new_state = optimizer.step(np.ones((2, 3)), np.ones((2, 3)), state)[1]
    assert type(new_state) is state_type
    assert new_state.t == 1


def test_initial_accumulator_fills_v():
    for factory in (adagrad, rmsprop):
        state = factory(**VALID[factory], initial_accumulator=0.25).init(np.zeros(3))
        np.testing.assert_array_equal(state.v, [0.25, 0.25, 0.25])
    column = np.array([[0.5], [1.0]])
    state = rmsprop(**VALID[rmsprop], initial_accumulator=column).init(np.zeros((2, 3)))
    np.testing.assert_array_equal(state.v, np.repeat(column, 3, axis=1))


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_integer_params_and_grads_are_promoted_not_truncated(factory):
    optimizer = factory(**VALID[factory])
    w_int, g_int = np.array([1, -2, 3]), np.array([1, 1, -2])
    w_float, g_float = w_int.astype(float), g_int.astype(float)
    new_int, state_int = optimizer.step(w_int, g_int, optimizer.init(w_int))
    new_float, state_float = optimizer.step(w_float, g_float, optimizer.init(w_float))
    assert new_int.dtype == np.float64
    np.testing.assert_array_equal(new_int, new_float)
    assert not np.array_equal(new_int, np.round(new_int))  # fractional results survive
    for int_field, float_field in zip(state_int, state_float, strict=True):
        np.testing.assert_array_equal(int_field, float_field)


def test_sgd_on_integers_keeps_the_fraction():
    optimizer = sgd(0.5)
    new, _ = optimizer.step(np.array([1, 2]), np.array([1, 1]), optimizer.init(np.array([1, 2])))
    np.testing.assert_array_equal(new, [0.5, 1.5])


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_params_need_at_least_one_dimension(factory):
    optimizer = factory(**VALID[factory])
    with pytest.raises(ValueError, match=r"^params must have at least one dimension"):
        optimizer.init(1.0)
    with pytest.raises(ValueError, match=r"^params must have at least one dimension"):
        optimizer.step(1.0, 2.0, optimizer.init([1.0]))
    new, _ = optimizer.step([1.0], [2.0], optimizer.init([1.0]))  # lists are fine
    assert new.shape == (1,)


PURITY_CONFIGURATIONS = [
    sgd(0.1),
    momentum(0.1, 0.9, nesterov=True, weight_decay=0.1),
    adagrad(0.1, 0.0, lr_decay=0.1, weight_decay=0.1, decoupled_weight_decay=0.1),
    adagrad(0.1, 1e-3, initial_accumulator=0.1, eps_in_sqrt=True),
    rmsprop(0.1, 0.9, 1e-8),
    rmsprop(0.1, 0.9, 0.0, centered=True, momentum=0.5, nesterov=True, bias_correction=True),
    rmsprop(lambda t: 0.1 / t, 0.9, 0.1, eps_in_sqrt=True, momentum=0.9, weight_decay=0.1),
    rmsprop(0.1, 0.9, 1e-8, decoupled_weight_decay=0.1, initial_accumulator=1.0),
    adam(0.1, 0.9, 0.999, 1e-8, weight_decay=0.1),
    adam(0.1, 0.9, 0.999, 0.0, bias_correction=False),
    amsgrad(0.1, 0.9, 0.999, 1e-8),
    amsgrad(0.1, 0.5, 0.9, 0.0, bias_correction=False),
]


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
        assert not np.shares_memory(new_params, params)
        assert not np.shares_memory(new_params, grads)
        assert all(not np.shares_memory(new_params, field) for field in new_state)
        again = optimizer.step(params, grads, state)
        np.testing.assert_array_equal(again[0], new_params)
        params, state = new_params, new_state


def test_hyperparams_are_read_only_copies():
    rates = np.array([[0.1], [0.2]])
    optimizer = rmsprop(learning_rate=rates, beta=0.9, eps=1e-8)
    rates[0, 0] = 100.0  # the caller's later edit must not reach the optimizer
    assert optimizer.hyperparams["learning_rate"][0, 0] == 0.1
    with pytest.raises(TypeError):
        optimizer.hyperparams["beta"] = 0.5  # type: ignore[index]
    with pytest.raises(ValueError, match="read-only"):
        optimizer.hyperparams["learning_rate"][0, 0] = 1.0
    assert dict(optimizer.hyperparams) == {
        "learning_rate": optimizer.hyperparams["learning_rate"],
        "beta": 0.9,
        "eps": 1e-8,
        "eps_in_sqrt": False,
        "initial_accumulator": 0.0,
        "centered": False,
        "momentum": 0.0,
        "weight_decay": 0.0,
        "nesterov": False,
        "decoupled_weight_decay": 0.0,
        "bias_correction": False,
    }
    assert type(adam(np.float32(0.5), 0.9, 0.99, 0).hyperparams["learning_rate"]) is float


# ----------------------------------------------------------------------------- hand-computed steps

sqrt = math.sqrt


def assert_path(path: np.ndarray, expected: list) -> None:
    np.testing.assert_allclose(path, np.array(expected).reshape(path.shape), rtol=1e-14, atol=0)


def test_sgd_by_hand():
    path, state = trajectory(sgd(0.1), [1.0, -2.0], [[0.5, 1.0], [-1.0, 2.0]])
    assert_path(path, [[1 - 0.05, -2 - 0.1], [1 - 0.05 + 0.1, -2 - 0.1 - 0.2]])
    assert state == SGDState(2, (2,))
    scheduled, _ = trajectory(sgd(lambda t: 0.1 / t), [1.0], [[1.0], [1.0], [1.0]])
    assert_path(scheduled, [1 - 0.1, 1 - 0.1 - 0.05, 1 - 0.1 - 0.05 - 0.1 / 3])


def test_momentum_by_hand():
    g = [1.0, 2.0, -1.0]
    path, state = trajectory(momentum(0.1, 0.9), [0.0], [[x] for x in g])
    b1 = 1.0
    b2 = 0.9 * b1 + 2.0
    b3 = 0.9 * b2 - 1.0
    assert_path(path, [-0.1 * b1, -0.1 * b1 - 0.1 * b2, -0.1 * (b1 + b2 + b3)])
    assert state.b[0] == pytest.approx(b3, rel=1e-15)
    nesterov, _ = trajectory(momentum(0.1, 0.9, nesterov=True), [0.0], [[x] for x in g])
    w1 = -0.1 * (1.0 + 0.9 * b1)
    w2 = w1 - 0.1 * (2.0 + 0.9 * b2)
    assert_path(nesterov, [w1, w2, w2 - 0.1 * (-1.0 + 0.9 * b3)])


def test_momentum_weight_decay_and_schedule_by_hand():
    path, _ = trajectory(momentum(lambda t: 0.1 * t, 0.5, weight_decay=0.2), [1.0], [[1.0], [1.0]])
    g1 = 1.0 + 0.2 * 1.0
    w1 = 1.0 - 0.1 * g1
    g2 = 1.0 + 0.2 * w1
    b2 = 0.5 * g1 + g2
    assert_path(path, [w1, w1 - 0.2 * b2])


def test_adagrad_by_hand():
    g = [[2.0, 0.5], [-1.0, 0.5], [3.0, 0.0]]
    path, state = trajectory(adagrad(0.1, 1e-3), [1.0, 1.0], g)
    v1, v2, v3 = [4.0, 0.25], [5.0, 0.5], [14.0, 0.5]
    w1 = [1 - 0.1 * 2 / (sqrt(4) + 1e-3), 1 - 0.1 * 0.5 / (sqrt(0.25) + 1e-3)]
    w2 = [w1[0] + 0.1 * 1 / (sqrt(5) + 1e-3), w1[1] - 0.1 * 0.5 / (sqrt(0.5) + 1e-3)]
    w3 = [w2[0] - 0.1 * 3 / (sqrt(14) + 1e-3), w2[1]]
    assert_path(path, [w1, w2, w3])
    np.testing.assert_array_equal(state.v, v3)
    assert [v1, v2] == [[4.0, 0.25], [5.0, 0.5]]


def test_adagrad_eps_in_sqrt_initial_accumulator_and_lr_decay_by_hand():
    optimizer = adagrad(0.1, 0.01, initial_accumulator=0.5, eps_in_sqrt=True, lr_decay=0.5)
    path, _ = trajectory(optimizer, [0.0], [[1.0], [2.0]])
    w1 = -0.1 * 1 / sqrt(1.5 + 0.01)
    w2 = w1 - (0.1 / (1 + 0.5)) * 2 / sqrt(5.5 + 0.01)
    assert_path(path, [w1, w2])


def test_adagrad_coupled_and_decoupled_weight_decay_by_hand():
    coupled, _ = trajectory(adagrad(0.1, 0.0, weight_decay=0.5), [2.0], [[1.0], [1.0]])
    g1 = 1.0 + 0.5 * 2.0
    w1 = 2.0 - 0.1 * g1 / sqrt(g1**2)
    g2 = 1.0 + 0.5 * w1
    assert_path(coupled, [w1, w1 - 0.1 * g2 / sqrt(g1**2 + g2**2)])
    decoupled, _ = trajectory(adagrad(0.1, 0.0, decoupled_weight_decay=0.5), [2.0], [[1.0], [1.0]])
    w1 = 2.0 - 2.0 * 0.5 * 0.1 - 0.1 * 1.0 / sqrt(1.0)
    assert_path(decoupled, [w1, w1 - w1 * 0.5 * 0.1 - 0.1 * 1.0 / sqrt(2.0)])


def test_adagrad_schedule_times_lr_decay_by_hand():
    optimizer = adagrad(lambda t: 1.0 / t, 0.0, lr_decay=1.0)
    path, _ = trajectory(optimizer, [0.0], [[1.0], [1.0]])
    assert_path(path, [-1.0, -1.0 - (0.5 / 2) / sqrt(2.0)])


def test_zero_denominator_gives_zero_update_not_nan():
    zeros = [[0.0, 1.0], [0.0, -1.0]]
    for optimizer in (
        adagrad(0.1, 0.0),
        rmsprop(0.1, 0.9, 0.0),
        rmsprop(0.1, 0.9, 0.0, eps_in_sqrt=True, centered=True, momentum=0.5, nesterov=True),
        rmsprop(0.1, 0.9, 0.0, bias_correction=True, decoupled_weight_decay=0.1),
        adam(0.1, 0.9, 0.999, 0.0),
        amsgrad(0.1, 0.9, 0.999, 0.0, bias_correction=False),
    ):
        path, state = trajectory(optimizer, [1.0, 1.0], zeros)
        assert np.isfinite(path).all(), optimizer.name
        assert path[0, 0] == 1.0 - 1.0 * _decoupled(optimizer), optimizer.name
        rate = optimizer.effective_learning_rate(state)
        assert rate[0] == math.inf, optimizer.name  # eta / 0, without a warning
        assert np.isfinite(rate[1])


def _decoupled(optimizer: Optimizer) -> float:
    return optimizer.hyperparams.get("decoupled_weight_decay", 0.0) * 0.1


def test_rmsprop_by_hand():
    g = [[2.0, 0.5], [-1.0, 0.5], [0.5, 0.0]]
    path, state = trajectory(rmsprop(0.1, 0.9, 1e-3), [1.0, 1.0], g)
    v1 = [0.1 * 4.0, 0.1 * 0.25]
    v2 = [0.9 * v1[0] + 0.1 * 1.0, 0.9 * v1[1] + 0.1 * 0.25]
    v3 = [0.9 * v2[0] + 0.1 * 0.25, 0.9 * v2[1]]
    w1 = [1 - 0.1 * 2 / (sqrt(v1[0]) + 1e-3), 1 - 0.1 * 0.5 / (sqrt(v1[1]) + 1e-3)]
    w2 = [w1[0] + 0.1 / (sqrt(v2[0]) + 1e-3), w1[1] - 0.1 * 0.5 / (sqrt(v2[1]) + 1e-3)]
    w3 = [w2[0] - 0.1 * 0.5 / (sqrt(v3[0]) + 1e-3), w2[1]]
    assert_path(path, [w1, w2, w3])
    np.testing.assert_allclose(state.v, v3, rtol=1e-15)
    assert not state.m.any()
    assert not state.b.any()
    np.testing.assert_allclose(
        rmsprop(0.1, 0.9, 1e-3).effective_learning_rate(state),
        [0.1 / (sqrt(v3[0]) + 1e-3), 0.1 / (sqrt(v3[1]) + 1e-3)],
        rtol=1e-15,
    )


def test_rmsprop_eps_in_sqrt_and_initial_accumulator_by_hand():
    optimizer = rmsprop(0.1, 0.9, 0.01, eps_in_sqrt=True, initial_accumulator=1.0)
    path, _ = trajectory(optimizer, [0.0], [[2.0], [1.0]])
    v1 = 0.9 * 1.0 + 0.1 * 4.0
    v2 = 0.9 * v1 + 0.1 * 1.0
    w1 = -0.1 * 2 / sqrt(v1 + 0.01)
    assert_path(path, [w1, w1 - 0.1 / sqrt(v2 + 0.01)])


def test_rmsprop_centered_by_hand():
    for eps_in_sqrt in (False, True):
        optimizer = rmsprop(0.1, 0.5, 0.01, centered=True, eps_in_sqrt=eps_in_sqrt)
        path, state = trajectory(optimizer, [0.0], [[2.0], [1.0]])
        v1, m1 = 0.5 * 4.0, 0.5 * 2.0
        v2, m2 = 0.5 * v1 + 0.5 * 1.0, 0.5 * m1 + 0.5 * 1.0
        if eps_in_sqrt:
            d1, d2 = sqrt(v1 - m1**2 + 0.01), sqrt(v2 - m2**2 + 0.01)
        else:
            d1, d2 = sqrt(v1 - m1**2) + 0.01, sqrt(v2 - m2**2) + 0.01
        w1 = -0.1 * 2 / d1
        assert_path(path, [w1, w1 - 0.1 / d2])
        assert state.m[0] == m2
        rate = optimizer.effective_learning_rate(state)
        assert rate[0] == pytest.approx(0.1 / d2, rel=1e-15)


def test_rmsprop_centered_with_a_constant_gradient_approaches_eta_over_sqrt_eps():
    """F12: n_T - m_T^2 = beta^T (1 - beta^T) g^2 -> 0, so the denominator tends to sqrt(eps)."""
    optimizer = rmsprop(0.1, 0.5, 1e-6, centered=True, eps_in_sqrt=True)
    path, state = trajectory(optimizer, [0.0], [[1.0]] * 60)
    assert optimizer.effective_learning_rate(state)[0] == pytest.approx(0.1 / sqrt(1e-6))
    assert path[-2, 0] - path[-1, 0] == pytest.approx(0.1 / sqrt(1e-6))


def test_rmsprop_momentum_and_nesterov_by_hand():
    g = [2.0, 1.0]
    v1 = 0.1 * 4.0
    v2 = 0.9 * v1 + 0.1 * 1.0
    u1, u2 = 0.1 * 2 / sqrt(v1), 0.1 * 1 / sqrt(v2)
    plain, state = trajectory(rmsprop(0.1, 0.9, 0.0, momentum=0.5), [0.0], [[x] for x in g])
    assert_path(plain, [-u1, -u1 - (0.5 * u1 + u2)])
    assert state.b[0] == pytest.approx(0.5 * u1 + u2, rel=1e-15)
    optimizer = rmsprop(0.1, 0.9, 0.0, momentum=0.5, nesterov=True)
    nesterov, _ = trajectory(optimizer, [0.0], [[x] for x in g])
    b1, b2 = u1, 0.5 * u1 + u2
    w1 = -(u1 + 0.5 * b1)
    assert_path(nesterov, [w1, w1 - (u2 + 0.5 * b2)])


def test_rmsprop_momentum_keeps_the_learning_rate_inside_the_buffer_under_a_schedule():
    optimizer = rmsprop(lambda t: 0.1 / t, 0.9, 0.0, momentum=0.5)
    path, _ = trajectory(optimizer, [0.0], [[2.0], [1.0]])
    v1, v2 = 0.4, 0.9 * 0.4 + 0.1
    b1 = 0.1 * 2 / sqrt(v1)
    b2 = 0.5 * b1 + (0.1 / 2) * 1 / sqrt(v2)  # Keras/TF form: eta_t scales each new term
    assert_path(path, [-b1, -b1 - b2])


def test_rmsprop_weight_decay_by_hand():
    coupled, _ = trajectory(rmsprop(0.1, 0.9, 0.0, weight_decay=0.5), [2.0], [[1.0], [1.0]])
    g1 = 1.0 + 0.5 * 2.0
    v1 = 0.1 * g1**2
    w1 = 2.0 - 0.1 * g1 / sqrt(v1)
    g2 = 1.0 + 0.5 * w1
    assert_path(coupled, [w1, w1 - 0.1 * g2 / sqrt(0.9 * v1 + 0.1 * g2**2)])
    optimizer = rmsprop(0.1, 0.9, 0.0, decoupled_weight_decay=0.5)
    decoupled, _ = trajectory(optimizer, [2.0], [[1.0], [1.0]])
    w1 = 2.0 - 2.0 * 0.5 * 0.1 - 0.1 * 1.0 / sqrt(0.1)
    w2 = w1 - w1 * 0.5 * 0.1 - 0.1 * 1.0 / sqrt(0.9 * 0.1 + 0.1)
    assert_path(decoupled, [w1, w2])


def test_rmsprop_bias_correction_by_hand():
    optimizer = rmsprop(0.1, 0.9, 1e-3, bias_correction=True)
    path, state = trajectory(optimizer, [0.0], [[2.0], [1.0]])
    v1, v2 = 0.4, 0.9 * 0.4 + 0.1
    w1 = -0.1 * 2 / (sqrt(v1 / (1 - 0.9)) + 1e-3)
    w2 = w1 - 0.1 * 1 / (sqrt(v2 / (1 - 0.81)) + 1e-3)
    assert_path(path, [w1, w2])
    assert state.v[0] == pytest.approx(v2, rel=1e-15)  # the state keeps the uncorrected V_T
    rate = optimizer.effective_learning_rate(state)[0]
    assert rate == pytest.approx(0.1 / (sqrt(v2 / (1 - 0.81)) + 1e-3), rel=1e-14)
    centered = rmsprop(0.1, 0.5, 0.01, bias_correction=True, centered=True)
    path, _ = trajectory(centered, [0.0], [[2.0], [1.0]])
    # t = 1: V_1/(1-beta) - (m_1/(1-beta))^2 = g^2 - g^2 = 0, so d = eps (with eps = 0: 2/0 = inf)
    w1 = -0.1 * 2 / 0.01
    v2, m2 = 0.5 * 2.0 + 0.5 * 1.0, 0.5 * 1.0 + 0.5 * 1.0
    assert_path(path, [w1, w1 - 0.1 / (sqrt(v2 / 0.75 - (m2 / 0.75) ** 2) + 0.01)])


def test_adam_by_hand():
    g = [2.0, -1.0, 0.5]
    path, state = trajectory(adam(0.1, 0.9, 0.99, 1e-3), [0.0], [[x] for x in g])
    m1, v1 = 0.1 * 2.0, 0.01 * 4.0
    m2, v2 = 0.9 * m1 - 0.1, 0.99 * v1 + 0.01 * 1.0
    m3, v3 = 0.9 * m2 + 0.05, 0.99 * v2 + 0.01 * 0.25
    w1 = -(0.1 / (1 - 0.9)) * m1 / (sqrt(v1) / sqrt(1 - 0.99) + 1e-3)
    w2 = w1 - (0.1 / (1 - 0.9**2)) * m2 / (sqrt(v2) / sqrt(1 - 0.99**2) + 1e-3)
    w3 = w2 - (0.1 / (1 - 0.9**3)) * m3 / (sqrt(v3) / sqrt(1 - 0.99**3) + 1e-3)
    np.testing.assert_allclose(path[:, 0], [w1, w2, w3], rtol=1e-13)
    assert (state.m[0], state.v[0]) == (pytest.approx(m3, rel=1e-15), pytest.approx(v3, rel=1e-15))
    rate = adam(0.1, 0.9, 0.99, 1e-3).effective_learning_rate(state)[0]
    assert rate == pytest.approx((0.1 / (1 - 0.9**3)) / (sqrt(v3) / sqrt(1 - 0.99**3) + 1e-3))


def test_adam_without_bias_correction_and_with_weight_decay_by_hand():
    path, _ = trajectory(adam(0.1, 0.9, 0.99, 1e-3, bias_correction=False), [0.0], [[2.0], [1.0]])
    m1, v1 = 0.2, 0.04
    m2, v2 = 0.9 * m1 + 0.1, 0.99 * v1 + 0.01
    w1 = -0.1 * m1 / (sqrt(v1) + 1e-3)
    assert_path(path, [w1, w1 - 0.1 * m2 / (sqrt(v2) + 1e-3)])
    path, _ = trajectory(adam(0.1, 0.5, 0.5, 0.0, weight_decay=1.0), [1.0], [[1.0]])
    g1 = 1.0 + 1.0 * 1.0
    assert_path(path, [1.0 - (0.1 / 0.5) * (0.5 * g1) / (sqrt(0.5 * g1**2) / sqrt(0.5))])


def test_amsgrad_uses_the_largest_second_moment_by_hand():
    g = [3.0, 1.0]
    for bias_correction in (True, False):
        optimizer = amsgrad(0.1, 0.5, 0.5, 1e-3, bias_correction=bias_correction)
        path, state = trajectory(optimizer, [0.0], [[x] for x in g])
        m1, v1 = 1.5, 4.5
        m2, v2 = 0.5 * 1.5 + 0.5, 0.5 * 4.5 + 0.5
        v_max = max(v1, v2)  # 4.5: V_T fell, the denominator did not
        assert (state.v[0], state.v_max[0]) == (v2, v_max)
        if bias_correction:
            w1 = -(0.1 / 0.5) * m1 / (sqrt(v1) / sqrt(0.5) + 1e-3)
            w2 = w1 - (0.1 / 0.75) * m2 / (sqrt(v_max) / sqrt(0.75) + 1e-3)
        else:
            w1 = -0.1 * m1 / (sqrt(v1) + 1e-3)
            w2 = w1 - 0.1 * m2 / (sqrt(v_max) + 1e-3)
        assert_path(path, [w1, w2])
    adam_path, _ = trajectory(adam(0.1, 0.5, 0.5, 1e-3, bias_correction=False), [0.0], [[3], [1]])
    assert adam_path[1, 0] != path[1, 0]


def test_effective_learning_rate_of_sgd_and_momentum_has_the_params_shape():
    rates = np.array([[0.1], [0.2]])
    for optimizer in (sgd(rates), momentum(rates, 0.9)):
        state = optimizer.init(np.zeros((2, 3)))
        np.testing.assert_array_equal(
            optimizer.effective_learning_rate(state), [[0.1] * 3, [0.2] * 3]
        )
    scheduled = sgd(lambda t: 1.0 / t)
    _, state = trajectory(scheduled, [0.0, 0.0], [[1.0, 1.0]] * 4)
    np.testing.assert_array_equal(scheduled.effective_learning_rate(state), [0.25, 0.25])


def test_effective_learning_rate_before_the_first_step_uses_eta_1_and_the_initial_state():
    optimizer = rmsprop(lambda t: 0.5 / t, 0.9, 0.0, initial_accumulator=4.0)
    np.testing.assert_array_equal(optimizer.effective_learning_rate(optimizer.init([0.0])), [0.25])
    optimizer = adagrad(0.1, 0.0, lr_decay=1.0)
    assert optimizer.effective_learning_rate(optimizer.init([0.0]))[0] == math.inf
    optimizer = adam(0.1, 0.9, 0.999, 1e-8)
    assert optimizer.effective_learning_rate(optimizer.init([0.0]))[0] == pytest.approx(
        (0.1 / (1 - 0.9)) / 1e-8
    )


def test_effective_learning_rate_multiplies_the_gradient_in_the_last_step():
    rng = np.random.default_rng(3)
    for optimizer in (
        adagrad(0.1, 1e-3, lr_decay=0.1, initial_accumulator=0.1),
        rmsprop(lambda t: 0.1 / t, 0.9, 1e-3, eps_in_sqrt=True, centered=True),
        rmsprop(0.1, 0.99, 1e-3, bias_correction=True),
    ):
        w = rng.standard_normal(5)
        state = optimizer.init(w)
        for _ in range(4):
            g = rng.standard_normal(5)
            new_w, state = optimizer.step(w, g, state)
            rate = optimizer.effective_learning_rate(state)
            np.testing.assert_allclose(w - new_w, rate * g, rtol=1e-13)
            w = new_w


# ----------------------------------------------------------------------------- theory properties

magnitudes = st.floats(1e-6, 1e3)
signs = st.sampled_from([-1.0, 1.0])
nonzero_gradients = st.builds(lambda size, sign: size * sign, magnitudes, signs)


@FAST
@given(
    beta=st.floats(0.0, 0.999),
    eta=st.floats(1e-3, 1.0),
    first=nonzero_gradients,
    rest=st.lists(nonzero_gradients | st.just(0.0), max_size=30),
)
def test_rmsprop_step_never_exceeds_eta_over_sqrt_one_minus_beta(beta, eta, first, rest):
    """F7: with eps = 0 and V_0 = 0, |dw_t| <= eta / sqrt(1 - beta), with equality at step 1."""
    optimizer = rmsprop(learning_rate=eta, beta=beta, eps=0.0)
    bound = eta / math.sqrt(1.0 - beta)
    path, _ = trajectory(optimizer, [0.0], [[g] for g in [first, *rest]])
    steps = np.abs(np.diff(path[:, 0], prepend=0.0))
    assert steps[0] == pytest.approx(bound, rel=1e-12)
    assert np.all(steps <= bound * (1 + 1e-12))


@FAST
@given(g=nonzero_gradients, eta=st.floats(1e-3, 1.0), steps=st.integers(1, 60))
def test_adagrad_constant_gradient_step_is_eta_over_sqrt_t(g, eta, steps):
    """F5: V_T = T g^2, so with eps = 0 step t moves by eta / sqrt(t)."""
    path, _ = trajectory(adagrad(learning_rate=eta, eps=0.0), [0.0], [[g]] * steps)
    moved = np.abs(np.diff(path[:, 0], prepend=0.0))
    np.testing.assert_allclose(moved, eta / np.sqrt(np.arange(1, steps + 1)), rtol=1e-10)


RMSPROP_VARIANTS = [
    {},
    {"centered": True},
    {"momentum": 0.5, "nesterov": True},
    {"bias_correction": True, "eps_in_sqrt": True},
    {"momentum": 0.9, "centered": True, "eps_in_sqrt": True, "weight_decay": 0.0},
]  # not centered + bias_correction with eps = 0: its first step divides by V_1 - m_1^2 = 0


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    power=st.integers(-30, 30),
    scale=st.floats(1e-3, 1e3),
    beta=st.floats(0.05, 0.99),  # centered with beta -> 0: V_T - m_T^2 cancels, rounding rules
    variant=st.sampled_from(RMSPROP_VARIANTS),
)
def test_rmsprop_with_eps_zero_is_invariant_to_gradient_scale(seed, power, scale, beta, variant):
    """Scaling every gradient by c scales V_T by c^2 and the denominator by |c|: the same steps."""
    grads = np.random.default_rng(seed).standard_normal((20, 3))
    optimizer = rmsprop(learning_rate=0.1, beta=beta, eps=0.0, **variant)
    reference, _ = trajectory(optimizer, np.ones(3), grads)
    exact, _ = trajectory(optimizer, np.ones(3), grads * 2.0**power)  # powers of 2: no rounding
    np.testing.assert_array_equal(exact, reference)
    scaled, _ = trajectory(optimizer, np.ones(3), grads * scale)
    np.testing.assert_allclose(scaled, reference, rtol=1e-9, atol=1e-12)


def quadratic_run(optimizer: Optimizer, curvatures: np.ndarray, steps: int) -> np.ndarray:
    """Iterates of ``optimizer`` on f(w) = lam w^2 / 2 from w_0 = 1, one row per curvature lam."""
    w = np.ones((len(curvatures), 1))
    state = optimizer.init(w)
    path = [w]
    for _ in range(steps):
        w, state = optimizer.step(w, curvatures[:, None] * w, state)
        path.append(w)
    return np.array(path)[:, :, 0]


def columns(rows: list[tuple]) -> list[np.ndarray]:
    """Hypothesis draws a batch as a list of tuples; the optimizer wants one column per setting."""
    return [np.array(column) for column in zip(*rows, strict=True)]


@SLOW
@given(
    st.lists(
        st.tuples(
            st.floats(0.1, 100.0),  # curvature lam
            st.floats(0.05, 0.5),  # eta
            st.floats(0.5, 0.95),  # beta
            st.sampled_from([0.0, 1e-3]),  # eps relative to eta lam
        ),
        min_size=1,
        max_size=6,
    )
)
def test_rmsprop_ends_in_the_eta_over_2_two_cycle(settings_batch):
    """F10: on lam w^2 / 2 with constant eta, RMSProp locks into w = +-(eta/2 - eps/lam)."""
    curvature, eta, beta, relative_eps = columns(settings_batch)
    eps = relative_eps * eta * curvature
    optimizer = rmsprop(learning_rate=eta[:, None], beta=beta[:, None], eps=eps[:, None])
    path = quadratic_run(optimizer, curvature, 1200)
    amplitude = eta / 2 - eps / curvature
    np.testing.assert_allclose(np.abs(path[-2:]), np.stack([amplitude, amplitude]), rtol=1e-8)
    np.testing.assert_allclose(path[-1], -path[-2], rtol=1e-8)


@SLOW
@given(st.lists(st.tuples(st.floats(0.1, 100.0), st.floats(0.1, 1.0)), min_size=1, max_size=6))
def test_adagrad_reaches_the_minimum_of_the_quadratic(settings_batch):
    """F10's counterpart: AdaGrad's accumulator stays finite and it converges to w = 0."""
    curvature, eta = columns(settings_batch)
    path = quadratic_run(adagrad(learning_rate=eta[:, None], eps=0.0), curvature, 1000)
    assert np.all(np.abs(path[-1]) < 1e-10)


@FAST
@given(seed=st.integers(0, 2**32 - 1), eta=st.floats(1e-3, 1.0), steps=st.integers(1, 40))
def test_rmsprop_with_beta_t_one_minus_one_over_t_is_adagrad(seed, eta, steps):
    """F13: beta_t = 1 - 1/t makes V_T the running mean of g^2, so with eta_t = eta / sqrt(t)
    RMSProp takes AdaGrad's steps. beta changes every step: a fresh rmsprop per step, one state."""
    grads = np.random.default_rng(seed).standard_normal((steps, 4))
    w = np.ones(4)
    state = rmsprop(learning_rate=eta, beta=0.0, eps=0.0).init(w)
    path = []
    for t, g in enumerate(grads, start=1):
        optimizer = rmsprop(learning_rate=lambda s: eta / math.sqrt(s), beta=1 - 1 / t, eps=0.0)
        w, state = optimizer.step(w, g, state)
        path.append(w)
    reference, _ = trajectory(adagrad(learning_rate=eta, eps=0.0), np.ones(4), grads)
    np.testing.assert_allclose(path, reference, rtol=1e-11, atol=1e-12)


@FAST
@given(seed=st.integers(0, 2**32 - 1))
def test_amsgrad_effective_learning_rate_never_increases(seed):
    grads = (
        np.random.default_rng(seed).standard_normal((30, 3)) * np.geomspace(10, 0.1, 30)[:, None]
    )
    optimizer = amsgrad(0.1, 0.9, 0.99, 1e-8, bias_correction=False)
    w, state, previous = np.zeros(3), optimizer.init(np.zeros(3)), np.full(3, np.inf)
    for g in grads:
        w, state = optimizer.step(w, g, state)
        rate = optimizer.effective_learning_rate(state)
        assert np.all(rate <= previous)
        previous = rate


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
        amsgrad,
        lambda r, n: (
            {"learning_rate": r.uniform(0.001, 0.3, n), "beta1": r.uniform(0, 0.99, n)}
            | {"beta2": r.uniform(0.5, 0.9999, n), "eps": r.choice([0.0, 1e-8], n)}
        ),
        {},
    ),
    "momentum": (
        momentum,
        lambda r, n: {
            "learning_rate": r.uniform(0.001, 0.3, n),
            "beta": _some_zero(r, r.uniform(0.0, 0.99, n)),
            "weight_decay": _some_zero(r, r.uniform(0.0, 0.1, n)),
        },
        {"nesterov": True},
    ),
    "momentum-plain": (
        momentum,
        lambda r, n: {"learning_rate": r.uniform(0.001, 0.3, n), "beta": r.uniform(0, 0.99, n)},
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
