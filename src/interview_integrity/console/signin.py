"""The pages a browser meets at the door: signing in, and a friendly page for every error (never raw JSON)."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from interview_integrity.console.layout import document

_PROBLEMS = {
    "invalid": "Your console pass was not valid (altered, or from before the keys changed). Please sign in again.",
    "expired": "Your sign-in has expired. Please sign in again.",
    "wrong_key": "That API key was not accepted. Check it and try again.",
}
_TITLES = {
    400: "That request could not be read",
    401: "You need to sign in",
    403: "That was refused",
    404: "Not found",
    405: "That cannot be done here",
    409: "That cannot be done now",
    413: "Too large",
    422: "Something in the request was not right",
    429: "Too many requests",
    503: "The service is busy",
}


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a console page of this server, never another site."""
    if path and path.startswith("/console") and not path.startswith("//") and "\\" not in path:
        return path
    return "/console"


def sign_in_page(keys_on: bool, next_path: str, problem: str | None = None, name: str = "") -> str:
    note = f'<div class="problem" role="alert" data-testid="problem">{escape(_PROBLEMS[problem])}</div>' if (
        problem in _PROBLEMS
    ) else ""  # fmt: skip
    key_field = (
        '<label for="api_key">API key</label><input id="api_key" name="api_key" type="password" required '
        'autocomplete="current-password" autofocus data-testid="api-key">'
        '<p class="muted">Asked once: the console keeps a signed pass in this browser (it never stores the key) '
        "and shows only your key's sessions.</p>"
        if keys_on
        else '<p class="muted">This server has no API keys: anyone who reaches it can review its sessions.</p>'
    )
    body = (
        f'<div class="signin card"><h1>Sign in to review sessions</h1>{note}'
        f'<form method="post" action="/console/login">{key_field}'
        '<label for="name">Your name</label><input id="name" name="name" type="text" maxlength="100" '
        f'value="{escape(name)}" placeholder="shown with your decisions" data-testid="name"'
        f"{'' if keys_on else ' autofocus'}>"
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        '<p><button class="primary" type="submit" data-testid="sign-in">Sign in</button></p></form></div>'
    )
    return document("Sign in · Interview integrity", body, script=False)


def error_page(status: int, code: str, message: str, sign_in: str | None = None) -> str:
    """A page for a browser: what went wrong in words, where to go; the code for whoever reports it."""
    heading = _TITLES.get(status, "Something went wrong" if status >= 500 else "That did not work")
    links = ['<a href="/console">Go to the sessions</a>']
    if sign_in is not None:
        links.insert(
            0, f'<a href="/console/login?next={quote(sign_in, safe="/")}" data-testid="sign-in-link">Sign in</a>'
        )
    body = (
        f'<div class="signin card" data-testid="error" data-status="{status}"><h1>{escape(heading)}</h1>'
        f"<p>{escape(message[:1:].upper() + message[1:])}.</p><p>{' · '.join(links)}</p>"
        f'<p class="muted">Error {status} · <code>{escape(code)}</code></p></div>'
    )
    return document(f"{heading} · Interview integrity", body, script=False)
