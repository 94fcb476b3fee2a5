"""`interview-integrity train-verifier | eval-second-look`: the phone second look's verifier, trained and
measured (`bench-vision` times it, as its `second_look` stage).

Importing this module imports neither PyTorch nor the models: each command imports what it needs when run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interview_integrity.cli.common import DEFAULT_DATA, fail

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands

DEFAULT_OUT = "artifacts/verifier"


def register(commands: Commands) -> None:
    default_data = str(DEFAULT_DATA)
    train = commands.add_parser("train-verifier", help="train the phone second look's verifier (PyTorch on the CPU)")
    train.add_argument("--data", default=default_data, help="the folder holding train/ and honest/")
    train.add_argument("--out", default=DEFAULT_OUT, help="where the model, its log, metrics and proposals go")
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--seed", type=int, default=20261205)
    train.add_argument("--no-test", action="store_true", help="do not report the test splits (trying recipes)")
    train.add_argument("--limit", type=int, default=None, help="only the first N images of each set (smoke test)")
    train.add_argument("--max-steps", type=int, default=None, help="at most N steps an epoch (smoke test)")
    train.set_defaults(func=train_verifier)
    evaluate = commands.add_parser(
        "eval-second-look", help="phones per image: ours, today's union, union + second look"
    )
    evaluate.add_argument("--data", default=default_data)
    evaluate.add_argument("--limit", type=int, default=None, help="the first N images of each set (a quick look)")
    evaluate.set_defaults(func=eval_second_look)


def _models_dir() -> Path:
    from interview_integrity.config import Settings

    return Settings().vision.models_dir


def train_verifier(args: argparse.Namespace) -> int:
    try:
        from interview_integrity.training.verifier.train import VerifierConfig, train
    except ImportError as error:
        return fail(f"training needs the `train` extra (pip install -e '.[train]'): {error}")
    config = VerifierConfig(
        data=Path(args.data),
        out=Path(args.out),
        models_dir=_models_dir(),
        epochs=args.epochs,
        seed=args.seed,
        test=not args.no_test,
        limit=args.limit,
        max_steps=args.max_steps,
    )
    metrics = train(config, say=lambda line: print(line, file=sys.stderr))
    print(json.dumps({"model": metrics["model"], "sha256": metrics["sha256"], "test": metrics["test"]}))
    return 0


def eval_second_look(args: argparse.Namespace) -> int:
    from interview_integrity.evaluation import second_look

    lines = second_look.run(Path(args.data), _models_dir(), limit=args.limit)
    print("\n".join(lines))
    return 0
