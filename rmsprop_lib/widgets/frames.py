"""Frames of the experiments for the static website, drawn by the experiments themselves.

The website has no kernel, so a live experiment there is a set of pictures, one per setting of its
controls. Each picture is what a reader sees in JupyterLab after running the chapter's cell and
moving the controls to that setting: the same Experiment, the same figure code, the same PNG.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets
import matplotlib

from rmsprop_lib import plotting
from rmsprop_lib.widgets import figures
from rmsprop_lib.widgets.accumulators import accumulator_explorer, ewa_weights
from rmsprop_lib.widgets.experiment import Experiment
from rmsprop_lib.widgets.sensitivity import sensitivity_heatmap
from rmsprop_lib.widgets.trajectories import trajectory_explorer

EXPERIMENTS: dict[str, Callable[..., Experiment]] = {
    "trajectory_explorer": trajectory_explorer,
    "accumulator_explorer": accumulator_explorer,
    "ewa_weights": ewa_weights,
    "sensitivity_heatmap": sensitivity_heatmap,
}


def experiment_at(
    name: str, arguments: Mapping[str, Any], setting: Mapping[str, Any]
) -> Experiment:
    """Experiment ``name`` called with ``arguments`` (the chapter's call), then each control of
    ``setting`` moved to its value, in order, as a reader moves them."""
    experiment = EXPERIMENTS[name](**arguments)
    for control, value in setting.items():
        experiment.controls[control].value = value
    return experiment


def frame(name: str, arguments: Mapping[str, Any], setting: Mapping[str, Any]) -> tuple[bytes, str]:
    """The PNG of :func:`experiment_at` in the chapters' style (fast compression: the website
    re-encodes it) and its alt text, which describes that picture."""
    with matplotlib.rc_context():
        plotting.book_style()  # as every chapter does first
        experiment = experiment_at(name, arguments, setting)
        try:
            return figures.figure_png(experiment.figure), experiment.alt_text
        finally:
            experiment.close()


def value_label(control: ipywidgets.ValueWidget, value: Any) -> str:
    """How ``control`` shows ``value``: the label of an option, or its readout."""
    options = getattr(control, "options", None)
    if options:
        for label, option in options:
            if option == value:
                return label
        raise ValueError(f"{value!r} is not an option of {control.description!r}")
    return format(value, control.readout_format)


def is_position(control: ipywidgets.ValueWidget, value: Any) -> bool:
    """Whether a reader can set ``control`` to ``value``: one of its options, its starting value,
    or a position of its slider."""
    options = getattr(control, "options", None)
    if options:
        return any(option == value for _, option in options)
    if value == control.value:
        return True
    exponent = value
    if isinstance(control, ipywidgets.FloatLogSlider):
        exponent = math.log(value, control.base) if value > 0 else math.nan
    steps = (exponent - control.min) / control.step
    return control.min <= exponent <= control.max and abs(steps - round(steps)) < 1e-6
