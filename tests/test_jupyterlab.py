"""The chapters' experiments in a real JupyterLab: as the text says, and still there after a save.

JupyterLab (from this environment, with the project's settings override) serves a throwaway copy
of chapters 1 and 5 on 127.0.0.1; headless Chromium (Debian's ``chromium`` through Playwright's
``executable_path``: never a downloaded browser) opens each with every request that leaves the
machine blocked. Before running, every stored figure shows (the experiments' and the animation's
still pictures).
Run All; then no widget value has been sent to the kernel (the browser changed nothing on its
own), no console error, and no news pop-up. A slider and a dropdown moved redraw the figure once
each. Save, shut the kernel down, reopen: every experiment shows its picture, no "model not
found". Outside CI the test skips when Chromium or Playwright is missing; under CI it fails.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_support import (
    JUPYTER,
    Lab,
    Watch,
    book_targets,
    image_events,
    jupyterlab,
    open_lab,
    run_all,
    settle,
)
from site_support import ROOT, browser_missing, chromium, skip_module_unless

CHAPTERS = {  # notebook -> experiments it shows (chapter 1: the explorer and its animation)
    "01_elongated_valleys.ipynb": 2,
    "05_rmsprop_in_action.ipynb": 5,
}
# The first trajectory explorer (the first experiment with an objective dropdown) is moved. Chapter
# 1's animation plays that explorer itself, so its picture is on the page twice: one redraw changes
# both views.
VIEWS_OF_FIRST = {"01_elongated_valleys.ipynb": 2, "05_rmsprop_in_action.ipynb": 1}
OVERRIDES = Path(JUPYTER).parent.parent / "share/jupyter/lab/settings/overrides.json"


skip_module_unless(browser_missing())

from playwright.sync_api import Browser, Page  # noqa: E402


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    assert OVERRIDES.is_file(), "run `make lab-settings`: the JupyterLab settings are missing"
    folder = tmp_path_factory.mktemp("lab")
    for name in CHAPTERS:
        shutil.copy(ROOT / "chapters" / name, folder / name)
    with jupyterlab(folder, list(CHAPTERS)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _experiment(page: Page, index: int):
    return page.locator(".jp-OutputArea-output:has(img.widget-image)").nth(index)


def _changes_after(page: Page, action) -> int:
    """How many times a widget image changes after ``action()``, once things are quiet."""
    before = len(image_events(page)["changes"])
    action()
    settle(page)
    return len(image_events(page)["changes"]) - before


def stored_figures(notebook: Path) -> int:
    cells = json.loads(notebook.read_text())["cells"]
    return sum(
        "image/png" in out.get("data", {}) for cell in cells for out in cell.get("outputs", [])
    )


@pytest.mark.parametrize("name", list(CHAPTERS))
def test_a_chapter_runs_saves_and_reopens_with_its_pictures(lab: Lab, browser: Browser, name):
    watch = Watch()
    workspace = name.split("_")[0]  # a workspace of its own: no other notebook reopens here
    page = open_lab(browser, lab, f"lab/workspaces/{workspace}/tree/{name}", watch)
    stills = page.locator(".jp-RenderedImage img")
    stored = stored_figures(ROOT / "chapters" / name)
    stills.nth(stored - 1).wait_for(state="attached", timeout=20_000)  # outputs render lazily
    assert stills.count() == stored

    seconds = run_all(page)
    page.locator("img.widget-image").nth(CHAPTERS[name] - 1).wait_for()
    settle(page)
    experiments = page.locator(".jp-OutputArea-output:has(img.widget-image)")
    assert experiments.count() == CHAPTERS[name]
    assert watch.updates == [], f"{len(watch.updates)} values changed without input"
    assert page.get_by_text("official Jupyter news").count() == 0

    first = experiments.filter(has=page.locator(".widget-dropdown", has_text="objective")).first
    slider = first.locator(".widget-hslider", has_text="learning rate η")
    readout = slider.locator(".widget-readout").inner_text()
    slider.locator(".noUi-handle").focus()
    views = VIEWS_OF_FIRST[name]
    assert _changes_after(page, lambda: page.keyboard.press("ArrowRight")) == views
    assert slider.locator(".widget-readout").inner_text() != readout
    dropdown = first.locator(".widget-dropdown", has_text="objective").locator("select")
    assert _changes_after(page, lambda: dropdown.select_option(label="Rosenbrock")) == views
    assert len(watch.updates) == 2  # one value each: the dropdown moved the start sliders itself

    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", polling=250
    )
    assert lab.shut_down_kernels() >= 1  # this notebook's (and any a failed test left)
    page.reload(wait_until="load")
    page.locator(".jp-Notebook").first.wait_for()
    page.wait_for_function(  # every experiment drawn again, or an error in its place
        """n => document.querySelectorAll('img.widget-image').length >= n
               || document.body.innerText.includes('model not found')""",
        arg=CHAPTERS[name],
        polling=250,
    )
    time.sleep(1.0)  # let every output render
    assert page.get_by_text("model not found").count() == 0
    for index in range(CHAPTERS[name]):
        image = _experiment(page, index).locator("img.widget-image")
        assert image.evaluate("img => img.complete && img.naturalWidth > 100")
    assert watch.errors == [], watch.errors
    assert watch.other_documents <= book_targets(), watch.other_documents - book_targets()
    assert watch.blocked == [], watch.blocked
    print(f"{name}: Run All took {seconds:.1f} s")
    page.close()
    lab.shut_down_kernels()  # the one the reopened notebook started
