"""Checks of the printed course, _build/pdf/rmsprop-course.pdf (`make pdf`; `make test` builds it).

The PDF is read with poppler's tools: pdftotext for its text, page by page; pdfimages for its
images; pdftohtml's XML for its bookmarks and links. Outside CI the tests skip when the PDF or
poppler is missing; under CI (``CI`` set) that is a failure.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import unicodedata

import pytest
from site_support import ROOT, skip_module_unless, toc_pages

PDF = ROOT / "_build" / "pdf" / "rmsprop-course.pdf"
TOOLS = ["pdftotext", "pdfimages", "pdftohtml"]


def _requirement_missing() -> str | None:
    if missing := [tool for tool in TOOLS if shutil.which(tool) is None]:
        return f"{', '.join(missing)} not installed (apt-get install poppler-utils)"
    if not PDF.is_file():
        return "the PDF is not built (make pdf)"
    return None


skip_module_unless(_requirement_missing())


def normal(text: str) -> str:
    """Text as compared here: ligatures and curly quotes undone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return " ".join(text.split())


def run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@functools.cache
def pages() -> list[str]:
    """The text of each page (pdftotext ends each one with a form feed)."""
    return [normal(page) for page in run("pdftotext", str(PDF), "-").split("\f")[:-1]]


@functools.cache
def xml() -> str:
    """The PDF as pdftohtml's XML: its bookmarks, and its text in pieces that name their font."""
    return run("pdftohtml", "-xml", "-i", "-stdout", "-q", str(PDF))


def bookmarks() -> list[tuple[int, str]]:
    return [
        (int(page), normal(title))
        for page, title in re.findall(r'<item page="(\d+)">(.*?)</item>', xml())
    ]


def title(page: str) -> str:
    """The title of a page of the book: the first heading of its notebook or Markdown file."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{page}{suffix}"
        if path.is_file():
            break
    text = path.read_text(encoding="utf-8")
    if suffix == ".ipynb":
        text = "".join(json.loads(text)["cells"][0]["source"])
    heading = re.search(r"^# (.+)$", text, re.MULTILINE)
    assert heading, f"{path.name} has no title"
    return normal(heading.group(1))


CHAPTERS = toc_pages()[1:]


def test_the_course_title_opens_the_pdf() -> None:
    assert pages()[0].startswith(title(toc_pages()[0]))


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_opens_a_page_with_its_title(page: str) -> None:
    # The contents on page 1 names every chapter too; a chapter's own page starts with its title
    # (under its part's title, for the first chapter of a part).
    wanted = title(page)
    openings = [text[:200] for text in pages()[1:]]
    assert any(wanted in opening for opening in openings), f"no page opens with {wanted!r}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_has_a_bookmark_to_its_first_page(page: str) -> None:
    wanted = title(page)
    found = [number for number, name in bookmarks() if name.endswith(wanted)]
    assert found, f"no bookmark for {wanted!r}"
    assert pages()[found[0] - 1][:200].count(wanted), f"the bookmark of {wanted!r} misses its page"


def test_the_contents_link_to_the_chapters_and_give_their_pages() -> None:
    xml = run("pdftohtml", "-xml", "-i", "-stdout", "-q", "-f", "1", "-l", "1", str(PDF))
    links = {
        re.sub(r"^\d+\. ", "", normal(text)): int(page)  # without the chapter's number
        for page, text in re.findall(r'<a href="[^"]*#(\d+)">(.*?)</a>', xml)
    }
    contents = pages()[0]
    for page in CHAPTERS:
        wanted = title(page)
        assert wanted in links, f"the contents have no link to {wanted!r}"
        assert wanted in pages()[links[wanted] - 1][:200], f"the link to {wanted!r} misses its page"
        assert f"{wanted} {links[wanted]}" in contents, (
            f"the contents give a wrong page for {wanted!r}"
        )


def test_citations_link_to_the_bibliography() -> None:
    bibliography = next(number for number, name in bookmarks() if name == "Bibliography")
    links = re.findall(r'<a href="[^"#]*#(\d+)">(.*?)</a>', xml())
    citations = [(int(page), text) for page, text in links if re.search(r"\b(19|20)\d\d\b", text)]
    assert len(citations) >= 50, f"only {len(citations)} citations link anywhere"
    wrong = [(page, text) for page, text in citations if page < bibliography]
    assert not wrong, f"citations that link before the bibliography (page, text): {wrong[:5]}"


def test_every_figure_is_printed() -> None:
    listing = run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    images = [row for row in listing if row.split()[2] == "image"]
    single_page = ROOT / "_build" / "singlehtml" / "intro.html"
    figures = single_page.read_text(encoding="utf-8").count("<img ")  # the page that was printed
    assert len(images) >= max(30, figures), f"{len(images)} images in the PDF, {figures} figures"


def prose() -> list[str]:
    """The text of each page that is not in a monospaced font, so not code or its output."""
    fonts = dict(re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]*)"', xml()))
    texts = []
    for page in xml().split("<page ")[1:]:
        pieces = re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', page)
        words = [re.sub(r"<[^>]+>", "", text) for font, text in pieces if "Mono" not in fonts[font]]
        texts.append(html.unescape(" ".join(words)))
    return texts


def test_no_raw_tex_is_left() -> None:
    # TeX that MathJax did not typeset, outside code (which may hold TeX for matplotlib's labels).
    raw = re.compile(r"\$\$|\\[()\[\]]|\\(?:frac|sqrt|begin|end|left|right|mathrm|sum|eta|beta)\b")
    leftovers = [
        (number, match.group())
        for number, text in enumerate(prose(), 1)
        for match in raw.finditer(text)
    ]
    assert len(prose()) == len(pages())
    assert not leftovers, f"raw TeX on (page, text): {leftovers[:10]}"


def test_nothing_is_cut_at_the_right_margin() -> None:
    # A code line, formula or table that does not fit is cut where the page's text ends (the right
    # margin of tools/print_pdf.py, 18 mm); pdftotext gives each word's box, and a cut word ends
    # just past that edge. The footer, in the bottom margin (20 mm), is left out.
    points_per_mm = 72 / 25.4
    cut = []
    for number, page in enumerate(run("pdftotext", "-bbox", str(PDF), "-").split("<page ")[1:], 1):
        width, height = (
            float(size) for size in re.findall(r'(?:width|height)="([\d.]+)"', page)[:2]
        )
        words = re.findall(
            r'<word xMin="[^"]+" yMin="[^"]+" xMax="([^"]+)" yMax="([^"]+)">(.*?)<', page
        )
        cut += [
            (number, word)
            for right, bottom, word in words
            if float(right) > width - 18 * points_per_mm + 1
            and float(bottom) < height - 20 * points_per_mm
        ]
    assert not cut, f"words cut at the right margin (page, word): {cut[:10]}"


def test_no_control_of_the_website_is_printed() -> None:
    # Labels of the folded cells, the toggles and the animation player, which paper cannot use.
    labels = ["Show code cell", "Hide code cell", "Click to show", "Once Loop Reflect"]
    printed = [
        (number, label)
        for number, text in enumerate(pages(), 1)
        for label in labels
        if label in text
    ]
    assert not printed, f"controls on (page, label): {printed}"


def test_no_page_is_empty() -> None:
    # pdftotext may put the footer (course title, "page / pages") anywhere in a page's text.
    footer = re.compile(rf"{re.escape(title(toc_pages()[0]))}|\b\d+ / \d+\b")
    with_images = {
        int(row.split()[0]) for row in run("pdfimages", "-list", str(PDF)).splitlines()[2:]
    }
    empty = [
        number
        for number, text in enumerate(pages(), 1)
        if not footer.sub("", text).strip() and number not in with_images
    ]
    assert not empty, f"pages with nothing on them: {empty}"


def test_the_page_count_is_plausible() -> None:
    # About 200 A4 pages today: far fewer means that chapters went missing, far more that the
    # layout broke (a figure or a table per page, or text in a narrow column).
    assert 120 <= len(pages()) <= 400, f"{len(pages())} pages"
