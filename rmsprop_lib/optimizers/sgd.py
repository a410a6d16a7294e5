"""Gradient descent, with heavy-ball or Nesterov momentum in the ``torch.optim.SGD`` form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib import checks
from rmsprop_lib.checks import Schedule
from rmsprop_lib.optimizers.common import (
    Optimizer,
    any_nonzero,
    begin_step,
    make_optimizer,
    state_array,
)


class SGDState(NamedTuple):
    """SGD's state after ``t`` steps: ``b`` is the momentum buffer b_t (g_t when momentum = 0)."""

    t: int
    b: np.ndarray


def sgd(
    learning_rate: float | ArrayLike | Schedule,
    momentum: float | ArrayLike = 0.0,
    nesterov: bool = False,
    weight_decay: float | ArrayLike = 0.0,
) -> Optimizer:
    """Gradient descent ``w_t = w_{t-1} - eta_t g_t``, with momentum as ``torch.optim.SGD``.

    - ``learning_rate`` eta > 0, an array of them, or a schedule ``t -> eta_t`` (no default);
    - ``weight_decay``: coupled L2, ``g_t <- g_t + weight_decay w_{t-1}``;
    - ``momentum`` mu in [0, 1): ``b_t = mu b_{t-1} + g_t`` with ``b_0 = 0`` (so ``b_1 = g_1``),
      ``w_t = w_{t-1} - eta_t b_t`` (eta outside the buffer); with ``nesterov``
      ``w_t = w_{t-1} - eta_t (g_t + mu b_t)``. With ``mu = 0`` both are plain gradient descent
      (PyTorch refuses ``nesterov`` without momentum; ``from_framework`` does too).

    ``effective_learning_rate(state)`` is ``eta_t`` in every coordinate: the factor that
    multiplied the direction ``b_t`` (``g_t + mu b_t`` with Nesterov) in the last step. The
    optimizer is named "momentum" when a momentum is set, "sgd" otherwise (the book's colours).
    """
    hyperparams = {
        "learning_rate": checks.learning_rate(learning_rate),
        "momentum": checks.unit_interval("momentum", momentum),
        "nesterov": checks.flag("nesterov", nesterov),
        "weight_decay": checks.non_negative("weight_decay", weight_decay),
    }
    name = "momentum" if any_nonzero(hyperparams["momentum"]) else "sgd"
    return make_optimizer(name, hyperparams, _init, _step, _effective_learning_rate)


def _init(hp: Mapping[str, Any], params: ArrayLike) -> SGDState:
    return SGDState(0, state_array(checks.params_shape(hp, params)))


def _step(hp, params, grads, state: SGDState) -> tuple[np.ndarray, SGDState]:
    """One step: w_{t-1}, g_t and the state after t - 1 steps -> w_t and the new state."""
    w, g, t, eta = begin_step(hp, params, grads, state, SGDState)
    momentum = hp["momentum"]
    with np.errstate(all="ignore"):  # a diverging run may overflow: run() labels that row
        if any_nonzero(hp["weight_decay"]):  # coupled L2 (PyTorch)
            g = g + hp["weight_decay"] * w
        b = momentum * state.b + g  # b_t = mu b_{t-1} + g_t, so b_t = g_t when mu = 0
        direction = g + momentum * b if hp["nesterov"] else b
        new_w = w - eta * direction  # w_t = w_{t-1} - eta_t b_t
    return new_w, SGDState(t, checks.read_only(b))


def _effective_learning_rate(hp: Mapping[str, Any], state: SGDState) -> np.ndarray:
    """eta_t of the last step (before any step: eta_1), in every coordinate."""
    shape = state.b.shape
    return np.full(shape, checks.learning_rate_at(hp["learning_rate"], max(state.t, 1), shape))
