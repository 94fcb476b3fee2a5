"""Debian's chromium, headless, for screenshots kept as test artifacts."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip


def screenshot(url: str, name: str, size: str = "900,1600") -> Path:
    binary = shutil.which("chromium")
    if binary is None:
        raise RuntimeError("chromium is not installed: run scripts/test-services.sh (make test does)")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    with tempfile.TemporaryDirectory(prefix="ii-chromium-") as profile:
        subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={target}", url],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
    return target
