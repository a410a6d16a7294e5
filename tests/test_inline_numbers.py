"""The numbers in the chapters' prose, as JupyterLab and the book show them, are the glued values.

A chapter's prose shows a computed number with ``{eval}`glued("key", "spec")```. jupyterlab-myst and
the book both show the result stored in the markdown cell's ``user_expressions`` metadata (stored by
`make notebooks`, replaced by jupyterlab-myst when the reader runs the cell). Strict nbval compares
the glue outputs of every code cell on each run, but not a markdown cell's metadata; so this test
ties each stored result to the glue output it formats: a changed number fails nbval, and a stale
stored result fails here.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from notebook_text import stored_alt_texts, stored_expressions  # noqa: E402

NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])
EXPRESSION = re.compile(r"\{eval\}`([^`]+)`")
GLUED = re.compile(r'glued\("([^"]+)"(?:, "([^"]*)")?\)')
RAW_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def glue_values(cells: list[dict]) -> dict[str, object]:
    values = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                text = output["data"]["application/papermill.record/text/plain"]
                values[name] = ast.literal_eval(text)
    return values


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_inline_number_is_stored_as_its_glued_value(path: Path):
    cells = _cells(path)
    values = glue_values(cells)
    problems = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        assert not RAW_ROLE.search(source), f"cell {index}: a glue role (JupyterLab cannot show it)"
        asked = EXPRESSION.findall(source)
        stored = cell["metadata"].get("user_expressions", [])
        if [item["expression"] for item in stored] != asked:
            problems.append(f"cell {index}: stored results are stale; run `make notebooks`")
            continue
        for item in stored:
            match = GLUED.fullmatch(item["expression"])
            if match is None:
                problems.append(f"cell {index}: {item['expression']!r} is not glued(key, spec)")
                continue
            key, spec = match.group(1), match.group(2) or ""
            expected = repr(format(values[key], spec))
            if item["result"] != {"data": {"text/plain": expected}, "metadata": {}, "status": "ok"}:
                problems.append(f"cell {index}: {key} stored as {item['result']}, not {expected}")
    assert not problems, problems


def test_the_book_shows_each_expression_once():
    for path in NOTEBOOKS:
        stored_expressions(json.loads(path.read_text()))  # raises on two results for one text


def test_a_stale_result_is_caught():
    cells = [
        {"cell_type": "code", "source": [], "outputs": []},
        {
            "cell_type": "markdown",
            "source": ['A {eval}`glued("a")`.'],
            "metadata": {"user_expressions": []},
        },
    ]
    notebook = {"cells": cells}
    assert stored_expressions(notebook) == {}
    twice = {
        "cells": [
            {"metadata": {"user_expressions": [{"expression": "x", "result": r}]}}
            for r in [
                {"status": "ok", "data": {"text/plain": "'1'"}},
                {"status": "ok", "data": {"text/plain": "'2'"}},
            ]
        ]
    }
    with pytest.raises(ValueError, match="two different results"):
        stored_expressions(twice)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_alt_text_is_computed_not_typed(path: Path):
    """Alt text that states numbers is built by the cell (``plotting.show``); a cell's static alt
    text (its metadata) describes the figure in words."""
    typed = []
    for index, cell in enumerate(_cells(path)):
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        if re.search(r"\d", re.sub(r"\b(?:[Cc]hapter|F|ch|[Ff]igure|[Ee]xercise) ?\d+", "", alt)):
            typed.append(f"cell {index}: {alt[:80]}")
    assert not typed, typed
    assert all(alt.strip() for alt in stored_alt_texts(json.loads(path.read_text())).values())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_figure_has_alt_text(path: Path):
    """A figure's alt text comes from its cell's metadata, from ``plotting.show`` (the output's
    metadata), or, for a live figure, from the frame player."""
    missing = []
    for index, cell in enumerate(_cells(path)):
        metadata = cell.get("metadata", {})
        if "live" in metadata or metadata.get("mystnb", {}).get("image", {}).get("alt"):
            continue
        for output in cell.get("outputs", []):
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if "image/png" in output.get("data", {}) and not alt:
                missing.append(f"cell {index}")
    assert not missing, f"figures without alt text: {missing}"
