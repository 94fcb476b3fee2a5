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

import cv2
import numpy as np
import onnx
import torch
from tqdm import tqdm

from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.augment import augment, resize_for_network, to_input
from interview_integrity.training.phone.data import Sample
from interview_integrity.training.phone.metrics import (
    ImageDetections,
    average_precision,
    box_recall,
    image_rates,
    operating_point,
)
from interview_integrity.training.phone.network import GraphNet, export_onnx, phone_head
from interview_integrity.training.phone.paste import Composites, backdrops, cutouts
from interview_integrity.training.phone.targets import iou, loss, match
from interview_integrity.vision import ssd
from interview_integrity.vision.arrays import Array
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
CLEAN_CROP_SCORE = 0.1
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


def mark_unlabeled_phones(samples: list[Sample], predict: Callable[[Array], tuple[Array, Array]]) -> int:
    """Ignore the regions where the starting network sees a phone that no label has; returns how many."""
    marked = 0
    for sample, found in zip(samples, detections(predict, samples), strict=True):
        likely = found.boxes[found.scores >= UNLABELED_PHONE_SCORE]
        if len(likely) and len(sample.boxes):
            likely = likely[iou(likely, sample.boxes).max(axis=1) < 0.3]
        sample.ignored = likely.astype(np.float32)
        marked += len(likely)
    return marked


def clean_crops(crops: list[Sample], predict: Callable[[Array], tuple[Array, Array]]) -> list[Sample]:
    """The crops in which the starting network sees nothing phone-like."""
    return [
        crop for crop, found in zip(crops, detections(predict, crops), strict=True) if found.best < CLEAN_CROP_SCORE
    ]


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _progress(items: Iterable[T], total: int, desc: str) -> Iterator[T]:
    yield from tqdm(items, total=total, desc=desc, unit="batch", file=sys.stderr, disable=None, leave=False)


def detections(predict: Callable[[Array], tuple[Array, Array]], samples: list[Sample]) -> list[ImageDetections]:
    """Each image's detections after NMS, as the service keeps them."""
    found = []
    for sample in samples:
        boxes, scores = predict(sample.image)
        keep = scores >= _FLOOR
        boxes, scores = boxes[keep], scores[keep]
        rects = ssd.pixel_boxes(boxes, 1000, 1000)
        chosen = ssd.nms(rects, scores, _FLOOR, _NMS_IOU)
        found.append(ImageDetections(np.clip(boxes[chosen], 0, 1), scores[chosen], sample.boxes))
    return found


def _torch_predictor(net: GraphNet) -> Callable[[Array], tuple[Array, Array]]:
    anchors = ssd.center_form(net.anchors.numpy())

    def predict(rgb: Array) -> tuple[Array, Array]:
        with torch.no_grad():
            encodings, logits = net(torch.from_numpy(to_input(resize_for_network(rgb))[None]))
        return ssd.decode(encodings[0].numpy(), anchors), torch.sigmoid(logits[0]).numpy()

    return predict


def _onnx_predictor(detector: PhoneDetector) -> Callable[[Array], tuple[Array, Array]]:
    def predict(rgb: Array) -> tuple[Array, Array]:
        return detector.scores(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    return predict


def _clean_negatives(
    images: list[Sample], honest: list[Sample], seed: int, predict: Callable[[Array], tuple[Array, Array]] | None
) -> list[Sample]:
    """Phone-free crops of `images` (those in which `predict`, if given, sees nothing phone-like) and `honest`."""
    crops = datasets.phone_free_crops(images, np.random.default_rng(seed))
    return [*(crops if predict is None else clean_crops(crops, predict)), *honest]


def screen_predictor(models_dir: Path) -> Callable[[Array], tuple[Array, Array]]:
    """The starting network, COCO's phone logit, kept as it is: it screens labels and negatives."""
    template = phone_head(onnx.load(str(verified(model_path(models_dir, "fp32")))))
    return _torch_predictor(GraphNet(template).eval())


def test_split(
    data: Path, seed: int, screen: Callable[[Array], tuple[Array, Array]], limit: int | None = None
) -> tuple[list[Sample], list[Sample]]:
    """(the test images, the test negatives) exactly as `train` measures the exported model on them."""
    root = data / "train" / "phone_using"
    images = datasets.load_split(root, "test", limit)
    honest = datasets.honest_frames(data / "honest", "test", limit=limit)
    return images, _clean_negatives(images, honest, seed + 1, screen)


def _measure(
    predict: Callable[[Array], tuple[Array, Array]], positives: list[Sample], negatives: list[Sample], score: float
) -> dict[str, Any]:
    found = detections(predict, positives)
    rejected = detections(predict, negatives)
    with_phone = [d for d, s in zip(found, positives, strict=True) if s.has_phone]
    without = rejected + [d for d, s in zip(found, positives, strict=True) if not s.has_phone]
    rates = image_rates(with_phone, without, score)
    return {
        "ap50": round(average_precision(found), 4),
        "box_recall": _proportion(box_recall(found, score)),
        "image_recall": _proportion(rates["recall"]),
        "false_alarms": _proportion(rates["false_alarms"]),
        "positive_images": len(with_phone),
        "negative_images": len(without),
    }


def _proportion(value: Any) -> dict[str, Any]:
    low, high = value.interval
    return {"hits": value.hits, "total": value.total, "rate": value.value, "ci95": [round(low, 4), round(high, 4)]}


def _composites(config: TrainConfig, train_set: list[Sample], backgrounds: list[Sample]) -> Composites:
    """The phones pasted at webcam faces (none when `pasted_per_epoch` is 0, the default recipe)."""
    if not config.pasted_per_epoch:
        return Composites([], [], [], 0)
    phones = cutouts(train_set, np.random.default_rng([config.seed, 2]))
    free = datasets.phone_free_crops(train_set, np.random.default_rng([config.seed, 3]))
    return Composites(backdrops(backgrounds), phones, free, config.pasted_per_epoch)


def train(config: TrainConfig, say: Callable[[str], None] = print) -> TrainResult:
    started = time.time()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    cv2.setNumThreads(1)
    config.out.mkdir(parents=True, exist_ok=True)
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
    valid_negatives = _clean_negatives(valid_set, honest_valid, config.seed, screen if pool is not None else None)
    say(f"negatives: {len(negatives.fixed)} frames and portraits and {config.free_crops_per_epoch} phone-free crops "
        f"an epoch; validation: {len(valid_negatives)}")  # fmt: skip
    composites = _composites(config, train_set, backgrounds)
    net = GraphNet(template)
    for name, parameter in net.weights.items():
        parameter.requires_grad_(not _frozen(name, config.frozen_blocks))
    trainable = [p for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=config.weight_decay)
    anchors = net.anchors.numpy()
    per_epoch = len(train_set) + len(negatives.fixed) + config.free_crops_per_epoch + config.pasted_per_epoch
    steps_per_epoch = -(-per_epoch // config.batch)
    if config.max_steps is not None:
        steps_per_epoch = min(steps_per_epoch, config.max_steps)
    total_steps = max(1, steps_per_epoch * config.epochs)
    warmup = max(1, steps_per_epoch // 2)

    def learning_rate(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return float(0.5 * (1 + np.cos(np.pi * (step - warmup) / max(1, total_steps - warmup))))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, learning_rate)
    log: list[EpochLog] = []
    best: tuple[float, dict[str, torch.Tensor]] | None = None
    log_path = config.out / "train-log.jsonl"
    log_path.unlink(missing_ok=True)
    for epoch in range(config.epochs):
        tick = time.time()
        rng = np.random.default_rng([config.seed, epoch])
        items = [*train_set, *negatives.epoch(rng), *composites.epoch(np.random.default_rng([config.seed, epoch, 1]))]
        order = rng.permutation(len(items))
        batches = list(_batches([items[i] for i in order], config.batch))[:steps_per_epoch]
        net.train()
        losses: list[tuple[float, float]] = []
        bar = _progress(batches, len(batches), f"epoch {epoch + 1}/{config.epochs}")
        for batch in bar:
            images, labels, targets = [], [], []
            for sample in batch:
                image, boxes, ignored = augment(sample, rng, backgrounds, config.covered)
                label, target = match(anchors, boxes, ignored)
                images.append(to_input(image))
                labels.append(label)
                targets.append(target)
            encodings, logits = net(torch.from_numpy(np.stack(images)))
            classification, box = loss(
                encodings, logits, torch.from_numpy(np.stack(labels)), torch.from_numpy(np.stack(targets))
            )
            optimiser.zero_grad()
            (classification + box).backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            losses.append((classification.item(), box.item()))
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(cls=f"{classification.item():.3f}", box=f"{box.item():.3f}")
        net.eval()
        validation = _measure(_torch_predictor(net), valid_set, valid_negatives, 0.5)
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
            best = (entry.valid_ap50, {k: v.detach().clone() for k, v in net.state_dict().items()})

    assert best is not None
    net.load_state_dict(best[1])
    exported = export_onnx(template, net.trained_initializers())
    model_file = config.out / MODEL_FILE
    model_file.write_bytes(exported.SerializeToString())
    detector = PhoneDetector(model_file)
    predict = _onnx_predictor(detector)
    valid_found = detections(predict, valid_set)
    valid_rejected = detections(predict, valid_negatives)
    score = operating_point(
        [d for d, s in zip(valid_found, valid_set, strict=True) if s.has_phone], valid_rejected, MAX_FALSE_ALARM_RATE
    )
    say(f"operating point chosen on valid: score >= {score:.3f}")
    test_set, test_negatives = test_split(config.data, config.seed, screen, config.limit)
    digest = sha256(model_file)
    test = _measure(predict, test_set, test_negatives, score)
    metrics: dict[str, Any] = {
        "operating_point": score,
        "best_epoch": int(np.argmax([e.valid_ap50 for e in log]) + 1),
        "valid": _measure(predict, valid_set, valid_negatives, score),
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
