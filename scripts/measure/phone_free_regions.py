"""How sure the verifier is of phone-free regions in people scenes, on VALID: the risk of a tier under the bar.

Image-level figures hide it: a phone_using image also holds a phone, so a false region in it still counts as
"found". Here each of our detector's boxes (0.2 up, at most 8 an image, as the analyzer fuses them) on a
phone_using valid image is judged as a region (training/verifier/regions.py: phone-free when no labelled
phone overlaps its crop) and scored by the verifier. Prints, at each floor, how many phone-free regions the
verifier scores at 0.9, 0.95 and 0.98 or more, beside the phone regions at 0.95. docs/MODELS.md ("Retraining
the verifier was tried and left out") quotes it.
Run: .venv/bin/python scripts/measure/phone_free_regions.py [--verifier FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from interview_integrity.config import ObjectThresholds, VisionSettings
from interview_integrity.training.verifier import sources
from interview_integrity.training.verifier.regions import label
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.phone.candidates import PHONE_LABEL, propose
from interview_integrity.vision.phone.verifier import Verifier

DATA, MODELS = Path("../shared/data"), Path(".cache/models")
FLOORS, BARS = (0.2, 0.3), (0.9, 0.95, 0.98)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verifier", type=Path, default=None, help="an ONNX file (default: the packaged one)")
    args = parser.parse_args()
    verifier = Verifier(args.verifier) if args.verifier else Verifier.packaged()
    ours = FrameAnalyzer(
        VisionSettings(
            models_dir=MODELS,
            second_look=False,
            identity=False,
            detectors=["phone"],
            coco_phones_too=False,
            phone_thresholds=ObjectThresholds(cell_phone=min(FLOORS)),
        )
    )
    regions: list[tuple[float, int, float]] = []  # (detector score, 1 phone / 0 phone-free, verifier score)
    for image in [i for i in sources.phone_using(DATA, "valid") if i.has_phone]:
        height, width = image.bgr.shape[:2]
        found = [o for o in ours.analyze(image.bgr, 0.0, identity=False).objects if o.label == PHONE_LABEL]
        candidates = propose(found, [], [], width, height)
        scores = verifier.verify(image.bgr, candidates)
        for candidate, score in zip(candidates, scores, strict=True):
            verdict = label(candidate.box, candidate.kind, image.phones, width, height)
            if verdict is not None:
                regions.append((candidate.score, verdict, score))
    for floor in FLOORS:
        free = [s for d, v, s in regions if d >= floor and v == 0]
        phones = [s for d, v, s in regions if d >= floor and v == 1]
        at = ", ".join(f">= {bar}: {sum(s >= bar for s in free)}" for bar in BARS)
        print(
            f"our boxes >= {floor}: {len(free)} phone-free regions ({at}); "
            f"{len(phones)} phone regions, {sum(s >= 0.95 for s in phones)} at >= 0.95"
        )


if __name__ == "__main__":
    main()
