"""The lock-out after failed logins, for the sign-in form and HTTP Basic alike.

After ``max_failures`` wrong passwords for one username, or ``max_failures_per_address`` from
one client address, within ``window_s`` seconds, further attempts are refused for
``lockout_s`` seconds without checking the password (cheap, and it tells nothing). The
counters live in the auth database, not in process memory, so every worker and replica
counts the same attempts and honours the same lock.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from runhub.security.auth import tables as t
from runhub.store.sql.db import Database

_rows = t.login_failures
LOCKED_OUT = "Too many failed logins for this user or address: retry in {} seconds."


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 10
    max_failures_per_address: int = 100
    window_s: int = 900
    lockout_s: int = 900


def _subject(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class LoginLimiter:
    """Counts failed logins per username and per address; answers how long a lock lasts."""

    def __init__(self, db: Database, limits: LoginLimits) -> None:
        self.db = db
        self.limits = limits

    def _subjects(self, username: str, address: str) -> list[tuple[str, int]]:
        subjects = [(_subject("user", username), self.limits.max_failures)]
        if address:
            subjects.append((_subject("addr", address), self.limits.max_failures_per_address))
        return subjects

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until this username and address may try again, or None when they may."""
        now = time.time()
        keys = [key for key, _ in self._subjects(username, address)]
        with self.db.read() as conn:
            until = conn.execute(
                select(_rows.c.locked_until).where(
                    and_(_rows.c.subject.in_(keys), _rows.c.locked_until > now)
                )
            ).scalars()
            latest = max(until, default=None)
        return None if latest is None else max(1, math.ceil(latest - now))

    def failed(self, username: str, address: str) -> None:
        """Count one wrong password; lock a subject that reached its limit."""
        now = int(time.time())
        for key, limit in self._subjects(username, address):
            for _ in range(2):  # a concurrent first failure may insert the row first
                try:
                    self.db.run_write(self._count, key, limit, now)
                    break
                except IntegrityError:
                    continue
        self.db.run_write(self._prune, now)

    def succeeded(self, username: str) -> None:
        """A right password clears the username's count (never the address's: one valid
        account must not let an address keep guessing others)."""
        key = _subject("user", username)
        self.db.run_write(lambda conn: conn.execute(delete(_rows).where(_rows.c.subject == key)))

    def _count(self, conn: Connection, key: str, limit: int, now: int) -> None:
        row = conn.execute(select(_rows).where(_rows.c.subject == key).with_for_update()).first()
        if row is None:
            locked = now + self.limits.lockout_s if limit <= 1 else 0
            conn.execute(
                insert(_rows).values(
                    subject=key, failures=0 if locked else 1, window_start=now, locked_until=locked
                )
            )
            return
        failures = int(row.failures) + 1
        start = int(row.window_start)
        if now - start >= self.limits.window_s:
            failures, start = 1, now
        locked_until = int(row.locked_until)
        if failures >= limit:  # locked: the count starts again once the lock expires
            failures, start, locked_until = 0, now, now + self.limits.lockout_s
        conn.execute(
            update(_rows)
            .where(_rows.c.subject == key)
            .values(failures=failures, window_start=start, locked_until=locked_until)
        )

    def _prune(self, conn: Connection, now: int) -> None:
        """Forget counters whose window and lock are both over."""
        conn.execute(
            delete(_rows).where(
                and_(
                    _rows.c.locked_until <= now,
                    _rows.c.window_start < now - self.limits.window_s,
                )
            )
        )


def client_address(client: Sequence[object] | None) -> str:
    """The client's address from an ASGI scope's ``client`` (set by uvicorn's proxy headers
    handling when the proxy is trusted), or "" when the server does not know it."""
    return str(client[0]) if client else ""
