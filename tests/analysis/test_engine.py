from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.analysis.rules.base import rule_state
from interview_integrity.analysis.rules.calibration import Baseline
from interview_integrity.vision.signals import FrameSignals
from tests.analysis.signals import frame, with_picture

FPS = 5


def run(
    engine: SessionAnalyzer, seconds: float, make: Callable[[float], FrameSignals], state: SessionState | None = None
) -> SessionState:
    state = state or SessionState()
    start = state.last_timestamp + 1 / FPS if state.last_timestamp is not None else 0.0
    for i in range(round(seconds * FPS)):
        t = round(start + i / FPS, 3)
        engine.process(state, make(t), state.frames)
    return state


def of_type(state: SessionState, kind: str) -> list[Event]:
    return [e for e in state.events if e.type == kind]


@pytest.fixture
def engine() -> SessionAnalyzer:
    return SessionAnalyzer(build_policy("standard"))


def test_no_face_opens_after_three_seconds_and_closes_when_the_face_returns(engine: SessionAnalyzer) -> None:
    state = run(engine, 5, lambda t: frame(t))
    state = run(engine, 2.6, lambda t: frame(t, faces=0), state)
    assert of_type(state, "no_face") == []
    state = run(engine, 1, lambda t: frame(t, faces=0), state)
    [event] = of_type(state, "no_face")
    assert event.open and event.started_at == pytest.approx(5.0)
    assert event.category == "presence" and event.severity == "medium"
    state = run(engine, 3, lambda t: frame(t), state)
    assert not event.open
    assert event.ended_at == pytest.approx(8.4) and event.duration_s == pytest.approx(3.4)
    assert "No face was visible for 3 s" in event.message
    assert event.frames and all(25 <= i < 43 for i in event.frames)


def test_a_brief_return_does_not_split_one_absence_into_two(engine: SessionAnalyzer) -> None:
    state = run(engine, 4, lambda t: frame(t, faces=0))
    state = run(engine, 0.6, lambda t: frame(t), state)  # shorter than close_after_s: hysteresis
    state = run(engine, 4, lambda t: frame(t, faces=0), state)
    assert len(of_type(state, "no_face")) == 1
    state = run(engine, 2, lambda t: frame(t), state)  # closes
    state = run(engine, 4, lambda t: frame(t, faces=0), state)  # back within merge_within_s: same event
    [event] = of_type(state, "no_face")
    assert event.open and event.started_at == 0.0


def test_gaze_away_needs_four_seconds_and_one_long_look_is_one_event(engine: SessionAnalyzer) -> None:
    state = run(engine, 6, lambda t: frame(t))
    state = run(engine, 3.6, lambda t: frame(t, h=-40, direction="right"), state)
    assert of_type(state, "gaze_away") == []
    state = run(engine, 20, lambda t: frame(t, h=-40, direction="right"), state)
    [event] = of_type(state, "gaze_away")
    assert event.detail == "toward image-right" and event.severity == "medium"  # >= 3x the minimum
    assert "looked toward image-right" in event.message


def test_unknown_frames_never_raise_attention_or_presence_events(engine: SessionAnalyzer) -> None:
    state = run(engine, 20, lambda t: frame(t, faces=0, usable=False))
    state = run(engine, 20, lambda t: frame(t, direction="unknown"), state)
    kinds = {e.type for e in state.events}
    assert "no_face" not in kinds and "gaze_away" not in kinds
    [blocked] = of_type(state, "camera_blocked")
    assert blocked.severity == "low" and "could not be assessed" in blocked.message


def test_calibration_makes_gaze_relative_to_the_candidate(engine: SessionAnalyzer) -> None:
    # this candidate's screen sits 18 degrees to the image-left of the camera
    state = run(engine, 10, lambda t: frame(t, h=18))
    baseline = rule_state(state, "calibration", Baseline)
    assert baseline.complete and baseline.horizontal == pytest.approx(18)
    state = run(engine, 10, lambda t: frame(t, h=35, direction="left"), state)
    assert of_type(state, "gaze_away") == []
    state = run(engine, 6, lambda t: frame(t, h=-15, direction="center"), state)
    assert len(of_type(state, "gaze_away")) == 1
    engine.calibrate(state)
    assert not rule_state(state, "calibration", Baseline).complete


def test_accommodations_switch_rules_off() -> None:
    engine = SessionAnalyzer(build_policy({"disabled_rules": ["gaze_away", "repeated_glances"]}))
    state = run(engine, 30, lambda t: frame(t, h=-40, direction="right"))
    assert state.events == []


def test_phone_needs_two_of_five_analysed_frames(engine: SessionAnalyzer) -> None:
    state = run(engine, 2, lambda t: frame(t))
    state = run(engine, 0.2, lambda t: frame(t, objects=("cell phone",)), state)
    state = run(engine, 0.8, lambda t: frame(t), state)
    assert of_type(state, "phone_detected") == []
    state = run(engine, 0.4, lambda t: frame(t, objects=("cell phone",)), state)
    [event] = of_type(state, "phone_detected")
    assert event.category == "device"
    assert event.severity == "low"  # no second look confirmed these boxes


PHONE = ("cell phone",)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([None] * 40, "low"),  # 8 s of boxes no second look checked: never more than low
        ([0.9, 0.9, 0.9, 0.9], "low"),  # confirmed, but within one second: a glimpse
        ([0.9] + [None] * 14 + [0.9], "high"),  # confirmed twice, 3 s apart
        ([0.98, None], "high"),  # very sure once
        ([0.96] + [None] * 5 + [0.9], "low"),  # twice, but only 1.2 s apart
    ],
)
def test_a_phone_is_high_only_when_the_second_look_was_sure(
    engine: SessionAnalyzer, scores: list[float | None], expected: str
) -> None:
    """Every frame here checks objects and shows a phone box; `scores` is what the second look made of it."""
    state = run(engine, 2, lambda t: frame(t))
    start = state.last_timestamp or 0.0
    for i, score in enumerate(scores):
        t = round(start + (i + 1) / FPS, 3)
        engine.process(state, frame(t, objects=PHONE, second_look=score), state.frames)
    engine.finish(state)
    [event] = of_type(state, "phone_detected")
    assert event.severity == expected, event.basis
    confirmed = [s for s in scores if s is not None]
    assert event.basis["verified_frames"] == len(confirmed)
    if confirmed:
        assert event.confidence == pytest.approx(sum(confirmed) / len(confirmed), abs=0.01)
        assert f"{event.confidence:.2f} sure on average" in event.measured
    else:
        assert "no second look checked it" in event.measured


def test_frames_without_object_detection_do_not_vote(engine: SessionAnalyzer) -> None:
    state = run(engine, 5, lambda t: frame(t, objects=("cell phone",), analyzed=False))
    assert of_type(state, "phone_detected") == []


def test_multiple_faces_and_faceless_person(engine: SessionAnalyzer) -> None:
    state = run(engine, 3, lambda t: frame(t, faces=2))
    assert len(of_type(state, "multiple_faces")) == 1
    state = run(engine, 3, lambda t: frame(t, objects=("person",)), state)
    assert len(of_type(state, "extra_person")) == 1


def test_repeated_glances(engine: SessionAnalyzer) -> None:
    state = run(engine, 6, lambda t: frame(t))
    for _ in range(6):
        state = run(engine, 1.4, lambda t: frame(t, h=-40, direction="right"), state)
        state = run(engine, 3, lambda t: frame(t), state)
    [event] = of_type(state, "repeated_glances")
    assert event.detail == "6 times" and of_type(state, "gaze_away") == []


def test_client_events_and_summary(engine: SessionAnalyzer) -> None:
    state = run(engine, 10, lambda t: frame(t))
    [event] = engine.client_event(state, "tab_hidden", 9.0)
    assert event.category == "client" and event.message == "The interview tab was hidden."
    summary = engine.summary(state)
    assert summary.frames_analyzed == 50 and summary.share_with_face == 1.0
    assert summary.events_by_type == {"tab_hidden": 1}
    assert summary.verdict == "clear"


def test_state_round_trips_through_json(engine: SessionAnalyzer) -> None:
    state = run(engine, 8, lambda t: frame(t, faces=0 if t > 3 else 1, objects=("cell phone",)))
    copy = SessionState.model_validate_json(state.model_dump_json())
    run(engine, 2, lambda t: frame(t), state)
    run(engine, 2, lambda t: frame(t), copy)
    assert copy.model_dump() == state.model_dump()


def test_devices_and_books_far_behind_the_candidate_do_not_count(engine: SessionAnalyzer) -> None:
    state = run(engine, 10, lambda t: frame(t))  # the setup: nothing on the desk
    # the face is 100x100 px: a 60x60 monitor is further away than the candidate can reach
    state = run(engine, 3, lambda t: frame(t, objects=("tv", "book"), object_size=60), state)
    assert state.events == []
    state = run(engine, 3, lambda t: frame(t, objects=("tv", "book"), object_size=120), state)
    assert {e.type for e in state.events} == {"device_detected", "book_detected"}
    [device] = of_type(state, "device_detected")
    assert device.basis["votes"] >= 3 and device.basis["setup"] == []


def test_without_a_face_every_device_counts(engine: SessionAnalyzer) -> None:
    state = run(engine, 10, lambda t: frame(t, faces=0))
    state = run(engine, 4, lambda t: frame(t, faces=0, objects=("laptop",), object_size=40), state)
    assert "device_detected" in {e.type for e in state.events}


def test_a_screen_there_from_the_start_is_setup_and_one_that_appears_later_is_not(engine: SessionAnalyzer) -> None:
    state = run(engine, 20, lambda t: frame(t, objects=("tv",), object_size=150))
    assert of_type(state, "device_detected") == []
    check = engine.summary(state).check
    assert check.setup == ["screen (lower centre)"] and check.status == "ready"
    # a second screen, elsewhere, after the setup: an event that names the setup it was told from
    state = run(engine, 3, lambda t: frame(t, objects=("tv",), object_size=150, at=(20, 20)), state)
    [device] = of_type(state, "device_detected")
    assert device.basis["setup"] == ["screen (lower centre)"]


def test_a_side_camera_is_its_own_baseline_and_an_oblique_one_cannot_assess_gaze(engine: SessionAnalyzer) -> None:
    # a webcam beside the monitor: the candidate reads her screen at 30 degrees the whole time
    state = run(engine, 60, lambda t: frame(t, h=30 + (t % 1) * 4, yaw=30, direction="left"))
    assert [e for e in state.events if e.severity != "low"] == [] and state.events == []
    # a face in profile from the start: gaze is never away, whatever the readings say
    profile = run(engine, 60, lambda t: frame(t, h=(-1) ** int(t) * 40, yaw=50, direction="left"))
    assert of_type(profile, "gaze_away") == [] and of_type(profile, "repeated_glances") == []
    check = engine.summary(profile).check
    assert check.gaze_assessable is False and "from the side" in (check.gaze_reason or "")
    assert check.status == "needs_attention" and check.camera.view == "from the side"
    # the head turning 45 degrees further from that baseline still counts
    profile = run(engine, 20, lambda t: frame(t, yaw=95, direction="left"), profile)
    [turned] = of_type(profile, "head_turned")
    assert turned.basis["baseline_deg"] == 50 and turned.basis["departure_deg"] == 45


def test_gaze_events_say_what_they_were_measured_against(engine: SessionAnalyzer) -> None:
    state = run(engine, 10, lambda t: frame(t, h=5))
    state = run(engine, 8, lambda t: frame(t, h=-35, direction="right"), state)
    [event] = of_type(state, "gaze_away")
    assert event.basis["baseline_deg"] == 5.0 and event.basis["observed_deg"] == -35.0
    assert event.basis["departure_deg"] == 40.0 and event.basis["threshold_deg"] == 25.0
    assert event.basis["departure_spreads"] >= 10  # steady readings: a spread of 2 degrees at most


def test_attention_waits_for_the_baseline(engine: SessionAnalyzer) -> None:
    state = run(engine, 4, lambda t: frame(t, h=-40, direction="right"))  # before calibration completes
    assert of_type(state, "gaze_away") == [] and engine.summary(state).check.status == "checking"


def test_a_moved_laptop_becomes_the_new_baseline_after_a_minute(engine: SessionAnalyzer) -> None:
    state = run(engine, 10, lambda t: frame(t))
    state = run(engine, 120, lambda t: frame(t, h=-40, yaw=-20, direction="right"), state)
    [event] = of_type(state, "gaze_away")
    assert event.ended_at is not None and 55 <= event.duration_s <= 70  # away for about a minute, not for ever
    state = run(engine, 10, lambda t: frame(t, h=-40, yaw=-20, direction="right"), state)
    assert len(of_type(state, "gaze_away")) == 1


def test_the_risk_timeline_holds_the_peak_where_the_summary_puts_it(engine: SessionAnalyzer) -> None:
    # an event opens back at its first frame: the points it adds must appear on the chart there too
    state = run(engine, 3, lambda t: frame(t))
    state = run(engine, 8, lambda t: frame(t, faces=2), state)
    state = run(engine, 5, lambda t: frame(t, faces=0), state)
    summary = engine.summary(state)
    peak_at = summary.explanation.peak_at
    assert summary.peak_risk > 0 and peak_at is not None
    assert (round(peak_at, 2), summary.peak_risk) in [(t, round(s, 1)) for t, s in state.risk_timeline]
    assert max(s for _, s in state.risk_timeline) == pytest.approx(summary.peak_risk, abs=0.05)
    times = [t for t, _ in state.risk_timeline]
    assert times == sorted(times)


def test_a_pause_is_a_gap_and_a_slow_steady_stream_is_not(engine: SessionAnalyzer) -> None:
    slow = SessionState()
    for i in range(10):
        engine.process(slow, frame(i * 3.0), i)  # a still every 3 s
    assert slow.gaps == []
    engine.process(slow, frame(27.0 + 20), 10)
    assert slow.gaps == [(27.0, 47.0)]
    steady = run(engine, 4, lambda t: frame(t))
    engine.process(steady, frame(steady.last_timestamp + 2.5), steady.frames)  # type: ignore[operator]
    assert len(steady.gaps) == 1


def test_ending_forgets_the_face_templates_and_frame_signatures(engine: SessionAnalyzer) -> None:
    import numpy as np

    from interview_integrity.analysis.rules.camera import Camera
    from interview_integrity.analysis.rules.identity import Identity
    from interview_integrity.vision.signals import FaceIdentity

    rng = np.random.default_rng(7)
    state = SessionState()
    for i in range(40):
        signals = frame(i / FPS)
        vector = rng.normal(size=128)
        signals.identity = FaceIdentity(vector=list(vector / np.linalg.norm(vector) * 0.1), yaw=0.0, faces=1)
        engine.process(state, signals, i)
    assert rule_state(state, "identity", Identity).templates
    state.rules["camera"] = Camera(hashes=[(0.0, "ab" * 32)], openness=[0.3], cameras=["USB cam"]).model_dump()
    engine.finish(state)
    assert rule_state(state, "identity", Identity).templates == []
    assert rule_state(state, "identity", Identity).reference is None
    camera = rule_state(state, "camera", Camera)
    assert camera.hashes == [] and camera.openness == [] and camera.cameras == ["USB cam"]


def test_a_face_never_seen_for_20_s_is_high_and_a_candidate_who_leaves_is_medium(engine: SessionAnalyzer) -> None:
    never = run(engine, 21, lambda t: frame(t, faces=0))
    [absent] = of_type(never, "no_face")
    assert absent.severity == "high" and absent.basis["face_seen_before"] is False
    left = run(engine, 5, lambda t: frame(t))
    left = run(engine, 21, lambda t: frame(t, faces=0), left)
    [gone] = of_type(left, "no_face")
    assert gone.severity == "medium" and gone.basis["face_seen_before"] is True


def _room() -> np.ndarray:
    """A textured grey room (640x480): walls and shelves at thumbnail scale."""
    rng = np.random.default_rng(3)
    return cv2.resize(rng.integers(40, 200, (24, 32), dtype=np.uint8), (640, 480), interpolation=cv2.INTER_NEAREST)


def test_a_device_first_detected_late_where_the_picture_has_not_changed_is_setup(engine: SessionAnalyzer) -> None:
    """The detector scores the desk's own screen only from 12 s on: it was there from the start, so no event."""
    room = _room()
    state = run(engine, 12, lambda t: with_picture(frame(t), room))
    state = run(engine, 6, lambda t: with_picture(frame(t, objects=("tv",), object_size=160, at=(0, 0)), room), state)
    assert of_type(state, "device_detected") == []
    assert engine.summary(state).check.setup == ["screen (at the left edge, there from the start)"]
    assert state.rules["setup"]["reference"] is not None  # the setup's look serves the live session...
    engine.finish(state)
    assert state.rules["setup"]["reference"] is None and state.rules["setup"]["looks"] == []  # ...and no more


def test_a_device_whose_region_changed_since_the_setup_is_new(engine: SessionAnalyzer) -> None:
    room = _room()
    state = run(engine, 12, lambda t: with_picture(frame(t), room))
    changed = room.copy()
    changed[0:160, 0:160] = cv2.GaussianBlur(changed[0:160, 0:160], (0, 0), 1) // 3 + 150  # a bright laptop lid
    changed[40:120, 30:130] = 30  # its screen
    state = run(
        engine, 6, lambda t: with_picture(frame(t, objects=("tv",), object_size=160, at=(0, 0)), changed), state
    )
    [device] = of_type(state, "device_detected")
    assert device.basis["setup"] == [] and engine.summary(state).check.setup == []
