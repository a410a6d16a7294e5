"""Tests for rmsprop_lib.widgets: the protocol, every control over its range, divergence labels,
the static (PNG) view, the batched and cached computation, and the offline animations.

pytest turns every warning into an error, so any RuntimeWarning from a sweep fails here.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from unittest import mock

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure

import rmsprop_lib as rl
from rmsprop_lib import plotting, widgets
from rmsprop_lib.widgets import accumulators, figures, sensitivity, trajectories
from rmsprop_lib.widgets.experiment import remember, side_by_side, store

FACTORIES = {
    "trajectory_explorer": widgets.trajectory_explorer,
    "accumulator_explorer": widgets.accumulator_explorer,
    "ewa_weights": widgets.ewa_weights,
    "sensitivity_heatmap": widgets.sensitivity_heatmap,
}
#: controls whose effect shows only when another control is set first
CONTEXT = {("sensitivity_heatmap", "tolerance"): {"metric": "steps"}}


@pytest.fixture(scope="module", params=list(FACTORIES))
def experiment(request):
    made = FACTORIES[request.param]()
    made.factory_name = request.param
    yield made
    made.close()


def positions(control: ipywidgets.ValueWidget) -> list:
    """Both extremes and a few interior values, on the grid the front-end offers, ending with
    the control's current value (so a sweep leaves the experiment as it found it)."""
    if isinstance(control, ipywidgets.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, ipywidgets.Dropdown | ipywidgets.SelectionSlider):
        values = [value for _, value in control.options]
        start = values.index(control.value) + 1
        return values[start:] + values[:start]
    grid = np.unique(np.round(np.linspace(control.min, control.max, 5)).astype(int))
    return [*grid.tolist(), control.value]


def extremes(control: ipywidgets.ValueWidget) -> tuple:
    """The lowest and highest value of a slider."""
    if isinstance(control, ipywidgets.SelectionSlider):
        return control.options[0][1], control.options[-1][1]
    return control.min, control.max


def image_of(experiment) -> bytes:
    """A PNG of the figure rendered now (the canvas would otherwise reuse its last render)."""
    experiment.figure.stale = True
    return figures.figure_png(experiment.figure)


def visible_notes(figure: Figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts if t.get_visible()]


# ----------------------------------------------------------------------------- the protocol


def test_every_factory_works_with_no_arguments(experiment):
    assert isinstance(experiment.figure, Figure)
    assert isinstance(experiment.widget, ipywidgets.Widget)
    assert experiment.controls and all(
        isinstance(c, ipywidgets.ValueWidget) for c in experiment.controls.values()
    )
    assert isinstance(experiment.alt_text, str) and len(experiment.alt_text) > 60


def test_every_control_is_in_the_widget_and_has_a_plain_text_description(experiment):
    def children(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from children(child)

    shown = list(children(experiment.widget))
    for name, control in experiment.controls.items():
        assert any(control is widget for widget in shown), f"{name} is not displayed"
        assert len(control.description) >= 5, f"{name}: {control.description!r} says too little"
        assert not re.search(r"[$\\{}]", control.description), f"{name}: LaTeX in the label"


def test_the_figure_is_not_a_pyplot_figure():
    before = plt.get_fignums()
    made = widgets.ewa_weights()
    assert plt.get_fignums() == before  # else the inline backend would show a second copy
    made.close()


def test_every_control_at_every_position_redraws_the_same_figure(experiment):
    figure, axes = experiment.figure, list(experiment.figure.axes)
    for name, control in experiment.controls.items():
        context = CONTEXT.get((experiment.factory_name, name), {})
        saved = {key: experiment.controls[key].value for key in context}
        for key, value in context.items():
            experiment.controls[key].value = value
        initial, images = image_of(experiment), set()
        for value in positions(control):
            control.value = value
            assert experiment.figure is figure and list(figure.axes) == axes
            images.add(image_of(experiment))
            assert len(experiment.alt_text) > 60
        assert images - {initial}, f"{name}: the figure never changed"
        for key, value in saved.items():
            experiment.controls[key].value = value


def test_combinations_of_extremes_never_raise(experiment):
    sliders = {
        name: control
        for name, control in experiment.controls.items()
        if not isinstance(control, ipywidgets.Checkbox | ipywidgets.Dropdown)
    }
    rng = np.random.default_rng(0)
    corners = [[0] * len(sliders), [1] * len(sliders)]
    corners += rng.integers(0, 2, size=(4, len(sliders))).tolist()
    for corner in corners:
        for control, end in zip(sliders.values(), corner, strict=True):
            control.value = extremes(control)[end]
        image_of(experiment)
        assert len(experiment.alt_text) > 60
    for name, control in sliders.items():  # back to the defaults for the next tests
        control.value = FACTORIES[experiment.factory_name]().controls[name].value


def test_a_value_off_the_round_grid_is_a_position_of_its_slider_and_is_used_exactly():
    made = widgets.trajectory_explorer(show=("rmsprop",), learning_rate=0.0123)
    assert 0.0123 in [value for _, value in made.controls["learning_rate"].options]
    path = made.figure.axes[0].get_lines()[3]  # the paths come first, in PATH_OPTIMIZERS order
    reference = rl.run(rl.rmsprop(0.0123, 0.9, 1e-8), rl.elongated_quadratic(), [-4.5, 1.8], 100)
    np.testing.assert_array_equal(np.column_stack(path.get_data()), reference.params)
    made.close()


def test_the_cached_static_parts_never_go_stale(experiment):
    """The widget's PNG is the figure rendered afresh, and the screen (the bitmaps of the static
    parts + the moving artists) equals a full savefig render."""
    for name, control in experiment.controls.items():
        original = control.value
        for value in positions(control)[:2]:
            control.value = value
            shown = experiment._image.value
            assert shown == image_of(experiment), f"{name} = {value}"
            screen = np.asarray(experiment.figure.canvas.buffer_rgba())[..., :3].copy()
            buffer = io.BytesIO()
            experiment.figure.savefig(buffer, format="png", dpi=experiment.figure.dpi)
            saved = np.asarray(PIL.Image.open(buffer))[..., :3]
            np.testing.assert_array_equal(screen, saved, err_msg=f"{name} = {value}")
        control.value = original


# ----------------------------------------------------------------------------- divergence


def test_a_diverging_path_stops_at_divergence_and_is_labelled():
    made = widgets.trajectory_explorer(learning_rate=10.0, show=("gd", "rmsprop"))
    notes = visible_notes(made.figure)
    gd_note = [note for note in notes if note.startswith("GD diverged at step")]
    assert gd_note, notes
    k = int(gd_note[0].split()[-1])
    x = made.figure.axes[0].get_lines()[0].get_xdata()
    assert np.isfinite(x[:k]).all() and np.isnan(x[k:]).all()
    assert "GD diverged at step" in made.alt_text
    cross = made.figure.axes[0].get_lines()[len(widgets.PATH_OPTIMIZERS)]
    assert cross.get_visible()
    np.testing.assert_array_equal(cross.get_xdata(), x[k - 1 : k])
    made.controls["learning_rate"].value = 0.01
    assert not any("diverged" in note for note in visible_notes(made.figure))
    made.close()


def test_hidden_paths_get_no_divergence_label():
    made = widgets.trajectory_explorer(learning_rate=10.0, show=("rmsprop",))
    assert not any(note.startswith("GD") for note in visible_notes(made.figure))
    made.controls["show_gd"].value = True
    assert any(note.startswith("GD diverged") for note in visible_notes(made.figure))
    made.close()


def test_every_path_diverging_is_the_finding():
    made = widgets.trajectory_explorer(learning_rate=10.0, show=("gd", "momentum"))
    assert "diverges" in made.figure.axes[0].get_title()
    made.controls["show_gd"].value = made.controls["show_momentum"].value = False
    assert "Switch an optimizer on" in made.figure.axes[0].get_title()
    made.close()


def test_heatmap_scores_mark_diverged_runs():
    rates = np.array([[1.0], [5.0]])  # the second is beyond 2 / (largest curvature 1)
    record = rl.run(rl.sgd(rates), rl.elongated_quadratic(), np.ones((2, 2)), 50)
    values = {"steps": 50, "metric": "loss", "tolerance": 1e-3}
    scores, diverged = sensitivity._scores(record, 0.0, values)
    assert diverged.tolist() == [False, True] and np.isnan(scores[1]) and np.isfinite(scores[0])
    values["metric"] = "steps"
    scores, _ = sensitivity._scores(record, 0.0, values)
    expected = record.steps_to_tolerance(1e-3 * float(record.loss[0, 0]))[0]
    assert expected > 0 and round(10 ** scores[0]) == expected
    assert np.isnan(scores[1])


def test_heatmap_notes_count_diverged_runs():
    record = sensitivity._grid_run("saddle", 1e-8)
    diverged_at, loss = record.diverged_at.copy(), record.loss.copy()
    for row, step in ((0, 5), (1, 7), (2, 9)):  # three RMSProp runs, as if they had diverged
        diverged_at[row], loss[step:, row] = step, np.nan
    fake = dataclasses.replace(record, diverged_at=diverged_at, loss=loss)
    with mock.patch.object(sensitivity, "_grid_run", return_value=fake):
        made = widgets.sensitivity_heatmap(objective="saddle")
    runs = len(widgets.BETAS) * len(widgets.LEARNING_RATES)
    assert f"3 of {runs} runs diverged (grey), the first at step 5" in visible_notes(made.figure)
    made.controls["steps"].value = 6
    assert f"1 of {runs} runs diverged (grey), the first at step 5" in visible_notes(made.figure)
    made.controls["steps"].value = 4
    assert not visible_notes(made.figure)
    assert "diverged" not in made.alt_text
    made.close()


# ----------------------------------------------------------------------------- what they show


def test_trajectories_are_the_library_runs_for_every_batched_input():
    made = widgets.trajectory_explorer(show=("adam",))
    adam_path = made.figure.axes[0].get_lines()[4]  # paths first, in PATH_OPTIMIZERS order
    start = [-4.5, 1.8]
    for name, value in (("condition_number", 100.0), ("rotation", 30.0), ("start_y", -1.0)):
        made.controls[name].value = value
        start[1] = made.controls["start_y"].value
        problem = rl.elongated_quadratic(
            made.controls["condition_number"].value, np.radians(made.controls["rotation"].value)
        )
        reference = rl.run(rl.adam(0.1, 0.9, 0.9, 1e-8), problem, start, 100)
        np.testing.assert_array_equal(np.column_stack(adam_path.get_data()), reference.params)
    made.close()


def test_a_slider_move_reuses_the_batch_and_never_recomputes_contours():
    made = widgets.trajectory_explorer(objective="rosenbrock")
    with (
        mock.patch.object(trajectories, "run", wraps=trajectories.run) as runs,
        mock.patch.object(plotting, "contour", wraps=plotting.contour) as contours,
    ):
        for _, value in made.controls["learning_rate"].options:  # every position the slider has
            made.controls["learning_rate"].value = value
        for steps in (10, 50, 200):
            made.controls["steps"].value = steps
        assert runs.call_count <= 1 and contours.call_count == 0
        made.controls["objective"].value = "saddle"
        made.controls["objective"].value = "rosenbrock"
        made.controls["objective"].value = "saddle"
        assert contours.call_count == 0  # every objective's were drawn when it was made
        assert runs.call_count <= 1  # and its paths from its own start were run then too
    made.close()


def test_changing_the_objective_brings_its_view_and_start():
    made = widgets.trajectory_explorer()
    made.controls["objective"].value = "rosenbrock"
    label, xlim, _, start = widgets.VIEWS["rosenbrock"]
    options = made.controls["start_x"].options
    assert (options[0][1], options[-1][1]) == xlim
    assert (made.controls["start_x"].value, made.controls["start_y"].value) == start
    assert made.figure.axes[0].get_xlim() == xlim and made.controls["rotation"].disabled
    assert label in made.alt_text
    made.close()


def test_accumulators_match_their_closed_forms():
    made = widgets.accumulator_explorer(gradient_model="noisy", beta=0.99, steps=300)
    g = rl.gradient_sequence("noisy", 300)
    left = made.figure.axes[0].get_lines()
    np.testing.assert_allclose(left[1].get_ydata(), np.cumsum(g**2))  # AdaGrad
    ewa = np.zeros_like(g)
    for t in range(300):
        ewa[t] = 0.99 * (ewa[t - 1] if t else 0.0) + 0.01 * g[t] ** 2
    np.testing.assert_allclose(left[2].get_ydata(), ewa)  # RMSProp
    rate = made.figure.axes[1].get_lines()[1].get_ydata()
    np.testing.assert_allclose(rate, 0.01 / (np.sqrt(ewa) + 1e-8))
    made.close()


def test_the_accumulator_finding_is_adagrads_dying_step():
    made = widgets.accumulator_explorer()
    assert "AdaGrad's step has shrunk" in made.figure.get_suptitle()
    made.controls["beta"].value = 0.999
    made.controls["steps"].value = 10
    assert "By step 10" in made.figure.get_suptitle()
    made.close()


@pytest.mark.parametrize(("beta", "steps"), [(0.0, 1), (0.9, 50), (0.999, 200)])
def test_ewa_weights_sum_to_one_minus_beta_to_the_t(beta, steps):
    made = widgets.ewa_weights(beta=beta, steps=steps)
    stems = made.figure.axes[0].get_lines()[0].get_ydata()[1::3]
    np.testing.assert_allclose(stems.sum(), 1 - beta**steps)
    assert f"sum 1 − β^T = {1 - beta**steps:.3f}" in visible_notes(made.figure)[0]
    made.close()


def test_the_heatmap_is_one_batched_run_and_its_controls_only_read_it():
    with mock.patch.object(sensitivity, "run", wraps=sensitivity.run) as runs:
        made = widgets.sensitivity_heatmap()
        assert runs.call_count == len(widgets.VIEWS)  # one per objective, ready for the dropdown
        (_, _, w0, _), _ = runs.call_args
        assert w0.shape == ((len(widgets.BETAS) + 1) * len(widgets.LEARNING_RATES), 2)
        for name in ("steps", "metric", "tolerance"):
            for value in positions(made.controls[name]):
                made.controls[name].value = value
        made.controls["objective"].value = "rosenbrock"
        assert runs.call_count == len(widgets.VIEWS)
    made.close()


def test_heatmap_rows_equal_single_runs():
    record = sensitivity._grid_run("quadratic", 1e-8)
    row = 5 * len(widgets.LEARNING_RATES) + 7  # β index 5, η index 7
    single = rl.run(
        rl.rmsprop(widgets.LEARNING_RATES[7], widgets.BETAS[5], 1e-8),
        rl.elongated_quadratic(),
        widgets.VIEWS["quadratic"][3],
        widgets.HEATMAP_STEPS,
    )
    np.testing.assert_array_equal(record.params[:, row], single.params)


# ----------------------------------------------------------------------------- the static view


def test_the_mimebundle_carries_widget_png_and_short_text(experiment):
    bundle = experiment._repr_mimebundle_()
    view = bundle[widgets.WIDGET_VIEW]
    assert view["model_id"] == experiment.widget.model_id and view["version_major"] == 2
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert bundle["text/plain"] == repr(experiment) and len(bundle["text/plain"]) < 300
    assert "0x" not in bundle["text/plain"]


def test_ipython_displays_all_three_and_honours_include_and_exclude():
    made = widgets.ewa_weights()
    data, _ = DisplayFormatter().format(made)
    assert {widgets.WIDGET_VIEW, "image/png", "text/plain"} <= set(data)
    assert set(made._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert "image/png" not in made._repr_mimebundle_(exclude={"image/png"})
    made.close()


def test_the_text_is_the_same_for_two_instances():
    first, second = widgets.ewa_weights(), widgets.ewa_weights()
    assert first._repr_mimebundle_()["text/plain"] == second._repr_mimebundle_()["text/plain"]
    first.close()
    second.close()


def test_the_widget_shows_the_current_figure():
    made = widgets.ewa_weights()
    before = made._image.value
    made.controls["beta"].value = 0.5
    assert made._image.value != before and made._image.value == image_of(made)
    made.close()


# ----------------------------------------------------------------------------- animations


@pytest.mark.parametrize("factory", [widgets.trajectory_explorer, widgets.ewa_weights])
def test_animation_plays_its_frames_through_the_control(factory):
    made = factory()
    animation = made.animate()
    control = made.controls[animation.control]
    assert animation.frames[animation.play.value] == control.value  # opens on the current view
    assert animation.play.max == len(animation.frames) - 1 > 4
    image = made._image.value
    animation.play.value = 0
    assert control.value == animation.frames[0] and made._image.value != image
    assert made._image.value == image_of(made)
    bundle = animation._repr_mimebundle_()
    assert set(bundle) == {widgets.WIDGET_VIEW, "image/png", "text/plain"}
    assert bundle[widgets.WIDGET_VIEW]["model_id"] == animation.widget.model_id
    assert bundle["text/plain"].endswith(
        f"animated: {animation.control} over {len(animation.frames)} frames"
    )
    made.close()


def test_an_experiment_without_motion_needs_an_explicit_sweep():
    made = widgets.accumulator_explorer()
    with pytest.raises(ValueError, match="no default animation"):
        made.animate()
    animation = made.animate("steps", [100, 300, 500], fps=2.0)
    assert animation.frames == [100, 300, 500] and animation.play.interval == 500
    animation.play.value = 1
    assert made.controls["steps"].value == 300
    made.close()


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("factory", "arguments", "message"),
    [
        (widgets.trajectory_explorer, {"objective": "sphere"}, "objective must be one of"),
        (widgets.trajectory_explorer, {"beta": 0.42}, "β, decay of V_T"),
        (widgets.accumulator_explorer, {"gradient_model": "random"}, "gradients must be one of"),
        (widgets.ewa_weights, {"beta": 1.0}, "must be one of"),
        (widgets.sensitivity_heatmap, {"metric": "accuracy"}, "colour shows must be one of"),
    ],
)
def test_bad_choices_are_rejected(factory, arguments, message):
    with pytest.raises(ValueError, match=message):
        factory(**arguments)


def test_side_by_side_rows_match_each_optimizer_alone():
    optimizers = [rl.sgd(0.1), rl.adagrad(0.5, 1e-8), rl.rmsprop(0.05, 0.9, 1e-8)]
    together = side_by_side(optimizers, [1, 2, 1])
    w0 = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 2.0], [-1.0, 0.5]])
    record = rl.run(together, rl.rosenbrock(), w0, 20)
    for rows, optimizer in zip(([0], [1, 2], [3]), optimizers, strict=True):
        alone = rl.run(optimizer, rl.rosenbrock(), w0[rows], 20)
        np.testing.assert_array_equal(record.params[:, rows], alone.params)
        np.testing.assert_array_equal(
            record.effective_learning_rate[:, rows], alone.effective_learning_rate
        )


def test_close_closes_every_widget():
    made = widgets.ewa_weights()
    made.close()
    assert made.widget.comm is None
    assert all(control.comm is None for control in made.controls.values())


@pytest.mark.parametrize(
    ("ratio", "finding"),
    [
        (1000.0, "AdaGrad's step has shrunk to 1/1,000 of RMSProp's"),
        (2.0, "AdaGrad's step has shrunk to 1/2 of RMSProp's"),
        (0.1, "RMSProp's step is 10 times smaller than AdaGrad's"),
        (1.2, "AdaGrad and RMSProp take steps of about the same size"),
    ],
)
def test_the_accumulator_title_states_the_ratio(ratio, finding):
    assert accumulators._step_ratio_title(ratio, 7) == f"By step 7 {finding}"


def test_best_cells_and_the_cache():
    assert sensitivity._best_cell(np.full((2, 3), np.nan), "loss") is None
    never = np.full((1, 3), sensitivity._NOT_REACHED)
    assert sensitivity._best_cell(never, "steps") is None
    assert sensitivity._best_cell(never, "loss") == (0, 0)
    cache: dict = {}
    for key in range(5):
        store(cache, key, key, limit=3)
    assert list(cache) == [2, 3, 4]
    assert remember(cache, 3, lambda: pytest.fail("recomputed")) == 3
