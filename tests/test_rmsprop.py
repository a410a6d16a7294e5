"""Tests for rmsprop_lib.optimizers.rmsprop: hand-computed steps of every switch, the edges of
the centered variant, the definition of the effective learning rate, and the facts F7, F10, F12
and F13 of the book.

Hand-computed cases spell out each step in plain float arithmetic (``math.sqrt``), so they check
the update equations of the docstring independently of the NumPy code.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimizer_support import assert_path, trajectory

from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.rmsprop import rmsprop

FAST = settings(max_examples=60, deadline=None, database=None)
SLOW = settings(max_examples=25, deadline=None, database=None)  # about a thousand steps per example
sqrt = math.sqrt


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
    # t = 1: V_1/(1-beta) - (m_1/(1-beta))^2 = g^2 - g^2 = 0, so d = eps (eps = 0 is refused)
    w1 = -0.1 * 2 / 0.01
    v2, m2 = 0.5 * 2.0 + 0.5 * 1.0, 0.5 * 1.0 + 0.5 * 1.0
    assert_path(path, [w1, w1 - 0.1 / (sqrt(v2 / 0.75 - (m2 / 0.75) ** 2) + 0.01)])


def test_initial_accumulator_fills_v():
    state = rmsprop(0.1, 0.9, 1e-8, initial_accumulator=0.25).init(np.zeros(3))
    np.testing.assert_array_equal(state.v, [0.25, 0.25, 0.25])
    column = np.array([[0.5], [1.0]])
    state = rmsprop(0.1, 0.9, 1e-8, initial_accumulator=column).init(np.zeros((2, 3)))
    np.testing.assert_array_equal(state.v, np.repeat(column, 3, axis=1))


@pytest.mark.parametrize(
    "settings",
    [
        {"bias_correction": True},
        {"beta": 0.0},
        {"beta": np.array([[0.9], [0.0]]), "eps": np.array([[1e-8], [0.0]])},
        {"bias_correction": True, "eps": np.array([1e-8, 0.0]), "eps_in_sqrt": True},
    ],
)
def test_centered_with_a_zero_first_variance_needs_a_positive_eps(settings):
    """Bias-corrected (or beta = 0), the centered variance at step 1 is g_1^2 - g_1^2 = 0: with
    eps = 0 the first step would be +-inf. A clear error instead."""
    arguments = {"learning_rate": 0.1, "beta": 0.9, "eps": 0.0, "centered": True} | settings
    with pytest.raises(ValueError, match=r"^centered RMSProp with bias_correction .* eps > 0"):
        rmsprop(**arguments)


@pytest.mark.parametrize(
    "settings",
    [
        {"centered": True, "bias_correction": True, "eps": 1e-8},
        {"centered": True, "beta": 0.0, "eps": 1e-8},
        {"centered": True, "eps": 0.0},  # variance beta (1 - beta) g_1^2 > 0
        {"centered": True, "beta": np.array([[0.9], [0.0]]), "eps": np.array([[0.0], [1e-8]])},
        {"bias_correction": True, "eps": 0.0},
    ],
)
def test_centered_first_steps_are_finite_when_allowed(settings):
    arguments = {"learning_rate": 0.1, "beta": 0.9} | settings
    optimizer = rmsprop(**arguments)
    path, _ = trajectory(optimizer, np.ones((2, 2)), [[[2.0, -0.5], [1.0, 3.0]]] * 3)
    assert np.all(np.isfinite(path))


def test_eps_and_beta_that_do_not_broadcast_are_reported_by_init():
    optimizer = rmsprop(0.1, np.array([0.0, 0.5, 0.9]), np.array([0.0, 1e-8]), centered=True)
    with pytest.raises(ValueError, match=r"^beta of shape \(3,\) does not broadcast"):
        optimizer.init(np.zeros(2))


def test_centered_bias_corrected_first_step_divides_by_eps_exactly():
    optimizer = rmsprop(0.1, 0.5, 1e-3, centered=True, bias_correction=True)
    path, _ = trajectory(optimizer, [0.0], [[2.0]])
    assert path[0, 0] == pytest.approx(-0.1 * 2.0 / 1e-3, rel=1e-12)


@pytest.mark.parametrize(
    "optimizer",
    [
        rmsprop(0.1, 0.9, 1e-3),
        rmsprop(lambda t: 0.1 / t, 0.9, 1e-3, eps_in_sqrt=True, centered=True),
        rmsprop(0.1, 0.99, 1e-3, bias_correction=True, initial_accumulator=0.5),
        rmsprop(0.1, 0.9, 1e-3, momentum=0.8, weight_decay=0.2, decoupled_weight_decay=0.3),
        rmsprop(lambda t: 0.1 / t, 0.9, 1e-3, momentum=0.5, nesterov=True),
    ],
    ids=["plain", "centered", "bias_correction", "momentum-decays", "nesterov"],
)
def test_effective_learning_rate_turns_the_gradient_into_the_step(optimizer):
    """The definition: u_t = rate * (g_t + lambda w_{t-1}); with momentum mu,
    b_t = mu b_{t-1} + u_t and u_t <- b_t (u_t + mu b_t for Nesterov); then
    w_t = w_{t-1} - lambda_d eta_t w_{t-1} - u_t."""
    rng = np.random.default_rng(3)
    hp = optimizer.hyperparams
    mu = hp["momentum"]
    w, b = rng.standard_normal(5), np.zeros(5)
    state = optimizer.init(w)
    for t in range(1, 6):
        g = rng.standard_normal(5)
        new_w, state = optimizer.step(w, g, state)
        rate = optimizer.effective_learning_rate(state)
        u = rate * (g + hp["weight_decay"] * w)
        if mu:
            b = mu * b + u
            u = u + mu * b if hp["nesterov"] else b
        eta = hp["learning_rate"](t) if callable(hp["learning_rate"]) else hp["learning_rate"]
        expected = w - hp["decoupled_weight_decay"] * eta * w - u
        np.testing.assert_allclose(new_w, expected, rtol=1e-12)
        w = new_w


def test_effective_learning_rate_before_the_first_step_uses_eta_1_and_the_initial_state():
    optimizer = rmsprop(lambda t: 0.5 / t, 0.9, 0.0, initial_accumulator=4.0)
    np.testing.assert_array_equal(optimizer.effective_learning_rate(optimizer.init([0.0])), [0.25])


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


def quadratic_run(optimizer, curvatures: np.ndarray, steps: int) -> np.ndarray:
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
