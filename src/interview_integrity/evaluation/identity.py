"""Identity continuity, per skin group: how often the same person is judged different (false non-match,
on every frame of the honest clips and their variants) and different people the same (false match, every
pair of the fairness photos), at the service's threshold and around it.

A comparison is what a session makes: the face embedding of one frame against the nearest of the templates
enrolled from the clip's first seconds (analysis/rules/identity.py, the same code). Here every frame at
5 fps is embedded, not one every 2 s, so there are more comparisons than a session would make.

The honest clips carry no skin column; `HONEST_SKIN` is the team's perceived tone of each candidate (about
Monk 1-3 light, 4-6 medium, 7-10 dark), as the fairness set labels its photos. Perception is approximate;
the groups are there to show a gap, not to certify its absence.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from interview_integrity.analysis.measures import embedding_distance as distance
from interview_integrity.analysis.rules.identity import Identity, IdentityRule
from interview_integrity.evaluation.images import read_manifest
from interview_integrity.evaluation.stats import Proportion
from interview_integrity.evaluation.variants import transformed, variants
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.signals import FaceIdentity, FaceTrack
from interview_integrity.vision.video import sample_frames

GROUPS = ("light", "medium", "dark")
HONEST_SKIN = {
    "hon_cap_beard_man.mp4": "dark",
    "hon_dim_room_eyes_closing.mp4": "light",
    "hon_fi_vlog_close_woman.mp4": "light",
    "hon_franck_talking_face.mp4": "light",
    "hon_glasses_closeup.mp4": "light",
    "hon_glasses_glare_home.mp4": "light",
    "hon_hdtf_katie.mp4": "light",
    "hon_lights_off_selfie.mp4": "medium",
    "hon_lp_office_glasses.mp4": "medium",
    "hon_lp_outdoor_trees.mp4": "medium",
    "hon_lp_yawn.mp4": "light",
    "hon_stock_white_bg.mp4": "light",
    "hon_webcam_blink_man.mp4": "medium",
    "hon_webcam_interview_woman.mp4": "dark",  # the manifest: "darker skin tone"
    "hon_window_woman.mp4": "light",
}
VARIANT_CLIPS = ("hon_webcam_interview_woman.mp4", "hon_cap_beard_man.mp4", "hon_webcam_blink_man.mp4")
SWEEP = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass
class GroupDistances:
    same: list[float] = field(default_factory=list)  # a frame against its own clip's templates
    different: list[float] = field(default_factory=list)  # two different people's photos
    clips: set[str] = field(default_factory=set)
    photos: int = 0

    def false_non_match(self, threshold: float) -> Proportion:
        return Proportion(sum(d > threshold for d in self.same), len(self.same))

    def false_match(self, threshold: float) -> Proportion:
        return Proportion(sum(d <= threshold for d in self.different), len(self.different))


def embeddings(analyzer: FrameAnalyzer, frames: Iterable[tuple[float, Array]]) -> Iterator[tuple[float, FaceIdentity]]:
    """One embedding per frame with one face (the face followed, as in a stream; objects not looked for)."""
    track: FaceTrack | None = None
    for timestamp, image in frames:
        signals = analyzer.analyze(image, timestamp, track=track, detect="none", identity=True)
        track = signals.track
        if signals.identity is not None and signals.identity.faces == 1:
            yield timestamp, signals.identity


def same_person(analyzer: FrameAnalyzer, frames: Iterable[tuple[float, Array]], enrol_s: float) -> list[float]:
    """Each frame after enrolment: its distance from the nearest template, as the session computes it."""
    state, distances = Identity(), []
    for timestamp, seen in embeddings(analyzer, frames):
        if not state.enrolled:
            IdentityRule._enrol(state, seen.vector, seen.yaw, timestamp, enrol_s)
            continue
        distances.append(min(distance(seen.vector, kept) for kept in state.templates))
    return distances


def measure(
    analyzer: FrameAnalyzer, honest: Path, fairness: Path, data: Path, enrol_s: float = 10.0, fps: float = 5.0
) -> dict[str, GroupDistances]:
    groups = {group: GroupDistances() for group in GROUPS}
    transforms = variants(data)
    for row in read_manifest(honest):
        name = row["file"]
        group = groups[HONEST_SKIN.get(name, "medium")]
        clips = [("", None)] + ([(k, t) for k, t in transforms.items()] if name in VARIANT_CLIPS else [])
        for label, transform in clips:
            frames = sample_frames(honest / name, fps)
            group.same += same_person(analyzer, transformed(frames, transform) if transform else frames, enrol_s)
            group.clips.add(f"{name} {label}".strip())
    photos: list[tuple[str, list[float]]] = []
    for row in read_manifest(fairness):
        image = cv2.imread(str(fairness / row["file"]))
        signals = analyzer.analyze(image, 0.0, detect="none", identity=True)
        if signals.identity is not None and row.get("skin") in groups:
            photos.append((row["skin"], signals.identity.vector))
            groups[row["skin"]].photos += 1
    for (group_a, a), (group_b, b) in itertools.combinations(photos, 2):
        if group_a == group_b:
            groups[group_a].different.append(distance(a, b))
    return groups


def per_thousand(proportion: Proportion) -> str:
    if not proportion.total:
        return "n/a"
    high = 1000 * proportion.interval[1]
    return f"{proportion.hits} in {proportion.total:,} ({1000 * (proportion.value or 0):.2f}‰, 95% up to {high:.2f}‰)"


def _quantiles(values: list[float], shares: tuple[float, ...]) -> str:
    if not values:
        return "n/a"
    return " / ".join(f"{values[min(len(values) - 1, int(share * len(values)))]:.3f}" for share in shares)


def table(groups: dict[str, GroupDistances], threshold: float) -> list[str]:
    lines = [
        f"identity continuity per skin group at distance {threshold} (dlib ResNet, 128-d; lower is more alike):",
        "| group | honest clips (+ variants) | same-person comparisons | false non-matches | fairness photos | "
        "different-person pairs (same group) | false matches |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, group in groups.items():
        fnm, fm = group.false_non_match(threshold), group.false_match(threshold)
        lines.append(
            f"| {name} | {len(group.clips)} | {fnm.total:,} | {per_thousand(fnm)} | {group.photos} "
            f"| {fm.total} | {fm} |"
        )
    lines.append("")
    lines.append("distances per group: same person (p50 / p99 / largest), different people (smallest / p1):")
    for name, group in groups.items():
        same = sorted(group.same)
        different = sorted(group.different)
        lines.append(
            f"  {name}: same {_quantiles(same, (0.5, 0.99))} / {same[-1] if same else float('nan'):.3f}; "
            f"different {different[0] if different else float('nan'):.3f} / {_quantiles(different, (0.01,))}"
        )
    lines.append("")
    lines.append("false non-match and false match rate by threshold (all groups):")
    for value in SWEEP:
        same = [d for g in groups.values() for d in g.same]
        different = [d for g in groups.values() for d in g.different]
        fnm = Proportion(sum(d > value for d in same), len(same))
        fm = Proportion(sum(d <= value for d in different), len(different))
        worst = max(groups.values(), key=lambda g: g.false_non_match(value).value or 0.0)
        lines.append(
            f"  {value:.2f}: non-match {per_thousand(fnm)}; match {fm}; "
            f"worst group's non-match {per_thousand(worst.false_non_match(value))}"
        )
    return lines
