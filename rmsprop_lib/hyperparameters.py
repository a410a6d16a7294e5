"""The checks every optimizer applies to its hyperparameters, its parameters and its gradients.

A bad value raises at once, naming the argument and the range it must lie in: ``TypeError`` for a
wrong type, ``ValueError`` for a value out of range or a shape that does not broadcast. Checked
numbers come back as floats, checked arrays as read-only float64 copies.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

Schedule = Callable[[int], Any]
"""``schedule(t) -> eta_t`` for the 1-based step index t; its output is validated when called."""

POSITIVE = ("> 0 and finite", lambda x: (x > 0) & np.isfinite(x))
NON_NEGATIVE = (">= 0 and finite", lambda x: (x >= 0) & np.isfinite(x))
UNIT_INTERVAL = ("in [0, 1)", lambda x: (x >= 0) & (x < 1))


def check_number(name: str, value: Any, allowed: tuple[str, Callable]) -> float | np.ndarray:
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


def check_unit_interval(name: str, value: Any) -> float | np.ndarray:
    return check_number(name, value, UNIT_INTERVAL)


def check_non_negative(name: str, value: Any) -> float | np.ndarray:
    return check_number(name, value, NON_NEGATIVE)


def check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def check_learning_rate(value: Any) -> float | np.ndarray | Schedule:
    """A positive number or array, or a schedule ``t -> eta_t`` (checked when called)."""
    return value if callable(value) else check_number("learning_rate", value, POSITIVE)


def learning_rate_at(
    learning_rate: float | np.ndarray | Schedule, t: int, shape: tuple[int, ...]
) -> float | np.ndarray:
    """eta_t: the learning rate itself, or the schedule's checked output for step t."""
    if not callable(learning_rate):
        return learning_rate
    name = f"learning_rate schedule at t={t}"
    eta = check_number(name, learning_rate(t), POSITIVE)
    if np.ndim(eta) and broadcast_shape(np.shape(eta), shape) != shape:
        raise ValueError(f"{name} has shape {np.shape(eta)}, not broadcastable to params {shape}")
    return eta


def checked_shape(hyperparams: Mapping[str, Any], params: ArrayLike) -> tuple[int, ...]:
    """The params' shape, after checking that every array hyperparameter broadcasts to it."""
    shape = as_float_array("params", params).shape
    if not shape:
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    for name, value in hyperparams.items():
        if isinstance(value, np.ndarray) and broadcast_shape(value.shape, shape) != shape:
            raise ValueError(f"{name} of shape {value.shape} does not broadcast to params {shape}")
    return shape


def broadcast_shape(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return np.broadcast_shapes(first, second)
    except ValueError:
        return None


def as_float_array(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False)  # promotes integers, never truncates


def params_and_grads(params: ArrayLike, grads: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    w, g = as_float_array("params", params), as_float_array("grads", grads)
    if w.ndim == 0:  # NumPy turns 0-d results into scalars, which the in-place arithmetic needs
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    if g.shape != w.shape:
        raise ValueError(f"grads shape {g.shape} does not match params shape {w.shape}")
    return w, g
