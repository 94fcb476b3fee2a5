"""The report's two drawings, on one axis: the session's own clock from its first frame to its last moment
(its last frame, or a later client event).

Stretches without frames (over 2 s) are drawn as gaps, never squeezed out, so every event sits at its true
time; events are clipped to the session. The peak that decided the verdict is marked where it happened.
Every drawn element carries its times in data attributes, so a test can check the picture against the report.

The risk line draws what the engine computed, and only that (`risk_line`). Between two of its samples the
engine's score only decays, by the policy's half-life, so the line follows that curve, not a straight line;
it rises only where the engine added points, as a step at that moment. A sample lower than the decay of an
earlier one was computed before the engine learned of an event that began earlier (a condition recognised
after its minimum duration is back-dated to its start; a client event may arrive after later frames): the
engine's score can never fall faster than the half-life, so such a sample is out of date and is not drawn,
which is what would otherwise show as a dip to 0 after a back-dated event or a spike that falls at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any, get_args

from interview_integrity.analysis.registry import Category
from interview_integrity.analysis.registry import title as event_title
from interview_integrity.report.times import clock

CATEGORIES: tuple[str, ...] = get_args(Category)  # the registry's, in its order: a new one is drawn too
SEVERITY_COLOUR = {"low": "#9fb7d9", "medium": "#f0a43a", "high": "#d9534f"}
UNWATCHED_COLOUR = "#8a939e"  # not_watched: time nobody could watch, not a suspicion
DISMISSED = "#c9cfd6"
WIDTH, PAD_LEFT, PAD_RIGHT = 760, 96, 12
_NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


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
    """From the first frame to the session's last moment: its last frame, or a later event or risk sample."""
    stream = report.get("stream") or {}
    first = stream.get("first_frame_at", report.get("started_at"))
    events = report.get("events", [])
    if first is None:
        first = min((e["started_at"] for e in events), default=0.0)
    moments = [stream.get("last_frame_at")] + [e["ended_at"] or e["started_at"] for e in events]
    moments += [t for t, _ in report.get("risk_timeline", [])]
    last = max((float(m) for m in moments if m is not None), default=float(first))
    # time that was not watched belongs to the session too (refused frames before or after its frames, a
    # live stream's silence before its end): the axis reaches it
    unwatched = [e for e in events if e["type"] == "not_watched" and e["ended_at"] is not None]
    first = min([float(first), *(e["started_at"] for e in unwatched)])
    last = max([last, *(e["ended_at"] for e in unwatched)])
    return Axis(start=float(first), span=max(0.0, last - float(first)))


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
            f"{clock(t)}</text>"
        )
    return "".join(labels)


def risk_line(timeline: list[tuple[float, float]], half_life_s: float) -> list[tuple[float, float]]:
    """The engine's risk samples as the line to draw: (time, score) corners, in time order. Each kept sample starts
    a decay; a sample above the decay so far is a rise, drawn as a step at its time; one below it is out of date
    and dropped. Between corners the score decays: `decay_points` fills in the curve."""
    corners: list[tuple[float, float]] = []
    for t, score in sorted(timeline, key=lambda point: point[0]):
        if not corners:
            corners.append((t, score))
            continue
        last_t, last_score = corners[-1]
        decayed = last_score * 0.5 ** ((t - last_t) / half_life_s)
        if score > decayed + 0.05:
            if t > last_t:
                corners.append((t, round(decayed, 2)))  # decayed up to here, then the step
            corners.append((t, score))
    return corners


def decay_points(
    corners: list[tuple[float, float]], half_life_s: float, end: float, step: float
) -> list[tuple[float, float]]:
    """The line through the corners with the decay between them drawn as a curve (a point every `step` s), on to
    `end`. Where two corners share a time (a step up) the line goes straight up."""
    points: list[tuple[float, float]] = []
    for i, (t, score) in enumerate(corners):
        points.append((t, score))
        until = corners[i + 1][0] if i + 1 < len(corners) else end
        at = t + step
        while at < until - step / 2:
            points.append((at, score * 0.5 ** ((at - t) / half_life_s)))
            at += step
        if i + 1 == len(corners) and until > t:
            points.append((until, score * 0.5 ** ((until - t) / half_life_s)))
    return points


def _split_at_gaps(points: list[tuple[float, float]], gaps: list[list[float]]) -> list[list[tuple[float, float]]]:
    """The line breaks where no frames arrived: nothing was watched there."""
    segments: list[list[tuple[float, float]]] = [[]]
    for t, score in points:
        if any(a < t < b for a, b in gaps):
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((t, score))
    return [segment for segment in segments if segment]


def risk_chart(report: dict[str, Any], axis: Axis) -> str:
    policy = report["policy"]
    explanation = report["summary"].get("explanation", {})
    height, top, bottom = 180, 10, 150
    half_life = float(policy["risk_half_life_s"])

    def y(score: float) -> float:
        return bottom - max(0.0, min(100.0, score)) / 100 * (bottom - top)

    gaps = (report.get("stream") or {}).get("gaps", [])
    corners = risk_line([(float(t), float(s)) for t, s in report.get("risk_timeline", [])], half_life)
    step = max(axis.span / 240, 0.05)
    segments = _split_at_gaps(decay_points(corners, half_life, axis.start + axis.span, step), gaps)
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
    drawn = " ".join(f"{t - axis.start:.2f}:{score:.1f}" for t, score in corners)
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
        room_right = px < (axis.left + axis.right) / 2  # the label goes where there is room: toward the middle
        marker = (
            f'<g class="peak" data-peak="{peak:.1f}" data-at="{float(peak_at) - axis.start:.2f}">'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#fff" stroke="#b3261e" stroke-width="2"/>'
            f'<text x="{px + 7 if room_right else px - 7:.1f}" y="{max(py - 6, 18):.1f}" font-size="11" fill="#b3261e" '
            f'text-anchor="{"start" if room_right else "end"}">peak {peak:.0f} at {clock(float(peak_at) - axis.start)}</text></g>'
        )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="Risk over the session" '
        f'data-axis-left="{axis.left}" data-axis-right="{axis.right}" data-span="{axis.span:.2f}" '
        f'data-top="{top}" data-bottom="{bottom}" data-half-life="{half_life:g}" data-corners="{drawn}">'
        f'<rect x="{axis.left}" y="{top}" width="{axis.right - axis.left}" height="{bottom - top}" fill="#fafbfc" '
        f'stroke="#eceef1"/>{_gaps(report, axis, top, bottom - top)}{thresholds}{scale}{lines}{marker}'
        f"{_tick_labels(axis, bottom + 18)}</svg>"
    )


def event_bands(report: dict[str, Any], axis: Axis, dismissed: set[str]) -> str:
    row = 24
    events = report.get("events", [])
    present = {e["category"] for e in events}
    used = [c for c in CATEGORIES if c in present] + sorted(present - set(CATEGORIES)) or ["presence"]
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
            colour = DISMISSED if event["id"] in dismissed else SEVERITY_COLOUR.get(event["severity"], "#8a939e")
            if event["type"] == "not_watched":
                colour = UNWATCHED_COLOUR
            what = f"{event['id']} · {clock(begin - axis.start)} {event_title(event['type'])} ({event['severity']})"
            title = escape(what)
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
