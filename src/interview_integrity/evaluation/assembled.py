"""Test videos assembled from real clips with ffmpeg (H.264, as a recording would be): the ways around a
webcam proctor that issue 20 names, and the honest edit that must not look like one.

- `swap`: one honest candidate, then another in the same seat (a cut between two people);
- `jump_cut`: one candidate, a cut, the same candidate a minute later (must raise nothing);
- `frozen`: a candidate, then the last picture held (a hung or substituted camera);
- `looped`: the same few seconds of a candidate played again and again (a looped recording).

Each comes with the time of its cut (the moment the trick starts). Built into a temporary folder, never
committed; the sources are in ../shared/data/honest/.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_SCALE = "scale=640:480,setsar=1,fps=25"


@dataclass(frozen=True)
class Assembled:
    name: str
    path: Path
    cut_at: float  # seconds into the video where the swap, freeze or first repeat begins
    expect: str | None  # the event it must raise; None: it must raise none of the camera/identity events


def _ffmpeg(arguments: list[str], target: Path) -> Path:
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is needed to assemble the test videos (Debian: apt install ffmpeg)")
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *arguments, "-an", "-c:v", "libx264", "-crf", "23",
         "-pix_fmt", "yuv420p", str(target)],
        check=True, timeout=300,
    )  # fmt: skip
    return target


def _segment(index: int, start: float, end: float, label: str) -> str:
    return f"[{index}:v]trim={start}:{end},setpts=PTS-STARTPTS,{_SCALE}[{label}]"


def swap(first: Path, second: Path, out: Path, seconds: float = 8.0) -> Assembled:
    graph = f"{_segment(0, 0, seconds, 'a')};{_segment(1, 0, seconds, 'b')};[a][b]concat=n=2:v=1[v]"
    path = _ffmpeg(["-i", str(first), "-i", str(second), "-filter_complex", graph, "-map", "[v]"], out / "swap.mp4")
    return Assembled("swap", path, seconds, "identity_changed")


def jump_cut(clip: Path, out: Path, first: tuple[float, float], second: tuple[float, float]) -> Assembled:
    graph = f"{_segment(0, *first, 'a')};{_segment(0, *second, 'b')};[a][b]concat=n=2:v=1[v]"
    path = _ffmpeg(["-i", str(clip), "-filter_complex", graph, "-map", "[v]"], out / "jump_cut.mp4")
    return Assembled("jump_cut", path, first[1] - first[0], None)


def frozen(clip: Path, out: Path, live_s: float = 5.0, held_s: float = 9.0) -> Assembled:
    graph = f"{_segment(0, 0, live_s, 'a')};[a]tpad=stop_mode=clone:stop_duration={held_s}[v]"
    path = _ffmpeg(["-i", str(clip), "-filter_complex", graph, "-map", "[v]"], out / "frozen.mp4")
    return Assembled("frozen", path, live_s, "stream_frozen")


def looped(clip: Path, out: Path, start: float, length: float, times: int = 3, name: str = "looped") -> Assembled:
    labels = "".join(f"[s{i}]" for i in range(times))
    graph = f"{_segment(0, start, start + length, 'a')};[a]split={times}{labels};{labels}concat=n={times}:v=1[v]"
    path = _ffmpeg(["-i", str(clip), "-filter_complex", graph, "-map", "[v]"], out / f"{name}.mp4")
    return Assembled(name, path, length, "stream_replayed")


def assemble(honest: Path, out: Path) -> list[Assembled]:
    """The standard set, from the honest clips of ../shared/data/honest/."""
    out.mkdir(parents=True, exist_ok=True)
    woman, man, talker = (honest / n for n in (
        "hon_webcam_interview_woman.mp4", "hon_cap_beard_man.mp4", "hon_franck_talking_face.mp4",
    ))  # fmt: skip
    return [
        swap(woman, man, out),
        jump_cut(talker, out, (10.0, 18.0), (120.0, 128.0)),
        frozen(woman, out),
        looped(woman, out, start=2.0, length=6.0, name="looped_still"),
        looped(talker, out, start=30.0, length=8.0, name="looped_talking"),
    ]
