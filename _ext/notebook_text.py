"""Text a notebook computed, shown in the book without a kernel: inline numbers and alt text.

- ``{eval}`expr``` in a chapter's markdown is an inline expression. In JupyterLab, jupyterlab-myst
  evaluates it in the kernel when the cell is run and stores the result in the cell's
  ``user_expressions`` metadata, which it also shows when the notebook is reopened. `make notebooks`
  stores the same results (tools/execute_notebooks.py). The book is built without a kernel
  (``execute_notebooks: off``), so myst-nb's own ``eval`` role cannot run; this role shows the
  stored result instead, and a missing one is an error (the build runs with ``-W``).
- A figure displayed with ``rmsprop_lib.plotting.show(fig, alt)`` carries its alt text in the
  output's metadata (``{"image/png": {"alt": ...}}``), built from the values the cell computed.
  myst-nb only reads alt text from the cell's metadata, so the alt text is put on the image here:
  myst-nb names each image file by the SHA-256 of its bytes.
"""

from __future__ import annotations

import hashlib
import json
from base64 import b64decode
from functools import cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole


@cache
def _notebook(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def stored_expressions(notebook: dict) -> dict[str, str]:
    """Expression -> the text its stored result shows (a string's quotes removed, as
    jupyterlab-myst and myst-nb do). An expression stored twice with two results is an error."""
    shown: dict[str, str] = {}
    for cell in notebook["cells"]:
        for item in cell.get("metadata", {}).get("user_expressions", []):
            result = item["result"]
            if result.get("status") != "ok":
                raise ValueError(f"{item['expression']!r} failed: {result.get('evalue', '')}")
            text = result["data"]["text/plain"]
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            if shown.setdefault(item["expression"], text) != text:
                raise ValueError(f"{item['expression']!r} is stored with two different results")
    return shown


def stored_alt_texts(notebook: dict) -> dict[str, str]:
    """SHA-256 of each stored PNG (myst-nb's file name for it) -> the alt text in its metadata."""
    alts = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if alt and "image/png" in output.get("data", {}):
                digest = hashlib.sha256(b64decode(output["data"]["image/png"])).hexdigest()
                alts[digest] = alt
    return alts


def _source_notebook(env, docname: str) -> dict | None:
    path = Path(env.doc2path(docname))
    if path.suffix != ".ipynb":
        return None
    return _notebook(str(path), path.stat().st_mtime)


class StoredEval(SphinxRole):
    """``{eval}`expr```: the result of ``expr`` stored in the notebook's markdown cells."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        notebook = _source_notebook(self.env, self.env.docname)
        if notebook is None:
            message = "{eval} is only for notebooks; use {glue:text} in a markdown page"
        else:
            try:
                shown = stored_expressions(notebook)
            except ValueError as error:
                shown, message = {}, str(error)
            else:
                message = f"no stored result for {{eval}}`{self.text}`: run `make notebooks`"
            if self.text in shown:
                return [nodes.inline(self.rawtext, shown[self.text], classes=["stored-eval"])], []
        error = self.inliner.reporter.error(message, line=self.lineno)
        return [nodes.problematic(self.rawtext, self.rawtext)], [error]


def put_alt_texts(app: Sphinx, doctree: nodes.document) -> None:
    notebook = _source_notebook(app.env, app.env.docname)
    if notebook is None:
        return
    alts = stored_alt_texts(notebook)
    for image in doctree.findall(nodes.image):
        digest = Path(image["uri"]).stem
        if digest in alts:
            image["alt"] = alts[digest]


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")  # so that this role replaces myst-nb's, not the other way round
    app.add_role("eval", StoredEval(), override=True)
    app.connect("doctree-read", put_alt_texts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
