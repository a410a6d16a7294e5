"""Tests for rmsprop_lib.plotting: the chapters' figure helpers."""

from __future__ import annotations

import sys
import types

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import QuadContourSet

import rmsprop_lib as rl
from rmsprop_lib import plotting

# ----------------------------------------------------------------------------- chapter helpers


def test_book_style_and_colours():
    plotting.book_style()
    assert plt.rcParams["figure.dpi"] == 96 and plt.rcParams["svg.hashsalt"] == "rmsprop-course"
    assert plotting.color_for("RMSProp") == plotting.COLORS["rmsprop"]
    assert plotting.color_for("lion") == "#777777"
    assert set(plotting.LABELS) == set(plotting.COLORS)
    assert len(set(plotting.COLORS.values())) == len(plotting.COLORS) - 1  # gd and sgd share


def test_new_figure_contour_path_and_loss_curve():
    fig, axes = plotting.new_figure(ncols=2)
    assert len(axes) == 2 and fig.get_figwidth() == 12.0
    levels = plotting.contour(axes[0], rl.rosenbrock(), (-2, 2), (-1, 3), resolution=50)
    assert isinstance(levels, QuadContourSet) and axes[0].get_xlim() == (-2, 2)
    assert np.all(np.diff(np.log(levels.levels)) > 0)  # geometric levels for a positive loss
    saddle = plotting.contour(axes[1], rl.saddle_surface(), (-2, 2), (-1, 1), resolution=50)
    np.testing.assert_allclose(np.diff(saddle.levels), np.diff(saddle.levels)[0])  # linear
    line = plotting.path(axes[0], np.array([[0.0, 0.0], [1.0, 1.0]]), "rmsprop")
    assert line.get_color() == plotting.COLORS["rmsprop"] and line.get_label() == "RMSProp"
    curve = plotting.loss_curve(axes[1], np.array([1.0, 0.1, 0.01]), "adagrad", label="mine")
    assert axes[1].get_yscale() == "log" and curve.get_label() == "mine"
    plt.close(fig)


def test_book_style_selects_the_inline_backend_in_a_kernel(monkeypatch):
    # A shell with MPLBACKEND=Agg would otherwise leave every plt.show() in a notebook empty.
    before = plt.get_backend()
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    try:
        plt.switch_backend("Agg")
        plotting.book_style()
        assert plt.get_backend() == plotting.INLINE_BACKEND
    finally:
        plt.switch_backend(before)


def test_book_style_leaves_the_backend_alone_outside_a_kernel(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    plt.switch_backend("Agg")
    plotting.book_style()
    assert plt.get_backend().lower() == "agg"


def test_reference_draws_one_grey_line_and_checks_its_arguments():
    fig, (ax,) = plotting.new_figure()
    level = plotting.reference(ax, y=0.5, label="eta / 2")
    assert np.allclose(level.get_ydata(), 0.5)
    assert level.get_label() == "eta / 2"
    assert level.get_linestyle() == ":" and level.get_color() == plotting.GREYS["reference"]
    bound = plotting.reference(ax, x=3.0, ls="--", color=plotting.GREYS["dark"])
    assert np.allclose(bound.get_xdata(), 3.0) and bound.get_linestyle() == "--"
    assert bound.get_color() == plotting.GREYS["dark"]
    with pytest.raises(ValueError, match=r"exactly one of x= .* or y="):
        plotting.reference(ax)
    with pytest.raises(ValueError, match="exactly one"):
        plotting.reference(ax, x=1.0, y=1.0)
    plt.close(fig)


@pytest.mark.parametrize(
    ("position", "error", "message"),
    [
        ({"y": float("nan")}, ValueError, "y must be finite"),  # would draw no line, silently
        ({"x": np.inf}, ValueError, "x must be finite"),
        ({"y": True}, TypeError, "y must be a real number"),
        ({"y": "0.5"}, TypeError, "y must be a real number"),
        ({"x": np.array([1.0, 2.0])}, TypeError, "x must be a real number"),
    ],
)
def test_reference_refuses_a_position_that_is_not_a_finite_number(position, error, message):
    fig, (ax,) = plotting.new_figure()
    with pytest.raises(error, match=message):
        plotting.reference(ax, **position)
    assert not ax.lines  # nothing drawn
    assert np.allclose(plotting.reference(ax, y=np.float64(0.25)).get_ydata(), 0.25)
    plt.close(fig)
