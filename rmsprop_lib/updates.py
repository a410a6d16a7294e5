"""The element-wise arithmetic the optimizers' updates are built from, in the book's notation.

``moving_average`` is beta average + (1 - beta) sample (V_T from g_t^2, or Adam's m_t from g_t),
``denominator`` is d = sqrt(V_T) + eps (or sqrt(V_T + eps)), ``scaled_step`` is u = eta_t g_t / d,
``apply_update`` is w - u with optional decoupled weight decay, and ``with_weight_decay`` the
coupled one. Every function accepts array
hyperparameters that broadcast against the parameters, so a batch row gives the same bits as its
single run. The temporaries they are given may be overwritten, as their docstrings say.
"""

from __future__ import annotations

import numpy as np


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


def with_weight_decay(g: np.ndarray, w: np.ndarray, weight_decay: float | np.ndarray) -> np.ndarray:
    """Coupled (L2, PyTorch) weight decay: g <- g + weight_decay w."""
    return g + weight_decay * w if any_nonzero(weight_decay) else g


def moving_average(
    average: np.ndarray,
    sample: np.ndarray,
    beta: float | np.ndarray,
    spare: np.ndarray | None = None,
) -> np.ndarray:
    """beta average + (1 - beta) sample, computed in ``sample`` (a temporary: overwritten).
    ``spare``, an optional array shaped like the result, holds beta average on the way."""
    sample *= 1.0 - beta
    sample += np.multiply(average, beta, out=spare)
    return sample


def denominator(
    second_moment: np.ndarray,
    eps: float | np.ndarray,
    eps_in_sqrt: bool,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """d = sqrt(V) + eps, or sqrt(V + eps) when ``eps_in_sqrt``; a new array, or ``out``."""
    if eps_in_sqrt:
        d = np.add(second_moment, eps, out=out)
        return np.sqrt(d, out=d)
    d = np.sqrt(second_moment, out=out)
    d += eps
    return d


def scaled_step(
    eta: float | np.ndarray, numerator: np.ndarray, d: np.ndarray, eps: float | np.ndarray
) -> np.ndarray:
    """u = eta numerator / d (a new array); 0 where numerator == 0, so 0/0 is 0, not NaN."""
    u = np.multiply(numerator, eta)
    zero = u == 0 if not all_positive(eps) else None  # d > 0 everywhere when eps > 0
    u /= d
    if zero is not None:
        u[zero] = 0.0
    return u


def apply_update(
    w: np.ndarray,
    u: np.ndarray,
    decoupled_weight_decay: float | np.ndarray,
    eta: float | np.ndarray,
) -> np.ndarray:
    """w - u, or (decoupled, Keras 3) w - w wd eta_t - u using the old w; overwrites ``u``."""
    if not any_nonzero(decoupled_weight_decay):
        return np.subtract(w, u, out=u)
    decayed = np.multiply(w, decoupled_weight_decay)
    decayed *= eta
    np.subtract(w, decayed, out=decayed)
    decayed -= u
    return decayed
