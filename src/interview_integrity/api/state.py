"""What the app holds while it runs, and typed dependencies to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from interview_integrity.config import Settings
from interview_integrity.metrics import Metrics
from interview_integrity.pipeline import Pipeline
from interview_integrity.ratelimit import RateLimiter


@dataclass
class Services:
    settings: Settings
    metrics: Metrics
    pipeline: Pipeline | None = None
    limiter: RateLimiter | None = None


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
