"""Image-level judgement through the candidate generator and a verifier: an image has a phone when its
surest candidate scores at or above the operating point; the point is chosen on validation images only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from interview_integrity.evaluation.stats import Proportion
from interview_integrity.training.verifier.proposals import Proposals
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.phone.candidates import CAP, propose
from interview_integrity.vision.phone.crop import SIZE, crops


def candidate_crops(image: Image, proposals: Proposals, cap: int = CAP, size: int = SIZE) -> Array:
    height, width = image.bgr.shape[:2]
    found = propose(proposals.objects, proposals.hands(), proposals.faces, width, height, cap=cap)
    return crops(image.bgr, found, size)


def best_scores(score: Callable[[Array], Array], crop_sets: Sequence[Array], batch: int = 256) -> Array:
    """Each image's surest candidate score (0 for an image without candidates), scoring crops in batches."""
    flat = [c for crop_set in crop_sets for c in crop_set]
    owners = np.repeat(np.arange(len(crop_sets)), [len(c) for c in crop_sets])
    parts = [score(np.stack(flat[i : i + batch])) for i in range(0, len(flat), batch)]
    scores = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    best = np.zeros(len(crop_sets), np.float32)
    np.maximum.at(best, owners, scores.astype(np.float32))
    return best


def operating_point(positives: Array, negatives: Array, max_false_alarm_rate: float) -> float:
    """The lowest score whose false alarms on `negatives` stay within the bound: the most recall it allows."""
    allowed = int(np.floor(max_false_alarm_rate * len(negatives)))
    for point in sorted({round(float(s), 4) for s in [*positives, *negatives]} | {0.5, 0.99}):
        if int((negatives >= point).sum()) <= allowed:
            return point
    return 0.99


def rate(scores: Array, point: float) -> Proportion:
    return Proportion(int((scores >= point).sum()), len(scores))
