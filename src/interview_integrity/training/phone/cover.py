"""A phone partly hidden from one end, as a hand or an ear hides a phone held to it: `train-phone --covered`.

Off by default: its full run measured worse (docs/MODELS.md). Interviews see phones pressed to an ear under a
hand or half in a fist, and the training images mostly show a whole phone held up. So a share of the phone
images get one phone covered from one end by skin or a phone-free part of the scene, and the part still in view
becomes its box; the same share of phone-free images get such a cover somewhere, so that a cover is not itself
the sign of a phone.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.training.phone.data import KEEP_VISIBLE, Sample, random_box, touching
from interview_integrity.vision.arrays import Array

_COVERED_LENGTH = (0.25, 0.6)  # of a phone's length, hidden from one end
_COVER_SPILL = (0.05, 0.35)  # how far past the phone's sides and end the cover reaches, of its size


def cover(
    image: Array, boxes: Array, ignore: Array, backgrounds: list[Sample], rng: np.random.Generator
) -> tuple[Array, Array, Array]:
    """One phone partly hidden from one end by a patch of skin or scene with a soft, rounded edge.

    The patch is a phone-free part of the same image, or skin: the colour of a background frame's face (the
    honest frames and the portraits), shaded. The phone's box shrinks to the part still in view; other phones the
    cover reaches are ignored, as is a phone left with less than `KEEP_VISIBLE` of itself."""
    height, width = image.shape[:2]
    index = int(rng.integers(len(boxes)))
    top, left, bottom, right = boxes[index] * [height, width, height, width]
    side = int(rng.integers(4))  # the hidden end: top, left, bottom, right
    vertical = side in (0, 2)
    length, across = (bottom - top, right - left) if vertical else (right - left, bottom - top)
    depth, spill = rng.uniform(*_COVERED_LENGTH) * length, rng.uniform(*_COVER_SPILL, 2) * [length, across]
    if vertical:
        start, end = (top - spill[0], top + depth) if side == 0 else (bottom - depth, bottom + spill[0])
        region = np.array([start, left - spill[1], end, right + spill[1]])
    else:
        start, end = (left - spill[0], left + depth) if side == 1 else (right - depth, right + spill[0])
        region = np.array([top - spill[1], start, bottom + spill[1], end])
    y0, x0 = int(max(0, region[0])), int(max(0, region[1]))
    y1, x1 = int(min(height, region[2])), int(min(width, region[3]))
    if y1 - y0 < 4 or x1 - x0 < 4:
        return image, boxes, ignore
    patch = _cover_patch(image, boxes, (y1 - y0, x1 - x0), backgrounds, rng)
    # a squircle: it reaches the full depth along the phone, with rounded corners like a fingertip's
    across_y, across_x = np.meshgrid(np.linspace(-1, 1, y1 - y0), np.linspace(-1, 1, x1 - x0), indexing="ij")
    outline = (across_y**4 + across_x**4 <= 1).astype(np.float32)
    mask = cv2.GaussianBlur(outline, (0, 0), max(1.0, 0.04 * min(y1 - y0, x1 - x0)))[..., None]
    out = image.copy()
    out[y0:y1, x0:x1] = (patch * mask + out[y0:y1, x0:x1] * (1 - mask)).astype(np.uint8)
    visible = boxes[index].copy()
    edge = (top + depth) / height, (left + depth) / width, (bottom - depth) / height, (right - depth) / width
    visible[side] = edge[side]
    reached = np.array([region[0] / height, region[1] / width, region[2] / height, region[3] / width], np.float32)
    others = np.delete(boxes, index, axis=0)
    hit = touching(others, reached, margin=0)
    kept, lost = [visible, *others[~hit]], list(others[hit])
    if 1 - depth / length < KEEP_VISIBLE:
        kept, lost = kept[1:], [visible, *lost]
    return out, _box_array(kept), np.concatenate([ignore, _box_array(lost)])


def anywhere(rng: np.random.Generator) -> Array:
    """A phone-sized box anywhere in the image, for a cover to hide part of."""
    return random_box(rng, (0.1, 0.45), (0.08, 0.35))[None]


def _box_array(boxes: list[Array]) -> Array:
    return np.array(boxes, np.float32).reshape(-1, 4)


def _cover_patch(
    image: Array, boxes: Array, size: tuple[int, int], backgrounds: list[Sample], rng: np.random.Generator
) -> Array:
    height, width = image.shape[:2]
    h, w = size
    if rng.random() < 0.5 and h < height // 2 and w < width // 2:
        for _ in range(6):
            y, x = int(rng.integers(0, height - h)), int(rng.integers(0, width - w))
            spot = np.array([y / height, x / width, (y + h) / height, (x + w) / width], np.float32)
            if not touching(boxes, spot, margin=0).any():
                return image[y : y + h, x : x + w].astype(np.float32)
    if not backgrounds:
        return np.full((h, w, 3), rng.uniform(60, 200, 3), np.float32)
    frame = backgrounds[int(rng.integers(len(backgrounds)))].image
    fh, fw = frame.shape[:2]
    skin = frame[int(fh * 0.35) : int(fh * 0.6), int(fw * 0.4) : int(fw * 0.6)].reshape(-1, 3).mean(axis=0)
    # a hand, not a face: the face's colour, shaded across and with a little low-frequency grain
    dark, light = rng.uniform(0.7, 1.0), rng.uniform(1.0, 1.2)
    if rng.random() < 0.5:
        shade = np.tile(np.linspace(dark, light, w), (h, 1))
    else:
        shade = np.tile(np.linspace(dark, light, h)[:, None], (1, w))
    grain = cv2.resize(rng.normal(1.0, 0.06, (max(2, h // 12), max(2, w // 12))), (w, h), interpolation=cv2.INTER_CUBIC)
    patch: Array = np.clip(skin * (shade * grain)[..., None], 0, 255).astype(np.float32)
    return patch
