"""Gradient models: drive an optimizer with a chosen sequence of gradients instead of a loss.

The accumulator chapters ask what V_T does when the gradients are constant, decaying, noisy, or
large and then small. ``gradient_sequence`` makes such a sequence and ``given_gradients`` turns it
into an objective, so that ``run`` records V_T, the steps and the effective learning rate exactly
as for any other problem:

    gradients = rl.gradient_sequence("spike", 300, spike_steps=100)
    trajectory = rl.run(rl.adagrad(learning_rate=0.01, eps=0.0), rl.given_gradients(gradients),
                        np.zeros(1), steps=300)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib.checks import integer, read_only, real


@dataclass(frozen=True, eq=False)
class GivenGradients:
    """The online linear loss f_t(w) = g_t . w, whose gradient at step t is g_t wherever w is.

    ``gradients`` has shape ``(steps, ...)``; each g_t broadcasts against ``w``, so one sequence
    can drive a whole batch of optimizers (``w`` of shape ``(B, d)`` with g_t of shape ``(d,)``).
    """

    gradients: np.ndarray
    name: str = "given gradients"
    minimum: None = None

    def _at(self, t: int) -> np.ndarray:
        # run() evaluates the loss once more after the last step (t = steps + 1): reuse g_steps.
        if isinstance(t, bool) or not isinstance(t, int | np.integer) or t < 1:
            raise ValueError(f"t must be an integer >= 1, got {t!r}")
        return self.gradients[min(t, len(self.gradients)) - 1]

    def grad(self, w, t: int = 1) -> np.ndarray:
        w = np.asarray(w, dtype=np.float64)
        return np.broadcast_to(self._at(t), w.shape).copy()

    def value(self, w, t: int = 1) -> np.ndarray:
        return np.sum(np.asarray(w, dtype=np.float64) * self._at(t), axis=-1)


def given_gradients(gradients: ArrayLike) -> GivenGradients:
    """An objective that replays ``gradients`` (shape ``(steps, ...)``, finite real numbers)."""
    if np.asarray(gradients).dtype.kind not in "iuf":
        raise TypeError(f"gradients must be an array of real numbers, got {gradients!r}")
    array = np.array(gradients, dtype=np.float64)
    if array.ndim == 0 or len(array) == 0:
        raise ValueError(
            f"gradients must have shape (steps, ...) with steps >= 1, got {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("gradients must be finite")
    return GivenGradients(read_only(array))


GRADIENT_KINDS = ("constant", "decaying", "noisy", "spike")


def gradient_sequence(
    kind: str,
    steps: int,
    *,
    scale: float = 1.0,
    decay: float = 0.99,
    noise_std: float = 1.0,
    spike_steps: int = 100,
    spike_scale: float = 100.0,
    shape: tuple[int, ...] = (),
    seed: int = 0,
) -> np.ndarray:
    """Gradients g_1..g_steps, shape ``(steps, *shape)``, from one of four models (``t`` 1-based).

    - ``"constant"``: g_t = scale.
    - ``"decaying"``: g_t = scale * decay^(t-1) (geometric).
    - ``"noisy"``: g_t = scale + noise_std * N(0, 1), seeded by ``seed``.
    - ``"spike"``: g_t = spike_scale for t <= spike_steps, then scale (large, then small).
    """
    if kind not in GRADIENT_KINDS:
        raise ValueError(f"kind must be one of {GRADIENT_KINDS}, got {kind!r}")
    steps = integer("steps", steps, at_least=1)
    scale = real("scale", scale)
    decay = real("decay", decay, at_least=0.0, at_most=1.0)
    noise_std = real("noise_std", noise_std, at_least=0.0)
    spike_steps = integer("spike_steps", spike_steps, at_least=0)
    spike_scale = real("spike_scale", spike_scale)
    seed = integer("seed", seed, at_least=0)
    shape = tuple(integer("shape", size, at_least=0) for size in shape)
    t = np.arange(1, steps + 1, dtype=np.float64).reshape((steps,) + (1,) * len(shape))
    if kind == "constant":
        gradients = np.full_like(t, scale)
    elif kind == "decaying":
        gradients = scale * decay ** (t - 1)
    elif kind == "noisy":
        gradients = scale + noise_std * np.random.default_rng(seed).standard_normal((steps, *shape))
    else:
        gradients = np.where(t <= spike_steps, spike_scale, scale)
    return np.broadcast_to(gradients, (steps, *shape)).copy()
