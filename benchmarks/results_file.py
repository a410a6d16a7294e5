"""Where the benchmark scripts record their numbers: benchmarks/results/<name>.json.

The book's appendix "Performance" reads these files, so its numbers are measured, never typed.
"""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


def save(name: str, rows: list[dict], **extra: object) -> Path:
    """Write `rows` (one dict per measurement) with a description of the machine that ran them."""
    RESULTS.mkdir(exist_ok=True)
    record = {
        "benchmark": name,
        "measured_on": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.machine(),
        },
        **extra,
        "rows": rows,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path
