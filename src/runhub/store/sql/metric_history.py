"""Reading metric histories: paged, streamed, and sampled at evenly spaced steps."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from runhub.entities import Page
from runhub.search.tokens import (
    Keyset,
    decode_keyset_token,
    encode_keyset_token,
    fingerprint,
    invalid_token,
)
from runhub.store.protocols import MAX_HISTORY_PAGE, PointRow
from runhub.store.sql.db import Database
from runhub.store.sql.history_sampling import sample_series
from runhub.store.sql.raw import stream_rows
from runhub.store.sql.run_rows import run_row
from runhub.store.tables import metric_points, metric_series, runs

STREAM_CHUNK = 20_000
HISTORY_SQL = (
    'SELECT step, "timestamp", "value", is_nan FROM metric_points WHERE series_pk = ? '
    'ORDER BY step, "timestamp", "value", is_nan'
)

mp = metric_points.c


def _token(run_id: str, key: str, offset: int, last: PointRow) -> str:
    after = (last[0], last[1], last[2], int(bool(last[3])))
    return encode_keyset_token(Keyset(offset, after, fingerprint("history", run_id, key)))


def _position(run_id: str, key: str, token: str) -> tuple[int, PointRow]:
    keyset = decode_keyset_token(token)
    assert keyset is not None  # callers pass a non-empty token
    if keyset.query != fingerprint("history", run_id, key) or len(keyset.after) != 4:
        raise invalid_token(token, "it was issued for another metric history")
    step, timestamp, value, is_nan = keyset.after
    if not all(isinstance(v, (int, float)) for v in keyset.after):
        raise invalid_token(token, "it does not hold a history position")
    return keyset.offset, (int(step), int(timestamp), float(value), bool(is_nan))  # type: ignore[arg-type]


def _after(last: PointRow) -> Any:
    # Strictly after ``last`` in (step, timestamp, value, is_nan) order: the primary-key order.
    cols = (mp.step, mp.timestamp, mp.value)
    clauses = []
    for i in range(3):
        eqs = [cols[j] == last[j] for j in range(i)]
        clauses.append(and_(*eqs, cols[i] > last[i]))
    if not last[3]:  # a NaN point sorts after the non-NaN one with the same other fields
        clauses.append(
            and_(*(c == v for c, v in zip(cols, last, strict=False)), mp.is_nan.is_(True))
        )
    return or_(*clauses)


class SqlMetricHistoryStore:
    """Metric history reads."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _series_pk(self, conn: Connection, run_id: str, key: str) -> int | None:
        row = run_row(conn, run_id)
        found = conn.execute(
            select(metric_series.c.series_pk).where(
                metric_series.c.run_pk == row.run_pk, metric_series.c.key == key
            )
        ).first()
        return None if found is None else int(found[0])

    def history_page(
        self, run_id: str, key: str, max_results: int, page_token: str | None
    ) -> Page[PointRow]:
        """Up to ``max_results`` (at most ``MAX_HISTORY_PAGE``) points after the token's."""
        max_results = min(max_results, MAX_HISTORY_PAGE)  # LIMIT n + 1 must fit 64 bits
        offset, last = (0, None) if not page_token else _position(run_id, key, page_token)
        with self.db.read() as conn:
            series_pk = self._series_pk(conn, run_id, key)
            if series_pk is None:
                return Page([])
            stmt = (
                select(mp.step, mp.timestamp, mp.value, mp.is_nan)
                .where(mp.series_pk == series_pk)
                .order_by(mp.step, mp.timestamp, mp.value, mp.is_nan)
                .limit(max_results + 1)
            )
            if last is not None:
                stmt = stmt.where(_after(last))
            rows: list[PointRow] = [tuple(r) for r in conn.execute(stmt)]
        if len(rows) > max_results:
            rows = rows[:max_results]
            return Page(rows, _token(run_id, key, offset + len(rows), rows[-1]))
        return Page(rows)

    def check_history(self, run_id: str) -> None:
        """Raise before streaming starts when the run does not exist."""
        with self.db.read() as conn:
            run_row(conn, run_id)

    def stream_history(self, run_id: str, key: str) -> Iterator[list[PointRow]]:
        """The whole history in chunks, holding one read snapshot and never the whole list."""
        with self.db.read() as conn:
            series_pk = self._series_pk(conn, run_id, key)
            if series_pk is None:
                return
            # Plain driver tuples: SQLAlchemy's per-row processing would double the cost.
            yield from stream_rows(conn, HISTORY_SQL, (series_pk,), STREAM_CHUNK)

    def bulk_history(
        self, run_ids: Sequence[str], key: str, max_results: int
    ) -> list[tuple[str, PointRow]]:
        """Points of ``key`` for several runs, ordered by run then step; at most max_results."""
        out: list[tuple[str, PointRow]] = []
        with self.db.read() as conn:
            for run_id in run_ids:
                if len(out) >= max_results:
                    break
                series_pk = self._series_pk(conn, run_id, key)
                if series_pk is None:
                    continue
                for r in conn.execute(
                    select(mp.step, mp.timestamp, mp.value, mp.is_nan)
                    .where(mp.series_pk == series_pk)
                    .order_by(mp.step, mp.timestamp, mp.value, mp.is_nan)
                    .limit(max_results - len(out))
                ):
                    out.append((run_id, tuple(r)))
        return out

    def sampled_history(
        self,
        run_ids: Sequence[str],
        key: str,
        start_step: int | None,
        end_step: int | None,
        max_results: int,
    ) -> list[tuple[str, PointRow]]:
        """For each run, the points at up to ``max_results`` evenly spaced steps of its range.

        The first and last step in range are always included. Each chosen step is found with
        one index seek, so the cost does not grow with the length of the history.
        """
        out: list[tuple[str, PointRow]] = []
        with self.db.read() as conn:
            found = conn.execute(
                select(runs.c.run_id, metric_series.c.series_pk)
                .join_from(metric_series, runs, runs.c.run_pk == metric_series.c.run_pk)
                .where(runs.c.run_id.in_(list(run_ids)), metric_series.c.key == key)
            ).all()
            by_run = {r.run_id: r.series_pk for r in found}
            for run_id in run_ids:
                series_pk = by_run.get(run_id)
                if series_pk is not None:
                    out.extend(
                        (run_id, p)
                        for p in sample_series(conn, series_pk, start_step, end_step, max_results)
                    )
        return out
