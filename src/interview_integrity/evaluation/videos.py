"""Videos replayed as sessions: false flags per honest hour, and what the violation videos still raise.

A video is honest when its MANIFEST row says so (an `honest` column set to `yes`), or, without that
column, when it shows one face and nothing the manifest marks (no phone, book, laptop or other person).
Each video is replayed at 5 fps through the whole service path (vision, rules, scoring). The product figure
is the number of medium and high events per hour of honest video, with a 95 % interval (a Poisson count),
and the share of honest clips that end `clear` (Wilson interval).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy
from interview_integrity.evaluation.images import VIDEO_SUFFIXES, read_manifest
from interview_integrity.evaluation.stats import Proportion, poisson_rate_interval
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer

MARKED = ("phone", "book", "laptop", "other_person")


def is_honest(row: dict[str, str]) -> bool:
    if "honest" in row:
        return row["honest"].strip().lower() in ("yes", "true", "1")
    return row.get("faces") == "1" and all(row.get(column, "no") == "no" for column in MARKED)


@dataclass
class ClipResult:
    file: str
    honest: bool
    seconds: float
    verdict: str
    events: list[Event]
    check: dict[str, object] = field(default_factory=dict)

    @property
    def notable(self) -> list[Event]:
        return [e for e in self.events if e.severity in ("medium", "high")]

    def line(self) -> str:
        kind = "honest" if self.honest else "marked"
        head = f"  {self.file:<38} {kind:<6} {self.seconds:6.1f} s  {self.verdict:<9}"
        shown = self.notable if self.honest else [e for e in self.events if e.severity != "low"] or self.events
        if not shown:
            return head + " no medium or high event"
        return (
            head
            + " "
            + "; ".join(f"{e.type} {e.severity} {e.duration_s:.0f} s at {e.started_at:.1f} s" for e in shown[:6])
        )


@dataclass
class VideoReport:
    clips: list[ClipResult] = field(default_factory=list)

    @property
    def honest(self) -> list[ClipResult]:
        return [c for c in self.clips if c.honest]

    @property
    def honest_hours(self) -> float:
        return sum(c.seconds for c in self.honest) / 3600

    @property
    def honest_flags(self) -> int:
        return sum(len(c.notable) for c in self.honest)

    @property
    def share_clear(self) -> Proportion:
        return Proportion(sum(c.verdict == "clear" for c in self.honest), len(self.honest))

    def lines(self) -> list[str]:
        out = ["videos replayed as sessions at 5 fps (honest: nothing marked in the manifest):"]
        out += [clip.line() for clip in self.clips]
        if self.honest:
            hours = self.honest_hours
            low, high = poisson_rate_interval(self.honest_flags, hours)
            out.append(
                f"honest clips: {len(self.honest)}, {hours * 60:.1f} min; medium/high events: {self.honest_flags} = "
                f"{self.honest_flags / hours:.1f} per honest hour (95% CI {low:.1f}-{high:.1f}); "
                f"clips clear: {self.share_clear}"
            )
        return out


def evaluate_videos(
    directory: Path,
    analyzer: FrameAnalyzer,
    policy: Policy,
    *,
    fps: float = 5.0,
    progress: Callable[[Iterable[dict[str, str]]], Iterable[dict[str, str]]] = iter,
) -> VideoReport:
    report = VideoReport()
    rows = [row for row in read_manifest(directory) if Path(row["file"]).suffix.lower() in VIDEO_SUFFIXES]
    for row in progress(rows):
        result = replay_video(directory / row["file"], analyzer, policy, fps=fps)
        summary = result.summary
        report.clips.append(
            ClipResult(
                file=row["file"],
                honest=is_honest(row),
                seconds=summary.duration_s,
                verdict=summary.verdict,
                events=list(result.state.events),
                check=summary.check.model_dump(),
            )
        )
    return report
