"""The console's door: signing in with an API key once (a pass, api/cookies.py), signing out, and the pass every
console request is checked against. With API keys off the console is open, and a pass only carries the name
a reviewer gave."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from interview_integrity.api import cookies
from interview_integrity.api.security import check_key, client_key, key_name, owner_of, rate_limit
from interview_integrity.api.state import ServicesDep
from interview_integrity.console.layout import HEADERS, Viewer
from interview_integrity.console.signin import safe_next, sign_in_page
from interview_integrity.errors import Forbidden, Unauthorized

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Access:
    granted: cookies.Pass
    signing: bytes
    fresh: bool  # a pass made for this request (keys off, first visit): the answer gives it

    @property
    def owner(self) -> str | None:
        return self.granted.owner

    def viewer(self, keys_on: bool) -> Viewer:
        return Viewer(
            who=self.granted.who, csrf=cookies.csrf_token(self.signing, self.granted), signed_in=keys_on,
            scoped=self.granted.scope is not None,
        )  # fmt: skip


async def console_access(request: Request, services: ServicesDep) -> Access:
    """The request's pass; with keys on, none (or an altered, expired or revoked one) means signing in first."""
    settings = services.settings
    signing = cookies.key(settings)
    now = time.time()
    granted, problem = cookies.unseal(signing, request.cookies.get(cookies.COOKIE), now)
    keys_on = bool(settings.api_keys)
    if granted is not None and granted.scope is None:
        current = {owner_of(k) for k in settings.api_keys} if keys_on else {None}
        if granted.owner not in current:  # its key was removed, or keys were switched on or off since
            granted, problem = None, "invalid"
    fresh = False
    if granted is None:
        if keys_on:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise cookies.SignInNeeded(problem or "missing", here)
        granted, fresh = cookies.new(None, "", "", None, int(now + settings.console_session_ttl_s)), True
    await rate_limit(services, client_key(request, granted.owner))
    return Access(granted, signing, fresh)


AccessDep = Annotated[Access, Depends(console_access)]


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise Forbidden(f"a sign-in form from {origin} is not this console's", code="csrf_refused")


@router.get("/console/login", response_class=HTMLResponse)
async def sign_in_form(services: ServicesDep, next: str = "/console", why: str = "") -> HTMLResponse:
    page = sign_in_page(bool(services.settings.api_keys), safe_next(next), why or None)
    return HTMLResponse(page, headers=HEADERS)


@router.post("/console/login", response_class=HTMLResponse)
async def sign_in(
    request: Request,
    services: ServicesDep,
    api_key: Annotated[str, Form(max_length=500)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/console",
) -> Response:
    """A key once for a pass: it never leaves this server again, the browser keeps only the signed pass."""
    _same_origin(request)
    settings = services.settings
    await rate_limit(services, client_key(request, None))  # guessing keys costs the guesser's address
    keys_on = bool(settings.api_keys)
    target = safe_next(next)
    owner, named = None, ""
    if keys_on:
        try:
            owner = check_key(services, api_key.strip())
        except Unauthorized:
            page = sign_in_page(True, target, "wrong_key", name)
            return HTMLResponse(page, status_code=401, headers=HEADERS)
        named = key_name(services, owner)
    granted = cookies.new(owner, named, name, None, int(time.time() + settings.console_session_ttl_s))
    response = RedirectResponse(target, status_code=303)
    cookies.give(response, request, cookies.key(settings), granted, settings.console_session_ttl_s)
    return response


@router.post("/console/logout")
async def sign_out(
    request: Request, access: AccessDep, csrf: Annotated[str, Form(max_length=100)] = ""
) -> RedirectResponse:
    cookies.check_csrf(request, access.signing, access.granted, csrf)
    response = RedirectResponse("/console/login", status_code=303)
    cookies.take_back(response, request)
    return response
