"""Small fixes to what the Jupyter Book 1 theme stack emits, found by the browser tests.

- sphinx-thebe registers its inline configuration script twice, so every page raised "Identifier
  'THEBE_JS_URL' has already been declared" in the console. We keep the first copy of each script.
- docutils marks bibliography entries ``role="doc-biblioentry"`` inside a ``role="list"``; that role
  is deprecated (DPUB-ARIA 1.1) and axe-core reports the list as having no list items (critical).
  The entries get ``role="listitem"``, the role DPUB-ARIA recommends instead.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        filename = getattr(script, "filename", script) or ""  # inline scripts: None or ""
        key = (str(filename), str(attributes.get("body", "")))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def use_listitem_role(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if 'role="doc-biblioentry"' in html:
            page.write_text(html.replace('role="doc-biblioentry"', 'role="listitem"'), "utf-8")


def setup(app: Sphinx) -> dict:
    # Late, after the other extensions have added their page scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("build-finished", use_listitem_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
