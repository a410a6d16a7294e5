"""Which SIMD levels and BLAS kernels `make test` runs the notebooks under, by CPU."""

import importlib.util
import platform
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location(
    "check_portability", Path(__file__).parents[1] / "tools" / "check_portability.py"
)
check_portability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_portability)


def names(machine, flags):
    return [
        settings["OPENBLAS_CORETYPE"]
        for _, settings in check_portability.configurations(machine, set(flags))
    ]


def test_every_x86_cpu_also_runs_the_baseline():
    assert names("x86_64", {"sse4_2"}) == ["Nehalem"]
    assert names("x86_64", {"sse4_2", "avx2", "fma"}) == ["Nehalem"]


def test_an_avx512_cpu_also_runs_avx2():
    assert names("x86_64", {"sse4_2", "avx2", "fma", "avx512f"}) == ["Nehalem", "Haswell"]
    _, avx2 = check_portability.configurations("x86_64", {"avx2", "fma", "avx512f"})[1]
    assert "X86_V3" not in avx2["NPY_DISABLE_CPU_FEATURES"].split()
    assert "X86_V4" in avx2["NPY_DISABLE_CPU_FEATURES"].split()


def test_other_platforms_have_nothing_to_switch():
    assert check_portability.configurations("aarch64", {"asimd"}) == []


def test_the_baseline_disables_every_group_above_x86_v2():
    (_, baseline), *_ = check_portability.configurations("x86_64", set())
    assert set(baseline["NPY_DISABLE_CPU_FEATURES"].split()) == {
        "X86_V3",
        "X86_V4",
        "AVX512_ICL",
        "AVX512_SPR",
    }


def test_cpu_flags_reads_this_machine():
    flags = check_portability.cpu_flags()
    if Path("/proc/cpuinfo").exists():
        assert flags, "a Linux machine lists its CPU flags"


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the settings exist on x86-64 only")
def test_the_settings_take_effect_and_a_bogus_one_is_caught():
    for _, settings in check_portability.configurations("x86_64", check_portability.cpu_flags()):
        assert check_portability.took_effect(settings)
    unknown = {"NPY_DISABLE_CPU_FEATURES": "", "OPENBLAS_CORETYPE": "NoSuchKernel"}
    assert not check_portability.took_effect(unknown)
