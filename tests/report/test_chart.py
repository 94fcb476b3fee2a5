"""The risk chart draws what the engine computed: a replay of a real video whose second face is recognised late
and back-dated to where it began, and a client event that arrives after later frames."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from interview_integrity.analysis.engine import SessionAnalyzer
from interview_integrity.analysis.policy import build_policy
from interview_integrity.analysis.scoring import current_risk
from interview_integrity.report import render_report
from interview_integrity.report.chart import axis_of, decay_points, risk_chart, risk_line
from interview_integrity.service.replay import offline_report, replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer


def drawn(html: str) -> list[tuple[float, float]]:
    """The risk line's points back in (seconds from the first frame, score), from the SVG's own scale."""
    svg = re.search(r'<svg class="chart"[^>]*>', html)
    assert svg is not None
    attrs = dict(re.findall(r'(data-[\w-]+)="([^"]*)"', svg.group(0)))
    left, right, span = float(attrs["data-axis-left"]), float(attrs["data-axis-right"]), float(attrs["data-span"])
    top, bottom = float(attrs["data-top"]), float(attrs["data-bottom"])
    points = []
    for line in re.findall(r'<polyline class="risk" points="([^"]+)"', html):
        for pair in line.split():
            x, y = map(float, pair.split(","))
            points.append(((x - left) / (right - left) * span, (bottom - y) / (bottom - top) * 100))
    return points


@pytest.fixture(scope="module")
def replayed(analyzer: FrameAnalyzer, data_dir: Path) -> dict[str, Any]:
    policy = build_policy("standard")
    result = replay_video(data_dir / "vid_two_faces_books.mp4", analyzer, policy)
    engine = SessionAnalyzer(policy)
    # the page's copy/paste reaches the service after frames up to the clip's end, stamped 3 s in
    engine.client_event(result.state, "copy_paste", 3.0)
    report = offline_report(result, "two-faces", policy).model_dump(mode="json")
    report["engine_now"] = current_risk(result.state.risk, result.state.events, policy, engine.now(result.state)).score
    report["raised_at"] = result.raised_at
    return report


@pytest.mark.slow
def test_a_back_dated_event_and_a_late_client_event_draw_no_dip_and_no_spike(replayed: dict[str, Any]) -> None:
    half_life = replayed["policy"]["risk_half_life_s"]
    first = replayed["stream"]["first_frame_at"]
    faces = next(e for e in replayed["events"] if e["type"] == "multiple_faces")
    assert replayed["raised_at"][faces["id"]] - faces["started_at"] >= 1.0, "the event is back-dated by over a second"
    samples = [(t - first, s) for t, s in replayed["risk_timeline"]]
    # what the data holds: samples computed before the engine knew better (the dip and the spike the issue saw)
    assert any(s == 0 for t, s in samples if 0 < t < replayed["raised_at"][faces["id"]] - first)
    points = drawn(render_report(replayed))
    assert len(points) > 20
    for (t0, s0), (t1, s1) in itertools.pairwise(points):
        assert t1 >= t0 - 0.01, "the line runs forward in time"
        floor = s0 * 0.5 ** ((t1 - t0) / half_life)
        assert s1 >= floor - 0.6, f"a fall faster than the half-life: {s0:.1f} at {t0:.2f} s, {s1:.1f} at {t1:.2f} s"
        if s1 > floor + 0.6:  # a rise: only where the engine added points, to a value it computed there
            assert t1 - t0 < 0.01, f"a rise that is not a step at {t1:.2f} s"
            assert any(abs(t - t1) < 0.02 and abs(s - s1) < 0.6 for t, s in samples), f"{s1:.1f} at {t1:.2f} s"
    # drawn from where the event began, at the points the engine gave it there
    start = faces["started_at"] - first
    at_start = max(s for t, s in points if abs(t - start) < 0.01)
    assert abs(at_start - max(s for t, s in samples if abs(t - start) < 0.01)) < 0.6
    # nowhere below what the engine computed at that moment with what it knew by the end, and it ends where the
    # engine's score ends
    assert abs(points[-1][1] - replayed["engine_now"]) < 0.6
    peak = replayed["summary"]["peak_risk"]
    assert abs(max(s for _, s in points) - peak) < 0.6


def test_decay_is_drawn_as_the_half_life_says() -> None:
    half_life = 120.0
    timeline = [(0.0, 0.0), (10.0, 40.0), (130.0, 40.0 * 0.5)]  # one event at 10 s, then 120 s of decay
    corners = risk_line(timeline, half_life)
    assert corners == [(0.0, 0.0), (10.0, 0.0), (10.0, 40.0)]  # the sample at 130 s is the decay itself
    points = decay_points(corners, half_life, 130.0, 1.0)
    middle = min(points, key=lambda p: abs(p[0] - 70.0))
    assert middle[1] == pytest.approx(40.0 * 0.5 ** ((middle[0] - 10.0) / half_life), abs=0.01)  # not a straight line
    assert points[-1] == (130.0, pytest.approx(20.0))


def test_a_stale_sample_is_not_drawn_and_a_late_point_widens_the_axis() -> None:
    policy = build_policy("standard").model_dump(mode="json")
    report = {
        "policy": policy, "stream": {"first_frame_at": 0.0, "last_frame_at": 10.0, "gaps": []},
        "summary": {"peak_risk": 30.0, "explanation": {"peak_at": 0.0}}, "events": [],
        "risk_timeline": [(0.0, 30.0), (1.0, 0.0), (2.0, 29.9), (12.0, 45.0)],
    }  # fmt: skip
    axis = axis_of(report)
    assert axis.span == 12.0  # a client event after the last frame is on the chart
    points = drawn(risk_chart(report, axis))
    assert min(s for t, s in points if t < 11.9) > 30 * 0.5 ** (12 / 120) - 0.5  # no dip to the stale 0 at 1 s
    assert max(s for _, s in points) == pytest.approx(45.0, abs=0.6)
