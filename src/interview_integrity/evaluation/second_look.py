"""`interview-integrity eval-second-look`: phones per image, three ways, through the service's own models:

- `ours alone`: FrameAnalyzer with our phone detector only, at its operating point;
- `today's union`: FrameAnalyzer as it runs by default (our detector or a COCO detector at its bar);
- `union + second look`: every candidate (training/verifier/proposals.py: today's detectors at the floor, the
  hands, the ears; capped) cropped from the original image and verified; the image has a phone when a
  candidate scores at least the verifier's operating point. Nothing else decides.

On sets the verifier never trained on and did not choose its operating point on: `phone_using` v2 test
(people never in training; image recall), `hands_no_phone` test split and the honest test clips' frames (false
alarms), and the dev images (phone yes and no). An image "has a phone" on a single still, before any frame vote.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_integrity.config import VisionSettings
from interview_integrity.stats import Proportion
from interview_integrity.training.verifier import dataset
from interview_integrity.training.verifier.judge import best_scores, candidate_crops
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.phone.candidates import CAP
from interview_integrity.vision.phone.verifier import THRESHOLD, Verifier

# the reported set -> (its split, whether its images hold a phone); phone_using's one phone-free test image is
# left out of its recall
SETS: dict[str, tuple[str, bool]] = {
    "phone_using v2 test": ("phone_using-test", True),
    "hands_no_phone test": ("hands_no_phone-test", False),
    "honest test frames": ("honest-test", False),
    "dev phone images": ("dev-yes", True),
    "dev phone=no images": ("dev-no", False),
}
ANALYZERS: dict[str, dict[str, object]] = {"ours alone": {"detectors": ["phone"]}, "today's union": {}}
SECOND_LOOK = "union + second look"


@dataclass
class Outcome:
    flagged: Proportion
    names: list[str]  # the images missed (a set with phones) or flagged (a set without)


def _outcome(images: list[Image], hits: Iterable[bool], phones: bool) -> Outcome:
    flags = list(hits)
    names = [i.name for i, hit in zip(images, flags, strict=True) if hit != phones]
    return Outcome(Proportion(sum(flags), len(flags)), names)


def analyzed(settings: VisionSettings, images: list[Image]) -> list[bool]:
    """Whether FrameAnalyzer reports a `cell phone` on each image (a still: every detector runs)."""
    analyzer = FrameAnalyzer(settings)
    try:
        return [any(o.label == "cell phone" for o in analyzer.analyze(i.bgr, 0.0).objects) for i in images]
    finally:
        analyzer.close()


def verified(split: dataset.Split, keep: list[int], model: Verifier, point: float, cap: int) -> list[bool]:
    """Whether a candidate of each image scores at least `point`."""
    crop_sets = [candidate_crops(split.images[i], split.proposals[i], cap) for i in keep]
    scores = best_scores(model.scores, crop_sets) if crop_sets else np.zeros(0)
    return [bool(s >= point) for s in scores]


def run(
    data: Path,
    models_dir: Path,
    cache: Path,
    verifier: Path | None = None,
    point: float = THRESHOLD,
    cap: int = CAP,
    limit: int | None = None,
    progress: Callable[[Iterable[str]], Iterator[str]] = iter,
) -> list[str]:
    names = tuple(dict.fromkeys(split for split, _ in SETS.values()))
    splits = {s.name: s for s in dataset.load(names, data, models_dir, cache, limit, lambda _: None)}
    model = Verifier(verifier) if verifier is not None else Verifier.packaged()
    results: dict[str, dict[str, Outcome]] = {name: {} for name in [*ANALYZERS, SECOND_LOOK]}
    for set_name in progress(list(SETS)):
        split_name, phones = SETS[set_name]
        split = splits[split_name]
        keep = [i for i, image in enumerate(split.images) if split_name.startswith("dev") or image.has_phone == phones]
        images = [split.images[i] for i in keep]
        for config, overrides in ANALYZERS.items():
            settings = VisionSettings.model_validate({"models_dir": models_dir, **overrides})
            results[config][set_name] = _outcome(images, analyzed(settings, images), phones)
        results[SECOND_LOOK][set_name] = _outcome(images, verified(split, keep, model, point, cap), phones)
    return table(results, point, cap)


def table(results: dict[str, dict[str, Outcome]], point: float, cap: int) -> list[str]:
    lines = [f"phones per image (one still); second look at >= {point:.3f}, at most {cap} candidates an image:"]
    for config, by_set in results.items():
        for set_name, outcome in by_set.items():
            phones = SETS[set_name][1]
            lines.append(f"  {config:20} {set_name:20} {'found' if phones else 'false alarms':12} {outcome.flagged}")
            if set_name.startswith("dev"):
                shown = ", ".join(n.removeprefix("dev/") for n in outcome.names) or "-"
                lines.append(f"    {'missed' if phones else 'flagged'}: {shown}")
    return lines
