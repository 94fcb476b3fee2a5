"""The list of sessions: newest first, one row each (candidate, start, duration, verdict, peak risk, live or
ended, reviewed or not), filters that stay in the address, and paging by cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Any, get_args
from urllib.parse import urlencode

from interview_integrity.analysis.scoring import Verdict
from interview_integrity.console.layout import Viewer, document, keyboard_help, top_bar
from interview_integrity.report.page import verdict_colour, verdict_title
from interview_integrity.report.times import span, wall, zone, zone_name

LIST_KEYS = [("j", "next session"), ("k", "previous"), ("Enter", "open"), ("/", "filter by candidate"),
             ("]", "older page")]  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """The list's filters as the address gives them (every value a string, empty: any)."""

    verdict: str = ""
    reviewed: str = ""  # "no": without a decision on the session; "yes": with one
    status: str = ""
    candidate: str = ""
    date_from: str = ""  # YYYY-MM-DD in the page's zone
    date_to: str = ""

    def query(self) -> dict[str, str]:
        fields = {"verdict": self.verdict, "reviewed": self.reviewed, "status": self.status,
                  "candidate": self.candidate, "from": self.date_from, "to": self.date_to}  # fmt: skip
        return {k: v for k, v in fields.items() if v}

    def address(self, **extra: str) -> str:
        params = {**self.query(), **{k: v for k, v in extra.items() if v}}
        return "/console" + (f"?{urlencode(params)}" if params else "")

    def times(self, offset_min: int) -> tuple[float | None, float | None]:
        """The date range as Unix times: from the first day's start to the last day's end, in the page's zone."""
        return _day(self.date_from, offset_min), _day(self.date_to, offset_min, end=True)


def _day(text: str, offset_min: int, end: bool = False) -> float | None:
    if not text:
        return None
    day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=zone(offset_min))  # checked by the route
    return (day + timedelta(days=1)).timestamp() - 0.001 if end else day.timestamp()


def _review_cell(row: dict[str, Any]) -> str:
    decided, events = row["decided_events"], row["events"]
    progress = f'<div class="muted">{decided} of {events} events decided</div>' if events else ""
    if row["decision"]:
        word = escape(row["decision"])
        return f'<span class="tag {word}" data-testid="reviewed">{word}</span>{progress}'
    return f'<span class="muted" data-testid="unreviewed">not reviewed</span>{progress}'


def _rows(sessions: list[dict[str, Any]], filters: Filters, offset_min: int) -> str:
    back = urlencode(filters.query())
    rows = []
    for row in sessions:
        href = f"/console/sessions/{escape(row['session_id'])}" + (f"?{escape(back)}" if back else "")
        live = '<span class="status-active">live</span>' if row["status"] == "active" else "ended"
        rows.append(
            f'<tr data-href="{href}" data-session-id="{escape(row["session_id"])}" data-verdict="{escape(row["verdict"])}">'
            f'<td><a href="{href}">{escape(row["candidate_id"])}</a></td>'
            f"<td>{wall(row['created_at'], offset_min, seconds=False)}</td><td>{span(row['duration_s'])}</td>"
            f'<td><span class="pill" style="background:{verdict_colour(row["verdict"])}">'
            f"{escape(verdict_title(row['verdict']))}</span></td>"
            f'<td class="num">{row["peak_risk"]:.0f}</td><td>{live}</td><td>{_review_cell(row)}</td></tr>'
        )
    return "".join(rows)


def _select(name: str, label: str, chosen: str, options: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(text)}</option>'
        for v, text in options
    )
    return f'<label>{escape(label)}<select name="{name}" data-testid="filter-{name}">{items}</select></label>'


def filters_form(filters: Filters, offset_min: int) -> str:
    verdicts = [("", "any"), *((v, verdict_title(v)) for v in get_args(Verdict))]
    return (
        '<form class="card filters noprint" method="get" action="/console" data-testid="filters">'
        f"{_select('verdict', 'Verdict', filters.verdict, verdicts)}"
        f"{_select('status', 'Session', filters.status, [('', 'any'), ('active', 'live'), ('ended', 'ended')])}"
        f'<label>Candidate id<input type="text" name="candidate" value="{escape(filters.candidate)}" maxlength="200" '
        'data-testid="filter-candidate"></label>'
        f'<label>From ({zone_name(offset_min)})<input type="date" name="from" value="{escape(filters.date_from)}" '
        'data-testid="filter-from"></label>'
        f'<label>To<input type="date" name="to" value="{escape(filters.date_to)}" data-testid="filter-to"></label>'
        f'<label class="check"><input type="checkbox" name="reviewed" value="no"'
        f'{" checked" if filters.reviewed == "no" else ""} data-testid="filter-unreviewed"> only without a decision'
        "</label>"
        '<button class="primary" type="submit" data-testid="apply-filters">Filter</button>'
        '<a href="/console">Clear</a></form>'
    )


def list_page(
    viewer: Viewer,
    sessions: list[dict[str, Any]],
    filters: Filters,
    next_cursor: str | None,
    paged: bool,
    offset_min: int,
    elapsed_ms: float,
) -> str:
    rows = _rows(sessions, filters, offset_min)
    table = (
        '<div class="card scroll"><table class="sessions" data-testid="sessions"><thead><tr><th>candidate</th>'
        f'<th>started ({zone_name(offset_min)})</th><th>duration</th><th>verdict</th><th class="num">peak risk</th>'
        f"<th>session</th><th>review</th></tr></thead><tbody>{rows}</tbody></table></div>"
        if rows
        else '<div class="card muted" data-testid="no-sessions">No sessions match these filters.</div>'
    )
    older = (
        f'<a href="{escape(filters.address(cursor=next_cursor))}" data-key="older" data-testid="older">Older sessions →</a>'
        if next_cursor
        else '<span class="muted">No older sessions.</span>'
    )
    newest = f'<a href="{escape(filters.address())}">← Newest</a>' if paged else "<span></span>"
    body = (
        f"{top_bar(viewer)}<h1>Sessions</h1>"
        '<p class="muted">Newest first. A verdict asks a person to look; it is never a finding of misconduct.</p>'
        f"{filters_form(filters, offset_min)}{table}"
        f'<div class="pager noprint">{newest}<span class="muted" data-testid="list-timing">{len(sessions)} shown · '
        f"listed in {elapsed_ms:.0f} ms</span>{older}</div>{keyboard_help(LIST_KEYS)}"
    )
    return document("Sessions · Interview integrity", body, offset_min=offset_min)
