"""The object schedule is a function of the stream's timestamps alone."""

from __future__ import annotations

import itertools
import random

from interview_integrity.config import VisionSettings
from interview_integrity.vision.schedule import Detect, StreamSchedule, advance, phase_of, plan

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


def phased(times: list[float], phase: float, settings: VisionSettings = SETTINGS) -> list[Detect]:
    """The plan of a stream whose first frame gave it `phase`."""
    schedule = advance(None, times[0], "all", phase=phase)
    out: list[Detect] = ["all"]
    for t in times[1:]:
        detect = plan(schedule, t, settings)
        schedule = advance(schedule, t, detect)
        out.append(detect)
    return out


PHASES = [i / 12 for i in range(12)]


def test_the_phase_is_a_hash_of_the_first_timestamp() -> None:
    assert phase_of(0.0) == 0.0  # a replay from 0 plans as before
    assert phase_of(0.012) == phase_of(0.012000000001) == 0.407841257750988  # the same on every run and replica
    phases = [phase_of(ms / 1000) for ms in range(1, 201)]  # sessions timed on arrival, a millisecond apart
    assert all(0.0 <= p < 1.0 for p in phases) and len(set(phases)) == 200
    assert [sum(int(p * 3) == third for p in phases) for third in range(3)] == [68, 69, 63]  # evenly spread


def test_a_phased_plan_is_a_function_of_the_streams_own_input() -> None:
    times = [100 + i * 0.2 for i in range(40)]
    for phase in PHASES:
        assert phased(times, phase) == phased(list(times), phase)
        assert phased([t - 100 for t in times], phase) == phased(times, phase)
    # kept with the session: a schedule read back plans the same
    schedule = advance(None, 0.0, "all", phase=0.37)
    assert StreamSchedule.model_validate_json(schedule.model_dump_json()) == schedule


def test_streams_started_together_look_for_objects_at_different_moments() -> None:
    times = [i / 5 for i in range(30)]
    first, second = phase_of(0.004), phase_of(0.007)  # two sessions timed on arrival, 3 ms apart
    assert first != second
    objects = [[t for t, d in zip(times, phased(times, p), strict=True) if d != "none"] for p in (first, second)]
    assert objects[0][0] == objects[1][0] == 0.0 and objects[0][1:] != objects[1][1:]
    # thirty sessions whose first frames arrive within a frame: their object frames spread over the frames,
    # where without a phase every one of them looks on the same frames
    arrivals = random.Random(29)
    phases = [phase_of(round(arrivals.uniform(0.0, 0.2), 3)) for _ in range(30)]  # on arrival, to the millisecond
    at_once = [sum(phased(times, p)[k] != "none" for p in phases) for k in range(1, len(times))]
    assert max(at_once) <= 15 and [sum(phased(times, 0.0)[k] != "none" for _ in phases) for k in (3, 6)] == [30, 30]


def test_a_phased_stream_still_keeps_its_intervals_and_its_cost() -> None:
    for fps in (2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 30.0):
        times = [i / fps for i in range(int(10 * fps))]
        baseline = plans(times)
        for phase in PHASES:
            got = phased(times, phase)
            assert got[0] == "all", (fps, phase)  # the first frame: every detector
            for kind, interval in (("objects", SETTINGS.object_interval_s), ("heavy", SETTINGS.heavy_interval_s)):
                wanted = ("light", "all") if kind == "objects" else ("all",)
                at = [t for t, d in zip(times, got, strict=True) if d in wanted]
                gaps = [b - a for a, b in itertools.pairwise(at)]
                assert max(gaps) <= interval + 1e-9, (fps, phase, kind)
                assert min(gaps) >= min(interval / 2, 1 / fps) - 1e-9, (fps, phase, kind)
            # no more object frames than the unphased plan, but for the phase's one extra at the start
            assert sum(d != "none" for d in got) <= sum(d != "none" for d in baseline) + 1, (fps, phase)
            assert sum(d == "all" for d in got) <= sum(d == "all" for d in baseline) + 1, (fps, phase)
