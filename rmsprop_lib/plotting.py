"""Figure helpers shared by every chapter, so that a chapter draws a figure in one line.

One colour per optimizer across the whole book, from the Okabe-Ito palette (distinguishable with
the common forms of colour blindness). Contours are drawn once on a fixed grid; trajectories are
`Line2D` artists in the optimizer's colour. The machinery of the interactive figures (drawn once,
then updated in place on every slider move) is in `rmsprop_lib.widgets.figures`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from rmsprop_lib import checks
from rmsprop_lib.objectives import Objective

#: The book-wide colour of each optimizer (Okabe-Ito).
COLORS: dict[str, str] = {
    "gd": "#000000",
    "sgd": "#000000",
    "momentum": "#CC79A7",
    "adagrad": "#E69F00",
    "rmsprop": "#0072B2",
    "adam": "#009E73",
    "amsgrad": "#D55E00",
}

#: The colour of a diverged run in heatmaps.
DIVERGED_GREY = "#b0b0b0"

#: Colours for everything that is not an optimizer, so that no chapter types a hex code:
#: reference lines and bounds, annotations, light backgrounds, and the two Okabe-Ito colours no
#: optimizer uses, for extra series.
GREYS: dict[str, str] = {
    "reference": "#777777",
    "dark": "#444444",
    "text": "#222222",
    "light": "#bbbbbb",
    "background": "#eeeeee",
}
EXTRA_COLORS: tuple[str, ...] = ("#56B4E9", "#F0E442")

#: How each optimizer is named in legends.
LABELS: dict[str, str] = {
    "gd": "GD",
    "sgd": "SGD",
    "momentum": "Momentum",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "amsgrad": "AMSGrad",
}


INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def book_style() -> None:
    """Matplotlib settings shared by every chapter: readable sizes, a sensible DPI for the site.

    In a Jupyter kernel it also selects the inline backend, so figures reach the notebook's outputs
    even when the reader's shell sets ``MPLBACKEND=Agg`` (common on servers), which would otherwise
    make ``plt.show()`` draw nothing.
    """
    if "ipykernel" in sys.modules:
        plt.switch_backend(INLINE_BACKEND)
    plt.rcParams.update(
        {
            "figure.dpi": 96,
            "savefig.dpi": 96,
            "font.size": 10,
            "axes.titlesize": 10.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "svg.hashsalt": "rmsprop-course",
        }
    )


def show(fig: Figure, alt: str) -> None:
    """Show ``fig`` in the notebook with ``alt`` as its alt text, then close it.

    Build ``alt`` from the values the cell computed (never typed numbers). The text is stored in the
    output's metadata, where the book puts it on the image (``_ext/notebook_text.py``).
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the figure, got {alt!r}")
    from IPython.display import display  # only a notebook shows figures

    display(fig, metadata={"image/png": {"alt": alt}})
    plt.close(fig)


def color_for(name: str) -> str:
    """The book-wide colour of optimizer `name` (e.g. ``"rmsprop"``); grey for anything else."""
    return COLORS.get(name.lower(), "#777777")


def new_figure(
    ncols: int = 1, width: float = 6.0, height: float = 4.2
) -> tuple[Figure, list[Axes]]:
    """A figure with `ncols` axes side by side, sized for the book's text column."""
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols if ncols > 1 else width, height))
    fig.set_layout_engine("constrained")
    return fig, list(np.atleast_1d(axes))


def contour(
    ax: Axes,
    objective: Objective,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    levels: int | Sequence[float] = 12,
    resolution: int = 200,
) -> QuadContourSet:
    """Draw the contours of a 2-D objective once on a `resolution` x `resolution` grid.

    With an integer `levels`, the levels are spaced geometrically between the smallest and largest
    value on the grid, so both the floor of a narrow valley and its steep walls show.
    """
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = np.asarray(objective.value(grid))
    if isinstance(levels, int):
        low = max(values.min(), 1e-12) if values.min() >= 0 else None
        if low is None:
            levels = np.linspace(values.min(), values.max(), levels)
        else:
            levels = np.geomspace(low + 1e-3 * (values.max() - low), values.max(), levels)
    cs = ax.contour(xs, ys, values, levels=levels, colors="#9a9a9a", linewidths=0.7)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return cs


def path(ax: Axes, params: np.ndarray, name: str, label: str | None = None, **kwargs) -> Line2D:
    """Draw a 2-D path `params`, shape (steps + 1, 2), in the optimizer's colour; start marked."""
    params = np.asarray(params)
    style = {"color": color_for(name), "lw": 1.6, "marker": ".", "ms": 4} | kwargs
    (line,) = ax.plot(params[:, 0], params[:, 1], label=label or LABELS.get(name, name), **style)
    ax.plot(params[0, 0], params[0, 1], "o", color=style["color"], ms=6, mfc="white")
    return line


def loss_curve(
    ax: Axes, losses: np.ndarray, name: str, label: str | None = None, **kwargs
) -> Line2D:
    """Loss against step on a log scale, in the optimizer's colour."""
    losses = np.asarray(losses)
    style = {"color": color_for(name), "lw": 1.6} | kwargs
    (line,) = ax.semilogy(
        np.arange(len(losses)), losses, label=label or LABELS.get(name, name), **style
    )
    ax.set_xlabel("step $t$")
    ax.set_ylabel("loss")
    return line


def reference(
    ax: Axes, *, y: float | None = None, x: float | None = None, label: str | None = None, **kwargs
) -> Line2D:
    """A reference line across the axes: horizontal at `y` or vertical at `x` (exactly one).

    Bounds, limits and predicted levels share one look: grey, dotted, thin; `kwargs` (``ls``,
    ``lw``, ``color``) override it, for example ``ls="--"`` for a second reference in one panel.
    The position must be a finite real number (a NaN would silently draw no line).
    """
    if (x is None) == (y is None):
        raise ValueError("reference needs exactly one of x= (vertical) or y= (horizontal)")
    style = {"color": GREYS["reference"], "ls": ":", "lw": 1.0} | kwargs
    if y is not None:
        return ax.axhline(checks.real("y", y), label=label, **style)
    return ax.axvline(checks.real("x", x), label=label, **style)
