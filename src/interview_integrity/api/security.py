"""API keys (constant-time comparison), tenant identity, and rate limiting."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.security import APIKeyHeader
from starlette.requests import HTTPConnection

from interview_integrity.api import cookies, links
from interview_integrity.api.state import Services, ServicesDep
from interview_integrity.errors import RateLimited, Unauthorized

# declared as a dependency so that every operation that takes a key says so in /openapi.json
API_KEY = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="One of the server's API_KEYS. Each key is a tenant: it sees only the sessions it started.",
    auto_error=False,
)
ApiKeyDep = Annotated[str | None, Security(API_KEY)]


def owner_of(key: str) -> str:
    """The tenant a key stands for: a hash, so the key itself is never stored with a session."""
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def key_name(services: Services, owner: str | None) -> str:
    """The name API_KEYS gives the tenant's key, or `key 1a2b3c4d` (the start of its hash) when it names none."""
    if owner is None:
        return ""
    named = {owner_of(key): name for key, name in services.settings.api_key_names.items()}
    return named.get(owner, f"key {owner[:8]}")


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


async def authenticate(request: Request, services: ServicesDep, key: ApiKeyDep) -> str | None:
    owner = check_key(services, key)
    await rate_limit(services, client_key(request, owner))
    return owner


OwnerDep = Annotated[str | None, Depends(authenticate)]


@dataclass(frozen=True)
class ReportAccess:
    owner: str | None
    signed: bool  # a valid signed link: it stands for the session's owner


async def report_access(
    session_id: str,
    request: Request,
    services: ServicesDep,
    key: ApiKeyDep,
    expires: Annotated[str | None, Query(max_length=20, description="A signed link's expiry (Unix time).")] = None,
    signature: Annotated[str | None, Query(max_length=128, description="A signed link's signature.")] = None,
) -> ReportAccess:
    """The reviewer's page takes the API key, a signed link (`expires` and `signature`) to this session, or the
    console's pass (api/cookies.py) when the browser has signed in there."""
    if expires is None and signature is None:
        granted = _console_pass(request, services) if key is None else None
        if granted is not None and granted.opens(session_id):
            await rate_limit(services, client_key(request, granted.owner))
            return ReportAccess(granted.owner, signed=False)
        return ReportAccess(await authenticate(request, services, key), signed=False)
    settings = services.settings
    secret = links.secret(settings.report_link_secret, settings.api_keys)
    if (
        not expires
        or not expires.isdigit()
        or not signature
        or not links.valid(secret, session_id, int(expires), signature, time.time())
    ):
        raise Unauthorized(
            "the report link is not valid for this session, or it has expired", code="invalid_report_link"
        )
    await rate_limit(services, client_key(request, None))
    return ReportAccess(None, signed=True)


ReportAccessDep = Annotated[ReportAccess, Depends(report_access)]


def _console_pass(request: Request, services: Services) -> cookies.Pass | None:
    """A valid console pass whose tenant's key is still accepted."""
    settings = services.settings
    granted, _ = cookies.unseal(cookies.key(settings), request.cookies.get(cookies.COOKIE), time.time())
    if granted is None or not settings.api_keys:
        return None
    if granted.scope is None and granted.owner not in {owner_of(k) for k in settings.api_keys}:
        return None
    return granted
