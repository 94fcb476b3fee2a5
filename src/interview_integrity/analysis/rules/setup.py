"""The candidate's setup: screens, laptops and keyboards in view from the start, and staying where they are.

Over the session's first `setup_s` (at least three frames with object detection), each screen, laptop,
keyboard or mouse that is seen in at least half of those frames at the same place is taken as part of the
candidate's setup: their own monitor at the edge of a side camera's view, their keyboard. The setup is named
in the start-of-session check and in the report; it raises no event. A device that appears later, or a
setup item seen somewhere else (moved), is not setup: the objects rule votes on it as usual.

A detector does not always score the same device from its first frame (a desktop computer at the frame's
edge scored a `laptop` only from 16 s on). So the rule also keeps the setup seconds' look: the per-pixel
median of their grey thumbnails. A screen, laptop, keyboard or mouse first detected later whose region of
the picture looks as it did then (same place, same look) was there from the start: it joins the setup, and
only a device whose region changed is new.

Which way a screen faces cannot be told by the detectors we have, so a second screen that is there from
the start is setup too; the report lists it for the reviewer, and the start-of-session check shows it to
the candidate.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.measures import median_thumbnail, region_change
from interview_integrity.analysis.policy import Thresholds
from interview_integrity.analysis.rules.base import Frame, rule_state
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Timeline
from interview_integrity.vision.signals import Box, DetectedObject, FrameSignals

SETUP_LABELS = ("laptop", "tv", "keyboard", "mouse")
SAME_PLACE_IOU = 0.3
MIN_FRAMES = 3
_NAMES = {"tv": "screen", "laptop": "laptop", "keyboard": "keyboard", "mouse": "mouse"}


class Item(BaseModel):
    label: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 as shares of the frame
    frames: int = 1
    by_look: bool = False  # detected only later, where the picture looked as it did in the setup seconds

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

    def describe(self) -> str:
        return f"{self.name} ({self.where}{', there from the start' if self.by_look else ''})"


class Setup(BaseModel):
    started_at: float | None = None
    frames: int = 0
    complete: bool = False
    candidates: list[Item] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    looks: list[str] = Field(default_factory=list, description="The setup frames' thumbnails, until complete.")
    reference: str | None = Field(None, description="Their per-pixel median: the picture the setup was learned on.")

    def describe(self) -> list[str]:
        return [item.describe() for item in self.items]


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


def same_look(setup: Setup, obj: DetectedObject, signals: FrameSignals, thresholds: Thresholds) -> bool:
    """Whether a device's region of this frame looks as it did in the setup seconds."""
    now = signals.track.motion if signals.track is not None else None
    if setup.reference is None or now is None or obj.label not in SETUP_LABELS:
        return False
    change = region_change(setup.reference, now, share_box(obj, signals.width, signals.height))
    if change is None:
        return False
    texture, brightness = change
    return texture <= thresholds.setup_same_look and brightness <= thresholds.setup_same_brightness


class SetupRule:
    name = "setup"

    def forget(self, session: SessionState) -> None:
        """The setup's picture only serves the live session; the items it found stay for the report."""
        state = rule_state(session, self.name, Setup)
        state.looks, state.reference = [], None
        session.rules[self.name] = state.model_dump(mode="json")

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        setup = frame.state(self.name, Setup)
        signals = frame.signals
        if not signals.objects_analyzed:
            return
        if setup.complete:
            self._late(setup, frame)
            return
        setup.started_at = frame.now if setup.started_at is None else setup.started_at
        setup.frames += 1
        if signals.track is not None and signals.track.motion is not None:
            setup.looks.append(signals.track.motion)
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
            setup.reference = median_thumbnail(setup.looks) if setup.looks else None
            setup.looks = []
            setup.complete = True

    @staticmethod
    def _late(setup: Setup, frame: Frame) -> None:
        """A device detected after the setup seconds where the picture has not changed joins the setup."""
        signals = frame.signals
        for obj in signals.objects:
            known = part_of(setup, obj, signals.width, signals.height)
            if not known and same_look(setup, obj, signals, frame.policy.thresholds):
                where = share_box(obj, signals.width, signals.height)
                setup.items.append(Item(label=obj.label, box=where, frames=0, by_look=True))
