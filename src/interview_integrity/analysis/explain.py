"""What an event was measured against, in one sentence: the reviewer's "compared with what?".

One function per kind of evidence a rule records in an event's `basis`; the registry (registry.py) names
the one each event type uses. Every function answers "" for an empty basis: nothing to explain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Explain = Callable[[dict[str, Any], str], str]


def _degrees(value: Any) -> str:
    return f"{float(value):+.0f}°" if isinstance(value, (int, float)) else "?"


def nothing(basis: dict[str, Any], detail: str) -> str:
    return ""


def browser(basis: dict[str, Any], detail: str) -> str:
    """A page event: the browser is the only witness."""
    return "Reported by the candidate's browser."


def angles(basis: dict[str, Any], detail: str) -> str:
    if "baseline_deg" not in basis:
        return ""
    what = {"horizontal": "gaze sideways", "vertical": "gaze up-down", "yaw": "head turn"}.get(
        str(basis.get("measure")), "angle"
    )
    return (
        f"Measured against the candidate's own baseline ({what}): {_degrees(basis['baseline_deg'])} at rest, "
        f"{_degrees(basis['observed_deg'])} at the most, {basis['departure_deg']:.0f}° away "
        f"({basis['departure_spreads']:.0f} times their usual spread of {basis['candidate_spread_deg']:.0f}°); "
        f"the limit was {basis['threshold_deg']:.0f}°."
    )


def votes(basis: dict[str, Any], detail: str) -> str:
    if "votes" not in basis:
        return ""
    text = (
        f"Seen in {basis['votes']} of the last {basis['of_frames']} frames checked for objects "
        f"({basis['needed']} needed), detector score {basis['detector_score']:.2f}."
    )
    if "setup" in basis:
        setup = ", ".join(basis["setup"]) or "nothing"
        text += f" The candidate's setup at the start: {setup}; this was not part of it."
    return text


def second_look(basis: dict[str, Any], detail: str) -> str:
    if "second_look" not in basis:
        return ""
    if not basis["verified_frames"]:
        return (
            f"Seen by an object detector on {basis['unverified_frames']} frames, but no second look checked it: "
            "a possible phone, not a confirmed one."
        )
    text = (
        f"Second look at full resolution: a phone, {basis['second_look']:.2f} sure on average (best "
        f"{basis['best']:.2f}), on {basis['verified_frames']} of {basis['of_frames']} frames checked for objects"
    )
    text += f", over {basis['over_s']:g} s." if basis["verified_frames"] > 1 else "."
    return text + f" High needs two sure looks {basis['high_after_s']:g} s apart, or one at {basis['high_at']:.2f}."


def glances(basis: dict[str, Any], detail: str) -> str:
    if "glances" not in basis:
        return ""
    low, high = basis["glance_s"]
    within, needed = basis["within_s"], basis["threshold"]
    return f"{basis['glances']} glances of {low:g}-{high:g} s within {within:.0f} s; {needed} make an event."


def faces(basis: dict[str, Any], detail: str) -> str:
    if "face_scores" not in basis:
        return ""
    scores = ", ".join(f"{s:.2f}" for s in basis["face_scores"])
    return f"{basis['faces']} faces (detector scores {scores}) for at least {basis['minimum_s']:g} s on end."


def absence(basis: dict[str, Any], detail: str) -> str:
    if "minimum_s" not in basis:
        return ""
    text = f"No face in any frame for at least {basis['minimum_s']:g} s on end; frames too dark to judge were left out."
    if basis.get("face_seen_before") is False:
        text += " No face had been seen in the session before: the camera may not show the candidate at all."
    return text


def unusable(basis: dict[str, Any], detail: str) -> str:
    if not basis:
        return ""
    return f"The frames could not be judged: {detail or ', '.join(basis.get('issues', []))}."


def embeddings(basis: dict[str, Any], detail: str) -> str:
    if "distance" not in basis:
        return ""
    return (
        f"Face embeddings compared with the candidate's own from the start of the session: distance "
        f"{basis['distance']:.2f} (the same person is under {basis['threshold']:.2f}), in {basis['checks']} checks "
        f"in a row."
    )


def stillness(basis: dict[str, Any], detail: str) -> str:
    if "unchanged_s" not in basis:
        return ""
    return (
        f"No part of the picture changed by more than {basis['max_change']:.0f} grey levels between frames for "
        f"{basis['unchanged_s']:.0f} s (a live camera always moves somewhere: lips, eyes, breathing)."
    )


def repeats(basis: dict[str, Any], detail: str) -> str:
    if "lag_s" not in basis:
        return ""
    return (
        f"{basis['frames']} frames in a row matched, in order, the frames of {basis['lag_s']:.0f} s before: "
        f"{basis['match_bits']:.1f} of 256 hash bits apart, while they moved {basis['motion_bits']:.1f} bits "
        f"from frame to frame (a replay matches within {basis['max_ratio']:.0%} of its own motion)."
    )


def camera_label(basis: dict[str, Any], detail: str) -> str:
    if "label" not in basis:
        return ""
    return f"Reported by the candidate's browser: camera '{basis['label']}'."


def voice(basis: dict[str, Any], detail: str) -> str:
    if "lip_activity" not in basis:
        return ""
    own = basis.get("candidate_speaking_activity")
    against = f"; the candidate's own speech moved them {own:.3f}" if isinstance(own, (int, float)) else ""
    how = basis.get("lip_statistic", "at the most")
    return (
        f"Speech (voice-activity model) in {basis['speech_share']:.0%} of {basis['heard_s']:.0f} s of sound, beside "
        f"the candidate's lips (read in about {basis['lip_frames']} frames around each moment): their opening varied "
        f"by {basis['lip_activity']:.3f} eye spans {how} (still is under {basis['still_below']:.3f}, speaking from "
        f"{basis['moving_from']:.3f}{against})."
    )


def unwatched(basis: dict[str, Any], detail: str) -> str:
    """What coverage measured: the stretch and why nothing could be judged in it (analysis/coverage.py)."""
    reason = basis.get("reason")
    if reason == "no_frames" and basis.get("ended"):
        return "The stream's frames stopped arriving before the session ended; its time until then counts."
    if reason == "no_frames":
        usual = basis.get("usual_interval_s") or 0
        rhythm = f"; its frames usually came every {usual:.1f} s" if usual else ""
        return (
            "No frame arrived for longer than the stream's rhythm allows (over 2 s, and over three of its usual "
            f"intervals{rhythm})."
        )
    if reason == "refused":
        counts = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in (basis.get("refused") or {}).items())
        return f"Frames arrived but were refused ({counts}), and no analysed frame covers their time."
    if reason == "unusable":
        return "Every frame was too dark, blurred or covered to find a face in, for longer than camera_blocked_s."
    if reason == "frozen":
        return "The picture did not change between frames for longer than frozen_s: nothing live was seen."
    if reason == "replayed":
        return "The frames repeated an earlier part of the session: what the camera saw live is unknown."
    return ""
