"""Evidence pictures on real frames: what a 640-pixel snapshot costs against the old 320, and a phone on a desk
in a 1920-pixel frame, seen at the frame's own resolution in its crop."""

from __future__ import annotations

import base64
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.snapshot import snapshot
from interview_integrity.vision.video import sample_frames

pytestmark = pytest.mark.slow
CLIPS = ("vid_webcam_normal.mp4", "vid_two_faces_books.mp4", "vid_exam_hall_phone_on_desk.mp4")


def test_what_a_larger_snapshot_costs(data_dir: Path) -> None:
    print(f"\n{'clip':34} {'frame':>10} {'width':>5} {'KiB':>6} {'ms':>5}")
    for name in CLIPS:
        frames = [frame for _, frame in sample_frames(data_dir / name, 1.0)][:8]
        sizes: dict[int, float] = {}
        for width, quality in ((320, 70), (640, 80)):
            kib, ms = [], []
            for frame in frames:
                started = time.perf_counter()
                picture = snapshot(frame, width, quality)
                ms.append((time.perf_counter() - started) * 1000)
                kib.append(len(picture.jpeg) / 1024)
                assert picture.width == min(width, frame.shape[1])
            sizes[width] = statistics.mean(kib)
            shape = f"{frames[0].shape[1]}x{frames[0].shape[0]}"
            print(f"{name:34} {shape:>10} {width:5d} {sizes[width]:6.1f} {statistics.median(ms):5.1f}")
            assert statistics.median(ms) < 40  # a frame with a medium or high event pays this once
        assert sizes[640] < 64  # 60 snapshots a session at most: under 4 MiB in the store


def test_a_phone_is_readable_in_its_crop(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    policy = build_policy("standard")
    result = replay_video(data_dir / "vid_exam_hall_phone_on_desk.mp4", analyzer, policy, evidence=True)
    phone = next(e for e in result.evidence.values() if e.event_type == "phone_detected")
    [box] = [b for b in phone.boxes if b.event]
    assert box.label == "cell phone" and phone.width == 640 and phone.crop is not None
    in_snapshot = box.width * phone.width
    crop = cv2.imdecode(np.frombuffer(base64.b64decode(phone.crop_base64 or ""), np.uint8), cv2.IMREAD_COLOR)
    assert crop is not None
    in_crop = box.width / phone.crop.width * crop.shape[1]  # the phone's width in the crop's pixels
    print(f"\nthe phone is {in_snapshot / 2:.0f} px wide in a 320-pixel snapshot, {in_snapshot:.0f} px in the "
          f"640-pixel one, {in_crop:.0f} px in its crop ({crop.shape[1]}x{crop.shape[0]})")  # fmt: skip
    assert in_crop >= 2.5 * in_snapshot  # the 1920-pixel frame's own pixels
