"""Optimizers as pure functions: ``opt.init(params) -> state``, ``opt.step(params, grads, state)``.

SGD, momentum, AdaGrad and RMSProp are here; Adam and AMSGrad in ``rmsprop_lib.adam``, the checks
of their hyperparameters in ``rmsprop_lib.hyperparameters``, the arithmetic their updates share in
``rmsprop_lib.updates``.

Notation of the book: ``g_t`` is the gradient of step ``t`` (1-based), ``V_T`` the accumulator of
squared gradients, ``beta`` its decay, ``eta`` (``eta_t`` under a schedule) the learning rate and
``eps`` the constant that keeps the denominator ``d`` away from zero. Updates are element-wise.

``learning_rate``, ``beta`` and ``eps`` have no defaults on purpose: PyTorch, Keras and optax
disagree on all three (RMSProp: eta 1e-2 / 1e-3 / none, beta 0.99 / 0.9 / 0.9, eps 1e-8 outside
the square root / 1e-7 inside / 1e-8 inside), so any default would silently pick one framework. Use
``rmsprop_lib.frameworks.from_framework`` to get a framework's defaults by name.

Every hyperparameter may be an array that broadcasts against the parameters (params ``(B, d)`` with
``learning_rate=lrs[:, None]`` runs B settings at once); each row equals its single run bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
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
from rmsprop_lib.updates import (
    all_positive,
    any_nonzero,
    apply_update,
    denominator,
    moving_average,
    power,
    scaled_step,
    with_weight_decay,
)


class Optimizer(NamedTuple):
    """An optimizer: pure functions plus the validated hyperparameters (read-only, for display)."""

    name: str
    init: Callable[[ArrayLike], Any]
    step: Callable[[np.ndarray, np.ndarray, Any], tuple[np.ndarray, Any]]
    effective_learning_rate: Callable[[Any], np.ndarray]
    hyperparams: Mapping[str, Any]


class SGDState(NamedTuple):
    t: int
    shape: tuple[int, ...] = ()  # the params' shape, so effective_learning_rate can broadcast eta


class MomentumState(NamedTuple):
    t: int
    b: np.ndarray


class AdaGradState(NamedTuple):
    t: int
    v: np.ndarray


class RMSPropState(NamedTuple):
    t: int
    v: np.ndarray  # V_T
    m: np.ndarray  # gradient average of the centered variant (zeros otherwise)
    b: np.ndarray  # momentum buffer (zeros when momentum == 0)


def make_optimizer(
    name: str, hyperparams: dict[str, Any], init: Callable, step: Callable, rate: Callable
) -> Optimizer:
    """The Optimizer whose functions ``init(hp, params)``, ``step(hp, params, grads, state)`` and
    ``rate(hp, state)`` receive the hyperparameters ``hp`` (read-only) as first argument."""
    frozen = MappingProxyType(hyperparams)
    return Optimizer(
        name, partial(init, frozen), partial(step, frozen), partial(rate, frozen), frozen
    )


# ------------------------------------------------------------------------- SGD and momentum


def sgd(learning_rate: float | ArrayLike | Schedule) -> Optimizer:
    """Plain gradient descent: ``w <- w - eta_t g_t``.

    ``learning_rate`` (no default, see the module docstring): eta > 0, an array of them, or a
    schedule ``t -> eta_t`` of the 1-based step index.
    """
    hyperparams = {"learning_rate": check_learning_rate(learning_rate)}
    return make_optimizer("sgd", hyperparams, _sgd_init, _sgd_step, _sgd_rate)


def _sgd_init(hp: Mapping[str, Any], params: ArrayLike) -> SGDState:
    return SGDState(0, checked_shape(hp, params))


def _sgd_step(hp, params, grads, state: SGDState) -> tuple[np.ndarray, SGDState]:
    w, g = params_and_grads(params, grads)
    t = state.t + 1
    with np.errstate(all="ignore"):
        return w - learning_rate_at(hp["learning_rate"], t, w.shape) * g, SGDState(t, w.shape)


def _sgd_rate(hp, state: SGDState | MomentumState) -> np.ndarray:
    shape = state.shape if isinstance(state, SGDState) else state.b.shape
    return np.full(shape, learning_rate_at(hp["learning_rate"], max(state.t, 1), shape))


def momentum(
    learning_rate: float | ArrayLike | Schedule,
    beta: float | ArrayLike,
    nesterov: bool = False,
    weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """Heavy-ball momentum in the ``torch.optim.SGD`` form.

    ``g_t <- g_t + weight_decay w`` (coupled L2); ``b_t = beta b_{t-1} + g_t`` with ``b_0 = 0`` (so
    ``b_1 = g_1``); ``w <- w - eta_t b_t``; Nesterov: ``w <- w - eta_t (g_t + beta b_t)``.
    ``learning_rate`` and ``beta`` (in [0, 1)) have no defaults, see the module docstring.
    """
    hyperparams = {
        "learning_rate": check_learning_rate(learning_rate),
        "beta": check_unit_interval("beta", beta),
        "nesterov": check_bool("nesterov", nesterov),
        "weight_decay": check_non_negative("weight_decay", weight_decay),
    }
    return make_optimizer("momentum", hyperparams, _momentum_init, _momentum_step, _sgd_rate)


def _momentum_init(hp: Mapping[str, Any], params: ArrayLike) -> MomentumState:
    return MomentumState(0, np.zeros(checked_shape(hp, params)))


def _momentum_step(hp, params, grads, state: MomentumState) -> tuple[np.ndarray, MomentumState]:
    w, g = params_and_grads(params, grads)
    t = state.t + 1
    eta = learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = with_weight_decay(g, w, hp["weight_decay"])
        b = np.multiply(state.b, hp["beta"])
        b += g
        direction = g + hp["beta"] * b if hp["nesterov"] else b
        return w - eta * direction, MomentumState(t, b)


# ------------------------------------------------------------------------- AdaGrad


def adagrad(
    learning_rate: float | ArrayLike | Schedule,
    eps: float | ArrayLike,
    initial_accumulator: float | ArrayLike = 0.0,
    eps_in_sqrt: bool = False,
    lr_decay: float | ArrayLike = 0.0,
    weight_decay: float | ArrayLike = 0.0,
    decoupled_weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """AdaGrad (Duchi et al. 2011): divide by the root of the SUM of all squared gradients.

    ``eta_t = eta / (1 + (t - 1) lr_decay)`` (PyTorch); ``g_t <- g_t + weight_decay w`` (coupled);
    ``V_T = V_{T-1} + g_t^2`` with ``V_0 = initial_accumulator``; ``d = sqrt(V_T) + eps`` (or
    ``sqrt(V_T + eps)`` when ``eps_in_sqrt``);
    ``w <- w - w decoupled_weight_decay eta_t - eta_t g_t / d`` (decoupled as Keras 3, old w).
    Where ``d == 0`` (so ``g_t == 0``) the update is 0, not NaN.
    ``learning_rate`` and ``eps`` have no defaults, see the module docstring.
    """
    hyperparams = {
        "learning_rate": check_learning_rate(learning_rate),
        "eps": check_non_negative("eps", eps),
        "initial_accumulator": check_non_negative("initial_accumulator", initial_accumulator),
        "eps_in_sqrt": check_bool("eps_in_sqrt", eps_in_sqrt),
        "lr_decay": check_non_negative("lr_decay", lr_decay),
        "weight_decay": check_non_negative("weight_decay", weight_decay),
        "decoupled_weight_decay": check_non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
    }
    return make_optimizer("adagrad", hyperparams, _adagrad_init, _adagrad_step, _adagrad_rate)


def _adagrad_init(hp: Mapping[str, Any], params: ArrayLike) -> AdaGradState:
    shape = checked_shape(hp, params)
    return AdaGradState(0, np.full(shape, hp["initial_accumulator"], dtype=np.float64))


def _adagrad_learning_rate(hp: Mapping[str, Any], t: int, shape) -> float | np.ndarray:
    eta = learning_rate_at(hp["learning_rate"], t, shape)
    return eta / (1.0 + (t - 1) * hp["lr_decay"]) if any_nonzero(hp["lr_decay"]) else eta


def _adagrad_step(hp, params, grads, state: AdaGradState) -> tuple[np.ndarray, AdaGradState]:
    w, g = params_and_grads(params, grads)
    t = state.t + 1
    eta = _adagrad_learning_rate(hp, t, w.shape)
    with np.errstate(all="ignore"):
        g = with_weight_decay(g, w, hp["weight_decay"])
        v = np.multiply(g, g)
        v += state.v
        u = scaled_step(eta, g, denominator(v, hp["eps"], hp["eps_in_sqrt"]), hp["eps"])
        return apply_update(w, u, hp["decoupled_weight_decay"], eta), AdaGradState(t, v)


def _adagrad_rate(hp, state: AdaGradState) -> np.ndarray:
    with np.errstate(divide="ignore"):
        d = denominator(state.v, hp["eps"], hp["eps_in_sqrt"])
        return np.divide(_adagrad_learning_rate(hp, max(state.t, 1), d.shape), d, out=d)


# ------------------------------------------------------------------------- RMSProp


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
    """RMSProp (Tieleman & Hinton 2012): divide by the root of a moving AVERAGE of squared g_t.

    - ``g_t <- g_t + weight_decay w`` (coupled L2, PyTorch);
    - ``V_T = beta V_{T-1} + (1 - beta) g_t^2``, ``V_0 = initial_accumulator`` (TF1 uses 1.0);
    - centered (Graves 2013): ``m_T = beta m_{T-1} + (1 - beta) g_t``; ``V_T - m_T^2`` (clipped
      at 0) replaces ``V_T`` in ``d``;
    - bias_correction (optax): ``V_T`` and ``m_T`` are divided by ``1 - beta^t`` in ``d``;
    - ``d = sqrt(V_T) + eps`` (PyTorch), or ``sqrt(V_T + eps)`` if ``eps_in_sqrt`` (Keras, TF1,
      optax); ``u = eta_t g_t / d``, 0 where ``g_t == 0`` even if ``d == 0``;
    - ``momentum == 0``: ``w <- w - u``; ``momentum > 0`` (Keras/TF form, eta inside the buffer):
      ``b_t = momentum b_{t-1} + u``, ``w <- w - b_t``; nesterov (optax):
      ``w <- w - (u + momentum b_t)``. PyTorch keeps eta outside the buffer
      (``b_t = momentum b_{t-1} + g_t / d``, ``w <- w - eta b_t``): the same for a constant eta up
      to rounding, different under a schedule;
    - ``decoupled_weight_decay`` (Keras 3): ``w <- w - w decoupled_weight_decay eta_t - ...``
      with the old w.

    ``learning_rate``, ``beta`` (in [0, 1)) and ``eps`` (>= 0) have no defaults: the frameworks
    disagree on them (see the module docstring and ``rmsprop_lib.frameworks``).
    """
    hyperparams = {
        "learning_rate": check_learning_rate(learning_rate),
        "beta": check_unit_interval("beta", beta),
        "eps": check_non_negative("eps", eps),
        "eps_in_sqrt": check_bool("eps_in_sqrt", eps_in_sqrt),
        "initial_accumulator": check_non_negative("initial_accumulator", initial_accumulator),
        "centered": check_bool("centered", centered),
        "momentum": check_unit_interval("momentum", momentum),
        "weight_decay": check_non_negative("weight_decay", weight_decay),
        "nesterov": check_bool("nesterov", nesterov),
        "decoupled_weight_decay": check_non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
        "bias_correction": check_bool("bias_correction", bias_correction),
    }
    return make_optimizer("rmsprop", hyperparams, _rmsprop_init, _rmsprop_step, _rmsprop_rate)


def _rmsprop_init(hp: Mapping[str, Any], params: ArrayLike) -> RMSPropState:
    shape = checked_shape(hp, params)
    v = np.full(shape, hp["initial_accumulator"], dtype=np.float64)
    return RMSPropState(0, v, np.zeros(shape), np.zeros(shape))


def _rmsprop_step(hp, params, grads, state: RMSPropState) -> tuple[np.ndarray, RMSPropState]:
    w, g = params_and_grads(params, grads)
    t = state.t + 1
    eta = learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = with_weight_decay(g, w, hp["weight_decay"])
        spare = np.empty_like(g)  # beta V_{T-1}, then d: one large allocation fewer per step
        v = moving_average(state.v, np.multiply(g, g), hp["beta"], spare)
        m = moving_average(state.m, g.copy(), hp["beta"]) if hp["centered"] else state.m
        u = scaled_step(eta, g, _rmsprop_denominator(hp, v, m, t, out=spare), hp["eps"])
        b, u = _rmsprop_momentum(hp, state.b, u)
        return apply_update(w, u, hp["decoupled_weight_decay"], eta), RMSPropState(t, v, m, b)


def _rmsprop_denominator(hp, v: np.ndarray, m: np.ndarray, t: int, out: np.ndarray) -> np.ndarray:
    """d from V_T (bias-corrected and/or centered as configured), written into ``out``."""
    if hp["bias_correction"]:
        correction = 1.0 - power(hp["beta"], t)
        v, m = np.divide(v, correction, out=out), m / correction
    if hp["centered"]:
        v = np.subtract(v, np.square(m), out=out)
        np.maximum(v, 0.0, out=v)  # V_T >= m_T^2 in exact arithmetic; rounding may dip below
    return denominator(v, hp["eps"], hp["eps_in_sqrt"], out=out)


def _rmsprop_momentum(hp, b: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(new buffer, update to subtract); the update is a temporary the caller may overwrite."""
    momentum = hp["momentum"]
    if not any_nonzero(momentum):
        return b, u
    b = np.multiply(b, momentum)
    b += u
    if hp["nesterov"]:
        u += momentum * b
    else:
        np.copyto(u, b)
    if not all_positive(momentum):  # batch rows with momentum 0 keep b = 0, as their single runs
        np.copyto(b, 0.0, where=np.equal(momentum, 0.0))
    return b, u


def _rmsprop_rate(hp, state: RMSPropState) -> np.ndarray:
    t = max(state.t, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = _rmsprop_denominator(hp, state.v, state.m, t, out=np.empty_like(state.v))
        return np.divide(learning_rate_at(hp["learning_rate"], t, d.shape), d, out=d)
