"""The typed, JSON-serialisable result of analysing one frame.

Directions (`left`, `right`) are IMAGE directions: as a viewer sees the frame, not the subject's own
left and right. A mirrored selfie preview therefore shows the opposite of what the candidate feels.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from interview_integrity.vision.schedule import StreamSchedule

MOTION_SIZE = (32, 24)  # (width, height) of the grey thumbnail a frame carries in `FaceTrack.motion`

GazeDirection = Literal["center", "left", "right", "up", "down", "unknown"]


class Box(BaseModel):
    """An axis-aligned box in pixels of the analysed frame."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px <= self.x + self.width and self.y <= py <= self.y + self.height

    def scaled(self, factor: float) -> Box:
        """The same box in a frame `factor` times as large."""
        return Box(x=self.x * factor, y=self.y * factor, width=self.width * factor, height=self.height * factor)

    def iou(self, other: Box) -> float:
        ix = max(0.0, min(self.x + self.width, other.x + other.width) - max(self.x, other.x))
        iy = max(0.0, min(self.y + self.height, other.y + other.height) - max(self.y, other.y))
        inter = ix * iy
        union = self.width * self.height + other.width * other.height - inter
        return inter / union if union > 0 else 0.0


class Face(BaseModel):
    box: Box
    confidence: float = Field(description="Detector score, 0-1.")
    presence: float | None = Field(
        default=None, description="Face-landmark model's face-presence score when it was consulted."
    )


class Faces(BaseModel):
    count: int
    boxes: list[Face]
    primary_index: int | None = Field(default=None, description="Index of the largest face.")
    followed: bool = Field(
        default=False,
        description="True when the last frame's faces were followed (the landmark model at their last place, the "
        "short-range detector for new close faces) rather than searched for with both detectors.",
    )


class HeadPose(BaseModel):
    """Head rotation in degrees. +yaw: face turned toward image-left; +pitch: head up; +roll: tilted
    clockwise as the viewer sees it."""

    yaw: float
    pitch: float
    roll: float


class EyeMeasures(BaseModel):
    """Raw eye numbers so the risk engine can calibrate per candidate.

    `iris_x`: iris centre between the eye corners, 0 = image-left corner, 1 = image-right corner
    (about 0.5 looking at the camera). `iris_y`: iris centre offset from the corner line, in eye
    widths, + downward. `openness`: lid gap over eye width (about 0.25-0.35 open, < 0.12 closed).
    """

    iris_x: float
    iris_y: float
    openness: float


class Gaze(BaseModel):
    direction: GazeDirection
    confidence: float
    horizontal_deg: float | None = Field(
        default=None, description="Estimated gaze angle, + toward image-left (head yaw + eye rotation)."
    )
    vertical_deg: float | None = Field(default=None, description="Estimated gaze angle, + upward.")
    left_eye: EyeMeasures | None = Field(default=None, description="The eye on the image-left side.")
    right_eye: EyeMeasures | None = Field(default=None, description="The eye on the image-right side.")
    reason: str | None = Field(default=None, description="Why the direction is unknown.")


class Mouth(BaseModel):
    """The primary face's lips in this frame (vision/mouth.py): speech shows in how the opening changes."""

    opening: float | None = Field(
        description="Gap between the inner lips over the distance between the outer eye corners (about 0.0-0.05 "
        "closed, up to 0.5 wide open); None when the lips cannot be read."
    )
    width_px: float | None = Field(default=None, description="The mouth's width corner to corner, in pixels.")
    reason: str | None = Field(default=None, description="Why the lips cannot be read.")


class DetectedObject(BaseModel):
    label: str
    confidence: float
    box: Box
    partial: bool = Field(description="The box touches the frame border: the object is cut off.")
    source: str = Field(default="yolo", description="The detector that found it.")
    second_look: float | None = Field(
        default=None,
        description="For a phone: how surely the second look (a classifier of the box cropped from the full "
        "frame) saw a phone, 0-1; null when no second look checked it.",
    )


class Quality(BaseModel):
    brightness: float = Field(description="Mean luma, 0-255.")
    contrast: float = Field(description="Standard deviation of luma.")
    sharpness: float = Field(
        description="Variance of the Laplacian of the face at 128 px wide (of the frame at 320 px without a face); "
        "low means blurred."
    )
    face_size: float | None = Field(default=None, description="Primary face height over frame height.")
    face_brightness: float | None = None
    usable: bool = Field(description="False when the frame cannot support attention or presence signals.")
    issues: list[str] = Field(default_factory=list, description="Why the frame or face is not trusted.")


class TrackedFace(BaseModel):
    box: Box  # in the frame's own pixels
    roll: float  # radians: the landmark crop is aligned with it
    confidence: float  # the detector's score when the face was last detected


class FaceTrack(BaseModel):
    """What the next frame of a stream needs to follow this one's faces (vision/tracking.py). Kept with the
    session."""

    timestamp: float
    searched_at: float  # the time of the stream's last frame searched with both detectors
    width: int
    height: int
    faces: list[TrackedFace]
    thumbnail: list[int] = Field(description="16x12 grey thumbnail, row by row: tells a cut from motion.")
    motion: str | None = Field(None, description="32x24 grey thumbnail, base64: how much the picture moved.")


class FaceIdentity(BaseModel):
    """The primary face's 128-d embedding (who it is). Biometric data: kept only in the session state, never
    in an API answer, a report or a log (excluded from every dump of the signals)."""

    vector: list[float]
    yaw: float = Field(description="The face's yaw when embedded: a turned face is compared with more tolerance.")
    faces: int = Field(description="Faces in the frame: with several, the primary one may not be the candidate.")


class FrameSignature(BaseModel):
    """How the picture changed since the stream's last frame, and a 256-bit hash of it (vision/signature.py)."""

    dhash: str = Field(description="256-bit difference hash, 64 hex digits.")
    change: float | None = Field(
        description="Largest grey-level change of a 32x24 thumbnail cell; None: no last frame, or no texture."
    )


class FrameSignals(BaseModel):
    """Everything one frame says, with confidences. Analysis and scoring consume only this."""

    timestamp: float
    width: int
    height: int
    faces: Faces
    head_pose: HeadPose | None = None
    gaze: Gaze
    objects: list[DetectedObject] = Field(default_factory=list)
    objects_analyzed: bool = Field(
        default=True,
        description="False on the frames of a stream that skip object detection (objects are looked for at least "
        "every 0.6 s of stream time).",
    )
    quality: Quality
    mouth: Mouth | None = Field(default=None, description="The primary face's lips (None: not measured).")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    track: FaceTrack | None = Field(default=None, exclude=True, description="For the stream's next frame.")
    schedule: StreamSchedule | None = Field(default=None, exclude=True, description="For the stream's next frame.")
    identity: FaceIdentity | None = Field(default=None, exclude=True, description="Never dumped: biometric.")
    signature: FrameSignature | None = Field(default=None, exclude=True, description="For the session's rules.")
