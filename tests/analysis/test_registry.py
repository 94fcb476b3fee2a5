"""Every event type is declared once, in analysis/registry.py: every other list is derived from it or must
match it here."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any, get_args

import pytest

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy, PolicyOverrides, Weights
from interview_integrity.analysis.registry import (
    CLIENT_EVENT_TYPES,
    EVENT_TYPES,
    EVENTS,
    OPTIONAL,
    ClientEventType,
    EventType,
    OptionalEventType,
)
from interview_integrity.app import create_app
from interview_integrity.config import Settings

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "src" / "interview_integrity" / "analysis"


def _quoted(text: str) -> list[str]:
    return re.findall(r"'([a-z_]+)'", text)


def _resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    found: dict[str, Any] = schema
    for part in node["$ref"].removeprefix("#/").split("/"):
        found = found[part]
    return found


def test_the_literals_are_the_registry() -> None:
    assert get_args(EventType) == EVENT_TYPES
    assert get_args(ClientEventType) == CLIENT_EVENT_TYPES
    assert get_args(OptionalEventType) == OPTIONAL
    assert set(CLIENT_EVENT_TYPES) - {"camera"} <= set(EVENT_TYPES)


@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_each_event_type_reads_well(kind: EventType) -> None:
    spec = EVENTS[kind]
    assert spec.title and spec.phrase and spec.message.endswith(".")
    fields = {name for _, name, _, _ in string.Formatter().parse(spec.message) if name}
    assert fields <= {"duration", "detail"}
    event = Event(type=kind, category=spec.category, severity=spec.severity, confidence=1.0, started_at=0.0)
    event.describe()
    assert event.message and "{" not in event.message


@pytest.mark.parametrize("kind", [k for k in EVENT_TYPES if not EVENTS[k].client])
def test_each_seen_event_type_has_a_rule_that_raises_it(kind: str) -> None:
    sources = "\n".join(p.read_text() for p in (RULES / "rules").glob("*.py"))
    assert f'"{kind}"' in sources, f"no rule in analysis/rules/ raises {kind}"


def test_every_event_seen_in_frames_or_sound_declares_its_basis() -> None:
    """A measured event records what it was measured against, and the API's schema must say its shape: a
    type without a declared basis would send records the schema does not allow (an untyped `not_watched`
    did, and the schema fuzzer caught it)."""
    undeclared = [kind for kind, spec in EVENTS.items() if spec.basis is None]
    assert undeclared == [kind for kind, spec in EVENTS.items() if spec.client]


def test_the_policy_weighs_and_switches_every_type_and_nothing_else() -> None:
    assert tuple(Weights.model_fields) == EVENT_TYPES
    assert all(Weights().for_type(k) == EVENTS[k].weight for k in EVENT_TYPES)
    policy = Policy()
    assert [k for k in EVENT_TYPES if not policy.enabled(k)] == list(OPTIONAL)
    with pytest.raises(ValueError, match="unknown rules"):
        Policy(disabled_rules=["not_an_event"])
    schema = PolicyOverrides.model_json_schema()
    items = schema["properties"]["disabled_rules"]["anyOf"][0]["items"]
    assert tuple(_resolved(schema, items)["enum"]) == EVENT_TYPES


def test_the_javascript_client_lists_the_same_types() -> None:
    code = (REPO / "clients" / "javascript_client.js").read_text()
    listed = re.search(r"export const CLIENT_EVENTS = \[([^\]]*)\]", code)
    assert listed is not None and tuple(_quoted(listed.group(1))) == CLIENT_EVENT_TYPES
    types = (REPO / "clients" / "javascript_client.d.ts").read_text()
    client = re.search(r"export type ClientEventType =([^;]*);", types)
    every = re.search(r"export type EventType =([^;]*);", types)
    assert client is not None and tuple(_quoted(client.group(1))) == CLIENT_EVENT_TYPES
    assert every is not None and tuple(_quoted(every.group(1))) == EVENT_TYPES


def test_the_openapi_enum_is_the_registry() -> None:
    openapi = create_app(Settings()).openapi()
    event_type = openapi["components"]["schemas"]["Event"]["properties"]["type"]
    assert tuple(_resolved(openapi, event_type)["enum"]) == EVENT_TYPES
