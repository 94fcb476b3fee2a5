"""The second look: every phone a detector reports is verified at full resolution; only the verified are phones.

A detector that sees a 300x300 copy of the frame cannot tell a phone from a hand, a pen or a bottle at 20 px
(issue 27). On every frame with object detection the analyzer hands this module the phones its detectors
reported at their own bars; each is cropped from the ORIGINAL frame with context and all are verified in one
batch (verifier.py). A phone stays a phone when the verifier scores it at least `POINT`, and carries that
score as its `second_look`; the others are dropped.

Why only the detectors' phones, not weaker boxes, hands or ears as well (docs/MODELS.md, "The second look"):
the verifier alone is not to be trusted where no detector saw a phone. On valid, boxes at a low floor that
it scored 0.97 or more found 27 more of 334 phones with no false alarm, but on the first unseen video with
hands close to the camera (vid_two_faces_books) it scored a pointing hand and a toy 0.99-1.00 on frame after
frame, and a pasted laptop's touchpad 0.98. Our own detector's boxes just under its bar fare no better: kept
at 0.95 they added 19 valid phones, and called a group photo and a person at a laptop phones (0.96, 0.99).

`POINT` was chosen on valid (phone_using valid against hands_no_phone valid and honest valid frames, through
the analyzer): apart from two earbud cases in a hand (0.90, 0.59; no lower point turns them away), every
phone-free box a detector reported there scored 0.09 or less under the verifier. 0.2 keeps valid false alarms
within 1% (2/390) and twice that margin over the rest, because the verifier's scores drift on what it never
saw; it kept 269 of the 279 phones the detectors found on valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.objects import touches_border
from interview_integrity.vision.phone.candidates import CAP, PHONE_LABEL, Candidate, propose
from interview_integrity.vision.phone.verifier import Verifier
from interview_integrity.vision.signals import DetectedObject

POINT = 0.2  # chosen on the valid splits (above)


@dataclass(frozen=True)
class Verified:
    candidate: Candidate
    score: float  # the verifier's: how surely the crop holds a phone, 0-1

    @property
    def is_phone(self) -> bool:
        return self.score >= POINT


class SecondLook:
    """Not thread-safe (one onnxruntime session): one per model set."""

    def __init__(self, verifier: Verifier | None = None, cap: int = CAP) -> None:
        self._verifier = verifier or Verifier.packaged()
        self._cap = cap

    def look(self, bgr: Array, phones: Sequence[DetectedObject]) -> list[Verified]:
        """Each phone box of the ORIGINAL frame `bgr` (in its pixels), surest first, verified in one batch."""
        height, width = bgr.shape[:2]
        candidates = propose(phones, [], [], width, height, cap=self._cap)
        scores = self._verifier.verify(bgr, candidates)
        return [Verified(c, s) for c, s in zip(candidates, scores, strict=True)]

    def phones(self, original: Array, factor: float, reported: Sequence[DetectedObject]) -> list[DetectedObject]:
        """The verified phones among `reported` (boxes in the pixels of the analysed frame, which is `original`
        shrunk by `factor`), in those pixels, surest first."""
        up = [o.model_copy(update={"box": o.box.scaled(factor)}) for o in reported if o.label == PHONE_LABEL]
        found = self.look(original, up)
        height, width = original.shape[:2]
        return [
            DetectedObject(
                label=PHONE_LABEL,
                confidence=round(v.score, 4),
                box=v.candidate.box.scaled(1 / factor),
                partial=touches_border(v.candidate.box, width, height),
                source=v.candidate.source,
                second_look=round(v.score, 4),
            )
            for v in sorted(found, key=lambda v: -v.score)
            if v.is_phone
        ]
