"""Tests for rmsprop_lib.first_step: "the first step where ...", one convention for never (-1)."""

import numpy as np
import pytest

from rmsprop_lib import first_step


def first_index_loop(flags):
    """Reference: walk forward, return the first True index or -1."""
    for i, flag in enumerate(flags):
        if flag:
            return i
    return -1


def settled_index_loop(flags):
    """Reference: walk backward while True; the index after the last False (-1 if it ends False)."""
    i = len(flags)
    while i > 0 and flags[i - 1]:
        i -= 1
    return -1 if i == len(flags) else i


CASES = [
    [False, False, True, False, True],
    [True, True, True],
    [False, False, False],
    [True, False, True, True],
    [False],
    [True],
]


@pytest.mark.parametrize("flags", CASES)
def test_one_dimensional_matches_a_plain_loop(flags):
    result = first_step(np.array(flags))
    assert type(result) is int and result == first_index_loop(flags)
    settled = first_step(np.array(flags), stays=True)
    assert type(settled) is int and settled == settled_index_loop(flags)


def test_stays_on_the_documented_examples():
    assert first_step(np.array([True, False, True, True]), stays=True) == 2
    assert first_step(np.array([True, True]), stays=True) == 0  # holds throughout
    assert first_step(np.array([True, True, False]), stays=True) == -1  # fails at the end


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
@pytest.mark.parametrize("stays", [False, True])
def test_every_axis_of_a_random_array_matches_the_loop(axis, stays):
    flags = np.random.default_rng(3).random((7, 5, 6)) < 0.3
    flags[:, 0, 0] = False  # a "never" column
    reference = settled_index_loop if stays else first_index_loop
    expected = np.apply_along_axis(reference, axis, flags)
    np.testing.assert_array_equal(first_step(flags, axis=axis, stays=stays), expected)


def test_distance_reaching_a_target_counts_steps_from_d0():
    # Constant step 0.3 from d_0 = 0: d_t = 0.3 t reaches 1 at t = ceil(1 / 0.3) = 4.
    distance = 0.3 * np.arange(10)
    assert first_step(distance >= 1.0) == 4
    assert first_step(distance >= 100.0) == -1


def test_geometric_decay_recovers_after_the_closed_form_number_of_steps():
    # V_k = beta^k V_0: the first k with V_k <= threshold is ceil(log(threshold/V_0) / log(beta)).
    beta, v0, threshold = 0.9, 50.0, 2.0
    v = v0 * beta ** np.arange(200)
    assert first_step(v <= threshold) == int(np.ceil(np.log(threshold / v0) / np.log(beta)))


@pytest.mark.parametrize(
    ("condition", "kwargs", "error", "match"),
    [
        (np.array([0.0, 1.0]), {}, TypeError, "condition must be a boolean array"),
        (np.array(True), {}, ValueError, "axis must be in"),
        (np.zeros((0, 3), dtype=bool), {}, ValueError, "axis must be in"),
        (np.zeros((2, 3), dtype=bool), {"axis": 2}, ValueError, "axis must be in"),
        (np.zeros((2, 3), dtype=bool), {"axis": -3}, ValueError, "axis must be >= -2"),
        (np.zeros((2, 3), dtype=bool), {"axis": 0.5}, TypeError, "axis must be an integer"),
        (np.zeros(3, dtype=bool), {"stays": 1}, TypeError, "stays must be a bool"),
    ],
)
def test_bad_input_names_the_argument(condition, kwargs, error, match):
    with pytest.raises(error, match=match):
        first_step(condition, **kwargs)
