"""Every figure a chapter notebook stores is on its page of the built site.

The site shows the stored outputs (`execute_notebooks: "off"`), so nothing on the reader's machine
(its CPU, its MPLBACKEND) can drop a figure; this checks it, page by page.
"""

from __future__ import annotations

import json
import re

import pytest
from site_support import ROOT, skip_module_unless

SITE = ROOT / "_build" / "html"
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])
# myst-nb writes each output image to _images/ under the SHA-256 of its content; a live experiment
# (_ext/live_figures.py) shows its stored figure as the first of its frames in _live/.
OUTPUT_IMAGE = re.compile(
    r'<img\b[^>]*\bsrc="(?:\.\./)*(?:_images/[0-9a-f]{64}\.png|_live/[0-9a-f]+\.webp)"'
)

skip_module_unless(None if (SITE / "index.html").is_file() else "the site is not built (make book)")


def stored_figures(notebook) -> int:
    cells = json.loads(notebook.read_text())["cells"]
    return sum(
        "image/png" in out.get("data", {}) for cell in cells for out in cell.get("outputs", [])
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_stored_figure_is_on_the_page(notebook):
    page = SITE / notebook.relative_to(ROOT).with_suffix(".html")
    shown = len(OUTPUT_IMAGE.findall(page.read_text(encoding="utf-8")))
    assert shown == stored_figures(notebook), f"{page.name}: {shown} figures shown"


def test_the_chapters_have_figures_at_all():
    assert sum(stored_figures(notebook) for notebook in NOTEBOOKS) >= 30
