"""Reading an MLflow SQL database (any schema from MLflow 2.0 on) by table reflection.

Only the tables and columns that exist are used: older schemas simply lack some of them
(logged models, traces, assessments), and columns added later are read when present.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Float, MetaData, Table, create_engine, func, inspect, select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from runhub.errors import StartupError

WANTED = (
    "alembic_version",
    "experiments",
    "experiment_tags",
    "runs",
    "params",
    "tags",
    "metrics",
    "latest_metrics",
    "datasets",
    "inputs",
    "input_tags",
    "logged_models",
    "logged_model_params",
    "logged_model_tags",
    "logged_model_metrics",
    "registered_models",
    "registered_model_tags",
    "model_versions",
    "model_version_tags",
    "registered_model_aliases",
    "trace_info",
    "trace_tags",
    "trace_request_metadata",
    "spans",
    "assessments",
    "entity_associations",
)
IN_CHUNK = 500  # ids per IN (...) list
DRIVER_HINT = (
    "postgresql+psycopg://… (pip install 'runhub[postgres]') or mysql+pymysql://… "
    "(pip install 'runhub[mysql]')"
)


class MlflowSql:
    """The tables of one MLflow database, reflected once; read-only use."""

    def __init__(self, uri: str) -> None:
        try:
            self.engine: Engine = create_engine(uri)
            database = self.engine.url.database
            if self.engine.dialect.name == "sqlite" and database and not Path(database).exists():
                raise StartupError(f"the MLflow database file {database!r} does not exist")
            present = set(inspect(self.engine).get_table_names())
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise StartupError(
                f"cannot open the MLflow database {uri!r}: its driver is not installed ({exc}); "
                f"use {DRIVER_HINT}"
            ) from None
        except (ArgumentError, OperationalError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StartupError(f"cannot open the MLflow database {uri!r}: {reason}") from None
        if "runs" not in present or "experiments" not in present:
            raise StartupError(f"{uri!r} is not an MLflow database (no runs/experiments tables)")
        self.metadata = MetaData()
        self.metadata.reflect(self.engine, only=[t for t in WANTED if t in present])
        for table in self.metadata.tables.values():
            for column in table.columns:
                if isinstance(column.type, Float):
                    # MySQL's DOUBLE reflects as a Decimal type rounded to 10 places.
                    column.type.asdecimal = False
        if "run_uuid" not in self.metadata.tables["runs"].c:
            raise StartupError(f"{uri!r} is not an MLflow database (runs has no run_uuid)")

    def has(self, table: str) -> bool:
        return table in self.metadata.tables

    def t(self, table: str) -> Table:
        return self.metadata.tables[table]

    def rows(self, table: str, *where: Any, order_by: Any = None) -> list[Row[Any]]:
        """Rows of ``table`` (``[]`` when the schema lacks it)."""
        if not self.has(table):
            return []
        query = select(self.t(table))
        for clause in where:
            query = query.where(clause)
        if order_by is not None:
            query = query.order_by(order_by)
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())

    def rows_in(self, table: str, column: str, values: Sequence[Any]) -> list[Row[Any]]:
        """Rows of ``table`` whose ``column`` is one of ``values``, in chunks."""
        if not self.has(table) or not values:
            return []
        col = self.t(table).c[column]
        found: list[Row[Any]] = []
        for start in range(0, len(values), IN_CHUNK):
            found += self.rows(table, col.in_(list(values[start : start + IN_CHUNK])))
        return found

    def count(self, table: str, *where: Any) -> int:
        if not self.has(table):
            return 0
        query = select(func.count()).select_from(self.t(table))
        for clause in where:
            query = query.where(clause)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def column_values(self, table: str, column: str) -> Iterator[Any]:
        if not self.has(table):
            return iter(())
        with self.engine.connect() as conn:
            col = self.t(table).c[column]
            return iter([r[0] for r in conn.execute(select(col).order_by(col))])

    def close(self) -> None:
        self.engine.dispose()


def get(row: Row[Any], column: str, default: Any = None) -> Any:
    """``row.column`` when the source schema has that column, else ``default``."""
    mapping = row._mapping
    return mapping.get(column, default)
