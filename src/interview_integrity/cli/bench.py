"""`interview-integrity bench | bench-vision | bench-transports`: speed, measured (p50/p95/p99 beside the
raw model time of the same run)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interview_integrity.cli.common import DEFAULT_DATA

if TYPE_CHECKING:
    from interview_integrity.cli.common import Commands


def register(commands: Commands) -> None:
    vision = commands.add_parser("bench-vision", help="per-stage latency on 640x480 frames")
    vision.add_argument("--data", default=str(DEFAULT_DATA))
    vision.add_argument("--rounds", type=int, default=2)
    vision.set_defaults(func=run_vision)
    load = commands.add_parser("bench", help="the service under load: N sessions at F fps over WebSocket and REST")
    load.add_argument("--data", default=str(DEFAULT_DATA))
    load.add_argument("--sessions", type=int, default=10)
    load.add_argument("--fps", type=float, default=5.0)
    load.add_argument("--seconds", type=float, default=30.0)
    load.add_argument("--url", default=None, help="load a server that is already running instead of starting one")
    load.add_argument("--no-audio", action="store_true", help="frames only: no second of sound a second per session")
    load.set_defaults(func=run_service)
    transports = commands.add_parser("bench-transports", help="one video over the WebSocket and as a WebRTC track")
    transports.add_argument("--data", default=str(DEFAULT_DATA))
    transports.add_argument("--fps", type=float, default=5.0)
    transports.set_defaults(func=run_transports)


def run_vision(args: argparse.Namespace) -> int:
    from interview_integrity.bench import vision

    print("\n".join(vision.run(Path(args.data), rounds=args.rounds)))
    return 0


def run_service(args: argparse.Namespace) -> int:
    from interview_integrity.bench import service

    print("\n".join(service.run(Path(args.data), args.sessions, args.fps, args.seconds, args.url, not args.no_audio)))
    return 0


def run_transports(args: argparse.Namespace) -> int:
    from interview_integrity.bench import transports

    print("\n".join(transports.run(Path(args.data), args.fps)))
    return 0
