"""The reviewer's console in Debian's chromium (clients/test/console.test.mjs) against real services: API keys
off, and on with two named tenants. Screenshots are kept in artifacts/."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.clients.test_javascript import node_test
from tests.conftest import DATA
from tests.servers import ServiceProcess
from tests.servers_browser import ARTIFACTS

pytestmark = pytest.mark.slow
KEYS = {"acme": "key-acme", "beta": "key-beta"}


@pytest.fixture(scope="module")
def open_service() -> Iterator[ServiceProcess]:
    server = ServiceProcess({"EVIDENCE_SNAPSHOTS": "true"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def keyed_console() -> Iterator[ServiceProcess]:
    server = ServiceProcess({"API_KEYS": json.dumps(KEYS), "EVIDENCE_SNAPSHOTS": "true",
                             "REPORT_LINK_SECRET": "console-tests"})  # fmt: skip
    yield server
    server.stop()


def test_console_in_chromium(open_service: ServiceProcess, keyed_console: ServiceProcess) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"BASE_URL": open_service.url, "KEYED_URL": keyed_console.url, "DATA_DIR": str(DATA),
           "ARTIFACTS_DIR": str(ARTIFACTS)}  # fmt: skip
    started = time.monotonic()
    result = node_test(["test/console.test.mjs"], env)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "pass 6" in result.stdout
    for line in result.stdout.splitlines():
        if "recorded decisions in" in line:
            print(line.strip())
    print(f"the console's browser test took {time.monotonic() - started:.0f} s")
    for name in ("console_list", "console_zoom_phone", "console_session_decided", "console_keyboard_decided"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000
