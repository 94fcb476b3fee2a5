"""Settings from the environment (pydantic-settings). Nothing reads os.environ elsewhere.

Top-level names are plain env vars (`SESSION_STORE`, `REDIS_URL`, `API_KEYS`, ...); vision thresholds
are nested and read as `VISION__<NAME>` (e.g. `VISION__OBJECT_EVERY_N_FRAMES=3`).
"""

from __future__ import annotations

import json
import os
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from interview_integrity.vision.settings import DetectorName as DetectorName
from interview_integrity.vision.settings import ObjectThresholds as ObjectThresholds
from interview_integrity.vision.settings import VisionSettings as VisionSettings


class FrameSettings(BaseModel):
    """How a session's frames are put in order and counted once (FRAMES__WINDOW_FRAMES=8, ...)."""

    window_frames: int = Field(
        8,
        ge=1,
        description="A frame that may have earlier frames still on their way (it is not the next one after the "
        "session's last) waits for them until this many of the session's frames wait...",
    )
    window_s: float = Field(
        0.5,
        ge=0,
        le=10,
        description="...or until the session's frames have waited this long with none analysed (since the first "
        "arrived or the last turn ended): then the earliest goes. Frames sent "
        "together reach the server up to a few hundred milliseconds apart on a loaded client; a frame that arrives "
        "after a later one was analysed can only be refused (409). It costs a frame after a skipped one up to this "
        "long, a session's first two frames as long only when other frames of the session are waiting or on their "
        "way (window_alone_s), and nothing to frames sent in order.",
    )
    window_alone_s: float = Field(
        0.05,
        ge=0,
        le=10,
        description="A session's first two frames (no usual interval yet: nothing says what comes next) with no "
        "other frame of the session waiting or on its way in the process wait only this long, for frames sent "
        "with them (a few milliseconds behind), not window_s.",
    )
    answers_kept: int = Field(
        64,
        ge=1,
        le=1000,
        description="The answers of a session's latest frames kept beside it (about 1.1 KB each, expiring with it), so "
        "a frame sent again (the same timestamp or frame_id) is answered again, never analysed or counted twice: "
        "64 frames are 13 s at 5 fps.",
    )
    turn_lease_s: float = Field(
        3.0,
        gt=0.3,
        le=60,
        description="With Redis, the session's turn is a lease of this length, renewed every third of it while its "
        "frame is analysed: a process that dies mid-frame holds its session up to this long.",
    )


class WebRTCSettings(BaseModel):
    """The WebRTC endpoint (POST /sessions/{id}/webrtc). Environment: WEBRTC__FPS=5, ..."""

    enabled: bool = Field(True, description="Offer the endpoint at all.")
    fps: float = Field(
        5.0, gt=0, le=30, description="Frames analysed per second of track time when the offer asks for none."
    )
    max_fps: float = Field(10.0, gt=0, le=30, description="The most an offer may ask for.")
    max_peers: int = Field(16, ge=1, description="Tracks this process receives at once; one more gets 503.")
    max_side: int = Field(
        1280, ge=64, description="A decoded frame's longer side is scaled down to this before analysis."
    )
    ice_servers: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="STUN/TURN URLs the server's side uses (`turn:turn.example.com:3478`); empty on a network "
        "where the browser reaches the server directly. Comma-separated or a JSON list.",
    )
    turn_username: str = ""
    turn_credential: str = ""
    connect_timeout_s: float = Field(
        20.0, gt=0, description="A peer connection that has not connected by then is closed and its slot freed."
    )

    @field_validator("ice_servers", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [v.strip() for v in text.split(",") if v.strip()]
        return value


class Settings(BaseSettings):
    """Service settings. Every field is an environment variable of the same name in capitals."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to listen on (HOST; the container uses 0.0.0.0).")
    port: int = Field(8000, description="Port to listen on (PORT).")
    uvicorn_workers: int = Field(
        1,
        ge=1,
        description="Worker processes, each with its own models (about 450 MB RSS with WORKERS=1, docs/DEPLOYMENT.md); "
        "more than one needs Redis.",
    )
    session_store: Literal["memory", "redis"] = Field(
        "memory",
        description="Where session state lives: memory (one process; every session is lost when the process stops or "
        "restarts) or redis (workers and replicas; sessions outlive a restart, docs/DEPLOYMENT.md).",
    )
    redis_url: str = Field("redis://localhost:6379/0", description="Used when SESSION_STORE=redis.")
    session_idle_ttl_s: int = Field(900, gt=0, description="An active session with no request for this long expires.")
    report_retention_s: int = Field(
        86_400, gt=0, description="Ended sessions and their reports are kept this long, then deleted."
    )
    cleanup_interval_s: float = Field(30.0, gt=0, description="How often the memory store sweeps expired sessions.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Accepted X-API-Key values (JSON list or comma-separated), or named: a JSON object "
        '`{"acme-reviewers": "<key>", ...}`; a decision made with a key shows its name. Empty: no authentication.',
    )
    api_key_names: dict[str, str] = Field(
        default_factory=dict, description="Each key's name, when API_KEYS names them (set from API_KEYS, not alone)."
    )
    console_session_ttl_s: int = Field(
        8 * 3600, gt=0, description="How long a sign-in to the reviewer's console (/console) lasts."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS (JSON list or commas)."
    )
    rate_limit_per_minute: int = Field(
        6000, ge=0, description="Requests (and WebSocket frames) per API key or client address a minute; 0: off."
    )
    max_request_bytes: int = Field(
        12 * 1024 * 1024, gt=0, description="Largest HTTP request body (and WebSocket message) accepted."
    )
    request_body_timeout_s: float = Field(
        30.0,
        gt=0,
        description="A request body must arrive within this (408 otherwise): a 12 MiB frame at 4 Mbit/s takes 25 s; "
        "a client trickling bytes must not hold a connection for ever. Request heads have 10 s (serving.py).",
    )
    workers: int = Field(0, ge=0, description="Frame-analysis threads; 0: one per CPU core.")
    queue_per_worker: int = Field(
        4,
        ge=0,
        description="Frames allowed to wait per worker before REST answers 503 (the WebSocket skips): about 60 ms "
        "of waiting (four frames at the default schedule's mean of 16 ms) absorbs the bursts of sessions that "
        "happen to send at once. With three, 10 sessions at 5 fps on 2 cores had 1-2 of 1,500 frames refused in "
        "4 of 6 runs; with four, none in 4 runs.",
    )
    frames: FrameSettings = Field(default_factory=FrameSettings)
    evidence_snapshots: bool = Field(
        False,
        description="Keep a small JPEG of the frame behind each medium/high event (per-session option "
        "`evidence` overrides). Off by default: no frame is stored unless asked for.",
    )
    report_link_secret: str = Field(
        "",
        description="Signs the report links of GET /sessions/{id}/report-link (the same on every replica). Empty: "
        "derived from API_KEYS, so rotating a key invalidates the links signed with the old set.",
    )
    report_link_ttl_s: int = Field(
        86_400, gt=0, description="How long a signed report link works by default (?ttl_s= asks for less or more)."
    )
    webhook_url: str = Field("", description="Where session.ended and event.high are POSTed; empty: no webhooks.")
    webhook_secret: str = Field("", description="Signs every webhook body (X-Interview-Integrity-Signature).")
    webhook_timeout_s: float = Field(5.0, gt=0, description="An attempt not answered within this is retried.")
    webhook_attempts: int = Field(6, ge=1, le=20, description="Attempts per delivery, 1 s apart then doubling.")
    log_level: str = "INFO"
    vision: VisionSettings = Field(default_factory=VisionSettings)
    webrtc: WebRTCSettings = Field(default_factory=WebRTCSettings)

    @model_validator(mode="before")
    @classmethod
    def _named_keys(cls, data: object) -> object:
        """API_KEYS as a JSON object names its keys: the keys are its values, their names its keys."""
        if not isinstance(data, dict):
            return data
        keys = data.get("api_keys")
        if isinstance(keys, str) and keys.strip().startswith("{"):
            keys = json.loads(keys)
        if isinstance(keys, dict):
            names = {str(key): str(name) for name, key in keys.items()}
            return {**data, "api_keys": list(names), "api_key_names": names}
        return data

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    def worker_count(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)
