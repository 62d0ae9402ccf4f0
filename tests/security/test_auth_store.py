"""The auth store on every backend database: schema, users, grants, roles."""

from __future__ import annotations

import pytest

from runhub.errors import AlreadyExists, InvalidParameter
from runhub.security.auth.migrate import upgrade_auth_schema
from runhub.security.auth.roles import RoleStore
from runhub.security.auth.store import AuthStore
from runhub.security.permissions import Level
from runhub.store.sql.db import Database


def test_users_grants_and_roles(database_url: str) -> None:
    db = Database(database_url)
    try:
        upgrade_auth_schema(db)
        upgrade_auth_schema(db)  # idempotent: a second start changes nothing
        store = AuthStore(db)
        user = store.create_user("ana", "a-long-password")
        with pytest.raises(AlreadyExists):
            store.create_user("ana", "another-password")
        with pytest.raises(InvalidParameter):
            store.create_user("bob", "short")
        assert store.check_password("ana", "a-long-password") == user
        assert store.check_password("ana", "wrong-password") is None
        assert store.check_password("nobody", "a-long-password") is None

        assert store.effective_level(user.id, "experiment", "7", Level.READ) is Level.READ
        store.set_grant(user.id, "experiment", "7", Level.EDIT)
        store.set_grant(user.id, "experiment", "7", Level.MANAGE)  # an update, not a second row
        assert store.grants_of(user.id, "experiment") == {"7": Level.MANAGE}

        roles = RoleStore(db)
        role = roles.create("readers", "default", None)
        roles.add_permission(role["id"], "registered_model", "*", Level.EDIT)
        roles.assign(user.id, role["id"])
        assert store.effective_level(user.id, "registered_model", "m", Level.READ) is Level.EDIT
        roles.add_permission(role["id"], "registered_model", "m", Level.DENY)
        assert store.effective_level(user.id, "registered_model", "m", Level.READ) is Level.DENY
        assert store.effective_level(user.id, "registered_model", "n", Level.READ) is Level.EDIT

        store.rename_resource("registered_model", "m", "m2")
        assert store.effective_level(user.id, "registered_model", "m2", Level.READ) is Level.DENY
        store.delete_user("ana")
        assert store.find_user("ana") is None
        assert roles.members(role["id"]) == []
    finally:
        db.dispose()


def test_login_failures_lock_out_on_every_backend(database_url: str) -> None:
    from runhub.security.auth.login_limits import LoginLimiter, LoginLimits

    db = Database(database_url)
    try:
        upgrade_auth_schema(db)
        limits = LoginLimits(max_failures=2, max_failures_per_address=3, window_s=60, lockout_s=60)
        limiter = LoginLimiter(db, limits)
        limiter.failed("ana", "10.0.0.1")
        assert limiter.retry_after("ana", "10.0.0.1") is None
        limiter.failed("ana", "10.0.0.2")  # the username's second failure, from anywhere
        wait = limiter.retry_after("ana", "10.0.0.9")
        assert wait is not None and 59 <= wait <= 60
        assert limiter.retry_after("bob", "10.0.0.9") is None
        limiter.failed("bob", "10.0.0.1")
        limiter.failed("carl", "10.0.0.1")  # the address's third failure
        assert limiter.retry_after("dora", "10.0.0.1") is not None
        assert limiter.retry_after("dora", "10.0.0.3") is None
        limiter.succeeded("bob")  # clears bob's count, never the address's
        assert limiter.retry_after("bob", "10.0.0.1") is not None
    finally:
        db.dispose()
