"""Settings from the environment (pydantic-settings). Nothing reads os.environ elsewhere.

Top-level names are plain env vars (`SESSION_STORE`, `REDIS_URL`, `API_KEYS`, ...); vision thresholds
are nested and read as `VISION__<NAME>` (e.g. `VISION__OBJECT_EVERY_N_FRAMES=3`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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
    return ObjectThresholds(cell_phone=0.647)


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
        "trained on people using phones: with the COCO detectors' phones (`coco_phones_too`) it finds 78% of "
        "the phones of people it never saw instead of 69%, at the same false alarms (docs/MODELS.md).",
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
        "default); false leaves phones to it alone (fewer phones found: 60% instead of 78%, docs/MODELS.md).",
    )
    phone_thresholds: ObjectThresholds = Field(
        default_factory=_phone_thresholds, description="Only `cell_phone` (and partial_penalty) apply to it."
    )
    second_look: bool = Field(
        True,
        description="Verify phones before reporting them: on each frame with object detection, every detector's "
        "phone box at a low floor, each hand and the sides of each face are cropped from the full frame and "
        'checked by the project\'s phone verifier (docs/MODELS.md, "The second look"); only what it confirms is '
        "a phone. Off: the detectors' phones are reported unverified, and a phone event is never more than low.",
    )
    second_look_regions: list[Literal["hands", "ears"]] = Field(
        default_factory=list,
        description="Regions the second look verifies besides the detectors' phone boxes: around each hand (the "
        "palm detector) and beside each ear. Measured on phone_using v2 valid at the default points, hands add 4 "
        "of 334 phones found and ears none, while the palm detector alone costs about as much as the rest of the "
        "second look (docs/MODELS.md): off by default, for the cost.",
    )


class FrameSettings(BaseModel):
    """How a session's frames are put in order and counted once (FRAMES__WINDOW_FRAMES=8, ...)."""

    window_frames: int = Field(
        8,
        ge=1,
        description="A frame that may have earlier frames still on their way (it is not the next one after the "
        "session's last) waits for them until this many of the session's frames wait...",
    )
    window_s: float = Field(
        0.5,
        ge=0,
        le=10,
        description="...or until the session's frames have waited this long with none analysed (since the first "
        "arrived or the last turn ended): then the earliest goes. Frames sent "
        "together reach the server up to a few hundred milliseconds apart on a loaded client; a frame that arrives "
        "after a later one was analysed can only be refused (409). It costs a frame after a skipped one up to this "
        "long, a session's first two frames as long only when other frames of the session are waiting or on their "
        "way (window_alone_s), and nothing to frames sent in order.",
    )
    window_alone_s: float = Field(
        0.05,
        ge=0,
        le=10,
        description="A session's first two frames (no usual interval yet: nothing says what comes next) with no "
        "other frame of the session waiting or on its way in the process wait only this long, for frames sent "
        "with them (a few milliseconds behind), not window_s.",
    )
    answers_kept: int = Field(
        64,
        ge=1,
        le=1000,
        description="The answers of a session's latest frames kept beside it (about 1.1 KB each, expiring with it), so "
        "a frame sent again (the same timestamp or frame_id) is answered again, never analysed or counted twice: "
        "64 frames are 13 s at 5 fps.",
    )
    turn_lease_s: float = Field(
        3.0,
        gt=0.3,
        le=60,
        description="With Redis, the session's turn is a lease of this length, renewed every third of it while its "
        "frame is analysed: a process that dies mid-frame holds its session up to this long.",
    )


class WebRTCSettings(BaseModel):
    """The WebRTC endpoint (POST /sessions/{id}/webrtc). Environment: WEBRTC__FPS=5, ..."""

    enabled: bool = Field(True, description="Offer the endpoint at all.")
    fps: float = Field(
        5.0, gt=0, le=30, description="Frames analysed per second of track time when the offer asks for none."
    )
    max_fps: float = Field(10.0, gt=0, le=30, description="The most an offer may ask for.")
    max_peers: int = Field(16, ge=1, description="Tracks this process receives at once; one more gets 503.")
    max_side: int = Field(
        1280, ge=64, description="A decoded frame's longer side is scaled down to this before analysis."
    )
    ice_servers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="STUN/TURN URLs the server's side uses (`turn:turn.example.com:3478`); empty on a network "
        "where the browser reaches the server directly. Comma-separated or a JSON list.",
    )
    turn_username: str = ""
    turn_credential: str = ""
    connect_timeout_s: float = Field(
        20.0, gt=0, description="A peer connection that has not connected by then is closed and its slot freed."
    )

    @field_validator("ice_servers", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [v.strip() for v in text.split(",") if v.strip()]
        return value


class Settings(BaseSettings):
    """Service settings. Every field is an environment variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to listen on (HOST; the container uses 0.0.0.0).")
    port: int = Field(8000, description="Port to listen on (PORT).")
    uvicorn_workers: int = Field(
        1,
        ge=1,
        description="Worker processes, each with its own models (about 450 MB RSS with WORKERS=1, docs/DEPLOYMENT.md); "
        "more than one needs Redis.",
    )
    session_store: Literal["memory", "redis"] = Field(
        "memory",
        description="Where session state lives: memory (one process; every session is lost when the process stops or "
        "restarts) or redis (workers and replicas; sessions outlive a restart, docs/DEPLOYMENT.md).",
    )
    redis_url: str = Field("redis://localhost:6379/0", description="Used when SESSION_STORE=redis.")
    session_idle_ttl_s: int = Field(900, gt=0, description="An active session with no request for this long expires.")
    report_retention_s: int = Field(
        86_400, gt=0, description="Ended sessions and their reports are kept this long, then deleted."
    )
    cleanup_interval_s: float = Field(30.0, gt=0, description="How often the memory store sweeps expired sessions.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Accepted X-API-Key values (JSON list or comma-separated), or named: a JSON object "
        '`{"acme-reviewers": "<key>", ...}`; a decision made with a key shows its name. Empty: no authentication.',
    )
    api_key_names: dict[str, str] = Field(
        default_factory=dict, description="Each key's name, when API_KEYS names them (set from API_KEYS, not alone)."
    )
    console_session_ttl_s: int = Field(
        8 * 3600, gt=0, description="How long a sign-in to the reviewer's console (/console) lasts."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS (JSON list or commas)."
    )
    rate_limit_per_minute: int = Field(
        6000, ge=0, description="Requests (and WebSocket frames) per API key or client address a minute; 0: off."
    )
    max_request_bytes: int = Field(
        12 * 1024 * 1024, gt=0, description="Largest HTTP request body (and WebSocket message) accepted."
    )
    request_body_timeout_s: float = Field(
        30.0,
        gt=0,
        description="A request body must arrive within this (408 otherwise): a 12 MiB frame at 4 Mbit/s takes 25 s; "
        "a client trickling bytes must not hold a connection for ever. Request heads have 10 s (serving.py).",
    )
    workers: int = Field(0, ge=0, description="Frame-analysis threads; 0: one per CPU core.")
    queue_per_worker: int = Field(
        4,
        ge=0,
        description="Frames allowed to wait per worker before REST answers 503 (the WebSocket skips): about 60 ms "
        "of waiting (four frames at the default schedule's mean of 16 ms) absorbs the bursts of sessions that "
        "happen to send at once. With three, 10 sessions at 5 fps on 2 cores had 1-2 of 1,500 frames refused in "
        "4 of 6 runs; with four, none in 4 runs.",
    )
    frames: FrameSettings = Field(default_factory=FrameSettings)
    evidence_snapshots: bool = Field(
        False,
        description="Keep a small JPEG of the frame behind each medium/high event (per-session option "
        "`evidence` overrides). Off by default: no frame is stored unless asked for.",
    )
    report_link_secret: str = Field(
        "",
        description="Signs the report links of GET /sessions/{id}/report-link (the same on every replica). Empty: "
        "derived from API_KEYS, so rotating a key invalidates the links signed with the old set.",
    )
    report_link_ttl_s: int = Field(
        86_400, gt=0, description="How long a signed report link works by default (?ttl_s= asks for less or more)."
    )
    webhook_url: str = Field("", description="Where session.ended and event.high are POSTed; empty: no webhooks.")
    webhook_secret: str = Field("", description="Signs every webhook body (X-Interview-Integrity-Signature).")
    webhook_timeout_s: float = Field(5.0, gt=0, description="An attempt not answered within this is retried.")
    webhook_attempts: int = Field(6, ge=1, le=20, description="Attempts per delivery, 1 s apart then doubling.")
    log_level: str = "INFO"
    vision: VisionSettings = Field(default_factory=VisionSettings)
    webrtc: WebRTCSettings = Field(default_factory=WebRTCSettings)

    @model_validator(mode="before")
    @classmethod
    def _named_keys(cls, data: object) -> object:
        """API_KEYS as a JSON object names its keys: the keys are its values, their names its keys."""
        if not isinstance(data, dict):
            return data
        keys = data.get("api_keys")
        if isinstance(keys, str) and keys.strip().startswith("{"):
            keys = json.loads(keys)
        if isinstance(keys, dict):
            names = {str(key): str(name) for name, key in keys.items()}
            return {**data, "api_keys": list(names), "api_key_names": names}
        return data

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    def worker_count(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)
