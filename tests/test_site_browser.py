"""The built website in a real browser: headless Chromium, driven by Playwright, fully offline.

Every page of the table of contents is served from _build/html on 127.0.0.1 and checked for: no
console error, no request leaving the machine, math typeset by the local MathJax, every image
loaded with alt text, and no serious or critical accessibility violation reported by axe-core. A
screenshot of each page is saved under _build/screenshots/ for reviewers. Outside CI the tests
skip when Chromium or Playwright is missing; under CI (CI=true) a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from site_support import CHROMIUM, CHROMIUM_ARGS, ROOT, skip_module_unless, toc_pages

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
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


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
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


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
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
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
    finally:
        page.close()
