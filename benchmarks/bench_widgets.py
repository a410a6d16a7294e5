"""How long a reader waits after moving a control of each widget experiment.

Run by hand from the repository root: ``.venv/bin/python benchmarks/bench_widgets.py``.
One move is: set a control's value and then ``figure.canvas.draw()`` with the Agg backend, as
the issue defines it. Setting the value does the work: the experiment recomputes what it must,
updates its artists in place, renders the figure once and encodes the PNG its widget shows. The
``canvas.draw()`` that follows finds the figure unchanged and costs almost nothing (the
experiments' canvas renders only a changed figure), so the time is what a reader waits for.
Every control of every experiment is swept: sliders are dragged from their minimum to their
maximum and back in MOVES steps, dropdowns and checkboxes go through each of their options.
Wall-clock and process CPU time are recorded, the median, the 95th percentile and the slowest
move: on a shared machine the wall clock also counts time spent waiting for a core, so the load
average is saved with the numbers.
"""

from __future__ import annotations

import os
import time

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from results_file import save

from rmsprop_lib import widgets

MOVES = 40
SLIDERS = (
    ipywidgets.IntSlider,
    ipywidgets.FloatSlider,
    ipywidgets.FloatLogSlider,
    ipywidgets.SelectionSlider,
)
EXPERIMENTS = {
    "trajectory explorer": widgets.trajectory_explorer,
    "accumulator explorer": widgets.accumulator_explorer,
    "EWA weights": widgets.ewa_weights,
    "sensitivity heatmap": widgets.sensitivity_heatmap,
}


def sweep(control: ipywidgets.ValueWidget, moves: int) -> list:
    """The values a reader sets: each option in turn, or the slider dragged from its minimum to
    its maximum and back along the positions its front-end offers."""
    if isinstance(control, ipywidgets.Checkbox):
        return [not control.value, control.value] * 2
    if isinstance(control, ipywidgets.Dropdown | ipywidgets.SelectionSlider):
        values = [value for _, value in control.options]
        start = values.index(control.value) + 1
        return values[start:] + values[:start]
    low, high = control.min, control.max
    positions = np.round(np.linspace(0, (high - low) / control.step, moves // 2))
    there = low + positions * control.step
    if isinstance(control, ipywidgets.FloatLogSlider):
        there = control.base**there
    there = there.astype(int) if isinstance(control, ipywidgets.IntSlider) else there
    return [*there.tolist(), *there[::-1].tolist(), control.value]


def time_moves(experiment, name: str, values: list) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of (set the value + canvas.draw()) for each value."""
    control, canvas = experiment.controls[name], experiment.figure.canvas
    wall, cpu = [], []
    for value in values:
        start, start_cpu = time.perf_counter(), time.process_time()
        control.value = value
        canvas.draw()
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return wall, cpu


def summary(experiment: str, control: str, wall: list[float], cpu: list[float]) -> dict:
    return {
        "experiment": experiment,
        "control": control,
        "moves": len(wall),
        "median_ms": float(np.median(wall)),
        "p95_ms": float(np.percentile(wall, 95)),
        "max_ms": float(np.max(wall)),
        "cpu_median_ms": float(np.median(cpu)),
        "cpu_p95_ms": float(np.percentile(cpu, 95)),
    }


def measure(label: str, factory) -> tuple[list[dict], float]:
    """One row per control, then pooled rows for the sliders alone (the issue's "moving a
    slider") and for every control (dropdowns may recompute); and the construction time."""
    start = time.perf_counter()
    experiment = factory()
    built_ms = 1000 * (time.perf_counter() - start)
    assert isinstance(experiment.figure.canvas, FigureCanvasAgg)
    rows, pooled = [], {"sliders": ([], []), "all controls": ([], [])}
    for name, control in experiment.controls.items():
        wall, cpu = time_moves(experiment, name, sweep(control, MOVES))
        rows.append(summary(label, name, wall, cpu))
        groups = ("sliders", "all controls") if isinstance(control, SLIDERS) else ("all controls",)
        for group in groups:
            pooled[group][0].extend(wall)
            pooled[group][1].extend(cpu)
    experiment.close()
    totals = [summary(label, group, *times) for group, times in pooled.items()]
    return [*totals, *rows], built_ms


def main() -> None:
    load_before = os.getloadavg()
    rows, built = [], {}
    for label, factory in EXPERIMENTS.items():
        measured, built[label] = measure(label, factory)
        rows += measured
    load_after = os.getloadavg()
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{'experiment':<22} {'control':<18} {'moves':>5} {'median':>8} {'p95':>8} {'max':>8}"
          f" {'cpu med':>8} {'cpu p95':>8}   (ms)")  # fmt: skip
    for row in rows:
        print(f"{row['experiment']:<22} {row['control']:<18} {row['moves']:>5}"
              f" {row['median_ms']:8.1f} {row['p95_ms']:8.1f} {row['max_ms']:8.1f}"
              f" {row['cpu_median_ms']:8.1f} {row['cpu_p95_ms']:8.1f}")  # fmt: skip
    print("built in (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in built.items()))
    save(
        "widgets",
        rows,
        canvas="Agg",
        moves_per_slider=MOVES,
        built_ms=built,
        load_average_before=load_before,
        load_average_after=load_after,
    )


if __name__ == "__main__":
    main()
