"""Tests for rmsprop_lib.objectives.shifting_least_squares (chapter 5, "Where RMSProp wins")."""

import numpy as np
import pytest

import rmsprop_lib as rl


def small(**changes):
    settings = {"seeds": (3, 5), "dim": 4, "steps": 12, "shift_step": 5}
    settings |= {"batch_size": 3, "noise": 0.2}
    settings.update(changes)
    return rl.shifting_least_squares(**settings)


def central_differences(function, w, t, h=1e-6):
    gradient = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = h
        row = index[0]
        gradient[index] = (function(w + step, t)[row] - function(w - step, t)[row]) / (2 * h)
    return gradient


@pytest.mark.parametrize("t", [1, 5, 6, 12])
def test_grad_is_the_gradient_of_the_minibatch_loss(t):
    problem = small()
    w = np.random.default_rng(1).standard_normal((4, 4))  # two rows per seed
    expected = central_differences(problem.minibatch_loss, w, t)
    np.testing.assert_allclose(problem.grad(w, t), expected, rtol=1e-6, atol=1e-9)


def test_value_is_the_expected_minibatch_loss_minus_the_noise():
    # E over x and xi of f_t(w) = c/2 (sum_j h_j (w_j - m_j)^2 + noise^2); check by averaging
    # many minibatches of one large problem (a statistical check with a 6-sigma margin).
    problem = rl.shifting_least_squares(
        seeds=(0,), dim=3, steps=4000, shift_step=2000, batch_size=50, noise=0.2
    )
    w = np.array([[0.3, -0.2, 1.0]])
    for phase_steps in (range(1, 2001), range(2001, 4001)):
        losses = np.array([problem.minibatch_loss(w, t)[0] for t in phase_steps])
        factor = 1.0 if phase_steps[0] == 1 else 1 / problem.gradient_drop
        expected = problem.value(w, phase_steps[0])[0] + factor * 0.5 * 0.2**2
        margin = 6 * losses.std() / np.sqrt(losses.size)
        assert abs(losses.mean() - expected) < margin


def test_shift_happens_after_the_given_step():
    problem = small(gradient_drop=100.0)
    w = np.zeros((2, 4))
    assert problem.phase(5) == 1 and problem.phase(6) == 2
    np.testing.assert_array_equal(problem.value(w, 5), problem.value(w, 1))
    gap = w.reshape(1, 2, 4) - problem.minima[1]
    expected = 0.5 / 100.0 * np.sum(problem.curvatures * gap**2, axis=-1).ravel()
    np.testing.assert_allclose(problem.value(w, 6), expected, rtol=1e-14)
    # The minimum moves: phase 2's minimum has zero value in phase 2 only.
    at_second = problem.minima[1].reshape(2, 4)
    assert np.all(problem.value(at_second, 6) == 0) and np.all(problem.value(at_second, 5) > 0)


def test_without_noise_the_gradient_vanishes_at_each_phase_minimum():
    # The labels are built from ``minima``: at m_p the noise-free gradient is zero in phase p
    # (every minibatch) and not in the other phase.
    problem = small(noise=0.0)
    for phase, steps in ((1, range(1, 6)), (2, range(6, 13))):
        at_minimum = problem.minima[phase - 1].reshape(2, 4)
        for t in steps:
            np.testing.assert_allclose(problem.grad(at_minimum, t), 0.0, atol=1e-12)
        other = 6 if phase == 1 else 1
        assert np.all(np.abs(problem.grad(at_minimum, other)).max(axis=-1) > 1e-3)


def test_gradients_drop_by_the_factor_at_the_shift():
    # Same samples scaled: the gradient at step 6 equals (1/drop) times the phase-1 formula.
    problem = small(gradient_drop=100.0)
    w = np.random.default_rng(2).standard_normal((2, 4))
    x, y = problem.features[5], problem.labels[5]
    residual = np.einsum("sbd,sd->sb", x, w) - y
    undropped = np.einsum("sbd,sb->sd", x, residual) / x.shape[1]
    np.testing.assert_allclose(problem.grad(w, 6), undropped / 100.0, rtol=1e-12)


def test_seeded_and_deterministic_and_seeds_are_independent_rows():
    first, again = small(), small()
    np.testing.assert_array_equal(first.features, again.features)
    np.testing.assert_array_equal(first.labels, again.labels)
    np.testing.assert_array_equal(first.minima, again.minima)
    alone = small(seeds=(5,))
    np.testing.assert_array_equal(alone.features[:, 0], first.features[:, 1])
    w = np.random.default_rng(4).standard_normal((2, 4))
    np.testing.assert_array_equal(first.grad(w, 3)[1], alone.grad(w[1:], 3)[0])


def test_run_batches_over_settings_and_seeds():
    problem = small(steps=30, shift_step=10)
    rates = np.repeat([0.01, 0.1], 2)[:, None]
    trajectory = rl.run(rl.rmsprop(rates, 0.9, 1e-8), problem, np.zeros((4, 4)), 30)
    assert trajectory.loss.shape == (31, 4)
    alone = rl.run(rl.rmsprop(0.1, 0.9, 1e-8), problem, np.zeros((2, 4)), 30)
    np.testing.assert_allclose(trajectory.loss[:, 2:], alone.loss, rtol=1e-12)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"seeds": ()}, "seeds"),
        ({"seeds": (1, 1)}, "seeds"),
        ({"seeds": (-1,)}, "seeds"),
        ({"seeds": "ab"}, "seeds"),
        ({"dim": 0}, "dim"),
        ({"steps": 1}, "steps"),
        ({"shift_step": 0}, "shift_step"),
        ({"shift_step": 12}, "shift_step"),
        ({"gradient_drop": 0.0}, "gradient_drop"),
        ({"batch_size": 0}, "batch_size"),
        ({"noise": -0.1}, "noise"),
        ({"condition_number": 0.5}, "condition_number"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(changes, name):
    with pytest.raises(ValueError, match=name):
        small(**changes)


def test_bad_shapes_and_steps_raise_value_error():
    problem = small()
    with pytest.raises(ValueError, match="w must have shape"):
        problem.grad(np.zeros((3, 4)), 1)  # 3 rows for 2 seeds
    with pytest.raises(ValueError, match="t must be in"):
        problem.grad(np.zeros((2, 4)), 13)
