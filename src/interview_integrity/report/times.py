"""How the reviewer's pages write times: one form for every session, short or long.

- Times within a session are minutes and seconds from its first frame, with tenths when not whole:
  `0:01.4`, `0:07`, `12:03.5`, `1:02:03`.
- Dates and clock times are written in one zone for the whole page, named beside them: UTC unless the
  console knows the reviewer's offset (the browser tells it, console.js).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone


def clock(seconds: float) -> str:
    """`0:01.4`, `0:07`, `1:05`, `1:02:03`: minutes and seconds, tenths when the time is not whole."""
    tenths = round(max(0.0, seconds) * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{tenth}" if tenth else text


def zone(offset_min: int) -> timezone:
    return UTC if offset_min == 0 else timezone(timedelta(minutes=offset_min))


def zone_name(offset_min: int) -> str:
    if offset_min == 0:
        return "UTC"
    sign = "+" if offset_min > 0 else "-"
    hours, minutes = divmod(abs(offset_min), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def wall(unix: float, offset_min: int = 0, *, seconds: bool = True) -> str:
    """`2025-05-01 14:03:22` in the page's zone."""
    moment = datetime.fromtimestamp(unix, zone(offset_min))
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def time_of_day(unix: float, offset_min: int = 0) -> str:
    return datetime.fromtimestamp(unix, zone(offset_min)).strftime("%H:%M:%S")


def iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def span(seconds: float) -> str:
    """A duration in words: `42 s`, `3 min 5 s`, `1 h 2 min`."""
    whole = round(max(0.0, seconds))
    if whole < 60:
        return f"{seconds:.1f} s" if 0 < seconds < 10 and seconds != whole else f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s"
