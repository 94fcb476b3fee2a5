"""A frame's evidence for the events it raised: one picture, what was found in it, and per event the boxes it
is about and a crop of them at the frame's resolution (vision/snapshot.py makes the pictures)."""

from __future__ import annotations

import base64

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.registry import EVENTS
from interview_integrity.analysis.rules.objects import DEVICE_LABELS
from interview_integrity.stores.base import Evidence, EvidenceBox
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import Box, FrameSignals
from interview_integrity.vision.snapshot import crop, crop_region, snapshot

# the objects an object event is about (analysis/rules/objects.py raises them from these labels)
OBJECT_EVENTS: dict[str, tuple[str, ...]] = {
    "phone_detected": ("cell phone",),
    "book_detected": ("book",),
    "device_detected": DEVICE_LABELS,
    "extra_person": ("person",),
}
FACE_CATEGORIES = ("identity", "attention")  # events about the faces in view (a second face, a look away)


def about(event_type: str, signals: FrameSignals) -> list[int]:
    """Indexes into `boxes(signals)` of what the event is about; none: the whole frame (no face, a frozen picture)."""
    found = _found(signals)
    labels = OBJECT_EVENTS.get(event_type)
    if labels is not None:
        return [i for i, (label, _, _) in enumerate(found) if label in labels]
    spec = EVENTS.get(event_type)  # type: ignore[call-overload]
    if spec is not None and spec.category in FACE_CATEGORIES:
        return [i for i, (label, _, _) in enumerate(found) if label == "face"]
    return []


def _found(signals: FrameSignals) -> list[tuple[str, Box, float | None]]:
    faces: list[tuple[str, Box, float | None]] = [("face", f.box, round(f.confidence, 3)) for f in signals.faces.boxes]
    return faces + [(o.label, o.box, round(o.confidence, 3)) for o in signals.objects]


def _share(box: Box, width: int, height: int, label: str, confidence: float | None, event: bool) -> EvidenceBox:
    return EvidenceBox(
        label=label, x=round(box.x / width, 4), y=round(box.y / height, 4), width=round(box.width / width, 4),
        height=round(box.height / height, 4), confidence=confidence, event=event,
    )  # fmt: skip


def _union(boxes: list[Box]) -> Box:
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    x1, y1 = max(b.x + b.width for b in boxes), max(b.y + b.height for b in boxes)
    return Box(x=x0, y=y0, width=x1 - x0, height=y1 - y0)


def evidence_for(image: Array, signals: FrameSignals, events: list[Event], frame_index: int) -> list[Evidence]:
    """One Evidence per event, sharing the frame's picture. An object event's crop is its best-scoring box; a face
    event's, the faces it is about."""
    height, width = image.shape[:2]
    picture = snapshot(image)
    jpeg = base64.b64encode(picture.jpeg).decode()
    found = _found(signals)
    kept = []
    for event in events:
        chosen = set(about(event.type, signals))
        boxes = [_share(box, width, height, label, score, i in chosen) for i, (label, box, score) in enumerate(found)]
        crop_jpeg, region = None, None
        if chosen:
            if event.type in OBJECT_EVENTS:
                best = max(chosen, key=lambda i: found[i][2] or 0.0)
                target = found[best][1]
            else:
                target = _union([found[i][1] for i in chosen])
            area = crop_region(target, width, height)
            crop_jpeg = base64.b64encode(crop(image, area).jpeg).decode()
            region = _share(area, width, height, "crop", None, True)
        item = Evidence(
            event_id=event.id, event_type=event.type, frame_index=frame_index, timestamp=signals.timestamp,
            jpeg_base64=jpeg, width=picture.width, height=picture.height, boxes=boxes, crop_base64=crop_jpeg,
            crop=region,
        )  # fmt: skip
        kept.append(item)
    return kept
