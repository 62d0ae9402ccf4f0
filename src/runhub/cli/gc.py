"""``runhub gc``: permanently remove deleted runs, experiments and logged models."""

from __future__ import annotations

import click

from runhub.artifacts import open_artifact_store
from runhub.cli.errors import fail, run_or_fail
from runhub.config import (
    DEFAULT_ARTIFACTS_DESTINATION,
    DEFAULT_BACKEND_STORE_URI,
    s3_settings_from_environment,
)
from runhub.errors import RunhubError, StartupError
from runhub.lifecycle.artifact_cleanup import ArtifactCleaner
from runhub.lifecycle.durations import parse_age
from runhub.lifecycle.file_gc import plan_file_gc, run_file_gc
from runhub.lifecycle.gc import GcPlan, GcResult, plan_gc, run_gc
from runhub.store.file.layout import file_store_root, open_mlruns_tree
from runhub.store.migrate import schema_state
from runhub.store.sql.db import Database


def _ids(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def open_current_database(uri: str) -> Database:
    """The database at ``uri``; refused unless it holds runhub's current schema."""
    db = Database(uri)
    state, _revision = schema_state(db)
    if state != "current":
        db.dispose()
        raise StartupError(
            f"{db.url.render_as_string(hide_password=True)} does not hold a current runhub "
            f"schema ({state}); run 'runhub db upgrade' or point at runhub's database"
        )
    return db


@click.command("gc")
@click.option(
    "--older-than",
    default=None,
    help="Only remove items deleted at least this long ago: #d#h#m#s, e.g. 1d2h3m4s or 12h.",
)
@click.option(
    "--backend-store-uri",
    envvar=["MLFLOW_BACKEND_STORE_URI", "MLFLOW_TRACKING_URI"],
    default=DEFAULT_BACKEND_STORE_URI,
    show_default=True,
    help="runhub's database, or an mlruns directory (file store).",
)
@click.option(
    "--artifacts-destination",
    envvar="MLFLOW_ARTIFACTS_DESTINATION",
    default=DEFAULT_ARTIFACTS_DESTINATION,
    show_default=True,
    help="Where mlflow-artifacts:/ URIs live (the server's --artifacts-destination).",
)
@click.option("--run-ids", default=None, help="Comma-separated deleted runs (default: all).")
@click.option(
    "--experiment-ids", default=None, help="Comma-separated deleted experiments (default: all)."
)
@click.option(
    "--logged-model-ids",
    default=None,
    help="Comma-separated deleted logged models (default: all).",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
def gc(
    older_than: str | None,
    backend_store_uri: str,
    artifacts_destination: str,
    run_ids: str | None,
    experiment_ids: str | None,
    logged_model_ids: str | None,
    dry_run: bool,
) -> None:
    """Permanently remove deleted runs, experiments and logged models, rows and artifacts.

    Safe to interrupt and run again. A removed experiment's name can be used again.
    """
    try:
        age = None if older_than is None else parse_age(older_than)
    except ValueError as exc:
        fail(f"--older-than: {exc}")
    raw_exp_ids = _ids(experiment_ids)
    if raw_exp_ids is not None and not all(e.isdigit() for e in raw_exp_ids):
        fail(f"--experiment-ids: experiment ids are integers, got {experiment_ids!r}")
    exp_ids = None if raw_exp_ids is None else [int(e) for e in raw_exp_ids]

    def cleaner() -> ArtifactCleaner:
        s3 = s3_settings_from_environment()
        return ArtifactCleaner(
            open_artifact_store(artifacts_destination, s3["s3_endpoint_url"], s3["s3_ignore_tls"]),
            s3["s3_endpoint_url"],
            s3["s3_ignore_tls"],
        )

    def run() -> tuple[GcPlan, GcResult | None]:
        root = file_store_root(backend_store_uri)
        if root is not None:  # a file store: deleted runs and the experiments in .trash
            tree = open_mlruns_tree(root)
            plan = plan_file_gc(tree, age, _ids(run_ids), _ids(logged_model_ids), exp_ids)
            return plan, None if dry_run else run_file_gc(tree, plan, cleaner())
        db = open_current_database(backend_store_uri)
        try:
            plan = plan_gc(db, age, _ids(run_ids), _ids(logged_model_ids), exp_ids)
            if dry_run:
                return plan, None
            return plan, run_gc(db, plan, cleaner())
        finally:
            db.dispose()

    try:
        plan, result = run_or_fail(backend_store_uri, run)
    except RunhubError as exc:
        fail(exc.message)
    if result is None:
        for label, ids in (
            ("run", plan.run_ids),
            ("logged model", plan.logged_model_ids),
            ("experiment", plan.experiment_ids),
        ):
            for item in ids:
                click.echo(f"would remove {label} {item}")
        click.echo(_summary(plan, "would remove"))
        return
    for line in result.skipped_artifacts:
        click.echo(f"skipped artifacts {line}", err=True)
    click.echo(
        f"removed {result.runs} runs, {result.logged_models} logged models, "
        f"{result.experiments} experiments and {result.traces} traces"
    )


def _summary(plan: GcPlan, verb: str) -> str:
    return (
        f"{verb} {len(plan.run_ids)} runs, {len(plan.logged_model_ids)} logged models and "
        f"{len(plan.experiment_ids)} experiments (with their runs, models and traces)"
    )
