"""The detectors a configuration asks for, built from their verified files: the object detectors in the
configured order, and the face embedding when the identity check is on. A missing 8-bit file falls back to
the float model; a missing model is logged and left out, never silently replaced by another kind."""

from __future__ import annotations

import logging
import math

from interview_integrity.vision.cpu import resolve
from interview_integrity.vision.identity.embedder import FaceEmbedder
from interview_integrity.vision.identity.prepare import model_path as identity_model_path
from interview_integrity.vision.model_files import ModelFileError, face_alignment_file, verified
from interview_integrity.vision.objects import ObjectDetector, YoloV4TinyDetector
from interview_integrity.vision.phone.detector import PACKAGED as PHONE_MODEL
from interview_integrity.vision.phone.detector import PhoneDetector
from interview_integrity.vision.settings import ObjectThresholds, VisionSettings
from interview_integrity.vision.ssdlite.detector import SsdLiteDetector
from interview_integrity.vision.ssdlite.prepare import model_path
from interview_integrity.vision.yolo.detector import YoloInt8Detector
from interview_integrity.vision.yolo.prepare import INPUT_SIZE as YOLO_INT8_SIZE
from interview_integrity.vision.yolo.prepare import model_path as yolo_int8_path

log = logging.getLogger("interview_integrity.vision")


def thresholds(settings: VisionSettings) -> dict[str, ObjectThresholds]:
    """Each detector's own bars (scores are not comparable across detectors)."""
    coco = {"yolo": settings.yolo_thresholds, "ssdlite": settings.ssdlite_thresholds}
    if "phone" in settings.detectors and not settings.coco_phones_too:
        # our phone detector answers for phones: no COCO `cell phone` box clears its bar
        coco = {name: bars.model_copy(update={"cell_phone": math.inf}) for name, bars in coco.items()}
    return {**coco, "phone": settings.phone_thresholds}


def object_detectors(settings: VisionSettings) -> list[ObjectDetector]:
    detectors: list[ObjectDetector] = []
    for name in settings.detectors:
        if name == "yolo":
            detectors.append(_yolo(settings))
        elif name == "phone":
            detectors.append(PhoneDetector(verified(PHONE_MODEL)))
        else:
            ssdlite = _ssdlite(settings)
            if ssdlite is not None:
                detectors.append(ssdlite)
    return detectors


def _ssdlite(settings: VisionSettings) -> SsdLiteDetector | None:
    """The configured precision, else the other one: a missing 8-bit file must not cost the detector."""
    chosen = resolve(settings.ssdlite_precision)
    precisions = [chosen] + [p for p in ("int8", "fp32") if p != chosen]
    for precision in precisions:
        try:
            return SsdLiteDetector(verified(model_path(settings.models_dir, precision)))
        except ModelFileError as error:
            log.warning("SSDLite %s is not available (%s): run `interview-integrity prepare-models`", precision, error)
    return None


def _yolo(settings: VisionSettings) -> ObjectDetector:
    if resolve(settings.yolo_precision) == "int8" and settings.yolo_input_size == YOLO_INT8_SIZE:
        try:
            return YoloInt8Detector(verified(yolo_int8_path(settings.models_dir)), YOLO_INT8_SIZE)
        except ModelFileError as error:
            log.warning("8-bit YOLO is not available (%s): running the float model; see prepare-models", error)
    return YoloV4TinyDetector(settings.yolo_input_size)


def embedder(settings: VisionSettings) -> FaceEmbedder | None:
    if not settings.identity:
        return None
    try:
        return FaceEmbedder(verified(identity_model_path(settings.models_dir)), face_alignment_file())
    except ModelFileError as error:
        log.warning("the face embedding is not available (%s): run `interview-integrity prepare-models`", error)
        return None
