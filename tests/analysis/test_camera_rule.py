"""The live-camera rule on synthetic signatures (real assembled videos: tests/evaluation/test_assembled.py)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.policy import build_policy
from interview_integrity.vision.signals import FrameSignals, FrameSignature
from tests.analysis.signals import frame

FPS = 5


def flip(hash_hex: str, bits: int, rng: random.Random) -> str:
    value = int(hash_hex, 16)
    for position in rng.sample(range(256), bits):
        value ^= 1 << position
    return f"{value:064x}"


def stream(signatures: list[tuple[str, float | None]]) -> SessionState:
    engine, state = SessionAnalyzer(build_policy("standard")), SessionState()
    for i, (dhash, change) in enumerate(signatures):
        signals: FrameSignals = frame(i / FPS)
        signals.signature = FrameSignature(dhash=dhash, change=change)
        engine.process(state, signals, i)
    return state


def types(state: SessionState) -> list[str]:
    return [e.type for e in state.events]


def live(seconds: float, rng: random.Random, step_bits: int = 6) -> list[str]:
    """A moving picture: each frame a few bits from the last, drifting away (a random walk)."""
    hashes = [f"{rng.getrandbits(256):064x}"]
    for _ in range(round(seconds * FPS) - 1):
        hashes.append(flip(hashes[-1], step_bits, rng))
    return hashes


def test_a_picture_that_stops_changing_for_five_seconds_is_frozen_and_one_moving_frame_breaks_it() -> None:
    rng = random.Random(1)
    hashes = live(20, rng)
    moving: Callable[[int], float] = lambda i: 8.0  # noqa: E731
    changes = [moving(i) for i in range(25)] + [1.0] * 20 + [9.0] + [1.0] * 20 + [2.0] * 30
    state = stream(list(zip(hashes[:1] * len(changes), changes, strict=False)))
    frozen = [e for e in state.events if e.type == "stream_frozen"]
    assert len(frozen) == 1, [(e.started_at, e.duration_s) for e in frozen]
    assert frozen[0].started_at == 9.2  # the second still stretch: the first lasted 4 s, under frozen_s
    assert "grey levels" in frozen[0].measured


def test_a_frame_without_texture_is_not_evidence_of_a_frozen_camera() -> None:
    state = stream([("0" * 64, None)] * 60)
    assert "stream_frozen" not in types(state)


def test_a_moving_stretch_that_repeats_an_earlier_one_frame_by_frame_is_a_replay() -> None:
    rng = random.Random(2)
    loop = live(6, rng)
    jitter = [flip(h, 1, rng) for h in loop]  # re-encoding noise on the second pass
    state = stream([(h, 8.0) for h in loop + jitter + loop])
    replayed = [e for e in state.events if e.type == "stream_replayed"]
    assert len(replayed) == 1 and replayed[0].severity == "high"
    # recognised at 11 s (6 s loop + replay_min_s), it starts where the replay began: the first repeated frame
    assert replayed[0].started_at == 6.0
    assert replayed[0].basis["lag_s"] in (6.0, 12.0)
    [unwatched] = [e for e in state.events if e.type == "not_watched"]
    assert unwatched.started_at == 6.0 and unwatched.basis["reason"] == "replayed"


def test_a_still_picture_resembling_its_past_is_never_a_replay() -> None:
    rng = random.Random(3)
    still = f"{rng.getrandbits(256):064x}"
    state = stream([(flip(still, 1, rng), 4.0) for _ in range(40 * FPS)])
    assert "stream_replayed" not in types(state)


def rocking(seconds: float, rng: random.Random, period_spread: float) -> list[str]:
    """A candidate rocking back and forth: the picture follows a pose that swings with a period of about
    1.5 s, each swing `period_spread` longer or shorter at random, plus a bit or two of camera noise."""
    order = rng.sample(range(256), 256)
    base = rng.getrandbits(256)
    hashes, phase, period = [], 0.0, 1.5
    for _ in range(round(seconds * FPS)):
        previous = phase
        phase += 1 / FPS / period
        if int(phase) != int(previous):
            period = 1.5 * (1 + rng.uniform(-period_spread, period_spread))
        swing = (1 + math.sin(2 * math.pi * phase)) / 2
        value = base
        for position in order[: round(swing * 60)]:
            value ^= 1 << position
        hashes.append(flip(f"{value:064x}", rng.randint(1, 2), rng))
    return hashes


def test_a_long_live_stream_never_repeats_itself_frame_by_frame() -> None:
    state = stream([(h, 6.0) for h in live(120, random.Random(4), step_bits=5)])
    assert "stream_replayed" not in types(state)


def test_a_machine_perfect_rhythm_does_look_like_a_replay() -> None:
    # the rule's known limit (docs/MODELS.md): a picture that is a function of one swinging pose, repeating to
    # the frame, is a loop to it; real candidates move more than one thing at once (honest clips: no flag)
    state = stream([(h, 6.0) for h in rocking(30, random.Random(5), period_spread=0.0)])
    assert "stream_replayed" in types(state)


def test_cameras_reported_by_the_client() -> None:
    engine, state = SessionAnalyzer(build_policy("standard")), SessionState()
    engine.process(state, frame(0.0), 0)
    assert engine.client_event(state, "camera", 1.0, "Integrated Webcam (0bda:58f4)") == []
    assert [e.type for e in engine.client_event(state, "camera", 5.0, "OBS Virtual Camera")] == [
        "camera_changed", "virtual_camera",
    ]  # fmt: skip
    assert all(e.severity == "low" for e in state.events)
