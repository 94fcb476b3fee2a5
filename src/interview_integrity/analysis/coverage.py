"""Coverage: how much of a session was watched, and why the rest was not. `clear` promises both.

A session is open for frames from its first frame to its last (on the frames' own clock), plus the time of
frames that were refused before or after them, plus, for a live stream (frames the server timed as they
arrived, none bringing a timestamp), the silence between its last frame and its end. Each stretch of that
time is watched, or not, for one reason:

- `no_frames`: no frame came for longer than the stream's rhythm allows (a pause: over 2 s and over three
  of its usual intervals, engine.py), or a live stream went silent before the session ended;
- `refused`: frames came but were refused (out of order, a clock jump, a bad timestamp or image, busy),
  and no accepted frame covers their time;
- `unusable`: the picture was too dark, blurred or covered to find a face in, for `camera_blocked_s` (a
  dim picture in which the candidate's face is still found is watched: their presence, identity and what
  is around them can be judged, even where their gaze cannot);
- `frozen`: the picture did not change for `frozen_s` (stream_frozen's own measure);
- `replayed`: the camera showed a repeat of an earlier part of the session (stream_replayed).

A frame stands for the time until the next frame, unless that time is a pause. Every unwatched stretch is a
`not_watched` event (rules/coverage.py raises them; they never overlap) with its reason in `basis`, so the
report draws it where it was. The verdict cannot be `clear` when less than the policy's
`min_watched_share` was watched or one stretch of over `max_unwatched_s` went unwatched: it is
`incomplete` (scoring.py), unless what was seen asks for a review anyway.

Refused frames never reach the rules: the service notes each one here (`refused`), with its reason and
where it arrived, so they are counted in the summary and their time shows as unwatched.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

from interview_integrity.analysis.basis import Unwatched
from interview_integrity.analysis.events import Event, format_duration
from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.scoring import Watched
from interview_integrity.analysis.state import SessionState

NAME = "coverage"  # the coverage rule's state in SessionState.rules
Refusal = Literal["out_of_order", "clock_jump", "bad_timestamp", "bad_image", "busy"]
UNWATCHED: tuple[Unwatched, ...] = get_args(Unwatched)
REFUSALS: dict[Refusal, str] = {
    "out_of_order": "out of order",
    "clock_jump": "a clock jump",
    "bad_timestamp": "a bad timestamp",
    "bad_image": "not a usable image",
    "busy": "the service was busy",
}
MAX_FRAME_GAP_S = 2.0  # time between frames counts toward durations up to this gap (engine.py)
FIRST_GAP_S = 10.0  # before a stream has a usual interval, only this long a silence is a pause
MAX_RUNS = 50  # refused runs a session keeps for its report (the counts cover every one)
ADJACENT_S = 0.5  # unwatched stretches closer than this are one stretch for `max_unwatched_s`


class RefusedRun(BaseModel):
    """Frames refused one after another for one reason, with no accepted frame between them."""

    reason: Refusal
    count: int = 1
    at: float = Field(description="Where the run began on the session's clock (its first frame's arrival).")
    until: float = Field(description="Where its last frame arrived, on the session's clock.")
    claimed: tuple[float, float] | None = Field(
        default=None, description="The first and last timestamps its frames carried, when they carried valid ones."
    )
    step_s: float = Field(0.0, description="The stream's usual interval when the run began: what one frame stands for.")
    after_frames: int = Field(0, description="Frames the session had analysed when the run began.")

    @property
    def seconds(self) -> float:
        """The time the run stands for: the longer of what its frames claimed and how long they kept arriving,
        plus one frame's worth."""
        claimed = self.claimed[1] - self.claimed[0] if self.claimed else 0.0
        span = max(claimed, self.until - self.at, 0.0)
        step = span / (self.count - 1) if self.count > 1 else self.step_s
        return round(span + step, 3)


class Stretch(BaseModel):
    """Frames in a row that could not be judged, for one reason, and the event they make once long enough."""

    reason: Unwatched
    since: float
    last_seen: float = Field(description="Its last frame.")
    after: float | None = Field(default=None, description="The frame after its last one, while it may resume.")
    detail: str = ""
    event_id: str | None = None


class Watch(BaseModel):
    """The coverage rule's state: what it needs between frames, and the refusals the service noted."""

    last_at: float | None = Field(default=None, description="The last analysed frame the rule saw.")
    counted_until: float | None = Field(default=None, description="The end of the last unwatched stretch counted.")
    before_s: float = Field(0.0, description="Refused time before the first analysed frame.")
    stretch: Stretch | None = None
    arrivals: tuple[float, float, float, float] | None = Field(
        default=None, description="(first arrival, its frame's time, last arrival, its frame's time)."
    )
    server_timed: bool | None = Field(
        default=None, description="Every analysed frame was timed on its arrival (none brought a timestamp)."
    )
    last_arrival: float | None = Field(default=None, description="The latest arrival, analysed or refused.")
    refused: dict[str, int] = Field(default_factory=dict, description="Refused frames by reason.")
    runs: list[RefusedRun] = Field(default_factory=list)
    pending: int = Field(0, description="How many of the last runs came after the last analysed frame.")
    after_s: float = Field(0.0, description="Unwatched time after the last analysed frame, counted at the end.")

    def pending_runs(self) -> list[RefusedRun]:
        return self.runs[len(self.runs) - self.pending :] if self.pending else []

    def offset(self) -> float:
        """From arrival times to the frames' own clock (zero until a frame was analysed)."""
        return 0.0 if self.arrivals is None else self.arrivals[3] - self.arrivals[2]

    def live(self) -> bool:
        """The session's clock is its frames' arrival (the server timed every frame), so the silence between
        its last frame and its end is time on that clock. Frames that bring their own timestamps keep their
        own clock, which the end of a session is not on: a recording sent faster or slower than it plays."""
        return self.server_timed is True


def is_pause(interval: float, usual: float) -> bool:
    """A silence longer than the stream's rhythm allows: over MAX_FRAME_GAP_S and over three of its usual
    intervals, so a client that sends a still every 3 s has no pauses, and a 5 fps stream that stops for 3 s
    has one."""
    return interval > MAX_FRAME_GAP_S and (interval > 3 * usual if usual else interval > FIRST_GAP_S)


def watch_of(state: SessionState) -> Watch:
    return Watch.model_validate(state.rules.get(NAME, {}))


def refused(state: SessionState, reason: Refusal, arrived: float, claimed: float | None) -> None:
    """A frame of this session was refused: `arrived` on the session's clock, carrying timestamp `claimed`
    (None when it had no valid one). Called by the service, which refuses frames before the rules see them."""
    watch = watch_of(state)
    watch.refused[reason] = watch.refused.get(reason, 0) + 1
    at = round(arrived + watch.offset(), 3)
    watch.last_arrival = max(arrived, watch.last_arrival or arrived)
    last = watch.runs[-1] if watch.pending else None
    if last is not None and last.reason == reason:
        last.count += 1
        last.until = max(last.until, at)
        if claimed is not None:
            last.claimed = (min(last.claimed[0], claimed), max(last.claimed[1], claimed)) if last.claimed else None
    else:
        run = RefusedRun(
            reason=reason, at=at, until=at, claimed=None if claimed is None else (claimed, claimed),
            step_s=state.usual_interval, after_frames=state.frames,
        )  # fmt: skip
        watch.runs.append(run)
        watch.pending += 1
        if len(watch.runs) > MAX_RUNS:
            watch.runs = watch.runs[-MAX_RUNS:]
            watch.pending = min(watch.pending, MAX_RUNS)
    state.rules[NAME] = watch.model_dump(mode="json")


def refused_detail(runs: list[RefusedRun]) -> tuple[str, dict[str, int]]:
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.reason] = counts.get(run.reason, 0) + run.count
    total = sum(counts.values())
    why = ", ".join(f"{REFUSALS[r]} {n}" if len(counts) > 1 else REFUSALS[r] for r, n in counts.items())  # type: ignore[index]
    return f"{total} frame{'s' if total != 1 else ''} refused ({why})", counts


class RefusedFrames(BaseModel):
    count: int = Field(description="Frames of this session the service refused.")
    by_reason: dict[str, int] = Field(description="How many for each reason: " + ", ".join(REFUSALS) + ".")
    runs: list[RefusedRun] = Field(description=f"When: runs of refused frames in a row, the last {MAX_RUNS}.")


class Coverage(BaseModel):
    """How much of the session was watched: what `clear` promises."""

    open_s: float = Field(description="Seconds the session was open for frames (see docs/API.md, coverage).")
    watched_s: float = Field(description="Seconds of that time that were watched and could be judged.")
    share: float | None = Field(description="watched_s / open_s; null when the session was open for no time.")
    longest_unwatched_s: float = Field(description="The longest stretch in a row that was not watched.")
    unwatched_by_reason: dict[str, float] = Field(
        description="Seconds not watched, per reason: " + ", ".join(UNWATCHED)
    )
    min_share: float = Field(description="The policy's minimum share for a verdict of `clear`.")
    max_unwatched_s: float = Field(description="The policy's longest stretch that may go unwatched.")
    enough: bool = Field(description="Watched enough for `clear`: share and longest stretch within the policy.")
    refused: RefusedFrames


def stretches(events: list[Event]) -> list[tuple[float, float, str]]:
    """(start, end, reason) of every not_watched event, an open one up to its last frame, in time order."""
    out = []
    for event in events:
        if event.type == "not_watched":
            end = event.ended_at if event.ended_at is not None else event.started_at + event.duration_s
            out.append((event.started_at, end, str(event.basis.get("reason", "no_frames"))))
    return sorted(out)


def measure(state: SessionState, policy: Policy) -> Coverage:
    watch = watch_of(state)
    found = stretches(state.events)
    pending = watch.pending_runs()
    tail = round(sum(run.seconds for run in pending), 3)
    if tail:  # refused after the last analysed frame: their event comes at the end (rules/coverage.py)
        start = state.last_timestamp if state.last_timestamp is not None else pending[0].at
        start = max(start, found[-1][1] if found else start)
        found.append((start, start + tail, "refused"))
    by_reason: dict[str, float] = {}
    for begin, end, reason in found:
        by_reason[reason] = round(by_reason.get(reason, 0.0) + end - begin, 2)
    first, last = state.first_timestamp, state.last_timestamp
    span = 0.0 if first is None or last is None else max(0.0, last - first)
    open_s = round(span + watch.before_s + tail + watch.after_s, 2)
    unwatched = min(open_s, sum(by_reason.values()))
    longest, run_start, run_end = 0.0, None, None
    for begin, end, _ in found:
        if run_end is None or begin - run_end > ADJACENT_S:
            run_start = begin
        run_end = end if run_end is None else max(run_end, end)
        longest = max(longest, run_end - (run_start if run_start is not None else begin))
    share = round(max(0.0, open_s - unwatched) / open_s, 3) if open_s > 0 else None
    enough = (share is None or share >= policy.min_watched_share) and longest <= policy.max_unwatched_s
    return Coverage(
        open_s=open_s,
        watched_s=round(max(0.0, open_s - unwatched), 2),
        share=share,
        longest_unwatched_s=round(longest, 2),
        unwatched_by_reason=by_reason,
        min_share=policy.min_watched_share,
        max_unwatched_s=policy.max_unwatched_s,
        enough=enough,
        refused=RefusedFrames(count=sum(watch.refused.values()), by_reason=watch.refused, runs=watch.runs),
    )


def watched(coverage: Coverage) -> Watched:
    """What the verdict needs of coverage: enough or not, and why not in words."""
    if coverage.enough:
        return Watched(enough=True)
    reasons = sorted(coverage.unwatched_by_reason.items(), key=lambda kv: -kv[1])
    what = "; ".join(f"{format_duration(s)} {_WORDS[r]}" for r, s in reasons if s > 0) or "no time"  # type: ignore[index]
    share = coverage.share if coverage.share is not None else 0.0
    if coverage.longest_unwatched_s > coverage.max_unwatched_s:
        head = (
            f"{format_duration(coverage.longest_unwatched_s)} in a row could not be watched (at most "
            f"{coverage.max_unwatched_s:g} s may be)"
        )
    elif share < 0.005:
        head = f"none of the session could be watched (at least {coverage.min_share:.0%} is needed)"
    else:
        head = f"only {share:.0%} of the session could be watched (at least {coverage.min_share:.0%} is needed)"
    return Watched(enough=False, why=f"{head}: {what}")


_WORDS: dict[Unwatched, str] = {
    "no_frames": "without frames",
    "refused": "of refused frames",
    "unusable": "too dark, blurred or covered to find a face in",
    "frozen": "of a frozen picture",
    "replayed": "of a replayed recording",
}
