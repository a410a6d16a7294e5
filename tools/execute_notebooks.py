"""Re-execute notebooks in place, each top to bottom in a fresh python3 kernel (`make notebooks`).

Like `jupyter execute --inplace`, but without per-cell timestamps in the metadata and with each run
of consecutive prints stored as one output (the kernel splits them where it happens to flush), so
that running it twice on an unchanged chapter changes nothing in git. Widgets are not stored: no
widget state, and no widget view in an experiment's output, only its PNG and text. A widget only
works in a running kernel; a stored view without one shows "Error displaying widget: model not
found" in JupyterLab (and a new random model id on every run), while the PNG shows the figure
until the reader runs the cell. The website shows that PNG too.

The cells run in order, as Run All runs them in JupyterLab, and so do the markdown cells' inline
expressions (``{eval}`glued("key", ".3g")```): right after the code above them, each markdown cell's
expressions are evaluated in the kernel and their results stored in the cell's ``user_expressions``
metadata, in the form jupyterlab-myst stores them. JupyterLab shows those results before the
notebook is run, and the book shows them (``_ext/notebook_text.py``).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from rmsprop_lib.widgets import WIDGET_VIEW

#: an inline expression in MyST markdown, as jupyterlab-myst finds them
EXPRESSION = re.compile(r"\{eval\}`([^`]+)`")


def execute(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps left by `jupyter execute`
    start = time.perf_counter()
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        record_timing=False,
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
            elif cell.cell_type == "markdown":
                store_expressions(client, cell)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = joined_streams(cell.outputs)
            for output in cell.outputs:
                output.get("data", {}).pop(WIDGET_VIEW, None)
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def store_expressions(client: NotebookClient, cell) -> None:
    """Evaluate the markdown ``cell``'s inline expressions in the kernel and store the results in
    its ``user_expressions`` metadata (a list of ``{"expression", "result"}``, in order)."""
    expressions = EXPRESSION.findall(cell.source)
    cell.metadata.pop("user_expressions", None)
    if not expressions:
        return
    asked = {str(i): expression for i, expression in enumerate(expressions)}
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions=asked)
    reply = client.wait_for_reply(msg_id)
    results = reply["content"]["user_expressions"]
    stored = []
    for key, expression in asked.items():
        result = results[key]
        if result["status"] != "ok":
            failure = f"{result['ename']}: {result['evalue']}"
            raise RuntimeError(f"{{eval}}`{expression}` failed: {failure}")
        stored.append({"expression": expression, "result": result})
    cell.metadata["user_expressions"] = stored


def joined_streams(outputs: list) -> list:
    """`outputs` with each stream output merged into the one before it if that is the same stream
    (stdout or stderr); the order of everything else is kept."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def main(paths: list[str]) -> None:
    for name in paths:
        seconds = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
