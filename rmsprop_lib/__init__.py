"""rmsprop_lib: the NumPy library behind the course "RMSProp: fixing AdaGrad's vanishing step".

Optimizers are pairs of pure functions, ``opt.init(params)`` and ``opt.step(params, grads,
state)``, one family per module of ``rmsprop_lib.optimizers`` (RMSProp's whole update is
``rmsprop_lib/optimizers/rmsprop.py``); ``from_framework`` builds the one a framework computes.
Objectives have ``value`` and ``grad``; ``run`` records a whole trajectory, for one
configuration or a batch of them. Everything the chapters use is exported here; the modules'
underscored names and ``rmsprop_lib.checks`` are internals.
"""

from rmsprop_lib import report
from rmsprop_lib.frameworks import PRESETS, describe, from_framework
from rmsprop_lib.gradients import GivenGradients, given_gradients, gradient_sequence
from rmsprop_lib.mlp import SoftmaxMLP, mlp_classifier
from rmsprop_lib.objectives import (
    Objective,
    ShiftingLeastSquares,
    average_regret,
    cycle_amplitude,
    cycle_loss,
    elongated_quadratic,
    least_squares,
    linear_loss,
    online_linear,
    recovery_time,
    rosenbrock,
    saddle_surface,
    shifting_least_squares,
    sparse_least_squares,
)
from rmsprop_lib.optimizers.adagrad import AdaGradState, adagrad
from rmsprop_lib.optimizers.adam import AdamState, adam
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import RMSPropState, rmsprop
from rmsprop_lib.optimizers.sgd import SGDState, sgd
from rmsprop_lib.runner import DIVERGENCE_BOUND, Trajectory, feed, first_step, run

__all__ = [
    "DIVERGENCE_BOUND",
    "PRESETS",
    "AdaGradState",
    "AdamState",
    "GivenGradients",
    "Objective",
    "Optimizer",
    "RMSPropState",
    "SGDState",
    "ShiftingLeastSquares",
    "SoftmaxMLP",
    "Trajectory",
    "adagrad",
    "adam",
    "average_regret",
    "cycle_amplitude",
    "cycle_loss",
    "describe",
    "elongated_quadratic",
    "feed",
    "first_step",
    "from_framework",
    "given_gradients",
    "gradient_sequence",
    "least_squares",
    "linear_loss",
    "mlp_classifier",
    "online_linear",
    "recovery_time",
    "report",
    "rmsprop",
    "rosenbrock",
    "run",
    "saddle_surface",
    "sgd",
    "shifting_least_squares",
    "sparse_least_squares",
]
