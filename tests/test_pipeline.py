from __future__ import annotations

import secrets

from interview_integrity.config import VisionSettings
from interview_integrity.pipeline import schedule_offset


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
