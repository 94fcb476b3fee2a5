"""What is in view besides the candidate: `phone_detected`, `book_detected`, `device_detected`, `extra_person`.

Objects need k of the last n analysed frames (votes over time, not one frame); frames that skipped object
detection abstain. An object that looks too small next to the candidate's face is out of their reach (in
the room behind) and does not count while a face is visible. Screens and laptops of the candidate's setup
(setup.py) are not devices; until the setup is known (the session's first seconds), devices abstain.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interview_integrity.analysis.registry import EVENTS, EventType
from interview_integrity.analysis.rules.base import Frame
from interview_integrity.analysis.rules.phones import PhoneEvidence
from interview_integrity.analysis.rules.setup import Setup, SetupRule, part_of
from interview_integrity.analysis.timeline import Condition, Timeline, fixed
from interview_integrity.vision.signals import Box, DetectedObject, FrameSignals

DEVICE_LABELS = ("laptop", "tv", "remote")
PHONES = "phones"  # the phone evidence's state, beside the votes


class Votes(BaseModel):
    votes: dict[str, list[int]] = Field(default_factory=dict)
    times: list[float] = Field(default_factory=list, description="The last object frames' times (a vote's start).")


def faceless_person(signals: FrameSignals) -> bool:
    """A person box with no face inside it, while the candidate's face is visible."""
    faces = [f.box for f in signals.faces.boxes]
    if not faces:
        return False
    persons = [o.box for o in signals.objects if o.label == "person"]
    return any(not any(_face_in(face, person) for face in faces) for person in persons)


def near_candidate(signals: FrameSignals, min_face_ratio: dict[str, float]) -> list[DetectedObject]:
    """Objects, less those that look too small next to the candidate's face to be within their reach:
    apparent size against the face is a depth cue. Without a visible face every object counts."""
    if not signals.faces.boxes:
        return list(signals.objects)
    face = signals.faces.boxes[0].box
    face_area = face.width * face.height
    return [
        o for o in signals.objects
        if o.box.width * o.box.height >= min_face_ratio.get(o.label, 0.0) * face_area
    ]  # fmt: skip


def _face_in(face: Box, person: Box) -> bool:
    cx, cy = face.center
    return person.contains(cx, cy)


class Objects:
    name = "objects"

    def observe(self, frame: Frame, timeline: Timeline) -> None:
        t, signals = frame.policy.thresholds, frame.signals
        state = frame.state(self.name, Votes)
        setup = frame.state(SetupRule.name, Setup)
        nearby = near_candidate(
            signals, {"book": t.book_min_face_ratio, **dict.fromkeys(DEVICE_LABELS, t.device_min_face_ratio)}
        )
        nearby = [o for o in nearby if not part_of(setup, o, signals.width, signals.height)]
        labels = {o.label for o in nearby}
        best = {o.label: o.confidence for o in sorted(nearby, key=lambda o: o.confidence)}
        devices = [label for label in DEVICE_LABELS if label in labels]
        device_score = max((best[label] for label in devices), default=0.0)
        rules: dict[EventType, tuple[bool, tuple[int, int], float, str]] = {
            "phone_detected": ("cell phone" in labels, t.phone_votes, best.get("cell phone", 0.0), "phone"),
            "book_detected": ("book" in labels, t.book_votes, best.get("book", 0.0), "book"),
            "device_detected": (bool(devices), t.device_votes, device_score, ", ".join(devices)),
            "extra_person": (faceless_person(signals), t.extra_person_votes, best.get("person", 0.0), ""),
        }  # fmt: skip
        if signals.objects_analyzed:
            state.times = [*state.times, frame.now][-30:]
        phones = frame.state(PHONES, PhoneEvidence)
        phones.observe(frame.now, [o for o in nearby if o.label == "cell phone"], signals.objects_analyzed)
        for kind, (seen, (k, n), confidence, detail) in rules.items():
            since = None
            if not signals.objects_analyzed or (kind == "device_detected" and not setup.complete):
                condition: Condition = None
            else:
                recent = [*state.votes.get(kind, []), int(seen)][-n:]
                state.votes[kind] = recent
                condition = sum(recent) >= k
                if condition and len(state.times) >= len(recent):  # it began at its window's first vote
                    since = state.times[len(state.times) - len(recent) + recent.index(1)]
            if kind == "phone_detected":
                # a phone weighs what the second look made of it, not what a detector scored (phones.py)
                sure = phones.confidence()
                timeline.sustain(
                    kind, condition, minimum=0.0, confidence=sure, overall=sure, detail=detail,
                    severity=fixed(phones.severity(t)), basis=phones.basis(t) if seen else None, since=since,
                )  # fmt: skip
                continue
            # votes already span several frames: a passing vote opens at once; a vote for a
            # detector score turns into a confidence that grows with the share of frames that agree
            share = sum(state.votes.get(kind, [])) / n
            frame_confidence = min(0.99, 0.5 * share + 0.5 * max(confidence, 0.3)) if seen else share
            basis: dict[str, object] = {"votes": sum(state.votes.get(kind, [])), "of_frames": n, "needed": k,
                     "detector_score": round(confidence, 3)}  # fmt: skip
            if kind == "device_detected":
                basis["setup"] = setup.describe()
            timeline.sustain(
                kind,
                condition,
                minimum=0.0,
                confidence=frame_confidence,
                severity=fixed(EVENTS[kind].severity),
                detail=detail,
                basis=basis if seen else None,
                since=since,
            )
