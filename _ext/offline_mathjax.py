"""Serve MathJax 3 from the built site itself, so that pages typeset math with no internet.

The MathJax files come from the pip package ``sphinx-mathjax-offline`` (listed in
requirements.txt), which bundles MathJax 3.2.2. We do not load that package as a Sphinx extension:
it would copy all 24 MB of MathJax. Instead we copy only what ``tex-chtml.js`` needs at run time
(the TeX input extensions loaded on demand, the CommonHTML fonts, the menu and accessibility
modules).

The files must not go under the book's ``_static/``: Jupyter Book 1 links every ``.js`` file found
there into every page (see shared/jupyter-book-notes.md, section 2).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.application import Sphinx

ENTRY = "tex-chtml.js"
NEEDED = [ENTRY, "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]


def mathjax_source() -> Path:
    """The MathJax 3 tree shipped inside the sphinx-mathjax-offline wheel."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "MathJax not found: run `make book` (it installs requirements.txt) first"
        )
    source = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    if not (source / ENTRY).is_file():
        raise RuntimeError(f"MathJax entry point {ENTRY} missing under {source}")
    return source


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in NEEDED:
        src, dst = source / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def setup(app: Sphinx) -> dict:
    mathjax_source()  # fail at start-up, not after a long build; _config.yml sets mathjax_path
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
