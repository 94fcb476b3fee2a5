"""The session page, where a decision is made: the report (report/page.py) with, per event, confirm or dismiss
with a note, one decision on the whole session, the pictures by address, a bar to go back and on, and the
keys that do all of it (console.js). A live session says so and updates itself."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from interview_integrity.console.layout import SCRIPT, Viewer, keyboard_help, top_bar
from interview_integrity.console.style import CONSOLE_CSS
from interview_integrity.report.page import PageOptions, render_report

SESSION_KEYS = [
    ("j", "next event"), ("k", "previous event"), ("c", "confirm it"), ("d", "dismiss it"), ("n", "write a note"),
    ("z", "its evidence, full size"), ("Esc", "close"), ("C", "confirm the session"), ("D", "dismiss the session"),
    ("]", "next session"), ("[", "back to the list"),
]  # fmt: skip


def _hidden(viewer: Viewer, event_id: str | None) -> str:
    # the first submit button is what Enter in the note would press: a disabled one, so Enter never decides
    return (
        '<button type="submit" disabled hidden aria-hidden="true"></button>'
        f'<input type="hidden" name="csrf" value="{escape(viewer.csrf)}">'
        f'<input type="hidden" name="event_id" value="{escape(event_id or "")}">'
    )


def event_actions(session_id: str, viewer: Viewer, back: str) -> Any:
    action = f"/console/sessions/{quote(session_id)}/decisions{back}"

    def actions(event: dict[str, Any], review: dict[str, Any] | None) -> str:
        event_id = escape(event["id"])
        now = f' data-decided="{escape(review["decision"])}"' if review else ""
        return (
            f'<form method="post" action="{escape(action)}" class="decide" data-event-id="{event_id}"{now}>'
            f"{_hidden(viewer, event['id'])}"
            f'<input type="text" name="note" maxlength="2000" placeholder="note (optional)" aria-label="note on '
            f'{event_id}" data-testid="note-{event_id}">'
            f'<button class="confirm" type="submit" name="decision" value="confirmed" data-testid="confirm-{event_id}">'
            "Confirm</button>"
            f'<button class="dismiss" type="submit" name="decision" value="dismissed" data-testid="dismiss-{event_id}">'
            "Dismiss</button></form>"
        )

    return actions


def session_actions(session_id: str, viewer: Viewer, back: str) -> str:
    action = f"/console/sessions/{quote(session_id)}/decisions{back}"
    return (
        f'<form method="post" action="{escape(action)}" class="decide session-decision noprint" data-event-id="" '
        f'data-testid="session-form">{_hidden(viewer, None)}'
        '<label for="session-note"><b>Your decision on this session</b> '
        '<span class="muted">(recorded with your name and the time; the measured events never change)</span></label>'
        '<textarea id="session-note" name="note" maxlength="2000" placeholder="note (optional): what you checked" '
        'data-testid="session-note"></textarea><div class="buttons">'
        '<button class="confirm" type="submit" name="decision" value="confirmed" data-testid="confirm-session">'
        "Confirm: needs follow-up</button>"
        '<button class="dismiss" type="submit" name="decision" value="dismissed" data-testid="dismiss-session">'
        "Dismiss: nothing to follow up</button></div></form>"
    )


def session_page(
    report: dict[str, Any],
    viewer: Viewer,
    *,
    list_query: str,
    next_session: str | None,
    offset_min: int,
    now: float,
) -> str:
    session_id = report["session_id"]
    back = f"?{list_query}" if list_query else ""
    base = f"/console/sessions/{quote(session_id)}"
    live = report["status"] == "active"
    pulse = (
        f'<span class="pulse{" on" if live else ""}" data-testid="pulse" data-live="{str(live).lower()}">'
        f"{'live: updates itself' if live else 'ended'}</span>"
    )
    following = (
        f'<a href="{escape(next_session)}" data-key="next-session" data-testid="next-session">Next session →</a>'
        if next_session and not viewer.scoped
        else ""
    )

    def picture(item: dict[str, Any], which: str) -> str:
        return f"{base}/evidence/{quote(item['event_id'])}/{which}.jpg"

    options = PageOptions(
        picture=picture,
        event_actions=event_actions(session_id, viewer, back),
        session_actions=session_actions(session_id, viewer, back),
        top=top_bar(viewer, back="/console" + back, extra=f"{following}{pulse}"),
        offset_min=offset_min,
        live_note="This page updates itself while it is open.",
        now=now,
        title_prefix="Session",
        head=f'<style>{CONSOLE_CSS}</style><script src="{SCRIPT}" defer></script>',
        body_attributes=f' data-tz="{offset_min}" data-live-url="{escape(base)}/live" data-page="session"',
        bottom=keyboard_help([k for k in SESSION_KEYS if not viewer.scoped or k[0] not in "[]"]),
    )
    return render_report(report, options)
