"""The framework presets reproduce trajectories recorded from real PyTorch, Keras 3 and optax.

The reference numbers live in ``tests/fixtures/framework_reference.json``, written by
``tests/fixtures/make_reference.py``: that script is run by hand in a separate environment with the
frameworks installed (never in CI), so these tests need NumPy only. Both sides take their
gradients from ``tests/fixtures/reference_problems.py``.

tf.keras's ``optimizer_v2`` (the ``tf_keras_v2`` presets: TensorFlow 2.0-2.10, whose wheels need
Python <= 3.10) was not recorded. Its presets replay recorded runs of the frameworks that compute
the same (frameworks.md, A.1 and A.2): without momentum, PyTorch's RMSprop (eps outside the root,
V_0 = 0, centered too); with momentum, Keras 3's RMSprop (TensorFlow's kernel: eps inside, the
learning rate inside the buffer); for Adagrad, PyTorch's Adagrad with the same V_0.

float64 cases, with a constant learning rate or the framework's own schedule, must agree to
rtol 1e-12. float32 cases check the documented behaviour: the library computes in float64 from
the float32 start, so it agrees with the frameworks' float32 runs only to a float32 tolerance,
``FLOAT32_RTOL`` and ``FLOAT32_ATOL`` (about 800 and 250 float32 roundings, accumulated over 50
steps), and its result is float64.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from rmsprop_lib.frameworks import PRESETS, from_framework

FIXTURES = Path(__file__).parent / "fixtures"
# every preset must have recorded references, or runs of an equivalent framework (TF_KERAS_V2)
TF_KERAS_V2 = {("tf_keras_v2", "RMSprop"), ("tf_keras_v2", "Adagrad")}
SUPPORTED_PRESETS = set(PRESETS) - TF_KERAS_V2
FLOAT32_RTOL, FLOAT32_ATOL = 1e-4, 3e-5


def _load_problems() -> dict:
    """Import ``fixtures/reference_problems.py`` by path (``tests`` is not a package)."""
    path = FIXTURES / "reference_problems.py"
    spec = importlib.util.spec_from_file_location("reference_problems", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PROBLEMS


PROBLEMS = _load_problems()
REFERENCE = json.loads((FIXTURES / "framework_reference.json").read_text())
CASES = REFERENCE["cases"]


def _case_id(case: dict) -> str:
    return f"{case['framework']}-{case['name']}-{case['label']}-{case['problem']}"


def _preset_kwargs(case: dict) -> dict:
    """The case's framework arguments: JSON stores tuples (torch Adam ``betas``) as lists; a
    schedule case replays the learning rates the framework used, as a library schedule."""
    kwargs = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in case["kwargs"].items()
    }
    if "schedule" in case:
        rates = case["schedule"]["rates"]
        kwargs[case["schedule"]["argument"]] = lambda t: rates[t - 1]
    return kwargs


def _trajectory(optimizer, grad, w0, steps: int) -> np.ndarray:
    """Parameters after 0, 1, ..., steps steps of ``optimizer``, fed ``grad`` at each point."""
    params = np.asarray(w0)
    state = optimizer.init(params)
    rows = [params]
    for _ in range(steps):
        params, state = optimizer.step(params, grad(params), state)
        rows.append(params)
    return np.array(rows)


FLOAT64_CASES = [case for case in CASES if case.get("dtype", "float64") == "float64"]
FLOAT32_CASES = [case for case in CASES if case.get("dtype") == "float32"]


@pytest.mark.parametrize("case", FLOAT64_CASES, ids=_case_id)
def test_preset_reproduces_framework_trajectory(case):
    optimizer = from_framework(case["framework"], case["name"], **_preset_kwargs(case))
    problem = PROBLEMS[case["problem"]]
    trajectory = _trajectory(optimizer, problem.grad, case["w0"], case["steps"])
    np.testing.assert_allclose(trajectory, case["params"], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=_case_id)
def test_float32_runs_agree_to_a_float32_tolerance_and_the_library_computes_in_float64(case):
    optimizer = from_framework(case["framework"], case["name"], **_preset_kwargs(case))
    problem = PROBLEMS[case["problem"]]
    start = np.array(case["w0"], dtype=np.float32)
    trajectory = _trajectory(optimizer, problem.grad, start, case["steps"])
    assert trajectory.dtype == np.float64
    np.testing.assert_allclose(trajectory, case["params"], rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL)


def _tf_keras_v2_translation(case: dict) -> tuple[str, dict] | None:
    """The tf.keras ``optimizer_v2`` call that computes what the float64 recorded ``case``
    computed, or None when none does (weight decay, learning-rate decay, schedules)."""
    if case.get("dtype", "float64") != "float64" or "schedule" in case:
        return None
    kwargs = case["kwargs"]
    framework, name = case["framework"], case["name"]
    if (framework, name) == ("torch", "RMSprop") and not {"momentum", "weight_decay"} & set(kwargs):
        names = {"lr": "learning_rate", "alpha": "rho", "eps": "epsilon", "centered": "centered"}
        defaults = {"learning_rate": 0.01, "rho": 0.99, "epsilon": 1e-8}
        return "RMSprop", defaults | {names[key]: value for key, value in kwargs.items()}
    if (framework, name) == ("keras", "RMSprop") and kwargs.get("momentum", 0) > 0:
        return "RMSprop", dict(kwargs)
    if (framework, name) == ("torch", "Adagrad") and not {"lr_decay", "weight_decay"} & set(kwargs):
        names = {"lr": "learning_rate", "eps": "epsilon"}
        names["initial_accumulator_value"] = "initial_accumulator_value"
        defaults = {"learning_rate": 0.01, "epsilon": 1e-10, "initial_accumulator_value": 0.0}
        return "Adagrad", defaults | {names[key]: value for key, value in kwargs.items()}
    return None


TF_KERAS_V2_CASES = [
    (case, *translation)
    for case in CASES
    if (translation := _tf_keras_v2_translation(case)) is not None
]


@pytest.mark.parametrize(
    ("case", "name", "kwargs"),
    TF_KERAS_V2_CASES,
    ids=[_case_id(case) for case, _, _ in TF_KERAS_V2_CASES],
)
def test_tf_keras_v2_preset_reproduces_the_equivalent_recorded_run(case, name, kwargs):
    optimizer = from_framework("tf_keras_v2", name, **kwargs)
    problem = PROBLEMS[case["problem"]]
    trajectory = _trajectory(optimizer, problem.grad, case["w0"], case["steps"])
    np.testing.assert_allclose(trajectory, case["params"], rtol=1e-12, atol=1e-14)


def test_tf_keras_v2_translations_cover_both_eps_placements_on_every_problem():
    covered = {
        (name, "momentum" in kwargs, kwargs.get("centered", False), case["problem"])
        for case, name, kwargs in TF_KERAS_V2_CASES
    }
    for problem in PROBLEMS:
        assert {("RMSprop", False, False, problem), ("RMSprop", False, True, problem)} <= covered
        assert {("RMSprop", True, False, problem), ("Adagrad", False, False, problem)} <= covered


def test_tf_keras_v2_rmsprop_without_momentum_is_not_keras_3():
    """A large eps makes the placement plain: the Keras 3 run with epsilon=0.1 (inside the root)
    is not what tf.keras optimizer_v2 computes with the same arguments (outside)."""
    case = next(
        case
        for case in CASES
        if (case["framework"], case["name"], case["label"]) == ("keras", "RMSprop", "epsilon")
    )
    optimizer = from_framework("tf_keras_v2", "RMSprop", **case["kwargs"])
    problem = PROBLEMS[case["problem"]]
    trajectory = _trajectory(optimizer, problem.grad, case["w0"], case["steps"])
    assert not np.allclose(trajectory, case["params"], rtol=1e-6, atol=0)


def test_schedule_cases_follow_the_stated_schedule():
    """The rates the frameworks used are initial * decay_rate^(t-1); optax's schedule computes
    in float32, so its rates are that within about ten float32 roundings."""
    schedules = [case["schedule"] for case in CASES if "schedule" in case]
    assert {case["framework"] for case in CASES if "schedule" in case} == {
        "torch",
        "keras",
        "optax",
    }
    for schedule in schedules:
        exact = schedule["initial"] * schedule["decay_rate"] ** np.arange(len(schedule["rates"]))
        np.testing.assert_allclose(schedule["rates"], exact, rtol=2e-6)


def test_float32_cases_cover_every_framework_and_rmsprop_variant():
    covered = {(case["framework"], case["name"]) for case in FLOAT32_CASES}
    assert covered == SUPPORTED_PRESETS - {("tf1", "RMSPropOptimizer"), ("tf1", "AdagradOptimizer")}
    assert any(case["kwargs"].get("centered") for case in FLOAT32_CASES)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_fixture_starts_where_the_problem_starts(case):
    # Guards against editing reference_problems.py without re-running make_reference.py.
    assert tuple(case["w0"]) == PROBLEMS[case["problem"]].w0
    start = np.array(case["w0"], dtype=case.get("dtype", "float64"))
    assert case["params"][0] == start.tolist()
    assert len(case["params"]) == case["steps"] + 1


def test_fixture_covers_every_preset_on_every_problem():
    covered = {(case["framework"], case["name"], case["problem"]) for case in CASES}
    expected = {(fw, name, problem) for fw, name in SUPPORTED_PRESETS for problem in PROBLEMS}
    assert covered == expected


def test_fixture_was_recorded_in_float64_with_known_versions():
    versions = REFERENCE["versions"]
    assert {"torch", "keras", "jax", "optax", "numpy"} <= versions.keys()
    assert versions["keras_backend"] == "jax"
    assert versions["keras_floatx"] == "float64"
    assert versions["jax_enable_x64"] is True
