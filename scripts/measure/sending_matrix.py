"""Each video of a data folder replayed as different clients would send it: 2, 5 and 10 fps, JPEG 60 and 95,
PNG and the decoded frame itself (the CLI), in-process. Prints one line per way of sending and whether the
verdict and event types agree. Usage: python scripts/measure/sending_matrix.py ../shared/data [file ...]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from interview_integrity.analysis.policy import build_policy
from interview_integrity.config import VisionSettings
from interview_integrity.evaluation.images import VIDEO_SUFFIXES, read_manifest
from interview_integrity.evaluation.sending import Outcome, replay_sent
from interview_integrity.vision.analyzer import FrameAnalyzer

WAYS = [(2.0, "jpeg60"), (2.0, "jpeg95"), (5.0, "jpeg60"), (5.0, "jpeg95"), (10.0, "jpeg60"), (10.0, "jpeg95"),
        (5.0, "png"), (5.0, "raw")]  # fmt: skip


def main() -> None:
    folder = Path(sys.argv[1])
    names = sys.argv[2:] or [r["file"] for r in read_manifest(folder) if Path(r["file"]).suffix.lower() in VIDEO_SUFFIXES]
    analyzer = FrameAnalyzer(VisionSettings())
    analyzer.warm_up()
    policy = build_policy("standard")
    for name in names:
        outcomes: dict[str, Outcome] = {}
        for fps, encoding in WAYS:
            tick = time.perf_counter()
            outcome = Outcome.of(replay_sent(folder / name, analyzer, policy, fps, encoding))
            outcomes[f"{fps:g}fps {encoding}"] = outcome
            print(f"{name:<36} {fps:>3g} fps {encoding:<6} {outcome.line()}  ({time.perf_counter() - tick:.0f} s)", flush=True)
        same = len({(o.verdict, o.types) for o in outcomes.values()}) == 1
        print(f"{name:<36} {'SAME' if same else 'DIFFERENT'}", flush=True)
    analyzer.close()


if __name__ == "__main__":
    main()
