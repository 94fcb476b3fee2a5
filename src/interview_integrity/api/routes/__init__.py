"""REST routes: thin adapters from HTTP to the Pipeline, one module per resource."""

from fastapi import APIRouter

from interview_integrity.api.routes import audio, frames, reports, service, sessions

router = APIRouter()
for module in (service, sessions, frames, audio, reports):
    router.include_router(module.router)

__all__ = ["router"]
