"""The chapters' interactive experiments: one call shows a figure that answers its sliders.

Every factory can be called with no arguments (the chapter's default view) and returns an
:class:`Experiment`: ``controls`` (name -> ipywidgets value widget; setting ``.value`` redraws at
once), ``figure`` (one Matplotlib figure, same Figure and Axes for its whole life, updated in
place), ``widget`` (the controls above a live PNG of the figure) and ``alt_text`` (the current
view described). Displayed in a notebook, its ``_repr_mimebundle_`` carries the widget view
(JupyterLab, Voila), a PNG of the figure (the static site, which has no kernel) and a short text:
so a chapter shows the experiment itself as a cell's last expression, not its ``.widget``.

Speed: the runs for every position of the slider that moved (the other inputs fixed) are ONE
batched run, cached, so dragging a slider only looks rows up; axes, ticks, contours and legends
are drawn once into bitmaps (``figures.StaticLayer``), and the figure is rendered once per move.

Modules: ``experiment`` (the Experiment object, its controls, batched runs side by side),
``figures`` (figures updated in place), and one module per experiment: ``trajectories``,
``accumulators`` (the accumulator explorer and the EWA weights) and ``sensitivity``.
"""

from rmsprop_lib.widgets.accumulators import (
    ACCUMULATOR_STEPS,
    EWA_BETAS,
    GRADIENT_MODELS,
    accumulator_explorer,
    ewa_weights,
)
from rmsprop_lib.widgets.experiment import BETA_CHOICES, WIDGET_VIEW, Experiment
from rmsprop_lib.widgets.sensitivity import (
    BETAS,
    HEATMAP_STEPS,
    LEARNING_RATES,
    METRICS,
    sensitivity_heatmap,
)
from rmsprop_lib.widgets.trajectories import PATH_OPTIMIZERS, PATH_STEPS, VIEWS, trajectory_explorer

__all__ = [
    "ACCUMULATOR_STEPS",
    "BETAS",
    "BETA_CHOICES",
    "EWA_BETAS",
    "GRADIENT_MODELS",
    "HEATMAP_STEPS",
    "LEARNING_RATES",
    "METRICS",
    "PATH_OPTIMIZERS",
    "PATH_STEPS",
    "VIEWS",
    "WIDGET_VIEW",
    "Experiment",
    "accumulator_explorer",
    "ewa_weights",
    "sensitivity_heatmap",
    "trajectory_explorer",
]
