"""The ASGI application, built by create_app(settings): no import-time globals."""

from __future__ import annotations

from fastapi import FastAPI

from interview_integrity import __version__
from interview_integrity.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="Interview Integrity Service", version=__version__)
    app.state.settings = settings

    @app.get("/health", tags=["service"])
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
