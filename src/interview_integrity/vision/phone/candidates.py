"""Where to look twice for a phone: the candidate regions of one frame, in the original frame's pixels.

Three kinds:
- `detector`: every phone box any object detector proposed at a low floor (`DetectedObject`s of label
  `cell phone`, before the per-class thresholds), surest first;
- `hand`: the region of each hand (the palm detector's hand square, vision/hands/regions.py), surest first;
- `ear`: the region beside each ear of each face, largest face first: where a phone is held to the head.
The surest `DETECTORS_FIRST` detector boxes come first, then `HANDS_FIRST` hands, then the ears of the largest
face, then the rest in the same order, so that many weak detector boxes cannot crowd out the hands and ears.
A region that repeats one already kept (IoU >= 0.6) is dropped, and a frame gets at most `cap` regions (the
floor, the quotas and the cap are measured in docs/MODELS.md, "The second look"). Pure: no model runs here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from interview_integrity.vision.hands.regions import HandRegion
from interview_integrity.vision.signals import Box, DetectedObject

Kind = Literal["detector", "hand", "ear"]
PHONE_LABEL = "cell phone"
FLOOR = 0.05
CAP = 8
DETECTORS_FIRST, HANDS_FIRST = 3, 2
MIN_SIDE_PX = 12.0
MIN_VISIBLE = 1 / 3  # a region mostly outside the frame (an ear beyond its edge) is not looked at
_SAME_REGION_IOU = 0.6
# Beside the ear: a square of EAR_SIDE face heights, its centre EAR_OUT face widths outside the face box's
# side and EAR_DOWN face heights below the box's middle (the ear's lobe, and a phone held there, sit lower
# than the eyes the box is centred on).
EAR_SIDE, EAR_OUT, EAR_DOWN = 1.0, 0.05, 0.15


@dataclass(frozen=True)
class Candidate:
    """A region to verify: `box` in original frame px, what proposed it, and its proposer's score."""

    box: Box
    kind: Kind
    source: str
    score: float


def ear_regions(face: Box) -> tuple[Box, Box]:
    """The regions beside the image-left and the image-right ear of a face box."""
    side = EAR_SIDE * face.height
    cy = face.y + face.height * (0.5 + EAR_DOWN)
    left_cx = face.x - EAR_OUT * face.width
    right_cx = face.x + face.width * (1 + EAR_OUT)
    return (
        Box(x=left_cx - side / 2, y=cy - side / 2, width=side, height=side),
        Box(x=right_cx - side / 2, y=cy - side / 2, width=side, height=side),
    )


def clipped(box: Box, width: int, height: int) -> Box | None:
    """The part of a box inside the frame, or None when too little of it is."""
    x0, y0 = max(0.0, box.x), max(0.0, box.y)
    x1, y1 = min(float(width), box.x + box.width), min(float(height), box.y + box.height)
    if x1 - x0 < MIN_SIDE_PX or y1 - y0 < MIN_SIDE_PX:
        return None
    if (x1 - x0) * (y1 - y0) < MIN_VISIBLE * box.width * box.height:
        return None
    return Box(x=x0, y=y0, width=x1 - x0, height=y1 - y0)


def propose(
    objects: Sequence[DetectedObject],
    hands: Sequence[HandRegion],
    faces: Sequence[Box],
    width: int,
    height: int,
    *,
    floor: float = FLOOR,
    cap: int = CAP,
) -> list[Candidate]:
    """The frame's candidates, at most `cap`, in priority order (see the module's docstring)."""
    detected = [
        Candidate(o.box, "detector", o.source, o.confidence)
        for o in sorted(objects, key=lambda o: -o.confidence)
        if o.label == PHONE_LABEL and o.confidence >= floor
    ]
    palms = [Candidate(h.bounds(), "hand", "palm", h.score) for h in sorted(hands, key=lambda h: -h.score)]
    ears = [
        [Candidate(left, "ear", "ear-left", 1.0), Candidate(right, "ear", "ear-right", 1.0)]
        for left, right in (ear_regions(f) for f in sorted(faces, key=lambda f: -f.width * f.height))
    ]
    first_ears, other_ears = (ears[0] if ears else []), [c for pair in ears[1:] for c in pair]
    ranked = [
        *detected[:DETECTORS_FIRST],
        *palms[:HANDS_FIRST],
        *first_ears,
        *detected[DETECTORS_FIRST:],
        *palms[HANDS_FIRST:],
        *other_ears,
    ]
    kept: list[Candidate] = []
    for candidate in ranked:
        box = clipped(candidate.box, width, height)
        if box is None or any(box.iou(k.box) >= _SAME_REGION_IOU for k in kept):
            continue
        kept.append(Candidate(box, candidate.kind, candidate.source, candidate.score))
        if len(kept) >= cap:
            break
    return kept
