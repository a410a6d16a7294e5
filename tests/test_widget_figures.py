"""Tests for rmsprop_lib.widgets.figures (figures updated in place) and the experiments'
pictures."""

from __future__ import annotations

import io
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
import PIL.ImageColor
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize

import rmsprop_lib as rl
from rmsprop_lib import plotting
from rmsprop_lib.widgets import figures, sensitivity, trajectories


def screen_and_saved(fig) -> tuple[np.ndarray, np.ndarray]:
    """The figure as drawn on the canvas (with its static bitmap) and as savefig draws it."""
    fig.canvas.draw()
    screen = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    return screen, np.asarray(PIL.Image.open(buffer))[..., :3]


# ----------------------------------------------------------------------------- figures


def test_a_detached_figure_is_agg_and_not_pyplot():
    before = plt.get_fignums()
    fig, axes = figures.detached_figure(ncols=3, width=2.0, height=1.5)
    assert plt.get_fignums() == before and isinstance(fig.canvas, FigureCanvasAgg)
    assert len(axes) == 3 and tuple(fig.get_size_inches()) == (6.0, 1.5)


def test_freeze_layout_keeps_the_positions():
    fig, (ax,) = figures.detached_figure()
    ax.set_title("a title")
    figures.freeze_layout(fig)
    position = ax.get_position().bounds
    ax.set_title("a much longer title than before, which would move things if re-laid out")
    fig.canvas.draw()
    assert ax.get_position().bounds == position and fig.get_layout_engine() is not None


def test_figure_png_is_the_figure_in_pixels():
    fig, (ax,) = figures.detached_figure(width=3.0, height=2.0)
    ax.plot([0, 1], [0, 1])
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    for level in (1, 9):
        image = PIL.Image.open(io.BytesIO(figures.figure_png(fig, compress_level=level)))
        assert image.format == "PNG" and image.mode == "RGB"
        assert image.size == (round(3 * fig.dpi), round(2 * fig.dpi))
        np.testing.assert_array_equal(np.asarray(image), pixels)  # PIL checks every CRC


def test_static_layer_looks_exactly_like_a_full_draw():
    fig, axes = figures.detached_figure(ncols=2, width=3.0, height=2.5)
    contours = plotting.contour(axes[0], rl.rosenbrock(), (-2, 2), (-1, 3), resolution=40)
    (line,) = axes[0].plot([-1.5, 0.5], [2.5, 0.0], color="C1", zorder=3)
    (_other,) = axes[1].plot([0, 1], [0, 1], label="other")
    legend = fig.legend(loc="outside lower center")
    figures.freeze_layout(fig)
    layer = figures.StaticLayer(fig)
    layer.add(*figures.decorations(*axes), contours, legend)
    assert all(artist.get_animated() for artist in layer.artists)
    for change in (
        lambda: line.set_data([-1.0, 1.0], [2.0, 1.0]),  # a moving artist only
        lambda: axes[1].set_xlim(0, 10),  # new ticks: the bitmap is rendered again
        lambda: contours.set_visible(False),
    ):
        change()
        screen, saved = screen_and_saved(fig)
        np.testing.assert_array_equal(screen, saved)


def test_static_layer_renders_again_only_what_changed():
    fig, axes = figures.detached_figure(ncols=2, width=3.0, height=2.5)
    lines = [ax.plot([0, 1], [0, 1])[0] for ax in axes]
    legend = fig.legend(handles=lines[:1], labels=["line"], loc="outside lower center")
    figures.freeze_layout(fig)
    layer = figures.StaticLayer(fig)
    layer.add(*figures.decorations(*axes), legend)
    fig.canvas.draw()
    drawn = []
    for artist, name in ((axes[0].xaxis, "left"), (axes[1].xaxis, "right"), (legend, "legend")):
        original = artist.draw
        artist.draw = lambda renderer, o=original, n=name: (drawn.append(n), o(renderer))

    def draw_and_see() -> list[str]:
        fig.canvas.draw()
        seen = drawn.copy()
        drawn.clear()
        return seen

    lines[0].set_ydata([1, 0])
    assert draw_and_see() == []
    layer.changed()
    assert draw_and_see() == ["legend", "left", "right"]
    first_limits = axes[1].get_ylim()
    axes[1].set_ylim(-5, 5)  # the right panel's ticks only, on the bitmap of the rest
    assert draw_and_see() == ["right"]
    axes[0].set_ylim(-5, 5)  # the left panel's, and every level after it
    assert draw_and_see() == ["left", "right"]
    axes[0].set_ylim(first_limits)
    axes[1].set_ylim(first_limits)  # a state shown before: its bitmap is pasted
    assert draw_and_see() == []
    for top in range(2, 2 + figures.StaticLayer.KEEP):  # the oldest bitmaps are forgotten
        axes[1].set_ylim(0, top)
        assert draw_and_see() == ["right"]
    axes[1].set_ylim(first_limits)
    assert draw_and_see() == ["right"]


def test_the_canvas_renders_only_a_changed_figure():
    fig, (ax,) = figures.detached_figure(width=3.0, height=2.5)
    (line,) = ax.plot([0, 1], [0, 1])
    rendered = []
    original = fig.draw
    fig.draw = lambda renderer: (rendered.append(1), original(renderer))
    fig.canvas.draw()
    fig.canvas.draw()
    assert len(rendered) == 1
    line.set_ydata([1, 0])
    fig.canvas.draw()
    assert len(rendered) == 2
    fig.savefig(io.BytesIO(), format="png", dpi=30)  # another resolution: renders of its own
    saved = len(rendered)
    assert saved > 2
    fig.canvas.draw()
    assert len(rendered) == saved + 1
    width, height = fig.canvas.get_width_height(physical=True)
    assert np.asarray(fig.canvas.buffer_rgba()).shape == (height, width, 4)


# ----------------------------------------------------------------------------- small helpers


def test_quadratic_level_sets_are_ellipses_on_their_levels():
    _fig, (ax,) = figures.detached_figure()
    lines = figures.level_curves(ax, 4)
    problem = rl.elongated_quadratic(20.0, rotation=0.7)
    figures.set_quadratic_levels(lines, problem.hessian, (-5, 5), (-3, 3))
    levels = [float(problem.value(np.column_stack(line.get_data()))[0]) for line in lines]
    for line, level in zip(lines, levels, strict=True):
        np.testing.assert_allclose(problem.value(np.column_stack(line.get_data())), level)
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(10.0))  # 1e-3 .. 1, geometric
    assert levels[-1] == pytest.approx(float(np.max(problem.value(np.array([[-5, 3], [5, 3]])))))


def test_notes_show_and_hide():
    _fig, (ax,) = figures.detached_figure()
    notes = figures.corner_notes(ax, 3, corner="lower right")
    figures.set_notes(notes, [("first", "red"), ("second", "blue")])
    assert [n.get_visible() for n in notes] == [True, True, False]
    assert notes[1].get_text() == "second" and notes[1].get_color() == "blue"
    assert notes[0].get_position()[1] < notes[1].get_position()[1]  # stacked upwards


def test_heatmap_colours_nan_grey_and_above_the_range_white():
    _fig, (ax,) = figures.detached_figure()
    image = sensitivity.heatmap(ax, (1, 3), (0, 3, 0, 1), Normalize(0, 1))
    image.set_array(np.array([[0.5, np.nan, 2.0]]))
    colours = image.to_rgba(image.get_array())
    grey = np.array(PIL.ImageColor.getrgb(plotting.DIVERGED_GREY)) / 255
    np.testing.assert_allclose(colours[0, 1, :3], grey)
    np.testing.assert_allclose(colours[0, 2, :3], 1.0)


@pytest.mark.parametrize(
    ("value", "label"), [(1e-3, "10⁻³"), (1.0, "10⁰"), (1e12, "10¹²"), (0.0, ""), (-1.0, "")]
)
def test_power_of_ten_labels(value, label):
    assert figures.power_of_ten_label(value) == label


@pytest.mark.parametrize(
    ("x", "ceiling"), [(0.12, 0.2), (1.0, 1.0), (3.0, 5.0), (51, 100), (200, 200), (7e-4, 1e-3)]
)
def test_nice_ceiling(x, ceiling):
    assert figures.nice_ceiling(x) == pytest.approx(ceiling)


def test_axis_limits_move_only_when_they_must():
    _fig, (ax,) = figures.detached_figure()
    ax.set_yscale("log")
    figures.grow_xlim(ax, 0.0, 37)
    assert ax.get_xlim() == (0.0, 50.0)
    figures.grow_xlim(ax, 0.0, 20)  # still fits, not 3x too long: unchanged
    assert ax.get_xlim() == (0.0, 50.0)
    figures.grow_xlim(ax, 0.0, 10)
    assert ax.get_xlim() == (0.0, 10.0)
    figures.fit_log_ylim(ax, np.array([0.02, 30.0]), np.array([np.nan, -1.0, 0.0]))
    assert ax.get_ylim() == pytest.approx((1e-2, 1e2))
    figures.fit_log_ylim(ax, np.array([0.05, 10.0]))
    assert ax.get_ylim() == pytest.approx((1e-2, 1e2))
    figures.fit_log_ylim(ax, np.array([1e-5]), np.array([10.0]))
    assert ax.get_ylim() == pytest.approx((1e-6, 1e2))
    figures.fit_log_ylim(ax, np.array([np.nan]))  # no positive data: left alone
    assert ax.get_ylim() == pytest.approx((1e-6, 1e2))


def test_plain_log_axis_labels_powers_of_ten_without_minor_ticks():
    fig, (ax,) = figures.detached_figure()
    ax.set(yscale="log", ylim=(1e-3, 1e3))
    figures.plain_log_axis(ax.yaxis)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "10³" in labels and not any("$" in label for label in labels)
    assert len(ax.yaxis.get_minorticklocs()) == 0


# ----------------------------------------------------------------------------- pictures


def test_paths_picture_keeps_contours_and_greys_hidden_paths():
    picture = trajectories.PathsPicture(("gd", "rmsprop"))
    picture.show_objective("rosenbrock", rl.rosenbrock(), (-2, 2), (-1, 3))
    kept = picture.contours["rosenbrock"]
    picture.show_objective("quadratic", rl.elongated_quadratic(), (-5, 5), (-3, 3))
    assert not kept.get_visible() and picture.ellipses[0].get_visible()
    picture.show_objective("rosenbrock", rl.rosenbrock(), (-2, 2), (-1, 3))
    assert picture.contours["rosenbrock"] is kept and kept.get_visible()
    params = np.array([[[0.0, 0.0], [0.0, 0.0]], [[1.0, 1.0], [np.nan, np.nan]]])
    notes = picture.show_paths(params, np.array([-1, 1]), [True, False])
    assert notes == []  # RMSProp diverged but is hidden
    notes = picture.show_paths(params, np.array([-1, 1]), [True, True])
    assert notes == ["RMSProp diverged at step 1"]
    picture.show_paths(params, np.array([-1, 1]), [False, True])
    assert picture.legend.legend_handles[0].get_alpha() == 0.25


def test_heatmap_pair_redraws_its_colour_bar_only_on_change():
    pair = sensitivity.HeatmapPair(np.linspace(-3, 1, 5), np.linspace(0, 3, 4))
    pair.set_colour_scale(-16, 2, [-16, 0], ["a", "b"], "loss")
    pair.figure.canvas.draw()
    with mock.patch.object(pair.colorbar, "set_ticks") as ticks:
        pair.set_colour_scale(-16, 2, [-16, 0], ["a", "b"], "loss")
    assert ticks.call_count == 0 and not pair.figure.stale
    pair.set_colour_scale(0, 2, [0, 1], ["1", "10"], "steps")
    assert pair.static.key == (0, 2, "steps") and pair.colorbar.ax.get_ylabel() == "steps"
    assert pair.figure.stale  # a new look of the static parts: drawn, and kept under its key
    pair.show(1, np.arange(20.0).reshape(4, 5), (0, 0), "")
    assert pair.stars[1].get_xdata()[0] == -3 and not pair.notes[1].get_visible()
    pair.show(0, np.full((1, 5), np.nan), None, "5 of 5 runs diverged")
    assert not pair.stars[0].get_visible() and pair.notes[0].get_visible()


def test_heatmap_pair_gives_adagrad_no_beta_and_labels_its_colour_bar():
    pair = sensitivity.HeatmapPair(np.linspace(-3, 1, 5), np.linspace(0, 3, 4))
    adagrad_axes, rmsprop_axes = pair.axes
    assert list(adagrad_axes.get_yticks()) == [] and adagrad_axes.get_ylabel() == ""
    assert rmsprop_axes.get_ylabel() == "β" and len(rmsprop_axes.get_yticks()) == 4
    pair.show(0, np.arange(5.0).reshape(1, 5), (0, 2), "")
    assert pair.column.get_visible() and pair.column.get_x() == -1.5  # the cell of x = -1
    assert pair.column.get_height() == 4.0  # the full height: a learning rate, not a β
    pair.set_colour_scale(-16, 2, [-16, -8, 0], ["1e-16", "1e-8", "1"], "loss")
    pair.figure.canvas.draw()
    shown = [t.get_text() for t in pair.colorbar.ax.get_yticklabels() if t.get_visible()]
    assert shown == ["1e-16", "1e-8", "1"] and pair.colorbar.ax.get_ylabel() == "loss"
