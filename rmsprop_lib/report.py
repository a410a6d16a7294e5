"""Numbers for the prose, stored at the precision their experiment supports.

A float that went through ``exp``, ``log``, ``**``, a sum or a matrix product differs in its last
bits from one CPU to the next (NumPy picks SIMD code per CPU, OpenBLAS picks a kernel per CPU). Its
full ``repr`` is a fact of one machine, not of the course, so the chapters never store it:

- ``significant(x)`` rounds a float to 4 significant digits (exact integers stay as they are);
- ``glue(name, x)`` stores that rounded value, and ``glued(name, spec)`` gives it back formatted,
  for the prose's ``{eval}`glued("name", ".3g")``` roles (rendered by jupyterlab-myst from the
  kernel, and by the book from the value stored in the notebook; see ``_ext/notebook_text.py``);
- ``below(x, bound)`` turns a value at the level of round-off (a gap of 4e-16 between two
  paths) into the bound it is checked against, since its digits are noise.

Four digits are plenty for prose and far above the round-off of any experiment in the course; a
value that only round-off produces (a difference of 1e-16) is reported as a bound instead.

``markdown_table(header, rows)`` writes the tables that the chapters and the appendix display.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

DIGITS = 4
"""Significant digits kept by default: about what a sentence of prose can use."""


def significant(value: Any, digits: int = DIGITS) -> Any:
    """``value`` rounded to ``digits`` significant digits (decimal rounding of the stored float).

    Integers (Python, NumPy or SymPy) and strings come back unchanged, since they are exact; floats
    and float arrays are rounded element by element (``-0.0`` becomes ``0.0``). A NaN or an infinity
    is a ``ValueError``: an experiment that diverged says so in words, not as a number.
    """
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral):
        raise TypeError(f"digits must be an int, got {digits!r}")
    if not 1 <= digits <= 15:
        raise ValueError(f"digits must be in 1..15, got {digits}")
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"value must be a number, not a bool, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return significant(value.item(), digits)
        if value.dtype.kind in "iu":
            return value.copy()
        if value.dtype.kind != "f":
            raise TypeError(f"value must be a real number or array, got dtype {value.dtype}")
        return np.vectorize(lambda x: _round(float(x), digits), otypes=[float])(value)
    if isinstance(value, numbers.Real):
        return _round(float(value), digits)
    raise TypeError(f"value must be a real number, an array or a string, got {value!r}")


def _round(x: float, digits: int) -> float:
    if not np.isfinite(x):
        raise ValueError(f"value must be finite, got {x!r}: report divergence in words")
    rounded = float(f"{x:.{digits - 1}e}") + 0.0  # + 0.0 turns -0.0 into 0.0
    if not np.isfinite(rounded):
        raise ValueError(f"value {x!r} rounds past the largest float at {digits} digits")
    return rounded


def below(value: Any, bound: float) -> float:
    """``bound``, after checking ``|value| < bound``: a round-off-level value, told by its bound.

    The digits of a difference of 4e-16 are whatever the CPU's rounding made them; "below 1e-15" is
    the fact. Raises ``ValueError`` when the value is not below the bound (or is not finite).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"value must be a real number, got {value!r}")
    if (
        isinstance(bound, bool | np.bool_)
        or not isinstance(bound, numbers.Real)
        or not 0 < bound < np.inf
    ):
        raise ValueError(f"bound must be a positive finite number, got {bound!r}")
    if not abs(float(value)) < float(bound):  # also false for NaN
        raise ValueError(f"value {float(value)!r} is not below the bound {float(bound)!r}")
    return float(bound)


_GLUED: dict[str, Any] = {}
"""Every value glued in this process, by name: what ``glued`` formats."""


def glue(name: str, value: Any, digits: int = DIGITS) -> None:
    """Glue ``significant(value, digits)`` under ``name`` for ``{glue:text}`name`` in the prose.

    Nothing is displayed in the cell; the stored record is the rounded value, so it is the same on
    every machine.
    """
    if not isinstance(name, str) or not name or any(c.isspace() or c in "`:" for c in name):
        raise ValueError(
            f"name must be a non-empty string without spaces, ':' or '`', got {name!r}"
        )
    rounded = significant(value, digits)
    _GLUED[name] = rounded
    from myst_nb import glue as myst_glue  # imported here: only a notebook needs myst-nb

    myst_glue(name, rounded, display=False)


def glue_all(prefix: str, /, **values: Any) -> None:
    """Glue every keyword under ``prefix + keyword``: ``glue_all("ch1_", kappa=k)`` is
    ``glue("ch1_kappa", k)``, for a cell that glues several values (``prefix`` must be a str)."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string such as 'ch1_', got {prefix!r}")
    for name, value in values.items():
        glue(f"{prefix}{name}", value)


def glued(name: str, spec: str = "") -> str:
    """The value glued under ``name``, formatted with ``spec`` (``format(value, spec)``).

    The prose shows it with ``{eval}`glued("name", ".3g")```: jupyterlab-myst evaluates that in the
    kernel, and the book shows the same text, stored in the notebook by `make notebooks`.
    """
    if name not in _GLUED:
        raise KeyError(f"nothing was glued under {name!r}: run the cell that glues it first")
    return format(_GLUED[name], spec)


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def markdown_table(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, spaced_rule: bool = False
) -> str:
    """A Markdown pipe table: the header line, the rule, then one line per row.

    Every cell is written as ``str(cell)``, between ``| `` and `` |``: ``markdown_table(["a", "b"],
    [[1, 2]])`` is ``"| a | b |\n|---|---|\n| 1 | 2 |"``. With ``spaced_rule`` the rule is
    ``| --- | --- |`` (the same table once rendered). Display it with
    ``IPython.display.Markdown``.

    A ``ValueError`` for an empty header, a header or row given as one string, a row whose length
    is not the header's, or a cell whose text holds a line break or a ``|`` not escaped as ``\\|``
    (either would break the table).
    """
    if isinstance(header, str):
        raise ValueError(f"header must be a sequence of column names, not a string: {header!r}")
    header = list(header)
    if not header:
        raise ValueError("header must name at least one column")
    table = [header]
    for number, row in enumerate(rows):
        if isinstance(row, str):
            raise ValueError(f"row {number} must be a sequence of cells, not a string: {row!r}")
        row = list(row)
        if len(row) != len(header):
            raise ValueError(
                f"row {number} has {len(row)} cells, the header {len(header)}: {row!r}"
            )
        table.append(row)
    lines = []
    for row in table:
        cells = [str(cell) for cell in row]
        for cell in cells:
            if "\n" in cell or "\r" in cell or _UNESCAPED_PIPE.search(cell):
                raise ValueError(f"a cell must not hold a line break or an unescaped |: {cell!r}")
        lines.append("| " + " | ".join(cells) + " |")
    rule = "|" + (" --- |" if spaced_rule else "---|") * len(header)
    lines.insert(1, rule)
    return "\n".join(lines)
