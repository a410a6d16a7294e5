"""The live experiments of the built website (_ext/live_figures.py), read from _build/html.

Where they are, what a page weighs, and that every picture the website shows is the kernel
widget's own: the experiment of the chapter's cell, its controls moved to that setting, gives the
same pixels as the frame file. Outside CI the tests skip when the site is not built.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import sys
from typing import NamedTuple

import matplotlib
import nbformat
import numpy as np
import pytest
from PIL import Image
from site_support import ROOT, skip_module_unless, toc_pages

from rmsprop_lib import plotting, widgets

SITE = ROOT / "_build" / "html"
skip_module_unless(None if (SITE / "index.html").is_file() else "the site is not built (make book)")

sys.path.insert(0, str(ROOT / "_ext"))
from live_figures import chapter_call, live_grid  # noqa: E402

FRAME_BYTES_PER_PAGE = 1_500_000
HTML_BYTES_PER_PAGE = 400_000
PLAYER = re.compile(
    r'<div class="live-figure" id="(live-\d+)">.*?'
    r'<script type="application/json" class="live-frames">(.*?)</script>',
    re.DOTALL,
)


def players(page: str) -> dict[str, dict[str, list[str]]]:
    """Player id -> its table "i,j" -> [frame url, alt text], on built page ``page``."""
    text = (SITE / f"{page}.html").read_text(encoding="utf-8")
    return {ident: json.loads(table) for ident, table in PLAYER.findall(text)}


class LiveCell(NamedTuple):
    """A chapter cell marked live: its page, index, cell, and what the player shows."""

    page: str
    index: int
    cell: nbformat.NotebookNode
    name: str
    arguments: dict
    grid: dict


def live_cells() -> list[LiveCell]:
    found = []
    for page in toc_pages():
        path = ROOT / f"{page}.ipynb"
        if not path.is_file():
            continue
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            if "live" in cell.metadata:
                live = cell.metadata["live"]
                earlier = [c.source for c in cells[:index] if c.cell_type == "code"]
                name, arguments = chapter_call(cell.source, live.get("given", {}), earlier)
                grid, _ = live_grid(live, getattr(widgets, name)(**arguments))
                found.append(LiveCell(page, index, cell, name, arguments, grid))
    return found


LIVE = live_cells()
LIVE_IDS = [f"{live.page.split('/')[-1]}-cell{live.index}" for live in LIVE]


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_at_least_eight_live_experiments_on_four_pages() -> None:
    counts = {page: len(players(page)) for page in toc_pages()}
    live = {page: n for page, n in counts.items() if n}
    assert sum(live.values()) >= 8 and len(live) >= 4, live


def frame_file(live: LiveCell, key: str) -> tuple[bytes, str]:
    """The frame the player of ``live`` shows at ``key`` ("i,j": an index per control), and its
    alt text."""
    url, alt = players(live.page)[f"live-{live.index}"][key]
    return (SITE / live.page).parent.joinpath(url).resolve().read_bytes(), alt


@pytest.mark.parametrize("live", LIVE, ids=LIVE_IDS)
def test_every_setting_of_the_grid_has_a_frame(live: LiveCell) -> None:
    table = players(live.page)[f"live-{live.index}"]
    sizes = [range(len(values)) for values in live.grid.values()]
    assert set(table) == {",".join(map(str, key)) for key in itertools.product(*sizes)}
    for key in table:
        frame, alt = frame_file(live, key)
        assert frame[8:12] == b"WEBP" and len(alt) >= 15


@pytest.mark.parametrize("page", toc_pages())
def test_a_page_weighs_at_most_its_budget(page: str) -> None:
    """The HTML, and every frame the page can load (each file once)."""
    html = SITE / f"{page}.html"
    assert html.stat().st_size <= HTML_BYTES_PER_PAGE, f"{page}.html: {html.stat().st_size} B"
    urls = {url for table in players(page).values() for url, _ in table.values()}
    weight = sum(html.parent.joinpath(url).resolve().stat().st_size for url in urls)
    assert weight <= FRAME_BYTES_PER_PAGE, f"{page}: {len(urls)} frames, {weight} B"


def widget_png(name: str, arguments: dict, setting: dict) -> tuple[bytes, str]:
    """What JupyterLab shows after the chapter's cell runs and a reader moves the controls."""
    with matplotlib.rc_context():
        plotting.book_style()  # as the chapter does first
        experiment = getattr(widgets, name)(**arguments)
        for control, value in setting.items():
            experiment.controls[control].value = value
        png = experiment._repr_mimebundle_(include=["image/png"])["image/png"]
    return base64.b64decode(png), experiment.alt_text


def start_key(live: LiveCell) -> str:
    """The key of the chapter's starting setting in a player's table."""
    start = getattr(widgets, live.name)(**live.arguments).values()
    return ",".join(str(values.index(start[c])) for c, values in live.grid.items())


@pytest.mark.parametrize("live", LIVE, ids=LIVE_IDS)
def test_a_frame_equals_the_widget_at_its_setting(live: LiveCell) -> None:
    """The first and the last setting of the grid (corners: every control moved)."""
    for choose in (0, -1):
        setting = {control: values[choose] for control, values in live.grid.items()}
        key = ",".join(str(range(len(values))[choose]) for values in live.grid.values())
        frame, alt = frame_file(live, key)
        png, widget_alt = widget_png(live.name, live.arguments, setting)
        assert np.array_equal(pixels(frame), pixels(png)), f"{live.page} {setting}"
        assert key == start_key(live) or alt == widget_alt


@pytest.mark.parametrize("live", LIVE, ids=LIVE_IDS)
def test_the_first_frame_is_the_stored_still(live: LiveCell) -> None:
    """The chapter's stored output (the still of the PDF and of readers without JavaScript) is
    the frame the website opens on, with the chapter's alt text."""
    frame, alt = frame_file(live, start_key(live))
    stills = [o.data["image/png"] for o in live.cell.outputs if "image/png" in o.get("data", {})]
    if not stills:
        pytest.skip("stored before this output had a still (run `make notebooks`)")
    assert np.array_equal(pixels(frame), pixels(base64.b64decode(stills[0])))
    assert alt == live.cell.metadata.get("mystnb", {}).get("image", {}).get("alt", alt)
