"""Issue 20's trick videos, assembled with ffmpeg from real honest clips and replayed at 5 fps."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.analysis.policy import build_policy
from interview_integrity.evaluation.assembled import Assembled, assemble
from interview_integrity.service.replay import replay_video
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.conftest import DATA

pytestmark = pytest.mark.slow
WATCHED = {"identity_changed", "stream_frozen", "stream_replayed"}


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assembled]:
    return {video.name: video for video in assemble(DATA / "honest", Path(tmp_path_factory.mktemp("assembled")))}


@pytest.mark.parametrize("name", ["swap", "jump_cut", "frozen", "looped_still", "looped_talking"])
def test_each_trick_raises_its_event_soon_after_the_cut_and_the_honest_cut_raises_none(
    name: str, videos: dict[str, Assembled], analyzer: FrameAnalyzer
) -> None:
    video = videos[name]
    replay = replay_video(video.path, analyzer, build_policy("standard"))
    raised = [e for e in replay.state.events if e.type in WATCHED]
    if video.expect is None:
        assert raised == [], [(e.type, e.started_at, e.basis) for e in raised]
        return
    assert {e.type for e in raised} == {video.expect}, [(e.type, e.started_at) for e in raised]
    first = min(raised, key=lambda e: replay.raised_at[e.id])
    delay = replay.raised_at[first.id] - video.cut_at
    # identity within 4 s of the cut (issue 20); a freeze after frozen_s (5 s); a loop after replay_min_s (5 s)
    limit = {"identity_changed": 4.0, "stream_frozen": 6.0, "stream_replayed": 6.5}[video.expect]
    assert 0 <= delay <= limit, f"{name}: raised {delay:.1f} s after the cut"
    assert first.measured and first.basis
