"""Reading metric histories from metric files: paged, streamed, and sampled by step.

Points come back in (step, timestamp, value, is_nan) order with exact repeats dropped, as the
SQL store returns them; page tokens have the SQL store's keyset format.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from pathlib import Path

from runhub.entities import Page
from runhub.errors import InvalidParameter, NotFound
from runhub.search.tokens import (
    Keyset,
    decode_keyset_token,
    encode_keyset_token,
    fingerprint,
    invalid_token,
)
from runhub.store.file.files import confine, read_points
from runhub.store.file.layout import METRICS, MlrunsTree
from runhub.store.protocols import MAX_HISTORY_PAGE, PointRow

STREAM_CHUNK = 20_000


def _token(run_id: str, key: str, offset: int, last: PointRow) -> str:
    after = (last[0], last[1], last[2], int(bool(last[3])))
    return encode_keyset_token(Keyset(offset, after, fingerprint("history", run_id, key)))


def _position(run_id: str, key: str, token: str) -> tuple[int, PointRow]:
    keyset = decode_keyset_token(token)
    assert keyset is not None  # callers pass a non-empty token
    if keyset.query != fingerprint("history", run_id, key) or len(keyset.after) != 4:
        raise invalid_token(token, "it was issued for another metric history")
    if not all(isinstance(v, (int, float)) for v in keyset.after):
        raise invalid_token(token, "it does not hold a history position")
    step, timestamp, value, is_nan = (float(v) for v in keyset.after)  # type: ignore[arg-type]
    return keyset.offset, (int(step), int(timestamp), value, bool(is_nan))


def _metric_file(run_dir: Path, key: str) -> Path | None:
    try:
        return confine(run_dir / METRICS, key, "metric")
    except InvalidParameter:
        return None  # a key that names no file has no history


class FileMetricHistoryStore:
    """Metric history reads."""

    def __init__(self, tree: MlrunsTree) -> None:
        self.tree = tree

    def _series(self, run_dir: Path, key: str) -> list[PointRow]:
        path = _metric_file(run_dir, key)
        if path is None or not path.is_file():
            return []
        return sorted(set(read_points(path)))

    def history(self, run_id: str, key: str) -> list[PointRow]:
        """The whole history of ``key``; 404 when the run does not exist."""
        return self._series(self.tree.run_dir(run_id), key)

    def history_page(
        self, run_id: str, key: str, max_results: int, page_token: str | None
    ) -> Page[PointRow]:
        max_results = min(max_results, MAX_HISTORY_PAGE)
        offset, last = (0, None) if not page_token else _position(run_id, key, page_token)
        points = self.history(run_id, key)
        start = 0 if last is None else bisect.bisect_right(points, last)
        rows = points[start : start + max_results]
        if start + max_results < len(points):
            return Page(rows, _token(run_id, key, offset + len(rows), rows[-1]))
        return Page(rows)

    def check_history(self, run_id: str) -> None:
        self.tree.run_dir(run_id)

    def stream_history(self, run_id: str, key: str) -> Iterator[list[PointRow]]:
        points = self.history(run_id, key)
        for i in range(0, len(points), STREAM_CHUNK):
            yield points[i : i + STREAM_CHUNK]

    def bulk_history(
        self, run_ids: Sequence[str], key: str, max_results: int
    ) -> list[tuple[str, PointRow]]:
        """Points of ``key`` for several runs, ordered by run then step; at most max_results."""
        out: list[tuple[str, PointRow]] = []
        for run_id in run_ids:
            if len(out) >= max_results:
                break
            points = self.history(run_id, key)
            out.extend((run_id, p) for p in points[: max_results - len(out)])
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

        The first and last step in range are always included; runs that do not exist are
        skipped.
        """
        out: list[tuple[str, PointRow]] = []
        for run_id in run_ids:
            try:
                points = self.history(run_id, key)
            except NotFound:
                continue
            out.extend(
                (run_id, p) for p in sample_points(points, start_step, end_step, max_results)
            )
        return out


def sample_points(
    points: list[PointRow], start: int | None, end: int | None, max_results: int
) -> list[PointRow]:
    """The points at evenly spaced logged steps of ``[start, end]`` (``points`` sorted)."""
    in_range = [
        p for p in points if (start is None or p[0] >= start) and (end is None or p[0] <= end)
    ]
    if not in_range:
        return []
    steps = sorted({p[0] for p in in_range})
    low, high = steps[0], steps[-1]
    if high == low or max_results == 1:
        chosen = {low} if max_results == 1 else {low, high}
    else:
        n = max_results
        targets = sorted({low + (high - low) * i // (n - 1) for i in range(n)})
        chosen = set()
        floor = targets[0] - 1
        for target in targets:
            if target <= floor:
                continue
            # each target resolves to the first logged step at or above it
            step = steps[bisect.bisect_left(steps, target)]
            chosen.add(step)
            floor = step
    return [p for p in in_range if p[0] in chosen]
