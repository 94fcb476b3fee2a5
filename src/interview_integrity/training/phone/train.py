"""`interview-integrity train-phone`: fine-tune SSDLite-MobileNetV2 into our phone detector, on the CPU.

One command, seeded: the same data, seed and thread count give the same weights. It reads the data in
place (`--data`, default ../shared/data), trains, logs loss and validation metrics per epoch (JSON lines
in OUT/train-log.jsonl, a progress bar on stderr), keeps the epoch with the best validation AP50, chooses
the operating point on the validation split, exports the ONNX file and measures that file, through the
service's own detector, on the test split. OUT/metrics.json holds every figure of the model card.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import onnx
import torch
from tqdm import tqdm

from interview_integrity.training import runs
from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.augment import augment, to_input
from interview_integrity.training.phone.data import Sample
from interview_integrity.training.phone.measure import (
    Predict,
    clean_crops,
    clean_negatives,
    detections,
    measure,
    onnx_predictor,
    screen_predictor,
    test_split,
    torch_predictor,
)
from interview_integrity.training.phone.metrics import operating_point
from interview_integrity.training.phone.network import GraphNet, export_onnx, phone_head
from interview_integrity.training.phone.paste import Composites, backdrops, cutouts
from interview_integrity.training.phone.targets import iou, loss, match
from interview_integrity.vision.model_files import sha256, verified
from interview_integrity.vision.phone.detector import MODEL_FILE, PhoneDetector
from interview_integrity.vision.ssdlite.prepare import model_path

T = TypeVar("T")
MAX_FALSE_ALARM_RATE = 0.01  # on the validation negatives: one image in a hundred, before the frame vote
_NMS_IOU, _FLOOR = 0.5, 0.05
# With `screen_labels` (off by default: it measured worse on the test people, see docs/MODELS.md): the labels
# miss some phones (a second phone, one in the background), so before training the starting network (COCO's
# `cell phone` logit) looks at every image; where it sees a phone the labels do not have, the region is
# ignored rather than taught as background, and a phone-free crop in which it sees anything phone-like is not
# used as a negative at all.
UNLABELED_PHONE_SCORE = 0.4
# With `pasted_per_epoch` (0 by default: it measured no better, see docs/MODELS.md), each epoch also shows
# that many webcam frames with a training phone pasted at the face (`paste.py`).


@dataclass
class TrainConfig:
    data: Path
    out: Path
    models_dir: Path = Path(".cache/models")
    epochs: int = 14
    batch: int = 16
    learning_rate: float = 6e-4
    weight_decay: float = 1e-4
    seed: int = 20261203
    free_crops_per_epoch: int = 700  # phone-free regions of training images, new ones each epoch
    pasted_per_epoch: int = 0  # webcam frames with a phone (or a phone-free patch) pasted at the face (see above)
    covered: float = 0.0  # the share of phone images with part of a phone hidden (cover.py; it measured worse)
    screen_labels: bool = False  # mask likely unlabeled phones and screen the negatives (see above)
    frozen_blocks: int = 3  # MobileNetV2's stem and expanded_conv..._3 (150 and 75 px maps) keep COCO's weights
    threads: int = 2
    limit: int | None = None  # the first N images of each split (smoke tests)
    max_steps: int | None = None  # stop each epoch after this many steps (smoke tests)


@dataclass
class EpochLog:
    epoch: int
    seconds: float
    classification_loss: float
    box_loss: float
    valid_ap50: float
    valid_recall_at_05: float
    valid_false_alarms_at_05: float


@dataclass
class TrainResult:
    model: Path
    sha256: str
    metrics: dict[str, Any]
    log: list[EpochLog] = field(default_factory=list)


def _frozen(name: str, blocks: int) -> bool:
    if "MobilenetV2|Conv|" in name:
        return True  # the stem
    if "MobilenetV2|expanded_conv|" in name:
        return blocks >= 0
    found = re.search(r"MobilenetV2\|expanded_conv_(\d+)\|", name)
    return found is not None and int(found.group(1)) <= blocks


def _chosen(items: list[T], count: int, rng: np.random.Generator) -> list[T]:
    picked = rng.choice(len(items), size=min(count, len(items)), replace=False)
    return [items[i] for i in sorted(picked)]


class _Negatives:
    """Images with no phone: fixed ones (honest frames, portraits) plus phone-free crops each epoch: new crops
    of training images, or, when `pool` is given (screened crops), a draw from it."""

    def __init__(
        self, fixed: list[Sample], crops_from: list[Sample], per_epoch: int, pool: list[Sample] | None = None
    ) -> None:
        self.fixed, self.crops_from, self.per_epoch, self.pool = fixed, crops_from, per_epoch, pool

    def epoch(self, rng: np.random.Generator) -> list[Sample]:
        if self.pool is not None:
            return [*self.fixed, *_chosen(self.pool, self.per_epoch, rng)]
        return [*self.fixed, *datasets.phone_free_crops(_chosen(self.crops_from, self.per_epoch, rng), rng)]


def mark_unlabeled_phones(samples: list[Sample], predict: Predict) -> int:
    """Ignore the regions where the starting network sees a phone that no label has; returns how many."""
    marked = 0
    for sample, found in zip(samples, detections(predict, samples), strict=True):
        likely = found.boxes[found.scores >= UNLABELED_PHONE_SCORE]
        if len(likely) and len(sample.boxes):
            likely = likely[iou(likely, sample.boxes).max(axis=1) < 0.3]
        sample.ignored = likely.astype(np.float32)
        marked += len(likely)
    return marked


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _progress(items: Iterable[T], total: int, desc: str) -> Iterator[T]:
    yield from tqdm(items, total=total, desc=desc, unit="batch", file=sys.stderr, disable=None, leave=False)


def _composites(config: TrainConfig, train_set: list[Sample], backgrounds: list[Sample]) -> Composites:
    """The phones pasted at webcam faces (none when `pasted_per_epoch` is 0, the default recipe)."""
    if not config.pasted_per_epoch:
        return Composites([], [], [], 0)
    phones = cutouts(train_set, np.random.default_rng([config.seed, 2]))
    free = datasets.phone_free_crops(train_set, np.random.default_rng([config.seed, 3]))
    return Composites(backdrops(backgrounds), phones, free, config.pasted_per_epoch)


@dataclass
class _Prepared:
    """What training reads before its first step: the splits, the negatives and the starting network."""

    template: onnx.ModelProto
    screen: Predict  # the starting network, kept as it is: it screens labels and negatives
    train_set: list[Sample]
    valid_set: list[Sample]
    negatives: _Negatives
    valid_negatives: list[Sample]
    backgrounds: list[Sample]
    composites: Composites


def _load(config: TrainConfig, say: Callable[[str], None]) -> _Prepared:
    root = config.data / "train" / "phone_using"
    honest = config.data / "honest"
    say(f"reading {root} and the negatives")
    train_set = datasets.load_split(root, "train", config.limit)
    valid_set = datasets.load_split(root, "valid", config.limit)
    honest_train = datasets.honest_frames(honest, "train", limit=config.limit)
    honest_valid = datasets.honest_frames(honest, "valid", limit=config.limit)
    portraits = list(datasets.portraits(config.data / "fairness"))[: config.limit]
    backgrounds = [*honest_train, *portraits]

    template = phone_head(onnx.load(str(verified(model_path(config.models_dir, "fp32")))))
    screen = screen_predictor(config.models_dir)  # also screens the test negatives, whatever the recipe
    pool = None
    if config.screen_labels:
        say(f"{mark_unlabeled_phones(train_set, screen)} likely phones without a label are ignored in training")
        pool = clean_crops(
            datasets.phone_free_crops(train_set, np.random.default_rng(config.seed), per_image=2), screen
        )
    negatives = _Negatives([*honest_train, *portraits], train_set, config.free_crops_per_epoch, pool)
    valid_negatives = clean_negatives(valid_set, honest_valid, config.seed, screen if pool is not None else None)
    say(f"negatives: {len(negatives.fixed)} frames and portraits and {config.free_crops_per_epoch} phone-free crops "
        f"an epoch; validation: {len(valid_negatives)}")  # fmt: skip
    composites = _composites(config, train_set, backgrounds)
    return _Prepared(template, screen, train_set, valid_set, negatives, valid_negatives, backgrounds, composites)


class _Fit:
    """The network, its optimiser and its schedule: warm-up over half an epoch, then a cosine to zero."""

    def __init__(self, config: TrainConfig, data: _Prepared) -> None:
        self.config = config
        self.net = GraphNet(data.template)
        for name, parameter in self.net.weights.items():
            parameter.requires_grad_(not _frozen(name, config.frozen_blocks))
        trainable = [p for p in self.net.parameters() if p.requires_grad]
        self.optimiser = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=config.weight_decay)
        self.anchors = self.net.anchors.numpy()
        per_epoch = len(data.train_set) + len(data.negatives.fixed) + config.free_crops_per_epoch
        steps = -(-(per_epoch + config.pasted_per_epoch) // config.batch)
        self.steps_per_epoch = steps if config.max_steps is None else min(steps, config.max_steps)
        total_steps = max(1, self.steps_per_epoch * config.epochs)
        warmup = max(1, self.steps_per_epoch // 2)

        def learning_rate(step: int) -> float:
            if step < warmup:
                return (step + 1) / warmup
            return float(0.5 * (1 + np.cos(np.pi * (step - warmup) / max(1, total_steps - warmup))))

        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.optimiser, learning_rate)

    def epoch(self, epoch: int, data: _Prepared) -> list[tuple[float, float]]:
        """One epoch's steps; each step's (classification, box) loss."""
        config, net = self.config, self.net
        rng = np.random.default_rng([config.seed, epoch])
        pasted = np.random.default_rng([config.seed, epoch, 1])
        items = [*data.train_set, *data.negatives.epoch(rng), *data.composites.epoch(pasted)]
        order = rng.permutation(len(items))
        batches = list(_batches([items[i] for i in order], config.batch))[: self.steps_per_epoch]
        net.train()
        losses: list[tuple[float, float]] = []
        bar = _progress(batches, len(batches), f"epoch {epoch + 1}/{config.epochs}")
        for batch in bar:
            images, labels, targets = [], [], []
            for sample in batch:
                image, boxes, ignored = augment(sample, rng, data.backgrounds, config.covered)
                label, target = match(self.anchors, boxes, ignored)
                images.append(to_input(image))
                labels.append(label)
                targets.append(target)
            encodings, logits = net(torch.from_numpy(np.stack(images)))
            classification, box = loss(
                encodings, logits, torch.from_numpy(np.stack(labels)), torch.from_numpy(np.stack(targets))
            )
            self.optimiser.zero_grad()
            (classification + box).backward()  # type: ignore[no-untyped-call]
            self.optimiser.step()
            self.schedule.step()
            losses.append((classification.item(), box.item()))
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(cls=f"{classification.item():.3f}", box=f"{box.item():.3f}")
        net.eval()
        return losses


def _export(
    config: TrainConfig, data: _Prepared, fit: _Fit, log: list[EpochLog], started: float, say: Callable[[str], None]
) -> TrainResult:
    """Write the best epoch's ONNX file, choose its operating point on valid and measure it on test."""
    exported = export_onnx(data.template, fit.net.trained_initializers())
    model_file = config.out / MODEL_FILE
    model_file.write_bytes(exported.SerializeToString())
    predict = onnx_predictor(PhoneDetector(model_file))
    valid_found = detections(predict, data.valid_set)
    valid_rejected = detections(predict, data.valid_negatives)
    positives = [d for d, s in zip(valid_found, data.valid_set, strict=True) if s.has_phone]
    score = operating_point(positives, valid_rejected, MAX_FALSE_ALARM_RATE)
    say(f"operating point chosen on valid: score >= {score:.3f}")
    test_set, test_negatives = test_split(config.data, config.seed, data.screen, config.limit)
    digest = sha256(model_file)
    test = measure(predict, test_set, test_negatives, score)
    metrics: dict[str, Any] = {
        "operating_point": score,
        "best_epoch": int(np.argmax([e.valid_ap50 for e in log]) + 1),
        "valid": measure(predict, data.valid_set, data.valid_negatives, score),
        "test": test,
        "training_seconds": round(time.time() - started),
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        "sha256": digest,
        "bytes": model_file.stat().st_size,
    }
    (config.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    say(f"test: AP50 {test['ap50']}, at {score:.3f} image recall {test['image_recall']}")
    say(f"wrote {model_file} ({metrics['bytes']} bytes, sha256 {digest}) in {metrics['training_seconds']} s")
    return TrainResult(model_file, digest, metrics, log)


def train(config: TrainConfig, say: Callable[[str], None] = print) -> TrainResult:
    started = time.time()
    runs.start(config.seed, config.threads, config.out)
    data = _load(config, say)
    fit = _Fit(config, data)
    log: list[EpochLog] = []
    best: tuple[float, dict[str, torch.Tensor]] | None = None
    log_path = config.out / "train-log.jsonl"
    log_path.unlink(missing_ok=True)
    for epoch in range(config.epochs):
        tick = time.time()
        losses = fit.epoch(epoch, data)
        validation = measure(torch_predictor(fit.net), data.valid_set, data.valid_negatives, 0.5)
        entry = EpochLog(
            epoch=epoch + 1,
            seconds=round(time.time() - tick, 1),
            classification_loss=round(float(np.mean([c for c, _ in losses])), 4),
            box_loss=round(float(np.mean([b for _, b in losses])), 4),
            valid_ap50=validation["ap50"],
            valid_recall_at_05=validation["image_recall"]["rate"] or 0.0,
            valid_false_alarms_at_05=validation["false_alarms"]["rate"] or 0.0,
        )
        log.append(entry)
        with log_path.open("a") as handle:
            handle.write(json.dumps(asdict(entry)) + "\n")
        say(
            f"epoch {entry.epoch}: loss {entry.classification_loss:.4f} + box {entry.box_loss:.4f}; valid AP50 "
            f"{entry.valid_ap50:.3f}, at 0.5 recall {entry.valid_recall_at_05:.3f} false alarms "
            f"{entry.valid_false_alarms_at_05:.3f} ({entry.seconds:.0f} s)"
        )
        if best is None or entry.valid_ap50 > best[0]:
            best = (entry.valid_ap50, {k: v.detach().clone() for k, v in fit.net.state_dict().items()})
    assert best is not None
    fit.net.load_state_dict(best[1])
    return _export(config, data, fit, log, started, say)
