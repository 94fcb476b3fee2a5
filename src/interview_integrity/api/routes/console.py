"""The reviewer's console: the list of sessions, a session's page where decisions are made, its live state, its
evidence pictures, and the console's script. Every page is HTML for a browser, errors included (api/errors.py);
the pages themselves are drawn in console/."""

from __future__ import annotations

import base64
import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from interview_integrity.analysis.scoring import Verdict
from interview_integrity.api import cookies, links
from interview_integrity.api.routes.common import pipeline_of
from interview_integrity.api.routes.console_door import Access, AccessDep, console_access
from interview_integrity.api.security import client_key, rate_limit
from interview_integrity.api.state import ServicesDep
from interview_integrity.console import listing
from interview_integrity.console.layout import HEADERS
from interview_integrity.console.session import session_page
from interview_integrity.errors import InvalidInput, NotFound, Unauthorized
from interview_integrity.service.access import missing
from interview_integrity.stores.base import Decision

router = APIRouter(include_in_schema=False)
log = logging.getLogger("interview_integrity.console")
SCRIPT = Path(__file__).resolve().parents[2] / "console" / "console.js"
PAGE_SIZE = 50
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1a56db"/>'
    '<circle cx="16" cy="16" r="8" fill="none" stroke="#fff" stroke-width="3"/><circle cx="16" cy="16" r="3" '
    'fill="#fff"/></svg>'
)


def _offset(request: Request) -> int:
    """The reviewer's zone, minutes east of UTC, as console.js keeps it; UTC until it has."""
    text = request.cookies.get("ii_tz", "0")
    try:
        return max(-14 * 60, min(14 * 60, int(text)))
    except ValueError:
        return 0


def _filters(verdict: str, reviewed: str, status: str, candidate: str, date_from: str, date_to: str) -> listing.Filters:
    """The list's filters, checked: a wrong one is a 400 page that says which."""
    if verdict and verdict not in get_args(Verdict):
        raise InvalidInput(f"verdict must be one of {', '.join(get_args(Verdict))}, not {verdict!r}")
    if reviewed not in ("", "yes", "no") or status not in ("", "active", "ended"):
        raise InvalidInput("reviewed must be yes or no, and status active or ended")
    for text in (date_from, date_to):
        try:
            if text:
                datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise InvalidInput(f"dates are written YYYY-MM-DD, not {text!r}") from None
    return listing.Filters(verdict, reviewed, status, candidate.strip(), date_from, date_to)


def _listing_filters(filters: listing.Filters, offset_min: int) -> dict[str, Any]:
    created_from, created_to = filters.times(offset_min)
    return {
        "candidate_id": filters.candidate or None, "status": filters.status or None,
        "verdict": filters.verdict or None, "reviewed": {"yes": True, "no": False}.get(filters.reviewed),
        "created_from": created_from, "created_to": created_to,
    }  # fmt: skip


def _page(html: str, request: Request, access: Access, services: ServicesDep) -> HTMLResponse:
    response = HTMLResponse(html, headers=HEADERS)
    if access.fresh:
        ttl = services.settings.console_session_ttl_s
        cookies.give(response, request, access.signing, access.granted, ttl)
    return response


@router.get("/console", response_class=HTMLResponse)
async def sessions_list(
    request: Request,
    services: ServicesDep,
    access: AccessDep,
    verdict: Annotated[str, Query(max_length=40)] = "",
    reviewed: Annotated[str, Query(max_length=10)] = "",
    status: Annotated[str, Query(max_length=10)] = "",
    candidate: Annotated[str, Query(max_length=200)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Sessions newest first, filtered, a page at a time."""
    if access.granted.scope is not None:  # a signed link opens its session only
        return RedirectResponse(f"/console/sessions/{access.granted.scope}", status_code=303)
    filters = _filters(verdict, reviewed, status, candidate, date_from, date_to)
    offset_min = _offset(request)
    started = time.perf_counter()
    found = await pipeline_of(services).sessions.list(
        access.owner, limit=PAGE_SIZE, cursor=cursor or None, **_listing_filters(filters, offset_min)
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.info("console list", extra={"fields": {"ms": round(elapsed_ms, 1), "rows": len(found.sessions)}})
    rows = [row.model_dump(mode="json") for row in found.sessions]
    viewer = access.viewer(bool(services.settings.api_keys))
    html = listing.list_page(viewer, rows, filters, found.next_cursor, cursor is not None, offset_min, elapsed_ms)
    return _page(html, request, access, services)


async def _open_link(
    request: Request, services: ServicesDep, session_id: str, expires: str, signature: str
) -> Response:
    """A signed report link opens the console on its session: a pass scoped to it, then the page without the
    signature in its address."""
    settings = services.settings
    secret = links.secret(settings.report_link_secret, settings.api_keys)
    now = time.time()
    if not expires.isdigit() or not signature or not links.valid(secret, session_id, int(expires), signature, now):
        raise Unauthorized("the link is not valid for this session, or it has expired", code="invalid_report_link")
    await rate_limit(services, client_key(request, None))
    record = await pipeline_of(services).sessions.get(session_id, None, any_owner=True)
    until = min(int(expires), int(now + settings.console_session_ttl_s))
    granted = cookies.new(record.owner, "", "", session_id, until)
    response = RedirectResponse(f"/console/sessions/{session_id}", status_code=303)
    cookies.give(response, request, cookies.key(settings), granted, until - int(now))
    return response


@router.get("/console/sessions/{session_id}", response_class=HTMLResponse)
async def session_view(
    session_id: str,
    request: Request,
    services: ServicesDep,
    expires: Annotated[str | None, Query(max_length=20)] = None,
    signature: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """The session's page: its report, and where the decisions are made."""
    if expires is not None or signature is not None:
        return await _open_link(request, services, session_id, expires or "", signature or "")
    access = await console_access(request, services)
    if not access.granted.opens(session_id):
        raise missing(session_id)
    sessions = pipeline_of(services).sessions
    record = await sessions.get(session_id, access.owner)
    report = await sessions.report(session_id, access.owner)
    offset_min = _offset(request)
    query = dict(parse_qsl(request.url.query))
    filters = _filters(query.get("verdict", ""), query.get("reviewed", ""), query.get("status", ""),
                       query.get("candidate", ""), query.get("from", ""), query.get("to", ""))  # fmt: skip
    list_query = urlencode(filters.query())
    following = None
    if access.granted.scope is None:
        after = await sessions.following(record, access.owner, limit=1, **_listing_filters(filters, offset_min))
        if after.sessions:
            following = f"/console/sessions/{after.sessions[0].session_id}" + (f"?{list_query}" if list_query else "")
    viewer = access.viewer(bool(services.settings.api_keys))
    html = session_page(
        report.model_dump(mode="json"), viewer, list_query=list_query, next_session=following, offset_min=offset_min,
        now=time.time(),
    )  # fmt: skip
    return _page(html, request, access, services)


@router.post("/console/sessions/{session_id}/decisions")
async def decide(
    session_id: str,
    request: Request,
    services: ServicesDep,
    access: AccessDep,
    decision: Annotated[Decision, Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
    event_id: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """A decision on an event (or, without one, the session), recorded as the pass's reviewer. A script gets the
    decision as JSON; a plain form goes back to the page, at the event."""
    cookies.check_csrf(request, access.signing, access.granted, csrf)
    if not access.granted.opens(session_id):
        raise missing(session_id)
    sessions = pipeline_of(services).sessions
    review = await sessions.review(session_id, access.owner, event_id or None, decision, note, access.granted.who[:100])
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(review.model_dump(mode="json"), status_code=201)
    back = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/console/sessions/{session_id}{back}#event-{event_id or 'top'}", status_code=303)


@router.get("/console/sessions/{session_id}/live")
async def live(session_id: str, services: ServicesDep, access: AccessDep) -> JSONResponse:
    """What changes while a page is open, and a version that changes with it."""
    if not access.granted.opens(session_id):
        raise missing(session_id)
    record = await pipeline_of(services).sessions.get(session_id, access.owner)
    state = record.state
    facts = {"status": record.status, "frames": state.frames, "events": len(state.events),
             "reviews": len(record.reviews), "open_events": sum(1 for e in state.events if e.open)}  # fmt: skip
    version = ":".join(str(v) for v in facts.values()) + f":{state.risk.peak:.1f}"
    return JSONResponse({**facts, "version": version}, headers={"Cache-Control": "no-store"})


@router.get("/console/sessions/{session_id}/evidence/{event_id}/{which}.jpg")
async def evidence_picture(
    session_id: str, event_id: str, which: Literal["frame", "crop"], services: ServicesDep, access: AccessDep
) -> Response:
    """A snapshot as stored (whatever its size), or the event's crop."""
    if not access.granted.opens(session_id):
        raise missing(session_id)
    items = await pipeline_of(services).sessions.evidence(session_id, access.owner)
    item = next((e for e in items if e.event_id == event_id), None)
    data = None if item is None else item.jpeg_base64 if which == "frame" else item.crop_base64
    if data is None:
        raise NotFound(f"session {session_id!r} keeps no {which} picture for event {event_id!r}", code="not_found")
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}  # a candidate's picture: never kept
    return Response(base64.b64decode(data), media_type="image/jpeg", headers=headers)


@router.get("/console/console.js")
async def script() -> FileResponse:
    return FileResponse(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
