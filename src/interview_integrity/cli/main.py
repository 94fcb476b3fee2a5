"""interview-integrity serve | analyze | eval | eval-identity | eval-phone | bench | bench-vision |
bench-transports | prepare-models | train-phone | train-verifier | eval-second-look

One module per command group; each registers its commands, their options beside their handlers."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from interview_integrity.cli import analyze, bench, evaluate, models, second_look, serve

GROUPS = (serve, analyze, evaluate, bench, models, second_look)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-integrity", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
