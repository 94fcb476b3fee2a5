"""/openapi.json as an integrator uses it: a client generated from the live schema (openapi-python-client),
untouched, runs a whole session with an API key; redocly's recommended rules find no error."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import b64
from tests.conftest import REPO
from tests.servers import ServiceProcess

PACKAGE = "generated_interview_client"
KEY = "generated-client-key"


@pytest.fixture(scope="module")
def keyed() -> Iterator[ServiceProcess]:
    server = ServiceProcess({"API_KEYS": KEY})
    yield server
    server.stop()


def _generate(schema: Path, out: Path) -> None:
    bin_dir = Path(sys.executable).parent
    generator = shutil.which("openapi-python-client", path=str(bin_dir)) or "openapi-python-client"
    done = subprocess.run(
        [generator, "generate", "--path", str(schema), "--output-path", str(out), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr


def test_a_generated_client_runs_a_session_with_an_api_key(keyed: ServiceProcess, tmp_path: Path) -> None:
    schema = tmp_path / "openapi.json"
    schema.write_bytes(httpx.get(f"{keyed.url}/openapi.json", timeout=30).content)
    _generate(schema, tmp_path / PACKAGE)
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        models = importlib.import_module(f"{PACKAGE}.models")
        api = f"{PACKAGE}.api"
        start = importlib.import_module(f"{api}.sessions.start_session")
        status = importlib.import_module(f"{api}.sessions.get_session")
        end = importlib.import_module(f"{api}.sessions.end_session")
        report = importlib.import_module(f"{api}.reports.get_report")
        add_frame = importlib.import_module(f"{api}.frames.add_frame")
        upload = importlib.import_module(f"{api}.frames.analyze_frame")  # the multipart form imports cleanly too
        assert callable(upload.sync_detailed)

        with package.AuthenticatedClient(
            base_url=keyed.url, token=KEY, prefix="", auth_header_name="X-API-Key", timeout=httpx.Timeout(60)
        ) as client:
            created = start.sync(client=client, body=models.SessionCreate(candidate_id="generated"))
            assert isinstance(created, models.SessionCreated), created
            for i, name in enumerate(["face1_grace_hopper.jpg", "faces2_zidane.jpg"]):
                body = models.FrameCreate(frame=b64(name), timestamp=float(i))
                result = add_frame.sync(created.session_id, client=client, body=body)
                assert isinstance(result, models.FrameResult), result
                assert result.faces.count == i + 1 and result.frame_index == i
            live = status.sync(created.session_id, client=client)
            assert isinstance(live, models.SessionStatus) and live.frames_analyzed == 2
            assert live.status == models.SessionStatusName.ACTIVE
            ended = end.sync(client=client, body=models.SessionRef(session_id=created.session_id))
            assert isinstance(ended, models.SessionReport), ended
            assert ended.verdict == models.Verdict.CLEAR and ended.summary.frames_analyzed == 2
            again = report.sync(created.session_id, client=client)
            assert isinstance(again, models.SessionReport) and again.status == models.SessionStatusName.ENDED
            missing = status.sync("no-such-session", client=client)
            assert isinstance(missing, models.ErrorResponse)
            assert missing.error.code == models.ErrorCode.SESSION_NOT_FOUND
        with package.Client(base_url=keyed.url, timeout=httpx.Timeout(30)) as anonymous:
            refused = start.sync_detailed(client=anonymous, body=models.SessionCreate(candidate_id="no key"))
            assert refused.status_code == 401
            assert isinstance(refused.parsed, models.ErrorResponse)
            assert refused.parsed.error.code == models.ErrorCode.MISSING_API_KEY
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.parametrize("keys", [False, True])
def test_the_schema_says_how_to_call_and_redocly_finds_no_error(
    keys: bool, keyed: ServiceProcess, service: ServiceProcess, tmp_path: Path
) -> None:
    schema = tmp_path / "openapi.json"
    schema.write_bytes(httpx.get(f"{(keyed if keys else service).url}/openapi.json", timeout=30).content)
    spec = json.loads(schema.read_text())
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    start = spec["paths"]["/start-session"]["post"]
    assert start["security"] == ([{"ApiKey": []}] if keys else [{"ApiKey": []}, {}])  # optional without keys
    assert spec["paths"]["/health"]["get"]["security"] == []
    assert (
        "Retry-After" in start["responses"]["429"]["headers"] and "X-Request-ID" in start["responses"]["201"]["headers"]
    )
    assert set(spec["webhooks"]) == {"session.ended", "event.high"}
    assert start["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SessionCreate"
    }
    redocly = REPO / "clients" / "node_modules" / ".bin" / "redocly"
    done = subprocess.run(
        [str(redocly), "lint", str(schema), "--format=summary"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_examples_work_as_given(service: ServiceProcess) -> None:
    """Swagger's "Try it out" sends these bodies unchanged: each one must be accepted."""
    spec = httpx.get(f"{service.url}/openapi.json", timeout=30).json()
    schemas = spec["components"]["schemas"]

    def example(name: str) -> dict[str, object]:
        [first, *_] = schemas[name]["examples"]
        return dict(first)

    with httpx.Client(base_url=service.url, timeout=60) as client:
        created = client.post("/start-session", json=example("SessionCreate"))
        assert created.status_code == 201, created.text
        session_id = created.json()["session_id"]
        frame = client.post(f"/sessions/{session_id}/frames", json=example("FrameCreate"))
        assert frame.status_code == 200, frame.text
        event = client.post(f"/sessions/{session_id}/client-events", json=example("ClientEventCreate"))
        assert event.status_code == 201, event.text
        review = client.post(f"/sessions/{session_id}/review", json=example("ReviewCreate"))
        assert review.status_code == 201, review.text
