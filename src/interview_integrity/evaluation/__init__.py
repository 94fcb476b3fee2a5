"""`interview-integrity eval DIR`: the service against a folder's MANIFEST.tsv ground truth.

images.py scores the stills (faces, gaze, objects, per-group fairness tables); videos.py replays the
videos as sessions (false flags per honest hour, the verdicts of the violation videos).
"""

from interview_integrity.evaluation.images import Rate, Report, evaluate, expected_direction, read_manifest

__all__ = ["Rate", "Report", "evaluate", "expected_direction", "read_manifest"]
