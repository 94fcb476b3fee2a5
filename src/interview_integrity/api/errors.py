"""Every error is JSON {"error": {"code", "message"}} with the right status, except for a browser on a page:
a browser that asks for HTML on the console, a report page or a path that does not exist gets a friendly page
with the same status and code (console/signin.py), and one that must sign in first is sent to do so."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope

from interview_integrity.api.cookies import SignInNeeded
from interview_integrity.api.state import Services
from interview_integrity.console.layout import HEADERS
from interview_integrity.console.signin import error_page
from interview_integrity.errors import ErrorCode, ServiceError

log = logging.getLogger("interview_integrity.errors")
_HTTP_CODES: dict[int, ErrorCode] = {
    404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large"
}  # fmt: skip


def describe_validation(errors: Sequence[Any]) -> str:
    """`field: problem; ...` for the first few problems, without pydantic's `body` prefix."""
    parts = []
    for item in list(errors)[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def error_response(
    services: Services,
    status: int,
    code: ErrorCode,
    message: str,
    retry_after: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    services.metrics.errors.labels(code).inc()
    headers = dict(headers or {})
    if status == 503 and retry_after is None:
        retry_after = 1  # every 503 says when to try again
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers or None)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_REPORT_PAGE = re.compile(r"^/sessions/([^/]+)/report\.html$")


def wants_page(request: Request, status: int) -> bool:
    """A browser on a page: it asks for HTML, on the console, a report page, or a path that is not the API's."""
    if "text/html" not in request.headers.get("accept", ""):
        return False
    path = request.url.path
    return path.startswith("/console") or path.endswith(".html") or status in (404, 405)


def page_answer(
    request: Request, services: Services, status: int, code: ErrorCode, message: str, retry_after: float | None
) -> Response:
    services.metrics.errors.labels(code).inc()
    report = _REPORT_PAGE.match(request.url.path)
    sign_in = f"/console/sessions/{report.group(1)}" if report and status == 401 else None
    if code in ("missing_api_key", "invalid_api_key"):  # a browser sends no header: say what a person can do
        message = "this page is for the session's reviewers: sign in with your API key, or open it from a signed link"
    headers = dict(HEADERS)
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return HTMLResponse(error_page(status, code, message, sign_in), status_code=status, headers=headers)


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route answers on this path (asked of the routes themselves, nested routers too)."""
    return [
        method
        for method in _METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    ]


def install(app: FastAPI) -> None:
    def services(request: Request) -> Services:
        found: Services = request.app.state.services
        return found

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        if isinstance(error, SignInNeeded) and "text/html" in request.headers.get("accept", ""):
            target = f"/console/login?{urlencode({'next': error.next_path, 'why': error.problem})}"
            return RedirectResponse(target, status_code=303)
        if wants_page(request, error.status):
            return page_answer(request, services(request), error.status, error.code, error.message, error.retry_after)
        return error_response(services(request), error.status, error.code, error.message, error.retry_after)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = error.errors()
        policy = bool(problems) and all(tuple(p.get("loc", ()))[:2] == ("body", "policy") for p in problems)
        code: ErrorCode = "invalid_policy" if policy else "validation_error"
        if wants_page(request, 422):
            return page_answer(request, services(request), 422, code, describe_validation(problems), None)
        return error_response(services(request), 422, code, describe_validation(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # RFC 9110: Allow lists every method of the resource (Starlette names only its first matching route's)
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
        if wants_page(request, error.status_code):
            page = page_answer(request, services(request), error.status_code, code, str(error.detail), None)
            page.headers.update(headers)
            return page
        return error_response(services(request), error.status_code, code, str(error.detail), headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error")
        if wants_page(request, 500):
            message = "an unexpected error occurred; it was logged"
            return page_answer(request, services(request), 500, "internal_error", message, None)
        return error_response(services(request), 500, "internal_error", "an unexpected error occurred; it was logged")
