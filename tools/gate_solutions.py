"""One-off conversion (issues 14 and 20): each exercise's solution code goes inside its solution.

A chapter ended with [exercise 1] [code] [solution 1 + exercise 2] [code] ... where the code, folded
with ``hide-input`` on the site, sat open between an exercise and its solution in JupyterLab. Now:
[exercise 1] [solution-start] [code] [solution 1 + solution-end] [exercise 2] ... The site folds
the whole gated solution (sphinx-exercise's ``solution-start``/``solution-end``, dropdown), and
JupyterLab shows "Start of Solution" above the code and the answer, both collapsed
(``jupyter.source_hidden``) until the reader opens them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

SOLUTION = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\} (?P<label>\S+)\n(?P<options>(?::[\w-]+:.*\n)*)"
    r"(?P<body>[\s\S]*?)\n(?P=fence)[ \t]*(?:\n|$)",
    re.M,
)
HIDDEN = {"source_hidden": True, "outputs_hidden": True}


def convert(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    cells, count = [], 0
    for index, cell in enumerate(notebook.cells):
        after = notebook.cells[index + 1] if index + 1 < len(notebook.cells) else None
        solution = SOLUTION.search(after.source) if after and after.cell_type == "markdown" else None
        if cell.cell_type == "code" and solution and solution.start() == 0:
            fence = solution["fence"]
            cells.append(
                nbformat.v4.new_markdown_cell(
                    f"{fence}{{solution-start}} {solution['label']}\n{solution['options']}{fence}"
                )
            )
            tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
            cell.metadata["jupyter"] = dict(HIDDEN)
            cells.append(cell)
            rest = after.source[solution.end() :].strip("\n")
            answer = nbformat.v4.new_markdown_cell(
                f"{solution['body'].strip()}\n\n{fence}{{solution-end}}\n{fence}"
            )
            answer.metadata["jupyter"] = {"source_hidden": True}
            cells.append(answer)
            after.source = rest  # the next exercise, if any, stays open
            count += 1
        elif cell.cell_type == "markdown" and not cell.source.strip():
            continue  # a cell emptied above
        else:
            cells.append(cell)
    notebook.cells = cells
    nbformat.write(notebook, path)
    return count


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, convert(Path(name)))
