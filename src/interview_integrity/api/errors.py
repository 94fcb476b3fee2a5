"""Every error is JSON {"error": {"code", "message"}} with the right status; never an HTML page."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope

from interview_integrity.api.state import Services
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
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return error_response(services(request), error.status, error.code, error.message, error.retry_after)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        policy = bool(problems) and all(tuple(p.get("loc", ()))[:2] == ("body", "policy") for p in problems)
        code: ErrorCode = "invalid_policy" if policy else "validation_error"
        return error_response(services(request), 422, code, describe_validation(problems))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # RFC 9110: Allow lists every method of the resource (Starlette names only its first matching route's)
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
        return error_response(services(request), error.status_code, code, str(error.detail), headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(services(request), 500, "internal_error", "an unexpected error occurred; it was logged")
