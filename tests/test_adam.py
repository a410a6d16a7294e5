"""Tests for rmsprop_lib.optimizers.adam: Adam and AMSGrad (``amsgrad=True``), by hand."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimizer_support import assert_path, trajectory

from rmsprop_lib.optimizers.adam import adam

FAST = settings(max_examples=60, deadline=None, database=None)
sqrt = math.sqrt


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
        optimizer = adam(0.1, 0.5, 0.5, 1e-3, bias_correction=bias_correction, amsgrad=True)
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


@FAST
@given(seed=st.integers(0, 2**32 - 1))
def test_amsgrad_effective_learning_rate_never_increases(seed):
    grads = (
        np.random.default_rng(seed).standard_normal((30, 3)) * np.geomspace(10, 0.1, 30)[:, None]
    )
    optimizer = adam(0.1, 0.9, 0.99, 1e-8, bias_correction=False, amsgrad=True)
    w, state, previous = np.zeros(3), optimizer.init(np.zeros(3)), np.full(3, np.inf)
    for g in grads:
        w, state = optimizer.step(w, g, state)
        rate = optimizer.effective_learning_rate(state)
        assert np.all(rate <= previous)
        previous = rate


def test_amsgrad_is_a_switch_of_adam_with_its_own_name_and_state():
    optimizer = adam(0.1, 0.9, 0.5, 1e-8, amsgrad=True)
    assert optimizer.name == "amsgrad" and adam(0.1, 0.9, 0.5, 1e-8).name == "adam"
    assert adam(0.1, 0.9, 0.5, 1e-8).init(np.zeros(2)).v_max is None
    _, state = trajectory(optimizer, [0.0, 0.0], [[3.0, 1.0], [1.0, 2.0]])
    # V_1 = [4.5, 0.5], V_2 = [2.75, 2.25] (exact in binary): the first coordinate's V fell
    np.testing.assert_array_equal(state.v, [2.75, 2.25])
    np.testing.assert_array_equal(state.v_max, [4.5, 2.25])


@pytest.mark.parametrize(
    "optimizer",
    [
        adam(0.1, 0.9, 0.99, 1e-3),
        adam(lambda t: 0.1 / t, 0.8, 0.999, 1e-8, weight_decay=0.2),
        adam(0.1, 0.9, 0.99, 1e-3, bias_correction=False, amsgrad=True),
    ],
    ids=["adam", "schedule-weight_decay", "amsgrad"],
)
def test_effective_learning_rate_is_the_factor_of_the_momentum_average(optimizer):
    """The definition: w_t = w_{t-1} - rate * m_t (m_t, not g_t, is what it multiplies)."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal(4)
    state = optimizer.init(w)
    for _ in range(5):
        new_w, state = optimizer.step(w, rng.standard_normal(4), state)
        rate = optimizer.effective_learning_rate(state)
        np.testing.assert_allclose(w - new_w, rate * state.m, rtol=1e-12)
        w = new_w


def test_effective_learning_rate_before_the_first_step_is_that_of_step_1():
    optimizer = adam(0.1, 0.9, 0.999, 1e-8)
    assert optimizer.effective_learning_rate(optimizer.init([0.0]))[0] == pytest.approx(
        (0.1 / (1 - 0.9)) / 1e-8
    )
