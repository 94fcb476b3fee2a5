"""What every route module shares: the documented error answers and the pipeline dependency."""

from __future__ import annotations

from typing import Any

from interview_integrity.api.schemas import ErrorResponse
from interview_integrity.api.state import Services
from interview_integrity.errors import Busy
from interview_integrity.service.pipeline import Pipeline

RETRY_AFTER: dict[str, Any] = {
    "Retry-After": {"description": "Whole seconds to wait before trying again.", "schema": {"type": "integer"}}
}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text, **({"headers": RETRY_AFTER} if status in (429, 503) else {})}
    for status, text in {
        400: "Bad input (e.g. the frame is not an image, the audio not a 16-bit PCM WAV)",
        401: "Missing or invalid API key (or report link)",
        404: "No such session for this API key (or it expired)",
        408: "The request body did not arrive in time",
        409: "The session has ended, or a frame or a chunk of audio came out of time order",
        413: "Frame or request too large",
        415: "Unsupported content type",
        422: "Body failed validation",
        429: "Rate limited (see Retry-After)",
        503: "Busy or not ready (see Retry-After)",
    }.items()
}
# a page's errors are JSON, or a page for a browser that asks for HTML (api/errors.py): say both
HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        **spec,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
            "text/html": {"schema": {"type": "string", "description": "A page that says what went wrong."}},
        },
    }
    for status, spec in ERRORS.items()
}


def pipeline_of(services: Services) -> Pipeline:
    if services.pipeline is None:
        raise Busy("the service is starting; models are loading", code="not_ready", retry_after=2)
    return services.pipeline
