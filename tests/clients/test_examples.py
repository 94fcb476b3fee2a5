"""The examples as a newcomer runs them: a video, a missing file, a file the service refuses. They say what
happened in words, print each event once as it opens and as it closes, and never leave a session open."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter

import httpx
import pytest

from tests.conftest import DATA, REPO
from tests.servers import ServiceProcess

pytestmark = pytest.mark.slow


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def example_sessions(service: ServiceProcess) -> list[dict[str, object]]:
    with httpx.Client(base_url=service.url, timeout=30) as client:
        listed = client.get("/sessions", params={"candidate_id": "example-candidate", "limit": 100})
        return list(listed.json()["sessions"])


def opened_once(output: str) -> Counter[str]:
    opened = Counter(re.findall(r"opened (e\d+)", output))
    assert opened and all(count == 1 for count in opened.values()), opened
    return opened


def test_the_node_example_takes_a_video_and_ends_its_session_on_error(service: ServiceProcess) -> None:
    if shutil.which("node") is None or shutil.which("ffmpeg") is None:
        raise RuntimeError("node and ffmpeg are needed: scripts/test-services.sh and make install")
    video = run(["node", "clients/example.mjs", service.url, str(DATA / "vid_two_faces_books.mp4")])
    assert video.returncode == 0, video.stdout[-2000:] + video.stderr[-2000:]
    assert "verdict:" in video.stdout and "report page: http" in video.stdout
    for event_id in opened_once(video.stdout):
        assert video.stdout.count(f"closed {event_id} ") <= 1
    before = len(example_sessions(service))

    missing = run(["node", "clients/example.mjs", service.url, "/no/such/frame.jpg"])
    assert missing.returncode == 2 and "no such file: /no/such/frame.jpg" in missing.stderr
    assert "    at " not in missing.stderr  # no stack trace
    assert len(example_sessions(service)) == before  # no session was started for it

    not_a_picture = str(DATA / "README.md")
    refused = run(["node", "clients/example.mjs", service.url, str(DATA / "face1_grace_hopper.jpg"), not_a_picture])
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "stopped: the service refused it: 400" in refused.stderr and "    at " not in refused.stderr
    newest = example_sessions(service)[0]
    assert newest["status"] == "ended" and newest["frames_analyzed"] == 1  # ended, with what was analysed


def test_the_python_example_prints_each_event_as_it_opens_and_closes(service: ServiceProcess) -> None:
    video = run([sys.executable, "clients/python_client.py", str(DATA / "vid_two_faces_books.mp4"), "--url",
                 service.url, "--fps", "3"])  # fmt: skip
    assert video.returncode == 0, video.stdout[-2000:] + video.stderr[-2000:]
    assert "More than one face" in video.stdout and "verdict:" in video.stdout
    opened_once(video.stdout)
    missing = run([sys.executable, "clients/python_client.py", "/no/such.mp4", "--url", service.url])
    assert missing.returncode == 1 and "no such file" in missing.stderr
