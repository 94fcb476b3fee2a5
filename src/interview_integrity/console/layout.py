"""What every console page shares: the document around it, the bar at its top, and the keyboard help."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from interview_integrity.console.style import CONSOLE_CSS
from interview_integrity.report.style import CSS

SCRIPT = "/console/console.js"
# every page of the console: its own script and pictures only, nothing from elsewhere, never framed
POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    # same-origin: the browser names this server as the Origin of the console's own forms (no-referrer would
    # send "null", which the CSRF check must refuse), and tells no other site where a reviewer came from
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class Viewer:
    """Who looks at a page, as the bar shows them."""

    who: str
    csrf: str
    signed_in: bool  # keys are on (there is a pass to end)
    scoped: bool = False  # the pass opens one session only


def document(title: str, body: str, *, offset_min: int = 0, script: bool = True) -> str:
    tag = f'<script src="{SCRIPT}" defer></script>' if script else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}{CONSOLE_CSS}</style>{tag}</head>"
        f'<body data-tz="{offset_min}"><main>{body}</main></body></html>'
    )


def top_bar(viewer: Viewer, *, back: str | None = None, extra: str = "") -> str:
    """The brand (to the list), links, the live state, who is signed in and a way out."""
    home = "" if viewer.scoped else '<a class="brand" href="/console">Interview integrity · Sessions</a>'
    back_link = f'<a href="{escape(back)}" data-key="back">← Back to the list</a>' if back and not viewer.scoped else ""
    out = ""
    if viewer.signed_in:
        out = (
            '<form method="post" action="/console/logout">'
            f'<input type="hidden" name="csrf" value="{escape(viewer.csrf)}">'
            '<button class="linkish" type="submit">Sign out</button></form>'
        )
    return (
        f'<div class="top noprint"><nav>{home}{back_link}{extra}</nav>'
        f'<nav><span class="muted" data-testid="who">Deciding as <b>{escape(viewer.who)}</b></span>{out}</nav></div>'
    )


def keyboard_help(keys: list[tuple[str, str]]) -> str:
    items = " · ".join(f"<kbd>{escape(k)}</kbd> {escape(what)}" for k, what in keys)
    return f'<p class="keys noprint" data-testid="keys">Keyboard: {items}</p>'
