"""Adam and AMSGrad: RMSProp's V_T with momentum and bias correction (chapter 8 compares them).

Same conventions as ``rmsprop_lib.optimizers``: pure ``init``/``step`` functions, no defaults for
``learning_rate``, ``beta1``, ``beta2`` and ``eps``, array hyperparameters for batched runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib.hyperparameters import (
    Schedule,
    check_bool,
    check_learning_rate,
    check_non_negative,
    check_unit_interval,
    checked_shape,
    learning_rate_at,
    params_and_grads,
)
from rmsprop_lib.optimizers import Optimizer, make_optimizer
from rmsprop_lib.updates import (
    apply_update,
    denominator,
    moving_average,
    power,
    scaled_step,
    with_weight_decay,
)


class AdamState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray


class AMSGradState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray


def adam(
    learning_rate: float | ArrayLike | Schedule,
    beta1: float | ArrayLike,
    beta2: float | ArrayLike,
    eps: float | ArrayLike,
    bias_correction: bool = True,
    weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """Adam (Kingma & Ba 2015), PyTorch's arithmetic: RMSProp's V_T + momentum + bias correction.

    ``g_t <- g_t + weight_decay w`` (coupled L2); ``m_t = beta1 m_{t-1} + (1 - beta1) g_t``;
    ``V_T = beta2 V_{T-1} + (1 - beta2) g_t^2``;
    ``w <- w - (eta_t / (1 - beta1^t)) m_t / (sqrt(V_T) / sqrt(1 - beta2^t) + eps)``; without
    ``bias_correction`` both factors are dropped: ``w <- w - eta_t m_t / (sqrt(V_T) + eps)``.
    ``learning_rate``, ``beta1``, ``beta2`` and ``eps`` have no defaults (see the module docstring).
    """
    hyperparams = _adam_hyperparams(learning_rate, beta1, beta2, eps, bias_correction, weight_decay)
    return make_optimizer(
        "adam", hyperparams, partial(_adam_init, False), partial(_adam_step, False), _adam_rate
    )


def amsgrad(
    learning_rate: float | ArrayLike | Schedule,
    beta1: float | ArrayLike,
    beta2: float | ArrayLike,
    eps: float | ArrayLike,
    bias_correction: bool = True,
    weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """AMSGrad (Reddi et al. 2018): Adam with ``V_max = max(V_max, V_T)`` in the denominator, so the
    effective learning rate never increases. With ``bias_correction`` it is PyTorch's
    ``Adam(amsgrad=True)`` (``sqrt(V_max) / sqrt(1 - beta2^t)``); without, Reddi et al.'s algorithm.
    ``learning_rate``, ``beta1``, ``beta2`` and ``eps`` have no defaults (see the module docstring).
    """
    hyperparams = _adam_hyperparams(learning_rate, beta1, beta2, eps, bias_correction, weight_decay)
    return make_optimizer(
        "amsgrad", hyperparams, partial(_adam_init, True), partial(_adam_step, True), _adam_rate
    )


def _adam_hyperparams(
    learning_rate, beta1, beta2, eps, bias_correction, weight_decay
) -> dict[str, Any]:
    return {
        "learning_rate": check_learning_rate(learning_rate),
        "beta1": check_unit_interval("beta1", beta1),
        "beta2": check_unit_interval("beta2", beta2),
        "eps": check_non_negative("eps", eps),
        "bias_correction": check_bool("bias_correction", bias_correction),
        "weight_decay": check_non_negative("weight_decay", weight_decay),
    }


def _adam_init(amsgrad: bool, hp: Mapping[str, Any], params: ArrayLike) -> AdamState | AMSGradState:
    shape = checked_shape(hp, params)
    if amsgrad:
        return AMSGradState(0, np.zeros(shape), np.zeros(shape), np.zeros(shape))
    return AdamState(0, np.zeros(shape), np.zeros(shape))


def _adam_step(amsgrad: bool, hp, params, grads, state) -> tuple[np.ndarray, Any]:
    w, g = params_and_grads(params, grads)
    t = state.t + 1
    eta = learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = with_weight_decay(g, w, hp["weight_decay"])
        m = moving_average(state.m, g.copy(), hp["beta1"])
        v = moving_average(state.v, np.multiply(g, g), hp["beta2"])
        v_max = np.maximum(state.v_max, v) if amsgrad else v
        step_size, d = _adam_scale(hp, eta, v_max, t)
        new_w = apply_update(w, scaled_step(step_size, m, d, hp["eps"]), 0.0, eta)
    return new_w, AMSGradState(t, m, v, v_max) if amsgrad else AdamState(t, m, v)


def _adam_scale(hp, eta, second_moment: np.ndarray, t: int) -> tuple[Any, np.ndarray]:
    """(eta_t / (1 - beta1^t), sqrt(V_T) / sqrt(1 - beta2^t) + eps), or (eta_t, sqrt(V_T) + eps)."""
    if not hp["bias_correction"]:
        return eta, denominator(second_moment, hp["eps"], eps_in_sqrt=False)
    d = np.sqrt(second_moment)
    d /= np.sqrt(1.0 - power(hp["beta2"], t))
    d += hp["eps"]
    return eta / (1.0 - power(hp["beta1"], t)), d


def _adam_rate(hp, state: AdamState | AMSGradState) -> np.ndarray:
    """The factor multiplying m_t in the most recent step: eta_t / (1 - beta1^t) / d."""
    t = max(state.t, 1)
    second_moment = state.v_max if isinstance(state, AMSGradState) else state.v
    with np.errstate(divide="ignore"):
        eta = learning_rate_at(hp["learning_rate"], t, second_moment.shape)
        step_size, d = _adam_scale(hp, eta, second_moment, t)
        return np.divide(step_size, d, out=d)
