"""Errors the service reports to callers: a stable code, a message that says what was wrong, a status.

Every code a caller can receive is declared in `ErrorCode` (the OpenAPI enum of `ErrorDetail.code`); the
type checker holds each raise to it.
"""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    # 400: the request itself
    "bad_request", "invalid_input", "invalid_json", "invalid_message", "unknown_message", "invalid_start",
    "invalid_resume", "no_session", "invalid_frame", "invalid_timestamp", "timestamp_out_of_range",
    "invalid_client_event", "invalid_metadata", "invalid_cursor", "no_video_track", "invalid_sdp",
    "invalid_image", "empty_image", "not_an_image", "truncated_image",
    "invalid_audio", "unsupported_audio", "audio_length",
    # 401, 403, 404, 405, 408
    "unauthorized", "missing_api_key", "invalid_api_key", "invalid_report_link", "sign_in_required",
    "forbidden", "csrf_refused",
    "not_found", "session_not_found", "event_not_found", "webrtc_disabled", "not_built", "method_not_allowed",
    "request_timeout",
    # 409: the session's state
    "conflict", "session_ended", "frame_out_of_order", "frame_already_analysed", "rule_disabled", "webrtc_active",
    "idempotency_key_spent",
    "audio_out_of_order",
    # 413, 415, 422, 429
    "payload_too_large", "image_too_large", "unsupported_media_type",
    "validation_error", "invalid_policy", "invalid_reference_photo", "idempotency_conflict", "frame_id_reused",
    "rate_limited",
    # 5xx
    "busy", "not_ready", "identity_unavailable", "store_unavailable", "internal_error", "http_error",
]  # fmt: skip


class ServiceError(Exception):
    status = 400
    code: ErrorCode = "bad_request"

    def __init__(self, message: str, *, code: ErrorCode | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.retry_after = retry_after


class InvalidInput(ServiceError):
    status, code = 400, "invalid_input"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ServiceError):
    status, code = 415, "unsupported_media_type"


class Unprocessable(ServiceError):
    status, code = 422, "validation_error"


class RateLimited(ServiceError):
    status, code = 429, "rate_limited"


class Busy(ServiceError):
    """503: the service cannot take this now, and says when to try again (every 503 has a Retry-After)."""

    status, code = 503, "busy"

    def __init__(self, message: str, *, code: ErrorCode | None = None, retry_after: float = 1) -> None:
        super().__init__(message, code=code, retry_after=retry_after)
