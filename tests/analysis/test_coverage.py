"""Coverage on synthetic signals: what was not watched is a `not_watched` event with its reason, and a session
watched too little is `incomplete`, never `clear` (real frames over the API: tests/api/test_coverage.py)."""

from __future__ import annotations

import itertools
import random

import pytest

from interview_integrity.analysis.coverage import measure, refused, watch_of
from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.vision.signals import FrameSignals, FrameSignature
from tests.analysis.signals import frame

FPS = 5


def moving(t: float, rng: random.Random, **kwargs: object) -> FrameSignals:
    """A live frame: a picture that changes from the last one."""
    signals = frame(t, **kwargs)  # type: ignore[arg-type]
    signals.signature = FrameSignature(dhash=f"{rng.getrandbits(256):064x}", change=9.0)
    return signals


def still(t: float) -> FrameSignals:
    signals = frame(t)
    signals.signature = FrameSignature(dhash="ab" * 32, change=1.0)
    return signals


def feed(engine: SessionAnalyzer, state: SessionState, frames: list[FrameSignals], **kwargs: float) -> None:
    for signals in frames:
        engine.process(state, signals, state.frames, **kwargs)


def unwatched(state: SessionState) -> list[Event]:
    return [e for e in state.events if e.type == "not_watched"]


@pytest.fixture
def engine() -> SessionAnalyzer:
    return SessionAnalyzer(build_policy("standard"))


def test_an_honest_continuous_stream_is_watched_all_the_time_and_clear(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(1), SessionState()
    feed(engine, state, [moving(i / FPS, rng) for i in range(60 * FPS)])
    engine.finish(state)
    summary = engine.summary(state)
    assert unwatched(state) == [] and summary.verdict == "clear"
    assert summary.coverage.share == 1.0 and summary.coverage.open_s == pytest.approx(59.8)
    assert summary.coverage.enough and summary.coverage.refused.count == 0


def test_ten_minutes_without_frames_are_not_watched_and_the_session_is_incomplete(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(2), SessionState()
    feed(engine, state, [moving(i * 0.2, rng) for i in range(5)] + [moving(600 + i * 0.2, rng) for i in range(3)])
    engine.finish(state)
    summary = engine.summary(state)
    [gap] = unwatched(state)
    assert (gap.started_at, gap.ended_at, gap.basis["reason"]) == (0.8, 600.0, "no_frames")
    assert "no frame arrived" in gap.message and gap.severity == "low" and gap.category == "coverage"
    assert summary.verdict == "incomplete"
    assert summary.coverage.longest_unwatched_s == pytest.approx(599.2)
    assert summary.coverage.share == pytest.approx(1.2 / 600.4, abs=0.001)
    assert summary.explanation.reason.startswith("9 min 59 s in a row could not be watched (at most 60 s may be)")
    assert summary.explanation.meaning.startswith("Too little of this session could be watched")
    assert summary.peak_risk == 0  # not watched is not a suspicion


def test_frames_refused_after_a_far_future_frame_are_counted_and_not_watched(engine: SessionAnalyzer) -> None:
    state = SessionState()
    engine.process(state, frame(1e6), 0, arrived_at=0.1)
    for i in range(36):  # a recording from 0 s, each frame refused: out of order
        refused(state, "out_of_order", arrived=0.2 + i * 0.2, claimed=i * 0.2)
    live = engine.summary(state)
    assert live.verdict == "incomplete" and live.coverage.refused.count == 36
    engine.finish(state, ended_at=7.5)
    summary = engine.summary(state)
    [gap] = unwatched(state)
    assert gap.basis == {"reason": "refused", "refused": {"out_of_order": 36}, "from_s": 1e6, "to_s": 1e6 + 7.2}
    assert gap.message == "For 7 s the session could not be watched: 36 frames refused (out of order)."
    assert summary.coverage.refused.by_reason == {"out_of_order": 36}
    [run] = summary.coverage.refused.runs
    assert (run.count, run.claimed, run.seconds) == (36, (0.0, 7.0), 7.2)
    assert run.at == pytest.approx(1e6 + 0.1)  # where it arrived, on the session's (the frames') clock
    assert summary.verdict == "incomplete" and summary.coverage.share == 0.0
    assert "of refused frames" in summary.explanation.reason


def test_a_frozen_picture_for_twelve_of_sixteen_seconds_is_incomplete(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(3), SessionState()
    feed(engine, state, [moving(i / FPS, rng) for i in range(2 * FPS)])
    feed(engine, state, [still(2 + i / FPS) for i in range(12 * FPS)])
    feed(engine, state, [moving(14 + i / FPS, rng) for i in range(2 * FPS + 1)])
    engine.finish(state)
    summary = engine.summary(state)
    [frozen] = [e for e in state.events if e.type == "stream_frozen"]
    [gap] = unwatched(state)
    assert gap.basis["reason"] == "frozen" and gap.started_at == frozen.started_at == pytest.approx(2.0)
    assert gap.ended_at == pytest.approx(14.0) and "frozen" in gap.message
    assert summary.verdict == "incomplete"
    assert summary.coverage.unwatched_by_reason == {"frozen": pytest.approx(12.0)}
    assert summary.coverage.share == pytest.approx(4 / 16, abs=0.01)


def test_an_unusable_picture_counts_once_it_lasts_camera_blocked_s_and_then_from_its_start(
    engine: SessionAnalyzer,
) -> None:
    rng = random.Random(4)
    dark = {"usable": False, "faces": 0}
    short = SessionState()  # 2 s of darkness in 60 s (the lights off for a moment): watched
    feed(engine, short, [moving(i / FPS, rng, **({} if not 100 <= i < 110 else dark)) for i in range(60 * FPS)])
    assert unwatched(short) == [] and engine.summary(short).verdict == "clear"
    long = SessionState()  # 8 s of 60 s: not watched from its first frame, 87% watched
    feed(engine, long, [moving(i / FPS, rng, **({} if not 100 <= i < 140 else dark)) for i in range(60 * FPS)])
    [gap] = unwatched(long)
    assert (gap.started_at, gap.ended_at, gap.basis["reason"]) == (20.0, 28.0, "unusable")
    assert "frame too dark" in gap.detail
    summary = engine.summary(long)
    assert summary.verdict == "incomplete" and summary.coverage.share == pytest.approx(51.8 / 59.8, abs=0.001)
    lenient = SessionAnalyzer(build_policy({"min_watched_share": 0.8}))  # the policy decides, per session
    assert lenient.summary(long).verdict == "clear"
    dim = SessionState()  # too dark for gaze all along, but the face is found: watched
    feed(engine, dim, [moving(i / FPS, rng, usable=False) for i in range(60 * FPS)])
    assert unwatched(dim) == [] and engine.summary(dim).verdict == "clear"


def test_a_live_stream_that_goes_silent_before_the_end_was_not_watched_until_the_end(engine: SessionAnalyzer) -> None:
    rng = random.Random(5)
    live = SessionState()  # frames the server timed as they arrived, then nothing for 5 minutes
    for i in range(30 * FPS):
        engine.process(live, moving(10 + i / FPS, rng), i, arrived_at=10 + i / FPS)
    engine.finish(live, ended_at=10 + 30 + 300)
    [gap] = unwatched(live)
    assert gap.basis["reason"] == "no_frames" and gap.basis["ended"] is True
    assert gap.started_at == pytest.approx(39.8) and gap.duration_s == pytest.approx(300.2, abs=0.01)
    assert engine.summary(live).verdict == "incomplete"
    for rate in (1, 4):  # frames with their own timestamps, sent as fast as they play or faster: their own clock
        timed = SessionState()
        for i in range(30 * FPS):
            engine.process(timed, moving(i / FPS, rng), i, arrived_at=10 + i / (rate * FPS))
        engine.finish(timed, ended_at=10 + 30 + 300)
        assert unwatched(timed) == [] and engine.summary(timed).verdict == "clear"


def test_refused_frames_cost_no_time_when_analysed_frames_cover_it_and_name_a_pause_when_not(
    engine: SessionAnalyzer,
) -> None:
    rng, state = random.Random(6), SessionState()
    feed(engine, state, [moving(i / FPS, rng) for i in range(10)])
    refused(state, "busy", arrived=1.9, claimed=1.9)  # one refused between two analysed frames
    feed(engine, state, [moving(2.0 + i / FPS, rng) for i in range(10)])
    assert unwatched(state) == [] and watch_of(state).refused == {"busy": 1}
    for i in range(20):  # bad images for 4 s, then frames again
        refused(state, "bad_image", arrived=4.0 + i / FPS, claimed=4.0 + i / FPS)
    feed(engine, state, [moving(8.0 + i / FPS, rng) for i in range(10)])
    [gap] = unwatched(state)
    assert gap.basis["reason"] == "refused" and gap.basis["refused"] == {"bad_image": 20}
    assert (gap.started_at, gap.ended_at) == (pytest.approx(3.8), 8.0)


def test_frames_refused_before_the_first_analysed_frame_are_not_watched_before_it(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(7), SessionState()
    for i in range(15):
        refused(state, "bad_timestamp", arrived=i / FPS, claimed=None)
    feed(engine, state, [moving(3.0 + i / FPS, rng) for i in range(30 * FPS)])
    [gap] = unwatched(state)
    assert gap.ended_at == 3.0 and gap.duration_s == pytest.approx(3.0)
    coverage = measure(state, engine.policy)
    assert coverage.open_s == pytest.approx(32.8) and coverage.share == pytest.approx(29.8 / 32.8, abs=0.001)


def test_what_was_seen_still_decides_and_its_reason_says_how_little_was_watched(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(8), SessionState()
    feed(engine, state, [moving(i / FPS, rng, faces=2) for i in range(4 * FPS)])
    feed(engine, state, [moving(300 + i / FPS, rng) for i in range(4 * FPS)])
    engine.finish(state)
    summary = engine.summary(state)
    assert summary.verdict in ("review", "high_risk")
    assert "Also, " in summary.explanation.reason and "could not be watched" in summary.explanation.reason


def test_one_long_stretch_is_incomplete_whatever_the_share(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(9), SessionState()
    feed(engine, state, [moving(i, rng) for i in range(1200)])  # 20 min, one frame a second
    feed(engine, state, [moving(1299 + i, rng) for i in range(1200)])  # after 100 s without frames
    summary = engine.summary(state)
    assert summary.coverage.share is not None and summary.coverage.share > 0.95
    assert summary.coverage.longest_unwatched_s == pytest.approx(100.0) and summary.verdict == "incomplete"
    assert SessionAnalyzer(build_policy("lenient")).summary(state).verdict == "clear"  # 120 s allowed there


def test_a_back_dated_event_never_draws_the_risk_back_in_time(engine: SessionAnalyzer) -> None:
    rng, state = random.Random(10), SessionState()
    half_life = engine.policy.risk_half_life_s
    feed(engine, state, [moving(i / FPS, rng) for i in range(10 * FPS)])
    objects: list[FrameSignals] = []
    for i in range(40 * FPS):  # a phone in view: recognised on its second vote, it starts at its first
        objects.append(moving(10 + i / FPS, rng, objects=("cell phone",) if i < 10 * FPS else ()))
    feed(engine, state, objects)
    [phone] = [e for e in state.events if e.type == "phone_detected"]
    assert phone.started_at == pytest.approx(10.0)
    timeline = state.risk_timeline
    assert [t for t, _ in timeline] == sorted(t for t, _ in timeline)
    for (t0, s0), (t1, s1) in itertools.pairwise(timeline):
        assert s1 >= s0 * 0.5 ** ((t1 - t0) / half_life) - 0.15, (t0, s0, t1, s1)  # no dip, no fast fall
    summary = engine.summary(state)
    assert max(s for _, s in timeline) == pytest.approx(summary.peak_risk, abs=0.05)
    assert summary.explanation.peak_at is not None and summary.explanation.peak_at >= phone.started_at
