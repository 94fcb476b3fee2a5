"""A training crop as the verifier might see it: the region drawn again around its box, then light, colour,
noise, blur, resolution and JPEG quality altered, and mirrored; all from a seeded generator."""

from __future__ import annotations

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import Box

# (centre shift in box sides, log-scale spread): labelled boxes imitate a detector's loose boxes, proposals
# only wobble, as the same region found on the next frame would
LABELLED_JITTER = (0.15, 0.25)
PROPOSED_JITTER = (0.08, 0.15)


def jittered(box: Box, rng: np.random.Generator, jitter: tuple[float, float]) -> Box:
    shift, spread = jitter
    width = box.width * float(np.exp(rng.uniform(-spread, spread)))
    height = box.height * float(np.exp(rng.uniform(-spread, spread)))
    cx = box.x + box.width / 2 + rng.uniform(-shift, shift) * box.width
    cy = box.y + box.height / 2 + rng.uniform(-shift, shift) * box.height
    return Box(x=cx - width / 2, y=cy - height / 2, width=width, height=height)


def photometric(crop: Array, rng: np.random.Generator) -> Array:
    """Light, colour, noise, blur, resolution, JPEG and a mirror, each at random; uint8 in, uint8 out."""
    size = crop.shape[0]
    out = crop.astype(np.float32)
    if rng.random() < 0.8:
        out = out * rng.uniform(0.6, 1.4) + rng.uniform(-35, 35)
    if rng.random() < 0.5:
        grey = out.mean(axis=2, keepdims=True)
        out = grey + (out - grey) * rng.uniform(0.3, 1.6)
    if rng.random() < 0.15:  # a dim room, with its sensor noise
        out = 255 * (np.clip(out, 0, 255) / 255) ** rng.uniform(1.5, 3.0) * rng.uniform(0.4, 0.9)
        out = out + rng.normal(0, rng.uniform(3, 12), out.shape)
    elif rng.random() < 0.2:
        out = out + rng.normal(0, rng.uniform(2, 9), out.shape)
    result: Array = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.2:
        result = cv2.GaussianBlur(result, (0, 0), rng.uniform(0.4, 1.4))
    if rng.random() < 0.25:  # a far, small region enlarged to the input
        small = max(12, int(size * rng.uniform(0.25, 0.7)))
        result = cv2.resize(cv2.resize(result, (small, small), interpolation=cv2.INTER_AREA), (size, size))
    if rng.random() < 0.4:
        ok, encoded = cv2.imencode(".jpg", result, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(20, 80))])
        if ok:
            result = cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED)
    if rng.random() < 0.5:
        result = np.ascontiguousarray(result[:, ::-1])
    return result
