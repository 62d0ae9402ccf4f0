"""Sign-in cookies ended by sign-out: refused from then on, on every worker and replica.

The cookie is not stored server-side, so sign-out records its random nonce until the time it
would have expired anyway; a copy of the cookie kept elsewhere (a stolen one, another tab's
stale jar) is refused after sign-out rather than working until it expires.
"""

from __future__ import annotations

import time
from contextlib import suppress

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from runhub.security.auth import tables as t
from runhub.store.sql.db import Database

_rows = t.signed_out


class SignOuts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, nonce: str, expires_at: int) -> None:
        """End the sign-in with this nonce; forget ended sign-ins that have expired."""

        def write(conn: Connection) -> None:
            conn.execute(delete(_rows).where(_rows.c.expires_at < int(time.time())))
            conn.execute(insert(_rows).values(nonce=nonce, expires_at=expires_at))

        with suppress(IntegrityError):  # signed out twice: already recorded
            self.db.run_write(write)

    def ended(self, nonce: str) -> bool:
        with self.db.read() as conn:
            row = conn.execute(select(_rows.c.nonce).where(_rows.c.nonce == nonce)).first()
        return row is not None
