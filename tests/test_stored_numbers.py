"""Stored numbers carry the precision their experiments support (README, "Stored numbers").

A float printed with more than 8 significant digits is nearly always the full repr of a value whose
last bits depend on the CPU: strict nbval would pass on one machine and fail on the next. This test
reads every notebook's stored outputs (glue records, prints, results) and lists such floats.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")])
FLOAT = re.compile(r"(?<![\w.])-?(\d+)\.(\d+)(?:e[-+]?\d+)?(?![\w.])")
MOST_DIGITS = 8


def significant_digits(integer_part: str, fraction: str) -> int:
    digits = (integer_part + fraction).lstrip("0").rstrip("0")
    return len(digits)


def long_floats(text: str) -> list[str]:
    return [
        match.group(0)
        for match in FLOAT.finditer(text)
        if significant_digits(match.group(1), match.group(2)) > MOST_DIGITS
    ]


def stored_texts(notebook: Path):
    for index, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        for output in cell.get("outputs", []):
            texts = ["".join(output.get("text", ""))]
            for mime, value in output.get("data", {}).items():
                if not mime.startswith("image/"):
                    texts.append("".join(value) if isinstance(value, list) else json.dumps(value))
            for text in texts:
                yield index, text


def test_the_detector_finds_full_reprs_and_spares_rounded_numbers():
    assert long_floats("loss 0.022471481378545495, steps 3000") == ["0.022471481378545495"]
    assert long_floats("[0.1 2.50000001e-05]") == ["2.50000001e-05"]
    assert long_floats("0.02247 1.035e-14 20920000000000.0 1e-300 0.00001234 v1.2.3") == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_stored_float_carries_more_than_8_significant_digits(notebook):
    found = [
        (index, number) for index, text in stored_texts(notebook) for number in long_floats(text)
    ]
    assert not found, f"full-precision floats stored (cell, value): {found[:10]}"
