"""The images the verifier learns from and is measured on, read in place from `../shared/data` (never copied).

- `phone_using/` v2 (CC BY 4.0): people using phones, phone boxes labelled; split by person.
- `hands_no_phone/` (CC BY 4.0 and public domain): hands at faces, hand shapes, earbud cases in the hand; no
  phone anywhere; its own boxes (hands, letters, cases) are look-alikes to learn from; its `split` column.
- `honest/`: frames of the clips that `train-phone` already splits (`HONEST_SPLITS`): train, valid, test.
- `fairness/`: portraits without a phone, training only (as `train-phone` uses them).
- the dev images of `../shared/data` (MANIFEST.tsv, phone yes/no): never trained on.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.training.phone.data import HONEST_SPLITS, yolo_boxes
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.video import sample_frames

_IMAGES = (".jpg", ".jpeg", ".png")


def _no_boxes() -> Array:
    return np.zeros((0, 4), np.float32)


@dataclass
class Image:
    """A BGR image, its phone boxes and its other labelled objects, as (x0, y0, x1, y1) pixels."""

    name: str
    bgr: Array
    phones: Array = field(default_factory=_no_boxes)
    objects: Array = field(default_factory=_no_boxes)

    @property
    def has_phone(self) -> bool:
        return len(self.phones) > 0


def _read(path: Path) -> Array:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"cannot read {path}")
    bgr: Array = image
    return bgr


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _pixels(label: Path, bgr: Array) -> Array:
    """A YOLO label file's boxes as (x0, y0, x1, y1) pixels of the image."""
    height, width = bgr.shape[:2]
    boxes = yolo_boxes(label.read_text()) if label.exists() else _no_boxes()
    pixels: Array = boxes[:, [1, 0, 3, 2]] * np.array([width, height, width, height], np.float32)
    return pixels


def phone_using(data: Path, split: str, limit: int | None = None) -> list[Image]:
    root = data / "train" / "phone_using"
    images = []
    for row in [r for r in rows(root / "MANIFEST.tsv") if r["split"] == split][:limit]:
        relative = Path(row["file"])
        bgr = _read(root / "images" / relative)
        label = root / "labels" / relative.parent / (relative.stem + ".txt")
        images.append(Image(f"phone_using/{relative}", bgr, phones=_pixels(label, bgr)))
    return images


def hands_no_phone(data: Path, split: str, limit: int | None = None) -> list[Image]:
    root = data / "train" / "hands_no_phone"
    images = []
    for row in [r for r in rows(root / "MANIFEST.tsv") if r["split"] == split][:limit]:
        relative = Path(row["file"]).relative_to("images")
        bgr = _read(root / "images" / relative)
        label = root / "labels" / relative.parent / (relative.stem + ".txt")
        images.append(Image(f"hands_no_phone/{relative}", bgr, objects=_pixels(label, bgr)))
    return images


def honest(data: Path, split: str, every_s: float = 0.5, limit: int | None = None) -> list[Image]:
    """Frames of the honest clips of a split (`HONEST_SPLITS`), one every `every_s` seconds."""
    frames: list[Image] = []
    for clip in HONEST_SPLITS[split]:
        for timestamp, bgr in sample_frames(data / "honest" / clip, 1.0 / every_s):
            frames.append(Image(f"honest/{clip}@{timestamp:.2f}", bgr))
            if limit is not None and len(frames) >= limit:
                return frames
    return frames


def fairness(data: Path, limit: int | None = None) -> list[Image]:
    """The fairness set's portraits; none holds a phone (its MANIFEST says `phone` no)."""
    listed = rows(data / "fairness" / "MANIFEST.tsv")
    return [
        Image(f"fairness/{r['file']}", _read(data / "fairness" / r["file"]))
        for r in listed
        if r.get("phone") == "no" and Path(r["file"]).suffix.lower() in _IMAGES
    ][:limit]


def dev_images(data: Path) -> tuple[list[Image], list[Image]]:
    """(the dev images with a phone, those without): never trained on. No boxes: judged per image."""
    listed = [r for r in rows(data / "MANIFEST.tsv") if Path(r["file"]).suffix.lower() in _IMAGES]
    loaded = [(r["phone"], Image(f"dev/{r['file']}", _read(data / r["file"]))) for r in listed]
    return [i for p, i in loaded if p == "yes"], [i for p, i in loaded if p == "no"]
