"""Tests for rmsprop_lib.runner (with the library's own optimizers)."""

import dataclasses
import math
import warnings

import numpy as np
import pytest

from rmsprop_lib.mlp import mlp_classifier
from rmsprop_lib.objectives import elongated_quadratic, online_linear, rosenbrock
from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.optimizers.sgd import sgd
from rmsprop_lib.runner import DIVERGENCE_BOUND, Trajectory, feed, run

QUADRATIC = elongated_quadratic(condition_number=10.0, rotation=0.3)
IDENTITY = elongated_quadratic(condition_number=1.0)  # f = |w|^2 / 2, so SGD gives (1 - eta)^t


def run_without_warnings(*args, **kwargs) -> Trajectory:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return run(*args, **kwargs)


def test_record_shapes_of_a_single_run():
    trajectory = run(rmsprop(learning_rate=0.1, beta=0.9, eps=1e-8), QUADRATIC, [1.0, 1.0], 7)
    assert trajectory.params.shape == (8, 2) and trajectory.loss.shape == (8,)
    for per_step in (trajectory.grads, trajectory.v, trajectory.effective_learning_rate):
        assert per_step.shape == (7, 2)
    assert trajectory.diverged.shape == () and not trajectory.diverged
    assert trajectory.diverged_at.shape == () and trajectory.diverged_at == -1
    np.testing.assert_array_equal(trajectory.recorded_steps, np.arange(8))


def test_record_shapes_of_a_batched_run_and_no_v_for_sgd():
    trajectory = run(sgd(learning_rate=0.1), QUADRATIC, np.ones((3, 2)), 5)
    assert trajectory.params.shape == (6, 3, 2) and trajectory.loss.shape == (6, 3)
    assert trajectory.grads.shape == trajectory.effective_learning_rate.shape == (5, 3, 2)
    assert trajectory.v is None
    assert trajectory.diverged.shape == trajectory.diverged_at.shape == (3,)
    np.testing.assert_array_equal(trajectory.effective_learning_rate, np.full((5, 3, 2), 0.1))


def test_records_match_a_hand_written_loop():
    optimizer = rmsprop(learning_rate=0.05, beta=0.9, eps=1e-8)
    w0 = np.array([1.5, -0.5])
    trajectory = run(optimizer, QUADRATIC, w0, 20)
    w, state = w0, optimizer.init(w0)
    np.testing.assert_array_equal(trajectory.params[0], w0)
    for t in range(1, 21):
        assert trajectory.loss[t - 1] == QUADRATIC.value(w, t)
        g = QUADRATIC.grad(w, t)
        w, state = optimizer.step(w, g, state)
        np.testing.assert_array_equal(trajectory.grads[t - 1], g)
        np.testing.assert_array_equal(trajectory.params[t], w)
        np.testing.assert_array_equal(trajectory.v[t - 1], state.v)
        rate = 0.05 / (np.sqrt(state.v) + 1e-8)
        np.testing.assert_allclose(trajectory.effective_learning_rate[t - 1], rate, rtol=1e-15)
    assert trajectory.final_loss == trajectory.loss[-1] == QUADRATIC.value(w)
    np.testing.assert_array_equal(trajectory.final_params, w)


def test_record_every_keeps_every_kth_step_and_the_last():
    optimizer = rmsprop(learning_rate=0.1, beta=0.9, eps=1e-8)
    full = run(optimizer, QUADRATIC, [1.0, 1.0], 10)
    sparse = run(optimizer, QUADRATIC, [1.0, 1.0], 10, record_every=4)
    np.testing.assert_array_equal(sparse.recorded_steps, [0, 4, 8, 10])
    np.testing.assert_array_equal(sparse.params, full.params[[0, 4, 8, 10]])
    np.testing.assert_array_equal(sparse.loss, full.loss[[0, 4, 8, 10]])
    for name in ("grads", "v", "effective_learning_rate"):
        np.testing.assert_array_equal(getattr(sparse, name), getattr(full, name)[[3, 7, 9]])
    only_ends = run(optimizer, QUADRATIC, [1.0, 1.0], 10, record_every=50)
    np.testing.assert_array_equal(only_ends.recorded_steps, [0, 10])
    np.testing.assert_array_equal(only_ends.params, full.params[[0, 10]])


def test_batched_grid_rows_equal_single_runs_bit_for_bit():
    rates, betas = np.meshgrid([0.01, 0.1, 0.5], [0.5, 0.9, 0.99], indexing="ij")
    rates, betas = rates.ravel(), betas.ravel()
    grid = rmsprop(learning_rate=rates[:, None], beta=betas[:, None], eps=1e-8)
    batched = run(grid, QUADRATIC, np.tile([1.0, 2.0], (rates.size, 1)), 50)
    for row, (rate, beta) in enumerate(zip(rates, betas, strict=True)):
        single = run(rmsprop(learning_rate=rate, beta=beta, eps=1e-8), QUADRATIC, [1.0, 2.0], 50)
        np.testing.assert_array_equal(batched.params[:, row], single.params)
        np.testing.assert_array_equal(batched.loss[:, row], single.loss)
        np.testing.assert_array_equal(batched.v[:, row], single.v)


# --- divergence --------------------------------------------------------------------------------


def test_divergence_is_flagged_at_the_first_step_beyond_the_bound():
    # SGD with eta = 3 on |w|^2/2 gives w_t = (-2)^t w_0; 2^39 < 1e12 < 2^40.
    trajectory = run_without_warnings(sgd(learning_rate=3.0), IDENTITY, [1.0, 0.0], 60)
    assert trajectory.diverged and trajectory.diverged_at == 40
    assert 2.0**39 < DIVERGENCE_BOUND < 2.0**40
    assert np.all(np.isfinite(trajectory.params[:40])) and np.all(np.isfinite(trajectory.loss[:40]))
    assert np.all(np.isnan(trajectory.params[40:])) and np.all(np.isnan(trajectory.loss[40:]))
    assert np.all(np.isfinite(trajectory.grads[:39])) and np.all(np.isnan(trajectory.grads[39:]))
    assert np.all(np.isnan(trajectory.effective_learning_rate[39:]))
    np.testing.assert_array_equal(trajectory.params[39], [(-2.0) ** 39, 0.0])
    assert np.isnan(trajectory.final_loss)


def test_overflow_to_infinity_is_flagged_without_a_runtime_warning():
    trajectory = run_without_warnings(sgd(learning_rate=1e300), rosenbrock(), [-1.2, 1.0], 5)
    assert trajectory.diverged_at == 1
    assert np.isfinite(trajectory.loss[0]) and np.all(np.isnan(trajectory.loss[1:]))
    adaptive = rmsprop(learning_rate=1e300, beta=0.9, eps=0.0)
    assert run_without_warnings(adaptive, rosenbrock(), [-1.2, 1.0], 5).diverged_at == 1


class _BrokenGradient:
    """|w|^2 / 2 whose gradient is NaN (or inf) in row ``row`` from step ``broken_from`` on."""

    def __init__(self, row: int, broken_from: int, bad: float):
        self.row, self.broken_from, self.bad = row, broken_from, bad

    def value(self, w, t=1):
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w, t=1):
        g = np.array(w, dtype=np.float64)
        if t >= self.broken_from:
            g[self.row, 0] = self.bad
        return g


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_non_finite_gradient_inside_run_is_a_labelled_divergence_not_an_error(bad):
    """step() refuses a non-finite gradient (bad input); inside run() it is an outcome: the row
    is labelled diverged at that step, the other rows go on exactly as alone."""
    optimizer = rmsprop(learning_rate=0.1, beta=0.9, eps=1e-8)
    w0 = np.array([[1.0, -1.0], [0.5, 2.0], [2.0, 0.0]])
    trajectory = run_without_warnings(optimizer, _BrokenGradient(1, 4, bad), w0, 10)
    np.testing.assert_array_equal(trajectory.diverged, [False, True, False])
    np.testing.assert_array_equal(trajectory.diverged_at, [-1, 4, -1])
    assert np.all(np.isfinite(trajectory.params[:4, 1])) and np.all(
        np.isnan(trajectory.params[4:, 1])
    )
    alone = run_without_warnings(optimizer, IDENTITY, w0[2], 10)
    np.testing.assert_array_equal(trajectory.params[:, 2], alone.params)
    with pytest.raises(ValueError, match=r"^grads must be finite"):
        optimizer.step(w0, _BrokenGradient(1, 1, bad).grad(w0), optimizer.init(w0))


def test_infinite_loss_at_w0_flags_step_zero():
    steep = elongated_quadratic(condition_number=1.0, scale=1e300)
    trajectory = run_without_warnings(sgd(learning_rate=0.1), steep, [0.0, 1e10], 3)
    assert trajectory.diverged_at == 0
    assert np.all(np.isnan(trajectory.params)) and np.all(np.isnan(trajectory.grads))


def test_diverged_row_is_frozen_and_other_rows_continue():
    rates = np.array([[0.1], [3.0], [0.5]])
    w0 = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, -1.0]])
    trajectory = run_without_warnings(sgd(learning_rate=rates), IDENTITY, w0, 60)
    np.testing.assert_array_equal(trajectory.diverged, [False, True, False])
    np.testing.assert_array_equal(trajectory.diverged_at, [-1, 40, -1])
    assert np.all(np.isnan(trajectory.params[40:, 1])) and np.all(
        np.isnan(trajectory.grads[39:, 1])
    )
    assert np.all(np.isfinite(trajectory.params[:40, 1]))
    np.testing.assert_array_equal(
        trajectory.effective_learning_rate[:, [0, 2], 0], [[0.1, 0.5]] * 60
    )
    for row in (0, 2):
        single = run(sgd(learning_rate=rates[row, 0]), IDENTITY, w0[row], 60)
        np.testing.assert_array_equal(trajectory.params[:, row], single.params)
        np.testing.assert_array_equal(trajectory.loss[:, row], single.loss)
    assert np.all(trajectory.final_loss[[0, 2]] < 1e-5)


def test_divergence_with_record_every_masks_the_records_from_that_step():
    trajectory = run_without_warnings(
        sgd(learning_rate=3.0), IDENTITY, [1.0, 0.0], 60, record_every=7
    )
    assert trajectory.diverged_at == 40  # detected between records
    np.testing.assert_array_equal(trajectory.recorded_steps, [0, 7, 14, 21, 28, 35, 42, 49, 56, 60])
    np.testing.assert_array_equal(np.isnan(trajectory.loss), trajectory.recorded_steps >= 40)
    np.testing.assert_array_equal(
        np.isnan(trajectory.grads[:, 0]), trajectory.recorded_steps[1:] >= 40
    )


# --- steps to tolerance ------------------------------------------------------------------------


def test_steps_to_tolerance():
    rates = np.array([[0.5], [0.1], [1e-4], [3.0]])
    trajectory = run(sgd(learning_rate=rates), IDENTITY, np.tile([1.0, 0.0], (4, 1)), 100)
    # loss_t = (1 - eta)^(2t) / 2 <= 1e-6  <=>  t >= log(2e-6) / (2 log|1 - eta|)
    expected = [math.ceil(math.log(2e-6) / (2 * math.log(1 - rate))) for rate in (0.5, 0.1)]
    np.testing.assert_array_equal(trajectory.steps_to_tolerance(1e-6), [*expected, -1, -1])
    assert trajectory.steps_to_tolerance(0.5).tolist() == [0, 0, 0, 0]
    coarse = run(sgd(learning_rate=0.5), IDENTITY, [1.0, 0.0], 30, record_every=5)
    assert coarse.steps_to_tolerance(1e-6) == 10  # reached at step 10, which is recorded


@pytest.mark.parametrize(
    ("tol", "error", "match"),
    [
        ("1", TypeError, "tol must be a real"),
        (True, TypeError, "tol"),
        (math.nan, ValueError, "tol must be finite"),
    ],
)
def test_steps_to_tolerance_rejects_bad_tol(tol, error, match):
    trajectory = run(sgd(learning_rate=0.1), IDENTITY, [1.0, 0.0], 3)
    with pytest.raises(error, match=match):
        trajectory.steps_to_tolerance(tol)


# --- projection and the Reddi et al. problem ---------------------------------------------------


def test_projection_is_applied_after_every_step():
    problem = online_linear(C=3.0)
    trajectory = run(sgd(learning_rate=1.0), problem, np.array([[0.0], [0.9]]), 30)
    assert np.all(np.abs(trajectory.params) <= 1.0)
    assert np.any(trajectory.params == 1.0) and np.any(trajectory.params == -1.0)
    for t in (1, 2, 3, 4):  # loss[i] = f_{i+1}(params[i])
        np.testing.assert_array_equal(
            trajectory.loss[t - 1], problem.value(trajectory.params[t - 1], t)
        )


def test_reddi_counterexample_rmsprop_goes_to_the_worst_point_adagrad_to_the_best():
    C = 3.0
    problem, beta = online_linear(C=C), 1 / (1 + C**2)
    alpha = 0.9 * math.sqrt(1 - beta)
    rms = rmsprop(learning_rate=lambda t: alpha / math.sqrt(t), beta=beta, eps=0.0)
    trajectory = run(rms, problem, [1.0], 900)
    np.testing.assert_array_equal(trajectory.params[::3, 0], 1.0)  # x_{3t+1} = 1 for every t
    regret = trajectory.loss[:-1].sum() - sum(problem.value([-1.0], t) for t in range(1, 901))
    assert (2 * C - 4) / 3 < regret / 900 < (2 * C - 4) / 3 + 0.05  # theory-facts section 4
    ada = run(adagrad(learning_rate=0.5, eps=0.0), problem, [1.0], 900)
    assert ada.final_params[0] < -0.95


def test_training_a_batch_of_mlps():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    mlp = mlp_classifier(X, y, hidden=8, seed=1)
    w0 = np.stack([mlp.init_params(seed) for seed in (1, 2)])
    trajectory = run(rmsprop(learning_rate=0.02, beta=0.9, eps=1e-8), mlp, w0, 300)
    assert trajectory.params.shape == (301, 2, mlp.size)
    assert np.all(trajectory.final_loss < 0.5 * trajectory.loss[0])
    assert np.all(mlp.accuracy(trajectory.final_params) > 0.85)


# --- validation and immutability ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "error", "match"),
    [
        (0, ValueError, "steps must be >= 1"),
        (-3, ValueError, "steps must be >= 1"),
        (2.0, TypeError, "steps must be an integer"),
        (True, TypeError, "steps must be an integer"),
        ("5", TypeError, "steps must be an integer"),
    ],
)
def test_bad_steps_are_rejected(steps, error, match):
    with pytest.raises(error, match=match):
        run(sgd(learning_rate=0.1), QUADRATIC, [1.0, 1.0], steps)


def test_bad_record_every_is_rejected():
    with pytest.raises(ValueError, match="record_every must be >= 1"):
        run(sgd(learning_rate=0.1), QUADRATIC, [1.0, 1.0], 3, record_every=0)


@pytest.mark.parametrize(
    ("w0", "error", "match"),
    [
        (1.0, ValueError, r"w0 must have shape \(d,\) or \(B, d\)"),
        (np.ones((2, 2, 2)), ValueError, "w0 must have shape"),
        (np.ones((0, 2)), ValueError, "w0 must have shape"),
        ([], ValueError, "w0 must have shape"),
        ([1.0, math.nan], ValueError, "w0 must be finite, got nan$"),
        ([math.inf, 1.0], ValueError, "w0 must be finite, got"),
        ([1j, 1.0], TypeError, "w0 must be a real array"),
        (["a", "b"], TypeError, "w0 must be a real array"),
        ([True, False], TypeError, "w0 must be a real array"),
    ],
)
def test_bad_w0_is_rejected(w0, error, match):
    with pytest.raises(error, match=match):
        run(sgd(learning_rate=0.1), QUADRATIC, w0, 3)


def test_integer_w0_is_promoted_and_not_modified():
    w0 = np.array([1, 2])
    trajectory = run(sgd(learning_rate=0.1), QUADRATIC, w0, 3)
    assert trajectory.params.dtype == np.float64
    np.testing.assert_array_equal(w0, [1, 2])


def test_trajectory_is_frozen():
    trajectory = run(sgd(learning_rate=0.1), QUADRATIC, [1.0, 1.0], 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trajectory.loss = None
    with pytest.raises(ValueError, match="read-only"):
        trajectory.params[0, 0] = 5.0


class CountingLoss:
    """f(w) = |w|^2 / 2, counting the steps t at which value is asked for."""

    def __init__(self):
        self.asked = []

    def value(self, w, t=1):
        self.asked.append(t)
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w, t=1):
        return np.asarray(w, dtype=float)


def test_loss_only_at_recorded_steps_gives_the_same_records():
    every, sparse = CountingLoss(), CountingLoss()
    full = run(sgd(learning_rate=0.1), every, [1.0, -2.0], 10, record_every=4)
    lean = run(
        sgd(learning_rate=0.1), sparse, [1.0, -2.0], 10, record_every=4, loss_every_step=False
    )
    assert every.asked == list(range(1, 12))
    assert sparse.asked == [1, 5, 9, 11]  # w0 (taken at step 1) and after steps 4, 8, 10
    np.testing.assert_array_equal(lean.recorded_steps, [0, 4, 8, 10])
    np.testing.assert_array_equal(lean.params, full.params)
    np.testing.assert_allclose(lean.loss, 0.5 * 0.9 ** (2 * lean.recorded_steps) * 5.0, rtol=1e-14)


def test_loss_only_at_records_still_flags_parameters_that_blow_up():
    trajectory = run(
        sgd(learning_rate=5.0), CountingLoss(), [1.0], 40, record_every=50, loss_every_step=False
    )  # w_t = (-4)^t passes 1e12 at t = 20
    assert trajectory.diverged and trajectory.diverged_at == 20


def test_project_argument_is_applied_after_every_step():
    # SGD on f = |w|^2/2 from 3 with eta = 0.1, clipped to [-1, 1]: 3 -> 2.7 -> clip 1 -> 0.9 ...
    clip = lambda w: np.clip(w, -1.0, 1.0)  # noqa: E731
    trajectory = run(sgd(learning_rate=0.1), CountingLoss(), [3.0], 3, project=clip)
    np.testing.assert_allclose(trajectory.params[:, 0], [3.0, 1.0, 0.9, 0.81])


def test_project_argument_is_refused_when_the_objective_has_one():
    with pytest.raises(ValueError, match="project must be None"):
        run(sgd(learning_rate=0.1), online_linear(), [0.0], 3, project=np.negative)
    with pytest.raises(TypeError, match="project must be a callable"):
        run(sgd(learning_rate=0.1), CountingLoss(), [0.0], 3, project=2.0)
    with pytest.raises(TypeError, match="loss_every_step must be a bool"):
        run(sgd(learning_rate=0.1), CountingLoss(), [0.0], 3, loss_every_step=0)


def test_feed_runs_the_given_gradients_from_zero():
    gradients = np.array([[3.0, -4.0], [1.0, 0.0], [0.0, 2.0]])
    trajectory = feed(adagrad(learning_rate=0.5, eps=0.0, initial_accumulator=0.1), gradients)
    assert trajectory.params.shape == (4, 2) and np.all(trajectory.params[0] == 0.0)
    # AdaGrad by hand: V_T = V_0 + sum of g^2, w_T = w_{T-1} - eta g_T / sqrt(V_T).
    v = 0.1 + np.cumsum(gradients**2, axis=0)
    np.testing.assert_allclose(trajectory.v, v, rtol=1e-15)  # V_1, ..., V_T
    steps = -0.5 * gradients / np.sqrt(v)
    np.testing.assert_allclose(np.diff(trajectory.params, axis=0), steps, rtol=1e-15)
    np.testing.assert_allclose(trajectory.step_sizes, np.abs(steps), rtol=1e-15)
    # A batch: the same sequence for B optimizers, shape (T, B, d).
    batch = np.stack([gradients, 2 * gradients], axis=1)
    both = feed(adagrad(learning_rate=0.5, eps=0.0, initial_accumulator=0.1), batch)
    np.testing.assert_array_equal(both.params[:, 0], trajectory.params)
    with pytest.raises(ValueError, match="gradients must have shape"):
        feed(sgd(learning_rate=0.1), np.zeros((0, 2)))


@pytest.mark.parametrize("shape", [(5,), (5, 0), (5, 2, 0), (5, 2, 2, 2)])
def test_feed_names_gradients_when_their_shape_does_not_fit(shape):
    # Not (T, d) or (T, B, d): the error names gradients, not the w0 that feed builds.
    with pytest.raises(ValueError, match=r"gradients must have shape \(T, d\) or \(T, B, d\)"):
        feed(sgd(learning_rate=0.1), np.ones(shape))
    with pytest.raises(ValueError, match="gradients must be finite"):
        feed(sgd(learning_rate=0.1), np.array([[1.0], [np.nan]]))
    with pytest.raises(TypeError, match="gradients must be an array of real numbers"):
        feed(sgd(learning_rate=0.1), np.array([[True]]))


def test_step_sizes_need_every_step_recorded():
    sparse = run(sgd(learning_rate=0.1), elongated_quadratic(), [1.0, 1.0], 10, record_every=5)
    with pytest.raises(ValueError, match="record_every=1"):
        _ = sparse.step_sizes
