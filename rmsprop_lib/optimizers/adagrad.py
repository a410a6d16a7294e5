"""AdaGrad (Duchi, Hazan & Singer 2011): divide by the root of the SUM of all squared gradients.

The book's update rule (``notation.md``): ``V_T = V_{T-1} + g_T^2`` and
``w_T = w_{T-1} - eta g_T / (sqrt(V_T) + eps)``; ``_step`` below follows it line by line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib import checks
from rmsprop_lib.checks import Schedule
from rmsprop_lib.optimizers.common import (
    Optimizer,
    all_positive,
    any_nonzero,
    begin_step,
    make_optimizer,
    state_array,
)


class AdaGradState(NamedTuple):
    """AdaGrad's state after ``t`` steps: ``v`` is V_T (read-only, shaped like the params)."""

    t: int
    v: np.ndarray


def adagrad(
    learning_rate: float | ArrayLike | Schedule,
    eps: float | ArrayLike,
    initial_accumulator: float | ArrayLike = 0.0,
    eps_in_sqrt: bool = False,
    lr_decay: float | ArrayLike = 0.0,
    weight_decay: float | ArrayLike = 0.0,
    decoupled_weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """AdaGrad with the switches that make it PyTorch's, Keras', optax's or TF1's.

    - ``learning_rate`` eta > 0 (an array, or a schedule ``t -> eta_t``) and ``eps`` >= 0: no
      defaults (see ``rmsprop_lib.optimizers``); ``lr_decay`` (PyTorch):
      ``eta_t <- eta_t / (1 + (t - 1) lr_decay)``;
    - ``weight_decay``: coupled L2 (PyTorch), ``g_T <- g_T + weight_decay w_{T-1}``;
    - ``V_T = V_{T-1} + g_T^2`` with ``V_0 = initial_accumulator`` (Keras, optax, TF1: 0.1);
    - ``d_T = sqrt(V_T) + eps``, or ``sqrt(V_T + eps)`` with ``eps_in_sqrt`` (Keras, optax);
    - ``w_T = w_{T-1} - eta_t g_T / d_T`` (0 where ``g_T = 0`` even if ``d_T = 0``), minus
      ``decoupled_weight_decay eta_t w_{T-1}`` (Keras 3).

    ``effective_learning_rate(state)`` is ``eta_t / d_T``, the factor that multiplied the (weight
    decayed) gradient g_T in the last step.
    """
    hyperparams = {
        "learning_rate": checks.learning_rate(learning_rate),
        "eps": checks.non_negative("eps", eps),
        "initial_accumulator": checks.non_negative("initial_accumulator", initial_accumulator),
        "eps_in_sqrt": checks.flag("eps_in_sqrt", eps_in_sqrt),
        "lr_decay": checks.non_negative("lr_decay", lr_decay),
        "weight_decay": checks.non_negative("weight_decay", weight_decay),
        "decoupled_weight_decay": checks.non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
    }
    return make_optimizer("adagrad", hyperparams, _init, _step, _effective_learning_rate)


def _init(hp: Mapping[str, Any], params: ArrayLike) -> AdaGradState:
    return AdaGradState(0, state_array(checks.params_shape(hp, params), hp["initial_accumulator"]))


def _decayed(hp: Mapping[str, Any], eta: float | np.ndarray, t: int) -> float | np.ndarray:
    """PyTorch's ``lr_decay``: eta_t / (1 + (t - 1) lr_decay)."""
    return eta / (1.0 + (t - 1) * hp["lr_decay"]) if any_nonzero(hp["lr_decay"]) else eta


def _step(hp, params, grads, state: AdaGradState) -> tuple[np.ndarray, AdaGradState]:
    """One AdaGrad step: w_{T-1}, g_T and the state after T - 1 steps -> w_T and the new state."""
    w, g, t, eta = begin_step(hp, params, grads, state, AdaGradState)
    eta = _decayed(hp, eta, t)
    eps = hp["eps"]
    with np.errstate(all="ignore"):  # a diverging run may overflow: run() labels that row
        if any_nonzero(hp["weight_decay"]):  # coupled L2 (PyTorch)
            g = g + hp["weight_decay"] * w
        v = np.square(g) + state.v  # V_T = V_{T-1} + g_T^2: a step of eta / sqrt(T) (F5, F8)
        d = np.sqrt(v + eps) if hp["eps_in_sqrt"] else np.sqrt(v) + eps
        u = eta * g
        if not all_positive(eps):  # d_T = 0 only where g_1..g_T were all 0: a step of 0
            u = np.divide(u, d, out=np.zeros_like(u), where=u != 0.0)
        else:
            u /= d  # in place: speed
        if any_nonzero(hp["decoupled_weight_decay"]):  # Keras 3, on the old w
            w = w - hp["decoupled_weight_decay"] * w * eta
        new_w = w - u  # w_T = w_{T-1} - eta_t g_T / d_T
    return new_w, AdaGradState(t, checks.read_only(v))


def _effective_learning_rate(hp: Mapping[str, Any], state: AdaGradState) -> np.ndarray:
    """eta_t / d_T for the last step (before any step: eta_1 / d_0)."""
    t = max(state.t, 1)
    v, eps = state.v, hp["eps"]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.sqrt(v + eps) if hp["eps_in_sqrt"] else np.sqrt(v) + eps
        return _decayed(hp, checks.learning_rate_at(hp["learning_rate"], t, v.shape), t) / d
