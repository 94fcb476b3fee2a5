"""WebRTC against a real uvicorn on loopback: a real video sent as a VP8 track by aiortc's media player."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer

from interview_integrity.client import AsyncInterviewClient, ConflictError
from tests.conftest import DATA
from tests.servers import ServiceProcess

pytestmark = pytest.mark.slow


async def _offer(with_video: bool = True) -> tuple[RTCPeerConnection, MediaPlayer | None, str]:
    pc = RTCPeerConnection()
    pc.createDataChannel("results")
    player = None
    if with_video:
        player = MediaPlayer(str(DATA / "vid_webcam_normal.mp4"))
        pc.addTrack(player.video)
    await pc.setLocalDescription(await pc.createOffer())
    return pc, player, pc.localDescription.sdp


async def test_a_video_sent_as_a_track_raises_multiple_faces(service: ServiceProcess) -> None:
    async with AsyncInterviewClient(service.url, timeout=60) as client:
        session_id = await client.start_session("webrtc-two-faces")
        run = await client.stream_webrtc(session_id, DATA / "vid_two_faces_books.mp4", fps=5)
        assert run.report is not None
        types = {e["type"] for e in run.report["events"]}
        assert "multiple_faces" in types and run.report["verdict"] in ("review", "high_risk")
        # the data channel delivered one result per analysed frame, the same ones REST reports
        assert run.messages[0]["type"] == "session" and run.messages[0]["transport"] == "webrtc"
        assert len(run.results) + run.skipped == run.server["frames_sampled"]
        assert run.report["summary"]["frames_analyzed"] == len(run.results)
        # a 7.1 s clip at 5 fps of track time: 35 or 36 frames, whatever the arrival jitter
        assert 33 <= run.server["frames_sampled"] <= 37
        assert run.server["frames_received"] > run.server["frames_sampled"]
        assert all(r["media_time_s"] is not None for r in run.results)
        stamps = [r["timestamp"] for r in run.results]
        assert stamps == sorted(stamps) and stamps[0] == 0.0
        assert (await client.get_report(session_id))["events"] == run.report["events"]


async def test_one_track_per_session_and_bad_offers_change_nothing(service: ServiceProcess) -> None:
    async with AsyncInterviewClient(service.url, timeout=60, retries=0) as client:
        session_id = await client.start_session("webrtc-limits")
        running = asyncio.create_task(
            client.stream_webrtc(session_id, DATA / "vid_webcam_normal.mp4", fps=5, max_seconds=4)
        )
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
            for _ in range(100):  # until the first track has been answered
                status = (await http.get(f"/sessions/{session_id}")).json()
                if status["frames_analyzed"] > 0:
                    break
                await asyncio.sleep(0.1)
            pc, player, sdp = await _offer()
            second = await http.post(f"/sessions/{session_id}/webrtc", json={"sdp": sdp, "type": "offer"})
            assert second.status_code == 409 and second.json()["error"]["code"] == "webrtc_active"
            unknown = await http.post("/sessions/nope/webrtc", json={"sdp": sdp, "type": "offer"})
            assert unknown.status_code == 404
            answer_type = await http.post(f"/sessions/{session_id}/webrtc", json={"sdp": sdp, "type": "answer"})
            assert answer_type.status_code == 422
            assert player is not None
            player.video.stop()
            await pc.close()
        run = await running
        assert run.report is not None and run.report["summary"]["frames_analyzed"] == len(run.results) > 5

        # an offer without video, to a fresh session: refused, and the session is untouched
        fresh = await client.start_session("webrtc-no-video")
        pc, _, sdp = await _offer(with_video=False)
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
            refused = await http.post(f"/sessions/{fresh}/webrtc", json={"sdp": sdp, "type": "offer"})
            assert refused.status_code == 400 and refused.json()["error"]["code"] == "no_video_track"
            garbage = await http.post(f"/sessions/{fresh}/webrtc", json={"sdp": "v=0\r\nm=video x", "type": "offer"})
            assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "invalid_sdp"
            assert (await http.get(f"/sessions/{fresh}")).json()["status"] == "active"
        await pc.close()
        await client.end_session(fresh)
        with pytest.raises(ConflictError):
            await client.start_webrtc(fresh, {"sdp": sdp, "type": "offer"})


async def test_the_data_channel_speaks_the_websockets_messages(service: ServiceProcess) -> None:
    async with AsyncInterviewClient(service.url, timeout=60) as client:
        session_id = await client.start_session("webrtc-channel")
        pc = RTCPeerConnection()
        channel = pc.createDataChannel("results")
        player = MediaPlayer(str(DATA / "vid_webcam_normal.mp4"))
        pc.addTrack(player.video)
        inbox: asyncio.Queue[dict[str, object]] = asyncio.Queue()
        channel.on("message", lambda raw: inbox.put_nowait(json.loads(raw)))
        await pc.setLocalDescription(await pc.createOffer())
        answer = await client.start_webrtc(session_id, {"sdp": pc.localDescription.sdp, "type": "offer", "fps": 99})
        assert answer["fps"] == 10.0  # capped by WEBRTC__MAX_FPS
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))

        async def next_of(kind: str) -> dict[str, object]:
            while True:
                message = await asyncio.wait_for(inbox.get(), 30)
                if message["type"] == kind:
                    return message

        assert (await next_of("session"))["session_id"] == session_id
        assert (await next_of("result"))["faces"]["count"] == 1  # type: ignore[index]
        channel.send(json.dumps({"type": "frame", "frame": "AAAA"}))
        assert (await next_of("error"))["code"] == "unknown_message"
        channel.send("not json")
        assert (await next_of("error"))["code"] == "invalid_json"
        channel.send(json.dumps({"type": "client_event", "event": "tab_hidden"}))
        assert (await next_of("client_event"))["event"]["type"] == "tab_hidden"  # type: ignore[index]
        channel.send(json.dumps({"type": "ping"}))
        await next_of("pong")
        channel.send(json.dumps({"type": "end"}))
        report = (await next_of("report"))["report"]
        assert report["status"] == "ended" and report["summary"]["events_by_type"]["tab_hidden"] == 1  # type: ignore[index]
        player.video.stop()
        await pc.close()


def test_keys_are_needed_for_webrtc_as_for_every_session_call(keyed_service: ServiceProcess) -> None:
    with httpx.Client(base_url=keyed_service.url) as http:
        session_id = http.post("/start-session", json={"candidate_id": "k"}, headers={"X-API-Key": "key-a"}).json()
        body = {"sdp": "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", "type": "offer"}
        assert http.post(f"/sessions/{session_id['session_id']}/webrtc", json=body).status_code == 401
        other = http.post(f"/sessions/{session_id['session_id']}/webrtc", json=body, headers={"X-API-Key": "key-b"})
        assert other.status_code == 404


async def test_the_microphone_track_is_heard_beside_the_camera(service: ServiceProcess, tmp_path: object) -> None:
    """A listener's clip with another person's speech laid over it from 3 s (ffmpeg), played as a camera and a
    microphone track of one peer connection: the sound comes back in one-second chunks and the other voice is
    found near its onset; the same clip without its sound track hears nothing."""
    import subprocess
    from pathlib import Path

    clip = Path(str(tmp_path)) / "listener_and_a_voice.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(DATA / "vid_gaze_center.mp4"), "-i",
         str(DATA / "honest" / "hon_hdtf_katie.mp4"), "-filter_complex",
         "[1:a]atrim=0:6,asetpts=PTS-STARTPTS,adelay=3000:all=1[v];[0:a][v]amix=inputs=2:duration=first:normalize=0[a]",
         "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", str(clip)],
        check=True, timeout=120,
    )  # fmt: skip
    async with AsyncInterviewClient(service.url, timeout=60) as client:
        session_id = await client.start_session("webrtc-voice")
        run = await client.stream_webrtc(session_id, clip, fps=5)
        assert run.report is not None
        assert 9 <= run.server["audio_chunks"] <= 11 and len(run.audio_results) == run.server["audio_chunks"]
        starts = [r["timestamp"] for r in run.audio_results]
        assert starts == sorted(starts) and all(
            r["duration_s"] == pytest.approx(1.0, abs=0.05) for r in run.audio_results
        )
        [voice] = [e for e in run.report["events"] if e["type"] == "other_voice"]
        assert abs(voice["started_at"] - 3.0) <= 1.0
        assert {run["kind"] for run in run.report["sound_track"]} >= {"silence", "other_voice"}
        silent = await client.start_session("webrtc-no-sound")
        quiet = await client.stream_webrtc(silent, clip, fps=5, max_seconds=4, sound=False)
        assert quiet.server["audio_chunks"] == 0 and quiet.report is not None
        assert quiet.report["summary"]["sound"] is None
