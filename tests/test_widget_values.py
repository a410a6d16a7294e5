"""The experiments open exactly as the chapters describe them, and stay so until the reader acts.

A browser rounds a slider's value to its own step grid when it first shows it, and sends the
result back to the kernel. Seen in JupyterLab 4.6 with ipywidgets 8.1 in Chromium (a notebook of
sliders, the values read from the messages the page sent): a FloatLogSlider at 0.3 (exponent
step 0.1) came back as 10^-0.5 = 0.31623, 1.9 as 1.99526 and 50 as 50.11872; a FloatSlider at
0.02 (from -2, step 0.05) as 0.0, and even 1.3, on the grid from -1.5, as 1.2999999999999998,
the browser's own floating-point sum; an IntSlider at 8 (from 1, step 3) as 7; values on an
integer grid, and every selection slider and dropdown (the browser moves only an index), came
back unchanged or not at all. So the library shows every real number on a selection slider, and
``browser_value`` below is that rule: the test fails for a float slider, which would depend on
the browser's arithmetic.

Also here: an echo of an unchanged value never redraws, a dropdown that moves other controls
draws once, and the committed notebooks hold no widget state (a reader's saved copy may).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from unittest import mock

import ipywidgets
import nbformat
import pytest
from matplotlib.axis import Axis

from rmsprop_lib import widgets
from rmsprop_lib.widgets import sensitivity, trajectories

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])
FACTORIES = {"trajectory_explorer", "accumulator_explorer", "ewa_weights", "sensitivity_heatmap"}


def browser_value(control: ipywidgets.ValueWidget):
    """The value a browser shows (and sends back) for ``control`` as the kernel set it."""
    if isinstance(control, ipywidgets.Dropdown | ipywidgets.SelectionSlider):
        return control.options[control.index][1]
    if isinstance(control, ipywidgets.IntSlider):
        steps = round((control.value - control.min) / control.step)
        return min(control.max, control.min + steps * control.step)
    if isinstance(control, ipywidgets.Checkbox):
        return bool(control.value)
    raise AssertionError(f"{type(control).__name__} {control.description!r}: a float slider")


def _assignments(tree: ast.Module) -> dict[str, object]:
    """Names bound to literals in a notebook (``a, b = 1, 2.0`` included)."""
    known: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = [(target, value)]
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                pairs = list(zip(target.elts, value.elts, strict=True))
            for name, literal in pairs:
                try:
                    known[name.id] = ast.literal_eval(literal)
                except (ValueError, TypeError, SyntaxError, AttributeError):
                    continue
    return known


def chapter_calls() -> list[tuple[str, str, dict]]:
    """(notebook, factory, keyword arguments) of every ``widgets.<factory>(...)`` in the book."""
    calls = []
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        source = "\n".join(c.source for c in cells if c.cell_type == "code")
        tree = ast.parse(source)
        known = _assignments(tree)
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            if isinstance(func, ast.Attribute) and func.attr in FACTORIES:
                arguments = {}
                for keyword in node.keywords:
                    if isinstance(keyword.value, ast.Name):
                        arguments[keyword.arg] = known[keyword.value.id]
                    else:
                        arguments[keyword.arg] = ast.literal_eval(keyword.value)
                calls.append((path.name, func.attr, arguments))
    return calls


CALLS = chapter_calls()


def test_the_chapters_show_experiments():
    shown = {(name, factory) for name, factory, _ in CALLS}
    assert ("05_rmsprop_in_action.ipynb", "trajectory_explorer") in shown
    assert {factory for _, factory, _ in CALLS} == FACTORIES


def _asked(arguments: dict) -> dict:
    """The control values the chapter's arguments ask for."""
    asked = {name: value for name, value in arguments.items() if name not in ("start", "show")}
    if "start" in arguments:
        asked["start_x"], asked["start_y"] = arguments["start"]
    if "show" in arguments:
        for name in widgets.PATH_OPTIMIZERS:
            asked[f"show_{name}"] = name in arguments["show"]
    return asked


@pytest.mark.parametrize(("notebook", "factory", "arguments"), CALLS)
def test_every_value_a_chapter_passes_is_what_the_browser_shows(notebook, factory, arguments):
    made = getattr(widgets, factory)(**arguments)
    for name, value in _asked(arguments).items():
        if name in made.controls:  # eps of the heatmap is an argument, not a control
            assert made.controls[name].value == value, f"{notebook}: {name}"
    for name, control in made.controls.items():
        shown = browser_value(control)
        assert shown == control.value and type(shown) is type(control.value), f"{name}: {shown}"
    made.close()


@pytest.mark.parametrize("factory", sorted(FACTORIES))
def test_an_echo_of_an_unchanged_value_never_redraws(factory):
    made = getattr(widgets, factory)()
    image = made._image.value
    with mock.patch.object(made, "update", wraps=made.update) as update:
        for control in made.controls.values():
            if isinstance(control, ipywidgets.Dropdown | ipywidgets.SelectionSlider):
                control.set_state({"index": control.index})  # what the browser would send
            else:
                control.set_state({"value": control.value})
        assert update.call_count == 0
    assert made._image.value is image
    made.close()


def test_a_dropdown_that_moves_other_controls_draws_once():
    made = widgets.trajectory_explorer(objective="saddle", learning_rate=0.01)
    starts = [made.controls["start_x"], made.controls["start_y"]]
    messages: list[list[set]] = [[], []]  # the keys of each state message to the browser
    with (
        mock.patch.object(made, "update", wraps=made.update) as update,
        mock.patch.object(starts[0], "send_state", lambda key=None: messages[0].append({*key})),
        mock.patch.object(starts[1], "send_state", lambda key=None: messages[1].append({*key})),
    ):
        made.controls["objective"].set_state({"index": 1})  # Rosenbrock, chosen in the browser
        assert update.call_count == 1
    assert made.controls["objective"].value == "rosenbrock"
    for sent in messages:  # positions and value reach the browser in one message
        assert len(sent) == 1 and {"_options_labels", "index"} <= sent[0]
    assert (starts[0].value, starts[1].value) == widgets.VIEWS["rosenbrock"][3]
    made.close()


@pytest.mark.parametrize(
    ("factory", "dropdown"),
    [
        ("trajectory_explorer", "objective"),
        ("sensitivity_heatmap", "objective"),
        ("sensitivity_heatmap", "metric"),
        ("accumulator_explorer", "gradient_model"),
    ],
)
def test_every_dropdown_choice_is_ready_before_it_is_picked(factory, dropdown):
    """Its runs were made and its axes drawn when the experiment was made: a pick only pastes."""
    made = getattr(widgets, factory)()
    control = made.controls[dropdown]
    with (
        mock.patch.object(Axis, "draw", autospec=True, side_effect=Axis.draw) as axes_drawn,
        mock.patch.object(trajectories, "run", wraps=trajectories.run) as path_runs,
        mock.patch.object(sensitivity, "run", wraps=sensitivity.run) as grid_runs,
    ):
        for _, value in [*control.options[control.index + 1 :], *control.options[: control.index]]:
            control.value = value
        assert axes_drawn.call_count == 0
        assert path_runs.call_count == grid_runs.call_count == 0
    made.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_committed_notebooks_hold_no_widget_state(path):
    """Widget state belongs in a reader's saved copy only (JupyterLab saves it there)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"]
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            assert widgets.WIDGET_VIEW not in output.get("data", {})


def test_a_value_outside_the_slider_or_not_a_number_is_rejected():
    with pytest.raises(ValueError, match="learning rate η must lie in"):
        widgets.trajectory_explorer(learning_rate=50.0)
    with pytest.raises(TypeError, match="condition number must be a real number"):
        widgets.trajectory_explorer(condition_number="10")


@pytest.mark.parametrize("factory", sorted(FACTORIES))
def test_every_experiment_says_to_run_its_cell_again_after_a_restart(factory):
    """The saved or left-over widget keeps its picture, but its controls need a live kernel."""
    made = getattr(widgets, factory)()
    notes = [child.value for child in made.widget.children if isinstance(child, ipywidgets.HTML)]
    assert len(notes) == 1 and "after a kernel restart" in notes[0]
    assert "run the cell again" in notes[0]
    made.close()
