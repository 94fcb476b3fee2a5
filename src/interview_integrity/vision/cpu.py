"""Whether this CPU runs onnxruntime's 8-bit models exactly, and so which precision `auto` picks.

onnxruntime's 8-bit convolutions multiply unsigned activations by signed weights (U8S8). On x86 CPUs with
VNNI (AVX-512 VNNI, AVX-VNNI) the products are summed in 32 bits. Without VNNI (plain AVX2, most laptops
before 2021 and many cloud VMs) they go through `vpmaddubsw`, whose 16-bit sums saturate: measured on an
AVX2-only AMD EPYC, the 8-bit SSDLite found none of the objects the float model finds on the dev images
(a phone at 0.98, a laptop at 0.99), and it was no faster (22 ms against 22). So `auto` runs 8 bits only
where they are exact, and the float models everywhere else.
"""

from __future__ import annotations

import platform
from functools import cache
from pathlib import Path
from typing import Literal

Precision = Literal["int8", "fp32"]
_VNNI_FLAGS = {"avx512_vnni", "avx_vnni"}
_CPUINFO = Path("/proc/cpuinfo")


def cpu_flags(cpuinfo: str) -> set[str]:
    """The feature flags of the first processor listed in a /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


@cache
def int8_is_exact() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False  # not measured on other architectures: stay with the float models
    try:
        return bool(cpu_flags(_CPUINFO.read_text()) & _VNNI_FLAGS)
    except OSError:
        return False


def resolve(precision: Literal["auto", "int8", "fp32"]) -> Precision:
    if precision == "auto":
        return "int8" if int8_is_exact() else "fp32"
    return precision
