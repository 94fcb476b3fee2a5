"""`interview-integrity serve`: the HTTP service."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from interview_integrity.cli.common import fail
from interview_integrity.config import Settings

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands


def register(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None, help="uvicorn worker processes (UVICORN_WORKERS)")
    serve.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from interview_integrity.app import create_app

    settings = Settings()
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.uvicorn_workers
    # Frames are JPEG, which deflate cannot shrink: compressing WebSocket messages would only cost CPU. The
    # service writes its own access log (JSON, without query strings); request heads have a deadline.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "ws_per_message_deflate": False,
        "ws_max_size": settings.max_request_bytes,
        "http": "interview_integrity.api.serving:HeadDeadlineProtocol",
    }
    if workers > 1:
        if settings.session_store == "memory":
            return fail("several workers need shared sessions: set SESSION_STORE=redis")
        # each worker process builds its own app (and models) through the factory
        uvicorn.run("interview_integrity.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
    return 0
