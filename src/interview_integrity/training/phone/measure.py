"""How a phone detector is measured, in training and in `eval-phone`: each image's detections as the
service keeps them (after NMS), AP50, and image recall and false alarms at an operating point, on a split's
images and its phone-free negatives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnx
import torch

from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.augment import resize_for_network, to_input
from interview_integrity.training.phone.data import Sample
from interview_integrity.training.phone.metrics import ImageDetections, average_precision, box_recall, image_rates
from interview_integrity.training.phone.network import GraphNet, phone_head
from interview_integrity.vision import ssd
from interview_integrity.vision.arrays import Array
from interview_integrity.vision.model_files import verified
from interview_integrity.vision.phone.detector import PhoneDetector
from interview_integrity.vision.ssdlite.prepare import model_path

Predict = Callable[[Array], tuple[Array, Array]]  # an RGB image -> (boxes 0-1, phone scores) of every anchor
_NMS_IOU, _FLOOR = 0.5, 0.05
CLEAN_CROP_SCORE = 0.1  # a phone-free crop in which the starting network sees more is not a negative


def clean_crops(crops: list[Sample], predict: Predict) -> list[Sample]:
    """The crops in which the starting network sees nothing phone-like."""
    return [
        crop for crop, found in zip(crops, detections(predict, crops), strict=True) if found.best < CLEAN_CROP_SCORE
    ]


def detections(predict: Predict, samples: list[Sample]) -> list[ImageDetections]:
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


def torch_predictor(net: GraphNet) -> Predict:
    anchors = ssd.center_form(net.anchors.numpy())

    def predict(rgb: Array) -> tuple[Array, Array]:
        with torch.no_grad():
            encodings, logits = net(torch.from_numpy(to_input(resize_for_network(rgb))[None]))
        return ssd.decode(encodings[0].numpy(), anchors), torch.sigmoid(logits[0]).numpy()

    return predict


def onnx_predictor(detector: PhoneDetector) -> Predict:
    def predict(rgb: Array) -> tuple[Array, Array]:
        return detector.scores(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    return predict


def clean_negatives(images: list[Sample], honest: list[Sample], seed: int, predict: Predict | None) -> list[Sample]:
    """Phone-free crops of `images` (those in which `predict`, if given, sees nothing phone-like) and `honest`."""
    crops = datasets.phone_free_crops(images, np.random.default_rng(seed))
    return [*(crops if predict is None else clean_crops(crops, predict)), *honest]


def screen_predictor(models_dir: Path) -> Predict:
    """The starting network, COCO's phone logit, kept as it is: it screens labels and negatives."""
    template = phone_head(onnx.load(str(verified(model_path(models_dir, "fp32")))))
    return torch_predictor(GraphNet(template).eval())


def test_split(data: Path, seed: int, screen: Predict, limit: int | None = None) -> tuple[list[Sample], list[Sample]]:
    """(the test images, the test negatives) exactly as `train` measures the exported model on them."""
    root = data / "train" / "phone_using"
    images = datasets.load_split(root, "test", limit)
    honest = datasets.honest_frames(data / "honest", "test", limit=limit)
    return images, clean_negatives(images, honest, seed + 1, screen)


def measure(predict: Predict, positives: list[Sample], negatives: list[Sample], score: float) -> dict[str, Any]:
    found = detections(predict, positives)
    rejected = detections(predict, negatives)
    with_phone = [d for d, s in zip(found, positives, strict=True) if s.has_phone]
    without = rejected + [d for d, s in zip(found, positives, strict=True) if not s.has_phone]
    rates = image_rates(with_phone, without, score)
    return {
        "ap50": round(average_precision(found), 4),
        "box_recall": proportion(box_recall(found, score)),
        "image_recall": proportion(rates["recall"]),
        "false_alarms": proportion(rates["false_alarms"]),
        "positive_images": len(with_phone),
        "negative_images": len(without),
    }


def proportion(value: Any) -> dict[str, Any]:
    low, high = value.interval
    return {"hits": value.hits, "total": value.total, "rate": value.value, "ci95": [round(low, 4), round(high, 4)]}
