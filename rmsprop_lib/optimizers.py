"""Optimizers as pure functions: ``opt.init(params) -> state``, ``opt.step(params, grads, state)``.

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

import numbers
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

Schedule = Callable[[int], Any]
"""``schedule(t) -> eta_t`` for the 1-based step index t; its output is validated when called."""


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


class AdamState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray


class AMSGradState(NamedTuple):
    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: np.ndarray


# ------------------------------------------------------------------------- hyperparameter checks

_POSITIVE = ("> 0 and finite", lambda x: (x > 0) & np.isfinite(x))
_NON_NEGATIVE = (">= 0 and finite", lambda x: (x >= 0) & np.isfinite(x))
_UNIT_INTERVAL = ("in [0, 1)", lambda x: (x >= 0) & (x < 1))


def _check_number(name: str, value: Any, allowed: tuple[str, Callable]) -> float | np.ndarray:
    """``value`` as a float or a read-only float64 copy, after checking its type and range."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | np.ndarray):
        raise TypeError(f"{name} must be a real number or array, got {value!r}")
    if isinstance(value, np.ndarray) and value.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or array, got an array of dtype {value.dtype}"
        )
    array = np.array(value, dtype=np.float64)  # a copy: the caller's later edits cannot leak in
    description, is_allowed = allowed
    bad = np.flatnonzero(~is_allowed(array))
    if bad.size:
        index = tuple(int(i) for i in np.unravel_index(bad[0], array.shape))
        where = f" at index {index}" if index else ""
        raise ValueError(f"{name} must be {description}, got {array.flat[bad[0]].item()!r}{where}")
    if array.ndim == 0:
        return float(array)
    array.flags.writeable = False
    return array


def _check_unit_interval(name: str, value: Any) -> float | np.ndarray:
    return _check_number(name, value, _UNIT_INTERVAL)


def _check_non_negative(name: str, value: Any) -> float | np.ndarray:
    return _check_number(name, value, _NON_NEGATIVE)


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def _check_learning_rate(value: Any) -> float | np.ndarray | Schedule:
    """A positive number or array, or a schedule ``t -> eta_t`` (checked when called)."""
    return value if callable(value) else _check_number("learning_rate", value, _POSITIVE)


def _learning_rate_at(learning_rate, t: int, shape: tuple[int, ...]) -> float | np.ndarray:
    """eta_t: the learning rate itself, or the schedule's checked output for step t."""
    if not callable(learning_rate):
        return learning_rate
    name = f"learning_rate schedule at t={t}"
    eta = _check_number(name, learning_rate(t), _POSITIVE)
    if np.ndim(eta) and _broadcast_shape(np.shape(eta), shape) != shape:
        raise ValueError(f"{name} has shape {np.shape(eta)}, not broadcastable to params {shape}")
    return eta


def _checked_shape(hyperparams: Mapping[str, Any], params: ArrayLike) -> tuple[int, ...]:
    """The params' shape, after checking that every array hyperparameter broadcasts to it."""
    shape = _as_float_array("params", params).shape
    if not shape:
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    for name, value in hyperparams.items():
        if isinstance(value, np.ndarray) and _broadcast_shape(value.shape, shape) != shape:
            raise ValueError(f"{name} of shape {value.shape} does not broadcast to params {shape}")
    return shape


def _broadcast_shape(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return np.broadcast_shapes(first, second)
    except ValueError:
        return None


def _as_float_array(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False)  # promotes integers, never truncates


def _params_and_grads(params: ArrayLike, grads: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    w, g = _as_float_array("params", params), _as_float_array("grads", grads)
    if w.ndim == 0:  # NumPy turns 0-d results into scalars, which the in-place arithmetic needs
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    if g.shape != w.shape:
        raise ValueError(f"grads shape {g.shape} does not match params shape {w.shape}")
    return w, g


def _optimizer(name: str, hyperparams: dict[str, Any], init, step, rate) -> Optimizer:
    frozen = MappingProxyType(hyperparams)
    return Optimizer(
        name, partial(init, frozen), partial(step, frozen), partial(rate, frozen), frozen
    )


# ------------------------------------------------------------------------- shared arithmetic


def _power(base: float | np.ndarray, exponent: int) -> float | np.ndarray:
    """``base ** exponent`` by repeated squaring: plain multiplications give the same bits for a
    scalar and for an array row (``np.power`` may take different SIMD paths for the two)."""
    result, factor = 1.0, base
    while exponent:
        if exponent & 1:
            result = result * factor
        factor = factor * factor
        exponent >>= 1
    return result


def _nonzero(value: float | np.ndarray) -> bool:
    """Whether a validated hyperparameter has a non-zero entry (cheaper than np.any on a float)."""
    return value != 0.0 if isinstance(value, float) else bool(value.any())


def _all_positive(value: float | np.ndarray) -> bool:
    """Whether a validated non-negative hyperparameter has no zero entry."""
    return value != 0.0 if isinstance(value, float) else bool(value.all())


def _with_weight_decay(g: np.ndarray, w: np.ndarray, weight_decay) -> np.ndarray:
    """Coupled (L2, PyTorch) weight decay: g <- g + weight_decay w."""
    return g + weight_decay * w if _nonzero(weight_decay) else g


def _moving_average(average: np.ndarray, sample: np.ndarray, beta, spare=None) -> np.ndarray:
    """beta average + (1 - beta) sample, computed in ``sample`` (a temporary: overwritten).
    ``spare``, an optional array shaped like the result, holds beta average on the way."""
    sample *= 1.0 - beta
    sample += np.multiply(average, beta, out=spare)
    return sample


def _denominator(second_moment: np.ndarray, eps, eps_in_sqrt: bool, out=None) -> np.ndarray:
    """d = sqrt(V) + eps, or sqrt(V + eps) when ``eps_in_sqrt``; a new array, or ``out``."""
    if eps_in_sqrt:
        d = np.add(second_moment, eps, out=out)
        return np.sqrt(d, out=d)
    d = np.sqrt(second_moment, out=out)
    d += eps
    return d


def _scaled(eta: float | np.ndarray, numerator: np.ndarray, d: np.ndarray, eps) -> np.ndarray:
    """u = eta numerator / d (a new array); 0 where numerator == 0, so 0/0 is 0, not NaN."""
    u = np.multiply(numerator, eta)
    zero = u == 0 if not _all_positive(eps) else None  # d > 0 everywhere when eps > 0
    u /= d
    if zero is not None:
        u[zero] = 0.0
    return u


def _apply(w: np.ndarray, u: np.ndarray, decoupled_weight_decay, eta) -> np.ndarray:
    """w - u, or (decoupled, Keras 3) w - w wd eta_t - u using the old w; overwrites ``u``."""
    if not _nonzero(decoupled_weight_decay):
        return np.subtract(w, u, out=u)
    decayed = np.multiply(w, decoupled_weight_decay)
    decayed *= eta
    np.subtract(w, decayed, out=decayed)
    decayed -= u
    return decayed


# ------------------------------------------------------------------------- SGD and momentum


def sgd(learning_rate: float | ArrayLike | Schedule) -> Optimizer:
    """Plain gradient descent: ``w <- w - eta_t g_t``.

    ``learning_rate`` (no default, see the module docstring): eta > 0, an array of them, or a
    schedule ``t -> eta_t`` of the 1-based step index.
    """
    hyperparams = {"learning_rate": _check_learning_rate(learning_rate)}
    return _optimizer("sgd", hyperparams, _sgd_init, _sgd_step, _sgd_rate)


def _sgd_init(hp: Mapping[str, Any], params: ArrayLike) -> SGDState:
    return SGDState(0, _checked_shape(hp, params))


def _sgd_step(hp, params, grads, state: SGDState) -> tuple[np.ndarray, SGDState]:
    w, g = _params_and_grads(params, grads)
    t = state.t + 1
    with np.errstate(all="ignore"):
        return w - _learning_rate_at(hp["learning_rate"], t, w.shape) * g, SGDState(t, w.shape)


def _sgd_rate(hp, state: SGDState | MomentumState) -> np.ndarray:
    shape = state.shape if isinstance(state, SGDState) else state.b.shape
    return np.full(shape, _learning_rate_at(hp["learning_rate"], max(state.t, 1), shape))


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
        "learning_rate": _check_learning_rate(learning_rate),
        "beta": _check_unit_interval("beta", beta),
        "nesterov": _check_bool("nesterov", nesterov),
        "weight_decay": _check_non_negative("weight_decay", weight_decay),
    }
    return _optimizer("momentum", hyperparams, _momentum_init, _momentum_step, _sgd_rate)


def _momentum_init(hp: Mapping[str, Any], params: ArrayLike) -> MomentumState:
    return MomentumState(0, np.zeros(_checked_shape(hp, params)))


def _momentum_step(hp, params, grads, state: MomentumState) -> tuple[np.ndarray, MomentumState]:
    w, g = _params_and_grads(params, grads)
    t = state.t + 1
    eta = _learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = _with_weight_decay(g, w, hp["weight_decay"])
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
        "learning_rate": _check_learning_rate(learning_rate),
        "eps": _check_non_negative("eps", eps),
        "initial_accumulator": _check_non_negative("initial_accumulator", initial_accumulator),
        "eps_in_sqrt": _check_bool("eps_in_sqrt", eps_in_sqrt),
        "lr_decay": _check_non_negative("lr_decay", lr_decay),
        "weight_decay": _check_non_negative("weight_decay", weight_decay),
        "decoupled_weight_decay": _check_non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
    }
    return _optimizer("adagrad", hyperparams, _adagrad_init, _adagrad_step, _adagrad_rate)


def _adagrad_init(hp: Mapping[str, Any], params: ArrayLike) -> AdaGradState:
    shape = _checked_shape(hp, params)
    return AdaGradState(0, np.full(shape, hp["initial_accumulator"], dtype=np.float64))


def _adagrad_learning_rate(hp: Mapping[str, Any], t: int, shape) -> float | np.ndarray:
    eta = _learning_rate_at(hp["learning_rate"], t, shape)
    return eta / (1.0 + (t - 1) * hp["lr_decay"]) if _nonzero(hp["lr_decay"]) else eta


def _adagrad_step(hp, params, grads, state: AdaGradState) -> tuple[np.ndarray, AdaGradState]:
    w, g = _params_and_grads(params, grads)
    t = state.t + 1
    eta = _adagrad_learning_rate(hp, t, w.shape)
    with np.errstate(all="ignore"):
        g = _with_weight_decay(g, w, hp["weight_decay"])
        v = np.multiply(g, g)
        v += state.v
        u = _scaled(eta, g, _denominator(v, hp["eps"], hp["eps_in_sqrt"]), hp["eps"])
        return _apply(w, u, hp["decoupled_weight_decay"], eta), AdaGradState(t, v)


def _adagrad_rate(hp, state: AdaGradState) -> np.ndarray:
    with np.errstate(divide="ignore"):
        d = _denominator(state.v, hp["eps"], hp["eps_in_sqrt"])
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
        "learning_rate": _check_learning_rate(learning_rate),
        "beta": _check_unit_interval("beta", beta),
        "eps": _check_non_negative("eps", eps),
        "eps_in_sqrt": _check_bool("eps_in_sqrt", eps_in_sqrt),
        "initial_accumulator": _check_non_negative("initial_accumulator", initial_accumulator),
        "centered": _check_bool("centered", centered),
        "momentum": _check_unit_interval("momentum", momentum),
        "weight_decay": _check_non_negative("weight_decay", weight_decay),
        "nesterov": _check_bool("nesterov", nesterov),
        "decoupled_weight_decay": _check_non_negative(
            "decoupled_weight_decay", decoupled_weight_decay
        ),
        "bias_correction": _check_bool("bias_correction", bias_correction),
    }
    return _optimizer("rmsprop", hyperparams, _rmsprop_init, _rmsprop_step, _rmsprop_rate)


def _rmsprop_init(hp: Mapping[str, Any], params: ArrayLike) -> RMSPropState:
    shape = _checked_shape(hp, params)
    v = np.full(shape, hp["initial_accumulator"], dtype=np.float64)
    return RMSPropState(0, v, np.zeros(shape), np.zeros(shape))


def _rmsprop_step(hp, params, grads, state: RMSPropState) -> tuple[np.ndarray, RMSPropState]:
    w, g = _params_and_grads(params, grads)
    t = state.t + 1
    eta = _learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = _with_weight_decay(g, w, hp["weight_decay"])
        spare = np.empty_like(g)  # beta V_{T-1}, then d: one large allocation fewer per step
        v = _moving_average(state.v, np.multiply(g, g), hp["beta"], spare)
        m = _moving_average(state.m, g.copy(), hp["beta"]) if hp["centered"] else state.m
        u = _scaled(eta, g, _rmsprop_denominator(hp, v, m, t, out=spare), hp["eps"])
        b, u = _rmsprop_momentum(hp, state.b, u)
        return _apply(w, u, hp["decoupled_weight_decay"], eta), RMSPropState(t, v, m, b)


def _rmsprop_denominator(hp, v: np.ndarray, m: np.ndarray, t: int, out: np.ndarray) -> np.ndarray:
    """d from V_T (bias-corrected and/or centered as configured), written into ``out``."""
    if hp["bias_correction"]:
        correction = 1.0 - _power(hp["beta"], t)
        v, m = np.divide(v, correction, out=out), m / correction
    if hp["centered"]:
        v = np.subtract(v, np.square(m), out=out)
        np.maximum(v, 0.0, out=v)  # V_T >= m_T^2 in exact arithmetic; rounding may dip below
    return _denominator(v, hp["eps"], hp["eps_in_sqrt"], out=out)


def _rmsprop_momentum(hp, b: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(new buffer, update to subtract); the update is a temporary the caller may overwrite."""
    momentum = hp["momentum"]
    if not _nonzero(momentum):
        return b, u
    b = np.multiply(b, momentum)
    b += u
    if hp["nesterov"]:
        u += momentum * b
    else:
        np.copyto(u, b)
    if not _all_positive(momentum):  # batch rows with momentum 0 keep b = 0, as their single runs
        np.copyto(b, 0.0, where=np.equal(momentum, 0.0))
    return b, u


def _rmsprop_rate(hp, state: RMSPropState) -> np.ndarray:
    t = max(state.t, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = _rmsprop_denominator(hp, state.v, state.m, t, out=np.empty_like(state.v))
        return np.divide(_learning_rate_at(hp["learning_rate"], t, d.shape), d, out=d)


# ------------------------------------------------------------------------- Adam and AMSGrad


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
    return _optimizer(
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
    return _optimizer(
        "amsgrad", hyperparams, partial(_adam_init, True), partial(_adam_step, True), _adam_rate
    )


def _adam_hyperparams(
    learning_rate, beta1, beta2, eps, bias_correction, weight_decay
) -> dict[str, Any]:
    return {
        "learning_rate": _check_learning_rate(learning_rate),
        "beta1": _check_unit_interval("beta1", beta1),
        "beta2": _check_unit_interval("beta2", beta2),
        "eps": _check_non_negative("eps", eps),
        "bias_correction": _check_bool("bias_correction", bias_correction),
        "weight_decay": _check_non_negative("weight_decay", weight_decay),
    }


def _adam_init(amsgrad: bool, hp: Mapping[str, Any], params: ArrayLike) -> AdamState | AMSGradState:
    shape = _checked_shape(hp, params)
    if amsgrad:
        return AMSGradState(0, np.zeros(shape), np.zeros(shape), np.zeros(shape))
    return AdamState(0, np.zeros(shape), np.zeros(shape))


def _adam_step(amsgrad: bool, hp, params, grads, state) -> tuple[np.ndarray, Any]:
    w, g = _params_and_grads(params, grads)
    t = state.t + 1
    eta = _learning_rate_at(hp["learning_rate"], t, w.shape)
    with np.errstate(all="ignore"):
        g = _with_weight_decay(g, w, hp["weight_decay"])
        m = _moving_average(state.m, g.copy(), hp["beta1"])
        v = _moving_average(state.v, np.multiply(g, g), hp["beta2"])
        v_max = np.maximum(state.v_max, v) if amsgrad else v
        step_size, d = _adam_scale(hp, eta, v_max, t)
        new_w = _apply(w, _scaled(step_size, m, d, hp["eps"]), 0.0, eta)
    return new_w, AMSGradState(t, m, v, v_max) if amsgrad else AdamState(t, m, v)


def _adam_scale(hp, eta, second_moment: np.ndarray, t: int) -> tuple[Any, np.ndarray]:
    """(eta_t / (1 - beta1^t), sqrt(V_T) / sqrt(1 - beta2^t) + eps), or (eta_t, sqrt(V_T) + eps)."""
    if not hp["bias_correction"]:
        return eta, _denominator(second_moment, hp["eps"], eps_in_sqrt=False)
    d = np.sqrt(second_moment)
    d /= np.sqrt(1.0 - _power(hp["beta2"], t))
    d += hp["eps"]
    return eta / (1.0 - _power(hp["beta1"], t)), d


def _adam_rate(hp, state: AdamState | AMSGradState) -> np.ndarray:
    """The factor multiplying m_t in the most recent step: eta_t / (1 - beta1^t) / d."""
    t = max(state.t, 1)
    second_moment = state.v_max if isinstance(state, AMSGradState) else state.v
    with np.errstate(divide="ignore"):
        eta = _learning_rate_at(hp["learning_rate"], t, second_moment.shape)
        step_size, d = _adam_scale(hp, eta, second_moment, t)
        return np.divide(step_size, d, out=d)
