"""Bounds on what a caller may store with a session, checked once at the edge for REST and WebSocket alike.

Metadata and policies are kept in the session record and read back on every request, so a value that can
be written but not read back (nesting deeper than the JSON parser reading the store allows, a number JSON
cannot hold) would break every later call on the session. They are refused before anything is stored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from interview_integrity.errors import Unprocessable

MAX_METADATA_DEPTH = 8
MAX_METADATA_BYTES = 16 * 1024
MAX_POLICY_DEPTH = 4
MAX_MESSAGE_DEPTH = 32  # a WebSocket message's JSON


def depth(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level + 1)
    return deepest


def _finite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def check_metadata(metadata: Any) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        raise Unprocessable("metadata must be a JSON object", code="invalid_metadata")
    if depth(metadata) > MAX_METADATA_DEPTH:
        raise Unprocessable(f"metadata may nest at most {MAX_METADATA_DEPTH} levels deep", code="invalid_metadata")
    if not _finite(metadata):
        raise Unprocessable("metadata holds a number that is not finite (NaN or Infinity)", code="invalid_metadata")
    size = len(json.dumps(metadata, ensure_ascii=False).encode())
    if size > MAX_METADATA_BYTES:
        raise Unprocessable(
            f"metadata is {size} bytes as JSON; the limit is {MAX_METADATA_BYTES}", code="invalid_metadata"
        )
    return metadata


def check_policy(policy: Any) -> Any:
    if isinstance(policy, dict) and depth(policy) > MAX_POLICY_DEPTH:
        raise Unprocessable(f"a policy nests at most {MAX_POLICY_DEPTH} levels deep", code="invalid_policy")
    return policy
