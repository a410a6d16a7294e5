"""Framework presets: ``from_framework("torch", "RMSprop", lr=0.01)`` is the library optimizer
that computes what ``torch.optim.RMSprop(params, lr=0.01)`` computes, with torch's own names and
defaults.

The presets are data (``PRESETS``), read off the frameworks' sources (PyTorch 2.13, Keras 3.15,
optax 0.2.8, TensorFlow 1 kernels, and tf.keras's ``optimizer_v2``, framework ``"tf_keras_v2"``:
``tf.keras.optimizers.RMSprop`` / ``Adagrad`` in TensorFlow 2.0-2.10, ``tf.keras.optimizers.legacy``
in 2.11-2.15). Each entry holds:

- ``factory``: the ``rmsprop_lib.optimizers`` function it calls;
- ``arguments``: framework argument -> (factory argument, framework default); the factory argument
  is a tuple to unpack a pair (torch's ``betas``), the default is ``REQUIRED`` where the framework
  has none;
- ``none_means``: arguments whose ``None`` stands for a number (Keras ``weight_decay=None`` is 0);
- ``falsy_means``: arguments whose ``None`` or 0 stands for a number (tf.keras ``optimizer_v2``
  writes ``epsilon or 1e-7``, so ``epsilon=0`` is 1e-7);
- ``eps_in_sqrt_with_momentum``: eps sits inside the root exactly when momentum > 0 (tf.keras
  ``optimizer_v2`` RMSprop, which calls TensorFlow's momentum kernels only then);
- ``fixed``: factory switches the framework hard-codes (eps placement, initial accumulator, ...);
- ``inert``: arguments that never change the arithmetic (``foreach``, ``name``, ...): any value;
- ``unmodelled``: arguments accepted only at their default (``maximize``, ``dampening``, Keras
  ``clipnorm``...), because the library does not model other values;
- ``positive``: arguments the framework requires to be > 0 (TF1 Adagrad's accumulator);
- ``nesterov_needs_momentum``: the framework refuses ``nesterov=True`` without a momentum > 0
  (PyTorch's SGD);
- ``lr_outside_momentum``: the framework keeps the learning rate outside the momentum buffer
  (PyTorch). The library keeps it inside, which is the same only for a constant learning rate, so
  a schedule together with momentum is rejected rather than silently computed differently;
- ``momentum_form``, ``weight_decay_form``: text for ``describe`` (the frameworks chapter's table).

Learning-rate schedules (callables) keep the library's convention, ``schedule(t)`` of the 1-based
step index, not optax's or Keras' 0-based count (nor the epoch count of PyTorch's schedulers):
the framework schedule ``f(count)`` is the library schedule ``lambda t: f(t - 1)``.

Framework arguments may be Python or NumPy scalars (``np.float64(0.0)``, ``np.True_``) alike.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.adam import adam
from rmsprop_lib.optimizers.common import Optimizer
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.optimizers.sgd import sgd


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()
"""Marks a framework argument without a default (optax's and TF1's learning_rate)."""

_TORCH_L2 = "coupled L2: g <- g + weight_decay w before the accumulators"
_KERAS_DECOUPLED = "decoupled: w <- w - w weight_decay learning_rate (old w), then the update"
_TF_KERAS_V2_UNMODELLED = {
    "clipnorm": None,
    "clipvalue": None,
    "global_clipnorm": None,
    "decay": 0.0,
}
"""tf.keras ``optimizer_v2``'s keyword arguments; ``decay``: inverse-time learning-rate decay."""
_KERAS_UNMODELLED = {
    "clipnorm": None,
    "clipvalue": None,
    "global_clipnorm": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}

PRESETS: dict[tuple[str, str], dict[str, Any]] = {
    ("torch", "RMSprop"): {
        "factory": rmsprop,
        "arguments": {
            "lr": ("learning_rate", 0.01),
            "alpha": ("beta", 0.99),
            "eps": ("eps", 1e-8),
            "weight_decay": ("weight_decay", 0.0),
            "momentum": ("momentum", 0.0),
            "centered": ("centered", False),
        },
        "fixed": {"eps_in_sqrt": False, "initial_accumulator": 0.0},
        "inert": ("foreach", "capturable", "differentiable"),
        "unmodelled": {"maximize": False},
        "lr_outside_momentum": True,
        "momentum_form": "b <- momentum b + g/d; w <- w - lr b (lr outside the buffer; modelled "
        "with lr inside, the same for a constant lr up to rounding)",
        "weight_decay_form": _TORCH_L2,
    },
    ("torch", "Adagrad"): {
        "factory": adagrad,
        "arguments": {
            "lr": ("learning_rate", 0.01),
            "lr_decay": ("lr_decay", 0.0),
            "weight_decay": ("weight_decay", 0.0),
            "initial_accumulator_value": ("initial_accumulator", 0.0),
            "eps": ("eps", 1e-10),
        },
        "fixed": {"eps_in_sqrt": False},
        "inert": ("foreach", "differentiable", "fused"),
        "unmodelled": {"maximize": False},
        "momentum_form": "none",
        "weight_decay_form": _TORCH_L2,
    },
    ("torch", "SGD"): {
        "factory": sgd,
        "arguments": {
            "lr": ("learning_rate", 0.001),
            "momentum": ("momentum", 0.0),
            "weight_decay": ("weight_decay", 0.0),
            "nesterov": ("nesterov", False),
        },
        "inert": ("foreach", "differentiable", "fused"),
        "unmodelled": {"dampening": 0.0, "maximize": False},
        "nesterov_needs_momentum": True,
        "momentum_form": "b <- momentum b + g (b_1 = g); w <- w - lr b; "
        "nesterov: w <- w - lr (g + momentum b)",
        "weight_decay_form": _TORCH_L2,
    },
    ("torch", "Adam"): {
        "factory": adam,
        "arguments": {
            "lr": ("learning_rate", 0.001),
            "betas": (("beta1", "beta2"), (0.9, 0.999)),
            "eps": ("eps", 1e-8),
            "weight_decay": ("weight_decay", 0.0),
            "amsgrad": ("amsgrad", False),
        },
        "fixed": {"bias_correction": True},
        "inert": ("foreach", "capturable", "differentiable", "fused"),
        "unmodelled": {"maximize": False, "decoupled_weight_decay": False},
        "momentum_form": "m <- beta1 m + (1 - beta1) g, bias-corrected by 1 - beta1^t",
        "weight_decay_form": _TORCH_L2,
    },
    ("keras", "RMSprop"): {
        "factory": rmsprop,
        "arguments": {
            "learning_rate": ("learning_rate", 0.001),
            "rho": ("beta", 0.9),
            "momentum": ("momentum", 0.0),
            "epsilon": ("eps", 1e-7),
            "centered": ("centered", False),
            "weight_decay": ("decoupled_weight_decay", None),
        },
        "none_means": {"weight_decay": 0.0},
        "fixed": {"eps_in_sqrt": True, "initial_accumulator": 0.0},
        "inert": ("name",),
        "unmodelled": _KERAS_UNMODELLED,
        "momentum_form": "b <- momentum b + lr g/d; w <- w - b (lr inside the buffer)",
        "weight_decay_form": _KERAS_DECOUPLED,
    },
    ("keras", "Adagrad"): {
        "factory": adagrad,
        "arguments": {
            "learning_rate": ("learning_rate", 0.001),
            "initial_accumulator_value": ("initial_accumulator", 0.1),
            "epsilon": ("eps", 1e-7),
            "weight_decay": ("decoupled_weight_decay", None),
        },
        "none_means": {"weight_decay": 0.0},
        "fixed": {"eps_in_sqrt": True},
        "inert": ("name",),
        "unmodelled": _KERAS_UNMODELLED,
        "momentum_form": "none",
        "weight_decay_form": _KERAS_DECOUPLED,
    },
    ("tf_keras_v2", "RMSprop"): {
        "factory": rmsprop,
        "arguments": {
            "learning_rate": ("learning_rate", 0.001),
            "rho": ("beta", 0.9),
            "momentum": ("momentum", 0.0),
            "epsilon": ("eps", 1e-7),
            "centered": ("centered", False),
        },
        "falsy_means": {"epsilon": 1e-7},
        "fixed": {"initial_accumulator": 0.0},
        "eps_in_sqrt_with_momentum": True,
        "inert": ("name",),
        "unmodelled": _TF_KERAS_V2_UNMODELLED,
        "momentum_form": "momentum = 0: none (w <- w - lr g/(sqrt(v) + eps)); momentum > 0: TF's "
        "kernel, b <- momentum b + lr g/sqrt(v + eps); w <- w - b (eps moves inside the root)",
        "weight_decay_form": "none",
    },
    ("tf_keras_v2", "Adagrad"): {
        "factory": adagrad,
        "arguments": {
            "learning_rate": ("learning_rate", 0.001),
            "initial_accumulator_value": ("initial_accumulator", 0.1),
            "epsilon": ("eps", 1e-7),
        },
        "falsy_means": {"epsilon": 1e-7},
        "fixed": {"eps_in_sqrt": False},
        "inert": ("name",),
        "unmodelled": _TF_KERAS_V2_UNMODELLED,
        "momentum_form": "none",
        "weight_decay_form": "none",
    },
    ("optax", "rmsprop"): {
        "factory": rmsprop,
        "arguments": {
            "learning_rate": ("learning_rate", REQUIRED),
            "decay": ("beta", 0.9),
            "eps": ("eps", 1e-8),
            "initial_scale": ("initial_accumulator", 0.0),
            "eps_in_sqrt": ("eps_in_sqrt", True),
            "centered": ("centered", False),
            "momentum": ("momentum", None),
            "nesterov": ("nesterov", False),
            "bias_correction": ("bias_correction", False),
        },
        "none_means": {"momentum": 0.0},
        "momentum_form": "trace after lr scaling: b <- lr g/d + momentum b; w <- w - b; "
        "nesterov: w <- w - (lr g/d + momentum b)",
        "weight_decay_form": "none (chain optax.add_decayed_weights)",
    },
    ("optax", "adagrad"): {
        "factory": adagrad,
        "arguments": {
            "learning_rate": ("learning_rate", REQUIRED),
            "initial_accumulator_value": ("initial_accumulator", 0.1),
            "eps": ("eps", 1e-7),
        },
        "fixed": {"eps_in_sqrt": True},
        "momentum_form": "none",
        "weight_decay_form": "none (chain optax.add_decayed_weights)",
    },
    ("tf1", "RMSPropOptimizer"): {
        "factory": rmsprop,
        "arguments": {
            "learning_rate": ("learning_rate", REQUIRED),
            "decay": ("beta", 0.9),
            "momentum": ("momentum", 0.0),
            "epsilon": ("eps", 1e-10),
            "centered": ("centered", False),
        },
        "fixed": {"eps_in_sqrt": True, "initial_accumulator": 1.0},
        "inert": ("use_locking", "name"),
        "momentum_form": "mom <- momentum mom + lr g/sqrt(ms + eps); w <- w - mom (also for "
        "momentum = 0)",
        "weight_decay_form": "none",
    },
    ("tf1", "AdagradOptimizer"): {
        "factory": adagrad,
        "arguments": {
            "learning_rate": ("learning_rate", REQUIRED),
            "initial_accumulator_value": ("initial_accumulator", 0.1),
        },
        "fixed": {"eps": 0.0, "eps_in_sqrt": False},
        "positive": ("initial_accumulator_value",),
        "inert": ("use_locking", "name"),
        "momentum_form": "none",
        "weight_decay_form": "none",
    },
}


def from_framework(framework: str, name: str, /, **kwargs: Any) -> Optimizer:
    """The optimizer that computes what ``framework``'s optimizer ``name`` computes, built from that
    framework's own argument names and defaults: ``from_framework("keras", "RMSprop", rho=0.95)``.

    Unknown frameworks, optimizers or arguments raise ``ValueError`` listing the valid ones; a
    missing required argument raises ``TypeError``; a setting the library does not model
    (``maximize=True``, ``dampening=0.1``, Keras ``clipnorm=1.0``) raises ``ValueError``. Bad values
    raise the factory's error, reworded with the framework's argument name. ``framework`` and
    ``name`` are positional-only, because Keras and TF1 optimizers take a ``name`` argument.
    """
    entry = _preset(framework, name)
    label = f"{framework} {name}"
    _check_argument_names(entry, kwargs, label)
    settings = {argument: default for argument, (_, default) in entry["arguments"].items()}
    settings.update((key, value) for key, value in kwargs.items() if key in settings)
    missing = [argument for argument, value in settings.items() if value is REQUIRED]
    if missing:
        raise TypeError(f"{label} requires {', '.join(missing)} (the framework has no default)")
    _check_unmodelled(entry, kwargs, label)
    _check_schedule_with_momentum(entry, settings, label)
    _check_nesterov(entry, settings, label)
    arguments = _factory_arguments(entry, settings, label)
    try:
        optimizer = entry["factory"](**arguments)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{label}: {_in_framework_words(entry, str(error))}") from error
    for argument in entry.get("positive", ()):
        if not np.all(np.asarray(settings[argument]) > 0):
            raise ValueError(f"{label}: {argument} must be > 0, got {settings[argument]!r}")
    return optimizer


def describe(framework: str, name: str) -> dict[str, Any]:
    """What a preset computes, for the frameworks chapter's comparison table (derived from
    ``PRESETS``, so the book's table cannot drift from the code)."""
    entry = _preset(framework, name)
    arguments = entry["arguments"]
    return {
        "framework": framework,
        "name": name,
        "factory": entry["factory"].__name__,
        "defaults": {
            argument: "required" if default is REQUIRED else default
            for argument, (_, default) in arguments.items()
        },
        "argument_map": {argument: target for argument, (target, _) in arguments.items()},
        "learning_rate_default": _library_default(entry, "learning_rate"),
        "eps_default": _library_default(entry, "eps"),
        "eps_placement": _eps_placement(entry),
        "initial_accumulator": _library_default(entry, "initial_accumulator"),
        "momentum_form": entry["momentum_form"],
        "weight_decay_form": entry["weight_decay_form"],
        "fixed": dict(entry.get("fixed", {})),
        "unmodelled": dict(entry.get("unmodelled", {})),
    }


def _preset(framework: str, name: str) -> Mapping[str, Any]:
    frameworks = sorted({known for known, _ in PRESETS})
    if framework not in frameworks:
        raise ValueError(f"unknown framework {framework!r}; valid: {', '.join(frameworks)}")
    names = sorted(known for owner, known in PRESETS if owner == framework)
    if name not in names:
        raise ValueError(f"unknown {framework} optimizer {name!r}; valid: {', '.join(names)}")
    return PRESETS[framework, name]


def _check_argument_names(entry: Mapping[str, Any], kwargs: Mapping[str, Any], label: str) -> None:
    valid = sorted({*entry["arguments"], *entry.get("inert", ()), *entry.get("unmodelled", {})})
    unknown = sorted(set(kwargs) - set(valid))
    if unknown:
        raise ValueError(f"{label} has no argument {', '.join(unknown)}; valid: {', '.join(valid)}")


def _check_unmodelled(entry: Mapping[str, Any], kwargs: Mapping[str, Any], label: str) -> None:
    for argument, default in entry.get("unmodelled", {}).items():
        value = kwargs.get(argument, default)
        if not _is_default(value, default):
            raise ValueError(
                f"{label}: {argument}={value!r} is not modelled by rmsprop_lib "
                f"(only the default {argument}={default!r} is supported)"
            )


def _check_schedule_with_momentum(
    entry: Mapping[str, Any], settings: Mapping[str, Any], label: str
) -> None:
    if not entry.get("lr_outside_momentum"):
        return
    by_target = {target: argument for argument, (target, _) in entry["arguments"].items()}
    rate, momentum = settings[by_target["learning_rate"]], settings[by_target["momentum"]]
    if callable(rate) and np.any(np.asarray(momentum) != 0):
        raise ValueError(
            f"{label}: a learning-rate schedule with momentum is not modelled: {label} keeps the "
            "learning rate outside the momentum buffer, rmsprop_lib inside (equal only for a "
            "constant learning rate)"
        )


def _check_nesterov(entry: Mapping[str, Any], settings: Mapping[str, Any], label: str) -> None:
    """PyTorch's SGD: "Nesterov momentum requires a momentum and zero dampening"."""
    if not entry.get("nesterov_needs_momentum"):
        return
    nesterov = settings["nesterov"]
    if not isinstance(nesterov, bool | np.bool_) or not nesterov:
        return  # False, or not a bool (which the factory reports)
    momentum = settings["momentum"]
    if isinstance(momentum, numbers.Real | np.ndarray) and not np.all(np.asarray(momentum) > 0):
        raise ValueError(f"{label}: nesterov=True requires a momentum > 0, got {momentum!r}")


def _is_default(value: Any, default: Any) -> bool:
    """Whether ``value`` is the framework's default, NumPy scalars included."""
    if default is None:
        return value is None
    if isinstance(default, bool):
        return isinstance(value, bool | np.bool_) and bool(value) == default
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return False
    return value == default


def _factory_arguments(entry: Mapping[str, Any], settings: Mapping[str, Any], label: str) -> dict:
    arguments = dict(entry.get("fixed", {}))
    for argument, (target, _) in entry["arguments"].items():
        value = settings[argument]
        if value is None and argument in entry.get("none_means", {}):
            value = entry["none_means"][argument]
        if argument in entry.get("falsy_means", {}) and _is_zero_or_none(value):
            value = entry["falsy_means"][argument]
        if isinstance(target, tuple):
            if not isinstance(value, tuple | list) or len(value) != len(target):
                raise TypeError(f"{label}: {argument} must be a pair of numbers, got {value!r}")
            arguments.update(zip(target, value, strict=True))
        elif target is not None:
            arguments[target] = value
    if entry.get("eps_in_sqrt_with_momentum"):
        momentum = arguments["momentum"]
        if not isinstance(momentum, numbers.Real) or isinstance(momentum, bool | np.bool_):
            raise TypeError(
                f"{label}: momentum must be a number (it decides where eps sits), got {momentum!r}"
            )
        arguments["eps_in_sqrt"] = bool(momentum > 0)
    return arguments


def _is_zero_or_none(value: Any) -> bool:
    """``not value`` for the framework's own check, without truth-testing an array."""
    if value is None:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_) and value == 0


def _in_framework_words(entry: Mapping[str, Any], message: str) -> str:
    """Start a factory's message ("beta must be ...") with the framework's argument name."""
    library_name, _, rest = message.partition(" ")
    for argument, (target, _) in entry["arguments"].items():
        targets = target if isinstance(target, tuple) else (target,)
        if library_name in targets and argument != library_name:
            return f"{argument} (library argument {library_name}) {rest}"
    return message


def _library_default(entry: Mapping[str, Any], library_name: str) -> Any:
    """The value the preset gives the factory's ``library_name`` by default (None if none)."""
    if library_name in entry.get("fixed", {}):
        return entry["fixed"][library_name]
    for argument, (target, default) in entry["arguments"].items():
        if target == library_name and default is not REQUIRED:
            return entry.get("none_means", {}).get(argument) if default is None else default
    return None


def _eps_placement(entry: Mapping[str, Any]) -> str | None:
    """ "inside" sqrt(V + eps), "outside" sqrt(V) + eps, "none" (no eps), None (no denominator),
    or "outside (inside if momentum > 0)" (tf.keras ``optimizer_v2`` RMSprop)."""
    if entry["factory"] is sgd:
        return None
    if entry.get("fixed", {}).get("eps") == 0.0:
        return "none"
    if entry.get("eps_in_sqrt_with_momentum"):
        return "outside (inside if momentum > 0)"
    return "inside" if _library_default(entry, "eps_in_sqrt") else "outside"
