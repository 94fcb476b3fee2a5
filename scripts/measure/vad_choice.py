"""Silero VAD (ONNX, the service's) against WebRTC's VAD (webrtcvad-wheels, modes 1 and 3) on real sound from
../shared/data: three talking heads' own speech mixed with real room noise from four quiet clips and with
white and brown noise, at 20-0 dB SNR, and the noise alone raised to -30 and -20 dBFS (issue 31, MODELS.md).

Reference speech: the quarter seconds both detectors call speech on the clean track. Recall: of those, the
share still called speech in the mix; false speech: the share of the noise alone called speech.

    .venv/bin/pip install webrtcvad-wheels==2.0.14.post1   # for this comparison only
    .venv/bin/python scripts/measure/vad_choice.py
"""
import time
from pathlib import Path

import numpy as np
import webrtcvad

from interview_integrity.audio.media import file_sound
from interview_integrity.audio.speech import ModelState, SpeechModel

DATA = Path("../shared/data")
SPEECH = ["honest/hon_fi_vlog_close_woman", "honest/hon_hdtf_katie", "honest/hon_lp_outdoor_trees"]
ROOMS = {"webcam room": "honest/hon_webcam_blink_man", "dim room": "honest/hon_dim_room_eyes_closing",
         "exam hall": "vid_exam_hall_phone_on_desk", "home": "honest/hon_glasses_glare_home"}
STEP = 4000  # a quarter second at 16 kHz
model = SpeechModel()


def load(name: str) -> np.ndarray:
    sound = file_sound(DATA / f"{name}.mp4")
    assert sound is not None
    return sound.samples


def silero(x: np.ndarray) -> np.ndarray:
    p, _ = model.probabilities(x[: len(x) // 512 * 512], ModelState.fresh())
    return np.repeat(p >= 0.5, 512).astype(float)


def webrtc(mode: int):
    def run(x: np.ndarray) -> np.ndarray:
        vad, pcm = webrtcvad.Vad(mode), (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
        flags = [vad.is_speech(pcm[i * 960 : (i + 1) * 960], 16000) for i in range(len(x) // 480)]
        return np.repeat(np.array(flags, float), 480)
    return run


def steps(flags: np.ndarray) -> np.ndarray:
    n = len(flags) // STEP
    return flags[: n * STEP].reshape(n, STEP).mean(1) >= 0.5


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2) + 1e-12))


def loop(noise: np.ndarray, n: int) -> np.ndarray:
    return np.tile(noise, int(np.ceil(n / len(noise))))[:n]


speech = {name: load(name) for name in SPEECH}
rng = np.random.default_rng(0)
noises = {label: load(path) for label, path in ROOMS.items()}
noises["white"] = rng.normal(0, 1, 160_000).astype(np.float32)
brown = np.cumsum(rng.normal(0, 1, 160_000))
noises["brown"] = (brown - np.convolve(brown, np.ones(1600) / 1600, "same")).astype(np.float32)
detectors = {"silero": silero, "webrtc mode 3": webrtc(3), "webrtc mode 1": webrtc(1)}
def both(x: np.ndarray) -> np.ndarray:
    a, b = steps(silero(x)), steps(webrtc(3)(x))
    return a[: min(len(a), len(b))] & b[: min(len(a), len(b))]


reference = {n: both(x) for n, x in speech.items()}
print(f"reference speech: {sum(int(r.sum()) for r in reference.values())} quarter seconds of "
      f"{sum(len(r) for r in reference.values())}")
print(f"{'detector':14s} {'noise':12s} recall at SNR 20 / 10 / 5 / 0 dB    false speech on the noise at -30 / -20 dBFS")
for label, detect in detectors.items():
    tick = time.process_time()
    detect(speech["honest/hon_hdtf_katie"])
    cost = (time.process_time() - tick) / (len(speech["honest/hon_hdtf_katie"]) / 16000)
    for noise_name, noise in noises.items():
        recall = []
        for snr in (20, 10, 5, 0):
            hit = total = 0
            for name, clean in speech.items():
                mixed = clean + loop(noise, len(clean)) / rms(noise) * rms(clean) / 10 ** (snr / 20)
                found = steps(detect(np.clip(mixed, -1, 1)))
                k = min(len(found), len(reference[name]))
                ref = reference[name][:k]
                hit, total = hit + int((found[:k] & ref).sum()), total + int(ref.sum())
            recall.append(hit / total)
        false = [steps(detect(np.clip(loop(noise, 320_000) / rms(noise) * 10 ** (db / 20), -1, 1))).mean()
                 for db in (-30, -20)]
        print(f"{label:14s} {noise_name:12s} " + " / ".join(f"{r:.2f}" for r in recall)
              + "               " + " / ".join(f"{f:.2f}" for f in false))
    print(f"{label}: {cost * 1000:.2f} ms of CPU per second of sound")
