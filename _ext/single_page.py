"""Let the ``singlehtml`` builder (the page `make pdf` prints) write every node ``html`` writes.

Sphinx looks up how to write a node under the builder's name, and under its format (``html``) only
when no extension registered anything for that name. sphinx-exercise registers its nodes for
``singlehtml``, so the format fallback is lost and myst-nb's folded code cells (registered for
``html`` only) stop the build with "unknown node type". We give ``singlehtml`` every ``html``
handler it lacks.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def inherit_html_handlers(app: Sphinx) -> None:
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    own = handlers.setdefault("singlehtml", {})
    for node, visit_depart in handlers.get("html", {}).items():
        own.setdefault(node, visit_depart)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", inherit_html_handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
