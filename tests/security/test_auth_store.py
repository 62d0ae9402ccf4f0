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
