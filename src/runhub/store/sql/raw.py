"""Streaming plain rows from the driver, for reads too large for per-row ORM processing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.engine import Connection


def stream_rows(
    conn: Connection, sql: str, params: Sequence[Any], chunk: int
) -> Iterator[list[Any]]:
    """Yield lists of up to ``chunk`` driver tuples for ``sql`` (written with ``?`` marks).

    Rows are fetched incrementally: a server-side cursor on PostgreSQL, an unbuffered cursor on
    MySQL, SQLite's own stepping cursor, so memory stays bounded by ``chunk``.
    """
    name = conn.dialect.name
    dbapi_conn: Any = conn.connection.driver_connection
    if name == "sqlite":
        cursor = dbapi_conn.cursor()
    elif name == "postgresql":
        sql = sql.replace("?", "%s")
        cursor = dbapi_conn.cursor(name="runhub_stream")
        cursor.itersize = chunk
    elif name in ("mysql", "mariadb"):
        import pymysql.cursors  # type: ignore[import-untyped]

        sql = sql.replace("?", "%s")
        cursor = dbapi_conn.cursor(pymysql.cursors.SSCursor)
    else:
        result = conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params))
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
