"""The prose shows no more digits than a glued number was stored with.

`rmsprop_lib.report.glue` stores 4 significant digits (or `digits=` more). A role such as
{glue:text}`key:.4f` (in a notebook, {eval}`glued("key", ".4f")`) on a value of 1998.54 stored
as 1999.0 would print "1999.0000": four digits
that look exact and are made up. This test formats every stored glue value with every role's
spec and compares the significant digits shown with the digits the value was rounded to.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb"))
PAGES = sorted([*NOTEBOOKS, *ROOT.glob("chapters/*.md"), *ROOT.glob("*.md")])
ROLE = re.compile(r"\{glue(?::text)?\}`(?:([\w./]+\.ipynb)::)?([^`:]+)(?::([^`]*))?`")
#: a notebook's inline expression showing a glued value: {eval}`glued("key", "spec")`
EXPRESSION = re.compile(r'\{eval\}`glued\("([^"]+)"(?:, "([^"]*)")?\)`')
DEFAULT_DIGITS = 4


def glued(notebook: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The stored glue values of a notebook (key -> repr) and the `digits=` each glue call asked."""
    cells = json.loads(notebook.read_text())["cells"]
    values, digits = {}, {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for key, asked in re.findall(r'glue\(\s*"([^"]+)",[^\n]*?digits=(\d+)', source):
            digits[key] = int(asked)
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = output["data"]["application/papermill.record/text/plain"]
    return values, digits


def shown_digits(text: str) -> int:
    """Significant digits a formatted number claims: '18.5900': 6, '10,000': 1, '3.2e-05': 2."""
    mantissa = re.sub(r"[^0-9.e]", "", text.lower()).split("e")[0]
    if "." not in mantissa:
        mantissa = mantissa.rstrip("0") or "0"
    return len(mantissa.replace(".", "").lstrip("0"))


def stored_digits(value: str) -> int:
    return shown_digits(repr(float(value)).removesuffix(".0"))


def test_the_digit_counter():
    assert [shown_digits(t) for t in ["18.5900", "10,000", "3.2e-05", "0.0400", "27%"]] == [
        6,
        1,
        2,
        3,
        2,
    ]
    assert stored_digits("1999.0") == 4 and stored_digits("0.04") == 1


def roles(page: Path):
    if page.suffix == ".ipynb":
        cells = json.loads(page.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = page.read_text()
    for match in ROLE.finditer(text):
        yield match.group(1), match.group(2), match.group(3) or ""
    for match in EXPRESSION.finditer(text):
        yield None, match.group(1), match.group(2) or ""


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_no_role_shows_more_digits_than_were_stored(page):
    stores = {nb.name: glued(nb) for nb in NOTEBOOKS}
    too_many = []
    for other, key, spec in roles(page):
        source = Path(other).name if other else page.name
        if source not in stores:
            continue  # an example in prose (the README shows the syntax), not a number
        values, digits = stores[source]
        if key not in values or not spec or spec[-1] not in "efgn%":
            continue  # a missing key fails the book build; no spec shows the stored repr
        try:
            value = float(values[key])
        except ValueError:
            continue  # a glued string
        text = format(value, spec)
        allowed = max(digits.get(key, DEFAULT_DIGITS), stored_digits(values[key]))
        exact = re.fullmatch(r"-?\d+", values[key].strip()) is not None  # glued as an int
        if not exact and shown_digits(text) > allowed:
            too_many.append(f"{key}:{spec} shows {text} from {values[key]}")
    assert not too_many, too_many
