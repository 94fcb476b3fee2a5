"""Evidence a reviewer can check: each snapshot with the boxes of what was found drawn over it (the event's own
strongest), the event's region cropped at the frame's resolution, and on click the picture at its full stored
size. The zoom is a CSS `:target` overlay, so it works in the script-free report as well as in the console."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from interview_integrity.analysis.registry import title
from interview_integrity.report.times import clock

# evidence item, "frame" or "crop" -> the picture's address (a data: URL in the report, a path in the console)
Picture = Callable[[dict[str, Any], str], str]
EVENT_BOX, OTHER_BOX = "#ff3b30", "#4cd964"


def inline(item: dict[str, Any], which: str) -> str:
    data = item["jpeg_base64"] if which == "frame" else item["crop_base64"]
    return f"data:image/jpeg;base64,{data}"


def _boxes(item: dict[str, Any], labels: bool) -> str:
    """An SVG over the picture, in the picture's own pixels (shares times its size), strokes a constant width."""
    width, height = item.get("width"), item.get("height")
    if not width or not height or not item.get("boxes"):
        return ""
    parts = []
    for box in sorted(item["boxes"], key=lambda b: b.get("event", False)):  # the event's boxes on top
        colour = EVENT_BOX if box.get("event") else OTHER_BOX
        x, y = box["x"] * width, box["y"] * height
        w, h = box["width"] * width, box["height"] * height
        score = "" if box.get("confidence") is None else f" {box['confidence']:.2f}"
        text = escape(f"{box['label']}{score}")
        parts.append(
            f'<rect class="{"event-box" if box.get("event") else "box"}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
            f'height="{h:.1f}" fill="none" stroke="{colour}" stroke-width="{3 if box.get("event") else 1.5}" '
            f'vector-effect="non-scaling-stroke" data-label="{text}"><title>{text}</title></rect>'
        )
        if labels:
            size = max(10.0, height / 36)
            parts.append(
                f'<text x="{x + 2:.1f}" y="{max(size, y - 3):.1f}" font-size="{size:.0f}" fill="{colour}" '
                f'stroke="#000" stroke-width="0.6" paint-order="stroke" font-family="sans-serif">{text}</text>'
            )
    return f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" aria-hidden="true">{"".join(parts)}</svg>'


def _found(item: dict[str, Any]) -> str:
    rows = []
    for box in sorted(item.get("boxes", []), key=lambda b: not b.get("event", False)):
        score = "" if box.get("confidence") is None else f", detector score {box['confidence']:.2f}"
        mine = " <b>(what the event is about)</b>" if box.get("event") else ""
        rows.append(f"<li>{escape(box['label'])}{score}{mine}</li>")
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


def figure(item: dict[str, Any], start: float, picture: Picture) -> str:
    event_id = escape(item["event_id"])
    what = escape(title(item["event_type"]))
    at = clock(item["timestamp"] - start)
    size = f" · {item['width']}×{item['height']} px" if item.get("width") else ""
    crop = item.get("crop_base64")
    small = (
        f'<a href="#zoom-{event_id}" title="the event\'s region at the frame\'s resolution">'
        f'<img class="crop" alt="the region of {what}, enlarged" src="{picture(item, "crop")}"></a>'
        if crop
        else ""
    )
    big_crop = (
        f'<figure><img class="crop-full" alt="the region of {what} at the frame\'s resolution" '
        f'src="{picture(item, "crop")}"><figcaption>the region, cropped from the frame as it arrived</figcaption>'
        "</figure>"
        if crop
        else ""
    )
    frame = picture(item, "frame")
    return (
        f'<figure id="evidence-{event_id}" class="evidence" data-event-id="{event_id}">'
        f'<a class="shot" href="#zoom-{event_id}" title="open at full size" data-testid="evidence-open">'
        f'<span class="frame"><img alt="the frame behind {what}" src="{frame}">{_boxes(item, labels=False)}</span></a>'
        f'{small}<figcaption><span class="eid">{event_id}</span> {at} · {what} · frame {item["frame_index"]}{size} · '
        f'<a href="#event-{event_id}">the event</a></figcaption></figure>'
        f'<div id="zoom-{event_id}" class="zoom" role="dialog" aria-label="{what} at full size" data-testid="zoom">'
        f'<div class="head"><span><span class="eid">{event_id}</span> {at} · {what} · frame {item["frame_index"]}{size}'
        f'</span><a class="close" href="#evidence-{event_id}">Close ✕</a></div>'
        f'<span class="frame full"><img alt="the frame behind {what}, full size" src="{frame}">'
        f"{_boxes(item, labels=True)}</span>"
        f'<div class="crops">{big_crop}{_found(item)}</div></div>'
    )


def gallery(report: dict[str, Any], start: float, picture: Picture) -> str:
    figures = "".join(figure(item, start, picture) for item in report.get("evidence", []))
    return f'<h2>Evidence</h2><div class="card grid">{figures}</div>' if figures else ""
