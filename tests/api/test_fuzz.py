"""schemathesis against the service's own /openapi.json: no input may produce a 5xx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ServiceProcess

pytestmark = pytest.mark.slow


def test_no_server_errors(service: ServiceProcess, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run", f"{service.url}/openapi.json",
        "--checks", "not_a_server_error", "--max-examples", "25", "--request-timeout", "30",
        "--generation-deterministic", "--phases", "examples,coverage,fuzzing",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
