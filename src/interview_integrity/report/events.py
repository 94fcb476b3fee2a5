"""The events table and the reviewers' decisions: each event with its id (the id decisions name), its time on
the session's clock and on the wall clock, what happened and against what it was measured, and the latest
decision on it with who made it and when."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from interview_integrity.analysis.registry import title
from interview_integrity.report.chart import SEVERITY_COLOUR
from interview_integrity.report.times import clock, wall

# an event and its latest decision (None: none yet) -> HTML for the row's own actions cell (the console's)
EventActions = Callable[[dict[str, Any], dict[str, Any] | None], str]
DECIDED = {"confirmed": "confirmed", "dismissed": "dismissed"}


def latest_decisions(report: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    """The latest decision on each event (key: its id) and on the whole session (key: None)."""
    latest: dict[str | None, dict[str, Any]] = {}
    for review in report.get("reviews", []):
        latest[review.get("event_id")] = review
    return latest


def decided(review: dict[str, Any], offset_min: int) -> str:
    """`dismissed by ana, 2025-05-01 14:03` and the note."""
    when = f", {wall(review['created_at'], offset_min, seconds=False)}" if review.get("created_at") else ""
    note = f' <span class="muted">"{escape(review["note"])}"</span>' if review.get("note") else ""
    word = escape(DECIDED.get(review["decision"], review["decision"]))
    return (
        f'<div class="decided" data-decision="{escape(review["decision"])}"><span class="tag {word}">{word}</span> '
        f"by {escape(review.get('reviewer') or 'unnamed reviewer')}{when}{note}</div>"
    )


def event_rows(
    report: dict[str, Any],
    start: float,
    offset_min: int,
    session_clock_is_wall: bool,
    actions: EventActions | None = None,
) -> str:
    latest = latest_decisions(report)
    snapshots = {e["event_id"] for e in report.get("evidence", [])}
    rows = []
    for event in report["events"]:
        event_id = escape(event["id"])
        review = latest.get(event["id"])
        css = ' class="dismissed"' if review and review["decision"] == "dismissed" else ""
        instant = event["ended_at"] == event["started_at"]
        duration = "" if instant else f"{event['duration_s']:.0f} s" if event["duration_s"] >= 1 else "under 1 s"
        if event["ended_at"] is None:
            duration += " (open)"
        link = f' <a href="#evidence-{event_id}">snapshot</a>' if event["id"] in snapshots else ""
        measured = f'<div class="measured">{escape(event.get("measured", ""))}</div>' if event.get("measured") else ""
        begin = max(event["started_at"], start)
        on_wall = (
            f'<div class="muted">{wall(report["created_at"] + begin, offset_min).split(" ")[1]}</div>'
            if session_clock_is_wall
            else ""
        )
        status = decided(review, offset_min) if review else ""
        cell = f'<td class="actions">{actions(event, review)}</td>' if actions else ""
        rows.append(
            f'<tr id="event-{event_id}"{css} data-event-id="{event_id}" data-severity="{escape(event["severity"])}">'
            f'<td><span class="eid">{event_id}</span></td><td class="when">{clock(begin - start)}{on_wall}</td>'
            f'<td class="what"><b>{escape(title(event["type"]))}</b><br><code>{escape(event["type"])}</code></td>'
            f'<td><span class="sev" style="background:{SEVERITY_COLOUR.get(event["severity"], "#999")}"></span>'
            f"{escape(event['severity'])}</td><td>{event['confidence']:.2f}</td><td>{duration}</td>"
            f"<td>{escape(event['message'])}{link}{measured}{status}</td>{cell}</tr>"
        )
    return "".join(rows)


def events_table(
    report: dict[str, Any],
    start: float,
    offset_min: int,
    session_clock_is_wall: bool,
    actions: EventActions | None = None,
) -> str:
    rows = event_rows(report, start, offset_min, session_clock_is_wall, actions)
    extra = "<th>decide</th>" if actions else ""
    columns = 8 if actions else 7
    empty = f'<tr><td colspan="{columns}" class="muted">No events.</td></tr>'
    return (
        f'<h2>Events ({len(report["events"])})</h2><div class="card scroll"><table class="events"><thead><tr>'
        "<th>id</th><th>time</th><th>event</th><th>severity</th><th>confidence</th><th>duration</th>"
        f"<th>what happened, and against what it was measured</th>{extra}</tr></thead>"
        f"<tbody>{rows or empty}</tbody></table></div>"
    )


def decisions_table(report: dict[str, Any], offset_min: int) -> str:
    titles = {e["id"]: title(e["type"]) for e in report.get("events", [])}
    rows = "".join(
        f'<tr><td><span class="tag {escape(r["decision"])}">{escape(r["decision"])}</span></td>'
        f"<td>{_subject(r.get('event_id'), titles)}</td><td>{escape(r.get('note', ''))}</td>"
        f"<td>{escape(r.get('reviewer') or 'unnamed reviewer')}</td>"
        f"<td>{wall(r['created_at'], offset_min) if r.get('created_at') else ''}</td></tr>"
        for r in report.get("reviews", [])
    )
    if not rows:
        return (
            '<h2>Reviewer decisions</h2><div class="card"><span class="muted">None yet. Decisions never change the '
            "measured events.</span></div>"
        )
    return (
        '<h2>Reviewer decisions</h2><div class="card scroll"><table class="decisions"><tr><th>decision</th>'
        f"<th>on</th><th>note</th><th>who</th><th>when</th></tr>{rows}</table>"
        '<p class="note">The latest decision on an event counts; every decision is kept. Decisions never change '
        "the measured events.</p></div>"
    )


def _subject(event_id: str | None, titles: dict[str, str]) -> str:
    if event_id is None:
        return "<b>the whole session</b>"
    return f'<a href="#event-{escape(event_id)}"><span class="eid">{escape(event_id)}</span></a> ' + escape(
        titles.get(event_id, "")
    )
