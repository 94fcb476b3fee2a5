"""Whose speech: each step of sound beside the candidate's lips around it, once both are known.

Sound and frames reach a session separately and out of step with each other (a client sends a second of
audio after it was recorded, frames as they are taken). The frames' lip openings and the heard steps wait
here, in the session's `LipSync`, until a step's lips are known: frames have come past it by `DELAY_S`.
Each settled step becomes a `SoundWindow` with the lips' activity, the spread of their opening over the
frames from `CONTEXT_S` before the step to `CONTEXT_S` after it (lips lead and trail the sound they make);
at low frame rates the window widens to `WIDE_CONTEXT_S` to hold `MIN_FRAMES`. Where most frames near a
step could not read the lips (no face, too small, turned, too dark), the window says so and why: the rules
then abstain. Nothing here judges: analysis does (rules/voice.py).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from interview_integrity.audio.signals import STEP_S, Heard, Lips, LipSync, SoundWindow
from interview_integrity.vision.signals import Mouth

CONTEXT_S = 0.5
WIDE_CONTEXT_S = 1.0
DELAY_S = WIDE_CONTEXT_S  # a step is judged once frames have come this far past its end
MIN_FRAMES = 3  # lip readings a window needs: fewer say nothing of movement (lips need about 1.5 fps)
KEEP_S = 12.0  # frames' lips kept this long behind the newest frame, for sound that arrives late
PREROLL_S = 3.0  # ...and this long while a session has had no sound yet: its first chunk finds its lips
MAX_WAIT_S = 30.0  # sound heard this far ahead of the frames is judged without lips (none came)


def see(sync: LipSync, time: float, mouth: Mouth | None, heard: bool) -> None:
    """A frame's lips (None: the frame did not measure them); `heard`: the session has had sound."""
    opening = mouth.opening if mouth is not None else None
    reason = "" if opening is not None else ((mouth.reason if mouth is not None else None) or "lips not measured")
    keep = KEEP_S if heard else PREROLL_S
    sync.mouths = [m for m in sync.mouths if m[0] >= time - keep] + [(round(time, 3), opening, reason)]


def hear(sync: LipSync, heard: list[Heard]) -> None:
    """Steps of a chunk join the steps waiting; a step partly heard already adds up."""
    waiting = {step.index: step for step in sync.steps}
    for step in heard:
        if step.index < sync.judged_until:
            continue  # judged already: a later chunk cannot change the past
        known = waiting.get(step.index)
        if known is None:
            waiting[step.index] = step
        else:
            waiting[step.index] = Heard(
                index=step.index,
                heard_s=round(min(STEP_S, known.heard_s + step.heard_s), 4),
                speech_s=round(min(STEP_S, known.speech_s + step.speech_s), 4),
            )
    sync.steps = [waiting[i] for i in sorted(waiting)]


def settle(
    sync: LipSync, seen_until: float | None, heard_until: float | None, final: bool = False
) -> list[SoundWindow]:
    """The waiting steps whose sound and lips are both complete, as windows, in time order. `final` (the
    session's end) settles every step heard, with whatever frames there were."""
    windows: list[SoundWindow] = []
    kept: list[Heard] = []
    for step in sync.steps:
        start, end = step.index * STEP_S, (step.index + 1) * STEP_S
        heard_whole = heard_until is not None and end <= heard_until + 1e-6
        lips_known = seen_until is not None and seen_until >= end + DELAY_S
        overdue = heard_until is not None and heard_until - end > MAX_WAIT_S
        if final or (heard_whole and (lips_known or overdue)):
            windows.append(
                SoundWindow(
                    start=round(start, 3), end=round(end, 3), heard_s=step.heard_s, speech_s=step.speech_s,
                    lips=lips_around(sync.mouths, start, end),
                )
            )  # fmt: skip
            sync.judged_until = max(sync.judged_until, step.index + 1)
        else:
            kept.append(step)
    sync.steps = kept
    return windows


def lips_around(mouths: list[tuple[float, float | None, str]], start: float, end: float) -> Lips:
    near: list[tuple[float, float | None, str]] = []
    readable: list[float] = []
    for context in (CONTEXT_S, WIDE_CONTEXT_S):
        near = [m for m in mouths if start - context <= m[0] <= end + context]
        readable = [m[1] for m in near if m[1] is not None]
        if len(readable) >= MIN_FRAMES and 2 * len(readable) >= len(near):
            return Lips(activity=round(float(np.std(readable)), 5), frames=len(readable))
    reasons = Counter(m[2] for m in near if m[1] is None)
    if not near:
        reason = "no frames around this moment"
    elif reasons and 2 * len(readable) < len(near):
        reason = reasons.most_common(1)[0][0]
    else:
        reason = f"too few frames to see the lips move ({len(readable)} in {2 * WIDE_CONTEXT_S + STEP_S:g} s)"
    return Lips(activity=None, frames=len(readable), reason=reason)
