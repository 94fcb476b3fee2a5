"""A client generated from the live /openapi.json (openapi-python-client, as an integrator would) starts,
feeds, reads and ends a session on the real service: the schema is complete enough to be used, not only read."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from tests.api.conftest import b64
from tests.servers import ServiceProcess

PACKAGE = "generated_interview_client"


def test_a_generated_client_runs_a_session(service: ServiceProcess, tmp_path: Path) -> None:
    schema = tmp_path / "openapi.json"
    schema.write_bytes(httpx.get(f"{service.url}/openapi.json", timeout=30).content)
    bin_dir = Path(sys.executable).parent
    generator = shutil.which("openapi-python-client", path=str(bin_dir)) or "openapi-python-client"
    done = subprocess.run(
        [generator, "generate", "--path", str(schema), "--output-path", str(tmp_path / PACKAGE), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    # openapi-python-client 0.29 annotates a required body with several content types (our JSON or multipart
    # frame) as `| Unset` without importing it (its issue #1451, fix pending in #1478): the one-line patch
    # docs/API.md gives integrators
    analyze_file = tmp_path / PACKAGE / "api" / "frames" / "analyze_frame.py"
    source = analyze_file.read_text()
    if "Unset" in source and "import UNSET, Response, Unset" not in source:
        analyze_file.write_text(source.replace("import UNSET, Response", "import UNSET, Response, Unset", 1))

    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        sessions = importlib.import_module(f"{PACKAGE}.api.sessions")
        frames = importlib.import_module(f"{PACKAGE}.api.frames")
        models = importlib.import_module(f"{PACKAGE}.models")
        start = importlib.import_module(f"{sessions.__name__}.start_session")
        get = importlib.import_module(f"{sessions.__name__}.get_session")
        end = importlib.import_module(f"{sessions.__name__}.end_session")
        analyze = importlib.import_module(f"{frames.__name__}.analyze_frame")

        with package.Client(base_url=service.url, timeout=httpx.Timeout(60)) as client:
            created = start.sync(client=client, body=models.SessionCreate(candidate_id="generated"))
            assert isinstance(created, models.SessionCreated), created
            for i, name in enumerate(["face1_grace_hopper.jpg", "faces2_zidane.jpg"]):
                body = models.AnalyzeFrameJsonFrameSubmit(session_id=created.session_id, frame=b64(name), timestamp=i)
                result = analyze.sync(client=client, body=body)
                assert isinstance(result, models.FrameResult), result
                assert result.faces.count == i + 1
            status = get.sync(created.session_id, client=client)
            assert isinstance(status, models.SessionStatus) and status.frames_analyzed == 2
            report = end.sync(client=client, body=models.SessionRef(session_id=created.session_id))
            assert isinstance(report, models.SessionReport), report
            assert report.session_id == created.session_id and report.verdict.value in ("clear", "review", "high_risk")
            missing = get.sync("no-such-session", client=client)
            assert isinstance(missing, models.ErrorResponse) and missing.error.code == "session_not_found"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
