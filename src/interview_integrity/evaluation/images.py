"""`interview-integrity eval DIR`: the analyzer against a folder's MANIFEST.tsv ground truth.

The manifest's gaze column uses `at_camera | left | right | up | down | n/a` in IMAGE directions; our
`center` is its `at_camera`. Extra columns (skin, glasses, headwear, lighting) become per-group tables.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.signals import FrameSignals
from interview_integrity.vision.video import sample_frames

GROUP_COLUMNS = ("skin", "glasses", "headwear", "beard", "lighting")
OBJECT_COLUMNS = {"phone": "cell phone", "book": "book", "laptop": "laptop"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
_DIRECTION_LETTER = {"center": "C", "left": "L", "right": "R", "up": "U", "down": "D", "unknown": "?"}


def expected_direction(gaze: str) -> str:
    return "center" if gaze == "at_camera" else gaze


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def __str__(self) -> str:
        if not self.total:
            return "   n/a"
        return f"{self.hits:>3}/{self.total:<3} {100 * self.hits / self.total:5.1f}%"


@dataclass
class ImageResult:
    row: dict[str, str]
    signals: FrameSignals

    @property
    def expected_faces(self) -> int:
        return int(self.row["faces"])

    @property
    def single_face_gaze(self) -> str | None:
        gaze = self.row.get("gaze", "n/a")
        return (
            expected_direction(gaze)
            if self.expected_faces == 1 and gaze not in ("n/a", "") and "/" not in gaze
            else None
        )


@dataclass
class Report:
    rates: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))
    groups: dict[str, dict[str, dict[str, Rate]]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)

    def rate(self, name: str) -> Rate:
        return self.rates[name]

    def gap_points(self, column: str, metric: str) -> float | None:
        """The largest difference in `metric` between the groups of `column`, in percentage points."""
        values = [v for r in self.groups.get(column, {}).values() if metric in r and (v := r[metric].value) is not None]
        return 100 * (max(values) - min(values)) if len(values) > 1 else None

    def lines(self) -> list[str]:
        out = ["metric                                   hits/total  rate"]
        out += [f"{name:<40} {rate}" for name, rate in self.rates.items()]
        for column, by_value in self.groups.items():
            out.append(f"\nby {column}:")
            metrics = sorted({m for rates in by_value.values() for m in rates})
            out.append(f"  {'group':<10}" + "".join(f"{m:>22}" for m in metrics))
            for value, rates in sorted(by_value.items()):
                out.append(f"  {value:<10}" + "".join(f"{rates.get(m, Rate())!s:>22}" for m in metrics))
            for metric in metrics:
                if (gap := self.gap_points(column, metric)) is not None:
                    out.append(f"  largest gap in {metric}: {gap:.1f} points")
        if self.videos:
            out.append("\nvideos (one letter a second: C center, L left, R right, U up, D down, ? unknown, - no face):")
            out += self.videos
        if self.misses:
            out.append("\nmisses:")
            out += [f"  {m}" for m in self.misses]
        return out


def read_manifest(directory: Path) -> list[dict[str, str]]:
    with (directory / "MANIFEST.tsv").open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _score_image(result: ImageResult, report: Report, detectors: list[str]) -> None:
    name, signals, expected = result.row["file"], result.signals, result.expected_faces
    found = signals.faces.count
    report.rate("face count exact").add(found == expected)
    if found != expected:
        report.misses.append(f"{name}: {found} faces, expected {expected}")
    if expected == 0:
        report.rate("no-face images with 0 faces").add(found == 0)
    if expected >= 2:
        report.rate("multi-face images with >= 2 faces").add(found >= 2)
    if expected >= 1:
        report.rate("images with a face where one is found").add(found >= 1)
    truth = result.single_face_gaze
    if truth is not None:
        got = signals.gaze.direction
        report.rate("gaze direction exact (single face)").add(got == truth)
        report.rate("gaze center-vs-away (single face)").add((got == "center") == (truth == "center"))
        report.rate("gaze unknown (abstained)").add(got == "unknown")
        if got != truth:
            report.misses.append(f"{name}: gaze {got}, expected {truth}")
    labels = {obj.label for obj in signals.objects}
    for detector in detectors:
        seen = {obj.label for obj in signals.objects if detector in obj.source.split("+")}
        for column, label in OBJECT_COLUMNS.items():
            if result.row.get(column) == "yes":
                report.rate(f"{column} recall [{detector} alone]").add(label in seen)
            elif result.row.get(column) == "no":
                report.rate(f"{column} false alarms [{detector} alone]").add(label in seen)
    for column, label in OBJECT_COLUMNS.items():
        if result.row.get(column) == "yes":
            report.rate(f"{column} recall").add(label in labels)
            if label not in labels:
                report.misses.append(f"{name}: {column} missed")
        elif result.row.get(column) == "no":
            report.rate(f"{column} false alarms (images)").add(label in labels)
            if label in labels:
                report.misses.append(f"{name}: {column} false alarm")


def _score_groups(results: list[ImageResult], report: Report) -> None:
    columns = [c for c in GROUP_COLUMNS if results and c in results[0].row]
    for column in columns:
        by_value: dict[str, dict[str, Rate]] = defaultdict(lambda: defaultdict(Rate))
        for result in results:
            rates = by_value[result.row[column] or "none"]
            rates["face found"].add(result.signals.faces.count >= 1 if result.expected_faces else True)
            truth = result.single_face_gaze
            if truth is not None:
                rates["gaze right"].add(result.signals.gaze.direction == truth)
            rates["abstain (unknown)"].add(result.signals.gaze.direction == "unknown")
        report.groups[column] = by_value


def video_timeline(analyzer: FrameAnalyzer, path: Path, fps: float = 1.0) -> str:
    letters = []
    for timestamp, frame in sample_frames(path, fps):
        signals = analyzer.analyze(frame, timestamp)
        letters.append("-" if signals.faces.count == 0 else _DIRECTION_LETTER[signals.gaze.direction])
    return "".join(letters)


def evaluate(
    directory: Path,
    analyzer: FrameAnalyzer,
    *,
    videos: bool = False,
    progress: Callable[[Iterable[dict[str, str]]], Iterable[dict[str, str]]] = iter,
) -> Report:
    """The stills of a folder; with `videos`, also a one-letter-a-second gaze timeline of each video (the
    videos as sessions are evaluation/videos.py's)."""
    report = Report()
    results: list[ImageResult] = []
    for row in progress(read_manifest(directory)):
        path = directory / row["file"]
        if path.suffix.lower() in VIDEO_SUFFIXES:
            if videos:
                timeline = video_timeline(analyzer, path)
                notes = f"{row.get('gaze', '')}; {row.get('notes', '')[:160]}"
                report.videos.append(f"  {row['file']:<36} {timeline}\n  {'':<36} notes: {notes}")
            continue
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            report.misses.append(f"{row['file']}: cannot be read")
            continue
        result = ImageResult(row=row, signals=analyzer.analyze(image, 0.0))
        results.append(result)
        _score_image(result, report, analyzer.detector_names if len(analyzer.detector_names) > 1 else [])
    _score_groups(results, report)
    return report
