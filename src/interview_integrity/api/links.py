"""Signed, expiring links to a session's report page, so a reviewer's browser never carries an API key.

`GET /sessions/{id}/report-link` (authenticated) answers a URL with `expires` and `signature` parameters: an
HMAC-SHA256 of the session id and the expiry under the server's secret (`REPORT_LINK_SECRET`, or one derived
from the API keys when unset, so every replica signs alike). The page accepts a link until it expires; a
changed id, expiry or signature is refused (401), in constant time.
"""

from __future__ import annotations

import hashlib
import hmac


def secret(configured: str, api_keys: list[str]) -> bytes:
    if configured:
        return configured.encode()
    return hashlib.sha256(("interview-integrity report links\n" + "\n".join(sorted(api_keys))).encode()).digest()


def signature(key: bytes, session_id: str, expires: int) -> str:
    return hmac.new(key, f"{session_id}\n{expires}".encode(), hashlib.sha256).hexdigest()


def valid(key: bytes, session_id: str, expires: int, given: str, now: float) -> bool:
    return expires >= now and hmac.compare_digest(signature(key, session_id, expires), given)
