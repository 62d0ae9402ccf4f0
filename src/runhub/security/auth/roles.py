"""Roles: named sets of ``(resource_type, resource_pattern, permission)`` grants given to users.

A pattern is a resource id (experiment id, registered model name) or ``*`` for all of the type.
How role grants combine with a user's own grants is in ``AuthStore.effective_level``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from runhub.errors import AlreadyExists, InvalidParameter, NotFound
from runhub.security.auth import tables as t
from runhub.security.auth.store import check_resource_type
from runhub.security.permissions import Level
from runhub.store.sql.db import Database, inserted_id

ROLE_LEVELS = (Level.READ, Level.USE, Level.EDIT, Level.MANAGE, Level.DENY)


def _permission_json(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "role_id": int(row.role_id),
        "resource_type": row.resource_type,
        "resource_pattern": row.resource_pattern,
        "permission": row.permission,
    }


def check_role_level(level: Level) -> Level:
    if level not in ROLE_LEVELS:
        raise InvalidParameter("A role permission is READ, USE, EDIT, MANAGE or DENY.")
    return level


class RoleStore:
    """Roles, their permissions and their members, in the auth database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _role_json(self, conn: Connection, row: Row[Any]) -> dict[str, Any]:
        perms = conn.execute(
            select(t.role_permissions)
            .where(t.role_permissions.c.role_id == row.id)
            .order_by(t.role_permissions.c.id)
        ).all()
        return {
            "id": int(row.id),
            "name": row.name,
            "workspace": row.workspace,
            "description": row.description,
            "permissions": [_permission_json(p) for p in perms],
        }

    def create(self, name: str, workspace: str, description: str | None) -> dict[str, Any]:
        values = {"name": name, "workspace": workspace, "description": description}
        try:
            role_id = self.db.run_write(
                lambda conn: inserted_id(conn.execute(insert(t.roles).values(**values)))
            )
        except IntegrityError:
            raise AlreadyExists(f"Role '{name}' already exists in '{workspace}'.") from None
        return self.get(int(role_id))

    def get(self, role_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            row = conn.execute(select(t.roles).where(t.roles.c.id == role_id)).first()
            if row is None:
                raise NotFound(f"Role with id={role_id} not found")
            return self._role_json(conn, row)

    def roles(self, workspace: str | None = None, user_id: int | None = None) -> list[Any]:
        statement = select(t.roles).order_by(t.roles.c.id)
        if workspace is not None:
            statement = statement.where(t.roles.c.workspace == workspace)
        if user_id is not None:
            ra = t.role_assignments
            statement = statement.join(ra, ra.c.role_id == t.roles.c.id).where(
                ra.c.user_id == user_id
            )
        with self.db.read() as conn:
            return [self._role_json(conn, row) for row in conn.execute(statement).all()]

    def update(self, role_id: int, name: str | None, description: str | None) -> dict[str, Any]:
        values = {k: v for k, v in (("name", name), ("description", description)) if v is not None}
        if values:
            self._change(t.roles, role_id, values, "Role")
        return self.get(role_id)

    def delete(self, role_id: int) -> None:
        def remove(conn: Connection) -> int:
            for table in (t.role_permissions, t.role_assignments):
                conn.execute(delete(table).where(table.c.role_id == role_id))
            return conn.execute(delete(t.roles).where(t.roles.c.id == role_id)).rowcount

        if not self.db.run_write(remove):
            raise NotFound(f"Role with id={role_id} not found")

    def add_permission(
        self, role_id: int, resource_type: str, pattern: str, level: Level
    ) -> dict[str, Any]:
        self.get(role_id)
        values = {
            "role_id": role_id,
            "resource_type": check_resource_type(resource_type),
            "resource_pattern": pattern,
            "permission": check_role_level(level).name,
        }
        new_id = self.db.run_write(
            lambda conn: inserted_id(conn.execute(insert(t.role_permissions).values(**values)))
        )
        return self._permission(int(new_id))

    def _permission(self, permission_id: int) -> dict[str, Any]:
        with self.db.read() as conn:
            row = conn.execute(
                select(t.role_permissions).where(t.role_permissions.c.id == permission_id)
            ).first()
        if row is None:
            raise NotFound(f"Role permission with id={permission_id} not found")
        return _permission_json(row)

    def update_permission(self, permission_id: int, level: Level) -> dict[str, Any]:
        values = {"permission": check_role_level(level).name}
        self._change(t.role_permissions, permission_id, values, "Role permission")
        return self._permission(permission_id)

    def remove_permission(self, permission_id: int) -> None:
        def remove(conn: Connection) -> int:
            table = t.role_permissions
            return conn.execute(delete(table).where(table.c.id == permission_id)).rowcount

        if not self.db.run_write(remove):
            raise NotFound(f"Role permission with id={permission_id} not found")

    def permissions(self, role_id: int) -> list[Any]:
        return list(self.get(role_id)["permissions"])

    def assign(self, user_id: int, role_id: int) -> dict[str, Any]:
        self.get(role_id)
        values = {"user_id": user_id, "role_id": role_id}
        try:
            new_id = self.db.run_write(
                lambda conn: inserted_id(conn.execute(insert(t.role_assignments).values(**values)))
            )
        except IntegrityError:
            raise AlreadyExists("The user already has this role.") from None
        return {"id": int(new_id), "user_id": user_id, "role_id": role_id}

    def unassign(self, user_id: int, role_id: int) -> None:
        def remove(conn: Connection) -> int:
            ra = t.role_assignments
            stmt = delete(ra).where((ra.c.user_id == user_id) & (ra.c.role_id == role_id))
            return conn.execute(stmt).rowcount

        if not self.db.run_write(remove):
            raise NotFound("The user does not have this role.")

    def members(self, role_id: int) -> list[dict[str, Any]]:
        self.get(role_id)
        ra = t.role_assignments
        with self.db.read() as conn:
            rows = conn.execute(select(ra).where(ra.c.role_id == role_id).order_by(ra.c.id))
            return [
                {"id": int(r.id), "user_id": int(r.user_id), "role_id": int(r.role_id)}
                for r in rows
            ]

    def _change(self, table: Any, ident: int, values: dict[str, Any], what: str) -> None:
        def change(conn: Connection) -> int:
            return conn.execute(update(table).where(table.c.id == ident).values(**values)).rowcount

        if not self.db.run_write(change):
            raise NotFound(f"{what} with id={ident} not found")
