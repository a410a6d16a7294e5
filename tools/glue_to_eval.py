"""One-off conversion (issue 20): a chapter's ``{glue:text}`key:spec``` roles become inline
expressions ``{eval}`glued("key", "spec")```, which jupyterlab-myst renders as well as the book.
Safe to run again: it only touches roles that are still glue roles."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")


def expression(match: re.Match) -> str:
    key, spec = match.group(1), match.group(2)
    arguments = f'"{key}", "{spec}"' if spec else f'"{key}"'
    return f"{{eval}}`glued({arguments})`"


def convert(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    count = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source, n = ROLE.subn(expression, cell.source)
            count += n
        elif cell.cell_type == "code" and "from rmsprop_lib.report import glue\n" in cell.source + "\n":
            cell.source = re.sub(
                r"from rmsprop_lib.report import glue$",
                "from rmsprop_lib.report import glue, glued",
                cell.source,
                flags=re.M,
            )
    nbformat.write(notebook, path)
    return count


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, convert(Path(name)))
