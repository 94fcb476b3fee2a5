"""Every image the verifier is trained, validated and tested on, with the service's proposals on it.

Train: `phone_using` train (its phones, jittered, and what the generator proposes: phones it frames, and the
phone-free regions: the other hand, the face, the ears), `hands_no_phone` train (its labelled hands and earbud
cases and what the generator proposes on them), the honest training clips' frames and the fairness portraits
(what the generator proposes on them: all phone-free). Valid (chooses the epoch and the operating point):
`phone_using` valid, `hands_no_phone` valid, the honest validation clips. Test (reported once): the same three
test splits. The dev images are never trained on (evaluation/second_look.py measures them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interview_integrity.training.verifier import sources
from interview_integrity.training.verifier.proposals import ProposalModels, Proposals, cached
from interview_integrity.training.verifier.regions import Region, labelled, proposed
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import sha256
from interview_integrity.vision.phone.detector import PACKAGED as PHONE_MODEL

TRAIN = ("phone_using-train", "hands_no_phone-train", "honest-train", "fairness")
VALID = ("phone_using-valid", "hands_no_phone-valid", "honest-valid")
TEST = ("phone_using-test", "hands_no_phone-test", "honest-test")


@dataclass
class Split:
    name: str
    images: list[Image]
    proposals: list[Proposals]


def loader(name: str, data: Path, limit: int | None) -> Callable[[], list[Image]]:
    if name == "fairness":
        return lambda: sources.fairness(data, limit)
    if name in ("dev-yes", "dev-no"):  # the dev images with a phone, and those without
        return lambda: sources.dev_images(data)[0 if name == "dev-yes" else 1]
    source, split = name.split("-")
    read: dict[str, Callable[..., list[Image]]] = {
        "phone_using": sources.phone_using,
        "hands_no_phone": sources.hands_no_phone,
        "honest": sources.honest,
    }
    return lambda: read[source](data, split, limit=limit)


def cache_dir(root: Path) -> Path:
    """Proposals depend on the detectors: the folder is named after our phone detector's file."""
    return root / f"proposals-{sha256(PHONE_MODEL)[:8]}"


def load(
    names: tuple[str, ...], data: Path, models_dir: Path, cache: Path, limit: int | None, say: Callable[[str], None]
) -> list[Split]:
    models: ProposalModels | None = None

    def propose() -> ProposalModels:
        nonlocal models
        models = models or ProposalModels(models_dir)
        return models

    splits = []
    for name in names:
        images = loader(name, data, limit)()
        found = cached(cache_dir(cache) / f"{name}.json", [(i.name, _bgr(i)) for i in images], propose, say)
        splits.append(Split(name, images, [found[i.name] for i in images]))
        say(f"{name}: {len(images)} images")
    if models is not None:
        models.close()
    return splits


def _bgr(image: Image) -> Callable[[], Array]:
    return lambda: image.bgr


def training_regions(splits: list[Split], cap: int) -> tuple[list[Image], list[Region]]:
    """(all training images, their labelled regions, each pointing into that list)."""
    images: list[Image] = []
    regions: list[Region] = []
    for split in splits:
        screen = split.name.startswith("phone_using")  # its labels miss some phones
        for image, proposals in zip(split.images, split.proposals, strict=True):
            index = len(images)
            images.append(image)
            regions += labelled(index, image)
            regions += proposed(index, image, proposals, cap, screen)
    return images, regions
