"""Run an optimizer on an objective, one configuration or a whole batch of them at once.

``run(optimizer, objective, w0, steps)`` starts from ``w0`` of shape (d,) or (B, d) and records
the trajectory. Each step t = 1..steps takes ``g_t = objective.grad(w_{t-1}, t)``, then
``w_t = optimizer.step(w_{t-1}, g_t, state)``, then ``objective.project(w_t)`` if the objective
has one (or ``run``'s ``project`` argument). ``loss[i]`` is ``objective.value(params[i], i + 1)``:
the loss of the parameters held when step i + 1 is taken (so for an online problem,
``loss[:-1].sum(0)`` is the online loss).

Divergence is an outcome, not an error: a row diverges at the first step t (0 for w0 itself) at
which its loss is not finite, any parameter is not finite or exceeds ``DIVERGENCE_BOUND`` in
absolute value, or the gradient g_t taken at its parameters is not finite. From then on the row
is frozen: every record of step >= t (params, loss, grads, v and effective_learning_rate) holds
NaN, ``diverged`` is True and ``diverged_at`` is t. The other rows continue unchanged and no
floating-point warning is emitted. (``optimizer.step`` itself refuses a non-finite gradient with
a ValueError: ``run`` hands it a zero gradient in the rows already labelled diverged.)
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib import checks
from rmsprop_lib.gradients import given_gradients
from rmsprop_lib.objectives import Objective
from rmsprop_lib.optimizers.common import Optimizer

DIVERGENCE_BOUND = 1e12


@dataclass(frozen=True, eq=False)
class Trajectory:
    """What ``run`` recorded; ``batch`` is ``w0.shape[:-1]`` (empty for a single run).

    - ``recorded_steps`` (R,): the step index of each record, 0, k, 2k, ..., steps
      (k = ``record_every``; the last step is always recorded).
    - ``params`` (R, *w0.shape) and ``loss`` (R, *batch): w and f(w) after those steps.
    - ``grads`` (R-1, *w0.shape): g_t, the gradient used in step t, for t in recorded_steps[1:].
    - ``v`` (R-1, *w0.shape): the optimizer state's accumulator V_T after step t, or None if the
      state has no field ``v`` (SGD, momentum).
    - ``effective_learning_rate`` (R-1, *w0.shape): ``optimizer.effective_learning_rate(state)``
      after step t: eta_t / d_t for AdaGrad and RMSProp (the factor that turned the gradient into
      the step before momentum and decoupled weight decay), eta_t for SGD, the factor of m_t for
      Adam; each factory's docstring gives the exact definition.
    - ``diverged`` (*batch, bool) and ``diverged_at`` (*batch, int; -1 if not diverged).
    """

    recorded_steps: np.ndarray
    params: np.ndarray
    loss: np.ndarray
    grads: np.ndarray
    v: np.ndarray | None
    effective_learning_rate: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray

    @property
    def final_loss(self) -> np.ndarray:
        """The loss after the last step (NaN for diverged rows), shape batch."""
        return self.loss[-1]

    @property
    def final_params(self) -> np.ndarray:
        """The parameters after the last step (NaN for diverged rows), shape w0.shape."""
        return self.params[-1]

    @property
    def step_sizes(self) -> np.ndarray:
        """|w_t - w_{t-1}| per coordinate for t = 1..T, shape (T, *w0.shape); needs every step."""
        if len(self.recorded_steps) != self.recorded_steps[-1] + 1:
            raise ValueError("step_sizes needs a run recorded at every step (record_every=1)")
        return np.abs(np.diff(self.params, axis=0))

    def steps_to_tolerance(self, tol: float) -> np.ndarray:
        """The first recorded step at which loss <= tol, or -1 if never; shape batch."""
        checks.real("tol", tol)
        first = np.asarray(first_step(self.loss <= tol))
        return np.where(first >= 0, self.recorded_steps[first], -1)


def first_step(condition: ArrayLike, *, axis: int = 0, stays: bool = False) -> int | np.ndarray:
    """The first index along ``axis`` at which ``condition`` holds, or -1 if it never does.

    With ``stays=True``: the first index from which ``condition`` holds at every later index
    (to the end of the axis); 0 if it holds throughout, -1 if it fails at the last index.

    The result is an INDEX into ``condition``. It is the step number t exactly when entry i of
    the array belongs to step t = i: ``trajectory.params`` or ``trajectory.loss`` recorded every
    step (entry 0 is w0, before step 1), or a distance with d_0 = 0 prepended. For per-step
    records that start at step 1 (``trajectory.grads``, ``trajectory.v``: entry i is step
    i + 1, e.g. V_{i+1}) the step number is the result + 1. -1 means "never", whatever the axis;
    test ``result >= 0`` before doing arithmetic with it.

    Returns a Python int for 1-D input, else an int array with ``axis`` removed.
    """
    array = np.asarray(condition)
    if array.dtype != bool:
        raise TypeError(f"condition must be a boolean array, got dtype {array.dtype}")
    axis = checks.integer("axis", axis, at_least=-array.ndim)
    if not axis < array.ndim or array.shape[axis] == 0:
        raise ValueError(
            f"axis must be in -{array.ndim}..{array.ndim - 1} and condition non-empty along it, "
            f"got axis {axis} for shape {array.shape}"
        )
    checks.flag("stays", stays)
    if stays:  # holds from index i to the end: a logical AND accumulated from the end
        backwards = np.flip(array, axis=axis)
        array = np.flip(np.logical_and.accumulate(backwards, axis=axis), axis=axis)
    first = np.where(array.any(axis=axis), np.argmax(array, axis=axis), -1)
    return int(first) if first.ndim == 0 else first


def run(
    optimizer: Optimizer,
    objective: Objective,
    w0: ArrayLike,
    steps: int,
    *,
    record_every: int = 1,
    project: Callable[[np.ndarray], np.ndarray] | None = None,
    loss_every_step: bool = True,
) -> Trajectory:
    """Take ``steps`` steps of ``optimizer`` on ``objective`` from ``w0``, (d,) or (B, d).

    Batched runs are one array computation per step: give the optimizer array hyperparameters
    that broadcast against (B, d), e.g. ``learning_rate=lrs[:, None]``.

    - ``project``: a map w -> w applied after every step, for an objective without its own
      ``project`` (e.g. ``given_gradients`` kept on Reddi's [-1, 1]); giving one for an objective
      that has ``project`` is a ValueError.
    - ``loss_every_step=False``: ``objective.value`` is called only for w0 and the recorded
      steps, so an expensive loss (a network on all its data) costs nothing between records. The
      records are the same; between records a row can then diverge only through its params or
      its gradient (a non-finite loss is noticed at the next record).
    """
    steps = checks.integer("steps", steps, at_least=1)
    record_every = checks.integer("record_every", record_every, at_least=1)
    loss_every_step = checks.flag("loss_every_step", loss_every_step)
    own_project = getattr(objective, "project", None)
    if project is not None and not callable(project):
        raise TypeError(f"project must be a callable w -> w or None, got {project!r}")
    if project is not None and own_project is not None:
        raise ValueError("project must be None for an objective that has its own project")
    project = own_project if project is None else project
    w = _initial_params(w0)
    recorded_steps = np.arange(0, steps + record_every, record_every)
    recorded_steps[-1] = steps  # always record the last step
    state = optimizer.init(w)
    records = _Records(recorded_steps, w.shape, has_v=hasattr(state, "v"))
    alive = np.ones(w.shape[:-1], dtype=bool)
    diverged_at = np.full(w.shape[:-1], -1)
    recorded = set(recorded_steps.tolist())
    with np.errstate(all="ignore"):  # overflow in diverging rows is expected and flagged
        loss = objective.value(w, 1)
        _mark_divergence(0, w, loss, alive, diverged_at)
        records.save_params(0, w, loss)
        for t in range(1, steps + 1):
            gradient = objective.grad(w, t)
            _mark_bad_gradients(t, gradient, alive, diverged_at)
            finite_gradient = gradient if alive.all() else np.where(alive[..., None], gradient, 0.0)
            new_w, state = optimizer.step(w, finite_gradient, state)
            if project is not None:
                new_w = project(new_w)
            if loss_every_step or t in recorded:
                loss = objective.value(new_w, t + 1)
            else:
                loss = np.zeros(new_w.shape[:-1])  # not computed: only params can diverge here
            _mark_divergence(t, new_w, loss, alive, diverged_at)
            # Diverged rows keep their last finite params in the working copy (not the records).
            w = new_w if alive.all() else np.where(alive[..., None], new_w, w)
            records.save_step(t, new_w, loss, gradient, state, optimizer)
    return records.finish(diverged_at)


def feed(optimizer: Optimizer, gradients: ArrayLike) -> Trajectory:
    """Feed ``optimizer`` the given gradients g_1, ..., g_T (shape (T, d) or (T, B, d)) from w = 0.

    The gradients do not depend on w, so the run shows the optimizer's own arithmetic: V_T,
    the effective learning rate and the steps (``run`` on ``given_gradients(gradients)`` for
    T steps). Gradients that are not finite real numbers, or not of shape (T, d) or (T, B, d)
    with T, B, d >= 1, are refused with an error naming ``gradients``.
    """
    objective = given_gradients(gradients)
    shape = objective.gradients.shape
    if len(shape) not in (2, 3) or 0 in shape:
        raise ValueError(
            f"gradients must have shape (T, d) or (T, B, d) with T, B, d >= 1, got {shape}"
        )
    return run(optimizer, objective, np.zeros(shape[1:]), shape[0])


def _initial_params(w0) -> np.ndarray:
    """``w0`` as a new float64 array after checking it is real, finite and (d,) or (B, d)."""
    array = np.asarray(w0)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(f"w0 must be a real array, got dtype {array.dtype}")
    if array.ndim not in (1, 2) or array.size == 0:
        raise ValueError(f"w0 must have shape (d,) or (B, d) with d, B >= 1, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"w0 must be finite, got {array[~np.isfinite(array)][0].item()!r}")
    return array.astype(np.float64)


def _mark_divergence(t: int, w, loss, alive: np.ndarray, diverged_at: np.ndarray) -> None:
    """Flag (in place) rows still alive whose loss or params left the finite, bounded range."""
    if np.max(np.abs(w)) <= DIVERGENCE_BOUND and np.isfinite(loss).all():
        return  # the common case, checked with whole-array reductions (NaN fails the test)
    healthy = np.isfinite(loss) & np.all(np.abs(w) <= DIVERGENCE_BOUND, axis=-1)
    newly_diverged = alive & ~healthy
    if newly_diverged.any():
        diverged_at[newly_diverged] = t
        alive &= healthy


def _mark_bad_gradients(t: int, gradient, alive: np.ndarray, diverged_at: np.ndarray) -> None:
    """Flag (in place) rows still alive whose gradient g_t is not finite (overflow, NaN)."""
    if np.isfinite(np.add.reduce(gradient, axis=None)):
        return  # the common case, one reduction (a NaN or an infinity makes the sum non-finite)
    newly_diverged = alive & ~np.all(np.isfinite(gradient), axis=-1)
    if newly_diverged.any():
        diverged_at[newly_diverged] = t
        alive &= ~newly_diverged


class _Records:
    """Preallocated record arrays, filled at the recorded steps and NaN-masked at the end."""

    def __init__(self, recorded_steps: np.ndarray, shape: tuple[int, ...], has_v: bool):
        self.recorded_steps = recorded_steps
        self.row_of_step = {int(step): row for row, step in enumerate(recorded_steps)}
        count = recorded_steps.size
        self.params = np.empty((count, *shape))
        self.loss = np.empty((count, *shape[:-1]))
        self.grads = np.empty((count - 1, *shape))
        self.v = np.empty((count - 1, *shape)) if has_v else None
        self.effective_learning_rate = np.empty((count - 1, *shape))

    def save_params(self, row: int, w, loss) -> None:
        self.params[row] = w
        self.loss[row] = loss

    def save_step(self, t: int, w, loss, gradient, state, optimizer) -> None:
        row = self.row_of_step.get(t)
        if row is None:
            return
        self.save_params(row, w, loss)
        self.grads[row - 1] = gradient
        if self.v is not None:
            self.v[row - 1] = state.v
        self.effective_learning_rate[row - 1] = optimizer.effective_learning_rate(state)

    def finish(self, diverged_at: np.ndarray) -> Trajectory:
        diverged = np.array(diverged_at >= 0)  # a 0-d array (not a scalar) for a single run
        # dead[r, b]: row b had diverged at or before recorded step r.
        dead = diverged & (self.recorded_steps.reshape(-1, *(1,) * diverged.ndim) >= diverged_at)
        self.params[dead] = np.nan
        self.loss[dead] = np.nan
        for per_step in (self.grads, self.v, self.effective_learning_rate):
            if per_step is not None:
                per_step[dead[1:]] = np.nan
        arrays = (self.recorded_steps, self.params, self.loss, self.grads, self.v)
        arrays += (self.effective_learning_rate, diverged, diverged_at)
        for array in arrays:
            if array is not None:
                array.flags.writeable = False
        return Trajectory(*arrays)
