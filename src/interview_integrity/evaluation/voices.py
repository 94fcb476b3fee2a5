"""`interview-integrity eval-voice`: the voice rules on clips assembled from a data folder (sound_clips.py),
each replayed at 5 fps with its sound, as a live client sends both.

- foreign speech over a still face: `other_voice` must start within 2 s of the speech's onset (the onset
  error is the event's start less the onset);
- every honest clip with its own sound (talking heads, still faces), quiet rooms: no voice event at all
  (false events per honest hour of sound, with a 95 % interval); talkers are replayed under the `exam`
  policy, which also says whether their own speech was recognised as theirs (`speaking`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.evaluation.sound_clips import SoundClip, assemble
from interview_integrity.evaluation.stats import Proportion, poisson_rate_interval
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer

VOICE_EVENTS = ("other_voice",)
ONSET_TOLERANCE_S = 2.0


@dataclass
class Heard:
    clip: SoundClip
    seconds: float
    events: list[Event]
    heard_s: float

    @property
    def voices(self) -> list[Event]:
        return [e for e in self.events if e.type in VOICE_EVENTS]

    @property
    def error(self) -> float | None:
        """The first other_voice's start less the onset (foreign clips)."""
        if self.clip.onset is None or not self.voices:
            return None
        return round(self.voices[0].started_at - self.clip.onset, 2)

    @property
    def found(self) -> bool:
        return self.error is not None and abs(self.error) <= ONSET_TOLERANCE_S


@dataclass
class VoiceReport:
    heard: list[Heard] = field(default_factory=list)

    def of(self, *kinds: str) -> list[Heard]:
        return [h for h in self.heard if h.clip.kind in kinds]

    def lines(self) -> list[str]:
        out = ["voices: clips assembled from the folders, replayed at 5 fps with their sound"]
        for h in self.of("foreign"):
            first = h.voices[0] if h.voices else None
            seen = f"other_voice at {first.started_at:5.2f} s ({first.severity})" if first else "no other_voice"
            error = f"error {h.error:+.2f} s" if h.error is not None else "missed"
            out.append(f"  {h.clip.name:<62} onset {h.clip.onset:5.2f} s  {seen:<32} {error}")
        foreign = self.of("foreign")
        errors = [abs(h.error) for h in foreign if h.error is not None]
        if foreign:
            found = Proportion(sum(h.found for h in foreign), len(foreign))
            spread = f"median {statistics.median(errors):.2f} s, max {max(errors):.2f} s" if errors else "none found"
            out.append(f"onset error |other_voice start - speech onset|: {spread}; within 2 s: {found}")
        for h in self.of("talker", "still", "honest", "quiet_room"):
            voices = ", ".join(f"{e.type} at {e.started_at:.1f} s" for e in h.voices) or "no voice event"
            speaking = ""
            if h.clip.kind == "talker":
                spoke = sum(e.duration_s for e in h.events if e.type == "speaking")
                speaking = f"; exam policy: the candidate speaking {spoke:.0f} s"
            out.append(f"  {h.clip.kind:<10} {h.clip.name:<40} {h.heard_s:5.1f} s of sound: {voices}{speaking}")
        honest = self.of("talker", "still", "honest", "quiet_room")
        if honest:
            hours = sum(h.seconds for h in honest) / 3600
            count = sum(len(h.voices) for h in honest)
            low, high = poisson_rate_interval(count, hours)
            out.append(
                f"false voice events on honest sound (every honest clip with sound, quiet rooms): {count} in "
                f"{hours * 60:.1f} min = {count / hours:.1f} per honest hour (95% CI {low:.1f}-{high:.1f})"
            )
        return out


def evaluate_voices(
    folders: list[Path],
    analyzer: FrameAnalyzer,
    out: Path,
    *,
    fps: float = 5.0,
    progress: Callable[[Iterable[SoundClip]], Iterable[SoundClip]] = iter,
) -> VoiceReport:
    clips = assemble(folders, out, SpeechModel())
    report = VoiceReport()
    for clip in progress(clips):
        policy = build_policy("exam" if clip.kind == "talker" else "standard")
        result = replay_video(clip.path, analyzer, policy, fps=fps)
        sound = result.summary.sound
        report.heard.append(
            Heard(clip, result.summary.duration_s, list(result.state.events), sound.heard_s if sound else 0.0)
        )
    return report
