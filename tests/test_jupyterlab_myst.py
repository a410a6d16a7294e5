"""The chapters read as a book in the project's JupyterLab, before and after Run All.

JupyterLab from this environment (with jupyterlab-myst) serves a throwaway copy of every chapter;
headless Chromium (Debian's ``chromium``, never a downloaded browser) opens each one offline.
In every rendered markdown cell: no MyST source shows (roles such as {eval}, {doc}, {ref},
{term}; directive fences and option lines; glue keys; raw labels or document names), every
inline number shows its stored value, and no inline expression shows an error. Every solution
is folded: after a ``solution-start`` its code cell is collapsed and its answer is a closed
dropdown (a markdown cell that is run is shown again, so only a dropdown keeps the answer
folded after Run All); a collapsed markdown cell's preview shows no MyST source either. Then
Run All (which shows a code cell's outputs again: a solution's code shows none): the kernel
recomputes every number, and the prose shows the same values as before. Outside CI the test
skips when Chromium or Playwright is missing; under CI it fails.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_support import Lab, Watch, jupyterlab, open_lab, run_all, wait_for_kernel
from site_support import ROOT, browser_missing, chromium, skip_module_unless

CHAPTERS = sorted(path.name for path in (ROOT / "chapters").glob("*.ipynb"))
#: MyST source that a rendered cell must not show
RAW = re.compile(
    r"\{[a-z]+(?::[a-z]+)?\}`"  # a role: {eval}`, {ref}`, {glue:text}`, ...
    r"|^\s*:[a-z-]+:"  # a directive option line: :class:, :label:
    r"|```|:::"  # a directive fence
    r"|glued\(|\bch\d_\w+"  # an expression or a glue key shown as text
    r"|\bch\d-[a-z0-9-]+|\bfact-f\d+"  # a section label shown as text
    r"|\b0\d_[a-z_]+\b",  # a document name shown as text
    re.M,
)

skip_module_unless(browser_missing())

from playwright.sync_api import Browser  # noqa: E402

# Every cell of the notebook at `path`, scrolled into view so JupyterLab renders it: its type,
# whether its input and output are collapsed, its rendered text (markdown) or its collapsed preview,
# and how many inline expressions show an error.
_READ_CELLS = """async ([path, expected]) => {
  const panel = [...window.jupyterapp.shell.widgets('main')]
    .find(w => w.context && w.context.path === path);
  await panel.context.ready;
  const pause = (ms) => new Promise(r => setTimeout(r, ms));
  const cells = [];
  for (const [index, cell] of panel.content.widgets.entries()) {
    await panel.content.scrollToItem(index);
    const type = cell.model.type;
    if (type === 'markdown' && !cell.inputHidden) {
      for (let k = 0; k < 100 && !cell.node.querySelector('.myst'); k++) await pause(50);
      await pause(30);
    }
    const rendered = cell.node.querySelector('.myst');
    const folded = rendered ? rendered.innerText : '';
    const closed = rendered ? [...rendered.querySelectorAll('details:not([open]) > summary')] : [];
    closed.forEach(summary => summary.click());  // as a reader opens a dropdown
    const squash = (t) => t.replace(/\\s+/g, ' ');
    const wanted = expected[index] || [];  // inline numbers render a moment after their cell
    for (let k = 0; rendered && k < 100; k++) {
      const text = squash(rendered.innerText);
      if (wanted.every(n => text.includes(n))) break;
      await pause(50);
    }
    const preview = cell.node.querySelector('.jp-InputPlaceholder .jp-PlaceholderText');
    cells.push({
      index, type, inputHidden: cell.inputHidden, outputHidden: !!cell.outputHidden,
      outputShown: type === 'code' && !cell.outputHidden
        && (cell.outputArea.node.innerText.trim().length > 0
            || cell.outputArea.node.querySelector('img') !== null),
      folded, text: rendered ? rendered.innerText : '',
      preview: preview ? preview.textContent : '',
      errors: cell.node.querySelectorAll(
        '[data-mime-type="application/vnd.jupyter.stderr"]').length,
    });
    closed.forEach(summary => summary.click());
  }
  return cells;
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    folder = tmp_path_factory.mktemp("lab")
    for name in CHAPTERS:
        shutil.copy(ROOT / "chapters" / name, folder / name)
    with jupyterlab(folder, CHAPTERS) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def stored_numbers(name: str) -> dict[int, list[str]]:
    """Cell index -> the texts its inline expressions show (stored by `make notebooks`)."""
    cells = json.loads((ROOT / "chapters" / name).read_text())["cells"]
    shown = {}
    for index, cell in enumerate(cells):
        items = cell.get("metadata", {}).get("user_expressions", [])
        if items:
            shown[index] = [item["result"]["data"]["text/plain"][1:-1] for item in items]
    return shown


def problems_in(cells: list[dict], numbers: dict[int, list[str]]) -> list[str]:
    found = []
    part = None  # within a solution: "code", then "answer"
    for cell in cells:
        where = f"cell {cell['index']}"
        if part == "code":
            if cell["type"] != "code" or not cell["inputHidden"] or cell["outputShown"]:
                found.append(f"{where}: a solution's code, not collapsed")
            part = "answer"
            continue
        if part == "answer":
            shown = cell["folded"].strip()
            if cell["type"] != "markdown" or (shown and shown != "Answer"):
                found.append(f"{where}: a solution's answer, not folded: {shown[:60]!r}")
            part = None
        if cell["type"] == "markdown" and RAW.search(cell["preview"]):
            found.append(f"{where}: collapsed preview shows {cell['preview'][:60]!r}")
        if cell["type"] != "markdown" or cell["inputHidden"]:
            continue
        if match := RAW.search(cell["text"]):
            found.append(f"{where}: shows {cell['text'][max(0, match.start() - 30) :][:80]!r}")
        if cell["errors"]:
            found.append(f"{where}: {cell['errors']} inline expressions show an error")
        text = re.sub(r"\s+", " ", cell["text"])
        missing = [n for n in numbers.get(cell["index"], []) if n not in text]
        if missing:
            found.append(f"{where}: numbers {missing} not shown")
        if "Start of Solution" in cell["folded"]:
            part = "code"
    return found


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_reads_as_a_book_before_and_after_running(lab: Lab, browser: Browser, name):
    numbers = stored_numbers(name)
    assert numbers, "no inline numbers stored: run `make notebooks`"
    watch = Watch()
    page = open_lab(browser, lab, f"lab/workspaces/{Path(name).stem}/tree/{name}", watch)
    try:
        before = page.evaluate(_READ_CELLS, [name, numbers])
        assert sum(c["type"] == "markdown" for c in before) > 10
        assert not problems_in(before, numbers), problems_in(before, numbers)
        wait_for_kernel(page)
        run_all(page)
        page.wait_for_timeout(2000)  # the last markdown cells' expressions come back
        after = page.evaluate(_READ_CELLS, [name, numbers])
        assert not problems_in(after, numbers), problems_in(after, numbers)
    finally:
        page.close()
        lab.shut_down_kernels()
    assert not watch.blocked, watch.blocked
