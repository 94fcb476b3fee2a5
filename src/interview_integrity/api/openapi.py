"""/openapi.json as typed as the code: the API key scheme (required or optional, as the server is set), the
webhooks it sends, the headers every answer carries, and each enum once, as a component that is referenced.

FastAPI builds the schema from the routes and models; this adds what it cannot know, once, at the first
request for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from interview_integrity.analysis.basis import BASES
from interview_integrity.analysis.registry import Category, ClientEventType, EventType, Severity
from interview_integrity.analysis.scoring import Verdict
from interview_integrity.config import Settings
from interview_integrity.errors import ErrorCode
from interview_integrity.service.webhooks import HighEventDelivery, SessionEndedDelivery
from interview_integrity.stores.base import Decision, SessionStatusName

SCHEME = "ApiKey"
# each enum of the API, declared once in the code, becomes one component that every use refers to
ENUMS: dict[str, tuple[str, ...]] = {
    "EventType": get_args(EventType),
    "ClientEventType": get_args(ClientEventType),
    "Category": get_args(Category),
    "Severity": get_args(Severity),  # also the risk's level (low, medium, high): one enum of three words
    "Verdict": get_args(Verdict),
    "SessionStatusName": get_args(SessionStatusName),
    "Decision": get_args(Decision),
    "ErrorCode": get_args(ErrorCode),
}
REQUEST_ID = {
    "X-Request-ID": {
        "description": "The request's id (the caller's own X-Request-ID when it sent one), also in the server's log.",
        "schema": {"type": "string"},
    }
}


def install(app: FastAPI, settings: Settings, description: str) -> None:
    """Serve the finished schema at /openapi.json (built once)."""
    _declare_webhooks(app)

    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=description,
                    routes=app.routes,
                    webhooks=app.webhooks.routes,
                    license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
                    servers=[{"url": "/", "description": "This server (the paths are relative to where it runs)"}],
                    tags=TAGS,
                ),
                keys_required=bool(settings.api_keys),
            )
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]


TAGS = [
    {"name": "sessions", "description": "Start, follow, end and review sessions."},
    {"name": "frames", "description": "A session's frames: one request each."},
    {"name": "reports", "description": "What a reviewer reads: the report, its page, signed links."},
    {"name": "webrtc", "description": "The camera as a WebRTC track."},
    {"name": "service", "description": "Liveness, readiness, metrics."},
]


def finish(schema: dict[str, Any], *, keys_required: bool) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    scheme = schemes.get(SCHEME, {"type": "apiKey", "in": "header", "name": "X-API-Key"})
    state = "required: every call but the probes and signed report links needs one" if keys_required else "off"
    schemes[SCHEME] = {**scheme, "description": f"{scheme.get('description', 'An API key.')} On this server: {state}."}
    for operation in _operations(schema.get("paths", {})):
        if "security" not in operation:
            operation["security"] = []  # a probe or a page: open to all
        elif not keys_required:
            operation["security"] = [*operation["security"], {}]  # the key is optional here
        for response in operation.get("responses", {}).values():
            response["headers"] = {**response.get("headers", {}), **REQUEST_ID}
    for operation in _operations(schema.get("webhooks", {})):
        operation["security"] = []  # sent by this service; the receiver checks the signature instead
        operation["responses"] = {"200": {"description": "Any 2xx: delivered. Anything else is retried."}}
    if "HTTPValidationError" not in json.dumps(schema.get("paths", {})):
        for unused in ("HTTPValidationError", "ValidationError"):  # every 422 here is an ErrorResponse
            components.get("schemas", {}).pop(unused, None)
    _type_bases(components.setdefault("schemas", {}))
    _hoist_enums(schema, components["schemas"])
    return schema


def _type_bases(schemas: dict[str, Any]) -> None:
    """An event's `basis` is stored as JSON; the registry declares its shape per event type (analysis/basis.py,
    checked when the event is described): the schema says it is one of those shapes, or empty."""
    _, definitions = models_json_schema(
        [(model, "serialization") for model in BASES], ref_template="#/components/schemas/{model}"
    )
    schemas.update(definitions.get("$defs", {}))
    event = schemas.get("Event", {}).get("properties", {})
    if "basis" in event:
        shapes = [{"$ref": f"#/components/schemas/{model.__name__}"} for model in BASES]
        empty = {"type": "object", "maxProperties": 0, "title": "NoBasis"}
        event["basis"] = {"anyOf": [*shapes, empty], "description": event["basis"].get("description", "")}


def _operations(paths: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in paths.values():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield operation


def _hoist_enums(node: Any, schemas: dict[str, Any]) -> None:
    """Every inline enum that is one of ENUMS becomes a reference to its component."""
    by_values = {values: name for name, values in ENUMS.items()}
    for name, values in ENUMS.items():
        schemas[name] = {"type": "string", "enum": list(values), "title": name}

    def visit(item: Any, inside: str | None) -> Any:
        if isinstance(item, dict):
            values = tuple(item.get("enum", ())) if item.get("type") == "string" else ()
            name = by_values.get(values)
            if name is not None and name != inside:
                kept = {k: v for k, v in item.items() if k in {"description", "default", "examples"}}
                return {"$ref": f"#/components/schemas/{name}", **kept}
            return {k: visit(v, inside) for k, v in item.items()}
        if isinstance(item, list):
            return [visit(v, inside) for v in item]
        return item

    for key in list(node):
        if key == "components":
            for name, definition in list(schemas.items()):
                schemas[name] = visit(definition, name)
        else:
            node[key] = visit(node[key], None)


def _declare_webhooks(app: FastAPI) -> None:
    """The POSTs the service sends to WEBHOOK_URL (docs/API.md has the signature to check)."""

    @app.webhooks.post("session.ended", operation_id="sessionEnded", tags=["webhooks"])
    def session_ended(body: SessionEndedDelivery) -> None:
        """Sent once when a session ends, signed (`X-Interview-Integrity-Signature`), retried until a 2xx."""

    @app.webhooks.post("event.high", operation_id="highEventRaised", tags=["webhooks"])
    def event_high(body: HighEventDelivery) -> None:
        """Sent once a session, at its first high-severity event, signed and retried like `session.ended`."""

    del session_ended, event_high  # declared for the schema only
