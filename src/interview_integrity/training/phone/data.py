"""What the phone detector learns from: the phone-using images (CC BY 4.0) and mined negatives.

The images are read in place from `../shared/data/train/phone_using/`; nothing is copied into the
repository. Almost every image holds a phone, so the negatives come from three places, and each is then
no longer a fair test of false alarms:
- the regions of the same images away from every phone box (hands, faces, desks: the hardest ones);
- frames of some of `../shared/data/honest/` (webcam faces without a phone), split like the images: the
  clips in `HONEST_SPLITS["train"]` are trained on, `"valid"` chooses the operating point, and `"test"`
  is never seen;
- the fairness set's portraits (`../shared/data/fairness/`, none holds a phone), for training only.
The dev images of `../shared/data` (phone yes or no) are never trained on: they stay a test.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.video import sample_frames

SPLITS = ("train", "valid", "test")
KEEP_VISIBLE = 0.5  # a box with less than this share in view is ignored, not learned as a phone or as background
HONEST_SPLITS: dict[str, tuple[str, ...]] = {
    "train": (
        "hon_franck_talking_face.mp4",
        "hon_webcam_interview_woman.mp4",
        "hon_cap_beard_man.mp4",
        "hon_dim_room_eyes_closing.mp4",
        "hon_lp_office_glasses.mp4",
        "hon_hdtf_katie.mp4",
    ),
    "valid": (
        "hon_fi_vlog_close_woman.mp4",
        "hon_lights_off_selfie.mp4",
        "hon_glasses_closeup.mp4",
        "hon_lp_yawn.mp4",
    ),
    "test": (
        "hon_webcam_blink_man.mp4",
        "hon_lp_outdoor_trees.mp4",
        "hon_stock_white_bg.mp4",
        "hon_glasses_glare_home.mp4",
        "hon_window_woman.mp4",
    ),
}


def _no_boxes() -> Array:
    return np.zeros((0, 4), np.float32)


@dataclass
class Sample:
    """One image (RGB uint8), its phone boxes and the boxes to ignore (likely phones the labels miss), all
    normalised (ymin, xmin, ymax, xmax)."""

    name: str
    image: Array
    boxes: Array = field(default_factory=_no_boxes)
    ignored: Array = field(default_factory=_no_boxes)

    @property
    def has_phone(self) -> bool:
        return len(self.boxes) > 0


def _read_rgb(path: Path) -> Array:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"cannot read {path}")
    rgb: Array = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    return rgb


def yolo_boxes(text: str) -> Array:
    """YOLO label lines (`class cx cy w h`, relative) as (ymin, xmin, ymax, xmax), clipped to the image."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 5:
            continue
        _, cx, cy, w, h = (float(p) for p in parts)
        rows.append([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2])
    boxes: Array = np.clip(np.array(rows, np.float32).reshape(-1, 4), 0.0, 1.0)
    kept: Array = boxes[(boxes[:, 2] - boxes[:, 0] > 1e-3) & (boxes[:, 3] - boxes[:, 1] > 1e-3)]
    return kept


def manifest(root: Path) -> list[dict[str, str]]:
    with (root / "MANIFEST.tsv").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_split(root: Path, split: str, limit: int | None = None) -> list[Sample]:
    """The images of one split of phone_using, in the manifest's order."""
    rows = [row for row in manifest(root) if row["split"] == split][:limit]
    samples = []
    for row in rows:
        relative = Path(row["file"])
        label = root / "labels" / relative.parent / (relative.stem + ".txt")
        samples.append(Sample(relative.stem, _read_rgb(root / "images" / relative), yolo_boxes(label.read_text())))
    return samples


def phone_free_crops(samples: list[Sample], rng: np.random.Generator, per_image: int = 1) -> list[Sample]:
    """Regions of each image that touch no phone box, at least a quarter of the image's side."""
    crops = []
    for sample in samples:
        height, width = sample.image.shape[:2]
        for _ in range(per_image):
            for _attempt in range(20):
                box = random_box(rng, (0.3, 0.8), (0.3, 0.8))
                if not touching(sample.boxes, box).any():
                    y0, x0, y1, x1 = (round(v) for v in box * [height, width, height, width])
                    crops.append(Sample(f"{sample.name}#free", sample.image[y0:y1, x0:x1].copy()))
                    break
    return crops


def random_box(rng: np.random.Generator, heights: tuple[float, float], widths: tuple[float, float]) -> Array:
    """A box (ymin, xmin, ymax, xmax, relative) of a random size within the ranges, anywhere in the image."""
    h, w = rng.uniform(*heights), rng.uniform(*widths)
    y, x = rng.uniform(0, 1 - h), rng.uniform(0, 1 - w)
    return np.array([y, x, y + h, x + w], np.float32)


def touching(boxes: Array, box: Array, margin: float = 0.02) -> Array:
    """Whether each of `boxes`, grown by `margin` on every side, overlaps `box`."""
    grown = boxes + np.array([-margin, -margin, margin, margin], np.float32)
    overlap_y = np.minimum(box[2], grown[:, 2]) - np.maximum(box[0], grown[:, 0])
    overlap_x = np.minimum(box[3], grown[:, 3]) - np.maximum(box[1], grown[:, 1])
    hit: Array = (overlap_y > 0) & (overlap_x > 0)
    return hit


def honest_frames(honest_dir: Path, split: str, every_s: float = 2.0, limit: int | None = None) -> list[Sample]:
    """Frames of the honest clips of a split, one every `every_s` seconds: webcam faces with no phone."""
    frames: list[Sample] = []
    for name in HONEST_SPLITS[split]:
        for timestamp, bgr in sample_frames(honest_dir / name, 1.0 / every_s):
            if limit is not None and len(frames) >= limit:
                return frames
            frames.append(Sample(f"{name}@{timestamp:.1f}", cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    return frames


def portraits(directory: Path) -> Iterator[Sample]:
    """Every image of a folder whose MANIFEST.tsv says `phone` is `no`."""
    for row in manifest(directory):
        if row.get("phone") == "no" and Path(row["file"]).suffix.lower() in (".jpg", ".jpeg", ".png"):
            yield Sample(row["file"], _read_rgb(directory / row["file"]))
