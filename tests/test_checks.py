"""Tests for rmsprop_lib.checks, the one module that validates what callers pass in."""

import math
from typing import NamedTuple

import numpy as np
import pytest

from rmsprop_lib import checks


def test_numbers_come_back_as_floats_and_arrays_as_read_only_copies():
    assert checks.positive("lr", np.float32(0.5)) == 0.5
    assert type(checks.non_negative("eps", 0)) is float
    given = np.array([[0.1], [0.2]])
    checked = checks.unit_interval("beta", given)
    assert checked.dtype == np.float64 and not checked.flags.writeable
    given[0, 0] = 0.9
    assert checked[0, 0] == 0.1
    with pytest.raises(ValueError, match=r"^beta must be in \[0, 1\), got 1\.0 at index \(1,\)$"):
        checks.unit_interval("beta", np.array([0.5, 1.0]))


def test_flags_accept_python_and_numpy_bools_only():
    assert checks.flag("centered", np.True_) is True
    assert checks.flag("centered", False) is False
    for value in (0, 1.0, "True", None):
        with pytest.raises(TypeError, match=r"^centered must be a bool"):
            checks.flag("centered", value)


def test_learning_rate_at_checks_a_schedule_for_every_step():
    assert checks.learning_rate_at(0.1, 7, (2,)) == 0.1
    assert checks.learning_rate_at(lambda t: 1.0 / t, 4, (2,)) == 0.25
    with pytest.raises(ValueError, match=r"^learning_rate schedule at t=3 must be > 0"):
        checks.learning_rate_at(lambda t: 1.0 - t / 3, 3, (2,))
    with pytest.raises(ValueError, match=r"has shape \(3,\), not broadcastable to params \(2,\)"):
        checks.learning_rate_at(lambda t: np.ones(3), 1, (2,))


def test_params_and_grads_name_the_first_non_finite_gradient():
    w = np.zeros((2, 2))
    for bad in (math.nan, math.inf, -math.inf):
        g = np.array([[1.0, 2.0], [bad, bad]])
        with pytest.raises(ValueError, match=rf"^grads must be finite, got {bad!r} at \(1, 0\)$"):
            checks.params_and_grads(w, g)
    huge = np.full((2, 2), 1e308)  # finite, though their sum overflows
    assert checks.params_and_grads(w, huge)[1] is huge
    ints = checks.params_and_grads([1, 2], [3, 4])
    assert all(array.dtype == np.float64 for array in ints)


class _State(NamedTuple):
    t: int
    v: np.ndarray
    v_max: np.ndarray | None = None


def test_state_fits_checks_type_and_every_array_shape():
    checks.state_fits(_State(0, np.zeros((2, 3))), _State, (2, 3))  # None fields are skipped
    with pytest.raises(
        ValueError, match=r"^state\.v has shape \(3,\) but params have shape \(2, 3\)"
    ):
        checks.state_fits(_State(0, np.zeros(3)), _State, (2, 3))
    with pytest.raises(ValueError, match=r"^state\.v_max has shape \(1, 3\)"):
        checks.state_fits(_State(0, np.zeros((2, 3)), np.zeros((1, 3))), _State, (2, 3))
    with pytest.raises(TypeError, match=r"^state must be a _State .*, got tuple$"):
        checks.state_fits((0, np.zeros(3)), _State, (3,))


def test_params_shape_needs_one_dimension_and_broadcasting_hyperparameters():
    assert checks.params_shape({"lr": np.ones((2, 1))}, np.zeros((2, 5))) == (2, 5)
    with pytest.raises(ValueError, match=r"^params must have at least one dimension"):
        checks.params_shape({}, 3.0)
    with pytest.raises(ValueError, match=r"^lr of shape \(3, 1\) does not broadcast"):
        checks.params_shape({"lr": np.ones((3, 1))}, np.zeros((2, 5)))


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: checks.real("a", True), TypeError, r"^a must be a real number, got True$"),
        (lambda: checks.real("a", "1"), TypeError, r"^a must be a real number"),
        (lambda: checks.real("a", math.inf), ValueError, r"^a must be finite, got inf$"),
        (lambda: checks.real("a", 0.0, above=0.0), ValueError, r"^a must be > 0, got 0\.0$"),
        (lambda: checks.real("a", -1, at_least=0), ValueError, r"^a must be >= 0, got -1$"),
        (lambda: checks.real("a", 2.0, at_most=1), ValueError, r"^a must be <= 1, got 2\.0$"),
        (lambda: checks.integer("n", 2.0, at_least=1), TypeError, r"^n must be an integer"),
        (lambda: checks.integer("n", np.True_, at_least=0), TypeError, r"must be an integer"),
        (lambda: checks.integer("n", 0, at_least=1), ValueError, r"^n must be >= 1, got 0$"),
        (lambda: checks.real_matrix("X", [1.0, 2.0]), ValueError, r"^X must be a finite, non"),
        (lambda: checks.real_matrix("X", [[math.nan]]), ValueError, r"^X must be a finite"),
        (lambda: checks.real_matrix("X", [[True]]), TypeError, r"^X must be a real array"),
    ],
)
def test_single_numbers_and_data_are_rejected_naming_the_argument(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_single_numbers_and_data_come_back_converted():
    assert checks.real("a", np.float32(1.5), above=0) == 1.5
    assert checks.integer("n", np.int64(3), at_least=1) == 3
    assert type(checks.integer("n", np.int64(3), at_least=1)) is int
    assert checks.real_matrix("X", [[1, 2]]).dtype == np.float64


def test_read_only_returns_the_same_array_frozen():
    array = np.zeros(2)
    assert checks.read_only(array) is array and not array.flags.writeable
