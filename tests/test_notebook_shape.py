"""Chapters read in small steps: no code cell longer than 30 lines (issue 14). A longer cell is
split where a statement shows nothing, or its drawing moves into a folded cell above."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
MOST_LINES = 30


def long_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [
        f"cell {index} ({cell.get('id')}): {len(lines)} lines"
        for index, cell in enumerate(cells)
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
