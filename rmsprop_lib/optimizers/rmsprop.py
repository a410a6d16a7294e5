"""RMSProp (Tieleman & Hinton 2012): divide by the root of a moving AVERAGE of squared gradients.

The whole update is ``_step`` below, in the order of its equations. The book's update rule is
``notation.md``'s: ``V_T = beta V_{T-1} + (1 - beta) g_T^2`` and
``w_T = w_{T-1} - eta g_T / (sqrt(V_T) + eps)``; the comments name the key results of
``facts.md`` (F1-F14) that each line makes true. Every switch adds one framework's variant.
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
    power,
    state_array,
)


class RMSPropState(NamedTuple):
    """RMSProp's state after ``t`` steps (read-only arrays shaped like the params)."""

    t: int
    v: np.ndarray  # V_T, the average of squared gradients
    m: np.ndarray  # m_T, the average gradient of the centered variant (zeros otherwise)
    b: np.ndarray  # b_T, the momentum buffer (zeros without momentum)


def rmsprop(
    learning_rate: float | ArrayLike | Schedule,
    beta: float | ArrayLike,
    eps: float | ArrayLike,
    eps_in_sqrt: bool = False,
    initial_accumulator: float | ArrayLike = 0.0,
    centered: bool = False,
    momentum: float | ArrayLike = 0.0,
    weight_decay: float | ArrayLike = 0.0,
    nesterov: bool = False,
    decoupled_weight_decay: float | ArrayLike = 0.0,
    bias_correction: bool = False,
) -> Optimizer:
    """RMSProp with the switches that make it PyTorch's, Keras', optax's or TF1's.

    - ``learning_rate`` eta > 0 (an array, or a schedule ``t -> eta_t`` of the 1-based step),
      ``beta`` in [0, 1), ``eps`` >= 0: no defaults (see ``rmsprop_lib.optimizers``);
    - ``weight_decay``: coupled L2 (PyTorch), ``g_T <- g_T + weight_decay w_{T-1}``;
    - ``V_T = beta V_{T-1} + (1 - beta) g_T^2`` with ``V_0 = initial_accumulator`` (TF1: 1.0);
    - ``centered`` (Graves 2013): ``m_T = beta m_{T-1} + (1 - beta) g_T``, and the variance
      ``V_T - m_T^2`` (clipped at 0) replaces ``V_T`` in ``d_T``;
    - ``bias_correction`` (optax): ``V_T`` and ``m_T`` are divided by ``1 - beta^T`` in ``d_T``;
    - ``d_T = sqrt(V_T) + eps``, or ``sqrt(V_T + eps)`` with ``eps_in_sqrt`` (Keras, TF1, optax);
    - ``u_T = eta_t g_T / d_T``, and ``u_T = 0`` where ``g_T = 0`` even if ``d_T = 0``;
    - ``momentum`` mu (Keras/TF/optax form, eta inside the buffer): ``b_T = mu b_{T-1} + u_T``
      and ``u_T <- b_T``, or ``u_T <- u_T + mu b_T`` with ``nesterov``. PyTorch keeps eta outside
      the buffer: the same for a constant eta up to rounding, different under a schedule;
    - ``w_T = w_{T-1} - u_T``, minus ``decoupled_weight_decay eta_t w_{T-1}`` (Keras 3).

    ``effective_learning_rate(state)`` is ``eta_t / d_T``: the factor that turned the (weight
    decayed) gradient g_T into u_T, before momentum and decoupled decay act.

    Centered with bias correction (or with ``beta = 0``) needs ``eps > 0``: its variance at step 1,
    ``V_1 / (1 - beta) - (m_1 / (1 - beta))^2 = g_1^2 - g_1^2``, is exactly 0, so ``d_1 = eps``.
    (Without either, it is ``beta (1 - beta) g_1^2 > 0``; under a constant gradient it still tends
    to 0, F12, so ``eps = 0`` lets a long centered run blow up: ``run`` labels that divergence.)
    """
    hyperparams = {
        "learning_rate": checks.learning_rate(learning_rate),
        "beta": checks.unit_interval("beta", beta),
        "eps": checks.non_negative("eps", eps),
        "eps_in_sqrt": checks.flag("eps_in_sqrt", eps_in_sqrt),
        "initial_accumulator": checks.non_negative("initial_accumulator", initial_accumulator),
        "centered": checks.flag("centered", centered),
        "momentum": checks.unit_interval("momentum", momentum),
        "weight_decay": checks.non_negative("weight_decay", weight_decay),
        "nesterov": checks.flag("nesterov", nesterov),
        "decoupled_weight_decay": checks.non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
        "bias_correction": checks.flag("bias_correction", bias_correction),
    }
    if _first_variance_is_zero_with_eps_zero(hyperparams):
        raise ValueError(
            "centered RMSProp with bias_correction (or beta = 0) needs eps > 0: its first "
            "variance estimate is exactly 0 (g_1^2 - g_1^2), so the first step divides by eps"
        )
    return make_optimizer("rmsprop", hyperparams, _init, _step, _effective_learning_rate)


def _first_variance_is_zero_with_eps_zero(hp: Mapping[str, Any]) -> bool:
    """Whether some coordinate is centered, with eps = 0, and bias-corrected or with beta = 0."""
    if not hp["centered"] or all_positive(hp["eps"]):
        return False
    zero_variance = True if hp["bias_correction"] else np.equal(hp["beta"], 0.0)
    try:
        return bool(np.any(np.equal(hp["eps"], 0.0) & zero_variance))
    except ValueError:  # eps and beta do not broadcast together: init will say so
        return False


def _init(hp: Mapping[str, Any], params: ArrayLike) -> RMSPropState:
    shape = checks.params_shape(hp, params)
    v_0 = state_array(shape, hp["initial_accumulator"])
    return RMSPropState(0, v_0, state_array(shape), state_array(shape))


def _step(hp, params, grads, state: RMSPropState) -> tuple[np.ndarray, RMSPropState]:
    """One RMSProp step: w_{T-1}, g_T and the state after T - 1 steps -> w_T and the new state."""
    w, g, t, eta = begin_step(hp, params, grads, state, RMSPropState)
    beta, eps, momentum = hp["beta"], hp["eps"], hp["momentum"]
    with np.errstate(all="ignore"):  # a diverging run may overflow: run() labels that row
        if any_nonzero(hp["weight_decay"]):  # coupled L2 (PyTorch)
            g = g + hp["weight_decay"] * w
        # V_T = beta V_{T-1} + (1 - beta) g_T^2, the average of F1-F3 (memory ~ 1 / (1 - beta))
        v = np.square(g)
        v *= 1.0 - beta  # in place: one temporary fewer (speed), as every *=, += and /= below
        spare = np.multiply(state.v, beta)  # beta V_{T-1}; its memory holds d_T below (speed)
        v += spare
        m = (1.0 - beta) * g + beta * state.m if hp["centered"] else state.m
        v_hat, m_hat = v, m
        if hp["bias_correction"]:  # optax: divide both averages by 1 - beta^T
            correction = 1.0 - power(beta, t)  # by squaring: a batch row = its single run
            v_hat, m_hat = v / correction, m / correction
        if hp["centered"]:  # the variance V_T - m_T^2 (F12); rounding may dip below 0
            v_hat = np.maximum(v_hat - np.square(m_hat), 0.0)
        if hp["eps_in_sqrt"]:  # d_T = sqrt(V_T + eps), else sqrt(V_T) + eps: F14 compares them
            d = np.sqrt(v_hat + eps)
        else:
            d = np.sqrt(v_hat, out=spare)
            d += eps
        # u_T = eta_t g_T / d_T; |u_T| <= eta / sqrt(1 - beta) when eps = 0 and V_0 = 0 (F7)
        u = eta * g
        if not all_positive(eps):  # eps = 0 lets d_T = 0: then g_T = 0 takes a step of 0, not NaN
            u = np.divide(u, d, out=np.zeros_like(u), where=u != 0.0)
        else:
            u /= d
        b = state.b
        if any_nonzero(momentum):  # b_T = momentum b_{T-1} + u_T (eta inside the buffer)
            b = momentum * state.b + u
            u = u + momentum * b if hp["nesterov"] else b.copy()  # copy: u is written over
            if not all_positive(momentum):  # batch rows without momentum keep b = 0, as alone
                b = np.where(momentum == 0.0, 0.0, b)
        if any_nonzero(hp["decoupled_weight_decay"]):  # Keras 3, on the old w
            w = w - hp["decoupled_weight_decay"] * w * eta
        new_w = np.subtract(w, u, out=u)  # w_T = w_{T-1} - u_T, written over u_T (speed)
    return new_w, RMSPropState(t, checks.read_only(v), checks.read_only(m), checks.read_only(b))


def _denominator(hp: Mapping[str, Any], state: RMSPropState, t: int) -> np.ndarray:
    """d_T of the state's V_T (and m_T), as ``_step`` computes it."""
    v, m = state.v, state.m
    if hp["bias_correction"]:
        correction = 1.0 - power(hp["beta"], t)
        v, m = v / correction, m / correction
    if hp["centered"]:
        v = np.maximum(v - np.square(m), 0.0)
    return np.sqrt(v + hp["eps"]) if hp["eps_in_sqrt"] else np.sqrt(v) + hp["eps"]


def _effective_learning_rate(hp: Mapping[str, Any], state: RMSPropState) -> np.ndarray:
    """eta_t / d_T for the last step (before any step: eta_1 / d_0)."""
    t = max(state.t, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = _denominator(hp, state, t)
        return checks.learning_rate_at(hp["learning_rate"], t, d.shape) / d
