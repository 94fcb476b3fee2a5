"""The same recording sent in different ways: frame rates and encodings, compared verdict by verdict.

A client decides how often it sends a frame and how it encodes it (a browser's canvas as JPEG at some
quality, a PNG, a CLI that reads the video itself). A verdict must not depend on that choice: the same
recording at 2, 5 or 10 frames a second, as JPEG of quality 60 to 95 or as PNG, must end with the same
verdict and the same event types. `replay_sent` replays a video as one such client would send it: frames
sampled at `fps`, each encoded and decoded again by the service's own decoder, through the vision stream
and the session engine in-process (a server adds the transport, not the analysis).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from interview_integrity.analysis.policy import Policy
from interview_integrity.service.replay import Replay, replay_frames
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.video import sample_frames

RAW = "raw"  # the decoded video frame itself, as the CLI analyses it


def encode(image: Array, encoding: str) -> bytes:
    """`jpeg<quality>` (e.g. jpeg85) or `png`: the bytes a client would send."""
    if encoding == "png":
        ok, data = cv2.imencode(".png", image)
    elif encoding.startswith("jpeg") and encoding[4:].isdigit():
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(encoding[4:])])
    else:
        raise ValueError(f"unknown encoding {encoding!r}: jpeg<quality>, png or {RAW}")
    if not ok:
        raise ValueError(f"the frame could not be encoded as {encoding}")
    return bytes(data.tobytes())


def sent(
    frames: Iterable[tuple[float, Array]], encoding: str, analyzer: FrameAnalyzer
) -> Iterator[tuple[float, Array]]:
    """The frames as the service decodes them after a client encoded them."""
    for timestamp, image in frames:
        yield timestamp, image if encoding == RAW else analyzer.decode(encode(image, encoding))


def replay_sent(path: Path, analyzer: FrameAnalyzer, policy: Policy, fps: float, encoding: str) -> Replay:
    return replay_frames(sent(sample_frames(path, fps), encoding, analyzer), analyzer, policy)


@dataclass(frozen=True)
class Outcome:
    """What a reviewer would compare between two ways of sending: the verdict and which events were raised."""

    verdict: str
    types: tuple[str, ...]  # every event type raised, sorted
    notable: tuple[str, ...]  # the medium and high ones
    starts: dict[str, float] = field(default_factory=dict, compare=False)  # each type's first start

    @classmethod
    def of(cls, replay: Replay) -> Outcome:
        events = replay.state.events
        starts: dict[str, float] = {}
        for event in events:
            starts.setdefault(event.type, event.started_at)
        return cls(
            verdict=replay.summary.verdict,
            types=tuple(sorted({e.type for e in events})),
            notable=tuple(sorted({e.type for e in events if e.severity != "low"})),
            starts=starts,
        )

    def line(self) -> str:
        shown = ", ".join(f"{t}@{self.starts[t]:.1f}" for t in self.types) or "no events"
        return f"{self.verdict:<10} {shown}"
