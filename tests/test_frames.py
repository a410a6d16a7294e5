"""The frames of the live experiments (rmsprop_lib.widgets.frames) and how the website's extension
(_ext/live_figures.py) reads a chapter's call."""

from __future__ import annotations

import io
import sys

import matplotlib
import numpy as np
import PIL.Image
import pytest
from site_support import ROOT

from rmsprop_lib import widgets
from rmsprop_lib.widgets import frames

sys.path.insert(0, str(ROOT / "_ext"))
from live_figures import chapter_call, live_grid


def test_a_frame_is_the_experiment_moved_to_its_setting_in_the_chapters_style():
    dpi = matplotlib.rcParams["figure.dpi"]
    png, alt = frames.frame("ewa_weights", {"beta": 0.9}, {"beta": 0.99, "steps": 20})
    assert matplotlib.rcParams["figure.dpi"] == dpi  # the chapters' style does not leak
    image = PIL.Image.open(io.BytesIO(png))
    assert image.size == (int(6.6 * 96), int(4.1 * 96))  # book_style: 96 dpi
    moved = frames.experiment_at("ewa_weights", {"beta": 0.9}, {"beta": 0.99, "steps": 20})
    assert moved.values() == {"beta": 0.99, "steps": 20}
    assert "β = 0.99" in alt and "last 20 squared gradients" in alt and alt == moved.alt_text
    assert not np.array_equal(np.asarray(image), 255)  # something is drawn
    moved.close()


def test_positions_are_what_a_reader_can_set():
    explorer = widgets.trajectory_explorer(learning_rate=1.9, condition_number=10.0)
    rate, beta = explorer.controls["learning_rate"], explorer.controls["beta"]
    assert frames.is_position(rate, 0.1) and frames.is_position(rate, 0.3)
    assert frames.is_position(rate, 1.9)  # the chapter's starting value
    assert not frames.is_position(rate, 10.0**-0.5) and not frames.is_position(rate, 100.0)
    assert frames.is_position(beta, 0.99) and not frames.is_position(beta, 0.97)
    assert frames.is_position(explorer.controls["rotation"], 45.0)
    assert not frames.is_position(explorer.controls["rotation"], 44.0)
    assert frames.is_position(explorer.controls["objective"], "saddle")
    explorer.close()


def test_values_are_labelled_as_the_widget_shows_them():
    explorer = widgets.accumulator_explorer()
    controls = explorer.controls
    assert frames.value_label(controls["gradient_model"], "noisy") == "noisy gradients"
    assert frames.value_label(controls["beta"], 0.999) == "0.999"
    assert frames.value_label(controls["learning_rate"], 0.03) == "0.03"
    assert frames.value_label(controls["steps"], 500) == "500"
    with pytest.raises(ValueError, match="not an option"):
        frames.value_label(controls["gradient_model"], "random")
    explorer.close()


def test_the_extension_reads_the_chapters_call():
    source = 'widgets.accumulator_explorer(gradient_model="spike", learning_rate=eta, beta=0.9)'
    with pytest.raises(ValueError, match="learning_rate= is computed"):
        chapter_call(source, {})
    assert chapter_call(source, {"learning_rate": 0.01}) == (
        "accumulator_explorer",
        {"gradient_model": "spike", "learning_rate": 0.01, "beta": 0.9},
    )
    made = "explorer = widgets.trajectory_explorer(steps=30, show=('gd',))\nexplorer"
    assert chapter_call("explorer.animate()", {}, ["x = 1", made, "%timeit x"]) == (
        "trajectory_explorer",
        {"steps": 30, "show": ("gd",)},
    )
    with pytest.raises(ValueError, match="one experiment"):
        chapter_call("widgets.ewa_weights()\nwidgets.ewa_weights(beta=0.5)", {})


def test_an_animated_cell_plays_the_experiments_own_frames():
    grid, interval = live_grid({"play": True}, widgets.ewa_weights(beta=0.9, steps=50))
    assert grid == {"beta": list(widgets.EWA_BETAS[: widgets.EWA_BETAS.index(0.99) + 1])}
    assert interval == 250
    grid = {"steps": [5, 50], "beta": [0.5, 0.9]}  # the controls' order: β, then T
    assert list(live_grid({"grid": grid}, widgets.ewa_weights())[0]) == ["beta", "steps"]
    with pytest.raises(ValueError, match="no control"):
        live_grid({"grid": {"T": [5, 50]}}, widgets.ewa_weights())
