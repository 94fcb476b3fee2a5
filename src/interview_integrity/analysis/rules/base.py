"""The rule protocol: what a rule reads from a frame, what it keeps between frames, what it opens.

A rule is a small object with a `name` and one method, `observe(frame, timeline)`. It reads the frame's
signals and clock from `frame`, keeps its own state under its name (`frame.state(name, Model)`: a pydantic
model that the engine stores with the session), and tells the `timeline` what it sees (analysis/timeline.py
turns that into events). Rules run in the order of `analysis/rules/__init__.py`; a later rule may read an
earlier one's state (attention reads calibration's baseline), never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.state import SessionState
from interview_integrity.analysis.timeline import Timeline
from interview_integrity.vision.signals import FrameSignals

M = TypeVar("M", bound=BaseModel)


@dataclass
class Frame:
    """One frame as the rules see it."""

    signals: FrameSignals
    now: float  # the frame's time on the session's clock
    dt: float  # the time it stands for (since the last frame, capped)
    index: int
    policy: Policy
    session: SessionState
    paused: bool = False  # the silence before this frame was a pause in the stream (over its rhythm)
    arrived_at: float | None = None  # when it arrived, on the session's clock (a replay does not know)
    _loaded: dict[str, BaseModel] = field(default_factory=dict)

    def state(self, name: str, model: type[M]) -> M:
        """The named rule's state, as it was after the last frame (changes are kept with the session)."""
        if name not in self._loaded:
            self._loaded[name] = model.model_validate(self.session.rules.get(name, {}))
        found = self._loaded[name]
        assert isinstance(found, model)
        return found

    def keep(self) -> None:
        for name, model in self._loaded.items():
            self.session.rules[name] = model.model_dump(mode="json")


class Rule(Protocol):
    name: str

    def observe(self, frame: Frame, timeline: Timeline) -> None: ...


@runtime_checkable
class KeepsPrivateState(Protocol):
    """A rule whose state holds what the report does not need and must not outlive the live session
    (face embeddings, frame signatures): `forget` strips it when the session ends."""

    name: str

    def forget(self, session: SessionState) -> None: ...


@runtime_checkable
class Finishes(Protocol):
    """A rule with something to settle when the session ends (time after its last frame)."""

    name: str

    def finish(self, session: SessionState, timeline: Timeline, ended_at: float | None) -> None: ...


def rule_state(session: SessionState, name: str, model: type[M]) -> M:
    """A rule's state outside a frame (summaries, reports)."""
    return model.model_validate(session.rules.get(name, {}))


def reset(session: SessionState, name: str) -> None:
    session.rules.pop(name, None)
