"""Users, their credentials and their permissions, in the auth database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from runhub.errors import AlreadyExists, InvalidParameter, NotFound
from runhub.security.auth import tables as t
from runhub.security.auth.passwords import (
    DUMMY_HASH,
    KNOWN_WEAK,
    hash_password,
    new_token,
    password_problem,
    token_digest,
    verify_password,
)
from runhub.security.permissions import Level
from runhub.store.sql.db import Database, inserted_id
from runhub.times import now_ms

RESOURCE_TYPES = ("experiment", "registered_model")
MAX_USERNAME_LENGTH = 255


@dataclass(frozen=True)
class User:
    id: int
    username: str
    is_admin: bool

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "username": self.username, "is_admin": self.is_admin}


@dataclass(frozen=True)
class Grant:
    user_id: int
    resource_type: str
    resource_id: str
    permission: Level


def check_resource_type(resource_type: str) -> str:
    if resource_type not in RESOURCE_TYPES:
        raise InvalidParameter(
            f"Invalid resource_type '{resource_type}'; expected one of {', '.join(RESOURCE_TYPES)}"
        )
    return resource_type


def _user(row: object) -> User:
    return User(int(row.id), str(row.username), bool(row.is_admin))  # type: ignore[attr-defined]


class AuthStore:
    """The auth database: one instance per server process."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # Users -------------------------------------------------------------------------------

    def count_users(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(select(func.count()).select_from(t.users)).scalar_one())

    def create_user(self, username: str, password: str, is_admin: bool = False) -> User:
        """A new user; InvalidParameter for a bad name or weak password, AlreadyExists."""
        if not isinstance(username, str) or not username.strip():
            raise InvalidParameter("Username must not be empty.")
        if len(username) > MAX_USERNAME_LENGTH or ":" in username:
            raise InvalidParameter("Username must be at most 255 characters and contain no ':'.")
        problem = password_problem(password, username)
        if problem:
            raise InvalidParameter(problem)
        row = {
            "username": username,
            "password_hash": hash_password(password),
            "is_admin": is_admin,
            "created_time": now_ms(),
        }
        try:
            user_id = self.db.run_write(
                lambda conn: inserted_id(conn.execute(insert(t.users).values(**row)))
            )
        except IntegrityError:
            raise AlreadyExists(f"User '{username}' already exists.") from None
        return User(int(user_id), username, is_admin)

    def find_user(self, username: str) -> User | None:
        with self.db.read() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
        return _user(row) if row else None

    def get_user(self, username: str) -> User:
        user = self.find_user(username)
        if user is None:
            raise NotFound(f"User with username={username} not found")
        return user

    def user_by_id(self, user_id: int) -> User | None:
        with self.db.read() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return _user(row) if row else None

    def user_and_hash(self, user_id: int) -> tuple[User, str] | None:
        """The user and their password hash (for the sign-in cookie's fingerprint), or None."""
        with self.db.read() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return (_user(row), str(row.password_hash)) if row else None

    def list_users(self) -> list[User]:
        with self.db.read() as conn:
            return [_user(r) for r in conn.execute(select(t.users).order_by(t.users.c.id))]

    def check_password(self, username: str, password: str) -> User | None:
        """The user whose password this is, or None (same work whether or not the user exists)."""
        verified = self.verify_password(username, password)
        return verified[0] if verified else None

    def verify_password(self, username: str, password: str) -> tuple[User, str] | None:
        """The user whose password this is and the hash it was checked against, or None."""
        with self.db.read() as conn:
            row = conn.execute(select(t.users).where(t.users.c.username == username)).first()
        stored = str(row.password_hash) if row else DUMMY_HASH
        valid = verify_password(stored, password)
        if row is None or not valid or password.lower() in KNOWN_WEAK:
            return None
        return _user(row), stored

    def update_password(self, username: str, password: str) -> None:
        problem = password_problem(password, username)
        if problem:
            raise InvalidParameter(problem)
        self._update_user(username, password_hash=hash_password(password))

    def set_admin(self, username: str, is_admin: bool) -> None:
        self._update_user(username, is_admin=is_admin)

    def _update_user(self, username: str, **values: object) -> None:
        def change(conn: Connection) -> int:
            stmt = update(t.users).where(t.users.c.username == username).values(**values)
            return conn.execute(stmt).rowcount

        if not self.db.run_write(change):
            raise NotFound(f"User with username={username} not found")

    def delete_user(self, username: str) -> None:
        user = self.get_user(username)

        def remove(conn: Connection) -> None:
            for table in (t.grants, t.tokens, t.role_assignments):
                conn.execute(delete(table).where(table.c.user_id == user.id))
            conn.execute(delete(t.users).where(t.users.c.id == user.id))

        self.db.run_write(remove)

    # Tokens ------------------------------------------------------------------------------

    def create_token(self, user_id: int, name: str) -> str:
        """A new personal access token for the user; only its digest is stored."""
        token = new_token()
        row = {
            "user_id": user_id,
            "name": name,
            "token_hash": token_digest(token),
            "created_time": now_ms(),
        }
        self.db.run_write(lambda conn: conn.execute(insert(t.tokens).values(**row)))
        return token

    def list_tokens(self, user_id: int) -> list[dict[str, object]]:
        """The user's tokens (id, name, created_time); the secrets are never stored."""
        with self.db.read() as conn:
            rows = conn.execute(
                select(t.tokens.c.id, t.tokens.c.name, t.tokens.c.created_time)
                .where(t.tokens.c.user_id == user_id)
                .order_by(t.tokens.c.id)
            ).all()
        return [
            {"id": int(r.id), "name": r.name, "created_time": int(r.created_time)} for r in rows
        ]

    def revoke_token(self, user_id: int, token_id: int) -> None:
        def remove(conn: Connection) -> int:
            key = (t.tokens.c.id == token_id) & (t.tokens.c.user_id == user_id)
            return conn.execute(delete(t.tokens).where(key)).rowcount

        if not self.db.run_write(remove):
            raise NotFound(f"Access token with id={token_id} not found")

    def check_token(self, token: str) -> User | None:
        with self.db.read() as conn:
            row = conn.execute(
                select(t.users)
                .join(t.tokens, t.tokens.c.user_id == t.users.c.id)
                .where(t.tokens.c.token_hash == token_digest(token))
            ).first()
        return _user(row) if row else None

    # Permissions -------------------------------------------------------------------------

    def set_grant(self, user_id: int, resource_type: str, resource_id: str, level: Level) -> None:
        check_resource_type(resource_type)
        key = (
            (t.grants.c.user_id == user_id)
            & (t.grants.c.resource_type == resource_type)
            & (t.grants.c.resource_id == resource_id)
        )

        def upsert(conn: Connection) -> None:
            changed = conn.execute(update(t.grants).where(key).values(permission=level.name))
            if not changed.rowcount:
                conn.execute(
                    insert(t.grants).values(
                        user_id=user_id,
                        resource_type=resource_type,
                        resource_id=resource_id,
                        permission=level.name,
                    )
                )

        self.db.run_write(upsert)

    def delete_grant(self, user_id: int, resource_type: str, resource_id: str) -> bool:
        def remove(conn: Connection) -> int:
            return conn.execute(
                delete(t.grants).where(
                    (t.grants.c.user_id == user_id)
                    & (t.grants.c.resource_type == resource_type)
                    & (t.grants.c.resource_id == resource_id)
                )
            ).rowcount

        return bool(self.db.run_write(remove))

    def rename_resource(self, resource_type: str, old: str, new: str) -> None:
        """Grants follow a renamed resource (a registered model's new name)."""
        for table, column in ((t.grants, "resource_id"), (t.role_permissions, "resource_pattern")):
            key = (table.c.resource_type == resource_type) & (table.c[column] == old)
            self.db.run_write(
                lambda conn, key=key, table=table, column=column: conn.execute(
                    update(table).where(key).values({column: new})
                )
            )

    def forget_resource(self, resource_type: str, resource_id: str) -> None:
        """Drop the grants on a deleted resource, so a new one of the same name starts clean."""
        for table, column in ((t.grants, "resource_id"), (t.role_permissions, "resource_pattern")):
            key = (table.c.resource_type == resource_type) & (table.c[column] == resource_id)
            self.db.run_write(
                lambda conn, key=key, table=table: conn.execute(delete(table).where(key))
            )

    def grant_of(self, user_id: int, resource_type: str, resource_id: str) -> Level | None:
        """The user's own grant on the resource, if any."""
        with self.db.read() as conn:
            value = conn.execute(
                select(t.grants.c.permission).where(
                    (t.grants.c.user_id == user_id)
                    & (t.grants.c.resource_type == resource_type)
                    & (t.grants.c.resource_id == resource_id)
                )
            ).scalar()
        return Level[value] if value else None

    def grants_of(self, user_id: int, resource_type: str) -> dict[str, Level]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(t.grants.c.resource_id, t.grants.c.permission).where(
                    (t.grants.c.user_id == user_id) & (t.grants.c.resource_type == resource_type)
                )
            ).all()
        return {str(r.resource_id): Level[r.permission] for r in rows}

    def all_grants_of(self, user_id: int) -> list[Grant]:
        with self.db.read() as conn:
            rows = conn.execute(select(t.grants).where(t.grants.c.user_id == user_id)).all()
        return [Grant(user_id, r.resource_type, r.resource_id, Level[r.permission]) for r in rows]

    def role_patterns_of(self, user_id: int, resource_type: str) -> list[tuple[str, Level]]:
        """(pattern, level) of every role permission the user holds on ``resource_type``."""
        rp, ra = t.role_permissions, t.role_assignments
        with self.db.read() as conn:
            rows = conn.execute(
                select(rp.c.resource_pattern, rp.c.permission)
                .join(ra, ra.c.role_id == rp.c.role_id)
                .where((ra.c.user_id == user_id) & (rp.c.resource_type == resource_type))
            ).all()
        return [(str(r.resource_pattern), Level[r.permission]) for r in rows]

    def effective_level(
        self, user_id: int, resource_type: str, resource_id: str, default: Level
    ) -> Level:
        """The user's own grant if any; else a DENY or the best of the role grants matching
        the resource (its id or ``*``); else ``default``. One read transaction."""
        g, rp, ra = t.grants, t.role_permissions, t.role_assignments
        with self.db.read() as conn:
            own = conn.execute(
                select(g.c.permission).where(
                    (g.c.user_id == user_id)
                    & (g.c.resource_type == resource_type)
                    & (g.c.resource_id == resource_id)
                )
            ).scalar()
            if own:
                return Level[own]
            matching = [
                Level[name]
                for name in conn.execute(
                    select(rp.c.permission)
                    .join(ra, ra.c.role_id == rp.c.role_id)
                    .where(
                        (ra.c.user_id == user_id)
                        & (rp.c.resource_type == resource_type)
                        & rp.c.resource_pattern.in_(["*", resource_id])
                    )
                ).scalars()
            ]
        if Level.DENY in matching:  # a veto wins over any positive role grant
            return Level.DENY
        return max(matching) if matching else default
