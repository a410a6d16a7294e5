"""Two experiments on V_T: the accumulator explorer (AdaGrad's step dies, RMSProp's recovers)
and the EWA weights (what share of V_T each past gradient holds)."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from matplotlib.ticker import MaxNLocator

from rmsprop_lib import gradients
from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.plotting import color_for
from rmsprop_lib.widgets.experiment import (
    BETA_CHOICES,
    Experiment,
    Values,
    beta_slider,
    choice,
    int_slider,
    log_slider,
    remember,
)
from rmsprop_lib.widgets.figures import (
    StaticLayer,
    corner_notes,
    decorations,
    detached_figure,
    fit_log_ylim,
    grow_xlim,
    optimizer_lines,
    plain_log_axis,
)


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
    g = gradients.gradient_sequence(model, ACCUMULATOR_STEPS, shape=(1,))
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

    The gradients come from ``rmsprop_lib.gradients.gradient_sequence`` (``"spike"``: 100 large
    ones, then small ones). AdaGrad's V_T only grows, so its step only shrinks; RMSProp's V_T
    forgets with β, so its step recovers once the gradients are small again.
    """
    controls = {
        "gradient_model": choice(gradient_model, GRADIENT_MODELS, "gradients"),
        "learning_rate": log_slider(learning_rate, 1e-4, 1.0, "learning rate η"),
        "beta": beta_slider(beta, BETA_CHOICES, "β, RMSProp's decay of V_T"),
        "eps": log_slider(eps, 1e-10, 1.0, "ε, added to √V_T", mantissas=(1.0,)),
        "steps": int_slider(steps, 10, ACCUMULATOR_STEPS, "steps T"),
    }
    picture = AccumulatorPicture()
    histories: dict = {}

    def redraw(values: Values, changed: str | None) -> str:
        model, steps, beta = values["gradient_model"], values["steps"], values["beta"]
        g, v_adagrad, v_rmsprop = remember(histories, model, partial(_model_histories, model))
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

    def other_models(values: Values) -> list[tuple[Values, str]]:
        others = [values | {"gradient_model": key} for key in GRADIENT_MODELS.values()]
        return [(view, "gradient_model") for view in others if view != values]

    return Experiment(
        "Accumulator explorer", controls, picture.figure, redraw, previews=other_models
    )


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
        "beta": beta_slider(beta, EWA_BETAS, "β, share of the old average kept"),
        "steps": int_slider(steps, 1, 200, "T, steps so far"),
    }
    picture = WeightsPicture()

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
