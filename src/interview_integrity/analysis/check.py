"""The start-of-session check a client shows before the session counts: is the candidate's camera set up so
that the service can judge fairly?

It is read from the calibration and setup rules' state after every frame: the face found and well lit in
the first seconds, the camera's angle on the face, whether gaze can be read (and why not), and what was
taken as the candidate's setup. `status` is `checking` until both the baseline and the setup are known,
then `ready`, or `needs_attention` with advice the candidate can act on (move the camera, add light).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from interview_integrity.analysis.policy import Policy
from interview_integrity.analysis.rules.base import rule_state
from interview_integrity.analysis.rules.calibration import Baseline, Calibration
from interview_integrity.analysis.rules.setup import Setup, SetupRule
from interview_integrity.analysis.state import SessionState

FACE_SHARE = 0.8  # of the check's frames: a face in fewer means the candidate is not in view yet


class CameraView(BaseModel):
    yaw_deg: float | None = Field(description="The candidate's resting head yaw as the camera sees it (+ image-left).")
    view: Literal["unknown", "frontal", "angled", "from the side"]


class SessionCheck(BaseModel):
    status: Literal["checking", "ready", "needs_attention"]
    calibrated: bool
    face_found: bool | None = Field(description="A face in most frames of the first seconds (None: no frame yet).")
    well_lit: bool | None = Field(description="Most frames of the first seconds usable (lit, sharp, uncovered).")
    camera: CameraView
    gaze_assessable: bool
    gaze_reason: str | None = Field(description="Why gaze cannot be read, in words for the candidate.")
    setup: list[str] = Field(description="What was taken as the candidate's setup, e.g. 'screen (at the left edge)'.")
    advice: list[str] = Field(description="What the candidate can do, empty when nothing is needed.")


def session_check(state: SessionState, policy: Policy) -> SessionCheck:
    base = rule_state(state, Calibration.name, Baseline)
    setup = rule_state(state, SetupRule.name, Setup)
    frames = base.check_frames
    face_found = base.check_face_frames >= FACE_SHARE * frames if frames else None
    well_lit = base.check_usable_frames >= FACE_SHARE * frames if frames else None
    view: Literal["unknown", "frontal", "angled", "from the side"] = "unknown"
    if base.yaw is not None:
        turn = abs(base.yaw)
        view = "frontal" if turn < 15 else "angled" if turn <= policy.thresholds.oblique_yaw_deg else "from the side"
    advice: list[str] = []
    if face_found is False:
        advice.append("Sit where the camera sees your face.")
    if well_lit is False:
        common = max(base.check_issues, key=base.check_issues.__getitem__) if base.check_issues else "frames unusable"
        advice.append(f"The camera image is hard to judge ({common}): add light in front of you or uncover the camera.")
    if base.complete and base.gaze_reason:
        advice.append(f"Gaze cannot be read: {base.gaze_reason}.")
    done = base.complete and (setup.complete or not policy.enabled("device_detected"))
    status: Literal["checking", "ready", "needs_attention"] = (
        "checking" if not done else "needs_attention" if advice else "ready"
    )
    return SessionCheck(
        status=status,
        calibrated=base.complete,
        face_found=face_found,
        well_lit=well_lit,
        camera=CameraView(yaw_deg=None if base.yaw is None else round(base.yaw, 1), view=view),
        gaze_assessable=base.gaze_assessable,
        gaze_reason=base.gaze_reason if base.complete else None,
        setup=setup.describe(),
        advice=advice,
    )
