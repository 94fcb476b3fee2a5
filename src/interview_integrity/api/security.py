"""API keys (constant-time comparison), tenant identity, and rate limiting."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from interview_integrity.api.state import Services, ServicesDep
from interview_integrity.errors import RateLimited, Unauthorized


def owner_of(key: str) -> str:
    """The tenant a key stands for: a hash, so the key itself is never stored with a session."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def check_key(services: Services, presented: str | None) -> str | None:
    keys = services.settings.api_keys
    if not keys:
        return None
    if not presented:
        raise Unauthorized("an API key is required: send it in the X-API-Key header", code="missing_api_key")
    # compare against every key, always, so timing does not tell which prefix matched
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(presented.encode(), key.encode())
    if not matched:
        raise Unauthorized("the API key is not valid", code="invalid_api_key")
    return owner_of(presented)


def client_key(connection: HTTPConnection, owner: str | None) -> str:
    if owner:
        return f"key:{owner}"
    host = connection.client.host if connection.client else "unknown"
    return f"addr:{host}"


async def rate_limit(services: Services, key: str) -> None:
    if services.limiter is None:
        return
    retry = await services.limiter.hit(key)
    if retry is not None:
        limit = services.settings.rate_limit_per_minute
        raise RateLimited(f"more than {limit} requests a minute; retry after {retry:.0f} s", retry_after=retry)


async def authenticate(request: Request, services: ServicesDep) -> str | None:
    owner = check_key(services, request.headers.get("x-api-key"))
    await rate_limit(services, client_key(request, owner))
    return owner


OwnerDep = Annotated[str | None, Depends(authenticate)]
