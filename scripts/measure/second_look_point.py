"""The second look's point and the sub-bar tier that was left out, through the service's own analyzer.

For each image: the phones the detectors report at their bars (`reported`) and our detector's boxes from 0.1
up (`weak`), each scored by the packaged verifier. Prints, on VALID, the images found and false at each point
for reported phones, and at each (detector floor, verifier bar) for the weak tier; `--test` also prints the
test splits and the dev images at the choices (look once, at the end). docs/MODELS.md, "The second look",
quotes it.
Run: .venv/bin/python scripts/measure/second_look_point.py [--test]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from interview_integrity.config import ObjectThresholds, VisionSettings
from interview_integrity.training.verifier import sources
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.phone.second_look import SecondLook

DATA, MODELS = Path("../shared/data"), Path(".cache/models")
Row = tuple[str, float, float]  # (tier, detector score, verifier score)


def _sets(stage: str) -> dict[str, tuple[list[Image], bool]]:
    if stage == "dev":
        with_phone, without = sources.dev_images(DATA)
        return {"dev phones": (with_phone, True), "dev phone=no": (without, False)}
    return {
        f"{stage} phones": ([i for i in sources.phone_using(DATA, stage) if i.has_phone], True),
        f"{stage} hands": (sources.hands_no_phone(DATA, stage), False),
        f"{stage} honest": (sources.honest(DATA, stage), False),
    }


class Looks:
    def __init__(self) -> None:
        self.reported = FrameAnalyzer(VisionSettings(models_dir=MODELS, second_look=False, identity=False))
        self.weak = FrameAnalyzer(
            VisionSettings(
                models_dir=MODELS,
                second_look=False,
                identity=False,
                detectors=["phone"],
                coco_phones_too=False,
                phone_thresholds=ObjectThresholds(cell_phone=0.1),
            )
        )
        self.second_look = SecondLook()

    def __call__(self, image: Image) -> list[Row]:
        rows: list[Row] = []
        for tier, analyzer in (("reported", self.reported), ("weak", self.weak)):
            found = [o for o in analyzer.analyze(image.bgr, 0.0, identity=False).objects if o.label == "cell phone"]
            found = sorted(found, key=lambda o: -o.confidence)[:8]
            # each verified candidate carries its detector's score (candidates may be merged or clipped away)
            rows += [(tier, v.candidate.score, v.score) for v in self.second_look.look(image.bgr, found)]
        return rows


def found(rows: list[Row], point: float, floor: float = 2.0, bar: float = 2.0) -> bool:
    return any(
        (tier == "reported" and verified >= point) or (tier == "weak" and score >= floor and verified >= bar)
        for tier, score, verified in rows
    )


def show(looked: dict[str, tuple[list[list[Row]], bool]], point: float, floor: float = 2.0, bar: float = 2.0) -> str:
    cells = []
    for name, (rows, phones) in looked.items():
        hits = sum(found(r, point, floor, bar) for r in rows)
        cells.append(f"{name} {'found' if phones else 'false'} {hits}/{len(rows)}")
    return "; ".join(cells)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test", action="store_true")
    args = parser.parse_args()
    looks = Looks()
    stages = ("valid", "test", "dev") if args.test else ("valid",)
    looked = {s: {n: ([looks(i) for i in images], p) for n, (images, p) in _sets(s).items()} for s in stages}
    for point in (0.05, 0.1, 0.2, 0.3, 0.5):
        print(f"point {point}: {show(looked['valid'], point)}")
    for floor in (0.15, 0.2, 0.3):
        for bar in (0.9, 0.95, 0.97):
            print(f"point 0.2 + ours >= {floor} verified >= {bar}: {show(looked['valid'], 0.2, floor, bar)}")
    for stage in stages[1:]:
        print(f"{stage}, point 0.2: {show(looked[stage], 0.2)}")
        print(f"{stage}, point 0.2 + ours >= 0.2 verified >= 0.95: {show(looked[stage], 0.2, 0.2, 0.95)}")


if __name__ == "__main__":
    main()
