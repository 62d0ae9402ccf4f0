"""The schema and the main queries compile for SQL Server (``mssql+pymssql``), no server needed.

Statements are rendered with the real dialect; the portable upsert path runs against a mock
engine that records each statement it would send.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import Table, create_mock_engine
from sqlalchemy.dialects.mssql import pymssql
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql import Executable, Select

from runhub.entities import ViewType
from runhub.store.migrate import head_revision, upgrade_script
from runhub.store.schema import metadata
from runhub.store.sql.search.runs import build_run_search
from runhub.store.sql.upsert import MAX_BOUND_PARAMETERS, insert_ignore_rows, upsert
from runhub.store.tables import metric_points, tags

DIALECT = pymssql.dialect()


def render(statement: Any) -> str:
    return str(statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True}))


@pytest.mark.parametrize("table", metadata.sorted_tables, ids=lambda t: t.name)
def test_every_table_and_index_compiles(table: Table) -> None:
    ddl = render(CreateTable(table))
    assert ddl.startswith(f"\nCREATE TABLE {table.name}") or f"CREATE TABLE [{table.name}]" in ddl
    for index in table.indexes:
        assert "CREATE" in render(CreateIndex(index))


def test_case_sensitive_keys_use_a_binary_collation() -> None:
    assert "COLLATE Latin1_General_100_CS_AS_SC_UTF8" in render(CreateTable(tags))


SEARCHES = [
    (None, None),
    ("metrics.acc > 0.5 AND params.lr = '0.1'", ["metrics.loss ASC"]),
    (
        "tags.`mlflow.runName` LIKE 'bert-%' OR attributes.status IN ('FINISHED')",
        ["params.lr DESC"],
    ),
    ("datasets.name = 'train' AND metrics.loss IS NULL", ["attributes.run_name"]),
    ("NOT (params.opt = 'adam' OR params.opt = 'sgd')", ["tags.team ASC", "metrics.acc DESC"]),
]


@pytest.mark.parametrize(("filter_string", "order_by"), SEARCHES)
def test_run_search_compiles(filter_string: str | None, order_by: list[str] | None) -> None:
    query = build_run_search([1, 2], filter_string, ViewType.ACTIVE_ONLY, order_by, 100, None)
    sql = render(query.statement)
    assert "SELECT TOP 101" in sql or "TOP 101" in sql
    # Constructs SQL Server does not have.
    for absent in (" LIMIT ", "NULLS FIRST", "NULLS LAST", "ILIKE", " IS TRUE"):
        assert absent not in sql, absent


class Recorder:
    """A mock SQL Server connection that records rendered statements; SELECTs find ``found``."""

    def __init__(self, found: list[tuple[Any, ...]]) -> None:
        self.found = found
        self.sql: list[str] = []
        self.bound: list[int] = []  # parameters bound into each statement
        self.parameter_sets: list[int] = []
        self.engine = create_mock_engine("mssql+pymssql://", self.execute)

    def execute(self, statement: Executable, *multiparams: Any, **params: Any) -> Any:
        compiled = statement.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
        self.sql.append(str(compiled))
        self.bound.append(len(compiled.params))
        rows = multiparams[0] if multiparams else None
        self.parameter_sets.append(len(rows) if isinstance(rows, list) else 1)
        return list(self.found) if isinstance(statement, Select) else None

    @property
    def connection(self) -> Connection:
        return self.engine  # type: ignore[return-value]  # duck-typed Connection


def test_log_batch_upserts_use_the_portable_path() -> None:
    rows = [{"run_pk": 7, "key": f"k{i}", "value": "v"} for i in range(3)]
    conn = Recorder(found=[(7, "k1")])
    upsert(conn.connection, tags, rows, ["run_pk", "key"], ["value"])
    lookup, insert, update = conn.sql
    assert lookup.startswith("SELECT tags.run_pk, tags.[key]") and " OR " in lookup
    assert insert.startswith("INSERT INTO tags") and conn.parameter_sets[1] == 2
    assert update.startswith("UPDATE tags SET value=")


def test_metric_points_insert_ignore_stays_under_the_parameter_limit() -> None:
    points = [(1, step, 1000 + step, 0.5, False) for step in range(2000)]
    columns = ["series_pk", "step", "timestamp", "value", "is_nan"]
    conn = Recorder(found=[])
    insert_ignore_rows(conn.connection, metric_points, columns, points)
    lookups = [sql for sql in conn.sql if sql.startswith("SELECT")]
    assert len(lookups) > 1  # chunked
    for i, sql in enumerate(conn.sql):
        if sql.startswith("SELECT"):
            assert 0 < conn.bound[i] <= MAX_BOUND_PARAMETERS
    inserts = [sql for sql in conn.sql if sql.startswith("INSERT INTO metric_points")]
    assert inserts and sum(conn.parameter_sets[len(lookups) :]) == len(points)


def test_the_migrations_write_a_complete_sql_server_script() -> None:
    script = upgrade_script("mssql")
    created = set(re.findall(r"CREATE TABLE \[?(\w+)\]?", script))
    assert set(metadata.tables) <= created
    assert f"version_num='{head_revision()}'" in script
    assert "AUTOINCREMENT" not in script and "WITHOUT ROWID" not in script
