"""Dialect-aware bulk "insert or update" and "insert unless present"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, and_, or_
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from runhub.store.sql.raw import adapt_sql

# SQL Server refuses statements with more than 2,100 parameters; stay well below.
MAX_BOUND_PARAMETERS = 2000


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update_columns: Sequence[str],
) -> None:
    """Insert ``rows``; where a row with the same ``keys`` exists, overwrite ``update_columns``."""
    if not rows:
        return
    name = conn.dialect.name
    if name == "sqlite":
        stmt = sqlite.insert(table)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={c: getattr(stmt.excluded, c) for c in update_columns},
            ),
            list(rows),
        )
    elif name == "postgresql":
        pstmt = postgresql.insert(table)
        conn.execute(
            pstmt.on_conflict_do_update(
                index_elements=list(keys),
                set_={c: getattr(pstmt.excluded, c) for c in update_columns},
            ),
            list(rows),
        )
    elif name in ("mysql", "mariadb"):
        mstmt = mysql.insert(table)
        conn.execute(
            mstmt.on_duplicate_key_update({c: mstmt.inserted[c] for c in update_columns}),
            list(rows),
        )
    else:
        _portable_upsert(conn, table, rows, keys, update_columns)


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, silently skipping those whose primary key is already present."""
    if not rows:
        return
    name = conn.dialect.name
    if name == "sqlite":
        conn.execute(sqlite.insert(table).on_conflict_do_nothing(), list(rows))
    elif name == "postgresql":
        conn.execute(postgresql.insert(table).on_conflict_do_nothing(), list(rows))
    elif name in ("mysql", "mariadb"):
        conn.execute(table.insert().prefix_with("IGNORE"), list(rows))
    else:
        keys = [c.name for c in table.primary_key.columns]
        _portable_upsert(conn, table, rows, keys, [])


def _portable_upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update_columns: Sequence[str],
) -> None:
    # Databases without an upsert statement (MSSQL): find existing keys, then insert/update.
    key_cols = [table.c[k] for k in keys]
    wanted = {tuple(r[k] for k in keys): r for r in rows}
    existing: set[tuple[Any, ...]] = set()
    batch = max(1, MAX_BOUND_PARAMETERS // len(key_cols))
    candidates = list(wanted)
    for i in range(0, len(candidates), batch):
        lookup = table.select().with_only_columns(*key_cols)
        existing.update(
            tuple(row)
            for row in conn.execute(lookup.where(_key_in(key_cols, candidates[i : i + batch])))
        )
    new = [r for k, r in wanted.items() if k not in existing]
    if new:
        conn.execute(table.insert(), new)
    if update_columns:
        for key in existing:
            row = wanted[key]
            conn.execute(
                table.update()
                .where(and_(*(c == v for c, v in zip(key_cols, key, strict=True))))
                .values({c: row[c] for c in update_columns})
            )


def _key_in(key_cols: Sequence[Any], keys: Sequence[tuple[Any, ...]]) -> ColumnElement[bool]:
    # SQL Server has no row-value IN: one column uses IN, several an OR of ANDs.
    if len(key_cols) == 1:
        return key_cols[0].in_([k[0] for k in keys])  # type: ignore[no-any-return]
    return or_(*(and_(*(c == v for c, v in zip(key_cols, k, strict=True))) for k in keys))


def insert_ignore_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """:func:`insert_ignore` for plain tuples, straight to the driver's executemany.

    Used on the hottest write path (metric points), where building a parameter dict per row
    through the SQL compiler costs more than the database does.
    """
    if not rows:
        return
    name = conn.dialect.name
    cols = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join("?" for _ in columns)
    if name == "sqlite":
        sql = f'INSERT OR IGNORE INTO "{table.name}" ({cols}) VALUES ({values})'
    elif name == "postgresql":
        sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({values}) ON CONFLICT DO NOTHING'
    elif name in ("mysql", "mariadb"):
        sql = f'INSERT IGNORE INTO "{table.name}" ({cols}) VALUES ({values})'
    else:
        insert_ignore(conn, table, [dict(zip(columns, r, strict=True)) for r in rows])
        return
    conn.exec_driver_sql(adapt_sql(sql, name), list(rows))
