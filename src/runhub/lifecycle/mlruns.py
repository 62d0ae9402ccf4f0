"""Reading an MLflow ``mlruns`` directory (the file store) into MLflow-shaped SQL tables.

The directory is loaded into a scratch SQLite database with the columns of MLflow's own schema
that the importer reads, so both kinds of source share one import path. Deleted experiments are
read from ``.trash``. Traces (with their spans and assessments) are read by ``mlruns_traces``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
)

from runhub.errors import StartupError
from runhub.lifecycle.mlruns_traces import TRACE_TABLES, read_traces, trace_meta
from runhub.store.file.files import parse_points, read_key_values, read_yaml

# MLflow's RunStatus numbers as written in a run's meta.yaml.
RUN_STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}

_meta = MetaData()


def _table(name: str, *columns: tuple[str, Any]) -> Table:
    return Table(name, _meta, *(Column(n, t) for n, t in columns))


S, T, INT, F = String(), Text(), BigInteger(), Float()
TABLES = {
    t.name: t
    for t in (
        _table("alembic_version", ("version_num", S)),
        _table(
            "experiments",
            ("experiment_id", INT),
            ("name", S),
            ("artifact_location", S),
            ("lifecycle_stage", S),
            ("creation_time", INT),
            ("last_update_time", INT),
        ),
        _table("experiment_tags", ("experiment_id", INT), ("key", S), ("value", T)),
        _table(
            "runs",
            ("run_uuid", S),
            ("experiment_id", INT),
            ("name", S),
            ("user_id", S),
            ("status", S),
            ("start_time", INT),
            ("end_time", INT),
            ("lifecycle_stage", S),
            ("deleted_time", INT),
            ("artifact_uri", S),
        ),
        _table("params", ("run_uuid", S), ("key", S), ("value", T)),
        _table("tags", ("run_uuid", S), ("key", S), ("value", T)),
        _table(
            "metrics",
            ("run_uuid", S),
            ("key", S),
            ("value", F),
            ("timestamp", INT),
            ("step", INT),
            ("is_nan", Integer()),
        ),
        _table(
            "datasets",
            ("dataset_uuid", S),
            ("experiment_id", INT),
            ("name", S),
            ("digest", S),
            ("dataset_source_type", S),
            ("dataset_source", T),
            ("dataset_schema", T),
            ("dataset_profile", T),
        ),
        _table(
            "inputs",
            ("input_uuid", S),
            ("source_type", S),
            ("source_id", S),
            ("destination_type", S),
            ("destination_id", S),
            ("step", INT),
        ),
        _table("input_tags", ("input_uuid", S), ("name", S), ("value", T)),
        _table(
            "logged_models",
            ("model_id", S),
            ("experiment_id", INT),
            ("name", S),
            ("artifact_location", S),
            ("creation_timestamp_ms", INT),
            ("last_updated_timestamp_ms", INT),
            ("status", INT),
            ("lifecycle_stage", S),
            ("model_type", S),
            ("source_run_id", S),
            ("status_message", T),
        ),
        _table("logged_model_params", ("model_id", S), ("param_key", S), ("param_value", T)),
        _table("logged_model_tags", ("model_id", S), ("tag_key", S), ("tag_value", T)),
        _table(
            "registered_models",
            ("name", S),
            ("creation_time", INT),
            ("last_updated_time", INT),
            ("description", T),
        ),
        _table("registered_model_tags", ("name", S), ("key", S), ("value", T)),
        _table(
            "model_versions",
            ("name", S),
            ("version", INT),
            ("creation_time", INT),
            ("last_updated_time", INT),
            ("description", T),
            ("user_id", S),
            ("current_stage", S),
            ("source", S),
            ("storage_location", S),
            ("run_id", S),
            ("run_link", S),
            ("status", S),
            ("status_message", T),
        ),
        _table("model_version_tags", ("name", S), ("version", INT), ("key", S), ("value", T)),
        _table("registered_model_aliases", ("name", S), ("alias", S), ("version", INT)),
    )
} | TRACE_TABLES


# The file store's own readers: one parser of the layout for the server and the importer.
_yaml = read_yaml
_files = read_key_values


def _experiment_dirs(root: Path) -> Iterator[Path]:
    for parent in (root, root / ".trash"):
        if parent.is_dir():
            for child in sorted(parent.iterdir()):
                if child.name.isdigit() and (child / "meta.yaml").is_file():
                    yield child


def load_mlruns(root: Path, scratch_uri: str) -> None:
    """Write the contents of the ``mlruns`` directory ``root`` into ``scratch_uri``."""
    if not (root / "0").is_dir() and not any(_experiment_dirs(root)):
        raise StartupError(f"{str(root)!r} is not an mlruns directory (no experiment folders)")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for exp_dir in _experiment_dirs(root):
        _read_experiment(exp_dir, rows)
    _read_registry(root / "models", rows)
    engine = create_engine(scratch_uri)
    try:
        _meta.create_all(engine)
        trace_meta.create_all(engine)
        with engine.begin() as conn:
            for name, table_rows in rows.items():
                if table_rows:
                    conn.execute(TABLES[name].insert(), table_rows)
    finally:
        engine.dispose()


def _read_experiment(exp_dir: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    meta = _yaml(exp_dir / "meta.yaml")
    exp_id = int(meta.get("experiment_id", exp_dir.name))
    rows["experiments"].append(
        {
            "experiment_id": exp_id,
            "name": meta.get("name", ""),
            "artifact_location": meta.get("artifact_location", ""),
            # Early 2.x file stores moved a deleted experiment to .trash without marking it.
            "lifecycle_stage": "deleted"
            if exp_dir.parent.name == ".trash"
            else meta.get("lifecycle_stage", "active"),
            "creation_time": meta.get("creation_time"),
            "last_update_time": meta.get("last_update_time"),
        }
    )
    for key, value in _files(exp_dir / "tags"):
        rows["experiment_tags"].append({"experiment_id": exp_id, "key": key, "value": value})
    for dataset_dir in sorted((exp_dir / "datasets").glob("*/")):
        d = _yaml(dataset_dir / "meta.yaml")
        rows["datasets"].append(
            {
                "dataset_uuid": dataset_dir.name,
                "experiment_id": exp_id,
                "name": d.get("name"),
                "digest": d.get("digest"),
                "dataset_source_type": d.get("source_type"),
                "dataset_source": d.get("source"),
                "dataset_schema": d.get("schema"),
                "dataset_profile": d.get("profile"),
            }
        )
    for model_dir in sorted((exp_dir / "models").glob("*/")):
        _read_logged_model(model_dir, exp_id, rows)
    for run_dir in sorted(exp_dir.iterdir()):
        if len(run_dir.name) == 32 and (run_dir / "meta.yaml").is_file():
            _read_run(run_dir, exp_id, rows)
    read_traces(exp_dir, exp_id, meta.get("artifact_location", ""), rows)


def _read_run(run_dir: Path, exp_id: int, rows: dict[str, list[dict[str, Any]]]) -> None:
    meta = _yaml(run_dir / "meta.yaml")
    run_id = str(meta.get("run_id") or run_dir.name)
    status = meta.get("status")
    rows["runs"].append(
        {
            "run_uuid": run_id,
            "experiment_id": exp_id,
            "name": meta.get("run_name"),
            "user_id": meta.get("user_id"),
            "status": RUN_STATUS.get(status, str(status)) if isinstance(status, int) else status,
            "start_time": meta.get("start_time"),
            "end_time": meta.get("end_time"),
            "lifecycle_stage": meta.get("lifecycle_stage", "active"),
            "deleted_time": meta.get("deleted_time"),
            "artifact_uri": meta.get("artifact_uri", ""),
        }
    )
    for key, value in _files(run_dir / "params"):
        rows["params"].append({"run_uuid": run_id, "key": key, "value": value})
    for key, value in _files(run_dir / "tags"):
        rows["tags"].append({"run_uuid": run_id, "key": key, "value": value})
    for key, text in _files(run_dir / "metrics"):
        for step, timestamp, number, is_nan in parse_points(text):
            rows["metrics"].append(
                {
                    "run_uuid": run_id,
                    "key": key,
                    "value": number,
                    "timestamp": timestamp,
                    "step": step,
                    "is_nan": int(is_nan),
                }
            )
    for kind in ("inputs", "outputs"):
        for input_dir in sorted((run_dir / kind).glob("*/")):
            i = _yaml(input_dir / "meta.yaml")
            input_id = f"{run_id}-{kind}-{input_dir.name}"
            # The file store does not always write the run as an input's destination.
            destination = run_id if i.get("destination_type") == "RUN" else i.get("destination_id")
            from_run = i.get("source_type") in ("RUN_INPUT", "RUN_OUTPUT")
            source = run_id if from_run else i.get("source_id")
            rows["inputs"].append(
                {
                    "input_uuid": input_id,
                    "source_type": i.get("source_type"),
                    "source_id": source,
                    "destination_type": i.get("destination_type"),
                    "destination_id": destination,
                    "step": i.get("step") or 0,
                }
            )
            for key, value in (i.get("tags") or {}).items():
                rows["input_tags"].append({"input_uuid": input_id, "name": key, "value": value})


def _read_logged_model(model_dir: Path, exp_id: int, rows: dict[str, list[dict[str, Any]]]) -> None:
    meta = _yaml(model_dir / "meta.yaml")
    model_id = str(meta.get("model_id") or model_dir.name)
    rows["logged_models"].append(
        {
            "model_id": model_id,
            "experiment_id": exp_id,
            "name": meta.get("name"),
            "artifact_location": meta.get("artifact_location"),
            "creation_timestamp_ms": meta.get("creation_timestamp"),
            "last_updated_timestamp_ms": meta.get("last_updated_timestamp"),
            "status": meta.get("status"),
            "lifecycle_stage": meta.get("lifecycle_stage", "active"),
            "model_type": meta.get("model_type"),
            "source_run_id": meta.get("source_run_id"),
            "status_message": meta.get("status_message"),
        }
    )
    for key, value in _files(model_dir / "params"):
        rows["logged_model_params"].append(
            {"model_id": model_id, "param_key": key, "param_value": value}
        )
    for key, value in _files(model_dir / "tags"):
        rows["logged_model_tags"].append({"model_id": model_id, "tag_key": key, "tag_value": value})


def _read_registry(models_dir: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    if not models_dir.is_dir():
        return
    for model_dir in sorted(p for p in models_dir.iterdir() if (p / "meta.yaml").is_file()):
        meta = _yaml(model_dir / "meta.yaml")
        name = str(meta.get("name") or model_dir.name)
        rows["registered_models"].append(
            {
                "name": name,
                "creation_time": meta.get("creation_timestamp"),
                "last_updated_time": meta.get("last_updated_timestamp"),
                "description": meta.get("description"),
            }
        )
        for key, value in _files(model_dir / "tags"):
            rows["registered_model_tags"].append({"name": name, "key": key, "value": value})
        for alias, version in (meta.get("aliases") or {}).items():
            rows["registered_model_aliases"].append(
                {"name": name, "alias": alias, "version": int(version)}
            )
        for version_dir in sorted(model_dir.glob("version-*/")):
            v = _yaml(version_dir / "meta.yaml")
            version = int(v.get("version") or version_dir.name.removeprefix("version-"))
            rows["model_versions"].append(
                {
                    "name": name,
                    "version": version,
                    "creation_time": v.get("creation_timestamp"),
                    "last_updated_time": v.get("last_updated_timestamp"),
                    "description": v.get("description"),
                    "user_id": v.get("user_id"),
                    "current_stage": v.get("current_stage"),
                    "source": v.get("source"),
                    "storage_location": v.get("storage_location"),
                    "run_id": v.get("run_id"),
                    "run_link": v.get("run_link"),
                    "status": v.get("status"),
                    "status_message": v.get("status_message"),
                }
            )
            for key, value in _files(version_dir / "tags"):
                rows["model_version_tags"].append(
                    {"name": name, "version": version, "key": key, "value": value}
                )
