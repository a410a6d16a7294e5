"""What the four optimizer families share: the :class:`Optimizer` type, the opening of every
step (checks, step count, learning rate), and ``power`` for bit-exact batches."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib import checks


class Optimizer(NamedTuple):
    """An optimizer: pure functions plus its validated hyperparameters (read-only, for display).

    - ``init(params) -> state``: the state before the first step (``state.t == 0``);
    - ``step(params, grads, state) -> (params, state)``: one update, new arrays only;
    - ``effective_learning_rate(state)``: the per-coordinate factor defined by each family (its
      factory's docstring says which vector it multiplies), after the step that gave ``state``.
    """

    name: str
    init: Callable[[ArrayLike], Any]
    step: Callable[[ArrayLike, ArrayLike, Any], tuple[np.ndarray, Any]]
    effective_learning_rate: Callable[[Any], np.ndarray]
    hyperparams: Mapping[str, Any]


def make_optimizer(
    name: str, hyperparams: dict[str, Any], init: Callable, step: Callable, rate: Callable
) -> Optimizer:
    """The Optimizer whose functions ``init(hp, params)``, ``step(hp, params, grads, state)`` and
    ``rate(hp, state)`` receive the hyperparameters ``hp`` (read-only) as first argument."""
    frozen = MappingProxyType(hyperparams)
    return Optimizer(
        name, partial(init, frozen), partial(step, frozen), partial(rate, frozen), frozen
    )


def begin_step(
    hp: Mapping[str, Any], params: ArrayLike, grads: ArrayLike, state: Any, state_type: type
) -> tuple[np.ndarray, np.ndarray, int, float | np.ndarray]:
    """``(w_{t-1}, g_t, t, eta_t)`` after checking params, grads and that the state fits them."""
    w, g = checks.params_and_grads(params, grads)
    checks.state_fits(state, state_type, w.shape)
    t = state.t + 1
    return w, g, t, checks.learning_rate_at(hp["learning_rate"], t, w.shape)


def state_array(shape: tuple[int, ...], value: float | np.ndarray = 0.0) -> np.ndarray:
    """A read-only float64 array of ``shape`` filled with ``value``: a field of an initial state."""
    return checks.read_only(np.full(shape, value, dtype=np.float64))


def power(base: float | np.ndarray, exponent: int) -> float | np.ndarray:
    """``base ** exponent`` by repeated squaring: plain multiplications give the same bits for a
    scalar and for an array row (``np.power`` may take different SIMD paths for the two)."""
    result, factor = 1.0, base
    while exponent:
        if exponent & 1:
            result = result * factor
        factor = factor * factor
        exponent >>= 1
    return result


def any_nonzero(value: float | np.ndarray) -> bool:
    """Whether a validated hyperparameter has a non-zero entry (cheaper than np.any on a float)."""
    return value != 0.0 if isinstance(value, float) else bool(value.any())


def all_positive(value: float | np.ndarray) -> bool:
    """Whether a validated non-negative hyperparameter has no zero entry."""
    return value != 0.0 if isinstance(value, float) else bool(value.all())
