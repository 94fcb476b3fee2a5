"""The packaged second-look verifier: pinned by sha256, and right on samples of the test splits it never
trained on or was chosen on (phones of phone_using v2 test; hands and earbud cases of hands_no_phone test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interview_integrity.vision.model_files import EXPECTED_SHA256, ModelFileError, sha256, verified
from interview_integrity.vision.phone.verifier import MODEL_FILE, PACKAGED, Verifier


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return Verifier.packaged()


def test_the_model_ships_in_the_package_and_a_changed_file_is_refused(tmp_path: Path) -> None:
    assert PACKAGED.stat().st_size < 3 * 1024 * 1024
    assert sha256(PACKAGED) == EXPECTED_SHA256[MODEL_FILE]
    assert verified(PACKAGED) == PACKAGED
    changed = tmp_path / MODEL_FILE
    shutil.copy(PACKAGED, changed)
    data = bytearray(changed.read_bytes())
    data[-100] ^= 0xFF
    changed.write_bytes(bytes(data))
    with pytest.raises(ModelFileError):
        verified(changed)


def test_no_candidates_no_work(verifier: Verifier) -> None:
    assert verifier.verify(np.zeros((480, 640, 3), np.uint8), []) == []
