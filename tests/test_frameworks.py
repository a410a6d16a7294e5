"""Tests for rmsprop_lib.frameworks: the preset table, its mapping onto the factories, describe().

Parity with trajectories recorded from the real frameworks is in test_framework_parity.py.
"""

import math

import numpy as np
import pytest

from rmsprop_lib.frameworks import PRESETS, REQUIRED, describe, from_framework
from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.adam import adam
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.optimizers.sgd import sgd

SPEC_PRESETS = {
    ("torch", "RMSprop"),
    ("torch", "Adagrad"),
    ("torch", "SGD"),
    ("torch", "Adam"),
    ("keras", "RMSprop"),
    ("keras", "Adagrad"),
    ("optax", "rmsprop"),
    ("optax", "adagrad"),
    ("tf1", "RMSPropOptimizer"),
    ("tf1", "AdagradOptimizer"),
    ("tf_keras_v2", "RMSprop"),
    ("tf_keras_v2", "Adagrad"),
}
LEARNING_RATE_REQUIRED = {("optax", "rmsprop"), ("optax", "adagrad")} | {
    ("tf1", "RMSPropOptimizer"),
    ("tf1", "AdagradOptimizer"),
}
PRESET_IDS = [f"{framework}-{name}" for framework, name in sorted(SPEC_PRESETS)]


def _with_required(framework: str, name: str, /, **kwargs) -> Optimizer:
    if (framework, name) in LEARNING_RATE_REQUIRED:
        kwargs.setdefault("learning_rate", 0.01)
    return from_framework(framework, name, **kwargs)


def rosenbrock_path(optimizer: Optimizer, steps: int = 25) -> np.ndarray:
    """Parameters after each step on the Rosenbrock function from (-1.2, 1)."""
    w = np.array([-1.2, 1.0])
    state = optimizer.init(w)
    path = []
    for _ in range(steps):
        x, y = w
        grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        w, state = optimizer.step(w, grad, state)
        path.append(w)
    return np.array(path)


def assert_same_optimizer(preset: Optimizer, direct: Optimizer) -> None:
    assert preset.name == direct.name
    assert dict(preset.hyperparams) == dict(direct.hyperparams)
    np.testing.assert_array_equal(rosenbrock_path(preset), rosenbrock_path(direct))


def test_the_table_holds_exactly_the_supported_presets():
    assert set(PRESETS) == SPEC_PRESETS


# The first step of each framework with its defaults, written from its documentation
# (frameworks.md): g -> w_1 - w_0 for one coordinate, V_0 as the framework starts it.
FIRST_STEPS = {
    ("torch", "RMSprop"): lambda g: -0.01 * g / (math.sqrt(0.01 * g * g) + 1e-8),
    ("torch", "Adagrad"): lambda g: -0.01 * g / (abs(g) + 1e-10),
    ("torch", "SGD"): lambda g: -0.001 * g,
    ("torch", "Adam"): lambda g: -(0.001 / 0.1) * (0.1 * g) / (abs(g) + 1e-8),
    ("keras", "RMSprop"): lambda g: -0.001 * g / math.sqrt(0.1 * g * g + 1e-7),
    ("keras", "Adagrad"): lambda g: -0.001 * g / math.sqrt(0.1 + g * g + 1e-7),
    ("optax", "rmsprop"): lambda g: -0.01 * g / math.sqrt(0.1 * g * g + 1e-8),
    ("optax", "adagrad"): lambda g: -0.01 * g / math.sqrt(0.1 + g * g + 1e-7),
    ("tf1", "RMSPropOptimizer"): lambda g: -0.01 * g / math.sqrt(0.9 + 0.1 * g * g + 1e-10),
    ("tf1", "AdagradOptimizer"): lambda g: -0.01 * g / math.sqrt(0.1 + g * g),
    ("tf_keras_v2", "RMSprop"): lambda g: -0.001 * g / (math.sqrt(0.1 * g * g) + 1e-7),
    ("tf_keras_v2", "Adagrad"): lambda g: -0.001 * g / (math.sqrt(0.1 + g * g) + 1e-7),
}


@pytest.mark.parametrize(("framework", "name"), sorted(SPEC_PRESETS), ids=PRESET_IDS)
def test_the_first_step_with_the_framework_defaults_is_the_documented_one(framework, name):
    if (framework, name) in LEARNING_RATE_REQUIRED:
        with pytest.raises(TypeError, match=rf"^{framework} {name} requires learning_rate"):
            from_framework(framework, name)
    optimizer = _with_required(framework, name)
    grads = np.array([3.0, -0.02, 1e-3])
    w0 = np.array([1.0, 2.0, -1.0])
    w1, _ = optimizer.step(w0, grads, optimizer.init(w0))
    expected = [w + FIRST_STEPS[framework, name](g) for w, g in zip(w0, grads, strict=True)]
    np.testing.assert_allclose(w1, expected, rtol=1e-13)


DEFAULT_EQUIVALENTS = {
    ("torch", "RMSprop"): rmsprop(learning_rate=0.01, beta=0.99, eps=1e-8),
    ("torch", "Adagrad"): adagrad(learning_rate=0.01, eps=1e-10),
    ("torch", "SGD"): sgd(learning_rate=0.001),
    ("torch", "Adam"): adam(learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8),
    ("keras", "RMSprop"): rmsprop(learning_rate=0.001, beta=0.9, eps=1e-7, eps_in_sqrt=True),
    ("keras", "Adagrad"): adagrad(
        learning_rate=0.001, eps=1e-7, initial_accumulator=0.1, eps_in_sqrt=True
    ),
    ("optax", "rmsprop"): rmsprop(learning_rate=0.01, beta=0.9, eps=1e-8, eps_in_sqrt=True),
    ("optax", "adagrad"): adagrad(
        learning_rate=0.01, eps=1e-7, initial_accumulator=0.1, eps_in_sqrt=True
    ),
    ("tf1", "RMSPropOptimizer"): rmsprop(
        learning_rate=0.01, beta=0.9, eps=1e-10, eps_in_sqrt=True, initial_accumulator=1.0
    ),
    ("tf1", "AdagradOptimizer"): adagrad(learning_rate=0.01, eps=0.0, initial_accumulator=0.1),
    ("tf_keras_v2", "RMSprop"): rmsprop(learning_rate=0.001, beta=0.9, eps=1e-7),
    ("tf_keras_v2", "Adagrad"): adagrad(learning_rate=0.001, eps=1e-7, initial_accumulator=0.1),
}


@pytest.mark.parametrize(("framework", "name"), sorted(SPEC_PRESETS), ids=PRESET_IDS)
def test_defaults_equal_the_direct_call(framework, name):
    assert_same_optimizer(_with_required(framework, name), DEFAULT_EQUIVALENTS[framework, name])


NON_DEFAULT_CASES = [
    (
        ("torch", "RMSprop"),
        {
            "lr": 0.02,
            "alpha": 0.9,
            "eps": 0.1,
            "weight_decay": 0.01,
            "momentum": 0.5,
            "centered": True,
        },
        rmsprop(0.02, 0.9, 0.1, centered=True, momentum=0.5, weight_decay=0.01),
    ),
    (
        ("torch", "Adagrad"),
        {
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
            "eps": 0.1,
        },
        adagrad(0.1, 0.1, initial_accumulator=0.5, lr_decay=0.01, weight_decay=0.1),
    ),
    (
        ("torch", "SGD"),
        {"lr": 0.0001, "momentum": 0.9, "weight_decay": 0.1, "nesterov": True},
        sgd(0.0001, momentum=0.9, nesterov=True, weight_decay=0.1),
    ),
    (
        ("torch", "Adam"),
        {"lr": 0.01, "betas": (0.8, 0.99), "eps": 0.1, "weight_decay": 0.1},
        adam(0.01, 0.8, 0.99, 0.1, weight_decay=0.1),
    ),
    (
        ("torch", "Adam"),
        {"lr": 0.01, "betas": [0.8, 0.99], "amsgrad": True},
        adam(0.01, 0.8, 0.99, 1e-8, amsgrad=True),
    ),
    (
        ("keras", "RMSprop"),
        {
            "learning_rate": 0.01,
            "rho": 0.95,
            "momentum": 0.9,
            "epsilon": 0.1,
            "centered": True,
            "weight_decay": 0.004,
        },
        rmsprop(
            0.01,
            0.95,
            0.1,
            eps_in_sqrt=True,
            centered=True,
            momentum=0.9,
            decoupled_weight_decay=0.004,
        ),
    ),
    (
        ("keras", "Adagrad"),
        {
            "learning_rate": 0.1,
            "initial_accumulator_value": 0.0,
            "epsilon": 0.1,
            "weight_decay": 0.01,
        },
        adagrad(0.1, 0.1, eps_in_sqrt=True, decoupled_weight_decay=0.01),
    ),
    (
        ("optax", "rmsprop"),
        {
            "learning_rate": 0.01,
            "decay": 0.99,
            "eps": 0.1,
            "initial_scale": 1.0,
            "eps_in_sqrt": False,
            "centered": True,
            "momentum": 0.9,
            "nesterov": True,
            "bias_correction": True,
        },
        rmsprop(
            0.01,
            0.99,
            0.1,
            initial_accumulator=1.0,
            centered=True,
            momentum=0.9,
            nesterov=True,
            bias_correction=True,
        ),
    ),
    (
        ("optax", "adagrad"),
        {"learning_rate": 0.5, "initial_accumulator_value": 0.0, "eps": 0.0},
        adagrad(0.5, 0.0, eps_in_sqrt=True),
    ),
    (
        ("tf1", "RMSPropOptimizer"),
        {"learning_rate": 0.01, "decay": 0.95, "momentum": 0.9, "epsilon": 0.01, "centered": True},
        rmsprop(
            0.01,
            0.95,
            0.01,
            eps_in_sqrt=True,
            initial_accumulator=1.0,
            centered=True,
            momentum=0.9,
        ),
    ),
    (
        ("tf1", "AdagradOptimizer"),
        {"learning_rate": 0.5, "initial_accumulator_value": 1.0},
        adagrad(0.5, 0.0, initial_accumulator=1.0),
    ),
    (
        ("tf_keras_v2", "RMSprop"),
        {"learning_rate": 0.01, "rho": 0.95, "momentum": 0.9, "epsilon": 0.01, "centered": True},
        rmsprop(0.01, 0.95, 0.01, eps_in_sqrt=True, centered=True, momentum=0.9),
    ),
    (
        ("tf_keras_v2", "RMSprop"),
        {"learning_rate": 0.01, "rho": 0.95, "epsilon": 0.01, "centered": True},
        rmsprop(0.01, 0.95, 0.01, centered=True),
    ),
    (
        ("tf_keras_v2", "Adagrad"),
        {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 0.1},
        adagrad(0.1, 0.1, initial_accumulator=0.0),
    ),
]


@pytest.mark.parametrize(
    ("preset", "kwargs", "direct"),
    NON_DEFAULT_CASES,
    ids=[
        f"{framework}-{name}-{i}" for i, ((framework, name), _, _) in enumerate(NON_DEFAULT_CASES)
    ],
)
def test_framework_arguments_map_onto_the_factory(preset, kwargs, direct):
    assert_same_optimizer(from_framework(*preset, **kwargs), direct)


def test_every_preset_has_a_non_default_case():
    assert {preset for preset, _, _ in NON_DEFAULT_CASES} == SPEC_PRESETS


def test_none_stands_for_zero_where_the_framework_says_so():
    keras = from_framework("keras", "RMSprop", weight_decay=None)
    assert keras.hyperparams["decoupled_weight_decay"] == 0.0
    optax = from_framework("optax", "rmsprop", learning_rate=0.1, momentum=None)
    assert optax.hyperparams["momentum"] == 0.0


def test_keras_docstring_example_is_reproduced():
    """Keras' RMSprop docstring: one step from 10 on var^2 / 2 with lr = 0.1 lands at 9.683772."""
    optimizer = from_framework("keras", "RMSprop", learning_rate=0.1)
    var = np.array([10.0])
    new_var, _ = optimizer.step(var, var, optimizer.init(var))
    assert new_var[0] == pytest.approx(10 - 0.1 * 10 / math.sqrt(0.1 * 100 + 1e-7), rel=1e-15)
    assert round(new_var[0], 6) == 9.683772


def test_schedules_pass_through_unchanged():
    def schedule(t: int) -> float:
        return 0.1 / t

    optimizer = from_framework("optax", "rmsprop", learning_rate=schedule)
    assert optimizer.hyperparams["learning_rate"] is schedule


# ----------------------------------------------------------------------------- rejections


def test_unknown_framework_lists_the_valid_ones():
    with pytest.raises(
        ValueError,
        match=r"^unknown framework 'jax'; valid: keras, optax, tf1, tf_keras_v2, torch$",
    ):
        from_framework("jax", "rmsprop")
    with pytest.raises(ValueError, match="valid: keras, optax, tf1, tf_keras_v2, torch"):
        describe("Torch", "RMSprop")


def test_unknown_optimizer_lists_the_valid_ones_of_that_framework():
    with pytest.raises(
        ValueError, match=r"^unknown torch optimizer 'rmsprop'; valid: Adagrad, Adam, RMSprop, SGD$"
    ):
        from_framework("torch", "rmsprop")
    with pytest.raises(ValueError, match=r"valid: AdagradOptimizer, RMSPropOptimizer$"):
        describe("tf1", "Adam")


def test_unknown_argument_lists_the_valid_ones():
    with pytest.raises(
        ValueError,
        match=r"^torch RMSprop has no argument beta, rho; valid: alpha, capturable, centered, "
        r"differentiable, eps, foreach, lr, maximize, momentum, weight_decay$",
    ):
        from_framework("torch", "RMSprop", rho=0.9, beta=0.9)
    with pytest.raises(
        ValueError, match=r"^keras Adagrad has no argument lr; valid: .*learning_rate"
    ):
        from_framework("keras", "Adagrad", lr=0.1)


@pytest.mark.parametrize(
    ("framework", "name", "kwargs", "argument"),
    [
        ("torch", "RMSprop", {"maximize": True}, "maximize"),
        ("torch", "Adagrad", {"maximize": True}, "maximize"),
        ("torch", "SGD", {"dampening": 0.1}, "dampening"),
        ("torch", "SGD", {"dampening": False}, "dampening"),
        ("torch", "SGD", {"dampening": "0"}, "dampening"),
        ("torch", "SGD", {"maximize": 1}, "maximize"),
        ("torch", "Adam", {"decoupled_weight_decay": True}, "decoupled_weight_decay"),
        ("torch", "Adam", {"maximize": True}, "maximize"),
        ("keras", "RMSprop", {"clipnorm": 1.0}, "clipnorm"),
        ("keras", "RMSprop", {"use_ema": True}, "use_ema"),
        ("keras", "Adagrad", {"clipvalue": 0.5}, "clipvalue"),
        ("keras", "Adagrad", {"gradient_accumulation_steps": 2}, "gradient_accumulation_steps"),
        ("keras", "Adagrad", {"ema_momentum": 0.9}, "ema_momentum"),
        ("tf_keras_v2", "RMSprop", {"decay": 0.01}, "decay"),
        ("tf_keras_v2", "Adagrad", {"clipnorm": 1.0}, "clipnorm"),
    ],
)
def test_settings_the_library_does_not_model_raise(framework, name, kwargs, argument):
    with pytest.raises(ValueError, match=rf"^{framework} {name}: {argument}=.* is not modelled"):
        from_framework(framework, name, **kwargs)


def test_unmodelled_arguments_are_accepted_at_their_defaults():
    assert_same_optimizer(
        from_framework("torch", "SGD", dampening=0, maximize=False),
        DEFAULT_EQUIVALENTS["torch", "SGD"],
    )
    assert_same_optimizer(
        from_framework("torch", "SGD", dampening=np.float64(0.0), maximize=np.False_),
        DEFAULT_EQUIVALENTS["torch", "SGD"],
    )
    keras = from_framework("keras", "RMSprop", clipnorm=None, use_ema=False, ema_momentum=0.99)
    assert_same_optimizer(keras, DEFAULT_EQUIVALENTS["keras", "RMSprop"])


@pytest.mark.parametrize(
    ("framework", "name", "kwargs"),
    [
        ("torch", "RMSprop", {"foreach": True, "capturable": True, "differentiable": True}),
        ("torch", "Adagrad", {"foreach": False, "fused": True, "differentiable": False}),
        ("torch", "SGD", {"foreach": True, "fused": None}),
        ("torch", "Adam", {"fused": True, "capturable": True}),
        ("keras", "RMSprop", {"name": "my_rmsprop"}),
        ("keras", "Adagrad", {"name": None}),
        ("tf1", "RMSPropOptimizer", {"use_locking": True, "name": "RMS"}),
        ("tf1", "AdagradOptimizer", {"use_locking": True}),
        ("tf_keras_v2", "RMSprop", {"name": "legacy"}),
    ],
)
def test_arguments_that_never_change_the_arithmetic_take_any_value(framework, name, kwargs):
    assert_same_optimizer(
        _with_required(framework, name, **kwargs), DEFAULT_EQUIVALENTS[framework, name]
    )


@pytest.mark.parametrize(
    ("framework", "name", "kwargs", "error", "pattern"),
    [
        ("torch", "RMSprop", {"alpha": 1.0}, ValueError, r"alpha \(library argument beta\) must"),
        ("torch", "RMSprop", {"lr": "a"}, TypeError, r"lr \(library argument learning_rate\)"),
        ("torch", "RMSprop", {"lr": 0.0}, ValueError, r"lr .* must be > 0 and finite, got 0\.0"),
        (
            "torch",
            "RMSprop",
            {"centered": 1},
            TypeError,
            r"^torch RMSprop: centered must be a bool",
        ),
        (
            "torch",
            "SGD",
            {"momentum": 1.0},
            ValueError,
            r"^torch SGD: momentum must be in \[0, 1\)",
        ),
        ("torch", "Adam", {"betas": (0.9, 1.0)}, ValueError, r"betas \(library argument beta2\)"),
        ("torch", "Adam", {"betas": 0.9}, TypeError, r"^torch Adam: betas must be a pair"),
        ("torch", "Adam", {"betas": (0.9,)}, TypeError, r"betas must be a pair"),
        ("torch", "Adam", {"amsgrad": "yes"}, TypeError, r"^torch Adam: amsgrad must be a bool"),
        ("keras", "RMSprop", {"epsilon": -1.0}, ValueError, r"epsilon \(library argument eps\)"),
        ("keras", "RMSprop", {"weight_decay": -1.0}, ValueError, r"weight_decay \(library"),
        ("keras", "RMSprop", {"rho": None}, TypeError, r"rho \(library argument beta\)"),
        ("optax", "rmsprop", {"learning_rate": None}, TypeError, r"learning_rate must be a real"),
        ("optax", "rmsprop", {"learning_rate": 0.1, "momentum": 1.0}, ValueError, r"momentum"),
        ("optax", "adagrad", {"learning_rate": 0.1, "eps": math.nan}, ValueError, r"eps must"),
        (
            "tf1",
            "AdagradOptimizer",
            {"learning_rate": 0.1, "initial_accumulator_value": 0.0},
            ValueError,
            r"^tf1 AdagradOptimizer: initial_accumulator_value must be > 0, got 0\.0$",
        ),
        (
            "tf1",
            "AdagradOptimizer",
            {"learning_rate": 0.1, "initial_accumulator_value": -1.0},
            ValueError,
            r"initial_accumulator_value \(library argument initial_accumulator\)",
        ),
    ],
)
def test_bad_values_are_reported_in_the_framework_s_words(framework, name, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        from_framework(framework, name, **kwargs)


def test_required_learning_rate_is_named_when_missing():
    for framework, name in sorted(LEARNING_RATE_REQUIRED):
        with pytest.raises(
            TypeError, match=r"requires learning_rate \(the framework has no default\)"
        ):
            from_framework(
                framework, name, **({"decay": 0.9} if name.lower().startswith("rms") else {})
            )


# ----------------------------------------------------------------------------- describe

EXPECTED_DESCRIPTIONS = {
    # (eps placement, eps default, initial accumulator, learning-rate default)
    ("torch", "RMSprop"): ("outside", 1e-8, 0.0, 0.01),
    ("torch", "Adagrad"): ("outside", 1e-10, 0.0, 0.01),
    ("torch", "SGD"): (None, None, None, 0.001),
    ("torch", "Adam"): ("outside", 1e-8, None, 0.001),
    ("keras", "RMSprop"): ("inside", 1e-7, 0.0, 0.001),
    ("keras", "Adagrad"): ("inside", 1e-7, 0.1, 0.001),
    ("optax", "rmsprop"): ("inside", 1e-8, 0.0, None),
    ("optax", "adagrad"): ("inside", 1e-7, 0.1, None),
    ("tf1", "RMSPropOptimizer"): ("inside", 1e-10, 1.0, None),
    ("tf1", "AdagradOptimizer"): ("none", 0.0, 0.1, None),
    ("tf_keras_v2", "RMSprop"): ("outside (inside if momentum > 0)", 1e-7, 0.0, 0.001),
    ("tf_keras_v2", "Adagrad"): ("outside", 1e-7, 0.1, 0.001),
}


@pytest.mark.parametrize(("framework", "name"), sorted(SPEC_PRESETS), ids=PRESET_IDS)
def test_describe_gives_the_comparison_table_row(framework, name):
    description = describe(framework, name)
    placement, eps, initial_accumulator, learning_rate = EXPECTED_DESCRIPTIONS[framework, name]
    assert description["framework"] == framework
    assert description["name"] == name
    assert description["eps_placement"] == placement
    assert description["eps_default"] == eps
    assert description["initial_accumulator"] == initial_accumulator
    assert description["learning_rate_default"] == learning_rate
    assert isinstance(description["momentum_form"], str)
    assert isinstance(description["weight_decay_form"], str)
    assert set(description) == {
        "framework",
        "name",
        "factory",
        "defaults",
        "argument_map",
        "learning_rate_default",
        "eps_default",
        "eps_placement",
        "initial_accumulator",
        "momentum_form",
        "weight_decay_form",
        "fixed",
        "unmodelled",
    }


@pytest.mark.parametrize(("framework", "name"), sorted(SPEC_PRESETS), ids=PRESET_IDS)
def test_describe_agrees_with_the_optimizer_it_builds(framework, name):
    description = describe(framework, name)
    optimizer = _with_required(framework, name)
    hyperparams = optimizer.hyperparams
    assert description["factory"] == optimizer.name
    if description["learning_rate_default"] is not None:
        assert hyperparams["learning_rate"] == description["learning_rate_default"]
    if description["eps_placement"] in ("inside", "outside"):
        assert hyperparams["eps"] == description["eps_default"]
        if "eps_in_sqrt" in hyperparams:
            assert hyperparams["eps_in_sqrt"] == (description["eps_placement"] == "inside")
    if description["initial_accumulator"] is not None:
        assert hyperparams["initial_accumulator"] == description["initial_accumulator"]
    for setting, value in description["fixed"].items():
        assert hyperparams[setting] == value


def test_describe_shows_torch_rmsprop_in_full():
    assert describe("torch", "RMSprop") == {
        "framework": "torch",
        "name": "RMSprop",
        "factory": "rmsprop",
        "defaults": {
            "lr": 0.01,
            "alpha": 0.99,
            "eps": 1e-8,
            "weight_decay": 0.0,
            "momentum": 0.0,
            "centered": False,
        },
        "argument_map": {
            "lr": "learning_rate",
            "alpha": "beta",
            "eps": "eps",
            "weight_decay": "weight_decay",
            "momentum": "momentum",
            "centered": "centered",
        },
        "learning_rate_default": 0.01,
        "eps_default": 1e-8,
        "eps_placement": "outside",
        "initial_accumulator": 0.0,
        "momentum_form": PRESETS["torch", "RMSprop"]["momentum_form"],
        "weight_decay_form": "coupled L2: g <- g + weight_decay w before the accumulators",
        "fixed": {"eps_in_sqrt": False, "initial_accumulator": 0.0},
        "unmodelled": {"maximize": False},
    }


def test_describe_marks_required_arguments_and_forms():
    optax = describe("optax", "rmsprop")
    assert optax["defaults"]["learning_rate"] == "required"
    assert optax["defaults"]["momentum"] is None
    assert "trace" in optax["momentum_form"]
    assert describe("keras", "RMSprop")["weight_decay_form"].startswith("decoupled")
    assert describe("torch", "Adam")["argument_map"]["betas"] == ("beta1", "beta2")
    assert repr(REQUIRED) == "REQUIRED"
    assert PRESETS["tf1", "AdagradOptimizer"]["arguments"]["learning_rate"][1] is REQUIRED


def test_numpy_scalars_are_accepted_like_python_ones():
    """The core accepts NumPy scalars, so the presets do too (settings read from arrays)."""
    assert_same_optimizer(
        from_framework("torch", "Adam", lr=np.float64(0.01), betas=(0.8, 0.99), amsgrad=np.True_),
        adam(0.01, 0.8, 0.99, 1e-8, amsgrad=True),
    )
    keras = from_framework("keras", "RMSprop", rho=np.float32(0.5), centered=np.True_)
    assert_same_optimizer(keras, rmsprop(0.001, 0.5, 1e-7, eps_in_sqrt=True, centered=True))
    with pytest.raises(ValueError, match=r"dampening=np\.float64\(0\.5\) is not modelled"):
        from_framework("torch", "SGD", dampening=np.float64(0.5))
    with pytest.raises(ValueError, match=r"maximize=np\.True_ is not modelled"):
        from_framework("torch", "RMSprop", maximize=np.True_)


def test_torch_sgd_refuses_nesterov_without_momentum():
    """torch.optim.SGD: "Nesterov momentum requires a momentum and zero dampening"."""
    for momentum in (0.0, 0, np.float64(0.0), np.array([0.9, 0.0])):
        with pytest.raises(ValueError, match=r"^torch SGD: nesterov=True requires a momentum > 0"):
            from_framework("torch", "SGD", nesterov=True, momentum=momentum)
    with pytest.raises(ValueError, match="requires a momentum"):
        from_framework("torch", "SGD", nesterov=np.True_)
    nesterov = from_framework("torch", "SGD", nesterov=True, momentum=np.float64(0.9))
    assert_same_optimizer(nesterov, sgd(0.001, momentum=0.9, nesterov=True))
    with pytest.raises(TypeError, match=r"^torch SGD: nesterov must be a bool"):
        from_framework("torch", "SGD", nesterov=1, momentum=0.9)


def test_torch_rmsprop_rejects_a_schedule_with_momentum() -> None:
    with pytest.raises(ValueError, match="schedule with momentum"):
        from_framework("torch", "RMSprop", lr=lambda t: 0.01 / t, momentum=0.9)
    # Without momentum, or with a constant learning rate, the two forms agree.
    from_framework("torch", "RMSprop", lr=lambda t: 0.01 / t)
    from_framework("torch", "RMSprop", lr=0.01, momentum=0.9)


def test_tf_keras_v2_rmsprop_moves_eps_inside_the_root_with_momentum():
    """optimizer_v2 RMSprop: eps outside in its own update (momentum = 0), inside in TensorFlow's
    ApplyRMSProp kernel, which it calls only when momentum > 0 (frameworks.md, A.1)."""
    for momentum in (0.0, 0, np.float64(0.0)):
        plain = from_framework("tf_keras_v2", "RMSprop", momentum=momentum, epsilon=0.1)
        assert plain.hyperparams["eps_in_sqrt"] is False
    for momentum in (1e-9, 0.9, np.float32(0.5)):
        kernel = from_framework("tf_keras_v2", "RMSprop", momentum=momentum, epsilon=0.1)
        assert kernel.hyperparams["eps_in_sqrt"] is True
    # One step from 1 with g = 1, eps = 0.1: 0.001 / (sqrt(0.1) + 0.1) without momentum,
    # 0.001 / sqrt(0.1 + 0.1) with it (the buffer starts at 0).
    w = np.array([1.0])
    for momentum, denominator in ((0.0, math.sqrt(0.1) + 0.1), (0.5, math.sqrt(0.2))):
        optimizer = from_framework("tf_keras_v2", "RMSprop", momentum=momentum, epsilon=0.1)
        w1, _ = optimizer.step(w, np.array([1.0]), optimizer.init(w))
        assert w1[0] == pytest.approx(1 - 0.001 / denominator, rel=1e-14)
    with pytest.raises(TypeError, match=r"^tf_keras_v2 RMSprop: momentum must be a number"):
        from_framework("tf_keras_v2", "RMSprop", momentum=np.array([0.0, 0.9]))


@pytest.mark.parametrize("name", ["RMSprop", "Adagrad"])
def test_tf_keras_v2_reads_a_zero_or_missing_epsilon_as_1e_7(name):
    """optimizer_v2 sets ``self.epsilon = epsilon or backend_config.epsilon()``."""
    for epsilon in (None, 0.0, 0, np.float64(0.0)):
        assert from_framework("tf_keras_v2", name, epsilon=epsilon).hyperparams["eps"] == 1e-7
    assert from_framework("tf_keras_v2", name, epsilon=1e-3).hyperparams["eps"] == 1e-3
