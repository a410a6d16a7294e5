"""A widget experiment in a real browser, with a live kernel: a slider moved, the figure redrawn.

Voila serves a small notebook (written here, in a temporary folder) that shows
``widgets.ewa_weights()`` on 127.0.0.1; headless Chromium (Debian's ``chromium``, driven by
Playwright through ``executable_path``: never a downloaded browser) opens it with every request
that leaves the machine blocked, presses End on the "T, steps so far" slider, and checks that the
slider's readout and the figure's image both changed. Outside CI the test skips when Chromium,
Playwright or Voila is missing; under CI (``CI`` set) that is a failure.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from lab_support import free_port, stop
from site_support import CHROMIUM, CHROMIUM_ARGS, browser_missing, skip_module_unless

VOILA = Path(sys.executable).with_name("voila")
NOTEBOOK = "from rmsprop_lib import widgets\n\nwidgets.ewa_weights()"
SLIDER = "T, steps so far"


def _requirement_missing() -> str | None:
    if not VOILA.is_file():
        return f"voila is not installed next to {sys.executable} (pip install voila)"
    return browser_missing()


skip_module_unless(_requirement_missing())

from playwright.sync_api import Page, Route, expect, sync_playwright  # noqa: E402


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"voila exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"voila did not answer within {timeout} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("voila")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(NOTEBOOK)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, folder / "experiment.ipynb")
    port, log = free_port(), folder / "voila.log"
    command = [str(VOILA), "experiment.ipynb", "--no-browser", f"--port={port}"]
    command += ["--Voila.ip=127.0.0.1", "--Voila.open_browser=False"]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=folder, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_serving(url, server, log, timeout=60)
        yield url
    finally:
        stop(server)


def _offline(page: Page, blocked: list[str]) -> None:
    """Serve loopback requests; abort (and remember) every other one."""

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)


def _changed_image(image, before: bytes, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if image.screenshot(timeout=10_000) != before:
            return True
        time.sleep(0.2)
    return False


def test_moving_a_slider_in_chromium_redraws_the_figure(voila_url: str) -> None:
    blocked: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.set_default_timeout(20_000)
            _offline(page, blocked)
            page.goto(voila_url, wait_until="load", timeout=30_000)
            slider = page.locator(".widget-hslider", has_text=SLIDER)
            slider.wait_for(timeout=60_000)  # the kernel starts and runs the notebook first
            image = page.locator("img.widget-image")
            expect(image).to_be_visible()
            before = image.screenshot()
            slider.locator(".noUi-handle").focus()
            page.keyboard.press("End")
            expect(slider).to_contain_text("200")
            assert _changed_image(image, before, timeout=20), "the figure did not change"
        finally:
            browser.close()
    scripts = [url for url in blocked if urlsplit(url).path.endswith(".js")]
    assert not scripts, f"the page wanted JavaScript from the internet: {scripts}"
