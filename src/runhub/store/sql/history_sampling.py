"""Sampling one metric history at evenly spaced steps, with plain driver SQL.

The compare chart asks for ~350 points of each of 100 runs in one request, so this runs a few
hundred times per request: statements are written once as driver SQL (no per-call statement
building), and a dense history (every step logged, the common case) costs three index reads
per run: its lowest step, its highest step, and the rows at the chosen steps.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from runhub.store.protocols import PointRow
from runhub.store.sql.raw import fetch_all, marks

_POINTS = 'SELECT step, "timestamp", "value", is_nan FROM metric_points WHERE series_pk = ?'
_ORDER = ' ORDER BY step, "timestamp", "value", is_nan'


def sample_series(
    conn: Connection, series_pk: int, start: int | None, end: int | None, max_results: int
) -> list[PointRow]:
    """The points at up to ``max_results`` evenly spaced logged steps of the series within
    ``[start, end]``; the first and last logged step in range are always among them."""
    window, params = "", [series_pk]
    if start is not None:
        window += " AND step >= ?"
        params.append(start)
    if end is not None:
        window += " AND step <= ?"
        params.append(end)
    # Two statements: SQLite answers a lone min() or max() from the index, not both at once.
    low = _scalar(conn, "SELECT MIN(step) FROM metric_points WHERE series_pk = ?" + window, params)
    high = _scalar(conn, "SELECT MAX(step) FROM metric_points WHERE series_pk = ?" + window, params)
    if low is None or high is None:
        return []
    if high == low or max_results == 1:
        targets = [low] if max_results == 1 else [low, high]
    else:
        n = max_results
        targets = sorted({low + (high - low) * i // (n - 1) for i in range(n)})
    rows = _rows_at(conn, series_pk, targets)
    logged = {r[0] for r in rows}
    # Sparse numbering: a target that was not logged stands for the next logged step after it
    # (one index seek each); targets that seek jumps over were not logged either.
    extra: list[int] = []
    floor = targets[0] - 1
    for target in targets:
        if target <= floor:
            continue
        if target in logged:
            floor = target
            continue
        step = _scalar(
            conn,
            "SELECT step FROM metric_points WHERE series_pk = ? AND step >= ? AND step <= ? "
            "ORDER BY step LIMIT 1",
            [series_pk, target, high],
        )
        if step is None:
            continue
        floor = int(step)
        if floor not in logged:
            extra.append(floor)
    if extra:
        rows += _rows_at(conn, series_pk, sorted(set(extra)))
        rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    return rows


def _rows_at(conn: Connection, series_pk: int, steps: list[int]) -> list[PointRow]:
    sql = f"{_POINTS} AND step IN ({marks(len(steps))}){_ORDER}"
    return [
        (int(s), int(t), float(v), bool(n))
        for s, t, v, n in fetch_all(conn, sql, [series_pk, *steps])
    ]


def _scalar(conn: Connection, sql: str, params: list[Any]) -> Any:
    rows = fetch_all(conn, sql, params)
    return rows[0][0] if rows else None
