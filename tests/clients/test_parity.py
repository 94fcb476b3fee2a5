"""The sync and async clients are twins, method for method, and every method of both is called against a
real server here (a method no test calls is a method nobody knows works)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import cv2
import pytest

from interview_integrity.audio.wav import encode_wav
from interview_integrity.client import AsyncInterviewClient, BadRequestError, InterviewClient, NotFoundError
from tests.audio.sounds import speech
from tests.conftest import DATA
from tests.servers import ServiceProcess

C = TypeVar("C")
SHORT_VIDEO = DATA / "honest" / "hon_glasses_glare_home.mp4"  # 6 s, with its own room sound
SPEECH_WAV = encode_wav(speech()[:16_000], 16_000)


def _sent_both(answers: list[dict[str, Any]]) -> bool:
    """A recording sent over REST: its frames and its seconds of sound, in time order of sending."""
    frames = [a for a in answers if "frame_index" in a]
    sound = [a for a in answers if "duration_s" in a]
    return len(frames) == 13 and len(sound) == 6 and sound[0]["timestamp"] == 0.0


LIFECYCLE = {"close", "aclose"}


def _public(kind: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(kind, inspect.isfunction)
        if not name.startswith("_") and name not in LIFECYCLE
    }


def test_the_twins_offer_the_same_methods_with_the_same_parameters() -> None:
    sync, aio = _public(InterviewClient), _public(AsyncInterviewClient)
    assert sorted(sync) == sorted(aio)
    for name in sync:
        assert inspect.signature(sync[name]).parameters == inspect.signature(aio[name]).parameters, name
        assert inspect.iscoroutinefunction(aio[name]) or inspect.isasyncgenfunction(aio[name]), name
        assert not inspect.iscoroutinefunction(sync[name]), name


def _recording(client: C, called: set[str]) -> C:
    """The client, noting each public method called on it."""

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            called.add(name)
            return getattr(client, name)

    return Recorder()  # type: ignore[return-value]


def test_every_sync_method_against_a_live_server(service: ServiceProcess) -> None:
    called: set[str] = set()
    with InterviewClient(service.url, timeout=60) as raw:
        client = _recording(raw, called)
        session_id = client.start_session("parity-sync", policy="standard", metadata={"round": 1})
        face = (DATA / "face1_grace_hopper.jpg").read_bytes()
        assert client.set_reference_photo(session_id, face)["reference_photo"] == "kept"
        assert client.analyze_frame(session_id, face, 0.0)["faces"]["count"] == 1
        once = client.analyze_frame(session_id, face, 0.2, frame_id="f-1")
        assert client.analyze_frame(session_id, face, 0.2, frame_id="f-1") == {**once, "resent": True}
        two = cv2.imread(str(DATA / "faces2_portraits.jpg"))
        assert client.analyze_frame_from_array(session_id, two, 0.5)["faces"]["count"] == 2
        assert client.analyze_frame_from_file(session_id, DATA / "noface_coffee.png", 1.0)["faces"]["count"] == 0
        event = client.send_client_event(session_id, "tab_hidden", 1.2)["event"]
        assert event["type"] == "tab_hidden"
        heard = client.send_audio(session_id, SPEECH_WAV, 1.0)
        assert heard["timestamp"] == 1.0 and heard["speech_s"] > 0.5
        assert client.calibrate(session_id)["calibration"] == "restarted"
        assert client.get_status(session_id)["frames_analyzed"] == 4  # f-1 once, though sent twice
        assert client.get_report(session_id)["status"] == "active"
        assert client.end_session(session_id)["status"] == "ended"
        decision = client.review(session_id, "dismissed", event_id=event["id"], note="a notification", reviewer="ana")
        assert decision["decision"] == "dismissed" and decision["reviewer"] == "ana"
        assert client.get_report(session_id)["reviews"][0]["event_id"] == event["id"]
        link = client.report_link(session_id, ttl_s=600)
        assert link.startswith(service.url) and "signature=" in link
        listed = client.list_sessions(candidate_id="parity-sync")["sessions"]
        assert [s["session_id"] for s in listed] == [session_id] and listed[0]["status"] == "ended"
        client.delete_session(session_id)
        with pytest.raises(NotFoundError):
            client.get_status(session_id)
        sent = client.send_video(client.start_session("parity-video"), SHORT_VIDEO, fps=2)
        assert _sent_both(sent)
        messages = list(client.stream([two], candidate_id="parity-stream"))
        assert [m["type"] for m in messages] == ["session", "result", "report"]
        streamed = client.start_session("parity-webrtc")
        run = client.stream_webrtc(streamed, DATA / "vid_gaze_center.mp4", fps=2, max_seconds=3)
        assert run.report is not None and run.results and run.report["summary"]["frames_analyzed"] == len(run.results)
        with pytest.raises(BadRequestError) as no_video:  # stream_webrtc sent a real offer through it above
            client.start_webrtc(client.start_session("parity-offer"), {"sdp": "v=0\r\n", "type": "offer"})
        assert no_video.value.code == "no_video_track"
    assert called == set(_public(InterviewClient))


async def test_every_async_method_against_a_live_server(service: ServiceProcess) -> None:
    called: set[str] = set()
    async with AsyncInterviewClient(service.url, timeout=60) as raw:
        client = _recording(raw, called)
        session_id = await client.start_session("parity-async", metadata={"round": 2})
        face = (DATA / "face1_grace_hopper.jpg").read_bytes()
        assert (await client.set_reference_photo(session_id, face))["reference_photo"] == "kept"
        assert (await client.analyze_frame(session_id, face, 0.0))["faces"]["count"] == 1
        again = await client.analyze_frame(session_id, face, 0.0, frame_id="f-0")  # the frame at 0.0, now with an id
        assert again["resent"] is True and again["frame_id"] == "f-0" and again["frame_index"] == 0
        two = cv2.imread(str(DATA / "faces2_portraits.jpg"))
        assert (await client.analyze_frame_from_array(session_id, two, 0.5))["faces"]["count"] == 2
        found = await client.analyze_frame_from_file(session_id, DATA / "noface_coffee.png", 1.0)
        assert found["faces"]["count"] == 0
        event = (await client.send_client_event(session_id, "copy_paste", 1.2))["event"]
        heard = await client.send_audio(session_id, SPEECH_WAV, 1.0)
        assert heard["timestamp"] == 1.0 and heard["speech_s"] > 0.5
        assert (await client.calibrate(session_id))["calibration"] == "restarted"
        assert (await client.get_status(session_id))["frames_analyzed"] == 3
        assert (await client.get_report(session_id))["status"] == "active"
        assert (await client.end_session(session_id))["status"] == "ended"
        decision = await client.review(session_id, "confirmed", event_id=event["id"], reviewer="bo")
        assert decision["decision"] == "confirmed"
        assert "signature=" in await client.report_link(session_id)
        listed = (await client.list_sessions(candidate_id="parity-async"))["sessions"]
        assert [s["session_id"] for s in listed] == [session_id]
        await client.delete_session(session_id)
        assert (await client.list_sessions(candidate_id="parity-async"))["sessions"] == []
        sent = await client.send_video(await client.start_session("parity-async-video"), SHORT_VIDEO, fps=2)
        assert _sent_both(sent)
        messages = [m async for m in client.stream([two], candidate_id="parity-async-stream")]
        assert [m["type"] for m in messages] == ["session", "result", "report"]
        streamed = await client.start_session("parity-async-webrtc")
        run = await client.stream_webrtc(streamed, DATA / "vid_gaze_center.mp4", fps=2, max_seconds=3)
        assert run.report is not None and run.results
        with pytest.raises(BadRequestError) as no_video:
            await client.start_webrtc(await client.start_session("parity-offer"), {"sdp": "v=0\r\n", "type": "offer"})
        assert no_video.value.code == "no_video_track"
    assert called == set(_public(AsyncInterviewClient))
