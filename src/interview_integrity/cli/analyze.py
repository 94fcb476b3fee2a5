"""`interview-integrity analyze`: images and videos through the models, a frame a line, or a recorded
interview replayed as a session (its events, verdict and the reviewer's page)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from interview_integrity.cli.common import analyzer, fail, progress
from interview_integrity.evaluation.images import IMAGE_SUFFIXES
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FrameSignals
from interview_integrity.vision.stream import FrameStream

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands


def register(commands: Commands) -> None:
    analyze = commands.add_parser("analyze", help="analyse images and videos, print per-frame signals")
    analyze.add_argument("paths", nargs="+")
    analyze.add_argument(
        "--fps", type=float, default=None, help="frames a second sampled from videos (2; 5 with --session)"
    )
    analyze.add_argument("--format", choices=["table", "json"], default="table", help="a readable table or JSON lines")
    analyze.add_argument("--session", action="store_true", help="replay videos as a session: events and summary")
    analyze.add_argument("--policy", default=None, help="preset name or a YAML/JSON policy file (with --session)")
    analyze.add_argument("--report", default=None, help="write the reviewer's HTML page here (implies --session)")
    analyze.add_argument("--evidence", action="store_true", help="evidence thumbnails in the report (off by default)")
    analyze.add_argument(
        "--no-sound", action="store_true", help="leave a video's sound out of the session replay (heard by default)"
    )
    analyze.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    args.session = args.session or bool(args.report)
    args.fps = args.fps or (5.0 if args.session else 2.0)
    with analyzer() as models:
        if args.format == "table" and not args.session:
            print(f"{'file':<32} {'time s':>7} {'faces':>5} {'gaze':<8} {'yaw':>5}  objects  quality issues")
        return max((_one(Path(name), models, args) for name in args.paths), default=0)


def _one(path: Path, models: FrameAnalyzer, args: argparse.Namespace) -> int:
    import cv2

    from interview_integrity.vision.video import sample_frames, video_info

    if not path.exists():
        return fail(f"{path} does not exist")
    frames: Iterable[tuple[float, Array]]
    if path.suffix.lower() in IMAGE_SUFFIXES:
        image = cv2.imread(str(path))
        if image is None:
            return fail(f"{path} is not a readable image")
        frames = [(0.0, image)]
    elif args.session:
        return _replay(path, models, args)
    else:
        total = int(video_info(path).duration_s * args.fps) + 1
        frames = progress(sample_frames(path, args.fps), total=total, desc=path.name)
    stream = FrameStream(models)
    for timestamp, frame in frames:
        signals = stream.analyze(frame, timestamp)
        if args.format == "json":
            print(json.dumps({"file": str(path), **signals.model_dump(mode="json")}))
        else:
            print(_row(str(path), signals))
    return 0


def _row(path: str, signals: FrameSignals) -> str:
    objects = ", ".join(f"{o.label} {o.confidence:.2f}" for o in signals.objects) or "-"
    yaw = f"{signals.head_pose.yaw:+.0f}" if signals.head_pose else "  -"
    return (
        f"{path[-32:]:<32} {signals.timestamp:7.2f} {signals.faces.count:>5} {signals.gaze.direction:<8} {yaw:>5}  "
        f"{objects}  {'; '.join(signals.quality.issues)}"
    )


def _replay(path: Path, models: FrameAnalyzer, args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import PolicyError, build_policy, load_policy
    from interview_integrity.report import render_report
    from interview_integrity.service.replay import offline_report, replay_video
    from interview_integrity.vision.video import video_info

    try:
        policy = (
            load_policy(Path(args.policy)) if args.policy and Path(args.policy).exists() else build_policy(args.policy)
        )
    except PolicyError as error:
        return fail(str(error))
    total = int(video_info(path).duration_s * args.fps) + 1
    result = replay_video(
        path, models, policy, args.fps, lambda frames: progress(frames, total, path.name), evidence=args.evidence,
        sound=not args.no_sound,
    )  # fmt: skip
    if args.report:
        target = Path(args.report)
        target.write_text(render_report(offline_report(result, path.stem, policy).model_dump(mode="json")))
        print(f"report written to {target}", file=sys.stderr)
    if args.format == "json":
        events = [e.model_dump(mode="json") for e in result.state.events]
        print(json.dumps({"file": str(path), "events": events, "summary": result.summary.model_dump(mode="json")}))
        return 0
    print(f"{path.name}: session replay at {args.fps:g} fps, policy {policy.name}")
    for event in result.state.events:
        end = f"{event.ended_at:6.1f}" if event.ended_at is not None else "  open"
        span = f"{event.started_at:6.1f}-{end} s"
        print(f"  {span}  {event.type:<16} {event.severity:<6} {event.confidence:.2f}  {event.message}")
    summary = result.summary
    print(f"  verdict: {summary.verdict}  peak risk {summary.peak_risk}  final risk {summary.final_risk}")
    if summary.verdict != "clear":
        print(f"  why: {summary.explanation.reason}")
    coverage = summary.coverage
    watched = "n/a" if coverage.share is None else f"{coverage.share:.0%}"
    print(f"  watched {watched} of {coverage.open_s:g} s; longest unwatched stretch {coverage.longest_unwatched_s:g} s")
    print(f"  face visible {summary.share_with_face}, looking at the screen {summary.share_looking_at_screen}")
    sound = summary.sound
    print(
        f"  sound: heard {sound.heard_s:.1f} s; the candidate speaking {sound.speaking_s:.1f} s, another voice "
        f"{sound.other_voice_s:.1f} s, speaker not told {sound.voice_s:.1f} s, silence {sound.silence_s:.1f} s"
        if sound
        else "  sound: none (no sound track" + (", or --no-sound)" if args.no_sound else ")")
    )
    return 0
