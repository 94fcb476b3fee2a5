"""The reviewer's page: one self-contained HTML file (inline CSS and SVG, no scripts, no external URLs).

Read at a glance, in this order: the verdict and, in one sentence, why (and, for a running session, that it is
live and may change); what the service could and could not judge (judged.py); risk and events on one axis, the
session's own clock (chart.py), with a word on why when the verdict did not come from the line; the events with
their ids, times and the latest decision on each (events.py); the snapshots, their boxes and crops, full size
on click (evidence.py); the reviewers' decisions with who and when; the summary and the policy. It holds on a
phone-width screen and prints cleanly to PDF. Every string from a caller (ids, notes, metadata, camera labels)
is escaped.

The console (console/) shows the same page with its own parts added through `PageOptions`: actions on each
event and on the session, pictures by address instead of inline, a bar above, and its script.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from html import escape
from typing import Any

from interview_integrity.analysis.registry import title
from interview_integrity.report.chart import SEVERITY_COLOUR, UNWATCHED_COLOUR, axis_of, event_bands, risk_chart
from interview_integrity.report.coverage import coverage_section
from interview_integrity.report.events import EventActions, decided, decisions_table, events_table, latest_decisions
from interview_integrity.report.evidence import Picture, gallery, inline
from interview_integrity.report.judged import check_section, stat
from interview_integrity.report.sound import sound_track
from interview_integrity.report.style import CSS
from interview_integrity.report.times import clock, span, time_of_day, wall, zone_name

VERDICT_COLOUR = {"clear": "#2e7d32", "incomplete": "#5b6470", "review": "#b26a00", "high_risk": "#b3261e"}
VERDICT_TITLE = {
    "clear": "Clear",
    "incomplete": "Incomplete: not enough was watched",
    "review": "Needs human review",
    "high_risk": "Needs human review soon",
}
UNLISTED_COLOUR = "#5b6470"  # a verdict this page has no colour for yet is shown, in grey, by its own name


def verdict_title(verdict: str) -> str:
    return VERDICT_TITLE.get(verdict, verdict.replace("_", " ").capitalize())


def verdict_colour(verdict: str) -> str:
    return VERDICT_COLOUR.get(verdict, UNLISTED_COLOUR)


@dataclass(frozen=True)
class PageOptions:
    picture: Picture = inline
    event_actions: EventActions | None = None
    session_actions: str = ""  # inside the verdict card
    top: str = ""  # above the title
    head: str = ""  # more styles and scripts, inside <head>
    body_attributes: str = ""  # the <body> element's, e.g. ` data-page="session"`
    bottom: str = ""  # at the end of the page
    offset_min: int = 0  # the zone dates and clock times are written in (minutes east of UTC)
    live_note: str = "Reload the page to see it as it stands."
    now: float = field(default_factory=time.time)
    title_prefix: str = "Session report"


def wall_clock_applies(report: dict[str, Any], now: float) -> bool:
    """Whether the session's clock is seconds since it started (timestamps the server placed, or a page's
    own timer), so that an event's time can also be written on the wall clock. A recording's or another
    clock's timestamps are not."""
    stream = report.get("stream") or {}
    first, last = stream.get("first_frame_at"), stream.get("last_frame_at")
    if first is None or last is None:
        return False
    lasted = (report.get("ended_at") or now) - report["created_at"]
    return bool(first >= 0 and last <= lasted + 5)


def _chart_note(report: dict[str, Any]) -> str:
    """Why the verdict is what it is when the line alone does not say it."""
    verdict, policy = report["verdict"], report["policy"]
    peak = float(report["summary"].get("peak_risk") or 0.0)
    if verdict == "clear" or peak >= policy["review_score"]:
        return ""
    reason = report["summary"].get("explanation", {}).get("reason", "")
    return (
        f'<p class="note" data-testid="verdict-not-from-line">The risk line stayed under the review line '
        f"(peak {peak:.0f} of {policy['review_score']:.0f}); the verdict comes from the events themselves, not "
        f"from the line: {escape(reason)}</p>"
    )


def _header(report: dict[str, Any], options: PageOptions, frames_span: float) -> str:
    summary, policy = report["summary"], report["policy"]
    zone = zone_name(options.offset_min)
    started = f"started {wall(report['created_at'], options.offset_min)} {zone}"
    ended = f" · ended {time_of_day(report['ended_at'], options.offset_min)}" if report.get("ended_at") else ""
    watched = f"{clock(frames_span)} from the first frame to the last" if frames_span >= 1 else "a single moment"
    counted = float(summary.get("duration_s") or 0.0)
    live = ""
    if report["status"] == "active":
        live = (
            f'<div class="live" data-testid="live"><b>Live session</b>: still running. This is the session as of '
            f"{time_of_day(options.now, options.offset_min)} {zone}; events, risk and the verdict may change. "
            f"{escape(options.live_note)}</div>"
        )
    return (
        f"{options.top}<h1>{escape(options.title_prefix)}: {escape(report['candidate_id'])}</h1>"
        f'<div class="muted" data-testid="when">Session {escape(report["session_id"])} · {started}{ended} · '
        f"{watched} ({counted:.0f} s with frames analysed) · {summary.get('frames_analyzed', 0)} frames · policy "
        f"{escape(policy['name'])} · {escape(report['status'])}</div>{live}"
    )


def render_report(report: dict[str, Any], options: PageOptions | None = None) -> str:
    options = options or PageOptions()
    summary = report["summary"]
    axis = axis_of(report)
    stream = report.get("stream") or {}
    first, last = stream.get("first_frame_at"), stream.get("last_frame_at")
    frames_span = float(last) - float(first) if first is not None and last is not None else 0.0
    verdict, policy = report["verdict"], report["policy"]
    explanation = summary.get("explanation", {})
    reason = explanation.get("reason") or explanation.get("meaning", "")
    so_far = " so far" if report["status"] == "active" else ""
    session_decision = latest_decisions(report).get(None)
    decision = decided(session_decision, options.offset_min) if session_decision else ""
    by_category = "".join(
        f"<tr><td>{escape(k)}</td><td>{v:.1f}</td></tr>" for k, v in explanation.get("points_by_category", {}).items()
    )
    thresholds = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in policy["thresholds"].items()
    )
    by_type = ", ".join(f"{escape(title(k))} {v}" for k, v in summary.get("events_by_type", {}).items()) or "none"
    legend = "".join(
        f'<span class="sev" style="background:{c}"></span>{s} ' for s, c in SEVERITY_COLOUR.items()
    )  # fmt: skip
    evidence = gallery(report, axis.start, options.picture)
    wall_clock = wall_clock_applies(report, options.now)
    stored = (
        ", and the evidence snapshots above"
        if evidence
        else f"; no frame {'has been stored so far' if so_far else 'was stored'}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(options.title_prefix)} · {escape(report["candidate_id"])}</title>
<style>{CSS}</style>{options.head}</head>
<body{options.body_attributes}><main data-session-id="{escape(report["session_id"])}" data-status="{escape(report["status"])}">
{_header(report, options, frames_span)}
<div class="card" data-testid="verdict" data-verdict="{escape(verdict)}"><span class="verdict" style="background:{verdict_colour(verdict)}">{escape(verdict_title(verdict))}{so_far}</span>
<p class="reason">{escape(reason)}</p>
<p class="muted">{escape(explanation.get("meaning", ""))} Automated signals can be wrong; a person decides.</p>
<div class="stats">
<div class="stat"><b>{summary.get("peak_risk", 0):.0f}</b>peak risk (0-100)</div>
<div class="stat"><b>{summary.get("final_risk", 0):.0f}</b>risk {"now" if so_far else "at the end"}</div>
{stat((summary.get("coverage") or {}).get("share"), "of the session watched", bar=True)}
{stat(summary.get("share_with_face"), "of the time a face was visible", bar=True)}
{stat(summary.get("share_looking_at_screen"), "looking at the screen, when it could be judged", bar=True)}
</div><div data-testid="session-decision">{decision}</div>{options.session_actions}</div>
{check_section(summary)}
{coverage_section(summary, axis.start)}
<h2>Risk and events over the session</h2><div class="card">{risk_chart(report, axis)}{event_bands(report, axis, _dismissed(report))}{sound_track(report, axis)}
{_chart_note(report)}<div class="muted legend">{legend}<span class="sev" style="background:#c9cfd6"></span>dismissed by a reviewer · <span class="sev" style="background:{UNWATCHED_COLOUR}"></span>not watched · grey stripes: no frames arrived · times from the first frame; the risk decays with a half-life of {policy["risk_half_life_s"]:.0f} s</div></div>
{events_table(report, axis.start, options.offset_min, wall_clock, options.event_actions)}
{evidence}
{decisions_table(report, options.offset_min)}
<h2>Summary</h2><div class="card"><p>Events by type: {by_type}. {span(frames_span)} watched.</p>
<table><tr><th>category</th><th>risk points added</th></tr>{by_category or '<tr><td colspan="2" class="muted">none</td></tr>'}</table></div>
<h2>Policy</h2><div class="card"><p>{escape(policy["name"])}; rules switched off: {escape(", ".join(policy["disabled_rules"]) or "none")}; risk half-life {policy["risk_half_life_s"]:.0f} s.</p>
<details><summary>Thresholds</summary><div class="scroll"><table>{thresholds}</table></div></details></div>
<p class="muted">Stored with this session: the events, scores and summary{stored}; no sound is ever stored. Everything is deleted at the end of the retention period, or at once with DELETE /sessions/{{id}}.</p>
{options.bottom}</main></body></html>"""


def _dismissed(report: dict[str, Any]) -> set[str]:
    return {k for k, r in latest_decisions(report).items() if k is not None and r["decision"] == "dismissed"}
