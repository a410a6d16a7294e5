"""Each chapter's main line reads in about 15 minutes, and the page says how long."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
from reading_time import main_line_words, minutes, page_markdown  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
BUDGET = 2800  # words outside folded blocks (issue: a main line of about 15 minutes)


def test_only_the_main_line_counts():
    page = [
        "# Title\n\n(label)=\nOne two three $x^2 + y$ and {ref}`a link <x>`.",
        ":::{dropdown} Deep dive\n:open:\nhidden words here\n:::\nfour five",
        "```{admonition} Aside\n:class: dropdown\nfolded too\n```\n```python\nx = 1\n```",
        "```{exercise}\n:label: e\npractice\n```",
        "```{solution-start} e\n:class: dropdown\n```",
        "the answer is folded\n```{solution-end}\n```",
        "six",
    ]
    # Title, One two three, formula, and, role; four five; six
    assert main_line_words(page) == 10
    assert minutes(0) == 1 and minutes(2800) == 14 and minutes(2801) == 15


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_a_chapter_main_line_is_within_budget(path: Path):
    words = main_line_words(page_markdown(path))
    assert words <= BUDGET, f"{path.name}: {words} words outside folded blocks (budget {BUDGET})"


def test_every_chapter_page_shows_its_reading_time():
    site = ROOT / "_build" / "html" / "chapters"
    if not site.is_dir():
        pytest.skip("the site is not built (make book)")
    for path in CHAPTERS:
        html = (site / f"{path.stem}.html").read_text()
        words = main_line_words(page_markdown(path))
        assert f"about {minutes(words)} minutes for the main text ({words:,} words)" in html
