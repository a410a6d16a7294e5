"""A one-hidden-layer softmax classifier whose parameters are one flat vector.

Keeping all parameters in one vector ``w`` of length P lets every optimizer and the batched runner
treat the network like any other objective: ``w`` has shape ``(..., P)`` and each row of a batch
is a separate network, evaluated with hand-written forward and backward passes.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rmsprop_lib.checks import integer, read_only, real, real_matrix
from rmsprop_lib.objectives import minibatch_rows


@dataclass(frozen=True, eq=False)
class SoftmaxMLP:
    """Softmax cross-entropy of a tanh network, logits z = tanh(X W1 + b1) W2 + b2.

    loss(w) = (1/n) sum_i [logsumexp(z_i) - z_{i, y_i}] + (l2/2) (||W1||^2 + ||W2||^2)
    (the L2 penalty is on the weights, not the biases). The flat vector ``w`` holds W1
    (n_features x hidden, row-major), b1 (hidden), W2 (hidden x n_classes, row-major), b2
    (n_classes), in that order. ``value(w, t)`` is always the loss on all the data. With
    ``batch_size`` set, ``grad(w, t)`` is the gradient on minibatch t (see
    ``minibatch_indices``), an unbiased estimate of the full gradient; otherwise it is exact.
    """

    X: np.ndarray
    y: np.ndarray
    hidden: int
    n_classes: int
    seed: int = 0
    l2: float = 0.0
    batch_size: int | None = None
    minimum = None

    @property
    def name(self) -> str:
        return f"softmax MLP ({self.X.shape[1]}-{self.hidden}-{self.n_classes}, tanh)"

    @property
    def size(self) -> int:
        """P, the number of parameters (the length of the last axis of ``w``)."""
        return (self.X.shape[1] + 1) * self.hidden + (self.hidden + 1) * self.n_classes

    def unflatten(self, w) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Views (W1, b1, W2, b2) of ``w``, each keeping the leading batch axes of ``w``."""
        w = np.asarray(w, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.size:
            raise ValueError(f"w must have {self.size} entries on its last axis, got {w.shape}")
        n_features, batch = self.X.shape[1], w.shape[:-1]
        ends = np.cumsum([n_features * self.hidden, self.hidden, self.hidden * self.n_classes])
        W1, b1, W2, b2 = np.split(w, ends, axis=-1)
        shape1, shape2 = (n_features, self.hidden), (self.hidden, self.n_classes)
        return W1.reshape(*batch, *shape1), b1, W2.reshape(*batch, *shape2), b2

    def init_params(self, seed: int | None = None) -> np.ndarray:
        """Glorot-uniform weights, W ~ U(-sqrt(6/(fan_in+fan_out)), +...), and zero biases."""
        seed = self.seed if seed is None else integer("seed", seed, at_least=0)
        rng = np.random.default_rng(seed)
        parts = []
        for fan_in, fan_out in ((self.X.shape[1], self.hidden), (self.hidden, self.n_classes)):
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            parts += [rng.uniform(-limit, limit, fan_in * fan_out), np.zeros(fan_out)]
        return np.concatenate(parts)

    def minibatch_indices(self, t: int) -> np.ndarray:
        """Samples used by ``grad`` at step t (all of them when ``batch_size`` is None).

        Epoch e (0-based) shuffles the samples with the seed (seed, e) and cuts the permutation
        into n // batch_size batches; the remainder is skipped in that epoch.
        """
        return minibatch_rows(self.X.shape[0], self.batch_size, self.seed, t, "epochs")

    def _logits(self, w, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        W1, b1, W2, b2 = self.unflatten(w)
        hidden = np.tanh(X @ W1 + b1[..., None, :])
        return hidden, hidden @ W2 + b2[..., None, :]

    def _penalty(self, w) -> np.ndarray:
        W1, _, W2, _ = self.unflatten(w)
        squares = np.sum(W1**2, axis=(-2, -1)) + np.sum(W2**2, axis=(-2, -1))
        return 0.5 * self.l2 * squares

    def value(self, w, t: int = 1) -> np.ndarray:
        """The mean cross-entropy on all the data plus the L2 penalty, one value per row of w."""
        logits = self._logits(w, self.X)[1]
        n = self.X.shape[0]
        largest = np.max(logits, axis=-1, keepdims=True)
        log_sum_exp = largest[..., 0] + np.log(np.sum(np.exp(logits - largest), axis=-1))
        cross_entropy = log_sum_exp - logits[..., np.arange(n), self.y]
        return np.mean(cross_entropy, axis=-1) + self._penalty(w)

    def grad(self, w, t: int = 1) -> np.ndarray:
        """Backpropagation through softmax, W2, tanh and W1 on the samples of step t."""
        samples = self.minibatch_indices(t)
        X, y, n = self.X[samples], self.y[samples], samples.size
        W1, _, W2, _ = self.unflatten(w)
        hidden, logits = self._logits(w, X)
        probabilities = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
        probabilities /= np.sum(probabilities, axis=-1, keepdims=True)
        probabilities[..., np.arange(n), y] -= 1.0
        d_logits = probabilities / n  # d loss / d logits
        d_hidden = (d_logits @ np.swapaxes(W2, -1, -2)) * (1.0 - hidden**2)
        parts = (
            X.T @ d_hidden + self.l2 * W1,
            np.sum(d_hidden, axis=-2),
            np.swapaxes(hidden, -1, -2) @ d_logits + self.l2 * W2,
            np.sum(d_logits, axis=-2),
        )
        batch = W1.shape[:-2]
        return np.concatenate([part.reshape(*batch, -1) for part in parts], axis=-1)

    def predict(self, w, X=None) -> np.ndarray:
        """The predicted class of each sample of X (default: the training data), (..., n)."""
        X = self.X if X is None else real_matrix("X", X)
        return np.argmax(self._logits(w, X)[1], axis=-1)

    def accuracy(self, w, X=None, y=None) -> np.ndarray:
        """The fraction of samples classified correctly, one value per row of w."""
        if (X is None) != (y is None):
            raise ValueError("X and y must be given together (or both left out)")
        X, y = (self.X, self.y) if X is None else _data(X, y)
        return np.mean(self.predict(w, X) == y, axis=-1)


def _data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = real_matrix("X", X), np.asarray(y)
    if y.dtype == bool or y.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != X.shape[:1] or y.min() < 0:
        raise ValueError(f"y must hold {X.shape[0]} labels >= 0, got shape {y.shape}")
    return X, y.astype(np.int64)


def mlp_classifier(
    X: ArrayLike,
    y: ArrayLike,
    hidden: int = 16,
    seed: int = 0,
    l2: float = 0.0,
    batch_size: int | None = None,
) -> SoftmaxMLP:
    """A tanh MLP with softmax cross-entropy on features X (n, n_features) and labels y (n,).

    The number of classes is ``max(y) + 1``. ``seed`` drives ``init_params`` and the minibatch
    order; ``batch_size`` (None: full batch) must be between 1 and n.
    """
    X, y = _data(X, y)
    hidden = integer("hidden", hidden, at_least=1)
    seed = integer("seed", seed, at_least=0)
    l2 = real("l2", l2, at_least=0.0)
    if batch_size is not None:
        batch_size = integer("batch_size", batch_size, at_least=1)
        if batch_size > X.shape[0]:
            raise ValueError(f"batch_size must be <= n_samples={X.shape[0]}, got {batch_size}")
    n_classes = int(y.max()) + 1
    return SoftmaxMLP(read_only(X), read_only(y), hidden, n_classes, seed, l2, batch_size)
