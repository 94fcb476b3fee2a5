"""The phone detector's training, in miniature: real data, real network, a few steps (make train-phone runs
the full one; its figures are in docs/MODELS.md and `make eval`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
import torch

from interview_integrity.config import VisionSettings
from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.augment import resize_for_network, to_input
from interview_integrity.training.phone.network import GraphNet, phone_head
from interview_integrity.training.phone.targets import decode, encode, loss, match
from interview_integrity.training.phone.train import TrainConfig, TrainResult, train
from interview_integrity.vision.model_files import verified
from interview_integrity.vision.phone.detector import PhoneDetector
from interview_integrity.vision.ssdlite.prepare import model_path
from tests.conftest import DATA, load

ROOT = DATA / "train" / "phone_using"


@pytest.fixture(scope="module")
def template() -> onnx.ModelProto:
    return phone_head(onnx.load(str(verified(model_path(VisionSettings().models_dir, "fp32")))))


def test_the_network_runs_the_coco_graph_as_onnxruntime_does(template: onnx.ModelProto) -> None:
    """Started from COCO's `cell phone` logit, it already finds the phone of a clear phone photo."""
    import onnxruntime as ort

    net = GraphNet(template).eval()
    image = resize_for_network(load("phone_rf_screen_shown.jpg")[:, :, ::-1])
    tensor = to_input(image)[None]
    session = ort.InferenceSession(template.SerializeToString(), providers=["CPUExecutionProvider"])
    boxes, logits = session.run(["concat", "concat_1"], {"Preprocessor/sub": tensor})
    with torch.no_grad():
        torch_boxes, torch_logits = net(torch.from_numpy(tensor))
    assert np.abs(torch_boxes.numpy() - boxes.reshape(1, -1, 4)).max() < 1e-3
    assert np.abs(torch_logits.numpy() - logits.reshape(1, -1)).max() < 1e-3
    assert torch.sigmoid(torch_logits).max() > 0.9


def test_box_encoding_round_trips_and_every_phone_gets_an_anchor(template: onnx.ModelProto) -> None:
    anchors = GraphNet(template).anchors.numpy()
    boxes = np.array([[0.2, 0.3, 0.5, 0.45], [0.6, 0.6, 0.62, 0.63]], np.float32)  # the second one tiny
    labels, targets = match(anchors, boxes, np.zeros((0, 4), np.float32))
    assert (labels == 1).sum() >= 2
    positive = labels == 1
    decoded = decode(targets[positive], anchors[positive])  # each phone anchor's target is one of the phones
    assert (np.abs(decoded[:, None, :] - boxes[None]).max(axis=2).min(axis=1) < 1e-4).all()
    assert np.allclose(decode(encode(boxes, anchors[:2]), anchors[:2]), boxes, atol=1e-5)
    ignored, _ = match(anchors, np.zeros((0, 4), np.float32), boxes[:1])
    assert (ignored == -1).sum() > 0 and (ignored == 1).sum() == 0


def test_a_few_steps_on_real_images_lower_the_loss(template: onnx.ModelProto) -> None:
    torch.manual_seed(0)
    samples = datasets.load_split(ROOT, "train", limit=4)
    net = GraphNet(template)
    anchors = net.anchors.numpy()
    images = torch.from_numpy(np.stack([to_input(resize_for_network(s.image)) for s in samples]))
    matched = [match(anchors, s.boxes, np.zeros((0, 4), np.float32)) for s in samples]
    labels = torch.from_numpy(np.stack([m[0] for m in matched]))
    targets = torch.from_numpy(np.stack([m[1] for m in matched]))
    optimiser = torch.optim.AdamW(net.parameters(), lr=5e-4)
    losses = []
    for _ in range(6):
        encodings, logits = net(images)
        classification, box = loss(encodings, logits, labels, targets)
        optimiser.zero_grad()
        (classification + box).backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        losses.append((classification + box).item())
    assert losses[-1] < 0.8 * losses[0], losses


def train_tiny(out: Path, **recipe: Any) -> TrainResult:
    """Two steps on the first 6 images of each split: seconds, not an hour. `recipe`: other TrainConfig fields."""
    config = TrainConfig(data=DATA, out=out, epochs=1, limit=6, max_steps=2, batch=4, learning_rate=1e-4, **recipe)
    return train(config, say=lambda _: None)


def test_the_command_trains_exports_and_measures_a_model_the_service_can_load(tmp_path: Path) -> None:
    result = train_tiny(tmp_path)
    assert result.model.stat().st_size < 10 * 1024 * 1024
    assert (tmp_path / "train-log.jsonl").read_text().count("\n") == 1
    assert {"ap50", "image_recall", "false_alarms"} <= set(result.metrics["test"])
    detector = PhoneDetector(result.model)
    phones = detector.detect(load("phone_rf_screen_shown.jpg"))
    assert phones and all(p.label == "cell phone" and p.source == "phone" for p in phones)
    assert max(p.confidence for p in phones) > 0.5


def test_the_same_seed_trains_the_same_model_and_each_recipe_changes_what_it_learns(tmp_path: Path) -> None:
    """Training is reproducible to the byte (the shipped file is `make train-phone`'s); `--screen-labels`,
    `--pasted-per-epoch` and `--covered` are other recipes, so they give other models."""
    first, again = train_tiny(tmp_path / "a"), train_tiny(tmp_path / "b")
    screened = train_tiny(tmp_path / "c", screen_labels=True)
    pasted = train_tiny(tmp_path / "d", pasted_per_epoch=6)
    covered = train_tiny(tmp_path / "e", covered=0.5)
    assert first.sha256 == again.sha256
    assert [e.classification_loss for e in first.log] == [e.classification_loss for e in again.log]
    assert len({first.sha256, screened.sha256, pasted.sha256, covered.sha256}) == 4
    assert PhoneDetector(screened.model).detect(load("phone_rf_screen_shown.jpg"))
