"""A session's clock: what a frame's or a client event's timestamp means, and which ones are refused.

- Times are seconds on the session's clock, which starts when the session starts. A frame or a client
  event may bring its own timestamp (a recording's time, `performance.now() / 1000` since the page's
  session began); without one, the server places it at its arrival on that clock. Any other origin (Unix
  time, say) works as long as every frame of the session uses it: the clock only has to move forward.
- Frames are analysed in time order (the store's `turn`, stores/lines.py: frames that arrive out of order
  within a window wait their turn); a frame earlier than the session's last analysed frame is refused (409
  `frame_out_of_order`, by `check_frame`, the one place that refuses it), never counted as zero seconds, and
  the session is as it was. A frame at the time of one already analysed is that frame sent again, answered
  as before (once.py), unless both carry different frame ids: then it is analysed and stands for no time.
- A frame more than the session's idle lifetime after the last one is refused (422
  `timestamp_out_of_range`): the session would have expired in such a gap, so the clock jumped (a Unix
  time after frames timed from zero, say).
- A client event's time must lie within that same window around the session's frames.
"""

from __future__ import annotations

import math

from interview_integrity.errors import Conflict, Unprocessable

MAX_TIMESTAMP = 1e10  # seconds: Unix time until the year 2286; beyond, a float no longer holds milliseconds


def checked(timestamp: object, what: str = "timestamp") -> float:
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        raise Unprocessable(f"{what} must be a number of seconds", code="invalid_timestamp")
    if not math.isfinite(timestamp) or not 0 <= timestamp < MAX_TIMESTAMP:
        raise Unprocessable(
            f"{what} must be a finite number of seconds from 0 up to {MAX_TIMESTAMP:.0e}, not {timestamp!r}",
            code="invalid_timestamp",
        )
    return float(timestamp)


def on_clock(timestamp: float | None, since_start_s: float) -> float:
    """The time of a frame or event: its own timestamp, or its arrival on the session's clock."""
    return round(max(0.0, since_start_s), 3) if timestamp is None else checked(timestamp)


def check_frame(time_s: float, last: float | None, max_gap_s: float) -> None:
    if last is None:
        return
    if time_s < last:
        raise Conflict(
            f"the frame's time {time_s:g} s is before the session's last analysed frame at {last:g} s: frames are "
            "analysed in time order, and a late one cannot be placed",
            code="frame_out_of_order",
        )
    if time_s - last > max_gap_s:
        raise Unprocessable(
            f"the frame's time {time_s:g} s is {time_s - last:g} s after the session's last frame at {last:g} s, more "
            f"than the session's idle lifetime of {max_gap_s:g} s: send every timestamp on one clock",
            code="timestamp_out_of_range",
        )


def check_event(time_s: float, first: float | None, last: float | None, max_gap_s: float) -> None:
    if first is not None and last is not None and not first - max_gap_s <= time_s <= last + max_gap_s:
        raise Unprocessable(
            f"the event's time {time_s:g} s is not on the session's clock (its frames run from {first:g} to "
            f"{last:g} s)",
            code="timestamp_out_of_range",
        )
