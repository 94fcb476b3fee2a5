from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.vision import cpu

VNNI = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu\n"
AVX2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx2 fma\n"


def test_flags_are_read_from_the_first_processor() -> None:
    assert "avx512_vnni" in cpu.cpu_flags(VNNI)
    assert cpu.cpu_flags(AVX2) == {"fpu", "sse2", "avx2", "fma"}
    assert cpu.cpu_flags("") == set()


@pytest.mark.parametrize(("text", "exact"), [(VNNI, True), (AVX2, False)])
def test_auto_runs_8_bits_only_with_vnni(
    text: str, exact: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(text)
    monkeypatch.setattr(cpu, "_CPUINFO", info)
    monkeypatch.setattr(cpu.platform, "machine", lambda: "x86_64")
    cpu.int8_is_exact.cache_clear()
    try:
        assert cpu.resolve("auto") == ("int8" if exact else "fp32")
        assert cpu.resolve("int8") == "int8" and cpu.resolve("fp32") == "fp32"  # an explicit choice is kept
    finally:
        cpu.int8_is_exact.cache_clear()


def test_other_architectures_run_the_float_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpu.platform, "machine", lambda: "aarch64")
    cpu.int8_is_exact.cache_clear()
    try:
        assert cpu.resolve("auto") == "fp32"
    finally:
        cpu.int8_is_exact.cache_clear()
