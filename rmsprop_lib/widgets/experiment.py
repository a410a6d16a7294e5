"""What every experiment shares: the Experiment object, its controls, batched runs of several
optimizers side by side, and the offline animation player behind ``Experiment.animate``.

An :class:`Experiment` holds ``controls`` (name -> ipywidgets value widget; setting ``.value``
redraws at once), ``figure`` (one Matplotlib figure, same Figure and Axes for its whole life,
updated in place), ``widget`` (the controls above a live PNG of the figure) and ``alt_text`` (the
current view described).
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any

import ipywidgets
import numpy as np
from IPython.display import HTML
from matplotlib.animation import HTMLWriter
from matplotlib.figure import Figure

from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.widgets import figures

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
Values = dict[str, Any]


class Experiment:
    """Controls, a figure redrawn in place, and the widget that shows both.

    ``redraw(values, changed)`` draws the controls' ``values`` (``changed``: the control that
    moved, or None) and returns the alt text. ``reactions[name](new_value)`` runs first when
    control ``name`` changes, for a control that sets others (which then cause no redraw of their
    own). ``sweep(values) -> (control, frames)`` is the default of :meth:`animate`.
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
    ) -> None:
        self.name, self.controls, self.figure = name, controls, figure
        self._redraw, self._reactions, self._sweep = redraw, reactions or {}, sweep
        self._reacting, self._live = False, True
        self._image = ipywidgets.Image(format="png", layout={"max_width": "100%"})
        self.widget = ipywidgets.VBox([_control_panel(controls), self._image])
        for control_name, control in controls.items():
            control.observe(partial(self._changed, control_name), names="value")
        self.alt_text = redraw(self.values(), None)
        figures.freeze_layout(figure)
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
    ) -> HTML:
        """An offline HTML animation (matplotlib's ``to_jshtml`` player, low-dpi PNG frames) of
        ``control`` taking the values ``frames``; by default the experiment's own sweep. The
        controls, the figure and the displayed widget are left as they were."""
        if control is None or frames is None:
            if self._sweep is None:
                raise ValueError(f"{self.name} has no default animation: pass control and frames")
            control, frames = self._sweep(self.values())
        widget = self.controls[control]
        original, self._live = widget.value, False
        try:
            alt = f"Animation of {widget.description} from {frames[0]} to {frames[-1]}. "
            set_value = partial(setattr, widget, "value")
            page = jshtml_sweep(self.figure, set_value, frames, fps=fps, alt_text=alt)
        finally:
            widget.value = original
            self._live = True
        return HTML(page)

    def close(self) -> None:
        """Close the widgets (their front-end models); the figure stays usable."""
        for widget in [*self.controls.values(), self._image, self.widget]:
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


# ----------------------------------------------------------------------------- controls

BETA_CHOICES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
_LOOK = {"style": {"description_width": "initial"}, "layout": {"width": "100%"}}


def log_slider(
    value: float, low: float, high: float, step: float, description: str
) -> ipywidgets.FloatLogSlider:
    exponents = {"min": math.log10(low), "max": math.log10(high), "step": step}
    return ipywidgets.FloatLogSlider(
        value, base=10.0, **exponents, description=description, readout_format=".2g", **_LOOK
    )


def slider(
    value: float, low: float, high: float, step: float, description: str
) -> ipywidgets.FloatSlider:
    return ipywidgets.FloatSlider(
        value, min=low, max=high, step=step, description=description, **_LOOK
    )


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


def slider_positions(control: ipywidgets.ValueWidget) -> tuple[np.ndarray, int]:
    """Every position of the slider, and the index of its value among them (a value set off the
    slider's grid, from Python, stands alone)."""
    if isinstance(control, ipywidgets.SelectionSlider):
        grid = np.array([value for _, value in control.options], dtype=np.float64)
    else:
        grid = np.arange(control.min, control.max + control.step / 2, control.step)
        grid = control.base**grid if isinstance(control, ipywidgets.FloatLogSlider) else grid
    index = index_of(grid, control.value)
    if index is None:
        return np.array([float(control.value)]), 0
    grid[index] = control.value  # exactly the control's value
    return grid, index


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
    an accessible name. The random id that names the player's elements is replaced by a hash of
    its content, so the same animation gives the same page on every run (a stored notebook does
    not change when run again). The figure is not a pyplot figure, so no static copy of it is
    shown after the cell.
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
    page = page.replace("<img id=", f'<img alt="{html.escape(alt_text)}" id=', 1)
    random_id = re.search(r'id="_anim_img([0-9a-f]+)"', page).group(1)
    content = page.replace(random_id, "")
    return page.replace(random_id, hashlib.sha256(content.encode()).hexdigest()[:32])
