"""Is MediaPipe's hand landmark model needed to place a hand's region, or does the palm's own square do?

For every palm the palm detector finds on `phone_using` valid and `hands_no_phone` valid, this runs the hand
landmark model (lite) on MediaPipe's hand square and compares: how many labelled phones lie in the crop of the
palm's square (as the second look cuts it) against the crop of the landmarks' box grown 1.2, 1.5 and 2 times;
how often the landmark model says "no hand here" (presence < 0.5), and on how many of the palms that hold a
phone; and what it costs per hand, on one thread. Needs the proposals cached by `train-verifier`
(artifacts/verifier). Run: .venv/bin/python scripts/measure/hand_landmarks_needed.py
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter

from interview_integrity.training.verifier import dataset
from interview_integrity.training.verifier.regions import label
from interview_integrity.vision.crops import rotated_crop
from interview_integrity.vision.model_files import package_dir
from interview_integrity.vision.signals import Box

DATA, CACHE = Path("../shared/data"), Path("artifacts/verifier")
MODEL = package_dir("mediapipe") / "modules" / "hand_landmark" / "hand_landmark_lite.tflite"


def main() -> None:
    interpreter = Interpreter(model_path=str(MODEL), num_threads=1)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]["index"]
    outputs = {d["name"]: d["index"] for d in interpreter.get_output_details()}
    names = ("phone_using-valid", "hands_no_phone-valid")
    splits = dataset.load(names, DATA, Path(".cache/models"), CACHE, None, print)
    for split in splits:
        hands = absent = by_palm = absent_holding = 0
        by_landmarks = dict.fromkeys((1.2, 1.5, 2.0), 0)
        timings = []
        for image, proposals in zip(split.images, split.proposals, strict=True):
            rgb = cv2.cvtColor(image.bgr, cv2.COLOR_BGR2RGB)
            height, width = rgb.shape[:2]
            for region in proposals.hands():
                hands += 1
                tick = time.perf_counter()
                crop = rotated_crop(rgb, region.cx, region.cy, region.side, region.rotation, 224)
                interpreter.set_tensor(source, (crop.pixels.astype(np.float32) / 255.0)[None])
                interpreter.invoke()
                points = crop.to_frame(interpreter.get_tensor(outputs["Identity"]).reshape(21, 3)[:, :2])
                presence = float(interpreter.get_tensor(outputs["Identity_1"]).reshape(-1)[0])
                timings.append((time.perf_counter() - tick) * 1000)
                absent += presence < 0.5
                holds = label(region.bounds(), "hand", image.phones, width, height) == 1
                by_palm += holds
                absent_holding += holds and presence < 0.5
                (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
                tight = Box(x=float(x0), y=float(y0), width=float(x1 - x0), height=float(y1 - y0))
                for grow in by_landmarks:  # the landmarks' box, grown, cut with the detector's context of 0
                    side = max(tight.width, tight.height) * grow
                    cx, cy = tight.center
                    grown = Box(x=cx - side / 2, y=cy - side / 2, width=side, height=side)
                    by_landmarks[grow] += label(grown, "hand", image.phones, width, height) == 1
        print(
            f"{split.name}: {hands} palms; the landmark model says no hand on {absent}; phones in the palm square's "
            f"crop {by_palm} (the landmark model says no hand on {absent_holding} of them); in the landmark box's "
            f"crop, grown x1.2/x1.5/x2: {list(by_landmarks.values())}; landmark model per hand p50 "
            f"{np.percentile(timings, 50):.2f} ms, p95 {np.percentile(timings, 95):.2f} ms"
        )


if __name__ == "__main__":
    main()
