"""What the app holds while it runs, and typed dependencies to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from interview_integrity.api.ratelimit import RateLimiter
from interview_integrity.api.streams.peers import Peers
from interview_integrity.config import Settings
from interview_integrity.metrics import Metrics
from interview_integrity.service.pipeline import Pipeline


@dataclass
class Services:
    settings: Settings
    metrics: Metrics
    pipeline: Pipeline | None = None
    limiter: RateLimiter | None = None
    peers: Peers | None = None  # WebRTC peer connections, when the endpoint is on


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
