"""`interview-integrity prepare-models` for the face embedding: fetch the npm package, convert, cache the ONNX.

Never `npm install`: only the package's tarball is fetched (`npm pack`), checked by sha256, and its two
model files read. When it fails the service still runs, without the identity check, and /ready says so.
"""

from __future__ import annotations

from pathlib import Path

from interview_integrity.vision.identity.convert import convert
from interview_integrity.vision.npm_model import prepare_from_npm

PACKAGE = "@vladmandic/face-api@1.7.15"
TARBALL_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
MODEL_FILE = "face_recognition_resnet.onnx"
_MEMBERS = ("package/model/face_recognition_model-weights_manifest.json", "package/model/face_recognition_model.bin")


class IdentityPrepareError(RuntimeError):
    pass


def model_path(models_dir: Path) -> Path:
    return models_dir / MODEL_FILE


def prepare(models_dir: Path) -> Path:
    return prepare_from_npm(
        package=PACKAGE,
        tarball_sha256=TARBALL_SHA256,
        target=model_path(models_dir),
        members=lambda archive: [archive.getmember(name) for name in _MEMBERS],
        convert=lambda work, out: convert(work / _MEMBERS[0], out),
        error=IdentityPrepareError,
        what="the face embedding model",
    )
