"""How much a region of the picture changes between the setup seconds and later, on honest clips and the
dev videos: the 32x24 grey thumbnails the frames carry (signals.track.motion), the setup reference being
the per-pixel median of the first 8 s at 0.6 s steps. For every box of a grid (1/4 to 1/2 of the frame,
at 9 places), prints the distribution of the mean absolute difference after removing each region's mean.

    .venv/bin/python scripts/measure/setup_regions.py ../shared/data/honest/*.mp4 ../shared/data/vid_*
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.vision.video import sample_frames

W, H = 32, 24


def thumbs(path: Path) -> list[tuple[float, np.ndarray]]:
    out = []
    for t, frame in sample_frames(path, 1 / 0.6):
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        out.append((t, cv2.resize(gray, (W, H), interpolation=cv2.INTER_AREA).astype(np.float32)))
    return out


def region_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs((a - a.mean()) - (b - b.mean())).mean())


def main() -> None:
    boxes = [(x, y, w, h) for w, h in ((8, 6), (12, 9), (16, 12)) for x in (0, (W - w) // 2, W - w)
             for y in (0, (H - h) // 2, H - h)]  # fmt: skip
    for name in sys.argv[1:]:
        frames = thumbs(Path(name))
        setup = [f for t, f in frames if t < 8.0]
        later = [f for t, f in frames if t >= 10.0]
        if len(setup) < 3 or not later:
            continue
        reference = np.median(np.stack(setup), axis=0)
        values = [region_change(reference[y:y+h, x:x+w], f[y:y+h, x:x+w]) for f in later for x, y, w, h in boxes]
        p = np.percentile(values, [10, 25, 50, 75, 90])
        print(f"{Path(name).name:40} regions {len(values):5}  p10 {p[0]:5.1f} p25 {p[1]:5.1f} p50 {p[2]:5.1f} "
              f"p75 {p[3]:5.1f} p90 {p[4]:5.1f}")


if __name__ == "__main__":
    main()
