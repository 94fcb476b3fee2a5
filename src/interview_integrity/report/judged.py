"""What the service could and could not judge in a session: the start-of-session check, the setup, the cameras,
the identity check; and the shares of time a face was seen and gaze was at the screen."""

from __future__ import annotations

from html import escape
from typing import Any


def _pct(value: Any) -> float | None:
    return None if value is None else max(0.0, min(100.0, 100 * float(value)))


def stat(value: Any, label: str, bar: bool = False) -> str:
    share = _pct(value)
    shown = "n/a" if share is None else f"{share:.0f}%"
    track = f'<div class="bar"><span style="width:{share:.0f}%"></span></div>' if bar and share is not None else ""
    return f'<div class="stat"><b>{shown}</b>{escape(label)}{track}</div>'


def check_section(summary: dict[str, Any]) -> str:
    check = summary.get("check") or {}
    if not check:
        return ""
    items = []
    camera = check.get("camera", {})
    if camera.get("view") and camera["view"] != "unknown":
        yaw = camera.get("yaw_deg")
        angle = f" ({abs(yaw):.0f}° to the {'image-left' if yaw > 0 else 'image-right'})" if yaw else ""
        items.append(f"Camera: {escape(camera['view'])}{angle}.")
    if check.get("face_found") is not None:
        items.append(f"Face found in the first seconds: {'yes' if check['face_found'] else 'no'}; "
                     f"well lit: {'yes' if check.get('well_lit') else 'no'}.")  # fmt: skip
    if check.get("calibrated"):
        gaze = "yes" if check.get("gaze_assessable") else f"no: {escape(check.get('gaze_reason') or 'unknown')}"
        items.append(f"Gaze could be read: {gaze}. Gaze and head turns are measured against the candidate's own "
                     "resting pose, whatever the camera angle.")  # fmt: skip
    else:
        items.append("The candidate's resting pose was never measured: no gaze or head-turn event was judged.")
    setup = check.get("setup") or []
    items.append(
        "Taken as the candidate's setup (not events): " + escape(", ".join(setup)) + "."
        if setup
        else "No screen, laptop or keyboard was in view at the start."
    )
    cameras = summary.get("cameras") or []
    if cameras:
        items.append("Camera reported by the browser: " + escape(", ".join(cameras)) + ".")
    identity = summary.get("identity") or {}
    if identity.get("checked"):
        enrolled = (
            "the candidate's face was enrolled from the first seconds"
            if identity.get("enrolled")
            else ("no face was clear enough to enrol, so the same-person check did not run")
        )
        photo = "; compared with a reference photo too" if identity.get("reference_photo") else ""
        items.append(f"Same person all session: {enrolled}{photo}.")
    for advice in check.get("advice") or []:
        items.append(f"<b>{escape(advice)}</b>")
    return (
        '<h2>What could be judged</h2><div class="card"><ul class="checks">'
        + "".join(f"<li>{item}</li>" for item in items)
        + "</ul></div>"
    )
