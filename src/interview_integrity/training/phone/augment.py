"""Webcam-like variations of a training image, drawn from a seeded generator.

Interviews see phones far and near, cut by the frame's border, in poor light, blurred and through heavy
JPEG. Each training image is therefore, at random: shrunk onto a background from the negatives (a phone
across the room), cropped (possibly through a phone: a box less than half in view is ignored rather than
called background, as are the likely phones that the labels miss), mirrored, stretched to the detector's
square input the way the service stretches a 4:3 frame, and altered in light, colour, noise, blur,
resolution and JPEG quality. With `covered` (0 by default), a share of the images first get a cover
(`cover.py`): part of a phone hidden, as by a hand.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.training.phone.cover import anywhere, cover
from interview_integrity.training.phone.data import KEEP_VISIBLE, Sample
from interview_integrity.vision.arrays import Array

SIZE = 300


def augment(
    sample: Sample, rng: np.random.Generator, backgrounds: list[Sample], covered: float = 0.0
) -> tuple[Array, Array, Array]:
    """(300x300 RGB image, phone boxes, ignored boxes); boxes normalised (ymin, xmin, ymax, xmax)."""
    image, boxes, ignore = sample.image, sample.boxes.copy(), sample.ignored.copy()
    if covered and rng.random() < covered:
        if len(boxes):
            image, boxes, ignore = cover(image, boxes, ignore, backgrounds, rng)
        else:  # the same covers on phone-free images, so that a cover is not itself the sign of a phone
            image = cover(image, anywhere(rng), ignore, backgrounds, rng)[0]
    if backgrounds and rng.random() < 0.35:
        background = backgrounds[int(rng.integers(len(backgrounds)))].image
        image, (boxes, ignore) = _zoom_out(image, [boxes, ignore], background, rng)
    if rng.random() < 0.7:
        image, boxes, ignore = _crop(image, boxes, ignore, rng)
    if rng.random() < 0.5:
        image = image[:, ::-1]
        boxes, ignore = _mirrored(boxes), _mirrored(ignore)
    interpolation = cv2.INTER_AREA if rng.random() < 0.5 else cv2.INTER_LINEAR
    image = cv2.resize(np.ascontiguousarray(image), (SIZE, SIZE), interpolation=interpolation)
    if not sample.has_phone and rng.random() < 0.3:
        image = _pen(image, rng)
    return _photometric(image, rng), boxes.astype(np.float32), ignore.astype(np.float32)


def _mirrored(boxes: Array) -> Array:
    flipped: Array = boxes[:, [0, 3, 2, 1]] * [1, -1, 1, -1] + [0, 1, 0, 1]
    return flipped


def _pen(image: Array, rng: np.random.Generator) -> Array:
    """A pen or pencil drawn across a phone-free image: honest candidates hold pens to their mouths, and a
    thin dark stick must not read as a phone (the COCO detectors' worst false alarm on honest clips)."""
    out = image.copy()
    length, thickness = rng.uniform(0.15, 0.45) * SIZE, rng.uniform(0.012, 0.035) * SIZE
    centre = rng.uniform(0.25, 0.75, 2) * SIZE
    angle = rng.uniform(0, np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)]) * length / 2
    start, end = (centre - direction).astype(int), (centre + direction).astype(int)
    colour = [int(c) for c in (rng.uniform(0, 60, 3) if rng.random() < 0.6 else rng.uniform(0, 255, 3))]
    cv2.line(out, tuple(start), tuple(end), colour, max(2, int(thickness)), cv2.LINE_AA)
    shine = [min(255, c + 90) for c in colour]
    cv2.line(out, tuple(start), tuple(end), shine, max(1, int(thickness / 4)), cv2.LINE_AA)
    return out


def _zoom_out(
    image: Array, box_sets: list[Array], background: Array, rng: np.random.Generator
) -> tuple[Array, list[Array]]:
    height, width = image.shape[:2]
    scale = rng.uniform(1.3, 3.2)
    canvas_h, canvas_w = int(height * scale), int(width * scale * rng.uniform(0.8, 1.25))
    canvas = cv2.resize(background, (canvas_w, canvas_h), interpolation=cv2.INTER_LINEAR)
    top, left = int(rng.integers(0, canvas_h - height + 1)), int(rng.integers(0, max(1, canvas_w - width + 1)))
    width = min(width, canvas_w - left)
    canvas[top : top + height, left : left + width] = image[:, :width]
    shift = np.array([top / canvas_h, left / canvas_w, top / canvas_h, left / canvas_w], np.float32)
    factor = np.array([height / canvas_h, image.shape[1] / canvas_w] * 2, np.float32)
    return canvas, [np.clip(boxes * factor + shift, 0, 1) for boxes in box_sets]


def _crop(image: Array, boxes: Array, ignore: Array, rng: np.random.Generator) -> tuple[Array, Array, Array]:
    height, width = image.shape[:2]
    h = rng.uniform(0.45, 1.0)
    w = float(np.clip(h * rng.uniform(0.6, 1.6), 0.3, 1.0))
    y, x = rng.uniform(0, 1 - h), rng.uniform(0, 1 - w)
    window = np.array([y, x, y + h, x + w], np.float32)

    def inside(found: Array) -> tuple[Array, Array]:
        """(boxes relative to the window, the share of each box still in view)."""
        clipped = np.concatenate([np.maximum(found[:, :2], window[:2]), np.minimum(found[:, 2:], window[2:])], axis=1)
        area = (found[:, 2] - found[:, 0]) * (found[:, 3] - found[:, 1])
        seen = np.clip(clipped[:, 2] - clipped[:, 0], 0, None) * np.clip(clipped[:, 3] - clipped[:, 1], 0, None)
        return (clipped - [y, x, y, x]) / np.array([h, w, h, w], np.float32), seen / np.maximum(area, 1e-9)

    relative, visible = inside(boxes)
    others, others_visible = inside(ignore)
    y0, x0 = int(y * height), int(x * width)
    y1, x1 = max(y0 + 2, int((y + h) * height)), max(x0 + 2, int((x + w) * width))
    kept = relative[visible >= KEEP_VISIBLE]
    ignored = np.concatenate([relative[(visible > 0) & (visible < KEEP_VISIBLE)], others[others_visible > 0]])
    return image[y0:y1, x0:x1], kept, ignored


def _photometric(image: Array, rng: np.random.Generator) -> Array:
    out = image.astype(np.float32)
    if rng.random() < 0.8:
        out = out * rng.uniform(0.6, 1.4) + rng.uniform(-40, 40)
    if rng.random() < 0.5:
        grey = out.mean(axis=2, keepdims=True)
        out = grey + (out - grey) * rng.uniform(0.3, 1.6)
    if rng.random() < 0.15:  # a dim room: darker, with the sensor noise that comes with it
        out = 255 * (np.clip(out, 0, 255) / 255) ** rng.uniform(1.5, 3.0) * rng.uniform(0.4, 0.9)
        out = out + rng.normal(0, rng.uniform(3, 12), out.shape)
    elif rng.random() < 0.2:
        out = out + rng.normal(0, rng.uniform(2, 9), out.shape)
    if rng.random() < 0.05:
        out = np.repeat(out.mean(axis=2, keepdims=True), 3, axis=2)
    result: Array = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        result = cv2.GaussianBlur(result, (0, 0), rng.uniform(0.5, 1.8))
    elif rng.random() < 0.1:
        size = int(rng.integers(3, 10))
        kernel = np.zeros((size, size), np.float32)
        kernel[size // 2] = 1.0 / size
        rotation = cv2.getRotationMatrix2D((size / 2 - 0.5, size / 2 - 0.5), rng.uniform(0, 180), 1.0)
        result = cv2.filter2D(result, -1, cv2.warpAffine(kernel, rotation, (size, size)))
    if rng.random() < 0.2:
        factor = rng.uniform(0.3, 0.7)
        small = cv2.resize(result, (int(SIZE * factor), int(SIZE * factor)), interpolation=cv2.INTER_AREA)
        result = cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.4:
        ok, encoded = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(15, 76))])
        if ok:
            result = cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED)
    return result


def to_input(image: Array) -> Array:
    """A 300x300 RGB image as the network's input: CHW float in [-1, 1]."""
    return (image.astype(np.float32) * (2.0 / 255.0) - 1.0).transpose(2, 0, 1)


def resize_for_network(image: Array) -> Array:
    """How the service feeds a frame: stretched to 300x300, linear interpolation."""
    return cv2.resize(image, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR)
