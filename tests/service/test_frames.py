"""The frame path's own costs: where an applied frame's time went, and its answer written once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from interview_integrity.config import Settings
from interview_integrity.metrics import Metrics
from interview_integrity.service.frames import STAGES
from interview_integrity.service.pipeline import Pipeline
from interview_integrity.service.results import FrameResult
from interview_integrity.stores.base import Expiry
from interview_integrity.stores.memory import MemoryStore
from interview_integrity.vision.analyzer import FrameAnalyzer
from tests.api.conftest import jpeg


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def pipeline(analyzer: FrameAnalyzer, metrics: Metrics) -> AsyncIterator[Pipeline]:
    pipeline = Pipeline(Settings(workers=1), analyzer, MemoryStore(Expiry(60, 60)), metrics)
    yield pipeline
    pipeline.close()


def stage_samples(metrics: Metrics, suffix: str) -> dict[str, float]:
    name = f"ii_frame_stage_seconds{suffix}"
    return {s: metrics.registry.get_sample_value(name, {"stage": s}) or 0.0 for s in STAGES}


async def test_an_analysed_frame_is_timed_stage_by_stage(pipeline: Pipeline, metrics: Metrics) -> None:
    session = await pipeline.sessions.start("cand", None, {}, owner=None)
    await pipeline.frames.analyze(session.id, None, jpeg("face1_grace_hopper.jpg"), 0.0)
    assert stage_samples(metrics, "_count") == dict.fromkeys(STAGES, 1.0)
    seconds = stage_samples(metrics, "_sum")
    assert all(seconds[stage] > 0 for stage in ("decode", "models", "rules", "store", "answer")), seconds
    latency = metrics.registry.get_sample_value("ii_frame_latency_seconds_sum")
    assert latency is not None and sum(seconds.values()) <= latency  # parts of the frame's time, not more
    # the same frame sent again is answered from its kept answer: nothing analysed, nothing timed
    again = await pipeline.frames.analyze(session.id, None, jpeg("face1_grace_hopper.jpg"), 0.0)
    assert again.resent and stage_samples(metrics, "_count") == dict.fromkeys(STAGES, 1.0)


async def test_the_answer_is_written_once_and_sent_as_it_was_kept(pipeline: Pipeline) -> None:
    session = await pipeline.sessions.start("cand", None, {}, owner=None)
    result = await pipeline.frames.analyze(session.id, None, jpeg("faces2_portraits.jpg"), 0.0, frame_id="f0")
    kept = await pipeline.store.answer(session.id, result.frame_index)
    assert result.json_text() == kept == result.model_dump_json()
    assert json.loads(result.json_text()) == result.model_dump(mode="json")
    read_back = FrameResult.model_validate_json(kept)
    assert read_back == result and read_back.json_text() == result.json_text()  # the kept text is no field
    assert json.loads(result.model_copy(update={"resent": True}).json_text())["resent"] is True  # never stale
    # an answer read back from the store is written anew, with what differs from the first one
    again = await pipeline.frames.analyze(session.id, None, jpeg("faces2_portraits.jpg"), 0.0, frame_id="f0")
    assert json.loads(again.json_text()) == {**json.loads(result.json_text()), "resent": True}


async def test_a_lone_first_frame_does_not_wait_for_frames_that_are_not_coming(
    pipeline: Pipeline, metrics: Metrics
) -> None:
    session = await pipeline.sessions.start("cand", None, {}, owner=None)
    for t in (5.0, 5.2):  # the session's first two frames, sent one after the other with the client's timestamps
        await pipeline.frames.analyze(session.id, None, jpeg("face1_grace_hopper.jpg"), t)
    waited = metrics.registry.get_sample_value("ii_frame_stage_seconds_sum", {"stage": "wait"})
    assert waited is not None and waited < 0.3  # not the 0.5 s window, twice


async def test_first_frames_that_race_are_still_analysed_in_time_order(pipeline: Pipeline) -> None:
    session = await pipeline.sessions.start("cand", None, {}, owner=None)

    async def late(t: float) -> FrameResult:
        await asyncio.sleep(0.01)  # sent with the other, a little behind it
        return await pipeline.frames.analyze(session.id, None, jpeg("face1_grace_hopper.jpg"), t)

    ahead, behind = await asyncio.gather(
        pipeline.frames.analyze(session.id, None, jpeg("face1_grace_hopper.jpg"), 0.4), late(0.2)
    )
    assert (behind.frame_index, ahead.frame_index) == (0, 1)
