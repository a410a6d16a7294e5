"""A real JupyterLab for the browser tests and the latency benchmark.

``jupyterlab(folder)`` serves ``folder`` (a throwaway copy: JupyterLab saves into it) on 127.0.0.1
with a token and no browser, its settings, workspaces and notebook trust in ``folder`` too, so a
reader's own Jupyter set-up changes nothing; the project's settings override (widget state saved,
no news) comes from the environment, where ``make`` installs it. The notebooks in it are trusted
as ``make`` trusts the chapters. ``open_lab(browser, url)`` opens a page with every request
that leaves the machine blocked, console errors collected and the widget messages the page sends
to the kernel recorded.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

JUPYTER = Path(sys.executable).with_name("jupyter")
ROOT = Path(__file__).resolve().parent.parent
#: jupyterlab-myst resolves a cross-reference only inside its own notebook: a {term} (the glossary
#: page) or a {ref} to another chapter renders as its text and logs this as a console error. The
#: book build (-n -W) checks every target; the tests check each logged one is a real target.
_CROSS_REFERENCE = re.compile(r"^Cross reference target was not found: (.+)$")
#: a widget message from the page to the kernel that sets a value: the reader moved a control
_VALUE_UPDATE = re.compile(rb'"method":\s*"update".*?"state":\s*\{[^}]*"(value|index)"', re.S)

# Recorded in the page: every change of a widget image's src and every load of a new one, with
# performance.now(), and the time of the last keyboard, change or click event.
_WATCH_IMAGES = """() => {
  window.__lab = {changes: [], loads: [], lastEvent: null};
  const seen = new WeakSet();
  const watch = (img) => {
    if (seen.has(img)) return;
    seen.add(img);
    img.addEventListener('load', () => window.__lab.loads.push(performance.now()));
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target.matches('img.widget-image')) {
        window.__lab.changes.push(performance.now());
        watch(r.target);
      }
    }
    document.querySelectorAll('img.widget-image').forEach(watch);
  }).observe(document.body, {subtree: true, childList: true, attributes: true,
                             attributeFilter: ['src']});
  for (const kind of ['keydown', 'change', 'click']) {
    document.addEventListener(kind, () => { window.__lab.lastEvent = performance.now(); }, true);
  }
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its address, token and the folder it serves."""

    url: str
    token: str
    folder: Path

    def address(self, path: str) -> str:
        return f"{self.url}{path}?token={self.token}"

    def shut_down_kernels(self) -> int:
        """Shut every kernel down through the REST API; returns how many there were."""
        headers = {"Authorization": f"token {self.token}"}
        request = urllib.request.Request(f"{self.url}api/kernels", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as answer:
            kernels = json.load(answer)
        for kernel in kernels:
            delete = urllib.request.Request(
                f"{self.url}api/kernels/{kernel['id']}", headers=headers, method="DELETE"
            )
            urllib.request.urlopen(delete, timeout=30).close()
        return len(kernels)


@contextmanager
def jupyterlab(folder: Path, notebooks: list[str], timeout: float = 90.0) -> Iterator[Lab]:
    """JupyterLab serving ``folder`` on a free loopback port, ``notebooks`` (paths in ``folder``)
    trusted; stopped (with its kernels: its own process group) on exit."""
    private = folder / ".jupyter-private"
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(private / "config"),
        "JUPYTER_DATA_DIR": str(private / "data"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(private / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(private / "workspaces"),
    }
    private.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(JUPYTER), "trust", *notebooks], cwd=folder, env=env, check=True)
    port, token, log = free_port(), secrets.token_hex(16), private / "lab.log"
    command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"]
    command += ["--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
    # no extension manager asking PyPI; root is allowed (CI containers run as root)
    command += ["--LabApp.extension_manager=readonly", "--ServerApp.allow_root=True"]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        lab = Lab(f"http://127.0.0.1:{port}/", token, folder)
        _wait_until_serving(lab.address("api/status"), server, log, timeout)
        yield lab
    finally:
        stop(server)


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"jupyter lab exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"jupyter lab did not answer within {timeout} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """Stop a server we started, and its children: its own process group, politely first."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@dataclass
class Watch:
    """What a page did: requests blocked, console errors, value updates sent to the kernel."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    updates: list[bytes] = field(default_factory=list)
    #: targets jupyterlab-myst could not resolve in the notebook (see _CROSS_REFERENCE)
    other_documents: set[str] = field(default_factory=set)
    #: JupyterLab 4.6's cell toolbar measures a markdown cell's ``renderedInput``, which a cell
    #: rendered by jupyterlab-myst 2.6 does not have: "Cannot read properties of undefined
    #: (reading 'node')" in ``_markdownOverlapsToolbar``. Nothing on the page changes (the toolbar
    #: only skips its overlap check), so it is kept apart from ``errors``, by its stack.
    toolbar_overlap_checks: int = 0

    def page_error(self, error) -> None:
        if "_markdownOverlapsToolbar" in (getattr(error, "stack", None) or ""):
            self.toolbar_overlap_checks += 1
        else:
            self.errors.append(str(error))

    def console(self, kind: str, text: str) -> None:
        if kind != "error":
            return
        lines = text.splitlines()
        found = [_CROSS_REFERENCE.match(line) for line in lines]
        if lines and all(found):
            self.other_documents.update(match[1] for match in found)
        else:
            self.errors.append(text)


def book_targets() -> set[str]:
    """The glossary's terms (as jupyterlab-myst names them, "term-" + the term in lower case)
    and every (label)= of the book's pages."""
    terms = re.search(r":::\{glossary\}\n(.*?)\n:::", (ROOT / "glossary.md").read_text(), re.S)
    names = {f"term-{line.strip().lower()}" for line in terms[1].splitlines() if line[:1].isalpha()}
    pages = [*ROOT.glob("*.md"), *ROOT.glob("chapters/*.md"), *ROOT.glob("chapters/*.ipynb")]
    for page in pages:
        names.update(re.findall(r"^\(([\w-]+)\)=", page.read_text(), re.M))
        names.update(re.findall(r'"\(([\w-]+)\)=', page.read_text()))  # in a notebook's JSON
    return names


def open_lab(browser, lab: Lab, path: str, watch: Watch):
    """A page of ``lab`` showing ``path`` (e.g. "lab/tree/x.ipynb"), offline, watched."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)

    def route(route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort()

    def sent(payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        if b"comm_msg" in data and _VALUE_UPDATE.search(data):
            watch.updates.append(data)

    page.route("**/*", route)
    page.on("console", lambda m: watch.console(m.type, m.text))
    page.on("pageerror", watch.page_error)
    page.on("websocket", lambda ws: ws.on("framesent", sent))
    page.goto(lab.address(path), wait_until="load")
    page.evaluate(_WATCH_IMAGES)
    page.locator(".jp-Notebook").first.wait_for()
    return page


def run_command(page, command: str, args: dict | None = None) -> None:
    """Run a JupyterLab command (``--LabApp.expose_app_in_browser``) and wait for it."""
    page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a)", [command, args or {}])


def wait_for_kernel(page) -> None:
    """Wait until the current notebook is loaded and its kernel is ready."""
    page.evaluate(
        """async () => {
          const panel = window.jupyterapp.shell.currentWidget;
          await panel.context.ready;
          await panel.sessionContext.ready;
        }"""
    )


def run_all(page, timeout: float = 600.0) -> float:
    """Run All on the current notebook; wait until every code cell has run. Returns seconds."""
    wait_for_kernel(page)
    start = time.monotonic()
    run_command(page, "notebook:run-all-cells")
    # From the notebook's model, not the prompts on screen: a collapsed cell (a folded solution)
    # shows no prompt, and JupyterLab only renders the cells near the viewport.
    done = """() => {
      const panel = window.jupyterapp.shell.currentWidget;
      return panel.sessionContext.session?.kernel?.status === 'idle'
        && panel.content.widgets.filter(c => c.model.type === 'code')
             .every(c => c.model.executionCount !== null);
    }"""
    page.wait_for_function(done, timeout=timeout * 1000, polling=250)
    return time.monotonic() - start


def image_events(page) -> dict:
    return page.evaluate("() => window.__lab")


def settle(page, quiet: float = 1.5, timeout: float = 20.0) -> None:
    """Wait until no widget image has changed for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        count = len(image_events(page)["changes"])
        if count == last:
            return
        last = count
        time.sleep(quiet)
