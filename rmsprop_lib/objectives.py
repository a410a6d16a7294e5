"""Test objectives for the optimizers, vectorised over leading batch axes.

Every objective has ``value(w, t=1)`` (shape ``w.shape[:-1]``: one loss per row of a batch) and
``grad(w, t=1)`` (shape ``w.shape``), with the parameters on the LAST axis of ``w``. ``t`` is the
1-based step index; only :func:`online_linear` (and minibatch mode of :mod:`rmsprop_lib.mlp`) use
it. Objectives also carry ``name`` (for plot titles) and ``minimum`` (the minimiser, or None).
The factories (lower-case functions) validate their arguments and build the frozen dataclasses.
Gradient sequences that drive an optimizer without a loss are in ``rmsprop_lib.gradients``.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib.checks import (
    broadcast_together,
    flag,
    integer,
    open_unit_interval,
    read_only,
    real,
    real_matrix,
    real_values,
)


class Objective(Protocol):
    """What ``run`` and ``plotting.contour`` need of an objective (every one here has it); an
    objective may also have ``project(w)``, which ``run`` applies after each step."""

    def grad(self, w: np.ndarray, t: int) -> np.ndarray:
        """The gradient g_t at ``w``, shape (d,) or (B, d), for step t."""

    def value(self, w: np.ndarray, t: int) -> np.ndarray:
        """The loss at ``w``, one value per row, when step t is taken."""


def _parameters(w, size: int) -> np.ndarray:
    """``w`` as float64 with ``size`` entries on its last axis (else ValueError naming ``w``)."""
    array = np.asarray(w, dtype=np.float64)
    if array.ndim == 0 or array.shape[-1] != size:
        raise ValueError(f"w must have {size} entries on its last axis, got shape {array.shape}")
    return array


@dataclass(frozen=True, eq=False)
class ElongatedQuadratic:
    """f(w) = 1/2 w^T A w in 2-D, with A = R diag(scale/condition_number, scale) R^T.

    At ``rotation = 0`` the FIRST axis is the flat one (curvature ``scale/condition_number``), so
    the valley is elongated along the first axis, and the second axis is the steep one (curvature
    ``scale``). ``R`` rotates both eigenvectors counter-clockwise by ``rotation`` radians.
    The minimum is w = 0 with f = 0.
    """

    condition_number: float
    rotation: float
    scale: float
    hessian: np.ndarray

    @property
    def name(self) -> str:
        return f"elongated quadratic (condition number {self.condition_number:g})"

    @property
    def minimum(self) -> np.ndarray:
        return np.zeros(2)

    def grad(self, w, t: int = 1) -> np.ndarray:
        """A w, written out element-wise so every row of a batch is computed identically."""
        w = _parameters(w, 2)
        (a, b), (_, c) = self.hessian.tolist()
        return np.stack([a * w[..., 0] + b * w[..., 1], b * w[..., 0] + c * w[..., 1]], axis=-1)

    def value(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, 2)
        (a, b), (_, c) = self.hessian.tolist()
        x, y = w[..., 0], w[..., 1]
        return 0.5 * (a * x * x + c * y * y) + b * x * y


def elongated_quadratic(
    condition_number: float = 10.0, rotation: float = 0.0, scale: float = 1.0
) -> ElongatedQuadratic:
    """The 2-D quadratic valley with curvatures ``scale/condition_number`` and ``scale``."""
    condition_number = real("condition_number", condition_number, at_least=1.0)
    rotation = real("rotation", rotation)
    scale = real("scale", scale, above=0.0)
    cos, sin = math.cos(rotation), math.sin(rotation)
    turn = np.array([[cos, -sin], [sin, cos]])
    hessian = turn @ np.diag([scale / condition_number, scale]) @ turn.T
    hessian = (hessian + hessian.T) / 2  # exactly symmetric
    return ElongatedQuadratic(condition_number, rotation, scale, read_only(hessian))


@dataclass(frozen=True, eq=False)
class Rosenbrock:
    """f(x, y) = (a - x)^2 + b (y - x^2)^2; the minimum is (a, a^2) with f = 0."""

    a: float = 1.0
    b: float = 100.0

    @property
    def name(self) -> str:
        return f"Rosenbrock (a={self.a:g}, b={self.b:g})"

    @property
    def minimum(self) -> np.ndarray:
        return np.array([self.a, self.a**2])

    def value(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, 2)
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, 2)
        x, y = w[..., 0], w[..., 1]
        valley = y - x**2
        return np.stack([-2 * (self.a - x) - 4 * self.b * x * valley, 2 * self.b * valley], axis=-1)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Rosenbrock:
    """Rosenbrock's banana valley; ``b > 0`` sets how steep the walls of the valley are."""
    return Rosenbrock(real("a", a), real("b", b, above=0.0))


@dataclass(frozen=True, eq=False)
class SaddleSurface:
    """f(x, y) = k (x^4/4 - x^2/2) + c y^2/2, with k = ``negative_curvature``, c = ``curvature``.

    Critical points: the saddle (0, 0) with Hessian diag(-k, c), and two minima (-1, 0) and (1, 0)
    with f = -k/4 and Hessian diag(2k, c). A small k makes the escape direction flat, so plain
    gradient descent started near the saddle leaves it slowly. ``minimum`` is None because the
    minimiser is not unique: see ``minima`` and ``saddle_point``.
    """

    negative_curvature: float = 1.0
    curvature: float = 1.0
    name = "saddle surface"
    minimum = None
    saddle_point = (0.0, 0.0)
    minima = ((-1.0, 0.0), (1.0, 0.0))

    def value(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, 2)
        x, y = w[..., 0], w[..., 1]
        return self.negative_curvature * (x**4 / 4 - x**2 / 2) + self.curvature * y**2 / 2

    def grad(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, 2)
        x, y = w[..., 0], w[..., 1]
        return np.stack([self.negative_curvature * (x**3 - x), self.curvature * y], axis=-1)


def saddle_surface(negative_curvature: float = 1.0, curvature: float = 1.0) -> SaddleSurface:
    """A double well in x times a parabola in y: a saddle at 0 between two minima at (+-1, 0)."""
    return SaddleSurface(
        real("negative_curvature", negative_curvature, above=0.0),
        real("curvature", curvature, above=0.0),
    )


@dataclass(frozen=True, eq=False)
class SparseLeastSquares:
    """f(w) = (1/2n) ||X w - y||^2 with DISJOINT binary features (at most one active per sample).

    Feature j is active in ``round(p_j n)`` samples, so the Hessian (1/n) X^T X is exactly
    ``diag(frequencies)`` (theory-facts F11). Because the features never overlap, the loss is
    computed in closed form, ``1/2 sum_j p_j (w_j - minimum_j)^2 + residual``, which equals the
    definition exactly in real arithmetic and keeps every row of a batch independent.
    """

    frequencies: np.ndarray
    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    hessian: np.ndarray
    minimum: np.ndarray
    residual: float

    @property
    def name(self) -> str:
        return f"sparse least squares (frequencies {np.array2string(self.frequencies)})"

    def value(self, w, t: int = 1) -> np.ndarray:
        w = _parameters(w, self.minimum.size)
        return 0.5 * np.sum(self.frequencies * (w - self.minimum) ** 2, axis=-1) + self.residual

    def grad(self, w, t: int = 1) -> np.ndarray:
        """(1/n) X^T (X w - y) = p_j (w_j - minimum_j), coordinate by coordinate."""
        w = _parameters(w, self.minimum.size)
        return self.frequencies * (w - self.minimum)


def sparse_least_squares(
    frequencies: ArrayLike,
    n_samples: int = 1000,
    seed: int = 0,
    noise: float = 0.0,
    w_true: ArrayLike | None = None,
) -> SparseLeastSquares:
    """Seeded disjoint binary features with the given frequencies, y = X w_true + noise N(0, 1).

    ``w_true`` defaults to all ones. Realised frequencies: ``round(p_j n_samples) / n_samples``.
    """
    n_samples = integer("n_samples", n_samples, at_least=1)
    seed = integer("seed", seed, at_least=0)
    noise = real("noise", noise, at_least=0.0)
    counts = _feature_counts(frequencies, n_samples)
    w_true = np.ones(counts.size) if w_true is None else np.array(w_true, dtype=np.float64)
    if w_true.shape != counts.shape or not np.all(np.isfinite(w_true)):
        raise ValueError(f"w_true must be finite with shape {counts.shape}, got {w_true!r}")
    rng = np.random.default_rng(seed)
    feature = np.full(n_samples, -1)  # the active feature of each sample, -1 for none
    feature[rng.permutation(n_samples)[: counts.sum()]] = np.repeat(np.arange(counts.size), counts)
    X = (feature[:, None] == np.arange(counts.size)).astype(np.float64)
    errors = noise * rng.standard_normal(n_samples)
    y = X @ w_true + errors
    # Each coordinate's least-squares fit is the mean target of its samples; written as w_true
    # plus the mean error so that it is exactly w_true when noise == 0.
    minimum = w_true + (X.T @ errors) / counts
    residual = float(np.sum((X @ minimum - y) ** 2) / (2 * n_samples))
    arrays = (counts / n_samples, X, y, w_true, X.T @ X / n_samples, minimum)
    return SparseLeastSquares(*(read_only(array) for array in arrays), residual)


def _feature_counts(frequencies, n_samples: int) -> np.ndarray:
    """How many samples activate each feature; each >= 1 and together at most ``n_samples``."""
    p = np.asarray(frequencies)
    if p.dtype == bool or p.dtype.kind not in "iuf":
        raise TypeError(f"frequencies must be real numbers, got {frequencies!r}")
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"frequencies must be a non-empty 1-D sequence, got {frequencies!r}")
    bad = ~((p > 0) & (p <= 1))  # also catches NaN
    if bad.any():
        raise ValueError(f"frequencies must be in (0, 1], got {p[bad][0].item()!r}")
    if p.sum() > 1 + 1e-12:
        total = p.sum().item()
        raise ValueError(f"frequencies must sum to at most 1 (disjoint features), got {total!r}")
    counts = np.rint(p * n_samples).astype(np.int64)
    if counts.min() < 1 or counts.sum() > n_samples:
        raise ValueError(f"n_samples={n_samples} is too small for frequencies {frequencies!r}")
    return counts


SAMPLINGS = ("epochs", "independent")


def minibatch_rows(n: int, batch_size: int | None, seed: int, t: int, sampling: str) -> np.ndarray:
    """The sample rows used at step t (1-based): all n of them when ``batch_size`` is None.

    - ``"epochs"``: epoch e = (t - 1) // (n // batch_size) shuffles the rows with
      ``default_rng([seed, e])`` and cuts the permutation into n // batch_size batches (the
      remainder is skipped in that epoch); every row is used once per epoch.
    - ``"independent"``: step t draws ``batch_size`` rows uniformly WITH replacement with
      ``default_rng([seed, t])``, independently of every other step.
    """
    t = integer("t", t, at_least=1)
    if batch_size is None:
        return np.arange(n)
    if sampling == "epochs":
        epoch, batch = divmod(t - 1, n // batch_size)
        order = np.random.default_rng([seed, epoch]).permutation(n)
        return order[batch * batch_size : (batch + 1) * batch_size]
    return np.random.default_rng([seed, t]).integers(n, size=batch_size)


@dataclass(frozen=True, eq=False)
class LeastSquares:
    """f(w) = (1/2n) ||X w - y||^2; ``grad(w, t)`` is the gradient on the minibatch of step t.

    ``value(w, t)`` is always the loss on all n samples (or ``loss(w)`` if one was given, a
    closed form of the same loss such as ``SparseLeastSquares.value``). ``grad(w, t)`` is
    (1/b) X_b^T (X_b w - y_b) on the b rows ``minibatch_rows(n, batch_size, seed, t, sampling)``
    (all rows, the exact gradient, when ``batch_size`` is None): an unbiased estimate of the
    full gradient. Rows of a batch of w share the minibatch of step t.
    """

    X: np.ndarray
    y: np.ndarray
    batch_size: int | None = None
    seed: int = 0
    sampling: str = "epochs"
    loss: Callable[[np.ndarray], np.ndarray] | None = None
    minimum = None

    @property
    def name(self) -> str:
        batches = "full batch" if self.batch_size is None else f"minibatches of {self.batch_size}"
        return f"least squares (n={self.y.size}, d={self.X.shape[1]}, {batches})"

    def value(self, w, t: int = 1) -> np.ndarray:
        """(1/2n) ||X w - y||^2 on all the samples, one value per row of ``w``."""
        if self.loss is not None:
            return self.loss(w)
        residual = _parameters(w, self.X.shape[1]) @ self.X.T - self.y
        return 0.5 * np.mean(residual**2, axis=-1)

    def grad(self, w, t: int = 1) -> np.ndarray:
        """(1/b) X_b^T (X_b w - y_b) on the rows of step t, shape ``w.shape``."""
        rows = minibatch_rows(self.y.size, self.batch_size, self.seed, t, self.sampling)
        X, y = self.X[rows], self.y[rows]
        residual = _parameters(w, self.X.shape[1]) @ X.T - y
        return residual @ X / rows.size


def least_squares(
    X: ArrayLike,
    y: ArrayLike,
    *,
    batch_size: int | None = None,
    seed: int = 0,
    sampling: str = "epochs",
    loss: Callable[[np.ndarray], np.ndarray] | None = None,
) -> LeastSquares:
    """Least squares on data X (n, d) and targets y (n,), full batch or with minibatches.

    ``batch_size`` (None: full batch) must be in 1..n; ``sampling`` is ``"epochs"`` (shuffled
    epochs, as ``SoftmaxMLP``) or ``"independent"`` (fresh rows with replacement every step);
    see ``minibatch_rows``. ``loss``, if given, is used for ``value`` instead of the direct sum.
    """
    X = real_matrix("X", X)
    y = np.asarray(y)
    if y.dtype == bool or y.dtype.kind not in "iuf":
        raise TypeError(f"y must be a real array, got dtype {y.dtype}")
    if y.shape != X.shape[:1] or not np.all(np.isfinite(y)):
        raise ValueError(f"y must hold {X.shape[0]} finite targets, got shape {y.shape}")
    if batch_size is not None:
        batch_size = integer("batch_size", batch_size, at_least=1)
        if batch_size > X.shape[0]:
            raise ValueError(f"batch_size must be <= n_samples={X.shape[0]}, got {batch_size}")
    seed = integer("seed", seed, at_least=0)
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if loss is not None and not callable(loss):
        raise TypeError(f"loss must be a callable w -> loss or None, got {loss!r}")
    return LeastSquares(
        read_only(X), read_only(y.astype(np.float64)), batch_size, seed, sampling, loss
    )


@dataclass(frozen=True, eq=False)
class LinearLoss:
    """f(w) = sum_i s_i w_i: the gradient is the slope s at every w and every step t.

    Fed to ``run``, it gives an optimizer the constant gradient g_t = s, so V_T and the step
    follow the constant-gradient formulas (e.g. RMSProp's V_T = (1 - beta^T) s^2).
    """

    slope: np.ndarray
    minimum = None
    name = "linear loss"

    def value(self, w, t: int = 1) -> np.ndarray:
        return np.sum(self.slope * _parameters(w, self.slope.size), axis=-1)

    def grad(self, w, t: int = 1) -> np.ndarray:
        return np.broadcast_to(self.slope, _parameters(w, self.slope.size).shape).copy()


def linear_loss(slope: ArrayLike) -> LinearLoss:
    """The linear loss with gradient ``slope`` (d,); parameters w are (d,) or (B, d)."""
    slope = np.asarray(slope)
    if slope.dtype == bool or slope.dtype.kind not in "iuf":
        raise TypeError(f"slope must be a real array, got dtype {slope.dtype}")
    if slope.ndim != 1 or slope.size == 0 or not np.all(np.isfinite(slope)):
        raise ValueError(f"slope must be a finite, non-empty 1-D array, got shape {slope.shape}")
    return LinearLoss(read_only(slope.astype(np.float64)))


def cycle_loss(learning_rate: ArrayLike, curvatures: ArrayLike, eps: float) -> float | np.ndarray:
    """The loss of RMSProp's two-step cycle on f(w) = 1/2 sum_j lambda_j w_j^2 (F10).

    With a constant eta (eps outside the root), coordinate j ends jumping between +a_j and -a_j,
    a_j = eta/2 - eps/lambda_j, so the loss settles at 1/2 sum_j lambda_j a_j^2. The cycle exists
    only where a_j > 0 (eps < lambda_j eta/2); the formula is returned wherever it is asked for.
    ``learning_rate`` may be an array: one loss per entry (a float for a number).
    """
    eta = np.asarray(learning_rate, dtype=np.float64)
    if not np.all(np.isfinite(eta) & (eta > 0)):
        raise ValueError(f"learning_rate must be > 0 and finite, got {learning_rate!r}")
    lambdas = np.asarray(curvatures, dtype=np.float64)
    if lambdas.ndim != 1 or lambdas.size == 0 or not np.all(np.isfinite(lambdas) & (lambdas > 0)):
        raise ValueError(
            f"curvatures must be a non-empty 1-D array of values > 0, got {curvatures!r}"
        )
    eps = real("eps", eps, at_least=0.0)
    if eta.ndim == 0:
        return float(np.sum(lambdas * (float(eta) / 2 - eps / lambdas) ** 2) / 2)
    return np.sum(lambdas * (eta[..., None] / 2 - eps / lambdas) ** 2, axis=-1) / 2


def cycle_amplitude(
    learning_rate: ArrayLike, curvature: ArrayLike, eps: float, *, eps_in_sqrt: bool = False
) -> float | np.ndarray:
    """Half-width a of RMSProp's two-step cycle on f(w) = lambda w^2 / 2 (F10), 0 where none.

    With a constant eta, RMSProp ends jumping between +a and -a, where V_T = (lambda a)^2 and the
    step eta lambda a / (sqrt(V_T) + eps) equals 2a:  a = eta/2 - eps/lambda  while
    eps < lambda eta / 2.  With eps inside the root (step eta lambda a / sqrt(V_T + eps)):
    a = sqrt(eta^2/4 - eps/lambda^2)  while sqrt(eps) < lambda eta / 2.  Where the condition
    fails the iterate converges and the half-width is 0.  ``learning_rate`` and ``curvature``
    (each > 0 and finite) broadcast against each other; a float comes back for two numbers.
    A bad value raises naming its argument (TypeError for a bool or a non-number, ValueError
    for a value out of range or shapes that do not broadcast).
    """
    eta = np.asarray(real_values("learning_rate", learning_rate))
    lam = np.asarray(real_values("curvature", curvature))
    broadcast_together("learning_rate", eta, "curvature", lam)
    eps = real("eps", eps, at_least=0.0)
    eps_in_sqrt = flag("eps_in_sqrt", eps_in_sqrt)
    with np.errstate(all="ignore"):  # eps/lambda, eta^2 beyond the float range: checked below
        if not eps_in_sqrt:
            amplitude = np.maximum(eta / 2 - eps / lam, 0.0)
        else:
            amplitude = np.sqrt(np.maximum(eta**2 / 4 - eps / lam**2, 0.0))
    if not np.all(np.isfinite(amplitude)):
        raise ValueError("learning_rate and curvature give a half-width beyond the float range")
    return float(amplitude) if amplitude.ndim == 0 else amplitude


def recovery_time(
    v_peak: ArrayLike, g: float, fraction: float, beta: ArrayLike
) -> float | np.ndarray:
    """Steps k* after a burst until RMSProp's step is back to ``fraction`` r of eta (F9, eps = 0).

    After the burst the gradient has size g and V_{T0+k} = beta^k V_T0 + (1 - beta^k) g^2, so the
    step eta g / sqrt(V) is back to r eta once V <= g^2 / r^2, after
    k* = ln((V_T0 - g^2) / (g^2 (1/r^2 - 1))) / ln(1/beta)  steps (derived in chapter 4; the
    first whole step is ceil(k*)). 0 when V_T0 <= g^2 / r^2 (the step never fell below r eta).
    ``v_peak`` (V_T0 > 0) and ``beta`` (in (0, 1)) broadcast against each other; g > 0 and
    0 < r < 1 are numbers; a float comes back for numbers. A bad value raises naming its
    argument (TypeError for a bool or a non-number, ValueError for a value out of range or
    shapes that do not broadcast).
    """
    v = np.asarray(real_values("v_peak", v_peak))
    b = np.asarray(real_values("beta", beta, open_unit_interval))
    broadcast_together("v_peak", v, "beta", b)
    g = np.float64(real("g", g, above=0.0))  # NumPy floats: overflow gives inf, checked below
    r = np.float64(real("fraction", fraction, above=0.0))
    if r >= 1:
        raise ValueError(f"fraction must be in (0, 1), got {fraction!r}")
    with np.errstate(all="ignore"):  # g^2, 1/r^2, 1/beta beyond the float range: checked below
        k = np.log((v - g**2) / (g**2 * (1 / r**2 - 1))) / np.log(1 / b)
        slowed = v > g**2 / r**2  # else the step never fell below r eta
    k = np.where(slowed, k, 0.0)
    if not np.all(np.isfinite(k)):
        raise ValueError("v_peak, g, fraction and beta give a k* beyond the float range")
    return float(k) if k.ndim == 0 else k


@dataclass(frozen=True, eq=False)
class OnlineLinear:
    """Reddi, Kale & Kumar (2018): f_t(x) = C x if t mod period == 1, else -x, on [-1, 1].

    Over one period the losses sum to (C - period + 1) x, minimised at x = -1 since
    C > period - 1. ``w`` has one coordinate (shape ``(..., 1)``); ``project`` clips to [-1, 1].
    """

    C: float = 3.0
    period: int = 3

    @property
    def name(self) -> str:
        return f"Reddi et al. online linear (C={self.C:g}, period {self.period})"

    @property
    def minimum(self) -> np.ndarray:
        return np.array([-1.0])

    def slope(self, t: int) -> float:
        """The gradient of f_t: C on the first step of each period, -1 otherwise."""
        t = integer("t", t, at_least=1)
        return self.C if (t - 1) % self.period == 0 else -1.0

    def value(self, w, t: int = 1) -> np.ndarray:
        return self.slope(t) * _parameters(w, 1)[..., 0]

    def grad(self, w, t: int = 1) -> np.ndarray:
        return np.full_like(_parameters(w, 1), self.slope(t))

    def project(self, w) -> np.ndarray:
        return np.clip(_parameters(w, 1), -1.0, 1.0)

    def average_loss(self, x) -> np.ndarray:
        """The loss per step averaged over one period: (C - period + 1) x / period."""
        return (self.C - self.period + 1) * _parameters(x, 1)[..., 0] / self.period


def online_linear(C: float = 3.0, period: int = 3) -> OnlineLinear:
    """Reddi et al.'s sequence on which RMSProp with small beta goes to the worst point, x = +1."""
    period = integer("period", period, at_least=2)
    return OnlineLinear(real("C", C, above=period - 1), period)


def average_regret(trajectory, *, running: bool = False) -> np.ndarray:
    """R_T / T for linear losses on [-1, 1] (``online_linear``, or its slopes given directly).

    The losses f_t(x) = g_t x add up to (sum_t g_t) x, so the best fixed point in hindsight
    pays -|sum_t g_t| and R_T = sum_{t<=T} f_t(x_t) + |sum_{t<=T} g_t|, with f_t(x_t) =
    ``trajectory.loss[t - 1]`` and g_t = ``trajectory.grads[t - 1]`` (record every step).
    ``running=False``: R_T / T at the end, one value per row (shape batch). ``running=True``:
    R_T / T for every T = 1..steps (axis 0), from cumulative sums.
    """
    grads, losses = np.asarray(trajectory.grads), np.asarray(trajectory.loss)
    if grads.ndim < 2 or grads.shape[-1] != 1 or losses.shape[0] != grads.shape[0] + 1:
        raise ValueError(
            "trajectory must record every step of a run with one parameter (params (..., 1)), "
            f"got grads of shape {grads.shape} and loss of shape {losses.shape}"
        )
    if running:
        rounds = np.arange(1, grads.shape[0] + 1).reshape(-1, *(1,) * (grads.ndim - 2))
        best_fixed = -np.abs(np.cumsum(grads[..., 0], axis=0))
        return (np.cumsum(losses[:-1], axis=0) - best_fixed) / rounds
    best_fixed = -np.abs(grads.sum(axis=0)[..., 0])
    return (losses[:-1].sum(axis=0) - best_fixed) / len(grads)


@dataclass(frozen=True, eq=False)
class ShiftingLeastSquares:
    """Noisy least squares whose minimum moves and whose gradients shrink at ``shift_step``.

    One problem per seed, all held at once: ``w`` has shape (n, d) with n a multiple of
    S = ``len(seeds)``, and row i belongs to ``seeds[i % S]``, so one batched ``run`` covers every
    seed and every setting (repeat each setting S times: ``np.repeat(rates, S)``). Step t
    of seed s draws ``batch_size`` fresh samples x ~ N(0, diag(curvatures)) and labels
    y = x . m_p + noise * xi (xi ~ N(0, 1)), where phase p is 1 for t <= ``shift_step`` and 2
    after it, and ``grad`` is the gradient of that minibatch's loss (``minibatch_loss``)

        f_t(w) = c_p / (2 b) * sum_i (x_i . w - y_i)^2,   c_1 = 1,  c_2 = 1 / gradient_drop,

    so at the shift the minimum jumps from m_1 to m_2 and every gradient becomes
    ``gradient_drop`` times smaller. ``value(w, t)`` is the expected excess loss of phase p,
    c_p / 2 * sum_j curvatures_j (w_j - m_p,j)^2 (zero at the minimum, no noise). The minima
    (``minima``, shape (2, S, d)) and the samples come from ``numpy.random.default_rng(seed)``
    and are drawn once, for ``steps`` steps: the run is deterministic for given seeds.
    """

    seeds: tuple[int, ...]
    shift_step: int
    gradient_drop: float
    noise: float
    curvatures: np.ndarray
    minima: np.ndarray
    features: np.ndarray  # (steps, S, b, d)
    labels: np.ndarray  # (steps, S, b)
    minimum = None  # it moves: see ``minima`` and ``phase``

    @property
    def name(self) -> str:
        return (
            f"shifting least squares (d={self.curvatures.size}, gradients /"
            f"{self.gradient_drop:g} after step {self.shift_step})"
        )

    @property
    def steps(self) -> int:
        """The number of steps the drawn samples cover."""
        return self.features.shape[0]

    def phase(self, t: int) -> int:
        """1 for steps t <= ``shift_step``, 2 after."""
        t = integer("t", t, at_least=1)
        return 1 if t <= self.shift_step else 2

    def _factor(self, t: int) -> float:
        return 1.0 if self.phase(t) == 1 else 1.0 / self.gradient_drop

    def _parameters(self, w) -> np.ndarray:
        """``w`` as float64 of shape (n // S, S, d): one row per seed, in the order of ``seeds``."""
        seeds, dim = len(self.seeds), self.curvatures.size
        array = np.asarray(w, dtype=np.float64)
        if array.ndim != 2 or array.shape[0] % seeds or array.shape[1] != dim:
            raise ValueError(
                f"w must have shape (n, {dim}), n a multiple of {seeds}, got {array.shape}"
            )
        return array.reshape(-1, seeds, dim)

    def _sample(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        if not 1 <= integer("t", t, at_least=1) <= self.steps:
            raise ValueError(f"t must be in 1..{self.steps} (the steps drawn), got {t!r}")
        return self.features[t - 1], self.labels[t - 1]

    def value(self, w, t: int = 1) -> np.ndarray:
        """The expected excess loss of step t's phase, one value per row of ``w``."""
        gap = self._parameters(w) - self.minima[self.phase(t) - 1]
        return 0.5 * self._factor(t) * np.sum(self.curvatures * gap * gap, axis=-1).ravel()

    def minibatch_loss(self, w, t: int = 1) -> np.ndarray:
        """f_t(w), the loss on step t's minibatch, one value per row; ``grad`` is its gradient."""
        x, y = self._sample(t)
        residual = np.einsum("sbd,nsd->nsb", x, self._parameters(w)) - y
        return 0.5 * self._factor(t) * np.mean(residual * residual, axis=-1).ravel()

    def grad(self, w, t: int = 1) -> np.ndarray:
        """The gradient of ``minibatch_loss`` at step t, shape (n, d)."""
        x, y = self._sample(t)
        residual = np.einsum("sbd,nsd->nsb", x, self._parameters(w)) - y
        summed = np.einsum("sbd,nsb->nsd", x, residual)
        return (self._factor(t) / x.shape[-2]) * summed.reshape(-1, x.shape[-1])


def shifting_least_squares(
    seeds: Sequence[int],
    dim: int = 10,
    steps: int = 4000,
    shift_step: int = 2000,
    gradient_drop: float = 100.0,
    batch_size: int = 8,
    noise: float = 0.1,
    condition_number: float = 10.0,
) -> ShiftingLeastSquares:
    """A non-stationary problem: at ``shift_step`` the gradients drop and the minimum moves.

    Curvatures are geometric from 1 down to ``1/condition_number``; both minima are drawn
    N(0, I) per seed. See ``ShiftingLeastSquares`` for the losses and the shapes.
    """
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Sequence | range | np.ndarray):
        raise ValueError(f"seeds must be a sequence of integers, got {seeds!r}")
    seeds = tuple(integer("seeds", seed, at_least=0) for seed in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be non-empty and distinct, got {seeds!r}")
    dim = integer("dim", dim, at_least=1)
    steps = integer("steps", steps, at_least=2)
    shift_step = integer("shift_step", shift_step, at_least=1)
    if shift_step >= steps:
        raise ValueError(f"shift_step must be < steps = {steps}, got {shift_step}")
    gradient_drop = real("gradient_drop", gradient_drop, above=0.0)
    batch_size = integer("batch_size", batch_size, at_least=1)
    noise = real("noise", noise, at_least=0.0)
    condition_number = real("condition_number", condition_number, at_least=1.0)
    curvatures = np.geomspace(1.0, 1.0 / condition_number, dim)
    minima, features, labels = [], [], []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        pair = rng.standard_normal((2, dim))
        x = rng.standard_normal((steps, batch_size, dim)) * np.sqrt(curvatures)
        phase = (np.arange(1, steps + 1) > shift_step).astype(int)
        clean = np.sum(x * pair[phase][:, None, :], axis=-1)
        minima.append(pair)
        features.append(x)
        labels.append(clean + noise * rng.standard_normal((steps, batch_size)))
    return ShiftingLeastSquares(
        seeds,
        shift_step,
        gradient_drop,
        noise,
        read_only(curvatures),
        read_only(np.stack(minima, axis=1)),
        read_only(np.stack(features, axis=1)),
        read_only(np.stack(labels, axis=1)),
    )
