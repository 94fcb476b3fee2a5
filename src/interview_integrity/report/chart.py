"""The report's two drawings, on one axis: the session's own clock from its first to its last frame.

Stretches without frames (over 2 s) are drawn as gaps, never squeezed out, so every event sits at its true
time; events are clipped to the session. The risk line breaks at gaps, and the peak that decided the
verdict is marked where it happened. Every drawn element carries its times in data attributes, so a test
can check the picture against the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from interview_integrity.analysis.registry import title as event_title

CATEGORIES = ("presence", "identity", "attention", "device", "environment", "camera", "client", "coverage")
SEVERITY_COLOUR = {"low": "#9fb7d9", "medium": "#f0a43a", "high": "#d9534f"}
UNWATCHED_COLOUR = "#8a939e"  # not_watched: time nobody could watch, not a suspicion
DISMISSED = "#c9cfd6"
WIDTH, PAD_LEFT, PAD_RIGHT = 760, 96, 12
_NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


def clock(seconds: float, span: float | None = None) -> str:
    """0:07, 1:05, 1:02:03; under ten seconds in all, tenths: 2.5 s."""
    seconds = max(0.0, seconds)
    if span is not None and span < 10:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Axis:
    """Session time (seconds since the first frame) to x pixels."""

    start: float  # session clock of the first frame
    span: float  # seconds from the first frame to the last

    @property
    def left(self) -> float:
        return PAD_LEFT

    @property
    def right(self) -> float:
        return WIDTH - PAD_RIGHT

    def x(self, t: float) -> float:
        share = 0.0 if self.span <= 0 else (min(max(t, self.start), self.start + self.span) - self.start) / self.span
        return self.left + share * (self.right - self.left)

    def ticks(self) -> list[float]:
        """Whole, evenly spaced times, at most six, never two the same label."""
        if self.span <= 0:
            return [0.0]
        step: float = next((s for s in _NICE_STEPS if self.span / s <= 6), _NICE_STEPS[-1])
        if self.span < 10:
            step = max(0.5, math.ceil(self.span / 5 * 2) / 2)
        count = int(self.span // step)
        return [i * step for i in range(count + 1)]


def axis_of(report: dict[str, Any]) -> Axis:
    stream = report.get("stream") or {}
    first = stream.get("first_frame_at", report.get("started_at"))
    last = stream.get("last_frame_at")
    events = report.get("events", [])
    if first is None:
        first = min((e["started_at"] for e in events), default=0.0)
    if last is None:
        last = max((e["ended_at"] or e["started_at"] for e in events), default=first)
    # time that was not watched belongs to the session too (refused frames before or after its frames, a
    # live stream's silence before its end): the axis reaches it
    unwatched = [e for e in events if e["type"] == "not_watched" and e["ended_at"] is not None]
    first = min([float(first), *(e["started_at"] for e in unwatched)])
    last = max([float(last), *(e["ended_at"] for e in unwatched)])
    return Axis(start=float(first), span=max(0.0, float(last) - float(first)))


def _gaps(report: dict[str, Any], axis: Axis, top: float, height: float) -> str:
    parts = []
    for begin, end in (report.get("stream") or {}).get("gaps", []):
        x0, x1 = axis.x(begin), axis.x(end)
        parts.append(
            f'<rect class="gap" x="{x0:.1f}" y="{top:.1f}" width="{max(1.0, x1 - x0):.1f}" height="{height:.1f}" '
            f'fill="#e3e6ea" stroke="#c9cfd6" stroke-dasharray="3 3" data-start="{begin - axis.start:.2f}" '
            f'data-end="{end - axis.start:.2f}">'
            f"<title>no frames from {clock(begin - axis.start)} to {clock(end - axis.start)}</title></rect>"
        )
    return "".join(parts)


def _tick_labels(axis: Axis, y: float) -> str:
    labels = []
    for t in axis.ticks():
        x = axis.x(axis.start + t)
        anchor = "start" if x <= axis.left + 1 else "end" if x >= axis.right - 1 else "middle"
        labels.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 14}" y2="{y - 10}" stroke="#8a939e"/>'
            f'<text class="tick" x="{x:.1f}" y="{y}" font-size="10" text-anchor="{anchor}" fill="#5b6470">'
            f"{clock(t, axis.span)}</text>"
        )
    return "".join(labels)


def risk_chart(report: dict[str, Any], axis: Axis) -> str:
    policy = report["policy"]
    explanation = report["summary"].get("explanation", {})
    height, top, bottom = 180, 10, 150

    def y(score: float) -> float:
        return bottom - max(0.0, min(100.0, score)) / 100 * (bottom - top)

    gaps = (report.get("stream") or {}).get("gaps", [])
    segments: list[list[tuple[float, float]]] = [[]]
    for t, score in report.get("risk_timeline", []):
        if segments[-1] and any(segments[-1][-1][0] <= a and b <= t for a, b in gaps):
            segments.append([])
        segments[-1].append((t, score))
    lines = "".join(
        f'<polyline class="risk" points="{" ".join(f"{axis.x(t):.1f},{y(s):.1f}" for t, s in segment)}" '
        'fill="none" stroke="#3b5bdb" stroke-width="2"/>'
        for segment in segments
        if len(segment) > 1
    ) + "".join(
        f'<circle cx="{axis.x(segment[0][0]):.1f}" cy="{y(segment[0][1]):.1f}" r="2" fill="#3b5bdb"/>'
        for segment in segments
        if len(segment) == 1
    )
    thresholds = "".join(
        f'<line x1="{axis.left}" x2="{axis.right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{c}" stroke-dasharray="4 4"/>'
        f'<text x="{axis.right - 2}" y="{y(v) - 4:.1f}" font-size="10" text-anchor="end" fill="{c}">{label} {v:.0f}</text>'
        for v, c, label in (
            (policy["review_score"], "#b26a00", "review"),
            (policy["high_risk_score"], "#b3261e", "high risk"),
        )
    )
    scale = "".join(
        f'<text x="{axis.left - 6}" y="{y(v) + 3:.1f}" font-size="10" text-anchor="end" fill="#5b6470">{v}</text>'
        for v in (0, 50, 100)
    )
    peak, peak_at = float(report["summary"].get("peak_risk") or 0.0), explanation.get("peak_at")
    marker = ""
    if peak > 0 and peak_at is not None:
        px, py = axis.x(float(peak_at)), y(peak)
        marker = (
            f'<g class="peak" data-peak="{peak:.1f}" data-at="{float(peak_at) - axis.start:.2f}">'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#fff" stroke="#b3261e" stroke-width="2"/>'
            f'<text x="{min(px + 7, axis.right - 40):.1f}" y="{max(py - 6, 18):.1f}" font-size="11" fill="#b3261e">'
            f"peak {peak:.0f} at {clock(float(peak_at) - axis.start, axis.span)}</text></g>"
        )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="Risk over the session" '
        f'data-axis-left="{axis.left}" data-axis-right="{axis.right}" data-span="{axis.span:.2f}">'
        f'<rect x="{axis.left}" y="{top}" width="{axis.right - axis.left}" height="{bottom - top}" fill="#fafbfc" '
        f'stroke="#eceef1"/>{_gaps(report, axis, top, bottom - top)}{thresholds}{scale}{lines}{marker}'
        f"{_tick_labels(axis, bottom + 18)}</svg>"
    )


def event_bands(report: dict[str, Any], axis: Axis, dismissed: set[str]) -> str:
    row = 24
    events = report.get("events", [])
    used = [c for c in CATEGORIES if any(e["category"] == c for e in events)] or ["presence"]
    height = row * len(used) + 30
    parts = []
    for i, category in enumerate(used):
        top = i * row + 4
        parts.append(f'<text x="0" y="{top + 14}" font-size="11" fill="#5b6470">{category}</text>')
        parts.append(
            f'<rect x="{axis.left}" y="{top}" width="{axis.right - axis.left}" height="{row - 6}" fill="#f2f4f7"/>'
        )
        parts.append(_gaps(report, axis, top, row - 6))
        for event in (e for e in events if e["category"] == category):
            end = event["ended_at"] if event["ended_at"] is not None else axis.start + axis.span
            begin, end = (
                max(event["started_at"], axis.start),
                min(max(end, event["started_at"]), axis.start + axis.span),
            )
            x0, x1 = axis.x(begin), axis.x(end)
            colour = DISMISSED if event["id"] in dismissed else SEVERITY_COLOUR[event["severity"]]
            if event["type"] == "not_watched":
                colour = UNWATCHED_COLOUR
            title = escape(f"{clock(begin - axis.start)} {event_title(event['type'])} ({event['severity']})")
            parts.append(
                f'<a href="#event-{escape(event["id"])}"><rect class="event" x="{x0:.1f}" y="{top}" '
                f'width="{max(3.0, x1 - x0):.1f}" height="{row - 6}" fill="{colour}" rx="2" '
                f'data-event-id="{escape(event["id"])}" data-start="{begin - axis.start:.2f}" '
                f'data-end="{end - axis.start:.2f}"><title>{title}</title></rect></a>'
            )
    parts.append(_tick_labels(axis, height - 4))
    return (
        f'<svg class="bands" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="Events over the '
        f'session" data-axis-left="{axis.left}" data-axis-right="{axis.right}" data-span="{axis.span:.2f}">'
        f"{''.join(parts)}</svg>"
    )
