"""Webcam-like variations of training images: a phone partly hidden by a hand keeps a box on what is in view."""

from __future__ import annotations

import numpy as np
import pytest

from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.augment import SIZE, augment
from interview_integrity.training.phone.cover import cover
from interview_integrity.vision.arrays import Array
from tests.conftest import DATA

ROOT = DATA / "train" / "phone_using"


@pytest.fixture(scope="module")
def phones() -> list[datasets.Sample]:
    return [s for s in datasets.load_split(ROOT, "train", limit=30) if len(s.boxes) == 1]


@pytest.fixture(scope="module")
def frames() -> list[datasets.Sample]:
    return list(datasets.portraits(DATA / "fairness"))[:4]


def _pixels(box: Array, image: Array) -> tuple[int, int, int, int]:
    height, width = image.shape[:2]
    y0, x0, y1, x1 = (box * [height, width, height, width]).round().astype(int)
    return y0, x0, y1, x1


def test_a_covered_phone_keeps_the_part_in_view_as_its_box_and_loses_the_hidden_end(
    phones: list[datasets.Sample], frames: list[datasets.Sample]
) -> None:
    rng = np.random.default_rng(5)
    shrunk = ignored = 0
    for sample in phones:
        image, boxes, ignore = cover(sample.image, sample.boxes, sample.ignored, frames, rng)
        changed = np.abs(image.astype(int) - sample.image.astype(int)).sum(axis=2) > 12
        y0, x0, y1, x1 = _pixels(sample.boxes[0], image)
        assert changed[y0:y1, x0:x1].mean() > 0.1  # the cover lies over the phone
        if len(boxes):
            shrunk += 1
            (visible,) = boxes
            inside = (sample.boxes[0][:2] - 1e-6 <= visible[:2]).all() and (
                visible[2:] <= sample.boxes[0][2:] + 1e-6
            ).all()
            assert inside
            share = np.prod(visible[2:] - visible[:2]) / np.prod(sample.boxes[0][2:] - sample.boxes[0][:2])
            assert 0.5 <= share <= 0.76  # 25-60% of its length hidden; under half in view is ignored instead
            vy0, vx0, vy1, vx1 = _pixels(visible, image)
            inner = changed[vy0 + 2 : vy1 - 2, vx0 + 2 : vx1 - 2]
            assert inner.mean() < 0.35  # what stays the box is mostly the phone as it was
        else:
            ignored += 1
            assert len(ignore) == len(sample.ignored) + 1
    assert shrunk > 3 and ignored > 0


def test_covers_are_seeded_and_phone_free_images_get_them_too(
    phones: list[datasets.Sample], frames: list[datasets.Sample]
) -> None:
    first = augment(frames[0], np.random.default_rng(9), frames, covered=1.0)
    again = augment(frames[0], np.random.default_rng(9), frames, covered=1.0)
    plain = augment(frames[0], np.random.default_rng(9), frames)
    assert first[0].shape == (SIZE, SIZE, 3)
    assert np.array_equal(first[0], again[0])
    assert not np.array_equal(first[0], plain[0])
    assert len(first[1]) == 0  # a cover on a phone-free image does not make a phone
    with_phone = augment(phones[0], np.random.default_rng(9), frames, covered=1.0)
    assert with_phone[0].shape == (SIZE, SIZE, 3) and with_phone[1].shape[1] == 4
