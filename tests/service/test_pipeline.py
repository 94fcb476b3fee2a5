from __future__ import annotations

import asyncio
import random

import cv2
import pytest

from interview_integrity.analysis.coverage import watch_of
from interview_integrity.config import Settings
from interview_integrity.errors import Conflict, Unprocessable
from interview_integrity.metrics import Metrics
from interview_integrity.service.pipeline import Pipeline
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
