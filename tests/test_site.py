"""Checks of the built website in _build/html (built by `make book`; `make test` runs it first).

These read the HTML files and need no browser. Outside CI they skip when the site is not built.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_support import ROOT, skip_module_unless, toc_pages

SITE = ROOT / "_build" / "html"

skip_module_unless(None if (SITE / "index.html").is_file() else "the site is not built (make book)")


class Page(HTMLParser):
    """Collects the tags a page loads, links to and shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.stylesheets.append(a["href"])
        elif tag == "img":
            self.images.append(a)
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


PAGES = sorted(
    p for p in SITE.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts
)
CONTENT_PAGES = [SITE / f"{name}.html" for name in toc_pages()]


def is_remote(url: str) -> bool:
    return url.startswith(("http:", "https:", "//"))


def test_every_toc_entry_has_a_page() -> None:
    missing = [str(p.relative_to(SITE)) for p in CONTENT_PAGES if not p.is_file()]
    assert not missing, f"pages missing from the build: {missing}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_page_loads_nothing_from_the_internet(path: Path) -> None:
    page = parse(path)
    remote = [u for u in page.scripts + page.stylesheets if is_remote(u)]
    remote += [str(img.get("src")) for img in page.images if is_remote(str(img.get("src")))]
    assert not remote, f"{path.name} loads remote assets: {remote}"


@pytest.mark.parametrize("path", CONTENT_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_math_is_typeset_by_the_local_mathjax(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    if "\\(" not in html and "\\[" not in html:
        pytest.skip("no math on this page")
    mathjax = [s for s in parse(path).scripts if "mathjax" in s.lower()]
    assert len(mathjax) == 1, f"expected one MathJax script, found {mathjax}"
    target = (path.parent / urlsplit(mathjax[0]).path).resolve()
    assert target.is_file(), f"{mathjax[0]} is not in the built site"
    assert (SITE / "_static/mathjax/output/chtml/fonts/woff-v2").is_dir(), (
        "MathJax fonts not copied"
    )


@pytest.mark.parametrize("path", CONTENT_PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_every_image_has_alt_text(path: Path) -> None:
    for img in parse(path).images:
        alt = (img.get("alt") or "").strip()
        assert len(alt) >= 15, f"{path.name}: image {str(img.get('src'))[:60]} has alt text {alt!r}"
        # myst-nb falls back to the figure's text/plain repr when a cell calls plt.show():
        # "<Figure size 576x345.6 with 1 Axes>" describes nothing (plotting.show gives real alt).
        assert not alt.startswith("<Figure"), f"{path.name}: matplotlib repr as alt text: {alt!r}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_internal_links_resolve(path: Path) -> None:
    broken = []
    for href in parse(path).links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("//", "mailto:")):
            continue
        target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
        if not target.exists() or (
            parts.fragment and target.suffix == ".html" and parts.fragment not in parse(target).ids
        ):
            broken.append(href)
    assert not broken, f"{path.name} has broken links: {broken}"


def test_no_widget_javascript_is_loaded() -> None:
    for path in PAGES:
        scripts = parse(path).scripts
        assert not [
            s for s in scripts if re.search(r"require(\.min)?\.js|embed-amd|html-manager", s)
        ]


def test_no_page_shows_a_machine_path() -> None:
    for path in CONTENT_PAGES:
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text and "/root/" not in text, f"{path.name} shows a machine path"
