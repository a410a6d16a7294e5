"""Every check the library applies to what a caller passes in, in one place.

A bad value raises at once, naming the argument and what it must be: ``TypeError`` for a wrong
type, ``ValueError`` for a value out of range, a non-finite gradient, or a shape that does not
fit. NumPy scalars (``np.float64(0.5)``, ``np.True_``) are accepted wherever the Python ones are.

- Hyperparameters of the optimizers (:func:`positive`, :func:`non_negative`,
  :func:`unit_interval`, :func:`open_unit_interval`, :func:`flag`, :func:`learning_rate`) may be
  arrays that broadcast against the parameters: numbers come back as floats, arrays as read-only
  float64 copies.
- Arguments of the objectives and the runner (:func:`real`, :func:`integer`, :func:`real_matrix`)
  are single numbers or data arrays; a formula's array arguments (:func:`real_values`,
  :func:`broadcast_together`) may also be lists, and must broadcast against each other.
- :func:`params_and_grads` and :func:`state_fits` guard every optimizer step.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

Schedule = Callable[[int], Any]
"""``schedule(t) -> eta_t`` for the 1-based step index t; its output is checked when called."""

_POSITIVE = ("> 0 and finite", lambda x: (x > 0) & np.isfinite(x))
_NON_NEGATIVE = (">= 0 and finite", lambda x: (x >= 0) & np.isfinite(x))
_UNIT_INTERVAL = ("in [0, 1)", lambda x: (x >= 0) & (x < 1))
_OPEN_UNIT_INTERVAL = ("in (0, 1)", lambda x: (x > 0) & (x < 1))


# ----------------------------------------------------------------- hyperparameters of optimizers


def _number_or_array(name: str, value: Any, rule: tuple[str, Callable]) -> float | np.ndarray:
    """``value`` as a float or a read-only float64 copy, after checking its type and range."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | np.ndarray):
        raise TypeError(f"{name} must be a real number or array, got {value!r}")
    if isinstance(value, np.ndarray) and value.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or array, got an array of dtype {value.dtype}"
        )
    array = np.array(value, dtype=np.float64)  # a copy: the caller's later edits cannot leak in
    description, allowed = rule
    bad = np.flatnonzero(~allowed(array))
    if bad.size:
        index = tuple(int(i) for i in np.unravel_index(bad[0], array.shape))
        where = f" at index {index}" if index else ""
        raise ValueError(f"{name} must be {description}, got {array.flat[bad[0]].item()!r}{where}")
    if array.ndim == 0:
        return float(array)
    return read_only(array)


def positive(name: str, value: Any) -> float | np.ndarray:
    return _number_or_array(name, value, _POSITIVE)


def non_negative(name: str, value: Any) -> float | np.ndarray:
    return _number_or_array(name, value, _NON_NEGATIVE)


def unit_interval(name: str, value: Any) -> float | np.ndarray:
    return _number_or_array(name, value, _UNIT_INTERVAL)


def open_unit_interval(name: str, value: Any) -> float | np.ndarray:
    return _number_or_array(name, value, _OPEN_UNIT_INTERVAL)


def flag(name: str, value: Any) -> bool:
    """A switch: ``True``/``False`` or NumPy's ``np.True_``/``np.False_`` (not 0, 1 or arrays)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def learning_rate(value: Any) -> float | np.ndarray | Schedule:
    """A positive number or array, or a schedule ``t -> eta_t`` (checked when called)."""
    return value if callable(value) else positive("learning_rate", value)


def learning_rate_at(
    rate: float | np.ndarray | Schedule, t: int, shape: tuple[int, ...]
) -> float | np.ndarray:
    """eta_t: the learning rate itself, or the schedule's checked output for step t."""
    if not callable(rate):
        return rate
    name = f"learning_rate schedule at t={t}"
    eta = positive(name, rate(t))
    if np.ndim(eta) and _broadcast_shape(np.shape(eta), shape) != shape:
        raise ValueError(f"{name} has shape {np.shape(eta)}, not broadcastable to params {shape}")
    return eta


def real_values(name: str, value: Any, check: Callable = positive) -> float | np.ndarray:
    """``value`` (a number, an array, or a list or tuple of numbers) checked by ``check``.

    A list or tuple becomes an array first; a bool in it is a TypeError, as a bool alone is.
    """
    if isinstance(value, list | tuple):
        if any(isinstance(x, bool | np.bool_) for x in np.asarray(value, dtype=object).flat):
            raise TypeError(f"{name} must hold real numbers, not bools, got {value!r}")
        value = np.asarray(value)
    return check(name, value)


def broadcast_together(first: str, a: Any, second: str, b: Any) -> None:
    """A ValueError naming both arguments when their shapes do not broadcast."""
    if _broadcast_shape(np.shape(a), np.shape(b)) is None:
        raise ValueError(
            f"{first} of shape {np.shape(a)} and {second} of shape {np.shape(b)} "
            "do not broadcast against each other"
        )


# ----------------------------------------------------------------- params, grads and state


def params_shape(hyperparams: Mapping[str, Any], params: ArrayLike) -> tuple[int, ...]:
    """The params' shape, after checking that every array hyperparameter broadcasts to it."""
    shape = _real_array("params", params).shape
    if not shape:
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    for name, value in hyperparams.items():
        if isinstance(value, np.ndarray) and _broadcast_shape(value.shape, shape) != shape:
            raise ValueError(f"{name} of shape {value.shape} does not broadcast to params {shape}")
    return shape


def params_and_grads(params: ArrayLike, grads: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Both as float64 arrays of one shape; a NaN or infinite gradient is a ValueError.

    A non-finite gradient is bad input, not an outcome: the step would silently turn the
    parameters into NaN. (Divergence inside ``run`` is an outcome, recorded per row.)
    """
    w, g = _real_array("params", params), _real_array("grads", grads)
    if w.ndim == 0:
        raise ValueError("params must have at least one dimension (use np.atleast_1d)")
    if g.shape != w.shape:
        raise ValueError(f"grads shape {g.shape} does not match params shape {w.shape}")
    with np.errstate(over="ignore", invalid="ignore"):  # a sum of huge finite values may overflow
        total = np.add.reduce(g, axis=None)
    if not math.isfinite(total):  # one cheap pass; the exact check only when it fails
        bad = np.flatnonzero(~np.isfinite(g))
        if bad.size:
            index = tuple(int(i) for i in np.unravel_index(bad[0], g.shape))
            raise ValueError(f"grads must be finite, got {g.flat[bad[0]].item()!r} at {index}")
    return w, g


def state_fits(state: Any, state_type: type[NamedTuple], shape: tuple[int, ...]) -> None:
    """Check that ``state`` came from this optimizer's ``init`` for params of ``shape``."""
    if not isinstance(state, state_type):
        raise TypeError(
            f"state must be a {state_type.__name__} (from this optimizer's init), "
            f"got {type(state).__name__}"
        )
    for field, value in zip(state._fields, state, strict=True):
        if isinstance(value, np.ndarray) and value.shape != shape:
            raise ValueError(
                f"state.{field} has shape {value.shape} but params have shape {shape}: "
                "make the state with init(params) for these params"
            )


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` itself, made read-only (so no later write can change a value handed out)."""
    array.flags.writeable = False
    return array


def _real_array(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False)  # promotes integers, never truncates


def _broadcast_shape(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return np.broadcast_shapes(first, second)
    except ValueError:
        return None


# ----------------------------------------------------------------- objectives, runner, data


def real(name: str, value: object, *, above=None, at_least=None, at_most=None) -> float:
    """``value`` as a float, or raise naming ``name``: real, finite and in range."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if above is not None and not number > above:
        raise ValueError(f"{name} must be > {above:g}, got {value!r}")
    if at_least is not None and not number >= at_least:
        raise ValueError(f"{name} must be >= {at_least:g}, got {value!r}")
    if at_most is not None and not number <= at_most:
        raise ValueError(f"{name} must be <= {at_most:g}, got {value!r}")
    return number


def integer(name: str, value: object, *, at_least: int) -> int:
    """``value`` as an int >= ``at_least``, or raise naming ``name`` (bool is rejected)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < at_least:
        raise ValueError(f"{name} must be >= {at_least}, got {value!r}")
    return int(value)


def real_matrix(name: str, value: ArrayLike) -> np.ndarray:
    """A finite, non-empty 2-D real array, as a float64 array."""
    array = np.asarray(value)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real array, got dtype {array.dtype}")
    if array.ndim != 2 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a finite, non-empty 2-D array, got shape {array.shape}")
    return array.astype(np.float64)
