"""The built website in a real browser: headless Chromium, driven by Playwright, fully offline.

Every page of the table of contents is served from _build/html on 127.0.0.1 and checked for: no
console error, no request leaving the machine, math typeset by the local MathJax, every image
loaded with alt text, no serious or critical accessibility violation reported by axe-core, and
no code block wider than its column at a 1280 px window (folded code opened first). A
screenshot of each page is saved under _build/screenshots/ for reviewers. Outside CI the tests
skip when Chromium or Playwright is missing; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from site_support import CHROMIUM, ROOT, chromium, skip_module_unless, toc_pages

SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"


def _requirement_missing() -> str | None:
    if not (SITE / "index.html").is_file():
        return "the site is not built (run `make book`)"
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        return "playwright or axe-playwright-python is not installed (make installs them)"
    return None


skip_module_unless(_requirement_missing())

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Locator, Page  # noqa: E402


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


class Visit:
    """One page load with every request routed: loopback is served, anything else is blocked."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        self.page.goto(url, wait_until="load", timeout=30_000)

    def _route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "file:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.mark.parametrize("name", toc_pages())
def test_page_in_chromium(browser: Browser, base_url: str, name: str) -> None:
    visit = Visit(browser, f"{base_url}/{name}.html")
    page = visit.page
    try:
        has_math = page.evaluate(
            "() => document.querySelectorAll('.math, span.math, div.math').length"
        )
        if has_math:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.document"
                " && document.querySelectorAll('mjx-container').length > 0",
                timeout=20_000,
            )
            page.evaluate("() => MathJax.startup.promise")
            untypeset = page.evaluate(
                "() => Array.from(document.querySelectorAll('.math'))"
                ".filter(e => !e.querySelector('mjx-container')).length"
            )
            assert untypeset == 0, f"{name}: {untypeset} math elements not typeset"
            assert not page.locator("mjx-merror").count(), f"{name}: MathJax reported a TeX error"

        images = page.evaluate(
            "() => Array.from(document.images).map(i => ({src: i.src.slice(0, 80), alt: i.alt,"
            " loaded: i.complete && i.naturalWidth > 0}))"
        )
        for image in images:
            assert image["loaded"], f"{name}: image {image['src']} did not load"
            assert len(image["alt"].strip()) >= 15, f"{name}: image {image['src']} lacks alt text"

        # Checked before axe runs: axe fetches stylesheets itself and may log its own 404s.
        assert not visit.blocked, f"{name}: requests left the machine: {visit.blocked}"
        assert not visit.errors, f"{name}: console errors: {visit.errors}"

        results = Axe().run(page)
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']}: {[n['html'][:120] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{name}: accessibility violations: {serious}"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '__')}.png"), full_page=True)

        scrolling = page.evaluate(_SCROLLING_CODE)
        assert not scrolling, f"{name}: code blocks scroll sideways at 1280 px: {scrolling}"
    finally:
        page.close()


# Every code block (source or printed output), with folded content opened first (hidden code,
# dropdowns, solutions), that is wider than its column: the first line of each.
_SCROLLING_CODE = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  return Array.from(document.querySelectorAll('div.highlight pre, div.output pre'))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => {
      const lines = pre.textContent.split('\\n');
      return lines.reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 100);
    });
}"""


LIVE_PAGES = [name for name in toc_pages() if "live-figure" in (SITE / f"{name}.html").read_text()]


def _move_by_keyboard(control: Locator) -> None:
    """One step of a range input or select, pressed on the keyboard: forward, or back at the end."""
    at_end = control.evaluate(
        "e => e.tagName === 'SELECT' ? e.selectedIndex === e.options.length - 1 : e.value === e.max"
    )
    control.focus()
    control.press("ArrowLeft" if at_end else "ArrowRight")


@pytest.mark.parametrize("scheme", ["http", "file"])
@pytest.mark.parametrize("name", LIVE_PAGES)
def test_live_experiments_answer_the_keyboard(
    browser: Browser, base_url: str, name: str, scheme: str
) -> None:
    """Every control of every live experiment, moved one step by keyboard, shows the frame of
    the new setting (its file and alt text), loaded; the page first loads only the frames shown."""
    url = f"{base_url}/{name}.html" if scheme == "http" else (SITE / f"{name}.html").as_uri()
    frames_loaded: list[str] = []
    visit = Visit(browser, "about:blank")
    page = visit.page
    page.on("request", lambda r: frames_loaded.append(r.url) if "/_live/" in r.url else None)
    try:
        page.goto(url, wait_until="load")
        figures = page.locator(".live-figure")
        shown = page.eval_on_selector_all("img.live-frame", "images => images.map(i => i.src)")
        assert set(frames_loaded) == set(shown), "the first paint loads frames it does not show"
        for figure in figures.all():
            table = json.loads(figure.locator(".live-frames").text_content())
            image = figure.locator("img.live-frame")
            controls = figure.locator(".live-control input, .live-control select")
            assert controls.count() >= 1
            for control in controls.all():
                label = control.evaluate("e => e.labels[0].textContent.trim()")
                assert label and control.is_visible(), f"{name}: control without a visible label"
                before = controls.evaluate_all("cs => cs.map(c => Number(c.value))")
                _move_by_keyboard(control)
                after = controls.evaluate_all("cs => cs.map(c => Number(c.value))")
                moved = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
                assert len(moved) == 1 and abs(before[moved[0]] - after[moved[0]]) == 1, label
                src, alt = table[",".join(map(str, after))]
                assert image.get_attribute("src") == src, f"{name}: {label} showed the wrong frame"
                assert image.get_attribute("alt") == alt
                page.wait_for_function(
                    "i => i.complete && i.naturalWidth > 0", arg=image.element_handle()
                )
            if figure.locator(".live-play").count():
                _play_to_the_end(figure, table)
        assert not visit.blocked, f"{name}: requests left the machine: {visit.blocked}"
        assert not visit.errors, f"{name}: console errors: {visit.errors}"
    finally:
        page.close()


def _play_to_the_end(figure: Locator, table: dict[str, list[str]]) -> None:
    """An animation's Play button, pressed with Enter, plays every frame to the last one."""
    button, frame = figure.locator(".live-play"), figure.locator(".live-control input")
    button.press("Enter")
    assert button.text_content() == "Pause"
    frame.page.wait_for_function(
        "([b, r]) => b.textContent === 'Play' && r.value === r.max",
        arg=[button.element_handle(), frame.element_handle()],
        timeout=20_000,
    )
    last = int(frame.get_attribute("max"))
    assert figure.locator("img.live-frame").get_attribute("src") == table[str(last)][0]


@pytest.mark.parametrize("name", LIVE_PAGES[:1])
def test_without_javascript_a_live_experiment_is_its_still(browser: Browser, name: str) -> None:
    """No script, no controls that cannot move: the first frame, loaded, with its alt text."""
    page = browser.new_page(java_script_enabled=False)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto((SITE / f"{name}.html").as_uri(), wait_until="load")
        figure = page.locator(".live-figure").first
        assert not figure.locator(".live-controls").is_visible()
        image = figure.locator("img.live-frame")
        assert image.is_visible() and len(image.get_attribute("alt")) >= 15
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    finally:
        page.close()
