"""Tests for rmsprop_lib.optimizers.sgd: gradient descent, heavy-ball and Nesterov momentum."""

import numpy as np
import pytest
from optimizer_support import assert_path, trajectory

from rmsprop_lib.optimizers.sgd import sgd


def test_sgd_by_hand():
    path, state = trajectory(sgd(0.1), [1.0, -2.0], [[0.5, 1.0], [-1.0, 2.0]])
    assert_path(path, [[1 - 0.05, -2 - 0.1], [1 - 0.05 + 0.1, -2 - 0.1 - 0.2]])
    assert state.t == 2
    np.testing.assert_array_equal(state.b, [-1.0, 2.0])  # b_t = g_t without momentum
    scheduled, _ = trajectory(sgd(lambda t: 0.1 / t), [1.0], [[1.0], [1.0], [1.0]])
    assert_path(scheduled, [1 - 0.1, 1 - 0.1 - 0.05, 1 - 0.1 - 0.05 - 0.1 / 3])


def test_sgd_on_integers_keeps_the_fraction():
    optimizer = sgd(0.5)
    new, _ = optimizer.step(np.array([1, 2]), np.array([1, 1]), optimizer.init(np.array([1, 2])))
    np.testing.assert_array_equal(new, [0.5, 1.5])


def test_momentum_by_hand():
    g = [1.0, 2.0, -1.0]
    path, state = trajectory(sgd(0.1, momentum=0.9), [0.0], [[x] for x in g])
    b1 = 1.0
    b2 = 0.9 * b1 + 2.0
    b3 = 0.9 * b2 - 1.0
    assert_path(path, [-0.1 * b1, -0.1 * b1 - 0.1 * b2, -0.1 * (b1 + b2 + b3)])
    assert state.b[0] == pytest.approx(b3, rel=1e-15)
    nesterov, _ = trajectory(sgd(0.1, momentum=0.9, nesterov=True), [0.0], [[x] for x in g])
    w1 = -0.1 * (1.0 + 0.9 * b1)
    w2 = w1 - 0.1 * (2.0 + 0.9 * b2)
    assert_path(nesterov, [w1, w2, w2 - 0.1 * (-1.0 + 0.9 * b3)])


def test_momentum_weight_decay_and_schedule_by_hand():
    optimizer = sgd(lambda t: 0.1 * t, momentum=0.5, weight_decay=0.2)
    path, _ = trajectory(optimizer, [1.0], [[1.0], [1.0]])
    g1 = 1.0 + 0.2 * 1.0
    w1 = 1.0 - 0.1 * g1
    g2 = 1.0 + 0.2 * w1
    b2 = 0.5 * g1 + g2
    assert_path(path, [w1, w1 - 0.2 * b2])


def test_zero_momentum_is_plain_gradient_descent_and_is_named_so():
    grads = np.random.default_rng(0).standard_normal((10, 3))
    plain, _ = trajectory(sgd(0.1), np.ones(3), grads)
    for optimizer in (sgd(0.1, momentum=0.0), sgd(0.1, momentum=0.0, nesterov=True)):
        np.testing.assert_array_equal(trajectory(optimizer, np.ones(3), grads)[0], plain)
        assert optimizer.name == "sgd"
    assert sgd(0.1, momentum=0.9).name == "momentum"
    assert sgd(0.1, momentum=np.array([[0.0], [0.5]])).name == "momentum"


@pytest.mark.parametrize(
    "optimizer",
    [
        sgd(lambda t: 0.1 / t),
        sgd(0.1, momentum=0.9, weight_decay=0.3),
        sgd(lambda t: 0.2 / t, momentum=0.5, nesterov=True),
    ],
    ids=["sgd", "momentum", "nesterov"],
)
def test_effective_learning_rate_multiplies_the_direction(optimizer):
    """The definition: w_t = w_{t-1} - rate * direction, direction b_t (g_t + mu b_t for
    Nesterov), b_t = mu b_{t-1} + g_t, with g_t the weight-decayed gradient."""
    rng = np.random.default_rng(1)
    mu, decay = optimizer.hyperparams["momentum"], optimizer.hyperparams["weight_decay"]
    w, b = rng.standard_normal(4), np.zeros(4)
    state = optimizer.init(w)
    for _ in range(5):
        g = rng.standard_normal(4)
        new_w, state = optimizer.step(w, g, state)
        g = g + decay * w
        b = mu * b + g
        direction = g + mu * b if optimizer.hyperparams["nesterov"] else b
        rate = optimizer.effective_learning_rate(state)
        np.testing.assert_allclose(w - new_w, rate * direction, rtol=1e-12)
        w = new_w


def test_effective_learning_rate_has_the_params_shape():
    rates = np.array([[0.1], [0.2]])
    for optimizer in (sgd(rates), sgd(rates, momentum=0.9)):
        state = optimizer.init(np.zeros((2, 3)))
        np.testing.assert_array_equal(
            optimizer.effective_learning_rate(state), [[0.1] * 3, [0.2] * 3]
        )
    scheduled = sgd(lambda t: 1.0 / t)
    _, state = trajectory(scheduled, [0.0, 0.0], [[1.0, 1.0]] * 4)
    np.testing.assert_array_equal(scheduled.effective_learning_rate(state), [0.25, 0.25])
