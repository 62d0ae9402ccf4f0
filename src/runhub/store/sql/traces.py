"""Trace infos on a SQL database: create, read, tag, link, search and delete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from runhub.entities import Page
from runhub.entities.trace import (
    ARTIFACT_LOCATION_TAG,
    LINKED_PROMPTS_TAG,
    SPANS_LOCATION_TAG,
    TRACKING_STORE,
    TraceInfo,
)
from runhub.errors import InvalidParameter, NotFound
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.sql.db import Database
from runhub.store.sql.run_rows import run_row
from runhub.store.sql.search.traces import build_trace_search
from runhub.store.sql.trace_rows import infos_by_id, load_trace_infos, require_trace
from runhub.store.sql.upsert import insert_ignore, upsert
from runhub.store.tables import experiments
from runhub.store.trace_tables import spans, trace_info, trace_metadata, trace_run_links, trace_tags
from runhub.times import check_duration_ms, check_time_ms
from runhub.validation import MAX_TAG_VAL_LENGTH, fit_value

MAX_DELETE_TRACES = 10_000
MAX_KEY_LENGTH = 250


def trace_artifact_location(experiment_artifact_location: str, trace_id: str) -> str:
    return f"{experiment_artifact_location.rstrip('/')}/traces/{trace_id}/artifacts"


def experiment_artifact_location(conn: Connection, experiment_id: int) -> str:
    """The artifact location of an experiment; raises NotFound."""
    location = conn.execute(
        select(experiments.c.artifact_location).where(experiments.c.experiment_id == experiment_id)
    ).scalar()
    if location is None:
        raise NotFound(f"No Experiment with id={experiment_id} exists")
    return str(location)


def put_key_values(
    conn: Connection, table: object, trace_id: str, values: Mapping[str, str]
) -> None:
    """Insert or overwrite ``values`` in ``trace_tags`` or ``trace_metadata``."""
    rows = [{"trace_id": trace_id, "key": k, "value": v} for k, v in values.items()]
    upsert(conn, table, rows, ["trace_id", "key"], ["value"])  # type: ignore[arg-type]


class SqlTraceStore:
    """Trace infos, their tags, metadata and run/prompt links."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start_trace(self, info: TraceInfo) -> TraceInfo:
        """Create or complete the trace ``info`` describes (spans may have arrived first)."""
        exp_id = parse_experiment_id(info.experiment_id)
        if not info.trace_id:
            raise InvalidParameter(
                "Missing value for required parameter 'trace.trace_info.trace_id'."
            )
        check_time_ms(info.request_time, "trace_info.request_time")
        if info.execution_duration is not None:
            check_duration_ms(info.execution_duration, "trace_info.execution_duration")
        tags = {k: fit_value(v, MAX_TAG_VAL_LENGTH, "value", True) for k, v in info.tags.items()}

        def write(conn: Connection) -> TraceInfo:
            location = experiment_artifact_location(conn, exp_id)
            values = {
                "experiment_id": exp_id,
                "client_request_id": info.client_request_id,
                "request_time": info.request_time,
                "execution_duration": info.execution_duration,
                "state": info.state,
                "request_preview": info.request_preview,
                "response_preview": info.response_preview,
            }
            upsert(
                conn,
                trace_info,
                [{"trace_id": info.trace_id, **values}],
                ["trace_id"],
                [k for k in values if k != "experiment_id"],
            )
            has_spans = conn.execute(
                select(spans.c.span_id).where(spans.c.trace_id == info.trace_id).limit(1)
            ).first()
            server_tags = {ARTIFACT_LOCATION_TAG: trace_artifact_location(location, info.trace_id)}
            if has_spans is not None:
                server_tags[SPANS_LOCATION_TAG] = TRACKING_STORE
            put_key_values(conn, trace_tags, info.trace_id, {**tags, **server_tags})
            put_key_values(conn, trace_metadata, info.trace_id, dict(info.trace_metadata))
            return load_trace_infos(conn, [require_trace(conn, info.trace_id)])[0]

        result: TraceInfo = self.db.run_write(write)
        return result

    def start_trace_v2(
        self,
        experiment_id: str,
        trace_id: str,
        request_time: int,
        metadata: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> TraceInfo:
        """Create an in-progress trace (the legacy V2 start call)."""
        check_time_ms(request_time, "timestamp_ms")
        exp_id = parse_experiment_id(experiment_id)

        def write(conn: Connection) -> TraceInfo:
            location = experiment_artifact_location(conn, exp_id)
            insert_ignore(
                conn,
                trace_info,
                [
                    {
                        "trace_id": trace_id,
                        "experiment_id": exp_id,
                        "request_time": request_time,
                        "state": "IN_PROGRESS",
                    }
                ],
            )
            all_tags = {**tags, ARTIFACT_LOCATION_TAG: trace_artifact_location(location, trace_id)}
            put_key_values(conn, trace_tags, trace_id, all_tags)
            put_key_values(conn, trace_metadata, trace_id, dict(metadata))
            return load_trace_infos(conn, [require_trace(conn, trace_id)])[0]

        result: TraceInfo = self.db.run_write(write)
        return result

    def end_trace_v2(
        self,
        trace_id: str,
        end_time: int,
        state: str,
        metadata: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> TraceInfo:
        """Finish a trace started with the legacy V2 call."""
        check_time_ms(end_time, "timestamp_ms")

        def write(conn: Connection) -> TraceInfo:
            row = require_trace(conn, trace_id)
            conn.execute(
                update(trace_info)
                .where(trace_info.c.trace_id == trace_id)
                .values(state=state, execution_duration=max(0, end_time - row.request_time))
            )
            put_key_values(conn, trace_tags, trace_id, dict(tags))
            put_key_values(conn, trace_metadata, trace_id, dict(metadata))
            return load_trace_infos(conn, [require_trace(conn, trace_id)])[0]

        result: TraceInfo = self.db.run_write(write)
        return result

    def get_trace_info(self, trace_id: str) -> TraceInfo:
        with self.db.read() as conn:
            return load_trace_infos(conn, [require_trace(conn, trace_id)])[0]

    def batch_get_trace_infos(self, trace_ids: Sequence[str]) -> list[TraceInfo]:
        with self.db.read() as conn:
            return infos_by_id(conn, trace_ids)

    def search_traces(
        self,
        experiment_ids: Sequence[str],
        filter_string: str,
        max_results: int,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[TraceInfo]:
        ids = [int(e) for e in experiment_ids if str(e).isdigit()]
        query = build_trace_search(ids, filter_string, list(order_by), max_results, page_token)
        with self.db.read() as conn:
            rows = conn.execute(query.statement).all()
            page, token = query.page(rows)
            return Page(infos_by_id(conn, [r.trace_id for r in page]), token)

    def set_trace_tag(self, trace_id: str, key: str, value: str) -> None:
        if not key:
            raise InvalidParameter("Missing value for required parameter 'key'.")
        if len(key) > MAX_KEY_LENGTH:
            raise InvalidParameter(
                f"'key' exceeds the maximum length of {MAX_KEY_LENGTH} characters"
            )
        stored = fit_value(value, MAX_TAG_VAL_LENGTH, "value", True)

        def write(conn: Connection) -> None:
            require_trace(conn, trace_id)
            put_key_values(conn, trace_tags, trace_id, {key: stored})

        self.db.run_write(write)

    def delete_trace_tag(self, trace_id: str, key: str) -> None:
        def write(conn: Connection) -> None:
            require_trace(conn, trace_id)
            result = conn.execute(
                delete(trace_tags).where(trace_tags.c.trace_id == trace_id, trace_tags.c.key == key)
            )
            if result.rowcount == 0:
                raise NotFound(f"No tag with name: {key} in trace with ID {trace_id}")

        self.db.run_write(write)

    def delete_traces(
        self,
        experiment_id: str,
        max_timestamp_millis: int | None,
        max_traces: int | None,
        trace_ids: Sequence[str],
    ) -> dict[str, str]:
        """Delete traces of an experiment by id, or those older than a timestamp.

        Returns the deleted traces' ids with their artifact locations, so the caller can
        remove what clients uploaded there."""
        exp_id = parse_experiment_id(experiment_id)
        if bool(trace_ids) == (max_timestamp_millis is not None):
            raise InvalidParameter(
                "Exactly one of 'max_timestamp_millis' and 'request_ids' must be specified."
            )
        if len(trace_ids) > MAX_DELETE_TRACES:
            raise InvalidParameter(f"At most {MAX_DELETE_TRACES} traces can be deleted at once.")
        if max_traces is not None and max_traces <= 0:
            raise InvalidParameter("'max_traces' must be a positive integer.")
        t = trace_info.c

        def write(conn: Connection) -> dict[str, str]:
            query = select(t.trace_id).where(t.experiment_id == exp_id)
            if trace_ids:
                query = query.where(t.trace_id.in_(list(trace_ids)))
            else:
                query = query.where(t.request_time <= max_timestamp_millis)
            query = query.order_by(t.request_time, t.trace_id).limit(
                min(max_traces or MAX_DELETE_TRACES, MAX_DELETE_TRACES)
            )
            ids = list(conn.execute(query).scalars())
            # The server's own location for each trace, never the (client-settable) tag.
            root = experiment_artifact_location(conn, exp_id) if ids else ""
            for i in range(0, len(ids), 500):
                conn.execute(delete(trace_info).where(t.trace_id.in_(ids[i : i + 500])))
            return {str(i): trace_artifact_location(root, str(i)) for i in ids}

        deleted: dict[str, str] = self.db.run_write(write)
        return deleted

    def link_traces_to_run(self, trace_ids: Sequence[str], run_id: str) -> None:
        if len(trace_ids) > 100:
            raise InvalidParameter("Cannot link more than 100 traces to a run in one request.")

        def write(conn: Connection) -> None:
            run_row(conn, run_id)
            found = set(
                conn.execute(
                    select(trace_info.c.trace_id).where(trace_info.c.trace_id.in_(list(trace_ids)))
                ).scalars()
            )
            missing = [t for t in trace_ids if t not in found]
            if missing:
                raise NotFound(f"Traces not found: {', '.join(missing)}")
            insert_ignore(conn, trace_run_links, [{"trace_id": t, "run_id": run_id} for t in found])

        self.db.run_write(write)

    def link_prompts(self, trace_id: str, prompts: Sequence[tuple[str, str]]) -> None:
        """Record prompt versions used by a trace in its ``mlflow.linkedPrompts`` tag."""

        def write(conn: Connection) -> None:
            require_trace(conn, trace_id)
            current = conn.execute(
                select(trace_tags.c.value).where(
                    trace_tags.c.trace_id == trace_id, trace_tags.c.key == LINKED_PROMPTS_TAG
                )
            ).scalar()
            linked: list[dict[str, str]] = orjson.loads(current) if current else []
            for name, version in prompts:
                entry = {"name": name, "version": str(version)}
                if entry not in linked:
                    linked.append(entry)
            value = orjson.dumps(linked).decode()
            put_key_values(conn, trace_tags, trace_id, {LINKED_PROMPTS_TAG: value})

        self.db.run_write(write)
