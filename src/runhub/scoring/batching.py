"""Adaptive batching: concurrent requests with table input share one ``predict`` call.

A request waits at most ``max_delay_s`` for others; the batch is cut at ``max_rows`` rows. Only
DataFrames without ``params`` are merged, and only when the model answers one prediction per
row; everything else is predicted on its own, so results never change, only their timing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from runhub.scoring.loader import LoadedModel


@dataclass
class _Pending:
    frame: pd.DataFrame
    done: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Batcher:
    """Collects DataFrames and predicts them together on a worker thread."""

    def __init__(self, model: LoadedModel, max_rows: int, max_delay_s: float) -> None:
        self._model = model
        self._max_rows = max_rows
        self._max_delay_s = max_delay_s
        self._queue: list[_Pending] = []
        self._flush: asyncio.TimerHandle | None = None

    @staticmethod
    def can_batch(data: Any, params: dict[str, Any] | None) -> bool:
        return isinstance(data, pd.DataFrame) and not params and len(data) > 0

    async def predict(self, frame: pd.DataFrame) -> Any:
        """The model's predictions for ``frame``, computed in a shared batch."""
        pending = _Pending(frame)
        self._queue.append(pending)
        rows = sum(len(p.frame) for p in self._queue)
        if rows >= self._max_rows:
            self._start_batch()
        elif self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(
                self._max_delay_s, self._start_batch
            )
        return await pending.done

    def _start_batch(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        batch, self._queue = self._queue, []
        if batch:
            asyncio.get_running_loop().create_task(self._run(batch))

    async def _run(self, batch: list[_Pending]) -> None:
        groups: dict[tuple[str, ...], list[_Pending]] = {}
        for pending in batch:
            groups.setdefault(tuple(map(str, pending.frame.columns)), []).append(pending)
        for group in groups.values():
            try:
                results = await asyncio.to_thread(self._predict_group, group)
            except Exception as exc:  # each request gets the error, as if predicted alone
                results = [exc] * len(group)
            for pending, result in zip(group, results, strict=True):
                if pending.done.done():
                    continue
                if isinstance(result, Exception):
                    pending.done.set_exception(result)
                else:
                    pending.done.set_result(result)

    def _predict_group(self, group: list[_Pending]) -> list[Any]:
        if len(group) == 1:
            return [self._model.predict(group[0].frame, None)]
        merged = pd.concat([p.frame for p in group], ignore_index=True)
        predictions = self._model.predict(merged, None)
        if not isinstance(predictions, (np.ndarray, pd.Series, pd.DataFrame, list)):
            return [self._model.predict(p.frame, None) for p in group]
        if len(predictions) != len(merged):
            return [self._model.predict(p.frame, None) for p in group]
        out, start = [], 0
        for pending in group:
            end = start + len(pending.frame)
            out.append(_rows(predictions, start, end))
            start = end
        return out


def _rows(predictions: Any, start: int, end: int) -> Any:
    if isinstance(predictions, (pd.Series, pd.DataFrame)):
        return predictions.iloc[start:end].reset_index(drop=True)
    return predictions[start:end]
