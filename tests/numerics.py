"""Numerical checks shared by the objective tests."""

from __future__ import annotations

import numpy as np


def numerical_gradient(objective, w, t=1, h=1e-6):
    """Central differences of objective.value, all coordinates in one batched call."""
    w = np.asarray(w, dtype=np.float64)
    shifts = h * np.eye(w.shape[-1])
    plus = objective.value(w[..., None, :] + shifts, t)
    minus = objective.value(w[..., None, :] - shifts, t)
    return (plus - minus) / (2 * h)
