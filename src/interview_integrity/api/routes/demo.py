"""GET /demo: the live demo page (the React InterviewMonitor, built by `make install` into static/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from interview_integrity.api.state import ServicesDep
from interview_integrity.errors import NotFound

router = APIRouter()
STATIC = Path(__file__).resolve().parents[2] / "static"
BUNDLE = STATIC / "demo.js"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Interview integrity: live demo</title><link rel="icon" href="/favicon.ico"></head>
<body style="margin:0;background:#f6f7f9"><div id="root" data-evidence-snapshots="{evidence}"></div>
<script type="module" src="/static/demo.js"></script></body></html>"""

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo not built</title></head>
<body style="font-family:system-ui,sans-serif;margin:40px">
<h1>The demo page is not built</h1>
<p>It is built by <code>make install</code>, which needs Node.js and npm
(<code>cd clients && npm ci && npm run build</code>).
The API itself works: see <a href="/docs">/docs</a>.</p></body></html>"""


@router.get("/demo", response_class=HTMLResponse, tags=["service"], include_in_schema=False)
async def demo(services: ServicesDep) -> HTMLResponse:
    """Allow the camera, see yourself analysed live, end the session and read the report. The page says
    truly what this server keeps: whether it stores evidence snapshots is its setting, given to the page."""
    if not BUNDLE.exists():
        return HTMLResponse(NOT_BUILT)
    return HTMLResponse(PAGE.replace("{evidence}", str(services.settings.evidence_snapshots).lower()))


@router.get("/static/demo.js", include_in_schema=False)
async def demo_bundle() -> FileResponse:
    if not BUNDLE.exists():
        raise NotFound("the demo bundle is not built: run `make install`", code="not_built")
    return FileResponse(BUNDLE, media_type="text/javascript")
