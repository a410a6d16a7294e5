"""Helpers shared by the optimizer tests (``tests`` is not a package: imported by file name)."""

import numpy as np

from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.adam import adam
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.optimizers.sgd import sgd

# One valid configuration of every optimizer: name -> (factory, keyword arguments).
VALID = {
    "sgd": (sgd, {"learning_rate": 0.1}),
    "momentum": (sgd, {"learning_rate": 0.1, "momentum": 0.9}),
    "adagrad": (adagrad, {"learning_rate": 0.1, "eps": 1e-8}),
    "rmsprop": (rmsprop, {"learning_rate": 0.1, "beta": 0.9, "eps": 1e-8}),
    "adam": (adam, {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
    "amsgrad": (
        adam,
        {"learning_rate": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "amsgrad": True},
    ),
}
NAMES = list(VALID)


def build(name: str, **changes) -> Optimizer:
    """The valid configuration ``name`` with some arguments changed."""
    factory, kwargs = VALID[name]
    return factory(**{**kwargs, **changes})


def trajectory(optimizer: Optimizer, w0, grads) -> tuple[np.ndarray, object]:
    """The params after each step, taking the given gradients in turn (not depending on w)."""
    w = np.asarray(w0, dtype=np.float64)
    state = optimizer.init(w)
    path = []
    for g in grads:
        w, state = optimizer.step(w, np.asarray(g, dtype=np.float64), state)
        path.append(w)
    return np.array(path), state


def assert_path(path: np.ndarray, expected: list) -> None:
    """``path`` equals hand-computed values to within a few roundings."""
    np.testing.assert_allclose(path, np.array(expected).reshape(path.shape), rtol=1e-14, atol=0)
