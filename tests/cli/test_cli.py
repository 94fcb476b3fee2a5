from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "interview_integrity.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, check=False)


def test_analyze_images_as_json_lines(data_dir: Path) -> None:
    result = run(
        "analyze", str(data_dir / "faces2_portraits.jpg"), str(data_dir / "noface_coffee.png"), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["faces"]["count"] for line in lines] == [2, 0]


def test_analyze_video_as_a_table(data_dir: Path) -> None:
    result = run("analyze", str(data_dir / "vid_gaze_center.mp4"), "--fps", "1")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].split()[:4] == ["file", "time", "s", "faces"]
    assert len(rows) == 1 + 11  # 10.5 s at 1 fps
    assert all(" center " in row for row in rows[1:])


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path / "nope.jpg"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_analyze_a_recording_as_a_session_hears_its_sound(data_dir: Path, tmp_path: Path) -> None:
    """A listener's clip with another person's speech laid over it from 3 s (ffmpeg): the session replay hears the
    file's sound, names the other voice, and writes the sound track into the reviewer's page."""
    clip = tmp_path / "listener_and_a_voice.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(data_dir / "vid_gaze_center.mp4"), "-i",
         str(data_dir / "honest" / "hon_hdtf_katie.mp4"), "-filter_complex",
         "[1:a]atrim=0:5,asetpts=PTS-STARTPTS,adelay=3000:all=1[v];[0:a][v]amix=inputs=2:duration=first:normalize=0[a]",
         "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", str(clip)],
        check=True, timeout=120,
    )  # fmt: skip
    page = tmp_path / "report.html"
    result = run("analyze", str(clip), "--session", "--report", str(page))
    assert result.returncode == 0, result.stderr
    assert "other_voice" in result.stdout and "sound: heard 10.5 s" in result.stdout
    assert 'class="sound other_voice"' in page.read_text()
    quiet = run("analyze", str(clip), "--session", "--no-sound", "--format", "json")
    summary = json.loads(quiet.stdout)["summary"]
    assert summary["sound"] is None and "other_voice" not in summary["events_by_type"]
