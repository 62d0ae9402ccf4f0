"""The account and users pages of a basic-auth server: an admin creates a user, grants them
READ on an experiment, then makes a personal access token on the account page, uses it from a
script and revokes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from .conftest import E2E_ADMIN, basic_auth_server, screenshot

ADMIN = E2E_ADMIN
READER = ("e2e-reader", "reader-password-42")


@pytest.fixture(scope="module")
def auth_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with basic_auth_server(tmp_path_factory.mktemp("e2e-users")) as url:
        yield url


def _sign_in(page: Any, credentials: tuple[str, str] = ADMIN) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(credentials[0])
    page.get_by_label("Password").fill(credentials[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Default").wait_for()


def test_admin_manages_users_grants_and_tokens(browser: Any, auth_url: str) -> None:
    created = requests.post(
        f"{auth_url}/api/2.0/mlflow/experiments/create",
        json={"name": "shared-with-reader"},
        auth=ADMIN,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    experiment_id = created.json()["experiment_id"]

    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=auth_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before revoking
    try:
        _sign_in(page)
        page.get_by_role("link", name="Users").click()
        page.get_by_role("heading", name="Users").wait_for()
        assert page.url.endswith("/admin/users")

        # The server's password rules reach the form as its 400 message.
        page.get_by_label("New username").fill(READER[0])
        page.get_by_label("New user's password").fill("short")
        page.get_by_role("button", name="Create user").click()
        assert "at least" in page.get_by_role("alert").inner_text()

        page.get_by_label("New user's password").fill(READER[1])
        page.get_by_role("button", name="Create user").click()
        row = page.get_by_role("row").filter(has_text=READER[0])
        row.wait_for()
        assert not page.get_by_role("alert").is_visible()
        assert row.get_by_role("cell", name="no", exact=True).is_visible()

        row.get_by_role("button", name="Permissions").click()
        page.get_by_label("Experiment id").fill(experiment_id)
        page.get_by_label("Permission", exact=True).select_option("READ")
        page.get_by_role("button", name="Grant").click()
        grants = page.get_by_role("table", name="Permissions")
        grants.get_by_role("row").filter(has_text=experiment_id).filter(has_text="READ").wait_for()
        screenshot(page, "admin-users")
        listed = requests.get(
            f"{auth_url}/api/3.0/mlflow/users/permissions/list",
            params={"username": READER[0]},
            auth=ADMIN,
            timeout=10,
        ).json()["permissions"]
        assert [(p["resource_type"], p["resource_pattern"], p["permission"]) for p in listed] == [
            ("experiment", experiment_id, "READ")
        ]

        page.get_by_role("link", name=ADMIN[0], exact=True).click()
        page.get_by_role("heading", name="Account").wait_for()
        page.get_by_label("Token name").fill("e2e-script")
        page.get_by_role("button", name="Create token").click()
        secret = page.get_by_label("Token secret").inner_text().strip()
        assert (
            "won't see it again" in page.get_by_role("region", name="New access token").inner_text()
        )
        tokens = page.get_by_role("table", name="Access tokens")
        tokens.get_by_role("row").filter(has_text="e2e-script").wait_for()
        assert secret not in tokens.inner_text()

        search = f"{auth_url}/api/2.0/mlflow/experiments/search"
        bearer = {"Authorization": f"Bearer {secret}"}
        found = requests.get(search, params={"max_results": 10}, headers=bearer, timeout=10)
        assert found.status_code == 200, found.text
        assert "shared-with-reader" in {e["name"] for e in found.json()["experiments"]}

        page.get_by_role("button", name="Revoke token e2e-script").click()
        page.get_by_text("No access tokens yet.").wait_for()
        refused = requests.get(search, params={"max_results": 10}, headers=bearer, timeout=10)
        assert refused.status_code == 401

        # Back on the users page: make the reader an admin, then delete them.
        page.get_by_role("link", name="Users").click()
        page.get_by_role("button", name=f"Make admin: {READER[0]}").click()
        page.get_by_role("button", name=f"Remove admin: {READER[0]}").wait_for()
        user = f"{auth_url}/api/2.0/mlflow/users/get"
        answer = requests.get(user, params={"username": READER[0]}, auth=ADMIN, timeout=10)
        assert answer.json()["user"]["is_admin"] is True
        page.get_by_role("button", name=f"Delete user {READER[0]}").click()
        page.get_by_role("row").filter(has_text=READER[0]).wait_for(state="detached")
        answer = requests.get(user, params={"username": READER[0]}, auth=ADMIN, timeout=10)
        assert answer.status_code == 404
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def test_a_user_changes_their_password_and_sees_no_admin_page(browser: Any, auth_url: str) -> None:
    username, old, new = "e2e-changer", "changer-password-17", "changer-password-new-29"
    made = requests.post(
        f"{auth_url}/api/2.0/mlflow/users/create",
        json={"username": username, "password": old},
        auth=ADMIN,
        timeout=10,
    )
    assert made.status_code == 200, made.text

    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=auth_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _sign_in(page, (username, old))
        assert not page.get_by_role("link", name="Users").count()
        page.goto("/admin/users")
        page.get_by_text("Only admins can manage users.").wait_for()

        page.get_by_role("link", name=username, exact=True).click()
        page.get_by_role("heading", name="Account").wait_for()
        page.get_by_label("Current password").fill("not-my-password")
        page.get_by_label("New password", exact=True).fill(new)
        page.get_by_label("Repeat new password").fill(new)
        page.get_by_role("button", name="Change password").click()
        assert "current password is not correct" in page.get_by_role("alert").inner_text()

        page.get_by_label("Current password").fill(old)
        page.get_by_role("button", name="Change password").click()
        page.get_by_role("status").filter(has_text="Password changed").wait_for()
        current = f"{auth_url}/api/2.0/mlflow/users/current"
        assert requests.get(current, auth=(username, old), timeout=10).status_code == 401
        assert requests.get(current, auth=(username, new), timeout=10).status_code == 200
    finally:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
