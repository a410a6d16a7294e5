"""Re-run every notebook under strict nbval with NumPy's SIMD code and OpenBLAS's kernel set as on
other x86-64 CPUs (`make test` runs this after the native run).

NumPy picks its `exp`, `log` and `power` code for the CPU it runs on, and OpenBLAS picks a kernel;
their results differ in the last bits. The stored outputs must be what every CPU computes, so each
notebook must also pass with:

- the X86_V2 baseline (SSE4.2, no AVX) and OpenBLAS's Nehalem kernel, on every x86-64 CPU;
- AVX2 (X86_V3) and OpenBLAS's Haswell kernel, on a CPU that has AVX-512 (so its native run used
  AVX-512 code, and AVX2 is a third, different level).

Arguments are passed on to pytest. On a CPU that is not x86-64 there is nothing to switch: the
script says so and exits 0.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

NUMPY_GROUPS_ABOVE = {  # NumPy 2's CPU feature groups above each level, to disable
    "X86_V2": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "X86_V3": "X86_V4 AVX512_ICL AVX512_SPR",
}


def cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def configurations(machine: str, flags: set[str]) -> list[tuple[str, dict[str, str]]]:
    """The (name, environment) pairs to run on a CPU of this architecture with these flags."""
    if machine not in {"x86_64", "AMD64"}:
        return []
    runs = [
        (
            "X86_V2 baseline, OpenBLAS Nehalem",
            {
                "NPY_DISABLE_CPU_FEATURES": NUMPY_GROUPS_ABOVE["X86_V2"],
                "OPENBLAS_CORETYPE": "Nehalem",
            },
        )
    ]
    if {"avx2", "fma", "avx512f"} <= flags:
        runs.append(
            (
                "AVX2 (X86_V3), OpenBLAS Haswell",
                {
                    "NPY_DISABLE_CPU_FEATURES": NUMPY_GROUPS_ABOVE["X86_V3"],
                    "OPENBLAS_CORETYPE": "Haswell",
                },
            )
        )
    return runs


PROBE = """
import threadpoolctl
from numpy.lib._utils_impl import _opt_info  # NumPy's own summary: 'X86_V3?' marks a disabled group
print(threadpoolctl.threadpool_info()[0]["architecture"], _opt_info())
"""


def took_effect(settings: dict[str, str]) -> bool:
    """Whether a Python started with ``settings`` really runs that BLAS kernel and SIMD level."""
    env = {**os.environ, **settings}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    kernel, groups = out[0], out[1:]
    disabled = set(settings["NPY_DISABLE_CPU_FEATURES"].split())
    active = {group.rstrip("*") for group in groups if not group.endswith("?")}
    print(f"portability: OpenBLAS kernel {kernel}, NumPy groups {' '.join(groups)}", flush=True)
    return kernel.lower() == settings["OPENBLAS_CORETYPE"].lower() and not active & disabled


def main(pytest_args: list[str]) -> int:
    runs = configurations(platform.machine(), cpu_flags())
    if not runs:
        print(f"portability: nothing to switch on {platform.machine()}; only the native run counts")
        return 0
    failed = []
    for name, settings in runs:
        print(f"portability: notebooks under {name}: {settings}", flush=True)
        if not took_effect(settings):
            print(f"portability: {name} did not take effect", file=sys.stderr)
            failed.append(name)
            continue
        env = {**os.environ, **settings}
        command = [sys.executable, "-m", "pytest", *pytest_args]
        if subprocess.run(command, env=env, check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"portability: stored outputs differ under {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
