"""Phones pasted at webcam faces: cut from real training images, put where a phone is held, with their box."""

from __future__ import annotations

import numpy as np
import pytest

from interview_integrity.training.phone import data as datasets
from interview_integrity.training.phone.paste import (
    MIN_CUTOUT_SIDE,
    Backdrop,
    Composites,
    backdrops,
    cutouts,
    paste,
)
from tests.conftest import DATA

ROOT = DATA / "train" / "phone_using"


@pytest.fixture(scope="module")
def phones() -> list[datasets.Sample]:
    return datasets.load_split(ROOT, "train", limit=30)


@pytest.fixture(scope="module")
def faces() -> list[Backdrop]:
    return backdrops(list(datasets.portraits(DATA / "fairness"))[:6])


def test_a_cutout_holds_its_phone_with_a_margin_and_knows_where_it_is(phones: list[datasets.Sample]) -> None:
    found = cutouts(phones, np.random.default_rng(0))
    big = sum(
        1
        for s in phones
        for b in s.boxes
        if min((b[2] - b[0]) * s.image.shape[0], (b[3] - b[1]) * s.image.shape[1]) >= MIN_CUTOUT_SIDE
    )
    assert len(found) == big > 10
    for cutout in found:
        y0, x0, y1, x1 = cutout.box
        assert 0 <= y0 < y1 <= 1 and 0 <= x0 < x1 <= 1
        assert min(y1 - y0, x1 - x0) > 0.7  # the phone, with at most 18% of its size on each side
        assert min(y1 - y0, x1 - x0) < 0.95 or min(y0, x0) == 0 or max(y1, x1) == 1  # unless cut by the border


def test_every_portrait_backdrop_has_its_face_found(faces: list[Backdrop]) -> None:
    assert len(faces) == 6
    for backdrop in faces:
        top, left, bottom, right = backdrop.face
        assert 0.05 < bottom - top < 0.95 and 0.05 < right - left < 0.95


def test_a_pasted_phone_lands_near_the_face_inside_the_frame_and_its_box_covers_the_pasted_pixels(
    faces: list[Backdrop], phones: list[datasets.Sample]
) -> None:
    cutout = cutouts(phones, np.random.default_rng(0))[0]
    rng = np.random.default_rng(3)
    for backdrop in faces:
        image = backdrop.sample.image.copy()
        box = paste(image, cutout, backdrop.face, rng)
        height, width = image.shape[:2]
        assert 0 <= box[0] < box[2] <= 1 and 0 <= box[1] < box[3] <= 1
        face_h = backdrop.face[2] - backdrop.face[0]
        phone_side = max((box[2] - box[0]) * height, (box[3] - box[1]) * width)
        assert 0.3 * face_h * height <= phone_side <= 1.0 * face_h * height + 1
        centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        face_centre = np.array([(backdrop.face[0] + backdrop.face[2]) / 2, (backdrop.face[1] + backdrop.face[3]) / 2])
        assert np.abs(centre - face_centre).max() < 2.5 * face_h
        changed = np.abs(image.astype(int) - backdrop.sample.image.astype(int)).sum(axis=2) > 0
        y0, x0, y1, x1 = (box * [height, width, height, width]).astype(int)
        assert changed[y0:y1, x0:x1].mean() > 0.5
        assert changed.mean() < 0.5  # the frame is still mostly the frame


def test_composites_are_seeded_and_some_carry_only_a_phone_free_patch(
    faces: list[Backdrop], phones: list[datasets.Sample]
) -> None:
    free = datasets.phone_free_crops(phones, np.random.default_rng(1))
    composites = Composites(faces, cutouts(phones, np.random.default_rng(0)), free, per_epoch=60)
    first, again = composites.epoch(np.random.default_rng(5)), composites.epoch(np.random.default_rng(5))
    assert [s.name for s in first] == [s.name for s in again]
    assert all(np.array_equal(a.image, b.image) for a, b in zip(first, again, strict=True))
    with_phone = sum(s.has_phone for s in first)
    assert 25 <= with_phone <= 55 and len(first) == 60
    assert all(len(s.boxes) == 1 for s in first if s.has_phone)
    assert Composites(faces, [], free, per_epoch=60).epoch(np.random.default_rng(5)) == []
