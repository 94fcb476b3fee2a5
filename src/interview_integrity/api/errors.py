"""Every error is JSON {"error": {"code", "message"}} with the right status; never an HTML page."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from interview_integrity.api.state import Services
from interview_integrity.errors import ServiceError

log = logging.getLogger("interview_integrity.errors")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "payload_too_large"}


def describe_validation(errors: Sequence[Any]) -> str:
    """`field: problem; ...` for the first few problems, without pydantic's `body` prefix."""
    parts = []
    for item in list(errors)[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def error_response(
    services: Services, status: int, code: str, message: str, retry_after: float | None = None
) -> JSONResponse:
    services.metrics.errors.labels(code).inc()
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    def services(request: Request) -> Services:
        found: Services = request.app.state.services
        return found

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return error_response(services(request), error.status, error.code, error.message, error.retry_after)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(services(request), 422, "validation_error", describe_validation(error.errors()))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return error_response(services(request), error.status_code, code, str(error.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(services(request), 500, "internal_error", "an unexpected error occurred; it was logged")
