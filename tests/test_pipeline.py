from __future__ import annotations

import secrets

import cv2

from interview_integrity.config import Settings, VisionSettings
from interview_integrity.metrics import Metrics
from interview_integrity.pipeline import Pipeline, schedule_offset
from interview_integrity.sessions.base import Expiry
from interview_integrity.sessions.memory import MemoryStore
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA


def test_sessions_start_the_object_cycle_at_different_frames() -> None:
    settings = VisionSettings(object_every_n_frames=2, yolo_every_n_object_frames=3)
    ids = [secrets.token_urlsafe(16) for _ in range(200)]
    offsets = [schedule_offset(session_id, settings) for session_id in ids]
    assert set(offsets) == set(range(6))  # every phase of the 6-frame cycle is used
    assert max(offsets.count(o) for o in range(6)) < 60  # and none by most sessions
    assert [schedule_offset(session_id, settings) for session_id in ids] == offsets  # same on every call


def test_every_frame_schedule_has_one_phase() -> None:
    settings = VisionSettings(object_every_n_frames=1, yolo_every_n_object_frames=1)
    assert schedule_offset("any-session", settings) == 0


async def test_a_session_keeps_the_face_track_while_active_and_drops_it_at_the_end(analyzer: FrameAnalyzer) -> None:
    settings = Settings(workers=1)
    store = MemoryStore(Expiry(idle_ttl_s=60, retention_s=60))
    pipeline = Pipeline(settings, analyzer, store, Metrics())
    try:
        record = await pipeline.start_session("cand", None, {}, owner=None)
        frames = _webcam_jpegs(4)
        results = [await pipeline.analyze_frame(record.id, None, jpeg, t) for t, jpeg in frames]
        # after the first frame, each frame follows the faces of the one before, read from the session record
        assert not results[0]["faces"]["followed"]
        assert all(r["faces"]["followed"] for r in results[1:])
        stored = await store.get(record.id)
        assert stored is not None and stored.face_track is not None and stored.face_track.timestamp == frames[-1][0]
        await pipeline.end_session(record.id, None)
        ended = await store.get(record.id)
        assert ended is not None and ended.face_track is None
    finally:
        pipeline.close()


def _webcam_jpegs(count: int) -> list[tuple[float, bytes]]:
    frames = []
    for timestamp, frame in sample_frames(DATA / "vid_webcam_normal.mp4", 5.0):
        frames.append((timestamp, cv2.imencode(".jpg", frame)[1].tobytes()))
        if len(frames) == count:
            break
    return frames
