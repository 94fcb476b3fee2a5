"""The second look in one call: a frame's phone candidates, verified; only the verified are phones.

A detector that sees a 300x300 copy of the frame cannot tell a phone from a hand, a pen or a bottle at 20 px
(issue 27). On every frame with object detection the analyzer hands this module the detectors' `cell phone`
boxes at a low floor, their phones at their own bars and the frame's faces; the candidates (candidates.py: the
floor boxes, and, when configured, the regions around hands and beside ears) are cropped from the ORIGINAL
frame with context and verified in one batch (verifier.py). What comes back replaces the detectors' phones.

Two points, chosen on the valid splits through the service's own analyzer (docs/MODELS.md, "The second look"):
- `BACKED`: a candidate a detector also reported at its own bar is a phone when the verifier finds it more
  likely than not. Every such candidate on a phone-free valid image scored 0.09 or less, so any point from 0.1
  to 0.5 had no false alarm there; 0.5 keeps the margin and a meaning.
- `ALONE`: a candidate no detector vouches for (a weak box, a hand) must be as sure as one sighting must be to
  make a phone event high (the policy's `phone_sure`, 0.97). The surest phone-free valid candidate scored 0.92:
  a lower point would sit on the edge of what valid could tell apart, and the dev portraits and book (0.93-0.97)
  showed how the verifier scores what it never saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.hands.palm import Palm, PalmDetector
from interview_integrity.vision.hands.regions import HandRegion, hand_region
from interview_integrity.vision.objects import touches_border
from interview_integrity.vision.phone.candidates import CAP, FLOOR, PHONE_LABEL, Candidate, propose
from interview_integrity.vision.phone.verifier import Verifier
from interview_integrity.vision.settings import ObjectThresholds
from interview_integrity.vision.signals import Box, DetectedObject

BACKED = 0.5
ALONE = 0.97

# the detectors' bars for the candidates: every phone box at the floor, none dropped for touching the border
# (the verifier was trained on exactly these proposals, training/verifier/proposals.py)
FLOOR_BARS = ObjectThresholds(cell_phone=FLOOR, partial_penalty=0.0)
_SAME_PHONE_IOU = 0.3
_BACKED_IOU = 0.5
# the parts of a laptop, keyboard or screen look like phones to a crop that sees only them (a touchpad, a key
# block, a dark window): the multi-class detectors were taught those objects, the verifier was not
DEVICES = frozenset({"laptop", "keyboard", "tv"})
_INSIDE = 0.8


@dataclass(frozen=True)
class Verified:
    candidate: Candidate
    score: float  # the verifier's: how surely the crop holds a phone, 0-1
    backed: bool = False  # a detector reported a phone here at its own bar
    on_device: bool = False  # it lies in a laptop, keyboard or screen a detector reported at its bar

    @property
    def is_phone(self) -> bool:
        if self.backed:
            return self.score >= BACKED
        return not self.on_device and self.score >= ALONE


def _scaled_box(box: Box, factor: float) -> Box:
    return Box(x=box.x * factor, y=box.y * factor, width=box.width * factor, height=box.height * factor)


def _scaled_palm(palm: Palm, factor: float) -> Palm:
    box = _scaled_box(Box(x=palm.x, y=palm.y, width=palm.width, height=palm.height), factor)
    return Palm(box.x, box.y, box.width, box.height, palm.score, palm.keypoints * factor)


def _inside(inner: Box, outer: Box) -> float:
    """The share of `inner`'s area inside `outer`."""
    ix = max(0.0, min(inner.x + inner.width, outer.x + outer.width) - max(inner.x, outer.x))
    iy = max(0.0, min(inner.y + inner.height, outer.y + outer.height) - max(inner.y, outer.y))
    area = inner.width * inner.height
    return ix * iy / area if area > 0 else 0.0


def _tightest(candidate: Candidate, floor: Sequence[DetectedObject]) -> Box:
    """Where to show a verified phone: a hand's or an ear's region holds the phone somewhere in it; when a
    detector's phone box at the floor lies in that region, the surest such box shows the phone itself."""
    if candidate.kind == "detector":
        return candidate.box
    inside = [o for o in floor if _inside(o.box, candidate.box) >= _INSIDE]
    return max(inside, key=lambda o: o.confidence).box if inside else candidate.box


class SecondLook:
    """Not thread-safe (one onnxruntime session, one LiteRT interpreter): one per model set."""

    def __init__(
        self, verifier: Verifier | None = None, *, hands: bool = True, ears: bool = True, cap: int = CAP
    ) -> None:
        """`hands`, `ears`: whether the regions around hands and beside ears are candidates too."""
        self._verifier = verifier or Verifier.packaged()
        self._palms = PalmDetector() if hands else None
        self._ears = ears
        self._cap = cap

    def hands(self, rgb: Array, factor: float = 1.0) -> list[HandRegion]:
        """The hand regions of the analysed RGB frame, in original pixels (`factor`: original / analysed); none
        when hands are not candidates."""
        if self._palms is None:
            return []
        return [hand_region(_scaled_palm(palm, factor)) for palm in self._palms.detect(rgb)]

    def look(
        self, bgr: Array, objects: Sequence[DetectedObject], faces: Sequence[Box], hands: Sequence[HandRegion] = ()
    ) -> list[Verified]:
        """Every candidate of the ORIGINAL frame `bgr` (boxes in its pixels), verified in one batch."""
        height, width = bgr.shape[:2]
        candidates = propose(objects, hands, faces if self._ears else (), width, height, cap=self._cap)
        scores = self._verifier.verify(bgr, candidates)
        return [Verified(c, s) for c, s in zip(candidates, scores, strict=True)]

    def phones(
        self,
        original: Array,
        rgb: Array,
        factor: float,
        floor: Sequence[DetectedObject],
        faces: Sequence[Box],
        reported: Sequence[DetectedObject] = (),
    ) -> list[DetectedObject]:
        """The frame's phones: `floor` (the detectors' phone boxes at the floor), `reported` (their phones at
        their own bars) and `faces` in the pixels of the analysed frame `rgb`, which is `original` shrunk by
        `factor`; the phones come back in those pixels, surest first, one per place."""
        up = [o.model_copy(update={"box": _scaled_box(o.box, factor)}) for o in floor if o.label == PHONE_LABEL]
        bars = [_scaled_box(o.box, factor) for o in reported if o.label == PHONE_LABEL]
        devices = [_scaled_box(o.box, factor) for o in reported if o.label in DEVICES]
        looked = self.look(original, up, [_scaled_box(f, factor) for f in faces], self.hands(rgb, factor))
        found = [
            Verified(
                v.candidate,
                v.score,
                backed=any(v.candidate.box.iou(b) >= _BACKED_IOU for b in bars),
                on_device=any(_inside(v.candidate.box, d) >= _INSIDE for d in devices),
            )
            for v in looked
        ]
        height, width = original.shape[:2]
        kept: list[Verified] = []
        for verified in sorted((v for v in found if v.is_phone), key=lambda v: -v.score):
            if all(verified.candidate.box.iou(k.candidate.box) < _SAME_PHONE_IOU for k in kept):
                kept.append(verified)
        return [
            DetectedObject(
                label=PHONE_LABEL,
                confidence=round(v.score, 4),
                box=_scaled_box(_tightest(v.candidate, up), 1 / factor),
                partial=touches_border(v.candidate.box, width, height),
                source=v.candidate.source if v.candidate.kind == "detector" else v.candidate.kind,
                second_look=round(v.score, 4),
            )
            for v in kept
        ]
