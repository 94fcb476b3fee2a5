"""What the commands share: where the data is by default, a progress bar, and the models set up once and
closed however the command ends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tqdm import tqdm

from interview_integrity.config import Settings
from interview_integrity.vision.analyzer import FrameAnalyzer

T = TypeVar("T")
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
Handler = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:
    # the `add_subparsers` object every command group registers its commands on
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def progress(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    yield from tqdm(items, total=total, desc=desc, unit="frame", file=sys.stderr, disable=None)


@contextmanager
def analyzer(*, warm: bool = True) -> Iterator[FrameAnalyzer]:
    """The service's models as configured (the environment's settings), closed when the command ends."""
    models = FrameAnalyzer(Settings().vision)
    try:
        if warm:
            models.warm_up()
        yield models
    finally:
        models.close()


def fail(message: str, status: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status
