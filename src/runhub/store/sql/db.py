"""Database engines and transactions.

SQLite gets two engines on one file: readers share a pool and see WAL snapshots; writers go
through a one-connection pool that opens every transaction with ``BEGIN IMMEDIATE``. Within a
process writers queue on that pool; across processes the busy timeout makes them wait for the
lock instead of failing, and because the write lock is taken up front a reader never has to be
upgraded mid-transaction, so "database is locked" cannot surface to a client.

SQLite commits with ``synchronous=NORMAL`` by default: a process crash loses nothing, a power
loss may lose the last transactions. ``durable=True`` (``--durability full``) commits with
``synchronous=FULL``, so an acknowledged write survives power loss too.

A write that fails because the disk is full raises :class:`~runhub.errors.StorageFull`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, CursorResult, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from runhub.errors import BACKEND_STORE, StartupError, out_of_space_is_storage_full

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Deadlocks and serialization failures on server databases are retried this many times.
WRITE_RETRIES = 5


def _sqlite_pragmas(synchronous: str) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Autocommit at the driver level: transactions are begun explicitly (see _begin_*).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    return on_connect


def _make_sqlite_engine(url: URL, *, immediate: bool, pool_size: int, durable: bool) -> Engine:
    database = url.database or ""
    if database and database != ":memory:":
        parent = os.path.dirname(os.path.abspath(database))
        os.makedirs(parent, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=0 if immediate else 8,
        pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
    )
    event.listen(engine, "connect", _sqlite_pragmas("FULL" if durable else "NORMAL"))
    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin_sql)

    return engine


def _server_engine(url: URL, pool: dict[str, int]) -> Engine:
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() in ("mysql", "mariadb"):
        ssl = {
            key: os.environ[name]
            for key, name in (
                ("ca", "MLFLOW_MYSQL_SSL_CA"),
                ("cert", "MLFLOW_MYSQL_SSL_CERT"),
                ("key", "MLFLOW_MYSQL_SSL_KEY"),
            )
            if os.environ.get(name)
        }
        if ssl:
            connect_args["ssl"] = ssl
        connect_args.setdefault("charset", "utf8mb4")
    # Every connection ends its transaction itself (``Database.read``/``write``), so the pool's
    # rollback on return only repeats it, and on a connection the database has just ended it
    # fails and logs a traceback; a dead connection is replaced by the ping at its next use.
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "pool_reset_on_return": None, **pool}
    if url.get_backend_name() == "postgresql":
        kwargs["isolation_level"] = "READ COMMITTED"
    return create_engine(url, connect_args=connect_args, **kwargs)


class Database:
    """The engines for one backend store and the transactions the stores run in.

    ``durable`` makes SQLite commits survive power loss (``synchronous=FULL``); a server
    database's durability is its own configuration.
    """

    def __init__(
        self, uri: str, pool: dict[str, int] | None = None, *, durable: bool = False
    ) -> None:
        self.uri = uri
        try:
            self.url = make_url(uri)
        except Exception as exc:
            raise StartupError(
                f"'{uri}' is not a database URL; use e.g. sqlite:///mlflow.db or "
                "postgresql://user@host/db"
            ) from exc
        self.dialect = self.url.get_backend_name()
        if self.dialect == "sqlite":
            self.reader = _make_sqlite_engine(
                self.url, immediate=False, pool_size=8, durable=durable
            )
            self.writer = _make_sqlite_engine(
                self.url, immediate=True, pool_size=1, durable=durable
            )
        else:
            self.reader = self.writer = _server_engine(self.url, pool or {})

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (a consistent snapshot on SQLite WAL)."""
        with self.reader.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction; commits on success, rolls back on any exception.

        Raises :class:`StorageFull` when the database's disk is full.
        """
        with (
            out_of_space_is_storage_full(BACKEND_STORE),
            self.writer.connect() as conn,
            conn.begin(),
        ):
            yield conn

    def run_write(self, fn: Any, *args: Any) -> Any:
        """Run ``fn(conn, *args)`` in a write transaction, retrying deadlocks."""
        for attempt in range(WRITE_RETRIES):
            try:
                with self.write() as conn:
                    return fn(conn, *args)
            except OperationalError as exc:
                if attempt + 1 == WRITE_RETRIES or not _is_retryable(exc):
                    raise
                time.sleep(0.01 * (2**attempt))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def _is_retryable(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(
        marker in text
        for marker in ("deadlock", "could not serialize", "lock wait timeout", "database is locked")
    )


def inserted_id(result: CursorResult[Any]) -> int:
    """The autoincremented primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])
