"""GET /docs and /redoc served from the install: Swagger UI and ReDoc come from the npm packages the build
copies into static/docs (clients/scripts/copy-docs.mjs), never from a CDN, so a server with no internet
shows its API docs. When the assets were not built, the pages say so and point at /openapi.json."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from interview_integrity.api.routes.demo import STATIC
from interview_integrity.errors import NotFound

router = APIRouter(include_in_schema=False)
ASSETS = STATIC / "docs"
_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "redoc.standalone.js": "text/javascript",
}
_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API docs not built</title></head>
<body style="font-family:system-ui,sans-serif;margin:40px"><h1>The API docs pages are not built</h1>
<p>They are built by <code>make install</code> (Node.js and npm). The schema itself is at
<a href="/openapi.json">/openapi.json</a>; docs/API.md describes every path.</p></body></html>"""
TITLE = "Interview Integrity Service"


@router.get("/docs")
async def swagger() -> HTMLResponse:
    if not (ASSETS / "swagger-ui-bundle.js").exists():
        return HTMLResponse(_NOT_BUILT)
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{TITLE} · API",
        swagger_js_url="/static/docs/swagger-ui-bundle.js",
        swagger_css_url="/static/docs/swagger-ui.css",
        swagger_favicon_url="/static/docs/favicon-32x32.png",
    )


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    if not (ASSETS / "redoc.standalone.js").exists():
        return HTMLResponse(_NOT_BUILT)
    return get_redoc_html(
        openapi_url="/openapi.json",
        title=f"{TITLE} · API",
        redoc_js_url="/static/docs/redoc.standalone.js",
        redoc_favicon_url="/static/docs/favicon-32x32.png",
        with_google_fonts=False,
    )


@router.get("/static/docs/{name}")
async def asset(name: str) -> FileResponse:
    if name not in _FILES or not (ASSETS / name).exists():
        raise NotFound(f"no docs asset {name!r}", code="not_found")
    return FileResponse(ASSETS / name, media_type=_FILES[name], headers={"Cache-Control": "public, max-age=86400"})
