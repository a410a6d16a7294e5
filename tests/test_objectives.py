"""Tests for rmsprop_lib.objectives."""

import dataclasses
import math

import numpy as np
import pytest
from numerics import numerical_gradient

from rmsprop_lib import (
    adagrad,
    average_regret,
    cycle_amplitude,
    cycle_loss,
    given_gradients,
    least_squares,
    linear_loss,
    recovery_time,
    rmsprop,
    run,
    sgd,
)
from rmsprop_lib.objectives import (
    elongated_quadratic,
    minibatch_rows,
    online_linear,
    rosenbrock,
    saddle_surface,
    sparse_least_squares,
)

# (objective, t, a generic point)
OBJECTIVES = {
    "quadratic": (elongated_quadratic(25.0, rotation=0.4, scale=2.0), 1, [0.7, -1.3]),
    "rosenbrock": (rosenbrock(1.0, 100.0), 1, [-1.2, 1.0]),
    "saddle": (saddle_surface(0.5, 2.0), 1, [0.3, -0.8]),
    "sparse": (sparse_least_squares([0.3, 0.1, 0.02], 500, noise=0.5), 1, [0.2, 1.5, -0.4]),
    "online_c_step": (online_linear(3.0, 3), 4, [0.3]),
    "online_minus_step": (online_linear(3.0, 3), 5, [0.3]),
}


def objective_and_point(key):
    objective, t, point = OBJECTIVES[key]
    return objective, t, np.array(point)


@pytest.mark.parametrize("key", OBJECTIVES)
def test_grad_matches_central_differences(key):
    objective, t, w = objective_and_point(key)
    np.testing.assert_allclose(objective.grad(w, t), numerical_gradient(objective, w, t), rtol=1e-6)


@pytest.mark.parametrize("key", OBJECTIVES)
def test_batch_rows_equal_single_evaluations_exactly(key):
    objective, t, w = objective_and_point(key)
    rng = np.random.default_rng(7)
    batch = w + 0.3 * rng.normal(size=(5, w.size))
    values, grads = objective.value(batch, t), objective.grad(batch, t)
    assert values.shape == (5,) and grads.shape == batch.shape
    for row in range(5):
        assert values[row] == objective.value(batch[row], t)
        np.testing.assert_array_equal(grads[row], objective.grad(batch[row], t))


@pytest.mark.parametrize("key", OBJECTIVES)
def test_single_evaluation_shapes(key):
    objective, t, w = objective_and_point(key)
    assert np.shape(objective.value(w, t)) == ()
    assert objective.grad(w, t).shape == w.shape
    assert isinstance(objective.name, str)


@pytest.mark.parametrize("key", ["quadratic", "rosenbrock", "saddle", "sparse", "online_c_step"])
def test_wrong_parameter_count_is_rejected(key):
    objective, t, w = objective_and_point(key)
    with pytest.raises(ValueError, match="w must have"):
        objective.grad(np.append(w, 1.0), t)


def test_objectives_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        rosenbrock().a = 2.0
    with pytest.raises(ValueError, match="read-only"):
        elongated_quadratic().hessian[0, 0] = 5.0


# --- elongated quadratic ---------------------------------------------------------------------


def test_quadratic_unrotated_is_flat_along_the_first_axis():
    quadratic = elongated_quadratic(condition_number=10.0, scale=3.0)
    np.testing.assert_array_equal(quadratic.hessian, np.diag([0.3, 3.0]))
    assert quadratic.value([1.0, 0.0]) == pytest.approx(0.15)
    np.testing.assert_array_equal(quadratic.minimum, [0.0, 0.0])


def test_quadratic_rotation_turns_the_flat_direction():
    angle = 0.6
    quadratic = elongated_quadratic(condition_number=50.0, rotation=angle, scale=2.0)
    flat = np.array([math.cos(angle), math.sin(angle)])
    steep = np.array([-math.sin(angle), math.cos(angle)])
    np.testing.assert_allclose(quadratic.hessian @ flat, 0.04 * flat, atol=1e-15)
    np.testing.assert_allclose(quadratic.hessian @ steep, 2.0 * steep, atol=1e-15)
    w = np.array([0.4, -2.0])
    assert quadratic.value(w) == pytest.approx(0.5 * w @ quadratic.hessian @ w, rel=1e-14)
    np.testing.assert_array_equal(quadratic.hessian, quadratic.hessian.T)


def test_quadratic_accepts_integer_parameters():
    assert elongated_quadratic(4, 0, 2).value(np.array([1, 1])) == pytest.approx(1.25)


# --- Rosenbrock and the saddle -----------------------------------------------------------------


def test_rosenbrock_minimum():
    function = rosenbrock(a=2.0, b=10.0)
    np.testing.assert_array_equal(function.minimum, [2.0, 4.0])
    assert function.value(function.minimum) == 0.0
    np.testing.assert_array_equal(function.grad(function.minimum), [0.0, 0.0])
    assert function.value([0.0, 0.0]) == 4.0


def test_saddle_critical_points():
    surface = saddle_surface(negative_curvature=0.5, curvature=3.0)
    assert surface.minimum is None
    for point in (surface.saddle_point, *surface.minima):
        np.testing.assert_array_equal(surface.grad(point), [0.0, 0.0])
    for point in surface.minima:
        assert surface.value(point) == -0.125
    # The saddle: f decreases along x and increases along y.
    assert surface.value([0.01, 0.0]) < 0.0 < surface.value([0.0, 0.01])


# --- sparse least squares ----------------------------------------------------------------------


def test_sparse_hessian_is_the_frequencies_for_disjoint_features():
    frequencies = [0.5, 0.05, 0.01]
    problem = sparse_least_squares(frequencies, n_samples=1000, seed=3)
    np.testing.assert_array_equal(problem.hessian, np.diag(frequencies))
    np.testing.assert_array_equal(problem.frequencies, frequencies)
    assert set(np.unique(problem.X)) == {0.0, 1.0}
    assert problem.X.sum(axis=1).max() == 1.0  # at most one active feature per sample
    np.testing.assert_array_equal(problem.X.sum(axis=0), [500, 50, 10])


def test_sparse_minimum_is_w_true_without_noise():
    problem = sparse_least_squares([0.4, 0.1], n_samples=200, w_true=[0.3, -2.0])
    np.testing.assert_array_equal(problem.minimum, [0.3, -2.0])
    np.testing.assert_array_equal(problem.w_true, [0.3, -2.0])
    assert problem.value(problem.w_true) == 0.0
    np.testing.assert_array_equal(problem.grad(problem.w_true), [0.0, 0.0])
    np.testing.assert_array_equal(sparse_least_squares([0.5]).w_true, [1.0])


def test_sparse_loss_and_gradient_match_the_definition():
    problem = sparse_least_squares([0.3, 0.2, 0.05], n_samples=400, seed=5, noise=0.7)
    n = problem.X.shape[0]
    w = np.random.default_rng(0).normal(size=(4, 3))
    residuals = w @ problem.X.T - problem.y
    np.testing.assert_allclose(problem.value(w), np.sum(residuals**2, axis=-1) / (2 * n))
    np.testing.assert_allclose(problem.grad(w), residuals @ problem.X / n, atol=1e-15)
    least_squares = np.linalg.lstsq(problem.X, problem.y, rcond=None)[0]
    np.testing.assert_allclose(problem.minimum, least_squares, rtol=1e-12)
    assert problem.value(problem.minimum) == pytest.approx(problem.residual)
    assert problem.residual > 0.0


def test_sparse_data_are_seeded():
    first, again = sparse_least_squares([0.2], noise=1.0), sparse_least_squares([0.2], noise=1.0)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    other = sparse_least_squares([0.2], noise=1.0, seed=1)
    assert not np.array_equal(first.y, other.y)


# --- Reddi et al. online problem ---------------------------------------------------------------


def test_online_linear_sign_pattern():
    problem = online_linear(C=3.0, period=3)
    slopes = [problem.grad(np.array([0.0]), t)[0] for t in range(1, 8)]
    assert slopes == [3.0, -1.0, -1.0, 3.0, -1.0, -1.0, 3.0]
    assert [problem.value(np.array([0.5]), t) for t in (1, 2)] == [1.5, -0.5]
    four = online_linear(C=5.0, period=4)
    assert [four.slope(t) for t in range(1, 6)] == [5.0, -1.0, -1.0, -1.0, 5.0]


def test_online_linear_minimum_and_average_loss():
    problem = online_linear(C=3.0)
    np.testing.assert_array_equal(problem.minimum, [-1.0])
    x = np.array([[-1.0], [0.5], [1.0]])
    period_total = sum(problem.value(x, t) for t in (1, 2, 3))
    np.testing.assert_allclose(problem.average_loss(x), period_total / 3)
    assert problem.average_loss(np.array([-1.0])) == pytest.approx(-1 / 3)


def test_online_linear_projection_clips_to_the_interval():
    problem = online_linear()
    np.testing.assert_array_equal(
        problem.project(np.array([[-3.0], [0.25], [7.0]])).ravel(), [-1, 0.25, 1]
    )


def test_online_linear_rejects_bad_t():
    with pytest.raises(ValueError, match="t must be >= 1"):
        online_linear().grad(np.array([0.0]), 0)
    with pytest.raises(TypeError, match="t must be an integer"):
        online_linear().value(np.array([0.0]), 1.5)


# --- argument validation -----------------------------------------------------------------------

REJECTIONS = [
    (elongated_quadratic, {"condition_number": 0.5}, ValueError, "condition_number must be >= 1"),
    (elongated_quadratic, {"condition_number": "10"}, TypeError, "condition_number must be a real"),
    (elongated_quadratic, {"rotation": math.inf}, ValueError, "rotation must be finite"),
    (elongated_quadratic, {"rotation": None}, TypeError, "rotation must be a real"),
    (elongated_quadratic, {"scale": 0.0}, ValueError, "scale must be > 0"),
    (elongated_quadratic, {"scale": True}, TypeError, "scale must be a real"),
    (elongated_quadratic, {"scale": 1j}, TypeError, "scale must be a real"),
    (rosenbrock, {"a": math.nan}, ValueError, "a must be finite"),
    (rosenbrock, {"b": -1.0}, ValueError, "b must be > 0"),
    (saddle_surface, {"negative_curvature": 0.0}, ValueError, "negative_curvature must be > 0"),
    (saddle_surface, {"curvature": -2.0}, ValueError, "curvature must be > 0"),
    (sparse_least_squares, {"frequencies": [0.5, 0.0]}, ValueError, r"in \(0, 1\], got 0.0$"),
    (sparse_least_squares, {"frequencies": [1.5]}, ValueError, r"frequencies must be in \(0, 1\]"),
    (sparse_least_squares, {"frequencies": [math.nan]}, ValueError, "frequencies must be in"),
    (
        sparse_least_squares,
        {"frequencies": [0.75, 0.5]},
        ValueError,
        "must sum to at most 1 .*got 1.25$",
    ),
    (sparse_least_squares, {"frequencies": []}, ValueError, "frequencies must be a non-empty"),
    (sparse_least_squares, {"frequencies": [[0.5]]}, ValueError, "frequencies must be a non-empty"),
    (sparse_least_squares, {"frequencies": ["a"]}, TypeError, "frequencies must be real"),
    (sparse_least_squares, {"frequencies": [True]}, TypeError, "frequencies must be real"),
    (sparse_least_squares, {"frequencies": [0.001], "n_samples": 100}, ValueError, "n_samples=100"),
    (sparse_least_squares, {"frequencies": [0.5], "n_samples": 0}, ValueError, "n_samples must be"),
    (sparse_least_squares, {"frequencies": [0.5], "n_samples": 10.0}, TypeError, "n_samples must"),
    (sparse_least_squares, {"frequencies": [0.5], "seed": -1}, ValueError, "seed must be >= 0"),
    (sparse_least_squares, {"frequencies": [0.5], "noise": -0.1}, ValueError, "noise must be >= 0"),
    (sparse_least_squares, {"frequencies": [0.5], "w_true": [1, 2]}, ValueError, "w_true must be"),
    (sparse_least_squares, {"frequencies": [0.5], "w_true": [math.inf]}, ValueError, "w_true must"),
    (online_linear, {"C": 2.0}, ValueError, "C must be > 2"),
    (online_linear, {"C": 3.5, "period": 5}, ValueError, "C must be > 4"),
    (online_linear, {"period": 1}, ValueError, "period must be >= 2"),
    (online_linear, {"period": True}, TypeError, "period must be an integer"),
    (online_linear, {"period": 3.0}, TypeError, "period must be an integer"),
]


@pytest.mark.parametrize(("factory", "kwargs", "error", "match"), REJECTIONS)
def test_constructors_reject_bad_arguments(factory, kwargs, error, match):
    with pytest.raises(error, match=match):
        factory(**kwargs)


# ----------------------------------------------- helpers moved from the chapters (issue 14)

RNG = np.random.default_rng(5)
X_DATA = RNG.standard_normal((60, 3))
Y_DATA = X_DATA @ [1.0, -2.0, 0.5] + 0.1 * RNG.standard_normal(60)


def test_least_squares_value_and_full_gradient_match_the_definition():
    problem = least_squares(X_DATA, Y_DATA)
    w = np.array([[0.3, 0.1, -0.7], [1.0, -2.0, 0.5]])
    direct = [np.sum((X_DATA @ row - Y_DATA) ** 2) / (2 * 60) for row in w]
    np.testing.assert_allclose(problem.value(w), direct, rtol=1e-13)
    for row in w:
        np.testing.assert_allclose(
            problem.grad(row), numerical_gradient(problem, row, 1), rtol=1e-6
        )


def test_minibatch_gradients_of_one_epoch_average_to_the_full_gradient():
    full, batches = least_squares(X_DATA, Y_DATA), least_squares(X_DATA, Y_DATA, batch_size=15)
    w = np.array([0.3, 0.1, -0.7])
    epoch = [batches.grad(w, t) for t in range(1, 5)]  # 60 / 15 = 4 batches cover every row once
    np.testing.assert_allclose(np.mean(epoch, axis=0), full.grad(w), rtol=1e-12)
    rows = np.concatenate([minibatch_rows(60, 15, 0, t, "epochs") for t in range(1, 5)])
    assert sorted(rows.tolist()) == list(range(60))


def test_independent_minibatches_are_drawn_with_replacement_per_step():
    problem = least_squares(X_DATA, Y_DATA, batch_size=8, seed=2, sampling="independent")
    rows = minibatch_rows(60, 8, 2, 7, "independent")
    expected = np.random.default_rng([2, 7]).integers(60, size=8)  # the documented rule
    np.testing.assert_array_equal(rows, expected)
    w = np.array([0.3, 0.1, -0.7])
    by_hand = X_DATA[rows].T @ (X_DATA[rows] @ w - Y_DATA[rows]) / 8
    np.testing.assert_allclose(problem.grad(w, 7), by_hand, rtol=1e-12)
    long_run = np.array([minibatch_rows(5, 4, 0, t, "independent") for t in range(1, 200)])
    assert any(len(set(r)) < 4 for r in long_run.tolist())  # a repeated row: with replacement


def test_least_squares_uses_a_given_loss_for_value_only():
    problem = least_squares(X_DATA, Y_DATA, loss=lambda w: np.full(np.shape(w)[:-1], 7.0))
    assert problem.value(np.zeros(3)) == 7.0
    np.testing.assert_allclose(problem.grad(np.zeros(3)), -X_DATA.T @ Y_DATA / 60, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"batch_size": 61}, ValueError, "batch_size must be <= n_samples=60"),
        ({"sampling": "shuffle"}, ValueError, "sampling must be one of"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"loss": 3.0}, TypeError, "loss must be a callable"),
        ({"y": np.zeros(59)}, ValueError, "y must hold 60 finite targets"),
    ],
)
def test_least_squares_refuses_bad_arguments(kwargs, error, match):
    arguments = {"X": X_DATA, "y": Y_DATA, **kwargs}
    with pytest.raises(error, match=match):
        least_squares(**arguments)


def test_linear_loss_gives_rmsprop_a_constant_gradient():
    slope = np.array([2.0, -0.5])
    problem = linear_loss(slope)
    w = np.array([[0.3, 0.4], [1.0, -1.0]])
    np.testing.assert_array_equal(problem.value(w), [0.6 - 0.2, 2.0 + 0.5])
    np.testing.assert_array_equal(problem.grad(w), [slope, slope])
    trajectory = run(rmsprop(learning_rate=0.1, beta=0.9, eps=0.0), problem, np.zeros(2), 30)
    T = np.arange(1, 31)[:, None]
    np.testing.assert_allclose(trajectory.v, (1 - 0.9**T) * slope**2, rtol=1e-12)  # F4
    with pytest.raises(ValueError, match="slope must be a finite, non-empty 1-D"):
        linear_loss([[1.0]])
    with pytest.raises(TypeError, match="slope must be a real array"):
        linear_loss(["a"])


def regret_by_brute_force(points, slopes):
    """R_T / T for every T, comparing with the better of the two corners x = -1, x = +1."""
    paid, total, out = 0.0, 0.0, []
    for T, (x, g) in enumerate(zip(points, slopes, strict=True), start=1):
        paid, total = paid + g * x, total + g
        out.append((paid - min(-total, total)) / T)
    return np.array(out)


@pytest.mark.parametrize("learner", ["sgd", "adagrad"])
def test_average_regret_matches_a_brute_force_best_fixed_point(learner):
    optimizer = sgd(learning_rate=0.05) if learner == "sgd" else adagrad(learning_rate=0.5, eps=0.0)
    trajectory = run(optimizer, online_linear(C=3.0), [1.0], 300)
    expected = regret_by_brute_force(trajectory.params[:-1, 0], trajectory.grads[:, 0])
    np.testing.assert_allclose(average_regret(trajectory, running=True), expected, rtol=1e-12)
    np.testing.assert_allclose(average_regret(trajectory), expected[-1], rtol=1e-12)
    batched = run(sgd(learning_rate=0.05), online_linear(C=3.0), [[1.0], [0.0]], 300)
    assert average_regret(batched).shape == (2,)
    assert average_regret(batched, running=True).shape == (300, 2)
    with pytest.raises(ValueError, match="one parameter"):
        average_regret(run(sgd(learning_rate=0.1), elongated_quadratic(), [1.0, 1.0], 3))


def test_cycle_loss_is_where_rmsprop_ends_on_a_quadratic():
    valley = elongated_quadratic(condition_number=10.0)
    curvatures = np.diag(valley.hessian)
    final = run(rmsprop(learning_rate=0.1, beta=0.9, eps=1e-8), valley, [1.0, 1.0], 3000)
    np.testing.assert_allclose(final.final_loss, cycle_loss(0.1, curvatures, 1e-8), rtol=1e-6)
    a = 0.05 - 1e-3 / curvatures  # F10 by hand, eps = 1e-3
    assert cycle_loss(0.1, curvatures, 1e-3) == pytest.approx(0.5 * np.sum(curvatures * a**2))
    etas = np.array([[0.1, 0.2], [0.05, 0.3]])
    each = [[cycle_loss(float(e), curvatures, 1e-8) for e in row] for row in etas]
    np.testing.assert_array_equal(cycle_loss(etas, curvatures, 1e-8), each)
    assert isinstance(cycle_loss(0.1, curvatures, 0.0), float)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        cycle_loss(0.0, curvatures, 0.0)
    with pytest.raises(ValueError, match="curvatures must be"):
        cycle_loss(0.1, [1.0, -1.0], 0.0)
    with pytest.raises(ValueError, match="eps must be >= 0"):
        cycle_loss(0.1, curvatures, -1.0)


@pytest.mark.parametrize("eps_in_sqrt", [False, True])
def test_cycle_amplitude_is_where_rmsprop_ends(eps_in_sqrt):
    # Curvatures 0.1 and 1, eta = 0.1, eps = 1e-3. Outside the root the cycle needs
    # eps < lambda eta / 2 (0.005 and 0.05): both axes cycle. Inside it needs
    # sqrt(eps) = 0.0316 < lambda eta / 2: only the steep axis cycles, the flat one converges.
    valley = elongated_quadratic(condition_number=10.0)
    curvatures = np.diag(valley.hessian)
    eps = 1e-3
    optimizer = rmsprop(learning_rate=0.1, beta=0.9, eps=eps, eps_in_sqrt=eps_in_sqrt)
    late = np.abs(run(optimizer, valley, [1.0, 1.0], 4000).params[-200:])
    amplitude = cycle_amplitude(0.1, curvatures, eps, eps_in_sqrt=eps_in_sqrt)
    if eps_in_sqrt:
        assert amplitude[0] == 0.0 < amplitude[1]
        assert np.all(late[:, 0] < 1e-6)
        assert amplitude[1] == pytest.approx(math.sqrt(0.05**2 - eps / curvatures[1] ** 2))
    else:
        np.testing.assert_allclose(amplitude, 0.05 - eps / curvatures)
    cycling = amplitude > 0
    np.testing.assert_allclose(
        late[:, cycling], np.broadcast_to(amplitude[cycling], late[:, cycling].shape), rtol=1e-6
    )


def test_cycle_amplitude_solves_the_orbit_equation_and_checks_its_input():
    # The step from +a must land on -a: step(a) = 2a, with V_T = (lambda a)^2. Every case has
    # a cycle (a > 0: a = 0 solves the equation trivially) and lambda != 1 (so that eps/lambda
    # and eps/lambda^2 differ).
    for eta, lam, eps in [(0.1, 2.0, 1e-3), (0.3, 7.0, 0.2), (1.0, 0.5, 1e-8)]:
        a = cycle_amplitude(eta, lam, eps)
        assert a > 0
        assert eta * lam * a / (lam * a + eps) == pytest.approx(2 * a, rel=1e-12)
        b = cycle_amplitude(eta, lam, eps, eps_in_sqrt=True)
        assert b > 0
        assert eta * lam * b / math.sqrt((lam * b) ** 2 + eps) == pytest.approx(2 * b, rel=1e-12)
    assert cycle_amplitude(0.1, 1.0, 0.05) == 0.0  # eps = lambda eta / 2: no cycle
    assert isinstance(cycle_amplitude(0.1, 1.0, 0.0), float)
    grid = cycle_amplitude(np.array([[0.1], [0.2]]), np.array([1.0, 2.0, 4.0]), 1e-2)
    assert grid.shape == (2, 3)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        cycle_amplitude(-0.1, 1.0, 0.0)
    with pytest.raises(ValueError, match="curvature must be > 0"):
        cycle_amplitude(0.1, [1.0, 0.0], 0.0)
    with pytest.raises(ValueError, match="eps must be >= 0"):
        cycle_amplitude(0.1, 1.0, -1e-3)


def test_recovery_time_predicts_when_rmsprop_is_back_after_a_burst():
    # |g| = 100 for 100 steps, then 1: the step is back to r eta at the first whole k >= k*.
    burst = np.concatenate([np.full(100, 100.0), np.ones(1500)])[:, None]
    for beta in (0.9, 0.99):
        trajectory = run(
            rmsprop(learning_rate=0.01, beta=beta, eps=0.0),
            given_gradients(burst),
            np.zeros(1),
            len(burst),
        )
        v_peak = trajectory.v[99, 0]
        steps = trajectory.step_sizes[100:, 0] / 0.01  # fraction of eta, k = 1, 2, ...
        for r in (0.5, 0.9):
            k_star = recovery_time(v_peak, 1.0, r, beta)
            first = int(np.argmax(steps >= r)) + 1
            assert first == math.ceil(k_star)
            # F9 at k*: V = g^2 / r^2 exactly.
            v_at = beta**k_star * v_peak + (1 - beta**k_star)
            assert v_at == pytest.approx(1 / r**2, rel=1e-12)


def test_recovery_time_broadcasts_clips_and_checks_its_input():
    betas = np.array([0.5, 0.9, 0.99])
    times = recovery_time(1e4, 1.0, 0.9, betas)
    assert times.shape == (3,) and np.all(np.diff(times) > 0)
    assert recovery_time(1.1, 1.0, 0.9, 0.9) == 0.0  # V_T0 <= g^2/r^2: never slowed down
    assert isinstance(recovery_time(1e4, 1.0, 0.9, 0.9), float)
    with pytest.raises(ValueError, match="fraction must be in"):
        recovery_time(1e4, 1.0, 1.0, 0.9)
    with pytest.raises(ValueError, match="beta must be in"):
        recovery_time(1e4, 1.0, 0.9, 1.0)
    with pytest.raises(ValueError, match="v_peak must be > 0"):
        recovery_time(-1.0, 1.0, 0.9, 0.9)
    with pytest.raises(ValueError, match="g must be > 0"):
        recovery_time(1e4, 0.0, 0.9, 0.9)


def test_cycle_amplitude_is_zero_outside_the_condition_and_rmsprop_converges_there():
    # eps = 0.06 > lambda eta / 2 = 0.05 (outside), eps = 0.003 > (lambda eta / 2)^2 (inside):
    # no cycle, the formula's a would be negative (or imaginary); the runs converge.
    for eps, inside in [(0.06, False), (0.003, True)]:
        assert cycle_amplitude(0.1, 1.0, eps, eps_in_sqrt=inside) == 0.0
        optimizer = rmsprop(learning_rate=0.1, beta=0.9, eps=eps, eps_in_sqrt=inside)
        end = run(optimizer, elongated_quadratic(condition_number=1.0), [1.0, 1.0], 3000)
        assert np.all(np.abs(end.final_params) < 1e-12)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((True, 1.0, 0.0), TypeError, "learning_rate must be a real number"),
        ((0.1, np.True_, 0.0), TypeError, "curvature must be a real number"),
        ((0.1, [True, 2.0], 0.0), TypeError, "curvature must hold real numbers, not bools"),
        (("0.1", 1.0, 0.0), TypeError, "learning_rate must be a real number"),
        ((float("nan"), 1.0, 0.0), ValueError, "learning_rate must be > 0 and finite"),
        ((0.1, np.array([1.0, np.inf]), 0.0), ValueError, r"curvature .* at index \(1,\)"),
        ((np.full(3, 0.1), np.ones(2), 0.0), ValueError, r"shape \(3,\) and curvature"),
        ((0.1, 1.0, float("nan")), ValueError, "eps must be finite"),
    ],
)
def test_cycle_amplitude_refuses_bad_input_by_name(arguments, error, message):
    with pytest.raises(error, match=message):
        cycle_amplitude(*arguments)


def test_cycle_amplitude_needs_a_bool_for_eps_in_sqrt():
    # "no" is truthy: it would silently put eps inside the root.
    with pytest.raises(TypeError, match="eps_in_sqrt must be a bool"):
        cycle_amplitude(0.1, 1.0, 1e-3, eps_in_sqrt="no")


def test_cycle_amplitude_refuses_a_result_beyond_the_float_range():
    # eta^2 overflows: an error naming the arguments, not inf.
    with pytest.raises(ValueError, match="beyond the float range"):
        cycle_amplitude(1e300, 1e300, 1e-3, eps_in_sqrt=True)
    assert cycle_amplitude(0.1, 1e-200, 1e-3, eps_in_sqrt=True) == 0.0  # eps/lambda^2 = inf


def test_recovery_time_with_other_gradient_sizes():
    # |g| = 30 for 60 steps, then 0.5 (g != 1, so g and g^2 cannot be confused).
    burst = np.concatenate([np.full(60, 30.0), np.full(800, 0.5)])[:, None]
    beta, eta = 0.95, 0.02
    trajectory = run(
        rmsprop(learning_rate=eta, beta=beta, eps=0.0), given_gradients(burst), [0.0], len(burst)
    )
    v_peak = (1 - beta**60) * 30.0**2  # F4 by hand
    assert trajectory.v[59, 0] == pytest.approx(v_peak, rel=1e-12)
    steps = trajectory.step_sizes[60:, 0] / eta
    for r in (0.3, 0.8):
        by_hand = math.log((v_peak - 0.25) / (0.25 * (1 / r**2 - 1))) / math.log(1 / beta)
        assert recovery_time(v_peak, 0.5, r, beta) == pytest.approx(by_hand, rel=1e-12)
        assert int(np.argmax(steps >= r)) + 1 == math.ceil(by_hand)
    betas = [0.5, 0.9, 0.99]  # a list broadcasts like an array; by hand, one beta at a time
    each = [math.log((1e4 - 1) / (1 / 0.81 - 1)) / math.log(1 / b) for b in betas]
    np.testing.assert_allclose(recovery_time(1e4, 1.0, 0.9, betas), each, rtol=1e-12)


def test_recovery_time_is_zero_not_nan_below_g_squared():
    # V_T0 < g^2 (the average never reached the new gradient size): the step is already >= eta.
    assert recovery_time(0.5, 1.0, 0.9, 0.9) == 0.0
    np.testing.assert_array_equal(
        recovery_time(np.array([0.01, 1.0, 1e4]), 1.0, 0.5, 0.9) > 0, [False, False, True]
    )


def test_recovery_time_refuses_a_result_beyond_the_float_range():
    # 1/beta overflows, so ln(1/beta) is inf: an error, not a silent 0 or NaN.
    with pytest.raises(ValueError, match="beyond the float range"):
        recovery_time(1e308, 1e-200, 0.5, 0.9)
    assert recovery_time(1e4, 1e200, 0.5, 0.9) == 0.0  # g^2 = inf > V_T0: never slowed
    assert recovery_time(1e4, 1.0, 1e-200, 0.9) == 0.0  # g^2 / r^2 = inf > V_T0


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((True, 1.0, 0.9, 0.9), TypeError, "v_peak must be a real number"),
        ((1e4, 1.0, 0.9, np.True_), TypeError, "beta must be a real number"),
        ((1e4, 1.0, 0.9, [0.9, True]), TypeError, "beta must hold real numbers, not bools"),
        ((1e4, 1.0, 0.9, "0.9"), TypeError, "beta must be a real number"),
        ((1e4, True, 0.9, 0.9), TypeError, "g must be a real number"),
        ((np.nan, 1.0, 0.9, 0.9), ValueError, "v_peak must be > 0 and finite"),
        ((1e4, 1.0, 0.9, np.array([0.9, 1.5])), ValueError, r"beta must be in \(0, 1\), got 1.5"),
        ((1e4, 1.0, 0.9, 0.0), ValueError, r"beta must be in \(0, 1\)"),
        ((np.ones(3), 1.0, 0.9, np.full(2, 0.9)), ValueError, r"v_peak of shape \(3,\) and beta"),
        ((1e4, 1.0, np.nan, 0.9), ValueError, "fraction must be finite"),
    ],
)
def test_recovery_time_refuses_bad_input_by_name(arguments, error, message):
    with pytest.raises(error, match=message):
        recovery_time(*arguments)
