"""Signing in to a basic-auth server through the web UI's form (no browser Basic prompt),
writing through the cookie (the UI sends the CSRF token), and signing out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .conftest import E2E_ADMIN, basic_auth_server, screenshot

ADMIN = E2E_ADMIN


@pytest.fixture(scope="module")
def auth_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with basic_auth_server(tmp_path_factory.mktemp("e2e-auth")) as url:
        yield url


def test_sign_in_through_the_form(browser: Any, auth_url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=auth_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto("/")
        page.get_by_role("heading", name="Sign in").wait_for()
        screenshot(page, "sign-in")

        page.get_by_label("Username").fill(ADMIN[0])
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        assert "Wrong username or password" in page.get_by_role("alert").inner_text()

        page.get_by_label("Password").fill(ADMIN[1])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Default").wait_for()
        assert page.url.endswith("/experiments")
        assert page.get_by_role("button", name="Sign out").is_visible()
        cookie = next(c for c in context.cookies() if c["name"] == "runhub_signin")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        # A write through the cookie: the UI sends the CSRF token, the server accepts it.
        page.get_by_role("button", name="New experiment").click()
        page.get_by_label("Experiment name").fill("made-after-sign-in")
        page.get_by_role("button", name="Create").click()
        page.get_by_role("link", name="made-after-sign-in").wait_for()
        found = requests.get(
            f"{auth_url}/api/2.0/mlflow/experiments/get-by-name",
            params={"experiment_name": "made-after-sign-in"},
            auth=ADMIN,
            timeout=10,
        )
        assert found.status_code == 200

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="Sign in").wait_for()
        page.reload()
        page.get_by_role("heading", name="Sign in").wait_for()
        assert not [c for c in context.cookies() if c["name"] == "runhub_signin"]
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
