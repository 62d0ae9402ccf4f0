"""The web app's routes: hashed assets with long cache lifetimes, and ``index.html`` for every
other browser path so deep links work (the app's router reads the URL).

The fallback only answers GET/HEAD on paths that no server route claims, so it never turns an
API 404 or 405 into a page. ``index.html`` is sent with a ``<base href>`` naming the mount
point (``--static-prefix``), from which the app resolves its assets, API calls and links.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

DIST_DIR = Path(__file__).parent / "dist"
ASSETS_PATH = "/static-files"
# Paths at or under these belong to a protocol even when no route matches them, so a client
# that asks for one gets a JSON 404, never the web app's page.
PROTOCOL_ROOTS = (
    "/api",
    "/ajax-api",
    "/gateway",
    "/v1",
    "/v2",
    "/graphql",
    "/get-artifact",
    "/model-versions",
    "/health",
    "/version",
    "/metrics",
    "/invocations",
    "/ping",
    "/mlflow",
)
# Asset names carry a content hash, so a browser may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"

NOT_BUILT = """<!doctype html><html><head><meta charset="utf-8"><title>runhub</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>runhub</h1>
<p>The tracking API is running, but the web UI has not been built.</p>
<p>Build it with <code>make install</code> (or <code>npm ci &amp;&amp; npm run build</code> in
<code>ui/</code>).</p></body></html>"""


class HashedAssets(StaticFiles):
    """Static files with far-future cache headers; a missing file is a plain 404."""

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


class AppFallback(BaseRoute):
    """``index.html`` for GET/HEAD on any path that neither the API nor another route owns."""

    def __init__(self, dist: Path, claimed: Sequence[BaseRoute]) -> None:
        self.dist = dist
        self.claimed = list(claimed)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return Match.NONE, {}
        path = route_path(scope)
        if is_protocol_path(path) or path.startswith(ASSETS_PATH + "/"):
            return Match.NONE, {}
        # A server route with this path but another method must keep answering 405.
        if any(route.matches(scope)[0] != Match.NONE for route in self.claimed):
            return Match.NONE, {}
        return Match.FULL, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await index_page(Request(scope, receive), self.dist)
        await response(scope, receive, send)


def is_protocol_path(path: str) -> bool:
    """True for a path that names a protocol route (existing or not) rather than a page."""
    return any(path == root or path.startswith(root + "/") for root in PROTOCOL_ROOTS)


def route_path(scope: Scope) -> str:
    """The request path below the mount point (the static prefix), as routes inside it see it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path


async def index_page(request: Request, dist: Path) -> Response:
    index = dist / "index.html"
    # index.html names the current asset hashes, so browsers must revalidate it every time.
    headers = {"Cache-Control": "no-cache"}
    if not index.is_file():
        return HTMLResponse(NOT_BUILT, headers=headers)
    base = html.escape(request.scope.get("root_path", "").rstrip("/") + "/", quote=True)
    page = index.read_text(encoding="utf-8").replace("<head>", f'<head><base href="{base}">', 1)
    return HTMLResponse(page, headers=headers)


def ui_routes(claimed: Sequence[BaseRoute], dist: Path = DIST_DIR) -> list[BaseRoute]:
    """Routes for the web app, to be placed after every server route in ``claimed``."""
    assets = dist / ASSETS_PATH.lstrip("/")
    routes: list[BaseRoute] = [
        Mount(ASSETS_PATH, app=HashedAssets(directory=assets, check_dir=False)),
    ]
    if not assets.is_dir():
        # Without a build, asset URLs answer 404 instead of raising inside StaticFiles.
        routes = [Route(ASSETS_PATH + "/{path:path}", _missing_asset)]
    routes.append(AppFallback(dist, claimed))
    return routes


async def _missing_asset(request: Request) -> Response:
    return Response("Not Found", status_code=404, media_type="text/plain")
