"""How good a phone detector is: AP50 over boxes, and recall and false alarms of images at a score.

A detection is a box with a score after NMS. AP50 is the area under the precision-recall curve of all
detections of a set (VOC's all-point interpolation), a detection being right when it overlaps a phone
not yet matched by IoU >= 0.5. An image "has a phone" for the service when any detection scores at or
above the operating point; recall is over images with a phone, false alarms over images without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_integrity.evaluation.stats import Proportion
from interview_integrity.training.phone.targets import iou
from interview_integrity.vision.arrays import Array


@dataclass
class ImageDetections:
    boxes: Array  # (N, 4) normalised (ymin, xmin, ymax, xmax), best first
    scores: Array  # (N,)
    truth: Array  # (M, 4) the image's phone boxes

    @property
    def best(self) -> float:
        return float(self.scores.max()) if len(self.scores) else 0.0


def average_precision(images: list[ImageDetections], threshold_iou: float = 0.5) -> float:
    records: list[tuple[float, bool]] = []
    total = sum(len(image.truth) for image in images)
    for image in images:
        matched = np.zeros(len(image.truth), bool)
        overlaps = iou(image.boxes, image.truth) if len(image.boxes) and len(image.truth) else None
        for index in np.argsort(-image.scores):
            hit = False
            if overlaps is not None:
                candidates = np.where(~matched & (overlaps[index] >= threshold_iou))[0]
                if len(candidates):
                    matched[candidates[np.argmax(overlaps[index, candidates])]] = True
                    hit = True
            records.append((float(image.scores[index]), hit))
    if not total:
        return 0.0
    records.sort(key=lambda r: -r[0])
    hits = np.cumsum([hit for _, hit in records], dtype=np.float64)
    precision = hits / np.arange(1, len(records) + 1)
    recall = hits / total
    # all-point interpolation: precision made monotone from the right, integrated over recall
    envelope = np.concatenate([[0.0], precision, [0.0]])
    for i in range(len(envelope) - 2, -1, -1):
        envelope[i] = max(envelope[i], envelope[i + 1])
    steps = np.concatenate([[0.0], recall, [recall[-1] if len(recall) else 0.0]])
    changes = np.where(steps[1:] != steps[:-1])[0]
    return float(np.sum((steps[changes + 1] - steps[changes]) * envelope[changes + 1]))


def box_recall(images: list[ImageDetections], score: float, threshold_iou: float = 0.5) -> Proportion:
    """Phones (boxes) found by a detection at or above `score`."""
    found = total = 0
    for image in images:
        total += len(image.truth)
        kept = image.boxes[image.scores >= score]
        if len(kept) and len(image.truth):
            found += int((iou(image.truth, kept).max(axis=1) >= threshold_iou).sum())
    return Proportion(found, total)


def image_rates(
    positives: list[ImageDetections], negatives: list[ImageDetections], score: float
) -> dict[str, Proportion]:
    return {
        "recall": Proportion(sum(image.best >= score for image in positives), len(positives)),
        "false_alarms": Proportion(sum(image.best >= score for image in negatives), len(negatives)),
    }


def operating_point(
    positives: list[ImageDetections], negatives: list[ImageDetections], max_false_alarm_rate: float
) -> float:
    """The lowest score whose false-alarm rate on `negatives` stays within the bound: the most recall the
    bound allows. Chosen on the validation split only."""
    candidates = sorted({round(image.best, 4) for image in [*positives, *negatives]} | {0.05, 0.99})
    allowed = int(np.floor(max_false_alarm_rate * len(negatives)))
    for score in candidates:
        if sum(image.best >= score for image in negatives) <= allowed:
            return float(score)
    return 0.99
