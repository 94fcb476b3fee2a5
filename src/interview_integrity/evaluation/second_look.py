"""`interview-integrity eval-second-look`: phones per image, three ways, through the service's own FrameAnalyzer:

- `ours alone`: our phone detector only, at its operating point, no second look;
- `today's union`: our detector or a COCO detector at its bar, no second look (the service before issue 27);
- `union + second look`: the service as it runs by default: every phone the detectors report is verified at
  full resolution (vision/phone/second_look.py); only what the verifier confirms is a phone.

On sets the verifier never trained on and whose points were not chosen on: `phone_using` v2 test (people never
in training; image recall), the `hands_no_phone` test split and frames of the honest test clips (false alarms),
and the dev images with and without a phone. An image "has a phone" on a single still, before any frame vote;
honest videos, where votes over frames decide, are measured by `eval` on the honest folder (flags per hour).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from interview_integrity.config import VisionSettings
from interview_integrity.evaluation.stats import Proportion
from interview_integrity.training.verifier import sources
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.analyzer import FrameAnalyzer

# the reported set -> (how to read it, whether its images hold a phone)
SETS: dict[str, tuple[Callable[[Path], list[Image]], bool]] = {
    "phone_using v2 test": (lambda data: [i for i in sources.phone_using(data, "test") if len(i.phones)], True),
    "hands_no_phone test": (lambda data: sources.hands_no_phone(data, "test"), False),
    "honest test frames": (lambda data: sources.honest(data, "test"), False),
    "dev phone images": (lambda data: sources.dev_images(data)[0], True),
    "dev phone=no images": (lambda data: sources.dev_images(data)[1], False),
}
CONFIGS: dict[str, dict[str, object]] = {
    "ours alone": {"detectors": ["phone"], "second_look": False},
    "today's union": {"second_look": False},
    "union + second look": {},
}


@dataclass
class Outcome:
    flagged: Proportion
    names: list[str]  # the images missed (a set with phones) or flagged (a set without)


def has_phone(analyzer: FrameAnalyzer, image: Image) -> bool:
    """Whether FrameAnalyzer reports a `cell phone` on the image (a still: every detector runs)."""
    return any(o.label == "cell phone" for o in analyzer.analyze(image.bgr, 0.0, identity=False).objects)


def outcome(images: list[Image], hits: Iterable[bool], phones: bool) -> Outcome:
    flags = list(hits)
    names = [i.name for i, hit in zip(images, flags, strict=True) if hit != phones]
    return Outcome(Proportion(sum(flags), len(flags)), names)


def run(
    data: Path, models_dir: Path, limit: int | None = None, progress: Callable[[list[str]], Iterator[str]] = iter
) -> list[str]:
    analyzers = {
        name: FrameAnalyzer(VisionSettings.model_validate({"models_dir": models_dir, **overrides}))
        for name, overrides in CONFIGS.items()
    }
    results: dict[str, dict[str, Outcome]] = {name: {} for name in CONFIGS}
    try:
        for set_name in progress(list(SETS)):
            read, phones = SETS[set_name]
            images = read(data)[:limit]
            for name, analyzer in analyzers.items():
                results[name][set_name] = outcome(images, (has_phone(analyzer, i) for i in images), phones)
    finally:
        for analyzer in analyzers.values():
            analyzer.close()
    return table(results)


def table(results: dict[str, dict[str, Outcome]]) -> list[str]:
    sets = list(SETS)
    lines = ["phones per image (one still each), 95% intervals:", f"  {'':20} " + " | ".join(f"{s:>24}" for s in sets)]
    lines.append(f"  {'':20} " + " | ".join(f"{'found' if SETS[s][1] else 'false alarms':>24}" for s in sets))
    for config, by_set in results.items():
        cells = [f"{_cell(by_set[s].flagged):>24}" for s in sets]
        lines.append(f"  {config:20} " + " | ".join(cells))
    for config, by_set in results.items():
        for set_name in ("dev phone images", "dev phone=no images"):
            shown = ", ".join(n.removeprefix("dev/") for n in by_set[set_name].names) or "-"
            lines.append(f"  {config}, {set_name}, {'missed' if SETS[set_name][1] else 'flagged'}: {shown}")
    return lines


def _cell(p: Proportion) -> str:
    low, high = p.interval
    return f"{p.hits}/{p.total} {100 * (p.value or 0.0):.1f}% ({100 * low:.1f}-{100 * high:.1f})"
