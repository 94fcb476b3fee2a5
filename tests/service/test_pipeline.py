from __future__ import annotations

import asyncio
import random
from typing import Any

import cv2
import pytest

from interview_integrity.analysis.coverage import watch_of
from interview_integrity.config import Settings
from interview_integrity.errors import Busy, Conflict, Unprocessable
from interview_integrity.metrics import Metrics
from interview_integrity.service.pipeline import Pipeline
from interview_integrity.service.results import FrameResult
from interview_integrity.stores.base import Expiry
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA


async def test_a_session_keeps_the_face_track_while_active_and_drops_it_at_the_end(analyzer: FrameAnalyzer) -> None:
    settings = Settings(workers=1)
    store = MemoryStore(Expiry(idle_ttl_s=60, retention_s=60))
    pipeline = Pipeline(settings, analyzer, store, Metrics())
    try:
        record = await pipeline.sessions.start("cand", None, {}, owner=None)
        frames = _webcam_jpegs(4)
        results = [await pipeline.frames.analyze(record.id, None, jpeg, t) for t, jpeg in frames]
        # after the first frame, each frame follows the faces of the one before, read from the session record
        assert not results[0].faces.followed
        assert all(r.faces.followed for r in results[1:])
        stored = await store.get(record.id)
        assert stored is not None and stored.face_track is not None and stored.face_track.timestamp == frames[-1][0]
        await pipeline.sessions.end(record.id, None)
        ended = await store.get(record.id)
        assert ended is not None and ended.face_track is None and ended.stream_schedule is None
    finally:
        pipeline.close()


async def test_frames_sent_all_at_once_give_what_frames_sent_one_by_one_give(analyzer: FrameAnalyzer) -> None:
    """The frames are analysed in time order whatever order their requests arrive in."""
    settings = Settings(workers=2, queue_per_worker=8)
    pipeline = Pipeline(settings, analyzer, MemoryStore(Expiry(idle_ttl_s=60, retention_s=60)), Metrics())
    frames = _jpegs("vid_two_faces_books.mp4", 12)  # 2.2 s of two faces: multiple_faces opens at 1.5 s
    try:
        one_by_one = await pipeline.sessions.start("cand", None, {}, owner=None)
        sequential = [await pipeline.frames.analyze(one_by_one.id, None, jpeg, t) for t, jpeg in frames]
        together = await pipeline.sessions.start("cand", None, {}, owner=None)
        shuffled = random.Random(7).sample(frames, len(frames))
        concurrent = await asyncio.gather(
            *(pipeline.frames.analyze(together.id, None, jpeg, t) for t, jpeg in shuffled)
        )
        by_time = sorted(concurrent, key=lambda r: r.timestamp)
        assert [r.frame_index for r in by_time] == list(range(len(frames)))  # numbered in time order
        for a, b in zip(sequential, by_time, strict=True):
            assert (a.faces, a.gaze, a.objects, a.objects_analyzed) == (b.faces, b.gaze, b.objects, b.objects_analyzed)
        reports = [await pipeline.sessions.end(s.id, None) for s in (one_by_one, together)]
        sequential_events = [(e.type, e.started_at, e.ended_at, e.severity) for e in reports[0].events]
        assert "multiple_faces" in [kind for kind, *_ in sequential_events]
        assert [(e.type, e.started_at, e.ended_at, e.severity) for e in reports[1].events] == sequential_events
        assert reports[0].summary.share_looking_at_screen == reports[1].summary.share_looking_at_screen
    finally:
        pipeline.close()


async def test_a_late_frame_is_refused_and_counted_but_changes_no_analysis(analyzer: FrameAnalyzer) -> None:
    pipeline = Pipeline(Settings(workers=1), analyzer, MemoryStore(Expiry(60, 60)), Metrics())
    frames = _webcam_jpegs(3)
    try:
        record = await pipeline.sessions.start("cand", None, {}, owner=None)
        # the frames lie 60 s into the session, so an untimed frame's arrival is before them on any machine
        for t, jpeg in frames[1:]:
            await pipeline.frames.analyze(record.id, None, jpeg, 60 + t)
        before = await pipeline.store.get(record.id)
        with pytest.raises(Conflict) as late:
            await pipeline.frames.analyze(record.id, None, frames[0][1], 60 + frames[0][0])
        assert late.value.code == "frame_out_of_order"
        with pytest.raises(Unprocessable) as jump:
            await pipeline.frames.analyze(record.id, None, frames[0][1], 1e6)
        assert jump.value.code == "timestamp_out_of_range"
        with pytest.raises(Conflict):  # timed on arrival: seconds into the session, before the last frame
            await pipeline.frames.analyze(record.id, None, frames[0][1], None)
        after = await pipeline.store.get(record.id)
        assert before is not None and after is not None
        # what the frames showed is as it was; the refusals are counted, with their reasons and timestamps
        assert after.state.events == before.state.events and after.state.frames == before.state.frames
        assert after.next_frame_index == before.next_frame_index and after.face_track == before.face_track
        watch = watch_of(after.state)
        assert watch.refused == {"out_of_order": 2, "clock_jump": 1}
        assert [(run.reason, run.count, run.claimed) for run in watch.runs] == [
            ("out_of_order", 1, (60 + frames[0][0], 60 + frames[0][0])),
            ("clock_jump", 1, (1e6, 1e6)),
            ("out_of_order", 1, None),
        ]
    finally:
        pipeline.close()


def _webcam_jpegs(count: int) -> list[tuple[float, bytes]]:
    return _jpegs("vid_webcam_normal.mp4", count)


def _jpegs(video: str, count: int) -> list[tuple[float, bytes]]:
    frames = []
    for timestamp, frame in sample_frames(DATA / video, 5.0):
        frames.append((timestamp, cv2.imencode(".jpg", frame)[1].tobytes()))
        if len(frames) == count:
            break
    return frames


async def test_a_frame_sent_again_is_answered_as_before_and_counted_once(analyzer: FrameAnalyzer) -> None:
    pipeline = Pipeline(Settings(workers=2), analyzer, MemoryStore(Expiry(60, 60)), Metrics())
    frames = _jpegs("vid_two_faces_books.mp4", 10)
    try:
        record = await pipeline.sessions.start("cand", None, {}, owner=None)
        first = [await pipeline.frames.analyze(record.id, None, jpeg, t) for t, jpeg in frames[:6]]
        # the same frames again (a client that lost the answers): the kept answers, nothing analysed
        again = [await pipeline.frames.analyze(record.id, None, jpeg, t) for t, jpeg in frames[3:6]]
        assert [a.resent for a in again] == [True] * 3
        assert [a.model_copy(update={"resent": False}) for a in again] == first[3:6]
        # twice at once, as a client that timed out and sent again sends it: analysed and counted once
        t, jpeg = frames[6]
        both = await asyncio.gather(*(pipeline.frames.analyze(record.id, None, jpeg, t) for _ in range(2)))
        assert sorted(r.resent for r in both) == [False, True] and both[0].frame_index == both[1].frame_index == 6
        for t, jpeg in frames[7:]:
            await pipeline.frames.analyze(record.id, None, jpeg, t)
        status = await pipeline.sessions.status(record.id, None)
        assert status.frames_analyzed == len(frames)
        # the same frames sent once each give the same report
        once = await pipeline.sessions.start("cand", None, {}, owner=None)
        for t, jpeg in frames:
            await pipeline.frames.analyze(once.id, None, jpeg, t)
        reports = [await pipeline.sessions.end(s, None) for s in (record.id, once.id)]
        assert reports[0].summary == reports[1].summary
        assert [e.model_dump(exclude={"id"}) for e in reports[0].events] == [
            e.model_dump(exclude={"id"}) for e in reports[1].events
        ]
        with pytest.raises(Conflict) as ended:  # the session's kept answers went with its end
            await pipeline.frames.analyze(record.id, None, frames[-1][1], frames[-1][0])
        assert ended.value.code == "session_ended"
    finally:
        pipeline.close()


async def test_frame_ids_name_frames_timed_on_arrival(analyzer: FrameAnalyzer) -> None:
    pipeline = Pipeline(Settings(workers=1), analyzer, MemoryStore(Expiry(60, 60)), Metrics())
    frames = _webcam_jpegs(3)
    try:
        record = await pipeline.sessions.start("cand", None, {}, owner=None)
        sent = await pipeline.frames.analyze(record.id, None, frames[0][1], None, frame_id="f-1")
        again = await pipeline.frames.analyze(record.id, None, frames[0][1], None, frame_id="f-1")
        assert (sent.frame_id, again.frame_id, again.resent, again.frame_index) == ("f-1", "f-1", True, 0)
        assert again.timestamp == sent.timestamp  # placed where it was first placed, not at its new arrival
        other = await pipeline.frames.analyze(record.id, None, frames[1][1], None, frame_id="f-2")
        assert (other.resent, other.frame_index) == (False, 1)
        # the same id for a frame at another time is a mistake, never a guess
        with pytest.raises(Unprocessable) as reused:
            await pipeline.frames.analyze(record.id, None, frames[2][1], other.timestamp + 1, frame_id="f-1")
        assert reused.value.code == "frame_id_reused"
        # two frames at the same time with their own ids are two frames; without ids, one
        at = other.timestamp + 0.5
        a = await pipeline.frames.analyze(record.id, None, frames[2][1], at, frame_id="f-3")
        b = await pipeline.frames.analyze(record.id, None, frames[2][1], at, frame_id="f-4")
        c = await pipeline.frames.analyze(record.id, None, frames[2][1], at)
        assert (a.frame_index, b.frame_index, c.frame_index, c.resent) == (2, 3, 3, True)
        assert (await pipeline.sessions.status(record.id, None)).frames_analyzed == 4
    finally:
        pipeline.close()


async def test_bursts_released_together_are_analysed_in_time_order_and_none_is_refused(
    analyzer: FrameAnalyzer,
) -> None:
    """After the first frame, frames go in bursts of eight released together, arriving in any order."""
    pipeline = Pipeline(Settings(workers=2), analyzer, MemoryStore(Expiry(60, 60)), Metrics())
    frames = _jpegs("vid_two_faces_books.mp4", 17)
    try:
        in_order = await pipeline.sessions.start("cand", None, {}, owner=None)
        for t, jpeg in frames:
            await pipeline.frames.analyze(in_order.id, None, jpeg, t)
        bursts = await pipeline.sessions.start("cand", None, {}, owner=None)
        await pipeline.frames.analyze(bursts.id, None, frames[0][1], frames[0][0])
        mixed = random.Random(3)
        for start in (1, 9):
            burst = mixed.sample(frames[start : start + 8], 8)

            async def send(n: int, t: float, jpeg: bytes) -> FrameResult:
                await asyncio.sleep(0.02 * n)  # up to 140 ms apart, as requests from a loaded client
                return await pipeline.frames.analyze(bursts.id, None, jpeg, t)

            results = await asyncio.gather(*(send(n, t, jpeg) for n, (t, jpeg) in enumerate(burst)))
            assert sorted(r.frame_index for r in results) == list(range(start, start + 8))
        reports = [await pipeline.sessions.end(s.id, None) for s in (in_order, bursts)]
        assert reports[1].summary.frames_analyzed == len(frames)
        assert [(e.type, e.started_at, e.ended_at) for e in reports[1].events] == [
            (e.type, e.started_at, e.ended_at) for e in reports[0].events
        ]
    finally:
        pipeline.close()


async def test_a_frame_whose_turn_passed_to_another_is_not_applied(analyzer: FrameAnalyzer) -> None:
    """A process held up past its turn's lease: another frame was applied meanwhile, so this frame's analysis
    started from a record that is no longer the session's. It is refused (503) and applied on its resend."""
    store = MemoryStore(Expiry(60, 60))
    pipeline = Pipeline(Settings(workers=1), analyzer, store, Metrics())
    frames = _webcam_jpegs(3)
    analyze = pipeline.workers.analyze
    try:
        record = await pipeline.sessions.start("cand", None, {}, owner=None)
        await pipeline.frames.analyze(record.id, None, frames[0][1], frames[0][0])

        async def held_up(*args: Any, **kwargs: Any) -> Any:
            result = await analyze(*args, **kwargs)
            await store.update(record.id, lambda r: setattr(r, "next_frame_index", r.next_frame_index + 1))
            return result

        pipeline.workers.analyze = held_up  # type: ignore[method-assign]
        with pytest.raises(Busy) as lapsed:
            await pipeline.frames.analyze(record.id, None, frames[1][1], frames[1][0])
        assert lapsed.value.status == 503 and lapsed.value.retry_after
        pipeline.workers.analyze = analyze  # type: ignore[method-assign]
        stored = await store.get(record.id)
        assert stored is not None and stored.state.frames == 1  # nothing of it was applied
        resent = await pipeline.frames.analyze(record.id, None, frames[1][1], frames[1][0])
        assert not resent.resent and resent.frame_index == 2
    finally:
        pipeline.close()
