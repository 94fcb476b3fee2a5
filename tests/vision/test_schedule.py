"""The object schedule is a function of the stream's timestamps alone."""

from __future__ import annotations

import itertools

from interview_integrity.config import VisionSettings
from interview_integrity.vision.schedule import Detect, StreamSchedule, advance, plan

SETTINGS = VisionSettings()  # objects every 0.6 s, every detector every 1.8 s, everything after a 2 s pause


def plans(times: list[float], settings: VisionSettings = SETTINGS) -> list[Detect]:
    schedule: StreamSchedule | None = None
    out: list[Detect] = []
    for t in times:
        detect = plan(schedule, t, settings)
        schedule = advance(schedule, t, detect)
        out.append(detect)
    return out


def test_a_stream_starts_with_every_detector() -> None:
    assert plan(None, 12.3, SETTINGS) == "all"


def test_at_5_fps_objects_every_third_frame_and_every_detector_every_ninth() -> None:
    got = plans([i / 5 for i in range(19)])
    assert [i for i, d in enumerate(got) if d != "none"] == [0, 3, 6, 9, 12, 15, 18]
    assert [i for i, d in enumerate(got) if d == "all"] == [0, 9, 18]


def test_objects_are_never_further_apart_than_the_interval_whatever_the_rate() -> None:
    for fps in (2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 30.0):
        times = [i / fps for i in range(int(10 * fps))]
        object_times = [t for t, d in zip(times, plans(times), strict=True) if d != "none"]
        gaps = [b - a for a, b in itertools.pairwise(object_times)]
        assert max(gaps) <= SETTINGS.object_interval_s + 1e-9, fps
        assert min(gaps) >= min(SETTINGS.object_interval_s / 2, 1 / fps) - 1e-9, fps  # and not every frame at 30 fps


def test_a_frame_after_a_pause_gets_every_detector() -> None:
    assert plans([0.0, 0.2, 0.4, 3.0, 3.2]) == ["all", "none", "none", "all", "none"]


def test_frames_3_s_apart_are_each_analysed_fully() -> None:
    assert plans([0.0, 3.0, 6.0, 9.0]) == ["all"] * 4


def test_the_same_timestamps_give_the_same_plan_wherever_the_stream_starts() -> None:
    times = [100 + i * 0.2 for i in range(30)]
    assert plans(times) == plans(list(times))
    assert plans([t - 100 for t in times]) == plans(times)
