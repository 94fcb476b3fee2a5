"""What each anchor should say for an image, and how wrong the network was: SSD matching, focal loss.

Anchors and the box coder are the COCO model's (TF object detection API: scales 10, 10, 5, 5), so the
trained network is decoded by the same code as the COCO one. An anchor is a phone when it overlaps a
phone box by IoU >= 0.5 (and every box gets its best anchor), background below 0.4, and ignored between,
or where it overlaps a box that the crop cut to less than half.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional

from interview_integrity.vision.arrays import Array

POSITIVE_IOU, NEGATIVE_IOU, IGNORED_OVERLAP = 0.5, 0.4, 0.3
SCALE_XY, SCALE_WH = 10.0, 5.0


def iou(a: Array, b: Array) -> Array:
    """IoU of every box in `a` (N, 4) with every box in `b` (M, 4), both (ymin, xmin, ymax, xmax)."""
    top = np.maximum(a[:, None, 0], b[None, :, 0])
    left = np.maximum(a[:, None, 1], b[None, :, 1])
    bottom = np.minimum(a[:, None, 2], b[None, :, 2])
    right = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(bottom - top, 0, None) * np.clip(right - left, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    result: Array = inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)
    return result


def encode(boxes: Array, anchors: Array) -> Array:
    """Box encodings (ty, tx, th, tw) of `boxes` against their `anchors`, both corner form."""
    ah, aw = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ay, ax = anchors[:, 0] + ah / 2, anchors[:, 1] + aw / 2
    bh = np.maximum(boxes[:, 2] - boxes[:, 0], 1e-4)
    bw = np.maximum(boxes[:, 3] - boxes[:, 1], 1e-4)
    by, bx = boxes[:, 0] + bh / 2, boxes[:, 1] + bw / 2
    encoded: Array = np.stack(
        [(by - ay) / ah * SCALE_XY, (bx - ax) / aw * SCALE_XY, np.log(bh / ah) * SCALE_WH, np.log(bw / aw) * SCALE_WH],
        axis=1,
    )
    return encoded.astype(np.float32)


def decode(encodings: Array, anchors: Array) -> Array:
    """Corner-form boxes from encodings against corner-form anchors (the inverse of `encode`)."""
    ah, aw = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    ay, ax = anchors[:, 0] + ah / 2, anchors[:, 1] + aw / 2
    yc = encodings[:, 0] / SCALE_XY * ah + ay
    xc = encodings[:, 1] / SCALE_XY * aw + ax
    h = np.exp(encodings[:, 2] / SCALE_WH) * ah
    w = np.exp(encodings[:, 3] / SCALE_WH) * aw
    decoded: Array = np.stack([yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2], axis=1)
    return decoded


def match(anchors: Array, boxes: Array, ignored: Array) -> tuple[Array, Array]:
    """(labels per anchor: 1 phone, 0 background, -1 ignored; box encodings for the phone anchors)."""
    labels = np.zeros(len(anchors), np.int64)
    targets = np.zeros((len(anchors), 4), np.float32)
    if len(ignored):
        labels[iou(anchors, ignored).max(axis=1) >= IGNORED_OVERLAP] = -1
    if not len(boxes):
        return labels, targets
    overlaps = iou(anchors, boxes)
    best_box = overlaps.argmax(axis=1)
    best = overlaps.max(axis=1)
    labels[(best >= NEGATIVE_IOU) & (best < POSITIVE_IOU)] = -1
    positive = best >= POSITIVE_IOU
    for index in range(len(boxes)):  # every phone gets at least its best anchor
        anchor = int(overlaps[:, index].argmax())
        if overlaps[anchor, index] > 0.1:
            positive[anchor], best_box[anchor] = True, index
    labels[positive] = 1
    targets[positive] = encode(boxes[best_box[positive]], anchors[positive])
    return labels, targets


def loss(
    encodings: torch.Tensor, logits: torch.Tensor, labels: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(classification, box) losses for a batch, each normalised by its number of phone anchors.

    Focal loss (alpha 0.25, gamma 2) over every anchor that is not ignored: the thousands of easy
    background anchors cost almost nothing, the hard ones (a hand, a dark rectangle) count."""
    positives = labels == 1
    count = positives.sum().clamp(min=1).float()
    valid = labels >= 0
    target = positives.float()
    probability = logits.sigmoid()
    cross_entropy = functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
    p_t = probability * target + (1 - probability) * (1 - target)
    alpha = 0.25 * target + 0.75 * (1 - target)
    focal = (alpha * (1 - p_t) ** 2 * cross_entropy)[valid].sum() / count
    box = functional.smooth_l1_loss(encodings[positives], targets[positives], reduction="sum", beta=1.0) / count
    return focal, box
