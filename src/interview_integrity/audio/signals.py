"""What the sound stage hands on, and what a session keeps of it between requests: numbers, never sound.

Time is cut into steps of `STEP_S` on the session's clock. For each step the audio says how long it was
heard and how much of that was speech (`Heard`); the frames say how the candidate's lips moved around it
(`Lips`). A `SoundWindow` is one step with both, once both are known: analysis judges it (rules/voice.py).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

STEP_S = 0.25  # a step of the session's clock: the resolution of every sound decision


class Heard(BaseModel):
    """One step's audio, in numbers: how long it was heard and how much of that was speech."""

    index: int = Field(description="The step: it covers [index x STEP_S, (index + 1) x STEP_S) on the session clock.")
    heard_s: float = Field(ge=0, description="Seconds of the step that audio covered.")
    speech_s: float = Field(ge=0, description="Of those, seconds the voice-activity model called speech.")


class Lips(BaseModel):
    """How the candidate's lips moved around one step, from the frames near it."""

    activity: float | None = Field(
        description="The spread (standard deviation) of the lips' opening over the frames around the step, in eye "
        "spans; None: the lips could not be read there."
    )
    frames: int = Field(description="Frames around the step whose lips could be read.")
    reason: str | None = Field(default=None, description="Why the lips could not be read.")


class SoundWindow(BaseModel):
    """One step with its sound and its lips: what analysis reads (rules/voice.py)."""

    start: float
    end: float
    heard_s: float
    speech_s: float
    lips: Lips


class Listening(BaseModel):
    """The voice-activity model's place in a session's audio: chunks continue one another."""

    heard_until: float | None = Field(default=None, description="Session time where the last chunk ended.")
    model_state: str | None = Field(
        default=None,
        description="The speech model's recurrent memory after the last whole frame (base64 float32): 256 numbers "
        "that continue the stream, not sound; no sample is ever kept.",
    )


class LipSync(BaseModel):
    """Sound and lips waiting for each other: steps heard but not yet judged, and the frames' lips near them."""

    mouths: list[tuple[float, float | None, str]] = Field(
        default_factory=list,
        description="(time, the lips' opening or None, why they could not be read or '') of the recent frames.",
    )
    steps: list[Heard] = Field(default_factory=list, description="Steps heard and not judged yet, in order.")
    judged_until: int = Field(default=0, description="Steps before this index have been judged.")


class SoundStream(BaseModel):
    """A session's sound between requests (kept with its record): about a kilobyte, no audio."""

    listening: Listening = Field(default_factory=Listening)
    lips: LipSync = Field(default_factory=LipSync)
