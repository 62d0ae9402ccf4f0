"""Streaming plain rows from the driver, for reads too large for per-row ORM processing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.engine import Connection


def adapt_sql(sql: str, dialect: str) -> str:
    """Portable raw SQL: written with ``?`` marks and "double-quoted" identifiers (so reserved
    words such as ``key`` are safe), rewritten for the driver's paramstyle and quoting."""
    if dialect == "sqlite":
        return sql
    sql = sql.replace("?", "%s")
    if dialect in ("mysql", "mariadb"):
        sql = sql.replace('"', "`")
    return sql


def stream_rows(
    conn: Connection, sql: str, params: Sequence[Any], chunk: int
) -> Iterator[list[Any]]:
    """Yield lists of up to ``chunk`` driver tuples for ``sql`` (written with ``?`` marks).

    Rows are fetched incrementally: a server-side cursor on PostgreSQL, an unbuffered cursor on
    MySQL, SQLite's own stepping cursor, so memory stays bounded by ``chunk``.
    """
    name = conn.dialect.name
    dbapi_conn: Any = conn.connection.driver_connection
    sql = adapt_sql(sql, name)
    if name == "sqlite":
        cursor = dbapi_conn.cursor()
    elif name == "postgresql":
        cursor = dbapi_conn.cursor(name="runhub_stream")
        cursor.itersize = chunk
    elif name in ("mysql", "mariadb"):
        import pymysql.cursors  # type: ignore[import-untyped]

        cursor = dbapi_conn.cursor(pymysql.cursors.SSCursor)
    else:
        result = conn.exec_driver_sql(sql, tuple(params))
        for part in result.partitions(chunk):
            yield [tuple(r) for r in part]
        return
    try:
        cursor.execute(sql, tuple(params))
        while True:
            rows = cursor.fetchmany(chunk)
            if not rows:
                break
            yield rows
    finally:
        cursor.close()


def fetch_all(conn: Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    """All rows of ``sql`` (written with ``?`` marks) as plain driver tuples.

    For reads that return many small rows, where SQLAlchemy's per-row processing would cost
    more than the database does. Values arrive as the driver gives them (SQLite booleans are 0/1).
    """
    sql = adapt_sql(sql, conn.dialect.name)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def marks(n: int) -> str:
    """``?, ?, …`` for an IN list of ``n`` values."""
    return ", ".join("?" * n)
