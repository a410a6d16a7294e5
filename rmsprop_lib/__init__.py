"""rmsprop_lib: the NumPy library behind the course "RMSProp: fixing AdaGrad's vanishing step".

Optimizers are pairs of pure functions, ``opt.init(params)`` and ``opt.step(params, grads,
state)``; objectives have ``value`` and ``grad``; ``run`` records a whole trajectory, for one
configuration or a batch of them.
"""

from rmsprop_lib import report
from rmsprop_lib.adam import adam, amsgrad
from rmsprop_lib.frameworks import describe, from_framework
from rmsprop_lib.gradients import GivenGradients, given_gradients
from rmsprop_lib.mlp import SoftmaxMLP, mlp_classifier
from rmsprop_lib.objectives import (
    elongated_quadratic,
    gradient_sequence,
    online_linear,
    rosenbrock,
    saddle_surface,
    sparse_least_squares,
)
from rmsprop_lib.optimizers import Optimizer, adagrad, momentum, rmsprop, sgd
from rmsprop_lib.runner import Trajectory, run

__all__ = [
    "GivenGradients",
    "Optimizer",
    "SoftmaxMLP",
    "Trajectory",
    "adagrad",
    "adam",
    "amsgrad",
    "describe",
    "elongated_quadratic",
    "from_framework",
    "given_gradients",
    "gradient_sequence",
    "mlp_classifier",
    "momentum",
    "online_linear",
    "report",
    "rmsprop",
    "rosenbrock",
    "run",
    "saddle_surface",
    "sgd",
    "sparse_least_squares",
]
