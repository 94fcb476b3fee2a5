"""Reports: the JSON report, the reviewer's page, and signed links that open the page without a key."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from interview_integrity.api import links
from interview_integrity.api.routes.common import ERRORS, HTML_ERRORS, pipeline_of
from interview_integrity.api.schemas import ReportLink, SessionReport
from interview_integrity.api.security import OwnerDep, ReportAccessDep
from interview_integrity.api.state import ServicesDep
from interview_integrity.report import render_report

router = APIRouter(tags=["reports"])
MAX_LINK_TTL_S = 7 * 86_400
_PAGE_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


@router.get("/sessions/{session_id}/report", operation_id="getReport", responses=ERRORS)
async def session_report(session_id: str, services: ServicesDep, owner: OwnerDep) -> SessionReport:
    """The session report (final once the session has ended)."""
    return await pipeline_of(services).sessions.report(session_id, owner)


@router.get(
    "/sessions/{session_id}/report.html",
    operation_id="getReportPage",
    response_class=HTMLResponse,
    responses={**HTML_ERRORS, 200: {"content": {"text/html": {}}, "description": "A self-contained page"}},
)
async def session_report_page(session_id: str, services: ServicesDep, access: ReportAccessDep) -> HTMLResponse:
    """The reviewer's page. With keys on, open it with the key, a signed link (`GET .../report-link`), or after
    signing in to the console (/console) in the same browser."""
    report = await pipeline_of(services).sessions.report(session_id, access.owner, signed=access.signed)
    headers = {"Content-Security-Policy": _PAGE_POLICY, "Referrer-Policy": "no-referrer", "Cache-Control": "private"}
    return HTMLResponse(render_report(report.model_dump(mode="json")), headers=headers)


@router.get("/sessions/{session_id}/report-link", operation_id="getReportLink", responses=ERRORS)
async def report_link(
    session_id: str,
    request: Request,
    services: ServicesDep,
    owner: OwnerDep,
    ttl_s: Annotated[int | None, Query(ge=60, le=MAX_LINK_TTL_S, description="How long the link works.")] = None,
) -> ReportLink:
    """A link to the reviewer's page that works in a browser without an API key, until it expires."""
    await pipeline_of(services).sessions.get(session_id, owner)
    settings = services.settings
    expires = int(time.time() + (ttl_s or settings.report_link_ttl_s))
    signature = links.signature(links.secret(settings.report_link_secret, settings.api_keys), session_id, expires)
    signed = f"expires={expires}&signature={signature}"
    path = f"/sessions/{session_id}/report.html?{signed}"
    base = str(request.base_url).rstrip("/")
    console = f"{base}/console/sessions/{session_id}?{signed}"
    return ReportLink(url=base + path, path=path, console_url=console, expires_at=expires)
