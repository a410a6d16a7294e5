"""A reading time under each chapter's title, from the words of its main line.

The main line is the prose a reader meets without opening anything: markdown outside folded blocks
(dropdowns, exercises, solutions and their gated parts), code and labels left out, each formula
and each inline role counted as one word. At 200 words a minute the course's budget of 2,800 words
is 14 minutes; ``tests/test_reading_time.py`` holds every chapter to it.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

WORDS_PER_MINUTE = 200
#: directives whose content a reader only sees after opening it (or that are practice, not text)
FOLDED = ("dropdown", "exercise", "solution", "toggle")
_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})(?P<info>.*)$")


def _visible_lines(text: str) -> list[str]:
    """The lines of ``text`` outside folded directives and code blocks, without fences,
    directive options or labels."""
    kept, stack = [], []  # stack: (fence, hidden) of each open block
    for line in text.splitlines():
        match = _FENCE.match(line.strip())
        if match and stack and match["fence"] == stack[-1][0] and not match["info"].strip():
            stack.pop()
            continue
        if match and match["info"].strip():
            info = match["info"].strip()
            name = info[1 : info.index("}")] if info.startswith("{") and "}" in info else ""
            is_code = not name or name in ("code", "code-block", "code-cell", "math")
            hidden = is_code or any(name.startswith(f) for f in FOLDED)
            stack.append((match["fence"], hidden or (bool(stack) and stack[-1][1])))
            continue
        if any(hidden for _, hidden in stack):
            continue
        if re.match(r"^\s*:class:.*\bdropdown\b", line) and stack:
            stack[-1] = (stack[-1][0], True)  # an admonition folded as a dropdown
            continue
        if re.match(r"^\s*:[\w-]+:", line) or re.match(r"^\(.+\)=\s*$", line.strip()):
            continue
        kept.append(line)
    return kept


def main_line_words(markdown: list[str]) -> int:
    """Words of the main line of a page whose markdown is ``markdown`` (a notebook's markdown
    cells in order, or one markdown file). The cells from a ``solution-start`` to its
    ``solution-end`` are a solution, folded."""
    words, in_solution = 0, False
    for text in markdown:
        if re.search(r"\{solution-start\}", text):
            in_solution = True
        if in_solution:
            in_solution = not re.search(r"\{solution-end\}", text)
            continue
        prose = "\n".join(_visible_lines(text))
        prose = re.sub(r"\$\$.*?\$\$", " formula ", prose, flags=re.S)
        prose = re.sub(r"\$[^$\n]+\$", " formula ", prose)
        prose = re.sub(r"\{[\w:-]+\}`[^`]*`", " role ", prose)
        prose = re.sub(r"<!--.*?-->", " ", prose, flags=re.S)
        words += sum(1 for token in prose.split() if re.search(r"\w", token))
    return words


def page_markdown(path: Path) -> list[str]:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf-8")]


def minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def add_reading_time(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not docname.startswith("chapters/"):
        return
    words = main_line_words(page_markdown(Path(app.env.doc2path(docname))))
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    text = (
        f"Reading time: about {minutes(words)} minutes for the main text ({words:,} words); "
        "folded deep dives, exercises and running the code take longer."
    )
    section.insert(1, nodes.paragraph(text, text, classes=["reading-time"]))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", add_reading_time)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
