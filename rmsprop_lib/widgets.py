"""The chapters' interactive experiments: one call shows a figure that answers its sliders.

Every factory can be called with no arguments (the chapter's default view) and returns an
:class:`Experiment`: ``controls`` (name -> ipywidgets value widget; setting ``.value`` redraws at
once), ``figure`` (one Matplotlib figure, same Figure and Axes for its whole life, updated in
place), ``widget`` (the controls above a live PNG of the figure) and ``alt_text`` (the current
view described). Displayed in a notebook, its ``_repr_mimebundle_`` carries the widget view
(JupyterLab, Voila), a PNG of the figure (the static site, which has no kernel) and a short text:
so a chapter shows the experiment itself as a cell's last expression, not its ``.widget``.

Speed: the runs for every position of the slider that moved (the other inputs fixed) are ONE
batched run, cached, so dragging a slider only looks rows up; axes, ticks, contours and legends
are drawn once into a bitmap (``plotting.StaticLayer``).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise
from types import MappingProxyType
from typing import Any, NamedTuple

import ipywidgets as widgets
import numpy as np
from IPython.display import HTML
from matplotlib.figure import Figure

from rmsprop_lib import objectives, plotting
from rmsprop_lib.optimizers import Optimizer, adagrad, adam, momentum, rmsprop, sgd
from rmsprop_lib.runner import Trajectory, run

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
        controls: dict[str, widgets.ValueWidget],
        figure: Figure,
        redraw: Callable[[Values, str | None], str],
        *,
        reactions: dict[str, Callable[[Any], None]] | None = None,
        sweep: Callable[[Values], tuple[str, Sequence[Any]]] | None = None,
    ) -> None:
        self.name, self.controls, self.figure = name, controls, figure
        self._redraw, self._reactions, self._sweep = redraw, reactions or {}, sweep
        self._reacting, self._live = False, True
        self._image = widgets.Image(format="png", layout={"max_width": "100%"})
        self.widget = widgets.VBox([_control_panel(controls), self._image])
        for control_name, control in controls.items():
            control.observe(partial(self._changed, control_name), names="value")
        self.alt_text = redraw(self.values(), None)
        plotting.freeze_layout(figure)
        self._image.value = plotting.figure_png(figure)

    def values(self) -> Values:
        """The current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, changed: str | None = None) -> None:
        """Redraw the figure, and the widget's PNG, for the controls' current values."""
        self.alt_text = self._redraw(self.values(), changed)
        self.figure.stale = True  # render once now, even if a change escaped Matplotlib's notice
        if self._live:
            self._image.value = plotting.figure_png(self.figure)

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
            page = plotting.jshtml_sweep(self.figure, set_value, frames, fps=fps, alt_text=alt)
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
            png = plotting.figure_png(self.figure, compress_level=9)
            bundle["image/png"] = base64.b64encode(png).decode()
        if wanted("text/plain"):
            bundle["text/plain"] = repr(self)
        return bundle


# ----------------------------------------------------------------------------- controls

BETA_CHOICES = (0.0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999)
_LOOK = {"style": {"description_width": "initial"}, "layout": {"width": "100%"}}


def _log_slider(value: float, low: float, high: float, step: float, description: str):
    exponents = {"min": math.log10(low), "max": math.log10(high), "step": step}
    return widgets.FloatLogSlider(
        value, base=10.0, **exponents, description=description, readout_format=".2g", **_LOOK
    )


def _slider(value: float, low: float, high: float, step: float, description: str):
    return widgets.FloatSlider(
        value, min=low, max=high, step=step, description=description, **_LOOK
    )


def _int_slider(value: int, low: int, high: int, description: str) -> widgets.IntSlider:
    return widgets.IntSlider(value, min=low, max=high, description=description, **_LOOK)


def _choice(value: Any, options: dict[str, Any], description: str, slider: bool = False):
    """A dropdown (or selection slider) of ``options``, label -> value; ValueError for a value
    that is not one of them."""
    if value not in options.values():
        raise ValueError(f"{description} must be one of {list(options.values())}, got {value!r}")
    kind = widgets.SelectionSlider if slider else widgets.Dropdown
    return kind(value=value, options=list(options.items()), description=description, **_LOOK)


def _beta_slider(value: float, choices: Sequence[float], description: str):
    return _choice(value, {f"{beta:g}": beta for beta in choices}, description, slider=True)


def _control_panel(controls: dict[str, widgets.ValueWidget]) -> widgets.Widget:
    """Sliders and dropdowns in two columns, checkboxes on one row beneath."""
    boxes = [c for c in controls.values() if isinstance(c, widgets.Checkbox)]
    others = [c for c in controls.values() if not isinstance(c, widgets.Checkbox)]
    columns = {"grid_template_columns": "repeat(2, minmax(0, 1fr))", "grid_gap": "2px 24px"}
    return widgets.VBox([widgets.GridBox(others, layout=columns), widgets.HBox(boxes)])


def _index_of(positions: np.ndarray, value: float) -> int | None:
    hits = np.flatnonzero(np.abs(positions - value) <= 1e-9 * max(1.0, abs(value)))
    return int(hits[0]) if hits.size else None


def _slider_positions(control: widgets.ValueWidget) -> tuple[np.ndarray, int]:
    """Every position of the slider, and the index of its value among them (a value set off the
    slider's grid, from Python, stands alone)."""
    if isinstance(control, widgets.SelectionSlider):
        grid = np.array([value for _, value in control.options], dtype=np.float64)
    else:
        grid = np.arange(control.min, control.max + control.step / 2, control.step)
        grid = control.base**grid if isinstance(control, widgets.FloatLogSlider) else grid
    index = _index_of(grid, control.value)
    if index is None:
        return np.array([float(control.value)]), 0
    grid[index] = control.value  # exactly the control's value
    return grid, index


# ----------------------------------------------------------------------------- batched runs


def _side_by_side(optimizers: Sequence[Optimizer], rows: Sequence[int]) -> Optimizer:
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


def _store(cache: dict, key: Any, value: Any, limit: int = 64) -> Any:
    """``cache[key] = value``, forgetting the oldest entry beyond ``limit``; returns ``value``."""
    cache.pop(key, None)
    if len(cache) >= limit:
        del cache[next(iter(cache))]
    cache[key] = value
    return value


def _remember(cache: dict, key: Any, compute: Callable[[], Any]) -> Any:
    return cache[key] if key in cache else _store(cache, key, compute())


# ----------------------------------------------------------------------------- 1. trajectories

PATH_OPTIMIZERS = ("gd", "momentum", "adagrad", "rmsprop", "adam")
PATH_STEPS = 200
#: objective key -> (label, x limits, y limits, default start)
VIEWS = {
    "quadratic": ("elongated quadratic", (-5.0, 5.0), (-3.0, 3.0), (-4.5, 1.8)),
    "rosenbrock": ("Rosenbrock", (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.5)),
    "saddle": ("saddle surface", (-2.0, 2.0), (-1.5, 1.5), (0.02, 1.3)),
}
_OBJECTIVES = {label: key for key, (label, *_) in VIEWS.items()}
_RUN_INPUTS = ("learning_rate", "beta", "eps", "start_x", "start_y", "condition_number", "rotation")


def _objective(key: str, condition_number: float = 10.0, rotation_degrees: float = 0.0):
    if key == "rosenbrock":
        return objectives.rosenbrock()
    if key == "saddle":
        return objectives.saddle_surface()
    return objectives.elongated_quadratic(condition_number, math.radians(rotation_degrees))


def _path_optimizers(learning_rate, beta, eps) -> list[Optimizer]:
    """GD, Momentum, AdaGrad, RMSProp, Adam. β is RMSProp's and Adam's β2; momentum is 0.9."""
    return [
        sgd(learning_rate),
        momentum(learning_rate, 0.9),
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
    problem = _objective(key, values["condition_number"], values["rotation"])
    if key == "quadratic" and vary in ("condition_number", "rotation"):
        pairs = np.broadcast(inputs["condition_number"], inputs["rotation"])
        hessians = np.stack([_objective(key, kappa, angle).hessian for kappa, angle in pairs])
        problem = _QuadraticRows(np.tile(hessians, (copies, 1, 1)))
    optimizer = _side_by_side(
        _path_optimizers(inputs["learning_rate"], inputs["beta"], inputs["eps"]), [n] * copies
    )
    record = run(optimizer, problem, np.tile(start, (copies, 1)), PATH_STEPS)
    return _Paths(record.params, record.loss, record.diverged_at)


def _find_paths(cache: dict, controls: dict, changed: str | None) -> tuple[_Paths, np.ndarray]:
    """A cached batch holding the current inputs (else a new one across the whole range of the
    slider that moved) and the rows of the five optimizers in it."""
    values = {name: control.value for name, control in controls.items()}
    key = values["objective"]
    relevant = _RUN_INPUTS if key == "quadratic" else _RUN_INPUTS[:5]

    def fixed(vary: str) -> tuple:
        return (key, vary, *(values[name] for name in relevant if name != vary))

    for vary in sorted(relevant, key=lambda name: name != changed):
        positions, record = cache.get(fixed(vary), (np.empty(0), None))
        index = _index_of(positions, values[vary])
        if index is not None:
            return record, index + positions.size * np.arange(len(PATH_OPTIMIZERS))
    vary = changed if changed in relevant else "learning_rate"
    positions, index = _slider_positions(controls[vary])
    record = _paths_batch(key, values, vary, positions)
    _store(cache, fixed(vary), (positions, record), limit=8)  # up to ~3 MB each
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
    objective_control = _choice(objective, _OBJECTIVES, "objective")
    _, xlim, ylim, default_start = VIEWS[objective]
    x0, y0 = default_start if start is None else start
    controls = {
        "objective": objective_control,
        "condition_number": _log_slider(condition_number, 1, 1e3, 0.1, "condition number"),
        "rotation": _slider(rotation, 0.0, 90.0, 5.0, "rotation of the valley in degrees"),
        "learning_rate": _log_slider(learning_rate, 1e-4, 10.0, 0.1, "learning rate η"),
        "beta": _beta_slider(beta, BETA_CHOICES, "β, decay of V_T (RMSProp; Adam's β2)"),
        "eps": _log_slider(eps, 1e-10, 1.0, 1.0, "ε (AdaGrad, RMSProp, Adam)"),
        "steps": _int_slider(steps, 1, PATH_STEPS, "steps"),
        "start_x": _slider(x0, *xlim, 0.05, "start w1"),
        "start_y": _slider(y0, *ylim, 0.05, "start w2"),
    }
    for name in PATH_OPTIMIZERS:
        label = f"show {plotting.LABELS[name]}"
        controls[f"show_{name}"] = widgets.Checkbox(name in show, description=label, indent=False)
    picture = plotting.PathsPicture(PATH_OPTIMIZERS)
    fit_view = partial(_fit_view, controls)
    fit_view(objective)
    controls["start_x"].value, controls["start_y"].value = x0, y0
    return Experiment(
        "Trajectory explorer",
        controls,
        picture.figure,
        partial(_draw_paths, picture, {}, controls),
        reactions={"objective": fit_view},
        sweep=lambda values: ("steps", _unfolding(values["steps"])),
    )


def _fit_view(controls: dict, key: str) -> None:
    """Another objective brings its own view and start; only the quadratic has a shape."""
    _, xlim, ylim, start = VIEWS[key]
    for axis, limits, value in zip(("start_x", "start_y"), (xlim, ylim), start, strict=True):
        with controls[axis].hold_trait_notifications():
            controls[axis].min, controls[axis].max, controls[axis].value = *limits, value
    controls["condition_number"].disabled = controls["rotation"].disabled = key != "quadratic"


def _draw_paths(
    picture: plotting.PathsPicture, runs: dict, controls: dict, values: Values, changed: str | None
) -> str:
    """The trajectory explorer's redraw: contours, paths, divergence notes, title; alt text."""
    key, steps = values["objective"], values["steps"]
    problem = _objective(key, values["condition_number"], values["rotation"])
    picture.show_objective(key, problem, *VIEWS[key][1:3])
    record, rows = _find_paths(runs, controls, changed)
    shown = [values[f"show_{name}"] for name in PATH_OPTIMIZERS]
    diverged = picture.show_paths(record.params[: steps + 1, rows], record.diverged_at[rows], shown)
    picture.start.set_data([values["start_x"]], [values["start_y"]])
    title = _race_title(record.loss[steps, rows], shown, steps)
    picture.ax.set_title(title, y=1.0)  # a fixed y spares matplotlib a costly title search
    names = [plotting.LABELS[n] for n, on in zip(PATH_OPTIMIZERS, shown, strict=True) if on]
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
    entries = [(float(loss), plotting.LABELS[name]) for loss, name, on in entries if on]
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


# ----------------------------------------------------------------------------- 2. accumulators

GRADIENT_MODELS = {
    "constant gradients": "constant",
    "decaying gradients": "decaying",
    "noisy gradients": "noisy",
    "large gradients (first 100 steps), then small": "spike",
}
ACCUMULATOR_STEPS = 1000


def _accumulator_history(optimizer: Optimizer, gradients: np.ndarray) -> np.ndarray:
    """V_T after each step T = 1..len(gradients) when ``optimizer`` is fed ``gradients``."""
    params = np.zeros(gradients.shape[1:])
    state = optimizer.init(params)
    history = np.empty_like(gradients)
    for t, gradient in enumerate(gradients):
        params, state = optimizer.step(params, gradient, state)
        history[t] = state.v
    return history


def _model_histories(model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """g_t, AdaGrad's V_T and RMSProp's V_T for every β of BETA_CHOICES (one batched pass)."""
    g = objectives.gradient_sequence(model, ACCUMULATOR_STEPS, shape=(1,))
    betas = np.array(BETA_CHOICES)[:, None]
    for_every_beta = np.broadcast_to(g[:, None, :], (g.shape[0], betas.size, 1))
    v_rmsprop = _accumulator_history(rmsprop(1.0, betas, 1.0), for_every_beta)
    return g, _accumulator_history(adagrad(1.0, 1.0), g), v_rmsprop


def _rates(optimizer: Optimizer, history: np.ndarray) -> np.ndarray:
    """η/(√V_T + ε) for every V_T of ``history`` at once: the optimizer's own formula applied to
    a state whose ``v`` holds the whole history (its other arrays zero)."""
    state = optimizer.init(np.zeros(history.shape[1:]))
    zeros = {field: np.zeros_like(history) for field in state._fields if field not in ("t", "v")}
    return optimizer.effective_learning_rate(state._replace(t=len(history), v=history, **zeros))


def accumulator_explorer(
    *,
    gradient_model: str = "spike",
    learning_rate: float = 0.01,
    beta: float = 0.9,
    eps: float = 1e-8,
    steps: int = 500,
) -> Experiment:
    """V_T and the effective learning rate η/(√V_T + ε) of AdaGrad and RMSProp over time.

    The gradients come from ``rmsprop_lib.objectives.gradient_sequence`` (``"spike"``: 100 large
    ones, then small ones). AdaGrad's V_T only grows, so its step only shrinks; RMSProp's V_T
    forgets with β, so its step recovers once the gradients are small again.
    """
    controls = {
        "gradient_model": _choice(gradient_model, GRADIENT_MODELS, "gradients"),
        "learning_rate": _log_slider(learning_rate, 1e-4, 1.0, 0.1, "learning rate η"),
        "beta": _beta_slider(beta, BETA_CHOICES, "β, RMSProp's decay of V_T"),
        "eps": _log_slider(eps, 1e-10, 1.0, 1.0, "ε, added to √V_T"),
        "steps": _int_slider(steps, 10, ACCUMULATOR_STEPS, "steps T"),
    }
    picture = plotting.AccumulatorPicture()
    histories: dict = {}

    def redraw(values: Values, changed: str | None) -> str:
        model, steps, beta = values["gradient_model"], values["steps"], values["beta"]
        g, v_adagrad, v_rmsprop = _remember(histories, model, partial(_model_histories, model))
        v = {"adagrad": v_adagrad, "rmsprop": v_rmsprop[:, BETA_CHOICES.index(beta)]}
        optimizers = {
            "adagrad": adagrad(values["learning_rate"], values["eps"]),
            "rmsprop": rmsprop(values["learning_rate"], beta, values["eps"]),
        }
        rates = {name: _rates(optimizers[name], v[name])[:, 0] for name in v}
        ratio = rates["rmsprop"][steps - 1] / rates["adagrad"][steps - 1]
        title = _step_ratio_title(ratio, steps)
        picture.show(g[:, 0] ** 2, {name: v[name][:, 0] for name in v}, rates, steps, title)
        return (
            f"Two log-scale plots against the step t, drawn to t = {steps} of {ACCUMULATOR_STEPS}, "
            f"for {model} gradients: left, "
            f"the accumulators V_T of AdaGrad and RMSProp (β = {beta}) beside g_t²; right, their "
            f"effective learning rates η/(√V_T + ε) for η = {values['learning_rate']:.2g}. {title}."
        )

    return Experiment("Accumulator explorer", controls, picture.figure, redraw)


def _step_ratio_title(ratio: float, steps: int) -> str:
    times = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"
    if ratio > 1.5:
        return f"By step {steps} AdaGrad's step has shrunk to 1/{times} of RMSProp's"
    if ratio < 1 / 1.5:
        return f"By step {steps} RMSProp's step is {1 / ratio:.2g} times smaller than AdaGrad's"
    return f"By step {steps} AdaGrad and RMSProp take steps of about the same size"


# ----------------------------------------------------------------------------- 3. EWA weights

EWA_BETAS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999)


def ewa_weights(*, beta: float = 0.9, steps: int = 50) -> Experiment:
    """The weight (1−β)β^(T−k) of each g_k² in V_T = β V_{T-1} + (1−β) g_T², k = 1..T.

    Plotted against the age T − k (0: the latest gradient), with their sum 1 − β^T (the rest is
    the weight of V_0 = 0), the effective memory 1/(1 − β) and the half-life ln 2 / ln(1/β), the
    number of latest steps that carry half the weight. ``animate()`` sweeps β from 0 to 0.99.
    """
    controls = {
        "beta": _beta_slider(beta, EWA_BETAS, "β, share of the old average kept"),
        "steps": _int_slider(steps, 1, 200, "T, steps so far"),
    }
    picture = plotting.WeightsPicture()

    def redraw(values: Values, changed: str | None) -> str:
        beta, steps = values["beta"], values["steps"]
        weights = (1.0 - beta) * beta ** np.arange(steps, dtype=np.float64)
        memory, total = 1.0 / (1.0 - beta), 1.0 - beta**steps
        half_life = math.log(2.0) / math.log(1.0 / beta) if beta > 0 else 0.0
        note = f"sum 1 − β^T = {total:.3f}\nmemory {memory:.4g} steps\nhalf-life {half_life:.3g}"
        if beta == 0:
            title = "With β = 0, V_T is just the latest squared gradient"
        elif memory <= steps:
            title = f"With β = {beta}, V_T averages about the last {memory:.4g} squared gradients"
        else:
            title = (
                f"With β = {beta}, a memory of {memory:.4g} steps > T: weights sum to {total:.2f}"
            )
        picture.show(weights, memory, half_life, note, title)
        return (
            f"Stem plot of the weight of each of the last {steps} squared gradients in V_T for "
            f"β = {beta}, against its age: the weights fall geometrically with age. A shaded band "
            f"marks the latest {memory:.4g} steps, a dotted line the half-life, {half_life:.3g} "
            f"steps. {title}."
        )

    frames = EWA_BETAS[: EWA_BETAS.index(0.99) + 1]
    sweep = lambda values: ("beta", frames)  # noqa: E731
    return Experiment("EWA weights", controls, picture.figure, redraw, sweep=sweep)


# ----------------------------------------------------------------------------- 4. sensitivity

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
    together = _side_by_side([grid, adagrad(LEARNING_RATES[:, None], eps)], sizes)
    return run(together, _objective(key), np.tile(VIEWS[key][3], (sum(sizes), 1)), HEATMAP_STEPS)


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
        "objective": _choice(objective, _OBJECTIVES, "objective"),
        "steps": _int_slider(steps, 1, HEATMAP_STEPS, "steps T"),
        "metric": _choice(metric, METRICS, "colour shows"),
        "tolerance": _log_slider(tolerance, 1e-12, 0.1, 1.0, "tolerance (share of initial loss)"),
    }
    picture = plotting.HeatmapPair(np.log10(LEARNING_RATES), -np.log10(1.0 - BETAS))
    redraw = partial(_draw_heatmaps, picture, {}, eps)
    return Experiment("Sensitivity heatmap", controls, picture.figure, redraw)


def _draw_heatmaps(
    picture: plotting.HeatmapPair, runs: dict, eps: float, values: Values, changed: str | None
) -> str:
    """The sensitivity heatmap's redraw: both panels, their notes and the title; alt text."""
    key, steps, metric = values["objective"], values["steps"], values["metric"]
    record = _remember(runs, key, partial(_grid_run, key, eps))
    floor = _lowest_value(_objective(key))
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
        f"from 0 to 0.999 up; colour shows the {_COLOUR_LABELS[metric]} after {steps} steps. "
        f"AdaGrad (left, no β) beside RMSProp (right); stars mark the best runs. {title}. "
        + " ".join(note for note in notes if note)
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
    labels = [plotting.power_of_ten_label(10.0**k) for k in ticks]
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
