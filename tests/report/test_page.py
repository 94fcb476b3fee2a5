"""The reviewer's page for replayed real videos: right events, valid, self-contained, a screenshot kept."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.report import render_report
from interview_integrity.service.replay import offline_report, replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.servers_browser import screenshot

pytestmark = pytest.mark.slow
VOID = {"meta", "img", "br", "hr", "input", "link", "source"}


class Checker(HTMLParser):
    """Well-nested tags, and no reference to anything outside the page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.external: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)
        for name, value in attrs:
            # data: images and links within the page (an event row to its evidence) stay inside it
            if name in ("src", "href") and value and not value.startswith(("data:", "#")):
                self.external.append(value)
            if tag == "img" and name == "src" and value:
                self.images.append(value)
        if tag in ("script", "link", "iframe"):
            self.external.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.stack == [], checker.stack
    assert checker.external == []
    assert not re.search(r"url\(|@import|https?://", html)
    return checker


@pytest.fixture(scope="module")
def two_faces(analyzer: FrameAnalyzer, data_dir: Path) -> dict[str, Any]:
    policy = build_policy("standard")
    result = replay_video(data_dir / "vid_two_faces_books.mp4", analyzer, policy, evidence=True)
    return offline_report(result, "vid_two_faces_books", policy).model_dump(mode="json")


def test_two_faces_report_holds_its_events_and_evidence(two_faces: dict[str, Any], tmp_path: Path) -> None:
    types = {e["type"] for e in two_faces["events"]}
    assert "multiple_faces" in types and two_faces["verdict"] in ("review", "high_risk")
    assert {e["event_type"] for e in two_faces["evidence"]} >= {"multiple_faces"}
    html = render_report(two_faces)
    checker = check(html)
    assert "Needs human review" in html and "multiple_faces" in html and "cheating" not in html.lower()
    assert html.count('<figure id="evidence-') == len(two_faces["evidence"]) >= 1
    assert len(checker.images) >= 2 * len(two_faces["evidence"])  # each picture, and its full-size view
    snapshot = two_faces["evidence"][0]
    thumb = cv2.imdecode(np.frombuffer(base64.b64decode(snapshot["jpeg_base64"]), np.uint8), 1)
    assert thumb is not None and (thumb.shape[1], thumb.shape[0]) == (snapshot["width"], snapshot["height"])
    assert thumb.shape[1] == 640  # the 1280-pixel clip, halved
    assert sum(box["event"] for box in snapshot["boxes"]) == 2  # the two faces the event is about
    crop = cv2.imdecode(np.frombuffer(base64.b64decode(snapshot["crop_base64"]), np.uint8), 1)
    assert crop is not None and crop.shape[0] > 100
    page = tmp_path / "report.html"
    page.write_text(html)
    shot = screenshot(page.as_uri(), "report_vid_two_faces_books.png")
    assert shot.stat().st_size > 20_000


def test_eyes_glance_report_without_evidence(analyzer: FrameAnalyzer, data_dir: Path) -> None:
    policy = build_policy("strict")
    report = offline_report(
        replay_video(data_dir / "vid_gaze_eyes_left.mp4", analyzer, policy), "eyes", policy
    ).model_dump(mode="json")
    assert [e["type"] for e in report["events"] if e["type"] == "gaze_away"]
    assert report["evidence"] == []
    html = render_report(report)
    check(html)
    assert "<img" not in html and "no frame was stored" in html


def test_caller_strings_are_escaped(two_faces: dict[str, Any]) -> None:
    report = {**two_faces, "candidate_id": "<script>alert(1)</script>"}
    report["reviews"] = [
        {"id": "r", "event_id": None, "decision": "dismissed", "note": "<b>x</b>", "reviewer": "k", "created_at": 0}
    ]
    html = render_report(report)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;x&lt;/b&gt;" in html
