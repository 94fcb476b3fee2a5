"""The service's error answers as typed exceptions, built from its `{"error": {"code", "message"}}` body."""

from __future__ import annotations

import httpx

__all__ = [
    "ApiError", "AuthenticationError", "BadRequestError", "ConflictError", "NotFoundError", "PayloadTooLargeError",
    "RateLimitError", "ServiceUnavailableError", "UnsupportedMediaTypeError", "ValidationError", "error_from",
]  # fmt: skip

# answers worth another try after a while: rate limited, busy or starting
RETRY_STATUSES = frozenset({429, 503})


class ApiError(Exception):
    """An error answer from the service. `status`, `code` and `message` come from its JSON body."""

    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


class BadRequestError(ApiError): ...


class AuthenticationError(ApiError): ...


class NotFoundError(ApiError): ...


class ConflictError(ApiError): ...


class PayloadTooLargeError(ApiError): ...


class UnsupportedMediaTypeError(ApiError): ...


class ValidationError(ApiError): ...


class RateLimitError(ApiError): ...


class ServiceUnavailableError(ApiError): ...


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError,
    413: PayloadTooLargeError, 415: UnsupportedMediaTypeError, 422: ValidationError, 429: RateLimitError,
    503: ServiceUnavailableError,
}  # fmt: skip


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def error_from(response: httpx.Response) -> ApiError:
    try:
        body = response.json()["error"]
        code, message = str(body["code"]), str(body["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:200] or response.reason_phrase
    kind = _BY_STATUS.get(response.status_code, ApiError)
    return kind(response.status_code, code, message, retry_after(response))


def retry_delay(backoff_s: float, attempt: int, error: ApiError) -> float:
    """Seconds before another try: the service's Retry-After, else exponential backoff."""
    return error.retry_after if error.retry_after is not None else backoff_s * 2**attempt
