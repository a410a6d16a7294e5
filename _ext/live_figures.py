"""Live experiments on the static website: controls that swap pictures rendered at build time.

A chapter marks a code cell that shows an experiment with ``live`` cell metadata, the grid of
settings its controls take on the website (each list must hold the chapter's starting value)::

    "live": {"grid": {"learning_rate": [0.1, 0.3, 1.0], "beta": [0.9, 0.99]}}

The cell's source holds the call, ``widgets.trajectory_explorer(learning_rate=0.3, ...)``; an
argument the notebook computes (``learning_rate=eta_value``) is given under ``"given"``. For the
html builder, this extension replaces the cell's output with a player: one range input (a
slider in JupyterLab) or select (a dropdown) per control, labelled as in JupyterLab, and the
picture at the chosen setting. A cell that shows an animation (``explorer.animate()``) is marked
``"live": {"play": true}``: its player has the animation's frames and a Play button. The pictures
are drawn by the experiment itself (``rmsprop_lib.widgets.frames``), once per setting, and written
as lossless WebP files under ``_live/``, named by their content; the page loads a file only when a
reader picks its setting. ``_static/live_figures.js`` swaps them. Without JavaScript the first
picture stays, and the single-page build (which the PDF is printed from) keeps the stored output.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import io
import itertools
import json
import os
import re
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import ipywidgets
import matplotlib
import numpy as np
import PIL
from docutils import nodes
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from rmsprop_lib.widgets import Experiment, frames

logger = logging.getLogger(__name__)
FOLDER = "_live"


def _experiment_calls(source: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in frames.EXPERIMENTS
    ]


def _made_in(name: str, earlier: Sequence[str]) -> str:
    """The last of the ``earlier`` cells' sources that assigns experiment ``name``."""
    for source in reversed(earlier):
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython syntax (a %magic) makes no experiment
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets
            ):
                return source
    raise ValueError(f"no earlier cell makes {name!r}")


def chapter_call(
    source: str, given: dict[str, Any], earlier: Sequence[str] = ()
) -> tuple[str, dict[str, Any]]:
    """The experiment a cell calls and its keyword arguments: literals from ``source``, the
    others from ``given``. A cell ``name.animate()`` takes the call from the earlier cell (of
    the sources ``earlier``) that made ``name``."""
    calls = _experiment_calls(source)
    animated = re.fullmatch(r"\s*(\w+)\.animate\(\)\s*", source)
    if not calls and animated:
        calls = _experiment_calls(_made_in(animated[1], earlier))
    if len(calls) != 1 or calls[0].args:
        raise ValueError("a live cell must call one experiment, with keyword arguments only")
    arguments = {}
    for keyword in calls[0].keywords:
        if keyword.arg in given:
            arguments[keyword.arg] = given[keyword.arg]
            continue
        try:
            arguments[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            message = f"{keyword.arg}= is computed by the notebook: put it in 'given'"
            raise ValueError(message) from None
    return calls[0].func.attr, arguments


def live_grid(live: dict[str, Any], experiment: Experiment) -> tuple[dict, int]:
    """The settings of the player, control -> values, in the order of the experiment's controls,
    and the milliseconds between frames of its Play button (0: none): the cell's grid, or the
    frames of the experiment's animation."""
    if live.get("play"):
        animation = experiment.animate()
        return {animation.control: animation.frames}, animation.play.interval
    unknown = set(live["grid"]) - set(experiment.controls)
    if unknown:
        raise ValueError(f"{experiment.name} has no control {sorted(unknown)}")
    return {c: live["grid"][c] for c in experiment.controls if c in live["grid"]}, 0


def webp(png: bytes) -> bytes:
    """The same pixels as lossless WebP, about half the size of the PNG."""
    output = io.BytesIO()
    Image.open(io.BytesIO(png)).save(output, "WEBP", lossless=True, quality=80, method=2)
    return output.getvalue()


def library_version() -> str:
    """A fingerprint of the code that draws the frames: rmsprop_lib's sources and the versions of
    the libraries it draws with."""
    digest = hashlib.sha256(f"{matplotlib.__version__} {np.__version__} {PIL.__version__}".encode())
    for source in sorted(Path(frames.__file__).parents[1].rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


LIBRARY = library_version()


def webp_frame(name: str, arguments: dict[str, Any], setting: dict[str, Any]) -> tuple[bytes, str]:
    png, alt = frames.frame(name, arguments, setting)
    return webp(png), alt


def rendered(
    cache: Path, name: str, arguments: dict[str, Any], settings: list[dict[str, Any]]
) -> list[tuple[bytes, str]]:
    """The WebP frame of each setting and its alt text. Each is drawn once, by one process per
    core, and kept in ``cache`` for the next builds while the code that draws it is unchanged."""
    paths = [
        cache / hashlib.sha256(json.dumps([LIBRARY, name, arguments, setting]).encode()).hexdigest()
        for setting in settings
    ]
    missing = [
        (path, setting) for path, setting in zip(paths, settings, strict=True) if not path.is_file()
    ]
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        draw = functools.partial(webp_frame, name, arguments)
        with ProcessPoolExecutor(len(os.sched_getaffinity(0))) as pool:
            drawn = pool.map(draw, [setting for _, setting in missing])
            for (path, _), (data, alt) in zip(missing, drawn, strict=True):
                path.with_suffix(".txt").write_text(alt, encoding="utf-8")
                path.write_bytes(data)  # last: a frame in the cache has its alt text
    return [(path.read_bytes(), path.with_suffix(".txt").read_text("utf-8")) for path in paths]


def control_html(player: str, name: str, control, values: list, start: int) -> str:
    """A labelled range input (a select for a dropdown) whose value is an index into ``values``."""
    ident = f"{player}-{name}"
    labels = [frames.value_label(control, value) for value in values]
    label = f'<label for="{ident}">{html.escape(control.description)}</label>'
    if isinstance(control, ipywidgets.Dropdown):
        options = "".join(
            f'<option value="{i}"{" selected" if i == start else ""}>{html.escape(text)}</option>'
            for i, text in enumerate(labels)
        )
        return f'<div class="live-control">{label}<select id="{ident}">{options}</select></div>'
    return (
        f'<div class="live-control">{label}<input type="range" id="{ident}" min="0" '
        f'max="{len(values) - 1}" step="1" value="{start}" '
        f'aria-valuetext="{html.escape(labels[start])}" '
        f"data-labels='{html.escape(json.dumps(labels), quote=True)}'>"
        f'<output for="{ident}">{html.escape(labels[start])}</output></div>'
    )


def player_html(app: Sphinx, docname: str, cell: nodes.Element, earlier: list[str]) -> str:
    """Render every frame of the live cell ``cell`` and return the player that shows them."""
    live, metadata = cell["cell_metadata"]["live"], cell["cell_metadata"]
    name, arguments = chapter_call(cell_source(cell), live.get("given", {}), earlier)
    experiment = frames.EXPERIMENTS[name](**arguments)  # the chapter's starting view
    grid, interval = live_grid(live, experiment)
    controls = experiment.controls
    player = f"live-{cell['cell_index']}"
    starts, parts = [], []
    for control, values in grid.items():
        start = controls[control].value
        unreachable = [v for v in values if not frames.is_position(controls[control], v)]
        if start not in values or unreachable:
            raise ValueError(
                f"{docname}: the grid of {control!r} must hold its starting value {start!r} "
                f"and only values its control can take (not {unreachable})"
            )
        starts.append(values.index(start))
        parts.append(control_html(player, control, controls[control], values, starts[-1]))
    if interval:
        parts.append(
            f'<button type="button" class="live-play" data-interval="{interval}">Play</button>'
        )

    folder, page = Path(app.outdir) / FOLDER, app.builder.get_target_uri(docname)
    folder.mkdir(exist_ok=True)
    keys = list(itertools.product(*(range(len(values)) for values in grid.values())))
    settings = [{c: grid[c][i] for c, i in zip(grid, key, strict=True)} for key in keys]
    cache = Path(app.doctreedir).parent / ".live_frames"
    table, size = {}, (0, 0)
    for key, (data, alt) in zip(keys, rendered(cache, name, arguments, settings), strict=True):
        file = f"{hashlib.sha256(data).hexdigest()[:20]}.webp"
        (folder / file).write_bytes(data)
        if list(key) == starts:  # the chapter's own alt text, if it wrote one
            alt = metadata.get("mystnb", {}).get("image", {}).get("alt", alt)
            size = Image.open(io.BytesIO(data)).size
        table[",".join(map(str, key))] = [relative_uri(page, f"{FOLDER}/{file}"), alt]

    src, alt = table[",".join(map(str, starts))]
    manifest = json.dumps(table, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div class="live-figure" id="{player}">'
        f'<div class="live-controls" hidden>{"".join(parts)}</div>'
        f'<img class="live-frame" src="{src}" alt="{html.escape(alt)}" '
        f'width="{size[0]}" height="{size[1]}">'
        f'<script type="application/json" class="live-frames">{manifest}</script></div>'
    )


def cell_source(cell: nodes.Element) -> str:
    """The code of a notebook cell ("" if the page does not show it)."""
    code = next(iter(cell.findall(nodes.literal_block)), None)
    return "" if code is None else code.astext()


def add_players(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the output of every live cell of ``docname`` by a player (html builder only)."""
    if app.builder.name != "html":
        return
    earlier: list[str] = []
    for cell in list(doctree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code":
            continue
        if "live" in cell.get("cell_metadata", {}):
            began = time.perf_counter()
            player = nodes.raw("", player_html(app, docname, cell, earlier), format="html")
            output = [n for n in cell.children if n.get("nb_element") == "cell_code_output"]
            output[0].children = []
            output[0].append(player)
            seconds = time.perf_counter() - began
            logger.info(f"live figure {docname} cell {cell['cell_index']}: {seconds:.1f} s")
        earlier.append(cell_source(cell))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_players)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
