"""The vision stage's settings (`VISION__<NAME>` in the environment, read by config.Settings): which detectors
run, their per-class bars, how often the costly parts run, the second look. Declared beside the stage they
configure; `interview_integrity.config` re-exports them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class ObjectThresholds(BaseModel):
    """Per-class minimum score of ONE detector (detectors score on different scales). COCO `cell phone`
    and `book` score low even when right, so they get lower bars than big, easy classes; the risk
    engine still votes over several frames before it raises an event."""

    person: float = Field(0.5, description="Persons are easy; 0.5 avoids coats on chairs.")
    cell_phone: float = Field(0.25, description="Phones are small: a low bar per frame, voting fixes noise.")
    book: float = Field(0.3, description="Weak class in COCO; paper notes score low.")
    laptop: float = Field(0.4, description="Large, distinctive; moderate bar.")
    tv: float = Field(0.4, description="A second monitor; large and distinctive.")
    remote: float = Field(0.35, description="Often confused with phones; reported as a device.")
    keyboard: float = Field(0.4, description="Context only; never raises an event by itself.")
    mouse: float = Field(0.4, description="Context only.")
    partial_penalty: float = Field(
        0.1, description="Extra score a box cut by the frame border needs: half an object is easier to mistake."
    )

    def for_label(self, label: str) -> float:
        return float(getattr(self, label.replace(" ", "_"), 0.5))


def _yolo_thresholds() -> ObjectThresholds:
    # YOLOv4-tiny scores real phones 0.1-0.5 in webcam frames (COCO AP50 ~0.5); nothing without a phone
    # scored above 0.09 on the dev images
    return ObjectThresholds(cell_phone=0.1)


DetectorName = Literal["ssdlite", "yolo", "phone"]


def _default_detectors() -> list[DetectorName]:
    return ["ssdlite", "yolo", "phone"]


def _phone_thresholds() -> ObjectThresholds:
    # the operating point `train-phone` chose on its validation split (false alarms <= 1% of phone-free images)
    return ObjectThresholds(cell_phone=0.557)


def _ssdlite_thresholds() -> ObjectThresholds:
    # SSDLite's phone scores sit between 0.12 and 0.3 for phones at the ear or held low (MODELS.md);
    # 0.15 keeps them, and the 2-of-5 frame vote keeps one-frame noise from becoming an event
    return ObjectThresholds(cell_phone=0.15)


class VisionSettings(BaseModel):
    max_image_bytes: int = Field(8 * 1024 * 1024, description="Largest encoded frame accepted.")
    max_image_side: int = Field(4096, description="Largest width or height accepted, in pixels.")
    analysis_max_side: int = Field(
        1280, description="Frames larger than this are downscaled first: models run at <= 256 px anyway."
    )
    face_min_score: float = Field(
        0.4,
        gt=0.0,
        lt=1.0,
        description="Full-range BlazeFace score for a candidate face (0.4-0.5 counts best on real photos).",
    )
    face_confident_score: float = Field(0.75, description="A detection this sure is a face without a second opinion.")
    face_min_presence: float = Field(
        0.6,
        description="Less sure detections count only when the face-landmark model also scores face presence "
        "above this at two crop scales: face-like objects (a ball, a handset) fail one of them.",
    )
    min_face_size: float = Field(
        0.04, description="Faces smaller than this fraction of the frame's shorter side are ignored."
    )
    gaze_min_eye_width_px: float = Field(
        12.0, description="Below this eye width in pixels the iris cannot be located: gaze is unknown."
    )
    gaze_horizontal_deg: float = Field(
        20.0,
        description="Gaze further than this sideways counts as left/right: a laptop screen spans about +-20 "
        "degrees from its webcam, so reading the screen's edge is not looking away.",
    )
    gaze_down_deg: float = Field(
        18.0, description="Gaze further than this below the camera axis is down (the screen sits below the webcam)."
    )
    gaze_up_deg: float = Field(18.0, description="Gaze further than this above the camera axis is up.")
    eyes_closed_openness: float = Field(0.12, description="Lid gap over eye width below which eyes are closed.")
    dark_brightness: float = Field(40.0, description="Mean face luma under this is too dark to judge gaze.")
    min_contrast: float = Field(8.0, description="A frame with less luma spread is covered or blank.")
    min_sharpness: float = Field(
        15.0, description="Without a face: Laplacian variance of the frame at 320 px wide under this is too blurred."
    )
    min_face_sharpness: float = Field(
        10.0,
        description="Laplacian variance of the face at 128 px wide under this is too blurred to read gaze: "
        "real faces in the dev and fairness sets score 12 or more, the same faces blurred by 1/40 of their "
        "width 12 or less.",
    )
    object_interval_s: float = Field(
        0.6,
        gt=0,
        description="A stream looks for objects at least this often, in stream time, whatever its frame rate (at 5 "
        "fps every third frame, at 2 fps every frame): objects change slowly and the vote spans several object "
        "frames. Every frame at 5 fps would cost the service a fifth more CPU per frame (10 sessions at 5 fps on 2 "
        "cores: p95 about 90 ms instead of 65, make bench).",
    )
    heavy_interval_s: float = Field(
        1.8,
        gt=0,
        description="The costliest detector (YOLOv4-tiny, 3x SSDLite's cost) runs at least this often in a stream. "
        "Its 416 px input sees small, far objects that 300 px inputs miss (a person at the back of a room).",
    )
    full_analysis_after_s: float = Field(
        2.0,
        ge=0,
        description="A frame that comes more than this long after the stream's last one gets every detector, as a "
        "stream's first frame and a still do: after a pause anything may be in view.",
    )
    identity: bool = Field(
        True,
        description="Compute a face embedding of the primary face on sampled frames (identity continuity). False "
        "computes none at all; a session's policy can also switch the check off (disabled_rules).",
    )
    identity_every_s: float = Field(
        2.0,
        gt=0,
        description="A stream's face is embedded this often in stream time (about 8 ms each: under 1 ms a frame at 5 "
        "fps), and at once when a face comes back after frames without one or the scene cuts.",
    )
    identity_enrol_s: float = Field(10.0, ge=0, description="Over the first seconds, embeddings are taken more often:")
    identity_enrol_every_s: float = Field(0.5, gt=0, description="this often, so the candidate is enrolled quickly.")
    identity_min_face_px: float = Field(
        60.0, gt=0, description="A face smaller than this (its box's shorter side) is not embedded: too few pixels."
    )
    parallel_objects: bool = Field(
        True,
        description="A frame's costliest object detector runs on a thread of its own beside the face models, so "
        "with a core free a frame with objects is answered in about the time of its slower half; the CPU it "
        "costs is the same (10 sessions x 5 fps on 2 cores, 4 interleaved make bench pairs: p95 45-60 ms against "
        "51-69 without). False runs everything on the calling thread (bench-vision's one-core figures).",
    )
    follow_faces: bool = Field(
        True,
        description="Follow the last frame's faces with the landmark model (the short-range detector still looks for "
        "new close faces) instead of searching each frame with both face detectors: such a frame costs about two "
        "thirds as much. False searches every frame.",
    )
    face_search_every_s: float = Field(
        1.0,
        gt=0,
        description="While faces are followed, the whole frame is still searched this often (on the next frame "
        "without object detection), so a far new face is counted within about a second.",
    )
    follow_max_gap_s: float = Field(
        1.0, ge=0, description="Faces are followed only from a frame at most this many seconds older."
    )
    follow_max_scene_change: float = Field(
        10.0,
        ge=0,
        description="Faces are followed only when the frame's 16x12 grey thumbnail differs from the last one by at "
        "most this many grey levels on average: consecutive frames of the dev videos at 5 fps differ by 10 or "
        "less, different videos by 13 or more.",
    )
    detectors: list[DetectorName] = Field(
        default_factory=_default_detectors,
        description="Object detectors, fused per class. SSDLite is faster and better at phones; YOLOv4-tiny "
        "adds recall on some phones held low. `phone` is the project's own phone detector (docs/MODELS.md), "
        "trained on people using phones: with the COCO detectors' phones (`coco_phones_too`) and the second look "
        "the service finds 86% of the phones of people it never saw (phone_using v2 test), the COCO detectors "
        "alone 68% (docs/MODELS.md).",
    )
    ssdlite_precision: Literal["auto", "int8", "fp32"] = Field(
        "auto",
        description="SSDLite's weights and activations. int8 runs in 8 ms instead of 18 on one core of a CPU with "
        "VNNI and found the same objects on the dev set; without VNNI (plain AVX2) onnxruntime's 8-bit sums "
        "saturate and it finds almost nothing, no faster. auto: int8 where the CPU has VNNI, else fp32 "
        "(vision/cpu.py).",
    )
    models_dir: Path = Field(Path(".cache/models"), description="Where `prepare-models` caches converted models.")
    yolo_input_size: int = Field(
        416, description="YOLOv4-tiny input side (multiple of 32); other sizes than 416 run the float model."
    )
    yolo_precision: Literal["auto", "int8", "fp32"] = Field(
        "auto",
        description="YOLOv4-tiny's weights and activations: int8 (onnxruntime) runs in 21 ms instead of 55 on one "
        "core with VNNI; fp32 runs the Darknet files in OpenCV DNN (38 ms on an AVX2-only CPU, where the 8-bit "
        "model takes 77 ms and loses phones). auto: int8 where the CPU has VNNI, else fp32.",
    )
    yolo_thresholds: ObjectThresholds = Field(default_factory=_yolo_thresholds)
    ssdlite_thresholds: ObjectThresholds = Field(default_factory=_ssdlite_thresholds)
    coco_phones_too: bool = Field(
        True,
        description="With the `phone` detector on, keep the COCO detectors' phones as well (a union, the "
        "default); false leaves phones to it alone (fewer phones found: 76% instead of 86% of phone_using v2 "
        "test, with the second look).",
    )
    phone_thresholds: ObjectThresholds = Field(
        default_factory=_phone_thresholds, description="Only `cell_phone` (and partial_penalty) apply to it."
    )
    second_look: bool = Field(
        True,
        description="Verify phones before reporting them: on each frame with object detection, every phone a "
        "detector reports (at most 8, surest first) is cropped from the full frame with context and checked by "
        'the project\'s phone verifier (docs/MODELS.md, "The second look"); only what it confirms is a phone. '
        "Off: the detectors' phones are reported unverified, and a phone event is never more than low.",
    )
