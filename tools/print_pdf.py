"""Print the single-page build of the course to one PDF with Debian's Chromium (`make pdf`).

Usage: python tools/print_pdf.py _build/singlehtml/intro.html _build/pdf/rmsprop-course.pdf

The page is served from 127.0.0.1 and every request that would leave the machine is aborted, so the
PDF shows what the offline site shows. Before printing, the page is prepared for paper
(tools/print_page.js: part titles, a table of contents, solutions open, folded code left out) and
styled for it (tools/print.css), and MathJax has finished typesetting.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from playwright.sync_api import Route, sync_playwright

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM_ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
FOOTER = (
    '<div style="width:100%; font-size:8pt; color:#555; padding:0 15mm; display:flex;'
    ' justify-content:space-between"><span class="title"></span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)

PDF_OPTIONS = {
    "format": "A4",
    "margin": {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"},
    "display_header_footer": True,
    "header_template": "<span></span>",
    "footer_template": FOOTER,
    "print_background": True,
    "outline": True,
    "tagged": True,
}
NUMBER_CONTENTS = """pages => document.querySelectorAll(".print-toc-page").forEach(
    (number) => (number.textContent = pages[number.dataset.target]))"""


def parts() -> list[dict[str, object]]:
    """Each part of _toc.yml: its caption and the pages it holds, as the single page names them."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        {"caption": part["caption"], "pages": [chapter["file"] for chapter in part["chapters"]]}
        for part in toc["parts"]
    ]


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve `folder` on a free loopback port, quietly, from a background thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def destinations(pdf: Path) -> dict[str, int]:
    """The page of every named destination (link target) of `pdf`, read by poppler's pdfinfo."""
    listing = subprocess.run(
        ["pdfinfo", "-dests", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    pages = {}
    for line in listing.splitlines()[1:]:
        page, _, name = line.partition("]")
        pages[name.strip().strip('"')] = int(page.split()[0])
    return pages


def print_pdf(html: Path, pdf: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("pdfinfo") is None:
        sys.exit("make pdf needs Chromium and pdfinfo: apt-get install chromium poppler-utils")
    server = serve(html.parent)
    blocked: list[str] = []

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(color_scheme="light")
            page.route("**/*", offline)
            page.goto(f"http://127.0.0.1:{server.server_port}/{html.name}", wait_until="load")
            page.evaluate((TOOLS / "print_page.js").read_text(), parts())
            page.add_style_tag(path=TOOLS / "print.css")
            page.emulate_media(media="print")
            page.wait_for_function("[...document.images].every((image) => image.complete)")
            # Chromium cannot number the contents: print a draft, read where each chapter landed,
            # write the numbers in (the contents page keeps its size) and print again. The draft
            # has the same layout and is quicker: images hidden (not removed), no bookmarks or tags.
            with tempfile.TemporaryDirectory() as scratch:
                draft = Path(scratch) / "draft.pdf"
                hidden = page.add_style_tag(content="img { visibility: hidden !important; }")
                page.pdf(path=draft, **{**PDF_OPTIONS, "outline": False, "tagged": False})
                hidden.evaluate("style => style.remove()")
                pages = destinations(draft)
            page.evaluate(NUMBER_CONTENTS, pages)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=pdf, **PDF_OPTIONS)
            browser.close()
    finally:
        server.shutdown()
    if blocked:
        sys.exit(f"the page asked for remote resources (blocked): {blocked}")
    if destinations(pdf) != pages:
        sys.exit("numbering the contents moved the pages: the page numbers would be wrong")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    start = time.perf_counter()
    print_pdf(Path(sys.argv[1]).resolve(), Path(sys.argv[2]))
    print(f"wrote {sys.argv[2]} in {time.perf_counter() - start:.1f} s")
