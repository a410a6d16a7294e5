"""Adam (Kingma & Ba 2015) and AMSGrad (Reddi, Kale & Kumar 2018): RMSProp's V_T with momentum
and bias correction, in PyTorch's arithmetic (chapter 8 compares them)."""

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
    power,
    state_array,
)


class AdamState(NamedTuple):
    """Adam's state after ``t`` steps (read-only arrays shaped like the params)."""

    t: int
    m: np.ndarray  # m_t, the average gradient
    v: np.ndarray  # V_T, the average squared gradient
    v_max: np.ndarray | None = None  # AMSGrad's max(V_1, ..., V_T); None for Adam


def adam(
    learning_rate: float | ArrayLike | Schedule,
    beta1: float | ArrayLike,
    beta2: float | ArrayLike,
    eps: float | ArrayLike,
    bias_correction: bool = True,
    weight_decay: float | ArrayLike = 0.0,
    amsgrad: bool = False,
) -> Optimizer:
    """Adam, or AMSGrad with ``amsgrad=True`` (then named "amsgrad").

    - ``learning_rate`` eta > 0 (an array, or a schedule ``t -> eta_t``), ``beta1`` and ``beta2``
      in [0, 1), ``eps`` >= 0: no defaults (see ``rmsprop_lib.optimizers``);
    - ``weight_decay``: coupled L2 (PyTorch), ``g_t <- g_t + weight_decay w_{t-1}``;
    - ``m_t = beta1 m_{t-1} + (1 - beta1) g_t`` and ``V_T = beta2 V_{T-1} + (1 - beta2) g_t^2``;
    - ``amsgrad``: ``V_T`` in the denominator is replaced by ``max(V_1, ..., V_T)``, so the
      effective learning rate never increases (PyTorch's ``Adam(amsgrad=True)``; without bias
      correction, Reddi et al.'s algorithm);
    - ``w_t = w_{t-1} - eta_t / (1 - beta1^t) m_t / (sqrt(V_T) / sqrt(1 - beta2^t) + eps)``;
      without ``bias_correction`` both factors are dropped:
      ``w_t = w_{t-1} - eta_t m_t / (sqrt(V_T) + eps)``.

    ``effective_learning_rate(state)`` is the factor that multiplied ``m_t`` (not g_t) in the
    last step: ``eta_t / (1 - beta1^t) / (sqrt(V_T) / sqrt(1 - beta2^t) + eps)``.
    """
    hyperparams = {
        "learning_rate": checks.learning_rate(learning_rate),
        "beta1": checks.unit_interval("beta1", beta1),
        "beta2": checks.unit_interval("beta2", beta2),
        "eps": checks.non_negative("eps", eps),
        "bias_correction": checks.flag("bias_correction", bias_correction),
        "weight_decay": checks.non_negative("weight_decay", weight_decay),
        "amsgrad": checks.flag("amsgrad", amsgrad),
    }
    name = "amsgrad" if hyperparams["amsgrad"] else "adam"
    return make_optimizer(name, hyperparams, _init, _step, _effective_learning_rate)


def _init(hp: Mapping[str, Any], params: ArrayLike) -> AdamState:
    shape = checks.params_shape(hp, params)
    v_max = state_array(shape) if hp["amsgrad"] else None
    return AdamState(0, state_array(shape), state_array(shape), v_max)


def _scale(hp: Mapping[str, Any], eta, second_moment: np.ndarray, t: int) -> tuple[Any, Any]:
    """(eta_t / (1 - beta1^t), sqrt(V_T) / sqrt(1 - beta2^t) + eps), or (eta_t, sqrt(V_T) + eps)."""
    if not hp["bias_correction"]:
        return eta, np.sqrt(second_moment) + hp["eps"]
    d = np.sqrt(second_moment) / np.sqrt(1.0 - power(hp["beta2"], t))
    return eta / (1.0 - power(hp["beta1"], t)), d + hp["eps"]


def _step(hp, params, grads, state: AdamState) -> tuple[np.ndarray, AdamState]:
    """One step: w_{t-1}, g_t and the state after t - 1 steps -> w_t and the new state."""
    w, g, t, eta = begin_step(hp, params, grads, state, AdamState)
    beta1, beta2 = hp["beta1"], hp["beta2"]
    with np.errstate(all="ignore"):  # a diverging run may overflow: run() labels that row
        if any_nonzero(hp["weight_decay"]):  # coupled L2 (PyTorch)
            g = g + hp["weight_decay"] * w
        m = (1.0 - beta1) * g + beta1 * state.m  # m_t: momentum as an average
        v = (1.0 - beta2) * np.square(g) + beta2 * state.v  # V_T: RMSProp's average
        v_max = np.maximum(state.v_max, v) if hp["amsgrad"] else None
        step_size, d = _scale(hp, eta, v if v_max is None else v_max, t)
        u = step_size * m
        if not all_positive(hp["eps"]):  # d = 0 only where every g so far was 0: a step of 0
            u = np.divide(u, d, out=np.zeros_like(u), where=u != 0.0)
        else:
            u /= d  # in place: speed
        new_w = w - u
    fields = (m, v, v_max) if hp["amsgrad"] else (m, v)
    return new_w, AdamState(t, *(checks.read_only(field) for field in fields))


def _effective_learning_rate(hp: Mapping[str, Any], state: AdamState) -> np.ndarray:
    """The factor that multiplied m_t in the last step (before any step: that of t = 1)."""
    t = max(state.t, 1)
    second_moment = state.v if state.v_max is None else state.v_max
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = checks.learning_rate_at(hp["learning_rate"], t, second_moment.shape)
        step_size, d = _scale(hp, eta, second_moment, t)
        return step_size / d
