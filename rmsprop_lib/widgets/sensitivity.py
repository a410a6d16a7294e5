"""The sensitivity heatmap: final loss (or steps to a tolerance) over a learning-rate × β grid,
AdaGrad beside RMSProp, from one batched run."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.plotting import DIVERGED_GREY
from rmsprop_lib.runner import Trajectory, run
from rmsprop_lib.widgets import figures
from rmsprop_lib.widgets.experiment import (
    Experiment,
    Values,
    choice,
    int_slider,
    log_slider,
    remember,
    side_by_side,
)
from rmsprop_lib.widgets.figures import (
    StaticLayer,
    corner_notes,
    decorations,
    detached_figure,
    set_notes,
)
from rmsprop_lib.widgets.trajectories import OBJECTIVE_CHOICES, VIEWS, make_objective


def heatmap(
    ax: Axes, shape: tuple[int, int], extent: Sequence[float], norm: Normalize | None = None
) -> QuadMesh:
    """A `shape` grid of cells covering `extent` (left, right, bottom, top), all NaN, to be filled
    with `set_array` (viridis, colour-blind safe; a mesh of cells draws ten times faster than an
    image that must be resampled).

    NaN cells show grey (a diverged run) and values above the colour range white (a run that never
    reached its target). Meshes that share `norm` share one colour scale.
    """
    colours = plt.get_cmap("viridis").with_extremes(bad=DIVERGED_GREY, over="#ffffff")
    x = np.linspace(extent[0], extent[1], shape[1] + 1)
    y = np.linspace(extent[2], extent[3], shape[0] + 1)
    return ax.pcolormesh(x, y, np.full(shape, np.nan), cmap=colours, norm=norm)


class HeatmapPair:
    """AdaGrad (one row: it has no β) beside RMSProp (learning rate × β) on one colour scale.

    `x` and `y` are the evenly spaced cell centres, log10(η) and -log10(1 - β), with powers of ten
    at both ends. A star marks RMSProp's best cell; AdaGrad's panel has no β axis, and an outline
    marks its best column (its best η). A note in each panel counts the diverged runs.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, width: float = 4.3, height: float = 3.9):
        self.figure, self.axes = detached_figure(ncols=2, width=width, height=height)
        self.x, self.y = x, y
        dx, dy = x[1] - x[0], y[1] - y[0]
        extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
        self.norm = Normalize(0.0, 1.0)
        self.images = [
            heatmap(self.axes[0], (1, x.size), extent, self.norm),
            heatmap(self.axes[1], (y.size, x.size), extent, self.norm),
        ]
        self.colorbar = self.figure.colorbar(self.images[1], ax=self.axes)
        self.column = Rectangle(
            (extent[0], extent[2]), dx, extent[3] - extent[2], fill=False, ec="white", lw=2.5
        )
        self.axes[0].add_patch(self.column)
        self.stars = [
            self.column,
            self.axes[1].plot([], [], "*", color="white", mec="black", ms=13)[0],
        ]
        self.notes = [corner_notes(ax, 1, corner="lower left")[0] for ax in self.axes]
        decades_x, decades_y = range(round(x[0]), round(x[-1]) + 1, 2), range(round(y[-1]) + 1)
        for ax, title in zip(self.axes, ("AdaGrad (no β: one run per η)", "RMSProp"), strict=True):
            ax.set_title(title, y=1.0)  # a fixed y spares matplotlib a costly title search
            ax.set(xlabel="learning rate η")
            ax.set_xticks(list(decades_x), [f"{10.0**k:g}" for k in decades_x])
        self.axes[0].set_yticks([])
        self.axes[1].set(ylabel="β")
        self.axes[1].set_yticks(list(decades_y), [f"{1 - 10.0**-k:g}" for k in decades_y])
        self.static = StaticLayer(self.figure)
        self.static.add(*decorations(*self.axes, self.colorbar.ax))

    def show(self, panel: int, grid: np.ndarray, best: tuple[int, int] | None, note: str) -> None:
        """Fill panel 0 (AdaGrad, one row) or 1 (RMSProp) with `grid`; mark the `best` cell (for
        AdaGrad, its column)."""
        self.images[panel].set_array(grid)
        self.stars[panel].set_visible(best is not None)
        if best is not None and panel == 0:
            self.column.set_x(self.x[best[1]] - (self.x[1] - self.x[0]) / 2)
        elif best is not None:
            self.stars[panel].set_data([self.x[best[1]]], [self.y[best[0]]])
        set_notes([self.notes[panel]], [(note, "black")] if note else [])

    def set_colour_scale(
        self, low: float, high: float, ticks: Sequence[float], labels: Sequence[str], title: str
    ) -> None:
        """The colour scale of both panels and its colour bar, labelled `labels` at `ticks` and
        titled `title`; touched only when it changes (it is slow to redraw)."""
        if (low, high, title) == (self.norm.vmin, self.norm.vmax, self.colorbar.ax.get_ylabel()):
            return
        self.images[1].set_clim(low, high)
        self.colorbar.set_ticks(list(ticks), labels=list(labels))
        self.colorbar.set_label(title)
        self.static.set_key((low, high, title))


LEARNING_RATES = np.geomspace(1e-3, 10.0, 21)
BETAS = 1.0 - np.geomspace(1.0, 1e-3, 16)  # 0 to 0.999, evenly spaced in log(1 - β)
HEATMAP_STEPS = 200
_NOT_REACHED = math.log10(HEATMAP_STEPS) + 1.0
METRICS = {"loss above the minimum": "loss", "steps to reach the tolerance": "steps"}
_COLOUR_LABELS = {
    "loss": "loss above its minimum after T steps",
    "steps": "steps to reach the tolerance (white: not within T)",
}


def _grid_run(key: str, eps: float) -> Trajectory:
    """RMSProp at every (η, β) of the grid and AdaGrad at every η: ONE batched run."""
    rates, betas = np.meshgrid(LEARNING_RATES, BETAS)  # shape (len(BETAS), len(LEARNING_RATES))
    grid = rmsprop(rates.reshape(-1, 1), betas.reshape(-1, 1), eps)
    sizes = [rates.size, LEARNING_RATES.size]
    together = side_by_side([grid, adagrad(LEARNING_RATES[:, None], eps)], sizes)
    return run(
        together, make_objective(key), np.tile(VIEWS[key][3], (sum(sizes), 1)), HEATMAP_STEPS
    )


def _scores(record: Trajectory, floor: float, values: Values) -> tuple[np.ndarray, np.ndarray]:
    """Per run, a log10 the colours show: of (loss - floor) after T = values["steps"] steps
    (at most 10x the initial gap), or of the first step at which it is within
    values["tolerance"] of its start (_NOT_REACHED, off the colour scale: white, if not within
    T); NaN (grey) for a run that diverged first.
    Also whether each run diverged by step T."""
    steps = values["steps"]
    gap = record.loss[: steps + 1] - floor
    diverged = (record.diverged_at >= 0) & (record.diverged_at <= steps)
    if values["metric"] == "loss":
        return np.minimum(np.log10(np.maximum(gap[-1], 1e-16)), _loss_top(gap[0])), diverged
    reached = gap <= values["tolerance"] * gap[0]
    first = np.log10(np.maximum(np.argmax(reached, axis=0), 1))
    first = np.where(reached.any(axis=0), first, _NOT_REACHED)
    first[diverged & ~reached.any(axis=0)] = np.nan
    return first, diverged


def _loss_top(initial_gap: np.ndarray) -> int:
    return math.ceil(np.log10(max(float(np.max(initial_gap)), 1e-16))) + 1


def sensitivity_heatmap(
    *,
    objective: str = "quadratic",
    steps: int = 100,
    metric: str = "loss",
    tolerance: float = 1e-6,
    eps: float = 1e-8,
) -> Experiment:
    """Final loss (or steps to a tolerance) over a learning-rate × β grid, AdaGrad beside RMSProp.

    The ``len(LEARNING_RATES) * (len(BETAS) + 1)`` runs from the objective's default start are
    ONE batched ``run`` of HEATMAP_STEPS steps with array hyperparameters, cached per objective:
    the steps, metric and tolerance controls only read it. Grey cells diverged.
    """
    controls = {
        "objective": choice(objective, OBJECTIVE_CHOICES, "objective"),
        "steps": int_slider(steps, 1, HEATMAP_STEPS, "steps T"),
        "metric": choice(metric, METRICS, "colour shows"),
        "tolerance": log_slider(
            tolerance, 1e-12, 0.1, "tolerance (share of initial loss)", mantissas=(1.0,)
        ),
    }
    picture = HeatmapPair(np.log10(LEARNING_RATES), -np.log10(1.0 - BETAS))
    redraw = partial(_draw_heatmaps, picture, {}, eps)
    return Experiment(
        "Sensitivity heatmap", controls, picture.figure, redraw, previews=_other_choices
    )


def _other_choices(values: Values) -> list[tuple[Values, str]]:
    """Every other objective, and the other colour metric: what the two dropdowns offer."""
    others = [(values | {"objective": key}, "objective") for key in VIEWS]
    others += [(values | {"metric": metric}, "metric") for metric in METRICS.values()]
    return [(view, changed) for view, changed in others if view != values]


def _draw_heatmaps(
    picture: HeatmapPair, runs: dict, eps: float, values: Values, changed: str | None
) -> str:
    """The sensitivity heatmap's redraw: both panels, their notes and the title; alt text."""
    key, steps, metric = values["objective"], values["steps"], values["metric"]
    record = remember(runs, key, partial(_grid_run, key, eps))
    floor = _lowest_value(make_objective(key))
    scores, diverged = _scores(record, floor, values)
    split, findings, notes = BETAS.size * LEARNING_RATES.size, [], []
    for panel, name, part in ((0, "AdaGrad", slice(split, None)), (1, "RMSProp", slice(split))):
        grid = scores[part].reshape(-1, LEARNING_RATES.size)
        cell = _best_cell(grid, metric)
        findings.append(f"{name}: none" if cell is None else _finding(name, grid, cell, metric))
        flags, at = diverged[part], record.diverged_at[part]
        note = f"{flags.sum()} of {flags.size} runs diverged (grey)" if flags.any() else ""
        note += f", the first at step {at[flags].min()}" if flags.any() else ""
        picture.show(panel, grid, cell, note)
        notes.append(f"{name}: {note}." if note else "")
    picture.set_colour_scale(*_colour_scale(metric, _loss_top(record.loss[0] - floor)))
    headline = f"Best loss after {steps} steps"
    if metric == "steps":
        headline = f"Fewest steps to {values['tolerance']:.0e} × the first loss"
    title = f"{headline}: {findings[1]}; {findings[0]}"
    picture.figure.suptitle(title)
    return (
        f"Two heatmaps for the {VIEWS[key][0]}, learning rate η from 0.001 to 10 across, β "
        f"from 0 to 0.999 up; colour shows the {_COLOUR_LABELS[metric]}, with T = {steps}. "
        f"AdaGrad (left, no β) beside RMSProp (right); an outline marks AdaGrad's best learning "
        f"rate and a star RMSProp's best run. {title}. " + " ".join(note for note in notes if note)
    ).strip()


def _lowest_value(objective) -> float:
    points = getattr(objective, "minima", None) or [objective.minimum]
    return float(np.min(objective.value(np.asarray(points, dtype=np.float64))))


def _colour_scale(metric: str, top: int) -> tuple[float, float, list, list, str]:
    """Fixed per metric (and objective), so moving a slider never redraws the colour bar."""
    if metric == "steps":
        steps = [1, 2, 5, 10, 20, 50, 100, 200]
        labels = [str(n) for n in steps]
        return (
            0.0,
            math.log10(HEATMAP_STEPS),
            np.log10(steps).tolist(),
            labels,
            _COLOUR_LABELS[metric],
        )
    ticks = list(range(-16, top + 1, 4))
    labels = [figures.power_of_ten_label(10.0**k) for k in ticks]
    return -16.0, float(top), ticks, labels, _COLOUR_LABELS[metric]


def _best_cell(grid: np.ndarray, metric: str) -> tuple[int, int] | None:
    """(row, column) of the lowest score of a run that converged (and, for "steps", reached the
    tolerance), or None."""
    usable = np.isfinite(grid) & ((grid < _NOT_REACHED) if metric == "steps" else True)
    if not usable.any():
        return None
    row, column = np.unravel_index(np.argmin(np.where(usable, grid, np.inf)), grid.shape)
    return int(row), int(column)


def _finding(name: str, grid: np.ndarray, cell: tuple[int, int], metric: str) -> str:
    score = grid[cell]
    if metric == "steps":
        value = f"{round(10.0**score)} steps"
    else:
        value = "< 1e-16" if score <= -16 else f"{10.0**score:.0e}"
    beta = f", β {BETAS[cell[0]]:.3g}" if grid.shape[0] > 1 else ""
    return f"{name} {value} at η {LEARNING_RATES[cell[1]]:.2g}{beta}"
