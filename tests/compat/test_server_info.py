"""The unversioned and informational routes: /health, /version, server-info."""

from __future__ import annotations

import re

import pytest

from runhub import __version__
from runhub.build_info import build_commit

from .rest import Rest

pytestmark = pytest.mark.compat


def test_health_answers_plain_ok(rest: Rest) -> None:
    resp = rest.get("/health")
    assert resp.status_code == 200
    assert resp.text == "OK"
    assert resp.headers["Content-Type"].startswith("text/plain")


def test_version_is_a_plain_version_string(rest: Rest) -> None:
    resp = rest.get("/version")
    assert resp.status_code == 200
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", resp.text.strip()), resp.text
    # The tracing client refuses span logging below 3.4, so the reported version must be >= 3.4.
    major, minor = (int(x) for x in resp.text.split(".")[:2])
    assert (major, minor) >= (3, 4)


@pytest.mark.parametrize("prefix", ["/api", "/ajax-api"])
def test_server_info_is_a_json_object(rest: Rest, prefix: str) -> None:
    body = rest.ok("GET", f"{prefix}/3.0/mlflow/server-info")
    assert isinstance(body, dict)
    assert isinstance(body.get("store_type"), str)
    # The artifact client reads these to choose its upload path; absent means False.
    for key in ("multipart_uploads_enabled", "multipart_downloads_enabled"):
        assert isinstance(body.get(key, False), bool)


@pytest.mark.runhub_only
def test_server_info_names_the_release_and_commit_of_runhub_version(rest: Rest) -> None:
    body = rest.ok("GET", "/api/3.0/mlflow/server-info")
    assert body["runhub_version"] == __version__
    assert body["runhub_commit"] == build_commit()
