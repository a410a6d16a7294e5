"""The framework presets reproduce trajectories recorded from real PyTorch, Keras 3 and optax.

The reference numbers live in ``tests/fixtures/framework_reference.json``, written by
``tests/fixtures/make_reference.py``: that script is run by hand in a separate environment with the
frameworks installed (never in CI), so these tests need NumPy only. Both sides take their
gradients from ``tests/fixtures/reference_problems.py``.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from rmsprop_lib.frameworks import PRESETS, from_framework

FIXTURES = Path(__file__).parent / "fixtures"
SUPPORTED_PRESETS = set(PRESETS)  # every preset must have recorded references


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


def _preset_kwargs(kwargs: dict) -> dict:
    """JSON stores tuples (torch Adam ``betas``) as lists: turn them back into tuples."""
    return {
        key: tuple(value) if isinstance(value, list) else value for key, value in kwargs.items()
    }


def _trajectory(optimizer, grad, w0, steps: int) -> np.ndarray:
    """Parameters after 0, 1, ..., steps steps of ``optimizer``, fed ``grad`` at each point."""
    params = np.array(w0, dtype=np.float64)
    state = optimizer.init(params)
    rows = [params]
    for _ in range(steps):
        params, state = optimizer.step(params, grad(params), state)
        rows.append(params)
    return np.array(rows)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_preset_reproduces_framework_trajectory(case):
    optimizer = from_framework(case["framework"], case["name"], **_preset_kwargs(case["kwargs"]))
    problem = PROBLEMS[case["problem"]]
    trajectory = _trajectory(optimizer, problem.grad, case["w0"], case["steps"])
    np.testing.assert_allclose(trajectory, case["params"], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_fixture_starts_where_the_problem_starts(case):
    # Guards against editing reference_problems.py without re-running make_reference.py.
    assert tuple(case["w0"]) == PROBLEMS[case["problem"]].w0
    assert case["params"][0] == case["w0"]
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
