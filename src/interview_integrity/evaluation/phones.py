"""`interview-integrity eval-phone`: today's COCO fusion against our trained phone detector, through the
service's own FrameAnalyzer (thresholds, border penalty, fusion), on images neither was tuned on:

- `phone_using/test` (people never seen in training) and its negatives, built exactly as `train-phone`
  measures its export (phone-free regions of the test images, frames of the honest test clips);
- the dev images of `../shared/data` (phone yes/no in MANIFEST.tsv), never trained on.

An image "has a phone" when the analysed still carries a `cell phone` object: a single frame, before the
risk engine's 2-of-5 frame vote. Needs the `train` extra (the negatives are screened by the starting network).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from interview_integrity.config import VisionSettings
from interview_integrity.evaluation.stats import Proportion
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.arrays import Array

CONFIGURATIONS: dict[str, dict[str, object]] = {
    "coco fusion alone": {"detectors": ["ssdlite", "yolo"]},
    "ours + COCO for the rest": {"detectors": ["ssdlite", "yolo", "phone"], "coco_phones_too": False},
    "ours or COCO (default)": {"detectors": ["ssdlite", "yolo", "phone"], "coco_phones_too": True},
}
_IMAGES = (".jpg", ".jpeg", ".png")


@dataclass
class Rates:
    recall: Proportion
    false_alarms: Proportion
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)


def _has_phone(analyzer: FrameAnalyzer, rgb: Array) -> bool:
    signals = analyzer.analyze(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), 0.0)
    return any(o.label == "cell phone" for o in signals.objects)


def rates(
    analyzer: FrameAnalyzer,
    positives: Iterable[tuple[str, Array]],
    negatives: Iterable[tuple[str, Array]],
) -> Rates:
    found = [(name, _has_phone(analyzer, rgb)) for name, rgb in positives]
    alarms = [(name, _has_phone(analyzer, rgb)) for name, rgb in negatives]
    return Rates(
        Proportion(sum(hit for _, hit in found), len(found)),
        Proportion(sum(hit for _, hit in alarms), len(alarms)),
        missed=[name for name, hit in found if not hit],
        false=[name for name, hit in alarms if hit],
    )


def dev_images(data: Path) -> tuple[list[tuple[str, Array]], list[tuple[str, Array]]]:
    with (data / "MANIFEST.tsv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if Path(r["file"]).suffix.lower() in _IMAGES]
    loaded = [(r["file"], r["phone"], cv2.cvtColor(cv2.imread(str(data / r["file"])), cv2.COLOR_BGR2RGB)) for r in rows]
    return [(n, i) for n, p, i in loaded if p == "yes"], [(n, i) for n, p, i in loaded if p == "no"]


def _line(name: str, set_name: str, result: Rates) -> str:
    def show(p: Proportion) -> str:
        low, high = p.interval
        return f"{p.hits}/{p.total} = {p.value:.1%} (95% CI {low:.1%}-{high:.1%})"

    return f"  {set_name:22} {name:26} recall {show(result.recall)}; false alarms {show(result.false_alarms)}"


def run(
    data: Path,
    models_dir: Path,
    seed: int,
    limit: int | None = None,
    progress: Callable[[Iterable[str]], Iterator[str]] = iter,
) -> list[str]:
    from interview_integrity.training.phone.measure import screen_predictor, test_split

    images, negatives = test_split(data, seed, screen_predictor(models_dir), limit)
    sets = {
        "phone_using/test": (
            [(s.name, s.image) for s in images if s.has_phone],
            [(s.name, s.image) for s in [*negatives, *(s for s in images if not s.has_phone)]],
        ),
        "dev images": dev_images(data),
    }
    lines = ["phones per image (one still, before the frame vote), through FrameAnalyzer:"]
    for name in progress(list(CONFIGURATIONS)):
        settings = VisionSettings.model_validate({"models_dir": models_dir, **CONFIGURATIONS[name]})
        analyzer = FrameAnalyzer(settings)
        analyzer.warm_up()
        for set_name, (positives, without) in sets.items():
            result = rates(analyzer, positives, without)
            lines.append(_line(name, set_name, result))
            if set_name == "dev images":
                lines.append(f"    missed: {', '.join(result.missed) or '-'}; false: {', '.join(result.false) or '-'}")
        analyzer.close()
    return lines
