"""`interview-integrity train-verifier`: train the phone second look's classifier on the CPU, in one command.

Seeded: the same data, seed and thread count give the same bytes. It reads the data in place (`--data`),
computes (or reads from `OUT/proposals-*`) what the service proposes on every image, trains on labelled crops
(dataset.py, regions.py), logs each epoch (OUT/train-log.jsonl), keeps the epoch with the best validation
recall at its operating point (false alarms <= MAX_FALSE_ALARM_RATE of the validation images without a phone),
exports the ONNX file, chooses the operating point again on the exported file and reports the test splits
once. OUT/metrics.json holds every figure of the model card.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from torch.nn import functional

from interview_integrity.training import runs
from interview_integrity.training.verifier import dataset
from interview_integrity.training.verifier.augment import LABELLED_JITTER, PROPOSED_JITTER, jittered, photometric
from interview_integrity.training.verifier.judge import best_scores, candidate_crops, operating_point, rate
from interview_integrity.training.verifier.network import CUT, VerifierNet, backbone_graph, channels_of, export_onnx
from interview_integrity.training.verifier.regions import Region, label
from interview_integrity.training.verifier.sources import Image
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import sha256, verified
from interview_integrity.vision.phone.candidates import CAP
from interview_integrity.vision.phone.crop import SIZE, crop
from interview_integrity.vision.phone.verifier import MODEL_FILE, Verifier, to_input
from interview_integrity.vision.ssdlite.prepare import model_path

MAX_FALSE_ALARM_RATE = 0.01
# Each epoch's draw, by stratum: the phones by the kind of region that frames them (the data's detector boxes
# far outnumber its hands and ears, which matter most in an interview), the phone-free regions by source.
POSITIVE_SHARES = {"detector": 0.5, "hand": 0.3, "ear": 0.2}
NEGATIVE_SHARES = {
    "hands_no_phone/hand_gestures_rf100": 0.1,
    "hands_no_phone/asl_letters": 0.1,
    "hands_no_phone/finger_count": 0.1,
    "hands_no_phone/airpods_case": 0.1,  # 82 images, the closest look-alike: as much as each larger source
    "phone_using": 0.25,
    "honest": 0.25,
    "fairness": 0.1,
}


@dataclass
class VerifierConfig:
    data: Path
    out: Path
    models_dir: Path = Path(".cache/models")
    cache: Path | None = None  # where the proposals are kept (default: OUT)
    epochs: int = 10
    batch: int = 64
    learning_rate: float = 5e-4
    weight_decay: float = 1e-4
    seed: int = 20261205
    cut: int = CUT
    size: int = SIZE
    cap: int = CAP
    frozen_blocks: int = 3  # MobileNetV2's stem and expanded_conv..._3 keep COCO's weights
    positives_per_epoch: int = 3000
    negatives_per_positive: float = 2.0
    threads: int = 2
    test: bool = True  # report the test splits (off while trying recipes: test is looked at once)
    limit: int | None = None  # the first N images of each set (smoke tests)
    max_steps: int | None = None  # at most N steps an epoch (smoke tests)


def _frozen(name: str, blocks: int) -> bool:
    if "MobilenetV2|Conv|" in name or "MobilenetV2|expanded_conv|" in name:
        return True
    found = re.search(r"MobilenetV2\|expanded_conv_(\d+)\|", name)
    return found is not None and int(found.group(1)) <= blocks


def _draw(
    regions: list[Region], strata: Sequence[str], shares: dict[str, float], count: int, rng: np.random.Generator
) -> list[Region]:
    """`count` regions, each stratum drawn in its share (with replacement where it has fewer)."""
    present = {name: share for name, share in shares.items() if name in strata}
    if not present:
        return []
    total = sum(present.values())
    drawn: list[Region] = []
    for name, share in present.items():
        members = [i for i, stratum in enumerate(strata) if stratum == name]
        wanted = round(count * share / total)
        picked = rng.choice(len(members), size=wanted, replace=wanted > len(members))
        drawn += [regions[members[i]] for i in sorted(picked)]
    return drawn


def _stratum(name: str) -> str:
    """A phone-free region's source: `hands_no_phone` by its four sources, the others whole."""
    parts = name.split("/")
    return "/".join(parts[:2]) if parts[0] == "hands_no_phone" else parts[0]


def _training_crop(region: Region, images: list[Image], size: int, rng: np.random.Generator) -> Array:
    image = images[region.image]
    box = jittered(region.box, rng, LABELLED_JITTER if region.jitter else PROPOSED_JITTER)
    height, width = image.bgr.shape[:2]
    if not region.jitter and label(box, region.kind, image.phones, width, height) != region.label:
        box = region.box  # the wobble moved a phone in or out of view: keep the region as proposed
    return photometric(crop(image.bgr, box, region.kind, size), rng)


def _crop_sets(split: dataset.Split, config: VerifierConfig) -> list[Array]:
    """Each image's candidate crops, as the service would cut them (no augmentation)."""
    pairs = zip(split.images, split.proposals, strict=True)
    return [candidate_crops(image, proposals, config.cap, config.size) for image, proposals in pairs]


def _judged(score: Callable[[Array], Array], splits: list[dataset.Split], sets: list[list[Array]]) -> dict[str, Array]:
    """Each image's best candidate score, by set; `phone_using` splits into its images with a phone and without."""
    judged = {}
    for split, crop_sets in zip(splits, sets, strict=True):
        scores = best_scores(score, crop_sets)
        if split.name.startswith("phone_using"):
            phones = np.array([image.has_phone for image in split.images], bool)
            judged[split.name], judged[f"{split.name} (no phone)"] = scores[phones], scores[~phones]
        else:
            judged[split.name] = scores
    return judged


def _point(scores: dict[str, Array]) -> tuple[float, Array, Array]:
    """(operating point, positive scores, negative scores) of the validation or test images."""
    positives = np.concatenate([s for name, s in scores.items() if name in ("phone_using-valid", "phone_using-test")])
    negatives = np.concatenate(
        [s for name, s in scores.items() if name not in ("phone_using-valid", "phone_using-test")]
    )
    return operating_point(positives, negatives, MAX_FALSE_ALARM_RATE), positives, negatives


def _torch_scores(net: VerifierNet) -> Callable[[Array], Array]:
    def score(crops_bgr: Array) -> Array:
        with torch.no_grad():
            return torch.sigmoid(net(torch.from_numpy(to_input(crops_bgr)))).numpy()

    return score


def _proportion(value: Any) -> dict[str, Any]:
    low, high = value.interval
    return {"hits": value.hits, "total": value.total, "rate": value.value, "ci95": [round(low, 4), round(high, 4)]}


def train(config: VerifierConfig, say: Callable[[str], None] = print) -> dict[str, Any]:
    started = time.time()
    runs.start(config.seed, config.threads, config.out)
    cache = config.cache or config.out

    def load(names: tuple[str, ...]) -> list[dataset.Split]:
        return dataset.load(names, config.data, config.models_dir, cache, config.limit, say)

    images, regions = dataset.training_regions(load(dataset.TRAIN), config.cap)
    positives = [r for r in regions if r.label == 1]
    negatives = [r for r in regions if r.label == 0]
    positive_strata = [r.kind for r in positives]
    negative_strata = [_stratum(images[r.image].name) for r in negatives]
    say(f"training regions: {len(positives)} phones, {len(negatives)} without one, from {len(images)} images")
    valid = load(dataset.VALID)
    valid_crops = [_crop_sets(s, config) for s in valid]

    graph = backbone_graph(onnx.load(str(verified(model_path(config.models_dir, "fp32")))), config.cut)
    net = VerifierNet(graph, channels_of(graph))
    for name, parameter in net.backbone.weights.items():
        parameter.requires_grad_(not _frozen(name, config.frozen_blocks))
    optimiser = torch.optim.AdamW(
        [p for p in net.parameters() if p.requires_grad], lr=config.learning_rate, weight_decay=config.weight_decay
    )
    per_epoch_pos = config.positives_per_epoch if positives else 0
    per_epoch_neg = int(per_epoch_pos * config.negatives_per_positive)
    steps = -(-(per_epoch_pos + per_epoch_neg) // config.batch)
    steps = min(steps, config.max_steps) if config.max_steps is not None else steps
    total, warmup = max(1, steps * config.epochs), max(1, steps // 2)

    def learning_rate(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return float(0.5 * (1 + np.cos(np.pi * (step - warmup) / max(1, total - warmup))))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, learning_rate)
    log_path = config.out / "train-log.jsonl"
    log_path.unlink(missing_ok=True)
    log: list[dict[str, Any]] = []
    best: tuple[tuple[float, float], int, dict[str, torch.Tensor]] | None = None
    for epoch in range(config.epochs):
        tick = time.time()
        rng = np.random.default_rng([config.seed, epoch])
        drawn = [
            *_draw(positives, positive_strata, POSITIVE_SHARES, per_epoch_pos, rng),
            *_draw(negatives, negative_strata, NEGATIVE_SHARES, per_epoch_neg, rng),
        ]
        order = rng.permutation(len(drawn))
        net.train()
        losses = []
        for step in range(steps):
            batch = [drawn[i] for i in order[step * config.batch : (step + 1) * config.batch]]
            if not batch:
                break
            inputs = to_input(np.stack([_training_crop(r, images, config.size, rng) for r in batch]))
            targets = torch.tensor([float(r.label) for r in batch])
            loss = functional.binary_cross_entropy_with_logits(net(torch.from_numpy(inputs)), targets)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        net.eval()
        point, found, without = _point(_judged(_torch_scores(net), valid, valid_crops))
        recall, alarms = rate(found, point), rate(without, point)
        entry = {
            "epoch": epoch + 1,
            "seconds": round(time.time() - tick, 1),
            "loss": round(float(np.mean(losses)), 4) if losses else None,
            "valid_point": point,
            "valid_recall": recall.value,
            "valid_false_alarms": alarms.value,
        }
        log.append(entry)
        with log_path.open("a") as handle:
            handle.write(json.dumps(entry) + "\n")
        say(f"epoch {epoch + 1}: loss {entry['loss']}; valid recall {recall} at {point:.3f}, false alarms {alarms}")
        key = (recall.value or 0.0, -point)
        if best is None or key > best[0]:
            best = (key, epoch + 1, {k: v.detach().clone() for k, v in net.state_dict().items()})

    assert best is not None
    net.load_state_dict(best[2])
    model_file = config.out / MODEL_FILE
    model_file.write_bytes(export_onnx(graph, net).SerializeToString())
    exported = Verifier(model_file, config.size)
    valid_scores = _judged(exported.scores, valid, valid_crops)
    point, _, _ = _point(valid_scores)
    say(f"operating point chosen on valid: score >= {point:.4f}")
    test_scores: dict[str, Array] = {}
    if config.test:
        test = load(dataset.TEST)
        test_scores = _judged(exported.scores, test, [_crop_sets(s, config) for s in test])
    metrics: dict[str, Any] = {
        "operating_point": point,
        "best_epoch": best[1],
        "valid": {name: _proportion(rate(s, point)) for name, s in valid_scores.items()},
        "test": {name: _proportion(rate(s, point)) for name, s in test_scores.items()},
        "training_regions": {"phones": len(positives), "without": len(negatives), "images": len(images)},
        "training_seconds": round(time.time() - started),
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        "sha256": sha256(model_file),
        "bytes": model_file.stat().st_size,
        "model": str(model_file),
    }
    (config.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    for name, value in metrics["test"].items():
        say(f"test {name}: {value['hits']}/{value['total']} at {point:.4f} (95% CI {value['ci95']})")
    return metrics
