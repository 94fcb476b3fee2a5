"""Lip activity (the spread of the lips' opening over the frames around each quarter second, audio/lipsync.py)
on every one-face video of ../shared/data and its honest/ folder, at 5 fps: how much a still face's lips seem
to move (mesh jitter), and how little a talking head's lips move while its own sound is speech. The policy's
`lips_still` and `lips_moving` sit between the two (issue 31).

    .venv/bin/python scripts/measure/lip_activity.py
"""
from pathlib import Path

import numpy as np

from interview_integrity.audio import lipsync
from interview_integrity.audio.listen import listen
from interview_integrity.audio.media import file_sound
from interview_integrity.audio.signals import STEP_S, Listening
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.audio.wav import Pcm
from interview_integrity.config import VisionSettings
from interview_integrity.evaluation.images import VIDEO_SUFFIXES, read_manifest
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.stream import FrameStream
from interview_integrity.vision.video import sample_frames

DATA = Path("../shared/data")
analyzer, model = FrameAnalyzer(VisionSettings(detectors=["ssdlite"])), SpeechModel()
speaking_steps: list[float] = []
for folder in (DATA, DATA / "honest"):
    for row in read_manifest(folder):
        path = folder / row["file"]
        if path.suffix.lower() not in VIDEO_SUFFIXES or row.get("faces") != "1":
            continue
        stream, mouths = FrameStream(analyzer, identity=False), []
        for t, frame in sample_frames(path, 5.0):
            mouth = stream.analyze(frame, t).mouth
            mouths.append((t, mouth.opening if mouth else None, ""))
        count = int(mouths[-1][0] / STEP_S)
        activity = [lipsync.lips_around(mouths, i * STEP_S, (i + 1) * STEP_S).activity for i in range(count)]
        sound = file_sound(path)
        speech = [False] * count
        if sound is not None:
            for step in listen(model, Listening(), Pcm(sound.samples, 16000, 1), 0.0).steps:
                if step.index < count and step.heard_s > 0:
                    speech[step.index] = step.speech_s / step.heard_s >= 0.5
        read = [a for a in activity if a is not None]
        during = [a for a, s in zip(activity, speech, strict=True) if s and a is not None]
        speaking_steps += during
        if not read:
            print(f"{row['file'][:36]:36s} lips never read", flush=True)
            continue
        line = (
            f"{row['file'][:36]:36s} {len(read):4d} steps read: p50 {np.median(read):.4f} "
            f"p90 {np.percentile(read, 90):.4f} max {max(read):.4f}"
        )
        if len(during) >= 8:
            line += f" | {len(during):3d} speech steps: min {min(during):.4f} p5 {np.percentile(during, 5):.4f}"
        print(line, flush=True)
print(
    f"all speech steps of talking heads: {len(speaking_steps)}, under 0.006: "
    f"{sum(a < 0.006 for a in speaking_steps)}, under 0.010: {sum(a < 0.010 for a in speaking_steps)}"
)
