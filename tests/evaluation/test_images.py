from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interview_integrity.evaluation import evaluate, read_manifest
from interview_integrity.vision.analyzer import FrameAnalyzer


def small_set(tmp_path: Path, data_dir: Path, names: list[str]) -> Path:
    rows = [r for r in read_manifest(data_dir) if r["file"] in names]
    header = list(rows[0])
    lines = ["\t".join(header)] + ["\t".join(r[c] for c in header) for r in rows]
    (tmp_path / "MANIFEST.tsv").write_text("\n".join(lines) + "\n")
    for name in names:
        (tmp_path / name).symlink_to(data_dir / name)
    return tmp_path


def test_evaluation_scores_a_manifest(tmp_path: Path, data_dir: Path, analyzer: FrameAnalyzer) -> None:
    names = ["face1_grace_hopper.jpg", "faces2_portraits.jpg", "noface_coffee.png", "phone_rf_texting_down.jpg"]
    report = evaluate(small_set(tmp_path, data_dir, names), analyzer)
    assert report.rate("face count exact").hits == 4
    assert report.rate("no-face images with 0 faces").total == 1
    assert report.rate("phone recall").hits == 1
    text = "\n".join(report.lines())
    assert "face count exact" in text and "100.0%" in text


def test_fairness_columns_become_group_tables(tmp_path: Path, data_dir: Path, analyzer: FrameAnalyzer) -> None:
    fairness = data_dir / "fairness"
    rows = read_manifest(fairness)[:6]
    header = list(rows[0])
    (tmp_path / "MANIFEST.tsv").write_text(
        "\n".join(["\t".join(header)] + ["\t".join(r[c] for c in header) for r in rows]) + "\n"
    )
    for row in rows:
        shutil.copy(fairness / row["file"], tmp_path / row["file"])
    report = evaluate(tmp_path, analyzer)
    assert set(report.groups) >= {"skin", "glasses", "lighting"}
    assert "by skin:" in "\n".join(report.lines())


@pytest.mark.slow
def test_fairness_set_is_measured_equally_across_skin_tones(data_dir: Path, analyzer: FrameAnalyzer) -> None:
    """The fairness gate of every build: each skin group's faces are found (>= 95%) and neither face
    finding nor gaze reading differs between groups by more than 10 points (../shared/data/fairness)."""
    report = evaluate(data_dir / "fairness", analyzer, videos=False)
    skin = report.groups["skin"]
    assert set(skin) == {"dark", "medium", "light"}
    table = "\n".join(report.lines())
    for group, rates in skin.items():
        assert rates["face found"].total == 14
        assert (rates["face found"].value or 0) >= 0.95, f"{group}: faces found {rates['face found']}\n{table}"
    for metric in ("face found", "gaze right"):
        gap = report.gap_points("skin", metric)
        assert gap is not None and gap <= 10.0, f"{metric} differs by {gap:.1f} points between skin groups\n{table}"
