"""The reviewer's console pass: a signed, expiring, HttpOnly, SameSite=Strict cookie, so a browser asks for
an API key once and never keeps it.

The pass holds the tenant (the key's hash, never the key), the key's name and the reviewer's own, when it
ends, and a random nonce; it is `base64url(JSON).HMAC-SHA256`, under a key derived from the report links'
secret (REPORT_LINK_SECRET, or one derived from API_KEYS, so every replica signs alike and rotating the keys
ends every pass). A pass opened from a signed report link is scoped to that one session.

Forms are CSRF-safe twice over: the cookie is SameSite=Strict (a request from another site carries no pass),
and every POST must carry the pass's CSRF token (an HMAC of its nonce) and, when the browser sends one, an
Origin of this server.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from interview_integrity.api import links
from interview_integrity.config import Settings
from interview_integrity.errors import Forbidden, Unauthorized

COOKIE = "ii_console"
Problem = Literal["missing", "invalid", "expired"]


@dataclass(frozen=True)
class Pass:
    owner: str | None  # the tenant: the hash of the key it signed in with (None: keys are off)
    key_name: str  # the key's name ("" with keys off)
    reviewer: str  # the name the reviewer gave when signing in ("": none)
    scope: str | None  # a session id: the pass opens that session only (a signed link)
    expires: int  # Unix time
    nonce: str

    @property
    def who(self) -> str:
        """Who decisions made with this pass are recorded as."""
        if self.reviewer and self.key_name:
            return f"{self.reviewer} ({self.key_name})"
        if self.reviewer or self.key_name:
            return self.reviewer or self.key_name
        return "reviewer with a signed link" if self.scope else "unnamed reviewer"

    def opens(self, session_id: str) -> bool:
        return self.scope is None or self.scope == session_id


def key(settings: Settings) -> bytes:
    """The passes' signing key: derived from the links' secret, for this purpose only."""
    base = links.secret(settings.report_link_secret, settings.api_keys)
    return hmac.new(base, b"interview-integrity console pass", hashlib.sha256).digest()


def new(owner: str | None, key_name: str, reviewer: str, scope: str | None, expires: int) -> Pass:
    return Pass(owner, key_name, reviewer.strip()[:100], scope, expires, secrets.token_urlsafe(12))


def seal(signing: bytes, granted: Pass) -> str:
    body = base64.urlsafe_b64encode(json.dumps(asdict(granted), separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{body}.{hmac.new(signing, body.encode(), hashlib.sha256).hexdigest()}"


def unseal(signing: bytes, value: str | None, now: float) -> tuple[Pass | None, Problem | None]:
    """The pass in a cookie, or why there is none: missing, invalid (altered, or not ours), expired."""
    if not value:
        return None, "missing"
    body, _, signature = value.rpartition(".")
    expected = hmac.new(signing, body.encode(), hashlib.sha256).hexdigest()
    if not body or not hmac.compare_digest(expected, signature):
        return None, "invalid"
    try:
        granted = Pass(**json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    except (ValueError, TypeError, binascii.Error):
        return None, "invalid"
    if granted.expires < now:
        return None, "expired"
    return granted, None


def csrf_token(signing: bytes, granted: Pass) -> str:
    return hmac.new(signing, f"csrf\n{granted.nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def check_csrf(request: Request, signing: bytes, granted: Pass, given: str | None) -> None:
    """A POST from the console's own pages: same origin, with the pass's token."""
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise Forbidden(f"a request from {origin} cannot act in this console", code="csrf_refused")
    token = given or request.headers.get("x-csrf-token") or ""
    if not hmac.compare_digest(token.encode(), csrf_token(signing, granted).encode()):
        raise Forbidden(
            "the form's security token is missing or out of date: reload the page and try again", code="csrf_refused"
        )


def give(response: Response, request: Request, signing: bytes, granted: Pass, max_age: int) -> None:
    response.set_cookie(
        COOKIE, seal(signing, granted), max_age=max(1, max_age), path="/", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip


def take_back(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")


class SignInNeeded(Unauthorized):
    """No valid pass: a page sends the browser to sign in; a script gets a 401."""

    def __init__(self, problem: Problem, next_path: str) -> None:
        words = {"missing": "sign in to the console first", "invalid": "the console pass was not valid: sign in again",
                 "expired": "your sign-in has expired: sign in again"}  # fmt: skip
        super().__init__(words[problem], code="sign_in_required")
        self.problem = problem
        self.next_path = next_path
