"""The machinery of the experiments' figures: drawn once, then updated in place on every move.

Figures that live outside pyplot, on a canvas that renders only when they changed; a fast PNG of a
figure; a bitmap cache of the parts of a figure that do not move (`StaticLayer`); artists created
once and then updated in place; and axis limits that move only when they must, because every move
of them draws ticks again.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from rmsprop_lib.plotting import LABELS, color_for


class CanvasRenderingOnChange(FigureCanvasAgg):
    """An Agg canvas whose `draw` renders only if the figure changed since it last rendered.

    A widget's figure is rendered once per slider move, for the PNG the widget shows; a second
    `draw` of the unchanged figure (by a notebook, a test or a benchmark) then costs nothing.
    "Changed" is Matplotlib's own `Figure.stale` flag, which the setters of every artist that is
    not animated raise (a `StaticLayer` raises it for its animated ones), or a new size or
    resolution. Saving (`savefig`) always renders.
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
    any other way (its data, text or alpha), or, for a change that comes and goes (a colour
    scale, the legend entries greyed out), `set_key` to a value naming it: bitmaps are kept per
    key, so going back to a key seen before pastes its bitmap. The levels are drawn in order,
    not by zorder, so the registered artists of different levels must not overlap (ticks of
    side-by-side panels, a legend outside the axes). When the figure is saved (savefig,
    animations) the Axes draw their animated artists themselves and this layer draws only the
    figure-level ones.
    """

    KEEP = 8

    def __init__(self, figure: Figure) -> None:
        super().__init__()
        self.set_zorder(-1e6)  # before every Axes (zorder 0)
        self.artists: list[Artist] = []
        self.version = 0
        self.key: Any = None
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

    def set_key(self, key: Any) -> None:
        """Name the current look of the registered artists (see the class docstring)."""
        if key != self.key:
            self.key = key
            self.get_figure(root=True).stale = True

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
            (renderer.width, renderer.height, self.key, *(a.get_visible() for a in groups[0])),
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


# ------------------------------------------------------------------ artists updated in place


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
