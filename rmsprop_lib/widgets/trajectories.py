"""The trajectory explorer: paths of five optimizers on the contours of a 2-D objective."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

import ipywidgets
import numpy as np
from matplotlib.contour import QuadContourSet

from rmsprop_lib import objectives, plotting
from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.adam import adam
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.optimizers.sgd import sgd
from rmsprop_lib.plotting import LABELS, color_for
from rmsprop_lib.runner import run
from rmsprop_lib.widgets.experiment import (
    BETA_CHOICES,
    Experiment,
    Values,
    beta_slider,
    choice,
    index_of,
    int_slider,
    log_slider,
    side_by_side,
    slider,
    slider_positions,
    store,
)
from rmsprop_lib.widgets.figures import (
    StaticLayer,
    corner_notes,
    decorations,
    detached_figure,
    level_curves,
    optimizer_lines,
    set_notes,
    set_quadratic_levels,
)

PATH_OPTIMIZERS = ("gd", "momentum", "adagrad", "rmsprop", "adam")
PATH_STEPS = 200
START_STEP = 0.05  # the start sliders' spacing; each view's own start is a position too
#: objective key -> (label, x limits, y limits, default start)
VIEWS = {
    "quadratic": ("elongated quadratic", (-5.0, 5.0), (-3.0, 3.0), (-4.5, 1.8)),
    "rosenbrock": ("Rosenbrock", (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.5)),
    "saddle": ("saddle surface", (-2.0, 2.0), (-1.5, 1.5), (0.02, 1.3)),
}
OBJECTIVE_CHOICES = {label: key for key, (label, *_) in VIEWS.items()}
_RUN_INPUTS = ("learning_rate", "beta", "eps", "start_x", "start_y", "condition_number", "rotation")


class PathsPicture:
    """Contours of a 2-D objective with one path per optimizer, every artist updated in place.

    The contours of each objective are computed once, the first time it is shown, and then only
    hidden or shown (they live in the static bitmap); a quadratic's level sets are ellipses,
    recomputed in closed form and drawn with the paths.
    """

    def __init__(self, names: Sequence[str], width: float = 7.4, height: float = 4.4) -> None:
        self.figure, (self.ax,) = detached_figure(width=width, height=height)
        self.names = tuple(names)
        self.paths = optimizer_lines(self.ax, names, marker=".", ms=3, lw=1.3)
        self.crosses = optimizer_lines(self.ax, names, marker="X", ms=9, ls="none", label="_")
        (self.start,) = self.ax.plot([], [], "o", color="black", mfc="white", ms=7, zorder=5)
        self.notes = corner_notes(self.ax, len(names))
        self.ellipses = level_curves(self.ax)
        self.contours: dict[str, QuadContourSet] = {}
        place = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
        self.legend = self.ax.legend(handles=list(self.paths.values()), **place)
        self.ax.set(xlabel="w₁", ylabel="w₂")
        self.static = StaticLayer(self.figure)
        self.static.add(*decorations(self.ax), self.legend)
        self._objective_shown: tuple = ()
        self._paths_shown: tuple = ()

    def show_objective(
        self, name: str, objective, xlim: tuple[float, float], ylim: tuple[float, float]
    ) -> None:
        """The contours of `objective` (cached under `name`) on the view `xlim` x `ylim`."""
        hessian = getattr(objective, "hessian", None)
        shown = (name, None if hessian is None else tuple(np.ravel(hessian)), xlim, ylim)
        if shown == self._objective_shown:
            return
        self._objective_shown = shown
        if hessian is None and name not in self.contours:
            self.contours[name] = plotting.contour(self.ax, objective, xlim, ylim)
            self.contours[name].set_zorder(1)  # beneath the paths, as in the bitmap
            self.static.add(self.contours[name])
        for key, contours in self.contours.items():
            contours.set_visible(hessian is None and key == name)
        for line in self.ellipses:
            line.set_visible(hessian is not None)
        if hessian is not None:
            set_quadratic_levels(self.ellipses, hessian, xlim, ylim)
        self.ax.set(xlim=xlim, ylim=ylim, xlabel="w₁", ylabel="w₂")  # contour() uses mathtext

    def show_paths(
        self, params: np.ndarray, diverged_at: np.ndarray, shown: Sequence[bool]
    ) -> list[str]:
        """Draw `params` (steps + 1, len(names), 2), NaN after divergence; `diverged_at[i]` is the
        step at which path i diverged (-1, or beyond the last step: it did not). Returns the
        notes "<name> diverged at step k" written on the plot."""
        steps, notes = params.shape[0] - 1, []
        for row, (name, on) in enumerate(zip(self.names, shown, strict=True)):
            self.paths[name].set_data(params[:, row, 0], params[:, row, 1])
            self.paths[name].set_visible(on)
            k = int(diverged_at[row])
            self.crosses[name].set_visible(on and 0 < k <= steps)
            if on and 0 < k <= steps:
                self.crosses[name].set_data(params[k - 1 : k, row, 0], params[k - 1 : k, row, 1])
                notes.append((f"{LABELS.get(name, name)} diverged at step {k}", color_for(name)))
        set_notes(self.notes, notes)
        if tuple(shown) != self._paths_shown:  # grey out the legend entries of hidden paths
            self._paths_shown = tuple(shown)
            for handle, text, on in zip(
                self.legend.legend_handles, self.legend.get_texts(), shown, strict=True
            ):
                handle.set_alpha(1.0 if on else 0.25)
                text.set_alpha(1.0 if on else 0.35)
            self.static.set_key(self._paths_shown)  # matplotlib does not flag an alpha change
        return [text for text, _ in notes]


class _QuadraticRows:
    """f(w) = 1/2 w^T A_i w with the Hessian A_i of batch row i (the arithmetic of the library's
    elongated quadratic), so that one batch can span condition numbers or rotations."""

    def __init__(self, hessians: np.ndarray) -> None:
        self.a, self.b, self.c = hessians[:, 0, 0], hessians[:, 0, 1], hessians[:, 1, 1]

    def grad(self, w: np.ndarray, t: int = 1) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        return np.stack([self.a * x + self.b * y, self.b * x + self.c * y], axis=-1)

    def value(self, w: np.ndarray, t: int = 1) -> np.ndarray:
        x, y = w[..., 0], w[..., 1]
        return 0.5 * (self.a * x * x + self.c * y * y) + self.b * x * y


def make_objective(
    key: str, condition_number: float = 10.0, rotation_degrees: float = 0.0
) -> objectives.ElongatedQuadratic | objectives.Rosenbrock | objectives.SaddleSurface:
    """The objective of ``VIEWS`` key ``key``; only the quadratic has a shape to set."""
    if key == "rosenbrock":
        return objectives.rosenbrock()
    if key == "saddle":
        return objectives.saddle_surface()
    return objectives.elongated_quadratic(condition_number, math.radians(rotation_degrees))


def _path_optimizers(learning_rate, beta, eps) -> list[Optimizer]:
    """GD, Momentum, AdaGrad, RMSProp, Adam. β is RMSProp's and Adam's β2; momentum is 0.9."""
    return [
        sgd(learning_rate),
        sgd(learning_rate, momentum=0.9),
        adagrad(learning_rate, eps),
        rmsprop(learning_rate, beta, eps),
        adam(learning_rate, 0.9, beta, eps),
    ]


class _Paths(NamedTuple):
    """What the trajectory explorer keeps of a batched run (its other records are not drawn)."""

    params: np.ndarray
    loss: np.ndarray
    diverged_at: np.ndarray


def _paths_batch(key: str, values: Values, vary: str, positions: np.ndarray) -> _Paths:
    """The five optimizers at every value of input ``vary`` in ``positions`` (the other inputs
    fixed), PATH_STEPS steps, ONE run; row i + j n is optimizer j at position i (n positions)."""
    n, copies = positions.size, len(PATH_OPTIMIZERS)
    inputs = {name: values[name] for name in _RUN_INPUTS} | {vary: positions[:, None]}
    start = np.hstack([np.broadcast_to(inputs[f"start_{axis}"], (n, 1)) for axis in "xy"])
    problem = make_objective(key, values["condition_number"], values["rotation"])
    if key == "quadratic" and vary in ("condition_number", "rotation"):
        pairs = np.broadcast(inputs["condition_number"], inputs["rotation"])
        hessians = np.stack([make_objective(key, kappa, angle).hessian for kappa, angle in pairs])
        problem = _QuadraticRows(np.tile(hessians, (copies, 1, 1)))
    optimizer = side_by_side(
        _path_optimizers(inputs["learning_rate"], inputs["beta"], inputs["eps"]), [n] * copies
    )
    record = run(optimizer, problem, np.tile(start, (copies, 1)), PATH_STEPS)
    return _Paths(record.params, record.loss, record.diverged_at)


def _find_paths(
    cache: dict, controls: dict, values: Values, changed: str | None
) -> tuple[_Paths, np.ndarray]:
    """A cached batch holding the inputs ``values`` (else a new one across the whole range of the
    slider that moved) and the rows of the five optimizers in it."""
    key = values["objective"]
    relevant = _RUN_INPUTS if key == "quadratic" else _RUN_INPUTS[:5]

    def fixed(vary: str) -> tuple:
        return (key, vary, *(values[name] for name in relevant if name != vary))

    for vary in sorted(relevant, key=lambda name: name != changed):
        positions, record = cache.get(fixed(vary), (np.empty(0), None))
        index = index_of(positions, values[vary])
        if index is not None:
            return record, index + positions.size * np.arange(len(PATH_OPTIMIZERS))
    vary = changed if changed in relevant else "learning_rate"
    positions, index = slider_positions(controls[vary])
    record = _paths_batch(key, values, vary, positions)
    store(cache, fixed(vary), (positions, record), limit=8)  # up to ~3 MB each
    return record, index + positions.size * np.arange(len(PATH_OPTIMIZERS))


def trajectory_explorer(
    *,
    objective: str = "quadratic",
    learning_rate: float = 0.1,
    beta: float = 0.9,
    eps: float = 1e-8,
    steps: int = 100,
    start: tuple[float, float] | None = None,
    condition_number: float = 10.0,
    rotation: float = 0.0,
    show: Sequence[str] = PATH_OPTIMIZERS,
) -> Experiment:
    """Contours of a 2-D objective with the paths of GD, Momentum, AdaGrad, RMSProp and Adam.

    All five start at ``start`` (default: the objective's own, see ``VIEWS``) with the same
    learning rate η; ``beta`` (one of ``BETA_CHOICES``) is RMSProp's decay of V_T and Adam's β2;
    momentum and Adam's β1 are 0.9; ``rotation`` is in degrees. A diverging path stops where it
    diverged, marked with a cross and "diverged at step k". Another objective brings its own
    view and start. ``animate()`` unfolds the paths step by step.
    """
    objective_control = choice(objective, OBJECTIVE_CHOICES, "objective")
    _, xlim, ylim, default_start = VIEWS[objective]
    x0, y0 = default_start if start is None else start
    controls = {
        "objective": objective_control,
        "condition_number": log_slider(condition_number, 1, 1e3, "condition number"),
        "rotation": slider(rotation, 0.0, 90.0, 5.0, "rotation of the valley in degrees"),
        "learning_rate": log_slider(learning_rate, 1e-4, 10.0, "learning rate η"),
        "beta": beta_slider(beta, BETA_CHOICES, "β, decay of V_T (RMSProp; Adam's β2)"),
        "eps": log_slider(eps, 1e-10, 1.0, "ε (AdaGrad, RMSProp, Adam)", mantissas=(1.0,)),
        "steps": int_slider(steps, 1, PATH_STEPS, "steps"),
        "start_x": slider(x0, *xlim, START_STEP, "start w1"),
        "start_y": slider(y0, *ylim, START_STEP, "start w2"),
    }
    for name in PATH_OPTIMIZERS:
        box = ipywidgets.Checkbox(name in show, description=f"show {LABELS[name]}", indent=False)
        controls[f"show_{name}"] = box
    picture = PathsPicture(PATH_OPTIMIZERS)
    fit_view = partial(_fit_view, controls)
    controls["condition_number"].disabled = controls["rotation"].disabled = objective != "quadratic"
    return Experiment(
        "Trajectory explorer",
        controls,
        picture.figure,
        partial(_draw_paths, picture, {}, controls),
        reactions={"objective": fit_view},
        sweep=lambda values: ("steps", _unfolding(values["steps"])),
        previews=_other_views,
    )


def _other_views(values: Values) -> list[tuple[Values, str]]:
    """The other objectives, each from its own start (what picking it in the dropdown shows)."""
    views = []
    for key, (_, _, _, (x, y)) in VIEWS.items():
        if key != values["objective"]:
            views.append((values | {"objective": key, "start_x": x, "start_y": y}, "objective"))
    return views


def _fit_view(controls: dict, key: str) -> None:
    """Another objective brings its own view and start (each start slider's positions and value
    change in one message to the browser); only the quadratic has a shape."""
    _, xlim, ylim, start = VIEWS[key]
    for axis, limits, value in zip(("start_x", "start_y"), (xlim, ylim), start, strict=True):
        fresh = slider(value, *limits, START_STEP, controls[axis].description)
        with controls[axis].hold_sync():
            controls[axis].options, controls[axis].value = fresh.options, value
        fresh.close()
    controls["condition_number"].disabled = controls["rotation"].disabled = key != "quadratic"


def _draw_paths(
    picture: PathsPicture, runs: dict, controls: dict, values: Values, changed: str | None
) -> str:
    """The trajectory explorer's redraw: contours, paths, divergence notes, title; alt text."""
    key, steps = values["objective"], values["steps"]
    problem = make_objective(key, values["condition_number"], values["rotation"])
    picture.show_objective(key, problem, *VIEWS[key][1:3])
    record, rows = _find_paths(runs, controls, values, changed)
    shown = [values[f"show_{name}"] for name in PATH_OPTIMIZERS]
    diverged = picture.show_paths(record.params[: steps + 1, rows], record.diverged_at[rows], shown)
    picture.start.set_data([values["start_x"]], [values["start_y"]])
    title = _race_title(record.loss[steps, rows], shown, steps)
    picture.ax.set_title(title, y=1.0)  # a fixed y spares matplotlib a costly title search
    names = [LABELS[n] for n, on in zip(PATH_OPTIMIZERS, shown, strict=True) if on]
    start = f"({values['start_x']:.2f}, {values['start_y']:.2f})"
    return (
        f"Contour plot of the {VIEWS[key][0]} with the paths of "
        f"{', '.join(names) or 'no optimizer'} from {start} over {steps} steps at learning "
        f"rate {values['learning_rate']:.2g} and β = {values['beta']}. {title}. "
        + "".join(f"{note}. " for note in diverged)
    ).strip()


def _race_title(final_loss: np.ndarray, shown: Sequence[bool], steps: int) -> str:
    """The finding: which optimizer shown ends lowest, or that they all diverged."""
    entries = zip(final_loss, PATH_OPTIMIZERS, shown, strict=True)
    entries = [(float(loss), LABELS[name]) for loss, name, on in entries if on]
    finite = [(loss, label) for loss, label in entries if np.isfinite(loss)]
    if not entries:
        return "Switch an optimizer on to draw its path"
    if not finite:
        return "Every optimizer shown diverges: lower the learning rate"
    loss, label = min(finite)
    return f"After {steps} steps {label} has the lowest loss ({loss:.2g})"


def _unfolding(steps: int, frames: int = 16) -> list[int]:
    """About ``frames`` step counts from 1 to ``steps``, for the paths unfolding."""
    return sorted({int(k) for k in np.linspace(1, steps, min(frames, steps))})
