"""Shared by the site and browser tests: the book's pages and how a missing browser is handled."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def toc_pages() -> list[str]:
    """Every page of _toc.yml, as paths without suffix ("intro", "chapters/01_...")."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def skip_module_unless(missing: str | None) -> None:
    """Skip the calling test module for `missing` outside CI; under CI (CI set) fail instead."""
    if missing is None:
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"cannot run under CI: {missing}")
    pytest.skip(missing, allow_module_level=True)


def browser_missing() -> str | None:
    """What is missing to drive Debian's Chromium with Playwright, or None."""
    if CHROMIUM is None:
        return "Chromium is not installed (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    return None


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright (never a browser Playwright downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
