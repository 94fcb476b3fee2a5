"""`interview-integrity eval | eval-identity | eval-phone`: accuracy on data the service was not tuned on."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interview_integrity.cli.common import DEFAULT_DATA, analyzer, fail, progress
from interview_integrity.config import Settings
from interview_integrity.evaluation.images import IMAGE_SUFFIXES

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands


def register(commands: Commands) -> None:
    ev = commands.add_parser("eval", help="accuracy against DIR/MANIFEST.tsv")
    ev.add_argument("directory", nargs="?", default=str(DEFAULT_DATA))
    ev.add_argument("--no-videos", action="store_true", help="images only")
    ev.add_argument("--fps", type=float, default=5.0, help="frames a second when replaying videos as sessions")
    ev.add_argument("--policy", default="standard", help="the policy preset the videos are replayed under")
    ev.set_defaults(func=run_eval)
    voice = commands.add_parser(
        "eval-voice", help="voice rules on clips assembled with ffmpeg from DATA and DATA/honest: onsets, false events"
    )
    voice.add_argument("--data", default=str(DEFAULT_DATA))
    voice.add_argument("--fps", type=float, default=5.0)
    voice.add_argument("--keep", default=None, help="assemble the clips into this folder and keep them")
    voice.set_defaults(func=run_voice)
    ident = commands.add_parser(
        "eval-identity", help="identity false (non-)matches per skin group: honest/ and fairness/"
    )
    ident.add_argument("--data", default=str(DEFAULT_DATA))
    ident.set_defaults(func=run_identity)
    phone = commands.add_parser("eval-phone", help="phones per image: the COCO fusion against our phone detector")
    phone.add_argument("--data", default=str(DEFAULT_DATA))
    phone.add_argument("--limit", type=int, default=None, help="the first N test images (a quick look)")
    phone.set_defaults(func=run_phone)


def run_eval(args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import build_policy
    from interview_integrity.evaluation import evaluate, read_manifest
    from interview_integrity.evaluation.videos import evaluate_videos

    directory = Path(args.directory)
    if not (directory / "MANIFEST.tsv").exists():
        return fail(f"{directory}/MANIFEST.tsv not found")
    with analyzer() as models:
        rows = read_manifest(directory)
        print(f"evaluation of {directory}")
        if any(Path(row["file"]).suffix.lower() in IMAGE_SUFFIXES for row in rows):
            report = evaluate(directory, models, progress=lambda items: progress(items, len(rows), "images"))
            print("\n".join(report.lines()))
        if not args.no_videos:
            videos = evaluate_videos(
                directory, models, build_policy(args.policy), fps=args.fps,
                progress=lambda items: progress(items, None, "videos"),
            )  # fmt: skip
            if videos.clips:
                print("\n".join(["", *videos.lines()]))
    return 0


def run_voice(args: argparse.Namespace) -> int:
    import tempfile

    from interview_integrity.evaluation.voices import evaluate_voices

    data = Path(args.data)
    if not (data / "MANIFEST.tsv").exists():
        return fail(f"{data}/MANIFEST.tsv not found")
    with analyzer() as models, tempfile.TemporaryDirectory(prefix="ii-voices-") as scratch:
        out = Path(args.keep) if args.keep else Path(scratch)
        report = evaluate_voices(
            [data, data / "honest"], models, out, fps=args.fps, progress=lambda items: progress(items, None, "clips")
        )
        print("\n".join(report.lines()))
    return 0


def run_identity(args: argparse.Namespace) -> int:
    from interview_integrity.analysis.policy import build_policy
    from interview_integrity.evaluation.identity import measure, table

    data = Path(args.data)
    with analyzer(warm=False) as models:
        threshold = build_policy("standard").thresholds.identity_distance
        groups = measure(models, data / "honest", data / "fairness", data)
        print("\n".join(table(groups, threshold)))
    return 0


def run_phone(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
    except ImportError as error:
        return fail(f"eval-phone screens its negatives with PyTorch (the `train` extra): {error}")
    from interview_integrity.evaluation import phones
    from interview_integrity.training.phone.train import TrainConfig

    settings = Settings().vision
    seed = TrainConfig(data=Path(args.data), out=Path(".")).seed  # the split the trained model was measured on
    lines = phones.run(
        Path(args.data), settings.models_dir, seed, args.limit, progress=lambda items: progress(items, None, "runs")
    )
    print("\n".join(lines))
    return 0
