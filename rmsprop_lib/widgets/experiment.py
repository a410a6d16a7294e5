"""What every experiment shares: the Experiment object, its controls, batched runs of several
optimizers side by side, and the Play button behind ``Experiment.animate``.

An :class:`Experiment` holds ``controls`` (name -> ipywidgets value widget; setting ``.value``
redraws at once), ``figure`` (one Matplotlib figure, same Figure and Axes for its whole life,
updated in place), ``widget`` (the controls above a live PNG of the figure) and ``alt_text`` (the
current view described).
"""

from __future__ import annotations

import base64
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import ipywidgets
import numpy as np
from matplotlib.figure import Figure

from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.widgets import figures

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
Values = dict[str, Any]
#: beneath every experiment: a widget saved with its notebook, or left over from a kernel that was
#: restarted, still shows its figure, but its controls no longer reach a kernel that computes it
RERUN_NOTE = (
    "The controls redraw the figure through the kernel that ran this cell: after a kernel "
    "restart, or in a notebook opened again, run the cell again to use them."
)


class Experiment:
    """Controls, a figure redrawn in place, and the widget that shows both.

    ``redraw(values, changed)`` draws the controls' ``values`` (``changed``: the control that
    moved, or None) and returns the alt text. ``reactions[name](new_value)`` runs first when
    control ``name`` changes, for a control that sets others (which then cause no redraw of their
    own). ``sweep(values) -> (control, frames)`` is the default of :meth:`animate`.
    ``previews(values)`` lists (values, changed) that a dropdown leads to: each is drawn once
    when the experiment is made, so that its runs and the bitmaps of its axes are ready before
    the reader picks it (a first pick would otherwise take a few hundred milliseconds).
    """

    def __init__(
        self,
        name: str,
        controls: dict[str, ipywidgets.ValueWidget],
        figure: Figure,
        redraw: Callable[[Values, str | None], str],
        *,
        reactions: dict[str, Callable[[Any], None]] | None = None,
        sweep: Callable[[Values], tuple[str, Sequence[Any]]] | None = None,
        previews: Callable[[Values], Iterable[tuple[Values, str]]] | None = None,
    ) -> None:
        self.name, self.controls, self.figure = name, controls, figure
        self._redraw, self._reactions, self._sweep = redraw, reactions or {}, sweep
        self._reacting, self._live = False, True
        self._image = ipywidgets.Image(format="png", layout={"max_width": "100%"})
        self._note = ipywidgets.HTML(f'<small style="color: #555">{RERUN_NOTE}</small>')
        self.widget = ipywidgets.VBox([_control_panel(controls), self._image, self._note])
        for control_name, control in controls.items():
            control.observe(partial(self._changed, control_name), names="value")
        self.alt_text = redraw(self.values(), None)
        figures.freeze_layout(figure)
        views = list(previews(self.values())) if previews else []
        for draw in (False, True):  # first make every artist (a new one resets the bitmaps)
            for values, changed in views:
                redraw(values, changed)
                if draw:
                    figure.canvas.draw()
        if views:
            self.alt_text = redraw(self.values(), None)
        self._image.value = figures.figure_png(figure)

    def values(self) -> Values:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, changed: str | None = None) -> None:
        """Redraw the figure, and the widget's PNG, for the controls' current values."""
        self.alt_text = self._redraw(self.values(), changed)
        self.figure.stale = True  # render once now, even if a change escaped Matplotlib's notice
        if self._live:
            self._image.value = figures.figure_png(self.figure)

    def _changed(self, name: str, change: dict[str, Any]) -> None:
        if self._reacting:
            return
        self._reacting = True
        try:
            if name in self._reactions:
                self._reactions[name](change["new"])
        finally:
            self._reacting = False
        self.update(name)

    def animate(
        self, control: str | None = None, frames: Sequence[Any] | None = None, *, fps: float = 4.0
    ) -> Animation:
        """A Play button that moves ``control`` through the values ``frames`` at ``fps`` frames a
        second, above this experiment; by default the experiment's own sweep."""
        if control is None or frames is None:
            if self._sweep is None:
                raise ValueError(f"{self.name} has no default animation: pass control and frames")
            control, frames = self._sweep(self.values())
        return Animation(self, control, frames, fps)

    def close(self) -> None:
        """Close the widgets (their front-end models); the figure stays usable."""
        for widget in [*self.controls.values(), self._image, self._note, self.widget]:
            widget.close()

    def __repr__(self) -> str:
        return f"{self.name} (interactive figure; controls: {', '.join(self.controls)})"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """The widget view (JupyterLab, Voila), a PNG (the static site) and a short deterministic
        text (nbval compares it), filtered by ``include``/``exclude`` as IPython passes them."""

        def wanted(mime: str) -> bool:
            return (not include or mime in include) and not (exclude and mime in exclude)

        bundle: dict[str, Any] = {}
        view = self.widget._repr_mimebundle_() or {}
        if wanted(WIDGET_VIEW) and WIDGET_VIEW in view:
            bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        if wanted("image/png"):
            png = figures.figure_png(self.figure, compress_level=9)
            bundle["image/png"] = base64.b64encode(png).decode()
        if wanted("text/plain"):
            bundle["text/plain"] = repr(self)
        return bundle


class Animation:
    """A Play button that moves one control of an experiment through a list of values.

    In JupyterLab the button drives the experiment's control, and the figure redraws at each
    frame; on the website ``_ext/live_figures.py`` plays pictures of the same frames; anywhere
    else (the PDF) the PNG shows the experiment as it is.
    """

    def __init__(
        self, experiment: Experiment, control: str, frames: Sequence[Any], fps: float
    ) -> None:
        self.experiment, self.control, self.frames = experiment, control, list(frames)
        value = experiment.controls[control].value
        self.play = ipywidgets.Play(
            value=self.frames.index(value) if value in self.frames else 0,
            min=0,
            max=len(self.frames) - 1,
            interval=round(1000 / fps),
            description=f"play {experiment.controls[control].description}",
        )
        self.play.observe(self._show, names="value")
        self.widget = ipywidgets.VBox([self.play, experiment.widget])

    def _show(self, change: dict[str, Any]) -> None:
        self.experiment.controls[self.control].value = self.frames[change["new"]]

    def __repr__(self) -> str:
        return f"{self.experiment.name}, animated: {self.control} over {len(self.frames)} frames"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """As the experiment's own bundle, with the Play button above it in the widget view."""
        bundle = self.experiment._repr_mimebundle_(include, exclude)
        view = self.widget._repr_mimebundle_() or {}
        if WIDGET_VIEW in bundle and WIDGET_VIEW in view:
            bundle[WIDGET_VIEW] = view[WIDGET_VIEW]
        if "text/plain" in bundle:
            bundle["text/plain"] = repr(self)
        return bundle


# ----------------------------------------------------------------------------- controls

BETA_CHOICES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
#: the round numbers of each decade a log slider offers (about ten steps per decade)
ROUND_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
_LOOK = {"style": {"description_width": "initial"}, "layout": {"width": "100%"}}

# Every slider of a real number is a selection slider over a grid computed here, in Python: the
# browser then only moves an index, so it never rounds a value to its own step grid (a
# FloatLogSlider shown at η = 0.3 sends back 10^-0.5 = 0.3162 before the reader touches it).
# The value asked for is always one of the positions, and the grid is made of round numbers.


def grid_slider(
    value: float, grid: Iterable[float], description: str, label: str = "g"
) -> ipywidgets.SelectionSlider:
    """A slider over the sorted ``grid`` and ``value`` itself, labelled with format ``label``;
    TypeError for a value that is not a real number, ValueError for one outside the grid's span."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{description} must be a real number, got {value!r}")
    positions = sorted({float(x) + 0.0 for x in grid})  # + 0.0: no "-0" label
    if not positions[0] <= value <= positions[-1]:
        span = f"[{positions[0]:g}, {positions[-1]:g}]"
        raise ValueError(f"{description} must lie in {span}, got {value!r}")
    hit = index_of(np.array(positions), float(value))
    if hit is None:
        positions = sorted([*positions, float(value)])
    else:
        positions[hit] = float(value)  # exactly the value asked for
    options: dict[str, float] = {}
    for x in positions:
        options[f"{x:{label}}" if f"{x:{label}}" not in options else f"{x:.6g}"] = x
    return choice(float(value), options, description, as_slider=True)


def round_numbers(low: float, high: float, mantissas: Sequence[float] = ROUND_MANTISSAS) -> list:
    """The numbers m·10^k (m in ``mantissas``) from ``low`` to ``high``, each the float of its
    decimal literal (3e-1 is 0.3, as a chapter writes it)."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    numbers_ = (float(f"{m:g}e{k}") for k in decades for m in mantissas)
    return [x for x in numbers_ if low <= x <= high]


def evenly_spaced(low: float, high: float, step: float) -> list[float]:
    """``low``, ``low + step``, ... ``high``, rounded to 10 decimals (no 0.30000000000000004)."""
    return [round(low + k * step, 10) for k in range(round((high - low) / step) + 1)]


def log_slider(
    value: float,
    low: float,
    high: float,
    description: str,
    mantissas: Sequence[float] = ROUND_MANTISSAS,
) -> ipywidgets.SelectionSlider:
    """A slider over the round numbers from ``low`` to ``high`` (and ``value``), log-spaced."""
    return grid_slider(value, round_numbers(low, high, mantissas), description)


def slider(
    value: float, low: float, high: float, step: float, description: str
) -> ipywidgets.SelectionSlider:
    """A slider over ``low``, ``low + step``, ... ``high`` (and ``value``)."""
    return grid_slider(value, evenly_spaced(low, high, step), description, label=".2f")


def int_slider(value: int, low: int, high: int, description: str) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(value, min=low, max=high, description=description, **_LOOK)


def choice(
    value: Any, options: dict[str, Any], description: str, as_slider: bool = False
) -> ipywidgets.Dropdown | ipywidgets.SelectionSlider:
    """A dropdown (or selection slider) of ``options``, label -> value; ValueError for a value
    that is not one of them."""
    if value not in options.values():
        raise ValueError(f"{description} must be one of {list(options.values())}, got {value!r}")
    kind = ipywidgets.SelectionSlider if as_slider else ipywidgets.Dropdown
    return kind(value=value, options=list(options.items()), description=description, **_LOOK)


def beta_slider(
    value: float, choices: Sequence[float], description: str
) -> ipywidgets.SelectionSlider:
    return choice(value, {f"{beta:g}": beta for beta in choices}, description, as_slider=True)


def _control_panel(controls: dict[str, ipywidgets.ValueWidget]) -> ipywidgets.Widget:
    """Sliders and dropdowns in two columns, checkboxes on one row beneath."""
    boxes = [c for c in controls.values() if isinstance(c, ipywidgets.Checkbox)]
    others = [c for c in controls.values() if not isinstance(c, ipywidgets.Checkbox)]
    columns = {"grid_template_columns": "repeat(2, minmax(0, 1fr))", "grid_gap": "2px 24px"}
    return ipywidgets.VBox([ipywidgets.GridBox(others, layout=columns), ipywidgets.HBox(boxes)])


def index_of(positions: np.ndarray, value: float) -> int | None:
    hits = np.flatnonzero(np.abs(positions - value) <= 1e-9 * max(1.0, abs(value)))
    return int(hits[0]) if hits.size else None


def slider_positions(control: ipywidgets.SelectionSlider) -> tuple[np.ndarray, int]:
    """Every position of a selection slider, and the index of its value among them."""
    return np.array([value for _, value in control.options], dtype=np.float64), control.index


# ----------------------------------------------------------------------------- batched runs


def side_by_side(optimizers: Sequence[Optimizer], rows: Sequence[int]) -> Optimizer:
    """One optimizer that applies ``optimizers[i]`` to its own block of ``rows[i]`` batch rows,
    so that different algorithms share one ``run`` and its per-step work is paid once."""
    blocks = [slice(*ends) for ends in pairwise(np.cumsum([0, *rows]))]
    pieces = list(zip(optimizers, blocks, strict=True))

    def init(params):
        return tuple(opt.init(np.asarray(params, dtype=np.float64)[b]) for opt, b in pieces)

    def step(params, grads, states):
        moved = [
            opt.step(params[b], grads[b], s) for (opt, b), s in zip(pieces, states, strict=True)
        ]
        return np.concatenate([w for w, _ in moved]), tuple(s for _, s in moved)

    def effective_learning_rate(states):
        rates = [opt.effective_learning_rate(s) for (opt, _), s in zip(pieces, states, strict=True)]
        return np.concatenate(rates)

    names = {"optimizers": tuple(opt.name for opt in optimizers), "rows": tuple(rows)}
    return Optimizer("side by side", init, step, effective_learning_rate, MappingProxyType(names))


def store(cache: dict, key: Any, value: Any, limit: int = 64) -> Any:
    """``cache[key] = value``, forgetting the oldest entry beyond ``limit``; returns ``value``."""
    cache.pop(key, None)
    if len(cache) >= limit:
        del cache[next(iter(cache))]
    cache[key] = value
    return value


def remember(cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
    return cache[key] if key in cache else store(cache, key, compute())
