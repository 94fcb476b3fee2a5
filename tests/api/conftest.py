from __future__ import annotations

import base64
from collections.abc import Iterator

import cv2
import pytest

from tests.conftest import DATA
from tests.servers import ServiceProcess


def jpeg(name: str, width: int = 640) -> bytes:
    image = cv2.imread(str(DATA / name))
    assert image is not None
    height = round(image.shape[0] * width / image.shape[1])
    ok, buffer = cv2.imencode(".jpg", cv2.resize(image, (width, height)), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buffer.tobytes()


def b64(name: str) -> str:
    return base64.b64encode(jpeg(name)).decode()


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
