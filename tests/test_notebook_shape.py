"""Chapters read in small steps: no code cell longer than 30 lines (issue 14). A longer cell is
split where a statement shows nothing, or its drawing moves into a folded cell above. And every
cross-reference carries its title: jupyterlab-myst cannot resolve a target in another notebook,
so an untitled {ref}`label` shows the bare label in JupyterLab."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
MOST_LINES = 30


def cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def long_cells(notebook: Path) -> list[str]:
    return [
        f"cell {index} ({cell.get('id')}): {len(lines)} lines"
        for index, cell in enumerate(cells(notebook))
        if cell["cell_type"] == "code"
        and len(lines := "".join(cell["source"]).splitlines()) > MOST_LINES
    ]


def test_the_check_finds_a_long_cell(tmp_path):
    cell = {"cell_type": "code", "id": "x", "source": ["a = 1\n"] * (MOST_LINES + 1)}
    notebook = tmp_path / "long.ipynb"
    notebook.write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    assert long_cells(notebook) == [f"cell 0 (x): {MOST_LINES + 1} lines"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.name)
def test_no_code_cell_is_longer_than_30_lines(notebook):
    assert not long_cells(notebook)


UNTITLED_REFERENCE = re.compile(r"\{(?:ref|doc)\}`[^`<]*`")


def untitled_references(notebook: Path) -> list[str]:
    return [
        f"cell {index}: {found}"
        for index, cell in enumerate(cells(notebook))
        if cell["cell_type"] == "markdown"
        for found in UNTITLED_REFERENCE.findall("".join(cell["source"]))
    ]


def test_the_check_finds_an_untitled_reference(tmp_path):
    text = "See {ref}`ch5-cycle-derived` and {ref}`chapter 5 <ch5-cycle-derived>`."
    notebook = tmp_path / "refs.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": [text]}]}))
    assert untitled_references(notebook) == ["cell 0: {ref}`ch5-cycle-derived`"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.name)
def test_every_cross_reference_has_a_title(notebook):
    assert not untitled_references(notebook)
