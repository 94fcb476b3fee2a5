"""Comparing two object detectors' candidates on the same image."""

from __future__ import annotations

import pytest

from interview_integrity.vision.cpu import int8_is_exact
from interview_integrity.vision.signals import DetectedObject

# The 8-bit models are used (precision `auto`) only on CPUs whose 8-bit sums do not saturate (vision/cpu.py);
# elsewhere they are known to lose objects and the float models run instead.
EXACT_INT8 = pytest.mark.skipif(not int8_is_exact(), reason="this CPU has no VNNI: `auto` runs the float models")

CLEAR = 0.4  # weak candidates may come and go between models; clear ones must be in both, alike


def assert_same_clear_finds(
    name: str, found: list[DetectedObject], reference: list[DetectedObject], score_tolerance: float
) -> None:
    for objects, other in ((reference, found), (found, reference)):
        for obj in objects:
            if obj.confidence < CLEAR:
                continue
            match = [o for o in other if o.label == obj.label and o.box.iou(obj.box) > 0.6]
            assert match, f"{name}: {obj.label} {obj.confidence} found by one model only"
            assert abs(match[0].confidence - obj.confidence) < score_tolerance
