"""Tests for rmsprop_lib.optimizers.adagrad: hand-computed steps and the facts F5 and F8."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimizer_support import assert_path, trajectory

from rmsprop_lib.optimizers.adagrad import adagrad

FAST = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(max_examples=25, deadline=None, database=None)
sqrt = math.sqrt


def test_adagrad_by_hand():
    optimizer = adagrad(0.1, 1e-3)
    w, state = np.ones(2), optimizer.init(np.ones(2))
    path, accumulators = [], []
    for g in ([2.0, 0.5], [-1.0, 0.5], [3.0, 0.0]):
        w, state = optimizer.step(w, np.array(g), state)
        path.append(w)
        accumulators.append(state.v)
    # V_T = V_{T-1} + g_T^2, exact in binary for these gradients
    np.testing.assert_array_equal(accumulators, [[4.0, 0.25], [5.0, 0.5], [14.0, 0.5]])
    w1 = [1 - 0.1 * 2 / (sqrt(4) + 1e-3), 1 - 0.1 * 0.5 / (sqrt(0.25) + 1e-3)]
    w2 = [w1[0] + 0.1 * 1 / (sqrt(5) + 1e-3), w1[1] - 0.1 * 0.5 / (sqrt(0.5) + 1e-3)]
    w3 = [w2[0] - 0.1 * 3 / (sqrt(14) + 1e-3), w2[1]]  # g = 0: the coordinate stays
    assert_path(np.array(path), [w1, w2, w3])


def test_adagrad_eps_in_sqrt_initial_accumulator_and_lr_decay_by_hand():
    optimizer = adagrad(0.1, 0.01, initial_accumulator=0.5, eps_in_sqrt=True, lr_decay=0.5)
    path, _ = trajectory(optimizer, [0.0], [[1.0], [2.0]])
    w1 = -0.1 * 1 / sqrt(1.5 + 0.01)
    w2 = w1 - (0.1 / (1 + 0.5)) * 2 / sqrt(5.5 + 0.01)
    assert_path(path, [w1, w2])


def test_initial_accumulator_fills_v():
    state = adagrad(0.1, 1e-8, initial_accumulator=0.25).init(np.zeros(3))
    np.testing.assert_array_equal(state.v, [0.25, 0.25, 0.25])


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


@pytest.mark.parametrize(
    "optimizer",
    [
        adagrad(0.1, 1e-3, lr_decay=0.1, initial_accumulator=0.1),
        adagrad(lambda t: 0.1 / t, 1e-2, eps_in_sqrt=True),
        adagrad(0.1, 0.0, weight_decay=0.2, decoupled_weight_decay=0.3),
    ],
    ids=["lr_decay", "eps_in_sqrt", "weight_decay"],
)
def test_effective_learning_rate_is_the_factor_of_the_gradient(optimizer):
    """The definition: w_t = w_{t-1} - lambda_d eta_t w_{t-1} - rate * (g_t + lambda w_{t-1}),
    with rate = eta_t / d_t, lambda the coupled and lambda_d the decoupled weight decay."""
    rng = np.random.default_rng(3)
    hp = optimizer.hyperparams
    w = rng.standard_normal(5)
    state = optimizer.init(w)
    for t in range(1, 5):
        g = rng.standard_normal(5)
        new_w, state = optimizer.step(w, g, state)
        rate = optimizer.effective_learning_rate(state)
        eta = hp["learning_rate"](t) if callable(hp["learning_rate"]) else hp["learning_rate"]
        eta /= 1 + (t - 1) * hp["lr_decay"]
        decayed = w - hp["decoupled_weight_decay"] * eta * w
        np.testing.assert_allclose(decayed - new_w, rate * (g + hp["weight_decay"] * w), rtol=1e-12)
        w = new_w


def test_effective_learning_rate_before_the_first_step_uses_the_initial_state():
    optimizer = adagrad(0.1, 0.0, lr_decay=1.0)
    assert optimizer.effective_learning_rate(optimizer.init([0.0]))[0] == math.inf
    optimizer = adagrad(0.1, 0.0, initial_accumulator=4.0)
    assert optimizer.effective_learning_rate(optimizer.init([0.0]))[0] == 0.05


magnitudes = st.floats(1e-6, 1e3)
signs = st.sampled_from([-1.0, 1.0])
nonzero_gradients = st.builds(lambda size, sign: size * sign, magnitudes, signs)


@FAST
@given(g=nonzero_gradients, eta=st.floats(1e-3, 1.0), steps=st.integers(1, 60))
def test_adagrad_constant_gradient_step_is_eta_over_sqrt_t(g, eta, steps):
    """F5: V_T = T g^2, so with eps = 0 step t moves by eta / sqrt(t)."""
    path, _ = trajectory(adagrad(learning_rate=eta, eps=0.0), [0.0], [[g]] * steps)
    moved = np.abs(np.diff(path[:, 0], prepend=0.0))
    np.testing.assert_allclose(moved, eta / np.sqrt(np.arange(1, steps + 1)), rtol=1e-10)


@FAST
@given(
    eta=st.floats(1e-3, 1.0),
    grads=st.lists(nonzero_gradients | st.just(0.0), min_size=1, max_size=40),
)
def test_adagrad_step_never_exceeds_eta(eta, grads):
    """F8: V_t >= g_t^2, so with eps = 0 every AdaGrad step is at most eta."""
    path, _ = trajectory(adagrad(learning_rate=eta, eps=0.0), [0.0], [[g] for g in grads])
    assert np.all(np.abs(np.diff(path[:, 0], prepend=0.0)) <= eta * (1 + 1e-12))


@SLOW
@given(st.lists(st.tuples(st.floats(0.1, 100.0), st.floats(0.1, 1.0)), min_size=1, max_size=6))
def test_adagrad_reaches_the_minimum_of_the_quadratic(settings_batch):
    """F10's counterpart: AdaGrad's accumulator stays finite and it converges to w = 0."""
    curvature, eta = (np.array(column) for column in zip(*settings_batch, strict=True))
    optimizer = adagrad(learning_rate=eta[:, None], eps=0.0)
    w = np.ones((len(curvature), 1))
    state = optimizer.init(w)
    for _ in range(1000):
        w, state = optimizer.step(w, curvature[:, None] * w, state)
    assert np.all(np.abs(w) < 1e-10)
