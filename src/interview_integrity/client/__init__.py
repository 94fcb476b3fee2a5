"""Python client for the interview integrity service: `InterviewClient` and its async twin.

client = InterviewClient("http://localhost:8000")
session_id = client.start_session("candidate_123")
result = client.analyze_frame_from_array(session_id, frame)   # frame: numpy BGR image
"""

from interview_integrity.client.aio import AsyncInterviewClient
from interview_integrity.client.calls import jpeg_from_array
from interview_integrity.client.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitError,
    ServiceUnavailableError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from interview_integrity.client.sync import InterviewClient

__all__ = [
    "ApiError", "AsyncInterviewClient", "AuthenticationError", "BadRequestError", "ConflictError",
    "InterviewClient", "NotFoundError", "PayloadTooLargeError", "RateLimitError", "ServiceUnavailableError",
    "UnsupportedMediaTypeError", "ValidationError", "jpeg_from_array",
]  # fmt: skip
