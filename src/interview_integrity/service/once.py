"""Every frame counted once: which frame a request names, and the session's memory of its latest frames.

A client that did not get its answer (a timeout, a dropped connection, a crashed server, a 503) sends the
frame again. A frame is named by its session and its timestamp, and by the client's `frame_id` when it
gives one (a frame timed by the server on arrival can only be named by its `frame_id`). A frame the session
already analysed is answered with the answer it got then (`resent: true`), never analysed or counted again.

- With a `frame_id`: the recent frame of that id, when there is one. The same id at another time is a
  client's mistake (422 `frame_id_reused`), never a guess.
- With a timestamp: the recent frame at that time, unless both carry different ids (two frames at the same
  time, which a client may send: the second stands for no time).
- Without either: a new frame (the server times it on arrival).

The record keeps the keys of its last `answers_kept` frames and the store their answers (stores/base.py); a
frame sent again after that many newer frames is older than the session's last frame and refused as late
(409 `frame_out_of_order`, clock.py), as it was before frames were remembered.
"""

from __future__ import annotations

from interview_integrity.errors import Conflict, Unprocessable
from interview_integrity.stores.base import RecentFrame, SessionRecord

MAX_FRAME_ID = 100  # characters


def frame_id_of(value: object) -> str | None:
    """A `frame_id` as a stream message or a form field carries it (the JSON bodies check it in their schema)."""
    if value is None or (isinstance(value, str) and 1 <= len(value) <= MAX_FRAME_ID):
        return value
    raise Unprocessable(f"'frame_id' must be a string of 1-{MAX_FRAME_ID} characters")


def named(record: SessionRecord, timestamp: float | None, frame_id: str | None) -> RecentFrame | None:
    """The recent frame a request names again, if any."""
    if frame_id is not None:
        for frame in reversed(record.recent_frames):
            if frame.frame_id == frame_id:
                if timestamp is not None and timestamp != frame.timestamp:
                    raise Unprocessable(
                        f"frame_id {frame_id!r} names the session's frame at {frame.timestamp:g} s, not one at "
                        f"{timestamp:g} s: give each frame its own frame_id",
                        code="frame_id_reused",
                    )
                return frame
    if timestamp is None:
        return None
    for frame in reversed(record.recent_frames):
        if frame.timestamp == timestamp and (frame_id is None or frame.frame_id in (None, frame_id)):
            return frame
    return None


def remember(record: SessionRecord, frame: RecentFrame, kept: int) -> None:
    """Note the frame just applied; the oldest beyond `kept` is forgotten (and its answer dropped)."""
    record.recent_frames = [*record.recent_frames, frame][-kept:]


def answer_lost(frame: RecentFrame) -> Conflict:
    return Conflict(
        f"this frame was analysed as frame {frame.frame_index} of the session, and its answer is no longer kept",
        code="frame_already_analysed",
    )
