"""Which proposals should feed the second look? The same verifier, fed by different detector sets, on VALID.

- `all`: today's detectors at the floor (SSDLite, YOLOv4-tiny, our phone detector), the hands and the ears;
- `coco`: the same without our phone detector;
- `retrained`: our phone detector retrained on phone_using v2 (`--phone-model`) in place of the shipped one;
and each with and without the hands (`no hands`: what the second look finds without the palm detector).
The operating point is chosen for each on the validation images (false alarms <= 1%), as train-verifier
chooses it. `--test` also prints the test splits at each valid point (look once, at the end).
Run: .venv/bin/python scripts/measure/second_look_variants.py [--phone-model FILE] [--test] [--verifier FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from interview_integrity.training.verifier import dataset
from interview_integrity.training.verifier.judge import best_scores, operating_point, rate
from interview_integrity.training.verifier.proposals import ProposalModels, Proposals, cached
from interview_integrity.training.verifier.train import MAX_FALSE_ALARM_RATE
from interview_integrity.vision import analyzer as analyzer_module
from interview_integrity.vision import model_files
from interview_integrity.vision.phone.candidates import CAP, propose
from interview_integrity.vision.phone.crop import SIZE, crops
from interview_integrity.vision.phone.verifier import Verifier

DATA, MODELS, CACHE = Path("../shared/data"), Path(".cache/models"), Path("artifacts/verifier")


def _proposals(split: dataset.Split, variant: str, phone_model: Path | None) -> list[Proposals]:
    if variant == "all":
        return split.proposals
    detectors = ["ssdlite", "yolo"] if variant == "coco" else None
    if variant == "retrained":
        assert phone_model is not None
        model_files.EXPECTED_SHA256["phone_ssdlite.onnx"] = model_files.sha256(phone_model)
        analyzer_module.PHONE_MODEL = phone_model  # type: ignore[misc]
        path = CACHE / f"proposals-{model_files.sha256(phone_model)[:8]}" / f"{split.name}.json"
    else:
        path = CACHE / "proposals-coco" / f"{split.name}.json"
    images = [(i.name, (lambda i=i: i.bgr)) for i in split.images]
    found = cached(path, images, lambda: ProposalModels(MODELS, detectors=detectors), print)
    return [found[i.name] for i in split.images]


def _scores(split: dataset.Split, proposals: list[Proposals], verifier: Verifier, hands: bool) -> np.ndarray:
    sets = []
    for image, found in zip(split.images, proposals, strict=True):
        height, width = image.bgr.shape[:2]
        candidates = propose(found.objects, found.hands() if hands else [], found.faces, width, height, cap=CAP)
        sets.append(crops(image.bgr, candidates, verifier.size))
    return best_scores(verifier.scores, sets)


def _split_by_phone(splits: dict[str, dataset.Split], scores: dict[str, np.ndarray], stage: str) -> tuple:
    """(scores of the stage's images with a phone, of those without)."""
    positives, negatives = [], []
    for name, split in splits.items():
        if not name.endswith(stage):
            continue
        for image, score in zip(split.images, scores[name], strict=True):
            (positives if image.has_phone else negatives).append(score)
    return np.array(positives), np.array(negatives)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phone-model", type=Path, default=None)
    parser.add_argument("--verifier", type=Path, default=None)
    parser.add_argument("--size", type=int, default=SIZE, help="the verifier's input side (with --verifier)")
    parser.add_argument("--test", action="store_true")
    args = parser.parse_args()
    verifier = Verifier(args.verifier, args.size) if args.verifier else Verifier.packaged()
    names = dataset.VALID + (dataset.TEST if args.test else ())
    splits = {s.name: s for s in dataset.load(names, DATA, MODELS, CACHE, None, lambda _: None)}
    variants = ["all", "coco"] + (["retrained"] if args.phone_model else [])
    for variant in variants:  # the retrained model last: it patches the analyzer for the rest of the process
        proposals = {name: _proposals(s, variant, args.phone_model) for name, s in splits.items()}
        for hands in (True, False):
            scores = {name: _scores(s, proposals[name], verifier, hands) for name, s in splits.items()}
            point = operating_point(*_split_by_phone(splits, scores, "valid"), MAX_FALSE_ALARM_RATE)
            for stage in ("valid", "test") if args.test else ("valid",):
                positives, negatives = _split_by_phone(splits, scores, stage)
                print(f"{variant:9} {'hands' if hands else 'no hands':8} {stage}: point {point:.4f} recall "
                      f"{rate(positives, point)} false alarms {rate(negatives, point)}")  # fmt: skip


if __name__ == "__main__":
    main()
