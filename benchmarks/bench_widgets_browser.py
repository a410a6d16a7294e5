"""How long a reader waits in JupyterLab, per control type: from the key press, click or change
event in the browser to the new picture loaded in the page.

Run by hand from the repository root: ``.venv/bin/python benchmarks/bench_widgets_browser.py``.
A throwaway notebook shows the four experiments with their defaults; JupyterLab (this
environment's, with the project's settings) serves it on 127.0.0.1 and headless Debian Chromium
runs it, offline. Then every control of every experiment is moved as a reader would: a slider by
the arrow keys (MOVES presses one way, then back), a dropdown through each of its options and
back, a checkbox clicked four times. One move is timed in the page, with ``performance.now()``,
from the event to the ``load`` of the experiment's new image; the redraws it caused are counted
over the QUIET milliseconds that follow (one is right). A move that leaves the picture
unchanged pixel for pixel sends no image and is counted apart. Without Chromium or Playwright the
script says so and measures nothing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
from results_file import save

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from lab_support import Watch, image_events, jupyterlab, open_lab, run_all, settle
from site_support import CHROMIUM, CHROMIUM_ARGS

MOVES = 8
QUIET = 400.0  # ms after the first new image in which a second one would be a second redraw
EXPERIMENTS = {
    "trajectory explorer": "trajectory_explorer",
    "accumulator explorer": "accumulator_explorer",
    "EWA weights": "ewa_weights",
    "sensitivity heatmap": "sensitivity_heatmap",
}
KINDS = {  # CSS class of the control's view -> control type
    "widget-dropdown": "dropdown",
    "widget-checkbox": "checkbox",
    "widget-hslider": "slider",
}


def one_move(page, act, timeout: float = 5.0) -> tuple[float | None, int]:
    """Milliseconds from the event ``act()`` causes to the new image's load (None: no new
    image), and the number of redraws it caused."""
    before = page.evaluate("() => window.__lab.changes.length")
    act()
    event = page.evaluate("() => window.__lab.lastEvent")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        loads = [t for t in image_events(page)["loads"] if t > event]
        if loads:
            time.sleep(QUIET / 1000)
            return loads[0] - event, page.evaluate("() => window.__lab.changes.length") - before
        time.sleep(0.01)
    return None, page.evaluate("() => window.__lab.changes.length") - before


def moves_of(page, control, kind: str):
    """The reader's actions on ``control`` (a locator), as callables."""
    if kind == "slider":
        handle = control.locator(".noUi-handle")
        now, low, high = (
            float(handle.get_attribute(f"aria-value{k}")) for k in ("now", "min", "max")
        )
        first, back = (
            ("ArrowRight", "ArrowLeft") if high - now >= now - low else ("ArrowLeft", "ArrowRight")
        )
        handle.focus()
        return [
            lambda key=key: page.keyboard.press(key) for key in [first] * MOVES + [back] * MOVES
        ]
    if kind == "checkbox":
        box = control.locator("input")
        return [box.click] * 4
    select = control.locator("select")
    labels = select.locator("option").all_inner_texts()
    start = labels.index(select.evaluate("s => s.options[s.selectedIndex].text"))
    order = labels[start + 1 :] + labels[: start + 1]
    return [lambda label=label: select.select_option(label=label) for label in order]


def measure(page, index: int, experiment: str) -> list[dict]:
    output = page.locator(".jp-OutputArea-output:has(img.widget-image)").nth(index)
    output.scroll_into_view_if_needed()
    rows = []
    for css, kind in KINDS.items():
        controls = output.locator(f".{css}")
        for number in range(controls.count()):
            control = controls.nth(number)
            if control.locator(":disabled").count() or "mod-disabled" in (
                control.get_attribute("class") or ""
            ):
                continue
            label = (
                control.inner_text()
                if kind == "checkbox"
                else control.locator(".widget-label").first.inner_text()
            )
            times, redraws, unchanged = [], [], 0
            for act in moves_of(page, control, kind):
                elapsed, count = one_move(page, act)
                if elapsed is None:
                    unchanged += 1
                else:
                    times.append(elapsed)
                    redraws.append(count)
            rows.append(
                {"experiment": experiment, "control": label.strip(), "kind": kind,
                 "times_ms": times, "redraws": redraws, "unchanged": unchanged}
            )  # fmt: skip
    return rows


def summary(label: str, times: list[float], redraws: list[int], unchanged: int) -> dict:
    return {
        "control type": label,
        "moves": len(times),
        "median_ms": float(np.median(times)),
        "p95_ms": float(np.percentile(times, 95)),
        "max_ms": float(np.max(times)),
        "most_redraws_per_move": int(max(redraws)),
        "moves_without_a_new_picture": unchanged,
    }


def main() -> None:
    if CHROMIUM is None:
        print("Chromium is not installed (apt-get install chromium): nothing measured")
        return
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    cells = ["from rmsprop_lib import widgets"]
    cells += [f"widgets.{factory}()" for factory in EXPERIMENTS.values()]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "experiments.ipynb")
    load_before, rows = os.getloadavg(), []
    try:
        with jupyterlab(folder, ["experiments.ipynb"]) as lab, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            watch = Watch()
            page = open_lab(browser, lab, "lab/tree/experiments.ipynb", watch)
            run_all(page)
            page.locator("img.widget-image").nth(len(EXPERIMENTS) - 1).wait_for(state="attached")
            settle(page)
            for index, experiment in enumerate(EXPERIMENTS):
                rows += measure(page, index, experiment)
            assert not watch.errors, watch.errors
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()
    pooled = []
    for kind in KINDS.values():
        mine = [row for row in rows if row["kind"] == kind]
        times = [t for row in mine for t in row["times_ms"]]
        redraws = [r for row in mine for r in row["redraws"]]
        pooled.append(summary(kind, times, redraws, sum(row["unchanged"] for row in mine)))
    everything = [t for row in rows for t in row["times_ms"]]
    pooled.append(
        summary("every control", everything, [r for row in rows for r in row["redraws"]],
                sum(row["unchanged"] for row in rows))
    )  # fmt: skip
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    for row in pooled:
        print(
            f"{row['control type']:<14} {row['moves']:>4} moves: median {row['median_ms']:6.1f}"
            f" p95 {row['p95_ms']:6.1f} max {row['max_ms']:6.1f} ms,"
            f" at most {row['most_redraws_per_move']} redraw(s) per move,"
            f" {row['moves_without_a_new_picture']} without a new picture"
        )
    for row in rows:
        if row["times_ms"]:
            print(f"  {row['experiment']:<21} {row['control'][:34]:<34} {row['kind']:<9}"
                  f" p95 {np.percentile(row['times_ms'], 95):6.1f} ms")  # fmt: skip
    save(
        "widgets_browser",
        pooled,
        per_control=[
            {key: value for key, value in row.items() if key != "times_ms"}
            | {"p95_ms": float(np.percentile(row["times_ms"], 95)) if row["times_ms"] else None}
            for row in rows
        ],
        browser="Debian Chromium, headless",
        moves_per_slider=2 * MOVES,
        quiet_ms=QUIET,
        load_average_before=load_before,
        load_average_after=load_after,
    )


if __name__ == "__main__":
    main()
