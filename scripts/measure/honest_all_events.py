"""Every event (any severity) on the honest clips with no_liveness switched on: how often it trips."""
from pathlib import Path
from interview_integrity.analysis.policy import build_policy
from interview_integrity.config import Settings
from interview_integrity.evaluation import read_manifest
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer

honest = Path("../shared/data/honest")
analyzer = FrameAnalyzer(Settings().vision)
policy = build_policy({"enabled_rules": ["no_liveness"]})
total_s, counts = 0.0, {}
for row in read_manifest(honest):
    result = replay_video(honest / row["file"], analyzer, policy, fps=5.0)
    total_s += float(result.summary.duration_s)
    events = [(e.type, e.severity, round(e.started_at, 1), round(e.duration_s, 1)) for e in result.state.events]
    for e in result.state.events:
        counts[e.type] = counts.get(e.type, 0) + 1
    print(row["file"], result.summary.verdict, events, flush=True)
print(f"total {total_s/60:.1f} min; events by type: {counts}")
