"""The Python client, importable as `from clients.python_client import InterviewClient`.

Run it as an example: `cd clients && python python_client.py [IMAGE_OR_VIDEO] [--url URL] [--api-key KEY]`
(no path: the webcam, when one exists). It prints each result and the final report.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    from interview_integrity.client import *  # noqa: F403 (the client is shipped in the package)
    from interview_integrity.client import InterviewClient, jpeg_from_array
except ImportError:  # a checkout without `pip install`: use the source next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from interview_integrity.client import *  # noqa: F403
    from interview_integrity.client import InterviewClient, jpeg_from_array

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm"}


class EventLog:
    """Each event once as it opens, again when it escalates and when it closes (a frame's result lists every
    event it opened, escalated or closed, so one long event would otherwise print with every frame)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def describe(self, event: dict) -> str | None:  # type: ignore[type-arg]
        before = self.seen.get(event["id"])
        self.seen[event["id"]] = event["severity"]
        title = f"{event.get('title', event['type'])} ({event['severity']})"
        if before is None:
            return f"opened {event['id']} {title}" + (", closed at once" if event["ended_at"] is not None else "")
        if event["ended_at"] is not None:
            return f"closed {event['id']} {title} after {event['duration_s']:.1f} s"
        return f"{event['id']} {title}: now {event['severity']}" if before != event["severity"] else None


def frames(source: str | None, fps: float, limit_s: float):  # type: ignore[no-untyped-def]
    import cv2

    capture = cv2.VideoCapture(0 if source is None else source)
    if source is not None:
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    if not capture.isOpened():
        raise SystemExit("no webcam found: pass an image or video path" if source is None else f"cannot open {source}")
    native = capture.get(cv2.CAP_PROP_FPS) or 25.0
    step, index, started = max(1, round(native / fps)), 0, time.monotonic()
    while time.monotonic() - started < limit_s or source is not None:
        ok, frame = capture.read()
        if not ok:
            break
        if index % step == 0:
            yield index / native, frame
        index += 1
    capture.release()


def main() -> int:
    parser = argparse.ArgumentParser(description="Analyse an image, a video or the webcam with the service.")
    parser.add_argument("path", nargs="?", help="image or video; none: the webcam for 20 s")
    parser.add_argument("--url", default="http://localhost:8000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--fps", type=float, default=2.0)
    args = parser.parse_args()
    if args.path and not Path(args.path).is_file():
        raise SystemExit(f"no such file: {args.path}")
    with InterviewClient(args.url, api_key=args.api_key) as client:
        session_id = client.start_session("example-candidate")
        print(f"session {session_id}")
        log = EventLog()
        try:
            if args.path and Path(args.path).suffix.lower() not in VIDEO_SUFFIXES:
                results = [client.analyze_frame_from_file(session_id, args.path)]
            elif args.path:  # a recording: its frames and its sound, in the order a live client sends them
                results = [a for a in client.send_video(session_id, args.path, fps=args.fps) if "frame_index" in a]
            else:
                results = (
                    client.analyze_frame(session_id, jpeg_from_array(frame), timestamp)
                    for timestamp, frame in frames(args.path, args.fps, 20.0)
                )
            for result in results:
                events = "; ".join(line for line in map(log.describe, result["events"]) if line) or "-"
                faces, gaze, risk = result["faces"]["count"], result["gaze"]["direction"], result["risk"]["score"]
                print(f"{result['timestamp']:7.2f} s  faces {faces}  gaze {gaze:<8} risk {risk:5.1f}  events: {events}")
        except (Exception, KeyboardInterrupt) as error:
            client.end_session(session_id)  # never leave the session open
            raise SystemExit(f"stopped: {error}; session {session_id} ended") from None
        report = client.end_session(session_id)
        link = client.report_link(session_id)  # signed: opens in a browser without the API key
    print(f"\nverdict: {report['verdict']}  ({report['summary']['explanation']['reason']})")
    sound = report["summary"]["sound"]
    if sound:
        print(
            f"sound: heard {sound['heard_s']:.0f} s, the candidate speaking {sound['speaking_s']:.0f} s, "
            f"another voice {sound['other_voice_s']:.0f} s (nothing of the sound was kept)"
        )
    for event in report["events"]:
        title = event.get("title", event["type"])
        print(f"  {event['id']:>4} {event['started_at']:7.2f} s  {title:<28} {event['severity']:<6} {event['message']}")
    print(f"report page: {link}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
