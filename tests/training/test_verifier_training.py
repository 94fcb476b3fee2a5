"""The verifier's training, in miniature: real data, the real network, two steps (make train-verifier, or
`interview-integrity train-verifier`, runs the full one; its figures are in docs/MODELS.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from interview_integrity.config import VisionSettings
from interview_integrity.training.verifier.network import VerifierNet, backbone_graph, channels_of, export_onnx
from interview_integrity.training.verifier.proposals import ProposalModels
from interview_integrity.training.verifier.regions import label
from interview_integrity.training.verifier.train import VerifierConfig, train
from interview_integrity.vision.model_files import verified
from interview_integrity.vision.phone.second_look import POINT
from interview_integrity.vision.phone.verifier import Verifier, to_input
from interview_integrity.vision.signals import Box
from interview_integrity.vision.ssdlite.prepare import model_path
from tests.conftest import DATA, load

PHONE = np.array([[100, 100, 130, 160]], np.float32)  # (x0, y0, x1, y1)


def test_a_crop_is_a_phone_when_a_phone_is_mostly_in_it_and_background_when_none_touches_it() -> None:
    assert label(Box(x=100, y=100, width=30, height=60), "detector", PHONE, 640, 480) == 1
    assert label(Box(x=300, y=300, width=30, height=60), "detector", PHONE, 640, 480) == 0
    assert label(Box(x=60, y=60, width=60, height=60), "hand", PHONE, 640, 480) is None  # a part of the phone
    assert label(Box(x=0, y=0, width=1000, height=1000), "hand", PHONE, 640, 480) is None  # tiny in a huge crop


def test_the_exported_file_scores_as_the_trained_network_does() -> None:
    coco = onnx.load(str(verified(model_path(VisionSettings().models_dir, "fp32"))))
    graph = backbone_graph(coco, 6)
    net = VerifierNet(graph, channels_of(graph)).eval()
    crops = np.random.default_rng(0).integers(0, 256, (3, 96, 96, 3), dtype=np.uint8)
    with torch.no_grad():
        expected = torch.sigmoid(net(torch.from_numpy(to_input(crops)))).numpy()
    path = Path(__file__).parent / "verifier-export-test.onnx"
    try:
        path.write_bytes(export_onnx(graph, net).SerializeToString())
        assert Verifier(path).scores(crops) == pytest.approx(expected, abs=2e-3)  # weights stored as float16
    finally:
        path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def proposals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of the service's proposals for every tiny run: they are computed once."""
    return tmp_path_factory.mktemp("proposals")


def train_tiny(out: Path, cache: Path) -> dict[str, object]:
    config = VerifierConfig(
        data=DATA, out=out, cache=cache, epochs=1, limit=3, max_steps=2, batch=6, test=False, positives_per_epoch=8
    )
    return train(config, say=lambda _: None)


def test_the_same_seed_trains_the_same_file_and_the_service_can_load_it(tmp_path: Path, proposals: Path) -> None:
    first, again = train_tiny(tmp_path / "a", proposals), train_tiny(tmp_path / "b", proposals)
    assert first["sha256"] == again["sha256"]
    model = Path(str(first["model"]))
    assert model.stat().st_size < 3 * 1024 * 1024
    assert (tmp_path / "a" / "train-log.jsonl").read_text().count("\n") == 1
    scores = Verifier(model).scores(np.zeros((2, 96, 96, 3), np.uint8))
    assert scores.shape == (2,) and ((scores >= 0) & (scores <= 1)).all()


def test_proposals_are_the_detectors_boxes_at_the_floor_not_what_a_second_look_kept() -> None:
    models = ProposalModels(VisionSettings().models_dir)
    try:
        found = models(load("faces2_zidane.jpg"))  # SSDLite calls a hand a phone at 0.31, the verifier 0.46
    finally:
        models.close()
    assert found.objects
    assert all(o.second_look is None for o in found.objects)
    assert min(o.confidence for o in found.objects) < POINT  # boxes a second look at POINT would have dropped
