from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.servers import RedisServer, ServiceProcess

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not (DATA / "MANIFEST.tsv").exists():
        raise pytest.UsageError(f"test media not found at {DATA} (../shared/data beside the checkout)")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def analyzer() -> Iterator[FrameAnalyzer]:
    analyzer = FrameAnalyzer(VisionSettings())
    analyzer.warm_up()
    yield analyzer
    analyzer.close()


def load(name: str) -> np.ndarray:
    image = cv2.imread(str(DATA / name), cv2.IMREAD_COLOR)
    assert image is not None, f"cannot read {name}"
    return image


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def service() -> Iterator[ServiceProcess]:
    """The service as `make run` starts it: memory sessions, no keys."""
    server = ServiceProcess()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def keyed_service() -> Iterator[ServiceProcess]:
    server = ServiceProcess(
        {"API_KEYS": "key-a,key-b,key-rate", "CORS_ORIGINS": "http://allowed.example", "RATE_LIMIT_PER_MINUTE": "30"}
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tight_service() -> Iterator[ServiceProcess]:
    """One worker, no queue, short lifetimes, small bodies: for 503, expiry and 413."""
    server = ServiceProcess(
        {"WORKERS": "1", "QUEUE_PER_WORKER": "0", "SESSION_IDLE_TTL_S": "2", "REPORT_RETENTION_S": "4",
         "CLEANUP_INTERVAL_S": "0.5", "MAX_REQUEST_BYTES": "400000"}
    )  # fmt: skip
    yield server
    server.stop()
