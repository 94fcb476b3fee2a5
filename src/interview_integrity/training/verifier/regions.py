"""The labelled regions the verifier learns from: which crops hold a phone, which hold none, which neither.

A region is judged by the square crop the verifier would see (vision/phone/crop.py). It holds a phone when a
labelled phone box lies mostly inside the crop (`INSIDE` of its area) and is not tiny in it (its longer side at
least `MIN_SHARE` of the crop's side); it holds none when no phone box overlaps it more than `OUTSIDE`; any
other region is left out, neither taught as a phone nor as background.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interview_integrity.training.verifier.proposals import Proposals
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.phone.candidates import Candidate, Kind, propose
from interview_integrity.vision.phone.crop import CONTEXT, square
from interview_integrity.vision.signals import Box

INSIDE, OUTSIDE, MIN_SHARE = 0.6, 0.1, 0.12
# in phone_using, a detector box this sure that touches no labelled phone is most likely a phone the labels
# miss: regions holding one are not taught as background
UNLABELED_PHONE_SCORE = 0.5


@dataclass(frozen=True)
class Region:
    image: int  # index into the image list it was made from
    box: Box  # frame px
    kind: Kind
    label: int  # 1 phone, 0 no phone
    jitter: bool  # drawn anew around `box` each epoch (labelled boxes), else taken as proposed


def _shares(x0: float, y0: float, side: float, boxes: Array) -> tuple[Array, Array]:
    """(each box's share of its area inside the square, its longer side over the square's side)."""
    if not len(boxes):
        return np.zeros(0), np.zeros(0)
    ix = np.clip(np.minimum(x0 + side, boxes[:, 2]) - np.maximum(x0, boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(y0 + side, boxes[:, 3]) - np.maximum(y0, boxes[:, 1]), 0, None)
    sizes = boxes[:, 2:] - boxes[:, :2]
    inside: Array = ix * iy / np.maximum(sizes[:, 0] * sizes[:, 1], 1e-6)
    share: Array = sizes.max(axis=1) / side
    return inside, share


def label(box: Box, kind: Kind, phones: Array, width: int, height: int) -> int | None:
    """1, 0 or None (left out) for the crop of a region in a frame of `width` x `height`, by the rule in the
    module's docstring."""
    x0, y0, side = square(box, CONTEXT[kind], width, height)
    inside, share = _shares(x0, y0, side, phones)
    if ((inside >= INSIDE) & (share >= MIN_SHARE)).any():
        return 1
    if not len(inside) or inside.max() <= OUTSIDE:
        return 0
    return None


def _pixels(box: Box) -> Array:
    return np.array([[box.x, box.y, box.x + box.width, box.y + box.height]], np.float32)


def _touching(box: Array, boxes: Array) -> bool:
    overlap_x = np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0])
    overlap_y = np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1])
    return bool(((overlap_x > 0) & (overlap_y > 0)).any())


def likely_unlabeled(proposals: Proposals, phones: Array) -> Array:
    """Detector boxes sure enough to be phones that touch no labelled phone, as (x0, y0, x1, y1)."""
    found = [
        box
        for box in (_pixels(o.box)[0] for o in proposals.objects if o.confidence >= UNLABELED_PHONE_SCORE)
        if not len(phones) or not _touching(box, phones)
    ]
    return np.array(found, np.float32).reshape(-1, 4)


def proposed(index: int, image: Image, proposals: Proposals, cap: int, screen: bool) -> list[Region]:
    """The labelled regions the candidate generator proposes on an image (up to `cap`). With `screen`, a
    phone-free region holding a likely unlabeled phone is left out."""
    height, width = image.bgr.shape[:2]
    suspects = likely_unlabeled(proposals, image.phones) if screen else np.zeros((0, 4), np.float32)
    found: Sequence[Candidate] = propose(proposals.objects, proposals.hands(), proposals.faces, width, height, cap=cap)
    regions = []
    for candidate in found:
        verdict = label(candidate.box, candidate.kind, image.phones, width, height)
        if verdict == 0 and len(suspects) and label(candidate.box, candidate.kind, suspects, width, height) != 0:
            continue
        if verdict is not None:
            regions.append(Region(index, candidate.box, candidate.kind, verdict, jitter=False))
    return regions


def labelled(index: int, image: Image) -> list[Region]:
    """Each labelled box as a detector-like region: the phones as phones, the other objects (hands, letters,
    earbud cases) as look-alikes; drawn anew around the box each epoch."""
    height, width = image.bgr.shape[:2]
    regions = []
    for boxes, verdict in ((image.phones, 1), (image.objects, 0)):
        for x0, y0, x1, y1 in boxes:
            box = Box(x=float(x0), y=float(y0), width=float(x1 - x0), height=float(y1 - y0))
            if verdict == 0 and label(box, "detector", image.phones, width, height) != 0:
                continue
            regions.append(Region(index, box, "detector", verdict, jitter=True))
    return regions
