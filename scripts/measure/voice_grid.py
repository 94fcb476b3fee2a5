"""Every still face x every talker of ../shared/data (each voice at full level and 12 dB quieter), replayed at
several frame rates: how the other_voice onset holds beyond `make eval`'s one pairing per face (issue 31).

    .venv/bin/python scripts/measure/voice_grid.py [fps ...]
"""
import sys, tempfile, statistics
from pathlib import Path
from interview_integrity.analysis.policy import build_policy
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.config import VisionSettings
from interview_integrity.evaluation.sound_clips import foreign, sources
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer

data = Path("../shared/data")
rates = [float(a) for a in sys.argv[1:]] or [5.0]
talkers, still, _ = sources([data, data / "honest"], SpeechModel())
analyzer = FrameAnalyzer(VisionSettings())
with tempfile.TemporaryDirectory() as scratch:
    clips = [foreign(f, t, Path(scratch), quieter=q) for f in still for t in talkers for q in (False, True)]
    for fps in rates:
        errors, missed = [], []
        for clip in clips:
            events = replay_video(clip.path, analyzer, build_policy("standard"), fps=fps).state.events
            voices = [e for e in events if e.type == "other_voice"]
            if voices and abs(voices[0].started_at - clip.onset) <= 2.0:
                errors.append(voices[0].started_at - clip.onset)
            else:
                missed.append((clip.name, [round(e.started_at, 2) for e in voices]))
        print(f"{fps:g} fps: {len(errors)}/{len(clips)} within 2 s; |error| median "
              f"{statistics.median(map(abs, errors)):.2f} s, max {max(map(abs, errors)):.2f} s; missed {missed}",
              flush=True)
