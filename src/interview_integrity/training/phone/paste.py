"""Phones pasted beside webcam faces: `train-phone --pasted-per-epoch N`, off by default (it measured no better,
docs/MODELS.md).

Half of phone_using's test split is webcam series of phones held at the ear (cell01, 02, 05); the training
split has none (its one such series, cell03, is a phone lying on a bedspread). So each epoch some phone-free
webcam frames (the honest frames and the portraits) get a phone cut out of a training image, with a margin so
that the fingers around it come along, pasted at the face: beside the ear, before the mouth or below the chin,
sized after the face, with a feathered edge. Phone-free patches of the same images are pasted the same way,
into these frames and alone into others, so that a pasted patch is not itself the sign of a phone.

The face boxes come from the service's own BlazeFace, found once on each background.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from interview_integrity.training.phone.data import Sample, random_box
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.blazeface import FULL_RANGE, BlazeFace

MIN_CUTOUT_SIDE = 24  # px in the source image: smaller phones are mostly blur once scaled to a face
_MARGIN = (0.04, 0.18)  # of the phone's size on each side: the hand holding it
_PHONE_TO_FACE = (0.5, 0.95)  # the phone's longer side against the face's height
_FEATHER = 0.08  # of the patch's shorter side: the soft edge that hides the seam
_DISTRACTOR_ONLY = 0.35  # composites that get a phone-free patch and no phone
_FACE_MIN_SCORE = 0.6


@dataclass(frozen=True)
class Cutout:
    """A phone with its surroundings: the patch (RGB) and the phone's box inside it (relative)."""

    patch: Array
    box: Array


@dataclass(frozen=True)
class Backdrop:
    """A phone-free frame and its largest face (ymin, xmin, ymax, xmax, relative)."""

    sample: Sample
    face: Array


def backdrops(samples: list[Sample]) -> list[Backdrop]:
    """The samples in which BlazeFace finds a face, each with its largest face."""
    detector = BlazeFace(FULL_RANGE, _FACE_MIN_SCORE)
    found = []
    for sample in samples:
        faces = detector.detect(sample.image)
        if faces:
            face = max(faces, key=lambda f: f.width * f.height)
            box = np.array([face.ymin, face.xmin, face.ymin + face.height, face.xmin + face.width], np.float32)
            found.append(Backdrop(sample, np.clip(box, 0, 1)))
    return found


def cutouts(samples: list[Sample], rng: np.random.Generator) -> list[Cutout]:
    """Every labelled phone of at least MIN_CUTOUT_SIDE px, with a random margin, clipped to its image."""
    found = []
    for sample in samples:
        height, width = sample.image.shape[:2]
        for box in sample.boxes:
            y0, x0, y1, x1 = box * [height, width, height, width]
            if min(y1 - y0, x1 - x0) < MIN_CUTOUT_SIDE:
                continue
            my, mx = (y1 - y0) * rng.uniform(*_MARGIN), (x1 - x0) * rng.uniform(*_MARGIN)
            top, left = max(0, int(y0 - my)), max(0, int(x0 - mx))
            bottom, right = min(height, int(np.ceil(y1 + my))), min(width, int(np.ceil(x1 + mx)))
            patch = sample.image[top:bottom, left:right]
            ph, pw = patch.shape[:2]
            inner = np.array([(y0 - top) / ph, (x0 - left) / pw, (y1 - top) / ph, (x1 - left) / pw], np.float32)
            found.append(Cutout(patch.copy(), np.clip(inner, 0, 1)))
    return found


class Composites:
    """Each epoch, `per_epoch` backdrops with a pasted phone (and, at random, a phone-free patch too) or with
    a phone-free patch alone."""

    def __init__(self, backdrops: list[Backdrop], phones: list[Cutout], free: list[Sample], per_epoch: int) -> None:
        self.backdrops, self.phones, self.free, self.per_epoch = backdrops, phones, free, per_epoch

    def epoch(self, rng: np.random.Generator) -> list[Sample]:
        if not (self.per_epoch and self.backdrops and self.phones and self.free):
            return []
        return [self._one(index, rng) for index in range(self.per_epoch)]

    def _one(self, index: int, rng: np.random.Generator) -> Sample:
        backdrop = self.backdrops[int(rng.integers(len(self.backdrops)))]
        image = backdrop.sample.image.copy()
        boxes = []
        if rng.random() >= _DISTRACTOR_ONLY:
            phone = self.phones[int(rng.integers(len(self.phones)))]
            boxes.append(paste(image, phone, backdrop.face, rng))
        if not boxes or rng.random() < 0.5:
            free = self.free[int(rng.integers(len(self.free)))].image
            phone_sized = random_box(rng, (0.4, 0.8), (0.3, 0.6))  # so that it is scaled as a phone would be
            paste(image, Cutout(free, phone_sized), backdrop.face, rng)
        name = f"{backdrop.sample.name}+{'phone' if boxes else 'patch'}{index}"
        return Sample(name, image, np.array(boxes, np.float32).reshape(-1, 4))


def paste(image: Array, cutout: Cutout, face: Array, rng: np.random.Generator) -> Array:
    """Paste `cutout` into `image` (in place) near `face`; returns the pasted phone's box (relative)."""
    height, width = image.shape[:2]
    face_h = (face[2] - face[0]) * height
    face_w = (face[3] - face[1]) * width
    ph, pw = cutout.patch.shape[:2]
    inner_h = (cutout.box[2] - cutout.box[0]) * ph
    inner_w = (cutout.box[3] - cutout.box[1]) * pw
    scale = face_h * rng.uniform(*_PHONE_TO_FACE) / max(inner_h, inner_w, 1.0)
    scale = min(scale, 0.9 * height / ph, 0.9 * width / pw)
    new_h, new_w = max(4, round(ph * scale)), max(4, round(pw * scale))
    patch = cv2.resize(cutout.patch, (new_w, new_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    centre_y, centre_x = _spot(face, face_h / height, face_w / width, rng)
    cy, cx = centre_y * height, centre_x * width
    inner_cy = (cutout.box[0] + cutout.box[2]) / 2 * new_h
    inner_cx = (cutout.box[1] + cutout.box[3]) / 2 * new_w
    top = int(np.clip(cy - inner_cy, 0, height - new_h))
    left = int(np.clip(cx - inner_cx, 0, width - new_w))
    alpha = _feathered(new_h, new_w)
    region = image[top : top + new_h, left : left + new_w].astype(np.float32)
    image[top : top + new_h, left : left + new_w] = (alpha * patch + (1 - alpha) * region).astype(np.uint8)
    box: Array = (cutout.box * [new_h, new_w, new_h, new_w] + [top, left, top, left]) / [height, width, height, width]
    return np.clip(box, 0, 1).astype(np.float32)


def _spot(face: Array, face_h: float, face_w: float, rng: np.random.Generator) -> tuple[float, float]:
    """Where a phone is held, relative to the frame: at an ear, before the mouth, or low below the chin."""
    middle_y, middle_x = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    where = rng.random()
    if where < 0.5:
        side = 1 if rng.random() < 0.5 else -1
        return middle_y + face_h * rng.uniform(-0.2, 0.35), middle_x + side * face_w * rng.uniform(0.45, 0.75)
    if where < 0.75:
        return face[2] - face_h * rng.uniform(0.0, 0.3), middle_x + face_w * rng.uniform(-0.3, 0.3)
    return face[2] + face_h * rng.uniform(0.3, 1.2), middle_x + face_w * rng.uniform(-0.8, 0.8)


def _feathered(height: int, width: int) -> Array:
    """An alpha mask, 1 inside and falling to 0 at the edges over _FEATHER of the shorter side."""
    edge = max(1.0, _FEATHER * min(height, width))
    ys = np.minimum(np.arange(height) + 0.5, height - np.arange(height) - 0.5) / edge
    xs = np.minimum(np.arange(width) + 0.5, width - np.arange(width) - 0.5) / edge
    mask: Array = np.clip(np.minimum(ys[:, None], xs[None, :]), 0, 1)[:, :, None].astype(np.float32)
    return mask
