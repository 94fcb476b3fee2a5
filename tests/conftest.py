from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.servers import RedisServer

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
