"""The candidate's setup: screens, laptops and keyboards in view from the start, and staying where they are.

Over the session's first `setup_s` (at least three frames with object detection), each screen, laptop,
keyboard or mouse that is seen in at least half of those frames at the same place is taken as part of the
candidate's setup: their own monitor at the edge of a side camera's view, their keyboard. The setup is named
in the start-of-session check and in the report; it raises no event. A device that appears later, or a
setup item seen somewhere else (moved), is not setup: the objects rule votes on it as usual.

Which way a screen faces cannot be told by the detectors we have, so a second screen that is there from
the start is setup too; the report lists it for the reviewer, and the start-of-session check shows it to
the candidate.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.timeline import Timeline
from interview_integrity.vision.signals import Box, DetectedObject

SETUP_LABELS = ("laptop", "tv", "keyboard", "mouse")
SAME_PLACE_IOU = 0.3
MIN_FRAMES = 3
_NAMES = {"tv": "screen", "laptop": "laptop", "keyboard": "keyboard", "mouse": "mouse"}


class Item(BaseModel):
    label: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of the frame
    frames: int = 1

    @property
    def name(self) -> str:
        return _NAMES.get(self.label, self.label)

    @property
    def where(self) -> str:
        x0, y0, x1, y1 = self.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        across = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else "centre"
        height = "upper" if cy < 1 / 3 else "lower" if cy > 2 / 3 else ""
        if x0 <= 0.02 or x1 >= 0.98:
            return f"at the {across} edge" if across != "centre" else "across the frame"
        return f"{height} {across}".strip() if height or across != "centre" else "in the middle"


class Setup(BaseModel):
    started_at: float | None = None
    frames: int = 0
    complete: bool = False
    candidates: list[Item] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)

    def describe(self) -> list[str]:
        return [f"{item.name} ({item.where})" for item in self.items]


def share_box(obj: DetectedObject, width: int, height: int) -> tuple[float, float, float, float]:
    b = obj.box
    return (b.x / width, b.y / height, (b.x + b.width) / width, (b.y + b.height) / height)


def _iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return Box(x=a[0], y=a[1], width=a[2] - a[0], height=a[3] - a[1]).iou(
        Box(x=b[0], y=b[1], width=b[2] - b[0], height=b[3] - b[1])
    )


def part_of(setup: Setup, obj: DetectedObject, width: int, height: int) -> bool:
    """Whether a detection is a setup item where it was at the start."""
    where = share_box(obj, width, height)
    return any(item.label == obj.label and _iou(item.box, where) >= SAME_PLACE_IOU for item in setup.items)


class SetupRule:
    name = "setup"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        setup = frame.state(self.name, Setup)
        signals = frame.signals
        if setup.complete or not signals.objects_analyzed:
            return
        setup.started_at = frame.now if setup.started_at is None else setup.started_at
        setup.frames += 1
        seen: set[int] = set()
        for obj in signals.objects:
            if obj.label not in SETUP_LABELS:
                continue
            where = share_box(obj, signals.width, signals.height)
            match = next(
                (
                    i
                    for i, c in enumerate(setup.candidates)
                    if c.label == obj.label and _iou(c.box, where) >= SAME_PLACE_IOU
                ),
                None,
            )
            if match is None:
                setup.candidates.append(Item(label=obj.label, box=where))
            elif match not in seen:
                setup.candidates[match].frames += 1
            seen.add(match if match is not None else len(setup.candidates) - 1)
        if frame.now - setup.started_at >= frame.policy.thresholds.setup_s and setup.frames >= MIN_FRAMES:
            setup.items = [c for c in setup.candidates if c.frames >= 0.5 * setup.frames]
            setup.candidates = []
            setup.complete = True
