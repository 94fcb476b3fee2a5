"""Comparing two object detectors' candidates on the same image."""

from __future__ import annotations

from interview_integrity.vision.signals import DetectedObject

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
