"""What the second look adds to a frame with object detection, on ONE core: per-stage p50/p95 in ms.

Real 640x480 frames (consecutive frames at 5 fps of the dev and honest webcam videos). The proposals a frame's
candidates come from (today's detectors at the floor, the faces) are computed first and not timed: the service
computes them anyway. Timed, each on one thread: the palm detector (LiteRT), the candidate generator, the
crops from the original frame, the verifier on all of a frame's crops in one batch, and the verifier on a full
batch of `CAP` crops (the most a frame can cost). For scale, the same frames' object stage as the service runs
it today (every detector but YOLO, which runs every 1.8 s of a stream) is timed too.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from interview_integrity.training.verifier.proposals import ProposalModels
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.hands.palm import PalmDetector
from interview_integrity.vision.hands.regions import hand_region
from interview_integrity.vision.phone.candidates import CAP, propose
from interview_integrity.vision.phone.crop import crops
from interview_integrity.vision.phone.detector import PACKAGED as PHONE_MODEL
from interview_integrity.vision.phone.detector import PhoneDetector
from interview_integrity.vision.phone.verifier import Verifier
from interview_integrity.vision.video import sample_frames

VIDEOS = (
    "vid_webcam_normal.mp4",
    "vid_webcam_window_backlight.avi",
    "vid_gaze_center.mp4",
    "honest/hon_webcam_interview_woman.mp4",
    "honest/hon_webcam_blink_man.mp4",
)
PER_VIDEO = 30


def frames(data: Path) -> list[Array]:
    out = []
    for name in VIDEOS:
        for count, (_, frame) in enumerate(sample_frames(data / name, 5.0)):
            if count >= PER_VIDEO:
                break
            out.append(cv2.resize(frame, (640, 480), interpolation=cv2.INTER_AREA))
    return out


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _line(name: str, values: list[float]) -> str:
    return f"  {name:34} p50 {np.percentile(values, 50):6.2f}  p95 {np.percentile(values, 95):6.2f}  (n={len(values)})"


def run(data: Path, models_dir: Path, rounds: int = 3, verifier: Path | None = None) -> list[str]:
    cv2.setNumThreads(1)
    images = frames(data)
    propose_models = ProposalModels(models_dir)
    proposals = [propose_models(frame) for frame in images]
    propose_models.close()
    palms, model = PalmDetector(), Verifier(verifier) if verifier else Verifier.packaged()
    phone = PhoneDetector(PHONE_MODEL)  # for scale: the cheapest detector of today's object stage
    lines = [f"second look on {len(images)} frames of 640x480, one thread, ms:"]
    for round_ in range(rounds):
        stages: dict[str, list[float]] = {}
        for frame, found in zip(images, proposals, strict=True):
            tick = time.perf_counter()
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)  # the analyzer has it already; timed with the palms
            hands = [hand_region(p) for p in palms.detect(rgb)]
            palm_ms = _ms(tick)
            tick = time.perf_counter()
            candidates = propose(found.objects, hands, found.faces, 640, 480)
            propose_ms = _ms(tick)
            tick = time.perf_counter()
            cut = crops(frame, candidates, model.size)
            crop_ms = _ms(tick)
            tick = time.perf_counter()
            model.scores(cut)
            verify_ms = _ms(tick)
            full = np.repeat(cut[:1], CAP, axis=0) if len(cut) else np.zeros((CAP, *cut.shape[1:]), np.uint8)
            tick = time.perf_counter()
            model.scores(full)
            cap_ms = _ms(tick)
            tick = time.perf_counter()
            phone.detect(frame)
            phone_ms = _ms(tick)
            for name, value in (
                ("palm detector (+ RGB)", palm_ms),
                ("candidates", propose_ms),
                ("crops", crop_ms),
                ("verifier, the frame's crops", verify_ms),
                ("added: palms+candidates+crops+verify", palm_ms + propose_ms + crop_ms + verify_ms),
                ("added without the palms", propose_ms + crop_ms + verify_ms),
                (f"verifier, a full batch of {CAP}", cap_ms),
                ("candidates per frame (a count)", float(len(candidates))),
                ("for scale: our phone detector", phone_ms),
            ):
                stages.setdefault(name, []).append(value)
        lines.append(f" round {round_ + 1}:")
        lines += [_line(name, values) for name, values in stages.items()]
    return lines
