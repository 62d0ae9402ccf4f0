"""Writing run data in an ``mlruns`` tree: metric lines, write-once params, tag files.

Every entry point validates the whole request first, then checks every param against what is
stored, and only then writes, so a rejected request stores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from runhub.entities import Metric, Param, RunTag
from runhub.errors import InvalidParameter, NotFound
from runhub.store.file.files import (
    META,
    append_text,
    confine,
    format_point,
    key_clash,
    read_yaml,
    reject_nested_keys,
    writable_key_path,
    write_key,
)
from runhub.store.file.layout import METRICS, PARAMS, TAGS, MlrunsTree
from runhub.store.file.runs import active_run_dir, write_run_meta
from runhub.store.new_run import RUN_NAME_TAG
from runhub.store.run_data_checks import check_batch, checked_params, checked_points, checked_tags
from runhub.validation import (
    validate_key,
)


class FileRunDataStore:
    """Metrics, params and tags of runs."""

    def __init__(self, tree: MlrunsTree, truncate_long_values: bool = True) -> None:
        self.tree = tree
        self.truncate = truncate_long_values

    def _lines(self, metrics: Sequence[Metric]) -> dict[str, str]:
        """The text appended to each metric file: one line per point, in request order."""
        lines: dict[str, list[str]] = defaultdict(list)
        for p in checked_points(metrics):
            value = float("nan") if p.is_nan else p.value
            lines[p.key].append(format_point(p.timestamp, value, p.step))
        return {key: "".join(text) for key, text in lines.items()}

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric],
        params_in: Sequence[Param],
        tags_in: Sequence[RunTag],
    ) -> None:
        check_batch(len(metrics), params_in, len(tags_in))
        lines = self._lines(metrics)
        params = checked_params(params_in, self.truncate)
        tags = {t.key: t.value for t in checked_tags(tags_in, self.truncate)}
        for keys, what in ((lines, "metric"), ([p.key for p in params], "param"), (tags, "tag")):
            reject_nested_keys(keys, what)
        run_dir, _meta = active_run_dir(self.tree, run_id)
        metric_paths = {key: writable_key_path(run_dir / METRICS, key, "metric") for key in lines}
        for key in tags:
            writable_key_path(run_dir / TAGS, key, "tag")
        if params or tags:
            with self.tree.locked():  # a param is checked and written with no writer in between
                new_params = _unlogged_params(run_dir, run_id, params)
                for p in new_params:
                    write_key(run_dir / PARAMS, p.key, p.value, "param")
                for key, value in tags.items():
                    write_key(run_dir / TAGS, key, value, "tag")
                if RUN_NAME_TAG in tags:
                    meta = read_yaml(run_dir / META)  # as it is now, under the lock
                    write_run_meta(run_dir, meta, run_name=tags[RUN_NAME_TAG])
        for key, text in lines.items():
            try:
                append_text(metric_paths[key], text)
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                raise key_clash(key, "metric") from None  # created by a concurrent request

    def log_metric(self, run_id: str, metric: Metric) -> None:
        self.log_batch(run_id, [metric], [], [])

    def log_param(self, run_id: str, param: Param) -> None:
        self.log_batch(run_id, [], [param], [])

    def set_tag(self, run_id: str, tag: RunTag) -> None:
        self.log_batch(run_id, [], [], [tag])

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.tree.locked():
            run_dir, _meta = active_run_dir(self.tree, run_id)
            try:
                validate_key(key, "Tag")
                confine(run_dir / TAGS, key, "tag").unlink()
            except (InvalidParameter, FileNotFoundError, IsADirectoryError):
                raise NotFound(f"No tag with name: {key} in run with id {run_id}") from None


def _unlogged_params(run_dir: Path, run_id: str, items: list[Param]) -> list[Param]:
    """The params not stored yet; refuses one stored with another value."""
    out = []
    for p in items:
        path = writable_key_path(run_dir / PARAMS, p.key, "param")
        try:
            old = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            out.append(p)
            continue
        if old != p.value:
            raise InvalidParameter(
                f"Changing param values is not allowed. Param with key='{p.key}' was already "
                f"logged with value='{old}' for run ID='{run_id}'. Attempted logging new "
                f"value '{p.value}'."
            )
    return out
