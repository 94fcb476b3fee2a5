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
