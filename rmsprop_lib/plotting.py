"""Figure helpers shared by every chapter, so that a chapter draws a figure in one line.

One colour per optimizer across the whole book, from the Okabe-Ito palette (distinguishable with
the common forms of colour blindness). Contours are drawn once on a fixed grid; trajectories are
`Line2D` artists that the widgets update in place with `set_data`.

The second half serves `rmsprop_lib.widgets`: figures that live outside pyplot, a fast PNG of a
figure, an offline HTML animation, a bitmap cache of the parts of a figure that do not move
(`StaticLayer`), artists created once and then updated in place on every slider move, and the
pictures of the four experiments.
"""

from __future__ import annotations

import html
import math
import re
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import HTMLWriter
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import QuadMesh
from matplotlib.colors import Normalize
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

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


def book_style() -> None:
    """Matplotlib settings shared by every chapter: readable sizes, a sensible DPI for the site."""
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
    objective,
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


# ----------------------------------------------------------------- figures owned by a widget


class CanvasRenderingOnChange(FigureCanvasAgg):
    """An Agg canvas whose `draw` renders only if the figure changed since it last rendered.

    A widget's figure is rendered once per slider move, for the PNG the widget shows; a second
    `draw` of the unchanged figure (by a notebook, a test or a benchmark) then costs nothing.
    "Changed" is Matplotlib's own `Figure.stale` flag, which every artist setter raises, or a new
    size or resolution. Saving (`savefig`) always renders.
    """

    def __init__(self, figure: Figure) -> None:
        super().__init__(figure)
        self._rendered_for: tuple | None = None

    def draw(self) -> None:
        """Render the figure into the canvas's buffer, unless that buffer already shows it."""
        size = (*self.figure.bbox.size, self.figure.dpi)
        if self.figure.stale or size != self._rendered_for:
            super().draw()
            self._rendered_for = size


def detached_figure(
    ncols: int = 1, width: float = 6.0, height: float = 4.2
) -> tuple[Figure, list[Axes]]:
    """A figure of `ncols` axes, each `width` wide, drawn by Agg and NOT registered with pyplot.

    An experiment keeps one figure for its whole life; a pyplot figure would also be shown by the
    notebook's inline backend at the end of the cell, a second and static copy under the widget.
    Its canvas renders only when the figure changed (`CanvasRenderingOnChange`).
    """
    fig = Figure(figsize=(width * ncols, height))
    CanvasRenderingOnChange(fig)
    fig.set_layout_engine("constrained")
    return fig, list(fig.subplots(1, ncols, squeeze=False)[0])


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once (constrained layout), then keep those positions for every redraw:
    running the layout engine on each slider move costs more than drawing the lines."""
    fig.canvas.draw()
    fig.set_layout_engine("none")


def figure_png(fig: Figure, compress_level: int = 1) -> bytes:
    """Draw the figure (if it changed) and return it as PNG bytes: 8-bit RGB, rows unfiltered,
    one zlib stream. Written here rather than by Pillow because that is about twice as fast:
    Pillow's per-row filters cost time and gain little on a plot's flat colours. The default,
    fast compression suits a widget redrawn on every move, 9 a PNG stored in a notebook."""
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    height, width = pixels.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # a 0 byte starts a plain row
    rows[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    image = zlib.compress(rows.tobytes(), compress_level)
    chunks = ((b"IHDR", header), (b"IDAT", image), (b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )


def jshtml_sweep(
    fig: Figure,
    show_frame: Callable[[Any], object],
    frames: Iterable[Any],
    *,
    fps: float = 4.0,
    dpi: float = 60.0,
    alt_text: str = "",
) -> str:
    """A self-contained HTML player (matplotlib's `to_jshtml` format) of `fig` after each frame.

    `show_frame(frame)` updates the figure in place. The frames are PNGs at a low `dpi`, embedded
    in the page; the Font Awesome stylesheet that matplotlib links from a CDN is removed (a page
    must load nothing from the internet), `alt_text` is put on the image and the frame slider gets
    an accessible name. The figure is not
    a pyplot figure, so no static copy of it is shown after the cell.
    """
    writer = HTMLWriter(fps=fps, embed_frames=True, default_mode="once")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "animation.html"
        with writer.saving(fig, str(target), dpi):
            for frame in frames:
                show_frame(frame)
                writer.grab_frame()
        page = target.read_text(encoding="utf-8")
    page = re.sub(r"<link[^>]*font-awesome[^>]*>", "", page)
    # matplotlib labels its buttons but not its frame slider; screen readers need a name for it.
    labelled = 'class="anim-slider" aria-label="Animation frame"'
    page = page.replace('class="anim-slider"', labelled, 1)
    return page.replace("<img id=", f'<img alt="{html.escape(alt_text)}" id=', 1)


class StaticLayer(Artist):
    """Bitmaps of a figure's unchanging artists, rendered once and pasted on every screen draw.

    The artists registered with `add` (axis ticks and labels, contours, legends) are marked
    animated, so the figure skips them when drawing to the screen; this figure-level artist,
    drawn before the Axes, pastes a bitmap in their place. The bitmap is built in levels: the
    figure-level artists (a legend outside the axes), then the artists of each Axes in turn, each
    level rendered on a copy of the one before. When the limits, the place or the visibility of
    one Axes' artists change, only that level and the ones after it are rendered again; and the
    finished bitmaps of the last `KEEP` states are kept, so a slider dragged back over limits
    it has already shown pastes a bitmap instead of drawing ticks again.

    Matplotlib does not flag changes to animated artists as changes of the figure; this layer
    flags new limits itself, and callers call `changed()` after changing a registered artist in
    any other way (its data, text or alpha). The levels are drawn in order, not by zorder, so the
    registered artists of different levels must not overlap (ticks of side-by-side panels, a
    legend outside the axes). When the figure is saved (savefig, animations) the Axes draw their
    animated artists themselves and this layer draws only the figure-level ones.
    """

    KEEP = 8

    def __init__(self, figure: Figure) -> None:
        super().__init__()
        self.set_zorder(-1e6)  # before every Axes (zorder 0)
        self.artists: list[Artist] = []
        self.version = 0
        self._levels: list[tuple[tuple, Any]] = []  # (state, bitmap) of each level rendered
        self._finished: dict[tuple, list] = {}  # states of all levels -> levels, oldest first
        figure.add_artist(self)
        for ax in figure.axes:
            ax.patch.set_visible(False)  # the figure's white background shows through instead
            for limits in ("xlim_changed", "ylim_changed"):  # animated axes do not flag them
                ax.callbacks.connect(limits, lambda _ax: setattr(figure, "stale", True))

    def add(self, *artists: Artist) -> None:
        """Keep `artists` in the bitmaps from now on."""
        for artist in artists:
            artist.set_animated(True)
            self.artists.append(artist)
        self.artists.sort(key=lambda artist: artist.get_zorder())
        self.changed()

    def changed(self) -> None:
        """Forget every bitmap: a registered artist changed in a way its state does not show."""
        self.version += 1
        self._levels, self._finished = [], {}
        self.get_figure(root=True).stale = True  # the figure must be rendered again

    def draw(self, renderer) -> None:
        """Paste the bitmap for the current state, rendering the levels it needs first."""
        figure = self.get_figure(root=True)
        saving = figure.canvas.is_saving()
        if saving or not hasattr(renderer, "copy_from_bbox"):
            for artist in self.artists:  # a Figure never draws its animated children itself
                if not saving or artist.axes is None:
                    artist.draw(renderer)
            return
        owners = [None, *figure.axes]
        groups = [[artist for artist in self.artists if artist.axes is ax] for ax in owners]
        states = [
            (renderer.width, renderer.height, *(artist.get_visible() for artist in groups[0])),
            *(
                (*ax.viewLim.bounds, *ax.bbox.bounds, *(artist.get_visible() for artist in group))
                for ax, group in zip(figure.axes, groups[1:], strict=True)
            ),
        ]
        levels = self._finished.pop(tuple(states), None)
        if levels is None:
            kept = 0  # the levels whose state, and that of every level before, is unchanged
            while kept < min(len(states), len(self._levels)):
                if self._levels[kept][0] != states[kept]:
                    break
                kept += 1
            if kept:
                renderer.restore_region(self._levels[kept - 1][1])
            levels = self._levels[:kept]
            for state, group in zip(states[kept:], groups[kept:], strict=True):
                for artist in group:
                    artist.draw(renderer)
                levels.append((state, renderer.copy_from_bbox(figure.bbox)))
        else:
            renderer.restore_region(levels[-1][1])
        self._levels = levels
        self._finished[tuple(states)] = levels  # the most recently used last
        if len(self._finished) > self.KEEP:
            del self._finished[next(iter(self._finished))]
        self.stale = False


def decorations(*axes: Axes) -> list[Axis]:
    """The x and y axis (ticks, tick labels, axis label) of each of `axes`."""
    return [axis for ax in axes for axis in (ax.xaxis, ax.yaxis)]


# ----------------------------------------------------------------- artists updated in place


def optimizer_lines(ax: Axes, names: Sequence[str], **kwargs) -> dict[str, Line2D]:
    """One empty line per optimizer in its book colour, labelled for the legend."""
    lines = {}
    for name in names:
        style = {"color": color_for(name), "lw": 1.6, "label": LABELS.get(name, name)} | kwargs
        (lines[name],) = ax.plot([], [], **style)
    return lines


def corner_notes(ax: Axes, count: int, corner: str = "upper left") -> list[Text]:
    """`count` empty text lines stacked in a corner of the axes, for short live messages."""
    top = corner.startswith("upper")
    x, align = (0.02, "left") if corner.endswith("left") else (0.98, "right")
    box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85}
    return [
        ax.text(
            x,
            (0.97 - 0.075 * i) if top else (0.03 + 0.075 * i),
            "",
            transform=ax.transAxes,
            ha=align,
            va="top" if top else "bottom",
            fontsize=9,
            bbox=box,
        )
        for i in range(count)
    ]


def set_notes(notes: Sequence[Text], messages: Sequence[tuple[str, str]]) -> None:
    """Show `messages`, as (text, colour), in the first notes and hide the remaining ones."""
    for i, note in enumerate(notes):
        note.set_visible(i < len(messages))
        if i < len(messages):
            note.set_text(messages[i][0])
            note.set_color(messages[i][1])


def level_curves(ax: Axes, count: int = 10) -> list[Line2D]:
    """`count` empty grey lines for the level sets of a quadratic (see `set_quadratic_levels`)."""
    return [ax.plot([], [], color="#9a9a9a", lw=0.7, zorder=1)[0] for _ in range(count)]


def set_quadratic_levels(
    lines: Sequence[Line2D],
    hessian: np.ndarray,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> None:
    """Redraw the level sets of f(w) = 1/2 w^T A w as ellipses, in place, without a contour grid.

    The level c is the ellipse w = U diag(sqrt(2c / lambda)) (cos s, sin s) for the eigenpairs
    (lambda, U) of A; the levels are spaced geometrically up to the value at the farthest corner.
    """
    curvatures, axes_of_ellipse = np.linalg.eigh(np.asarray(hessian, dtype=np.float64))
    corners = np.array([[x, y] for x in xlim for y in ylim])
    highest = 0.5 * np.max(np.einsum("ni,ij,nj->n", corners, hessian, corners))
    angle = np.linspace(0.0, 2.0 * np.pi, 121)
    circle = np.stack([np.cos(angle), np.sin(angle)])
    for line, level in zip(lines, np.geomspace(highest * 1e-3, highest, len(lines)), strict=True):
        x, y = axes_of_ellipse @ (np.sqrt(2.0 * level / curvatures)[:, None] * circle)
        line.set_data(x, y)


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


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten_label(value: float, _position: object = None) -> str:
    """'10⁻³' for 0.001, in plain text: cheaper to draw on every move than mathtext's 10^{-3}."""
    if not value > 0:
        return ""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPTS)


def plain_log_axis(axis: Axis) -> None:
    """A log-scaled axis labelled 10ⁿ at powers of ten, in plain text, without minor ticks."""
    axis.set_major_locator(LogLocator(base=10.0, numticks=6))
    axis.set_major_formatter(FuncFormatter(power_of_ten_label))
    axis.set_minor_locator(NullLocator())


def nice_ceiling(x: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is >= x (axis limits that rarely move)."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= x * (1 - 1e-12))


def grow_xlim(ax: Axes, start: float, needed: float) -> None:
    """x limits from `start` to `start` plus a round number >= `needed`, changed only when the
    current ones are too short or over 3 times too long (ticks live in the static bitmap)."""
    length = ax.get_xlim()[1] - start
    if not needed <= length <= 3 * needed:
        ax.set_xlim(start, start + nice_ceiling(needed))


def fit_log_ylim(ax: Axes, *series: np.ndarray) -> None:
    """y limits at powers of ten around the positive values of `series`, changed only when the
    data leave them or use 4 decades less than they span (ticks live in the static bitmap)."""
    data = np.concatenate([np.ravel(values) for values in series])
    data = data[np.isfinite(data) & (data > 0)]
    if data.size == 0:
        return
    low, high = np.log10(ax.get_ylim())
    needed_low, needed_high = np.log10(data.min()), np.log10(data.max())
    if needed_low < low or needed_high > high or (high - low) - (needed_high - needed_low) > 4:
        ax.set_ylim(10.0 ** np.floor(needed_low - 0.2), 10.0 ** np.ceil(needed_high + 0.2))


# ----------------------------------------------------------------- the experiments' pictures


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
            self.contours[name] = contour(self.ax, objective, xlim, ylim)
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
            self.static.changed()  # matplotlib does not flag an alpha change
        return [text for text, _ in notes]


class AccumulatorPicture:
    """V_T (left) and the effective learning rate (right) of AdaGrad and RMSProp against the
    step t, with g_t² for reference, on log scales."""

    def __init__(self, width: float = 4.4, height: float = 3.7) -> None:
        self.figure, self.axes = detached_figure(ncols=2, width=width, height=height)
        (self.squares,) = self.axes[0].plot([], [], color="#bbbbbb", lw=1.0, label="g_t²")
        names = ("adagrad", "rmsprop")
        self.accumulators, self.rates = (optimizer_lines(ax, names) for ax in self.axes)
        labels = ("accumulator V_T", "effective learning rate η/(√V_T + ε)")
        for ax, label in zip(self.axes, labels, strict=True):
            ax.set(yscale="log", xlabel="step t", ylabel=label)
            plain_log_axis(ax.yaxis)
        handles = [self.squares, *self.accumulators.values()]
        legend = self.figure.legend(handles=handles, loc="outside lower center", ncols=3)
        StaticLayer(self.figure).add(legend, *decorations(*self.axes))

    def show(
        self, squares: np.ndarray, accumulators: dict, rates: dict, steps: int, title: str
    ) -> None:
        """Draw g_t² and, per optimizer name, V_T and the effective learning rate for t = 1..steps.

        The series run over the whole experiment and the axes fit all of it, so that dragging
        `steps` draws the lines further along still axes instead of moving them.
        """
        t = np.arange(1, steps + 1)
        self.squares.set_data(t, squares[:steps])
        for name, line in self.accumulators.items():
            line.set_data(t, accumulators[name][:steps])
            self.rates[name].set_data(t, rates[name][:steps])
        for ax, series in (
            (self.axes[0], (squares, *accumulators.values())),
            (self.axes[1], rates.values()),
        ):
            grow_xlim(ax, 0.0, len(squares))
            fit_log_ylim(ax, *series)
        self.figure.suptitle(title)


class WeightsPicture:
    """The weight of each of the T latest g_k² in V_T against its age T − k, on a log scale (so
    geometric decay is a straight line), with the effective memory (shaded), the half-life
    (dotted) and a plain average 1/T (dashed) for comparison."""

    FLOOR = 1e-4  # the bottom of the weight axis, fixed: β moves never redraw the ticks

    def __init__(self, width: float = 6.6, height: float = 4.1) -> None:
        self.figure, (self.ax,) = detached_figure(width=width, height=height)
        colour, ax = color_for("rmsprop"), self.ax
        label = "effective memory 1/(1 − β)"
        self.memory = ax.axvspan(0.0, 1.0, color=colour, alpha=0.12, lw=0, label=label)
        (self.stems,) = ax.plot([], [], color=colour, lw=2, label="weight (1 − β) β^(T−k) of g_k²")
        (self.uniform,) = ax.plot([], [], "--", color="#777777", lw=1.2, label="plain average 1/T")
        (self.half,) = ax.plot([], [], ":", color="black", lw=1.2, label="half-life ln 2 / ln(1/β)")
        ax.set(xlabel="age of the gradient, T − k (steps ago)", ylabel="weight of g_k² in V_T")
        ax.set(yscale="log", ylim=(self.FLOOR, 2.0))
        plain_log_axis(ax.yaxis)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        legend = self.figure.legend(loc="outside lower center", ncols=2, fontsize=8.5)
        (self.note,) = corner_notes(ax, 1, corner="upper right")
        StaticLayer(self.figure).add(*decorations(ax), legend)

    def show(self, weights: np.ndarray, memory: float, half_life: float, note: str, title: str):
        """Draw `weights[a]`, the weight of the gradient of age a; mark `memory` and `half_life`."""
        age, steps = np.arange(weights.size), weights.size
        stems = np.stack([np.full(steps, self.FLOOR), weights, np.full(steps, np.nan)], axis=1)
        self.stems.set_data(np.repeat(age, 3), stems.ravel())
        self.stems.set_linewidth(min(2.0, max(0.6, 100.0 / steps)))
        self.uniform.set_data([-0.5, steps - 0.5], [1.0 / steps] * 2)
        self.memory.set_bounds(-0.5, 0.0, memory, 1.0)
        self.half.set_data([half_life - 0.5] * 2, [self.FLOOR, 2.0])
        grow_xlim(self.ax, -0.5, steps)
        self.note.set_text(note)
        self.ax.set_title(title, y=1.0)  # a fixed y spares matplotlib a costly title search


class HeatmapPair:
    """AdaGrad (one row: it has no β) beside RMSProp (learning rate × β) on one colour scale.

    `x` and `y` are the evenly spaced cell centres, log10(η) and -log10(1 - β), with powers of ten
    at both ends; stars mark the best cells, a note in each panel counts the diverged runs.
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
        self.stars = [
            ax.plot([], [], "*", color="white", mec="black", ms=13)[0] for ax in self.axes
        ]
        self.notes = [corner_notes(ax, 1, corner="lower left")[0] for ax in self.axes]
        decades_x, decades_y = range(round(x[0]), round(x[-1]) + 1, 2), range(round(y[-1]) + 1)
        for ax, title in zip(self.axes, ("AdaGrad (no β: one run per η)", "RMSProp"), strict=True):
            ax.set_title(title, y=1.0)  # a fixed y spares matplotlib a costly title search
            ax.set(xlabel="learning rate η", ylabel="β")
            ax.set_xticks(list(decades_x), [f"{10.0**k:g}" for k in decades_x])
            ax.set_yticks(list(decades_y), [f"{1 - 10.0**-k:g}" for k in decades_y])
        self.static = StaticLayer(self.figure)
        self.static.add(*decorations(*self.axes, self.colorbar.ax))

    def show(self, panel: int, grid: np.ndarray, best: tuple[int, int] | None, note: str) -> None:
        """Fill panel 0 (AdaGrad, one row) or 1 (RMSProp) with `grid`; star the `best` cell."""
        self.images[panel].set_array(grid)
        self.stars[panel].set_visible(best is not None)
        if best is not None:
            row = self.y[best[0]] if grid.shape[0] > 1 else float(np.mean(self.y))
            self.stars[panel].set_data([self.x[best[1]]], [row])
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
        self.static.changed()
