"""Drives the JavaScript tests (`node --test`, Node 20) against a real uvicorn: the client, and /demo in chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO
from tests.servers import ServiceProcess
from tests.servers_browser import ARTIFACTS

CLIENTS = REPO / "clients"
LINK_SECRET = "a-secret-only-the-tests-know"


def node_test(files: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not (CLIENTS / "node_modules").exists():
        raise RuntimeError("node and clients/node_modules are needed: `make install` (make test does)")
    return subprocess.run(
        ["node", "--test", "--test-reporter=spec", *files], cwd=CLIENTS, env={**os.environ, **env},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_javascript_client(service: ServiceProcess) -> None:
    result = node_test(["test/client.test.mjs"], {"BASE_URL": service.url, "DATA_DIR": str(DATA)})
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "pass 5" in result.stdout


def y4m(video: Path, target: Path, seconds: float, loop_free: bool = False) -> Path:
    """A Y4M for chromium's fake webcam (raw frames: built here, never committed). Chromium loops the file, and
    a loop is what `stream_replayed` finds: `loop_free` plays the clip forward, backward, then both mirrored, so
    the first repeat in order comes only after four times its length."""
    scale = "scale=640:480,fps=15"
    four = "split=4[a][b][c][d];[b]reverse[rb];[c]hflip[mc];[d]reverse,hflip[md];[a][rb][mc][md]concat=n=4:v=1"
    graph = f"[0:v]{scale},{four}[out]" if loop_free else f"[0:v]{scale}[out]"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-t", str(seconds), "-i", str(video), "-filter_complex", graph,
         "-map", "[out]", "-pix_fmt", "yuv420p", str(target)],
        check=True, timeout=120,
    )  # fmt: skip
    return target


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return y4m(DATA / "vid_webcam_normal.mp4", tmp_path_factory.mktemp("camera") / "cam.y4m", 6)


@pytest.fixture(scope="module")
def two_faces_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the clip's first 2.9 s, where both faces are in view in every frame: from 3 s a face comes and goes, so
    # how a session's events split would depend on when the camera's loop began, not on the transport
    return y4m(DATA / "vid_two_faces_books.mp4", tmp_path_factory.mktemp("camera") / "two.y4m", 2.9, loop_free=True)


@pytest.mark.slow
def test_demo_page_in_chromium(service: ServiceProcess, fake_camera: Path, two_faces_camera: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"BASE_URL": service.url, "FAKE_CAMERA_Y4M": str(fake_camera), "ARTIFACTS_DIR": str(ARTIFACTS),
           "FAKE_CAMERA_TWO_FACES_Y4M": str(two_faces_camera)}  # fmt: skip
    result = node_test(["test/browser.test.mjs"], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "pass 3" in result.stdout
    print(next(line for line in result.stdout.splitlines() if "sustained" in line))
    print(next(line for line in result.stdout.splitlines() if "transports compared" in line))
    assert (ARTIFACTS / "demo_report.png").stat().st_size > 20_000


@pytest.fixture(scope="module")
def reviewer_service() -> Iterator[ServiceProcess]:
    server = ServiceProcess({"API_KEYS": "review-key", "REPORT_LINK_SECRET": LINK_SECRET})
    yield server
    server.stop()


@pytest.mark.slow
def test_report_links_and_docs_in_chromium(
    service: ServiceProcess, reviewer_service: ServiceProcess, fake_camera: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"BASE_URL": service.url, "KEYED_URL": reviewer_service.url, "LINK_SECRET": LINK_SECRET,
           "DATA_DIR": str(DATA), "ARTIFACTS_DIR": str(ARTIFACTS), "FAKE_CAMERA_Y4M": str(fake_camera)}  # fmt: skip
    result = node_test(["test/pages.test.mjs"], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "pass 6" in result.stdout


@pytest.fixture(scope="module")
def still_lips_camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # a real webcam face that listens (its lips stay still), played so that it repeats only after 24 s
    return y4m(DATA / "honest" / "hon_webcam_blink_man.mp4", tmp_path_factory.mktemp("camera") / "still.y4m", 6,
               loop_free=True)  # fmt: skip


@pytest.fixture(scope="module")
def other_voice_microphone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another person's real speech (the HDTF clip's own sound) as chromium's fake microphone: a WAV."""
    target = tmp_path_factory.mktemp("microphone") / "voice.wav"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(DATA / "honest" / "hon_hdtf_katie.mp4"), "-vn", "-ac", "1",
         "-ar", "48000", "-c:a", "pcm_s16le", str(target)],
        check=True, timeout=60,
    )  # fmt: skip
    return target


@pytest.mark.slow
def test_sound_in_chromium(service: ServiceProcess, still_lips_camera: Path, other_voice_microphone: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"BASE_URL": service.url, "FAKE_CAMERA_Y4M": str(still_lips_camera), "ARTIFACTS_DIR": str(ARTIFACTS),
           "FAKE_MICROPHONE_WAV": str(other_voice_microphone)}  # fmt: skip
    result = node_test(["test/sound.test.mjs"], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "pass 3" in result.stdout
    for line in result.stdout.splitlines():
        if "sound {" in line:
            print(line.strip())
    assert (ARTIFACTS / "sound_webrtc_report.png").stat().st_size > 20_000


@pytest.mark.slow
def test_incomplete_sessions_in_the_reviewers_page(service: ServiceProcess) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"BASE_URL": service.url, "DATA_DIR": str(DATA), "ARTIFACTS_DIR": str(ARTIFACTS)}
    result = node_test(["test/coverage.test.mjs"], env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "pass 2" in result.stdout
