"""Tests for the package itself: it exports what the chapters use, and only documented names."""

import json
import re
from pathlib import Path

import rmsprop_lib as rl

ROOT = Path(__file__).resolve().parent.parent


def _chapter_sources() -> str:
    notebooks = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("appendix/*.ipynb"))
    cells = []
    for notebook in notebooks:
        cells += json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def test_every_rl_name_a_chapter_uses_is_exported():
    used = set(re.findall(r"\brl\.([A-Za-z_]\w*)", _chapter_sources()))
    assert used, "the chapters call the library as rl"
    assert used <= set(rl.__all__), sorted(used - set(rl.__all__))


def test_exports_are_documented_and_public():
    for name in rl.__all__:
        assert not name.startswith("_")
        value = getattr(rl, name)
        if callable(value):
            assert value.__doc__, name
    state_classes = {"SGDState", "AdaGradState", "RMSPropState", "AdamState"}
    assert state_classes <= set(rl.__all__)
    assert ("torch", "RMSprop") in rl.PRESETS
