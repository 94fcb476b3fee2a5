"""schemathesis against the service's own /openapi.json with every check: no input may produce a 5xx, every
answer matches the schema, and schema-valid input is accepted except where schemathesis.toml says why not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.servers import ServiceProcess

pytestmark = pytest.mark.slow


def test_no_server_errors(service: ServiceProcess, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(REPO / "schemathesis.toml"),
        "run", f"{service.url}/openapi.json", "--checks", "all", "--max-examples", "25", "--request-timeout", "30",
        "--generation-deterministic",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
