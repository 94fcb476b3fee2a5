"""What the service would propose on one image: phone boxes at a low floor, faces and palms, cached as JSON.

The boxes come from the service's own FrameAnalyzer, configured so that every detector's `cell phone` box at
the floor survives its thresholds (the fusion, the laptop rule and the face detectors as they run today), and
from the palm detector. Training and evaluation read the same proposals, so the verifier learns from the
regions it will be shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from interview_integrity.config import DetectorName, ObjectThresholds, VisionSettings
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.hands.palm import Palm, PalmDetector
from interview_integrity.vision.hands.regions import HandRegion, hand_region
from interview_integrity.vision.phone.candidates import FLOOR, PHONE_LABEL
from interview_integrity.vision.signals import Box, DetectedObject


@dataclass
class Proposals:
    objects: list[DetectedObject]  # `cell phone` boxes at the floor, fused across detectors
    faces: list[Box]
    palms: list[Palm]

    def hands(self) -> list[HandRegion]:
        return [hand_region(p) for p in self.palms]

    def to_json(self) -> dict[str, Any]:
        return {
            "objects": [o.model_dump() for o in self.objects],
            "faces": [f.model_dump() for f in self.faces],
            "palms": [
                [round(p.x, 2), round(p.y, 2), round(p.width, 2), round(p.height, 2), round(p.score, 4)]
                + [round(float(v), 2) for v in p.keypoints.reshape(-1)]
                for p in self.palms
            ],
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Proposals:
        palms = [
            Palm(x=r[0], y=r[1], width=r[2], height=r[3], score=r[4], keypoints=np.array(r[5:]).reshape(-1, 2))
            for r in data["palms"]
        ]
        return Proposals(
            [DetectedObject.model_validate(o) for o in data["objects"]],
            [Box.model_validate(f) for f in data["faces"]],
            palms,
        )


def floor_settings(
    models_dir: Path, floor: float = FLOOR, detectors: Sequence[DetectorName] | None = None
) -> VisionSettings:
    """Today's detectors (or `detectors`) and fusion, with every detector's phone bar at the floor (no border
    penalty) and no second look: the proposals are what the verifier is then shown, not what it kept."""
    bars = ObjectThresholds(cell_phone=floor, partial_penalty=0.0)
    chosen = {"detectors": list(detectors)} if detectors is not None else {}
    return VisionSettings(
        **chosen,
        models_dir=models_dir,
        ssdlite_thresholds=bars,
        yolo_thresholds=bars,
        phone_thresholds=bars,
        parallel_objects=False,
        identity=False,
        second_look=False,
    )


class ProposalModels:
    """FrameAnalyzer at the floor plus the palm detector; one image at a time, on the calling thread."""

    def __init__(self, models_dir: Path, floor: float = FLOOR, detectors: Sequence[DetectorName] | None = None) -> None:
        self._analyzer = FrameAnalyzer(floor_settings(models_dir, floor, detectors))
        self._palms = PalmDetector()

    def __call__(self, bgr: Array) -> Proposals:
        signals = self._analyzer.analyze(bgr, 0.0, identity=False)
        objects = [o for o in signals.objects if o.label == PHONE_LABEL]
        palms = self._palms.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        return Proposals(objects, [f.box for f in signals.faces.boxes], palms)

    def close(self) -> None:
        self._analyzer.close()


def cached(
    path: Path,
    images: Iterable[tuple[str, Callable[[], Array]]],
    models: Callable[[], Callable[[Array], Proposals]],
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Proposals]:
    """The proposals of every (name, BGR loader), read from `path` where there, computed (and added) otherwise."""
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    wanted = list(images)
    missing = [(name, load) for name, load in wanted if name not in stored]
    if missing:
        propose = models()
        for index, (name, load) in enumerate(missing):
            stored[name] = propose(load()).to_json()
            if index % 200 == 199:
                progress(f"{path.name}: {index + 1}/{len(missing)}")
                _write(path, stored)
        _write(path, stored)
    return {name: Proposals.from_json(stored[name]) for name, _ in wanted}


def _write(path: Path, stored: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(stored, sort_keys=True))
    temporary.replace(path)
