"""``runhub import-mlflow SOURCE``: copy an MLflow SQL database into runhub's database."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from runhub.artifacts import open_artifact_store
from runhub.cli.errors import fail, run_or_fail
from runhub.config import (
    DEFAULT_ARTIFACTS_DESTINATION,
    DEFAULT_BACKEND_STORE_URI,
    s3_settings_from_environment,
)
from runhub.errors import StartupError
from runhub.lifecycle.copy_artifacts import S3Options, relocate_artifacts
from runhub.lifecycle.import_tracking import ImportConflict
from runhub.lifecycle.importer import ImportResult, import_mlflow_sql, open_mlflow_source
from runhub.lifecycle.mlflow_sql import MlflowSql
from runhub.store.migrate import ensure_schema
from runhub.store.sql.db import Database


@click.command("import-mlflow")
@click.argument("source")
@click.option(
    "--backend-store-uri",
    envvar=["MLFLOW_BACKEND_STORE_URI", "MLFLOW_TRACKING_URI"],
    default=DEFAULT_BACKEND_STORE_URI,
    show_default=True,
    help="runhub's database to import into (created when empty).",
)
@click.option(
    "--copy-artifacts",
    is_flag=True,
    help="Also copy run and logged-model artifacts into --artifacts-destination and point "
    "them at mlflow-artifacts:/ URIs.",
)
@click.option(
    "--artifacts-destination",
    envvar="MLFLOW_ARTIFACTS_DESTINATION",
    default=DEFAULT_ARTIFACTS_DESTINATION,
    show_default=True,
    help="The server's artifact destination, used with --copy-artifacts.",
)
def import_mlflow(
    source: str, backend_store_uri: str, copy_artifacts: bool, artifacts_destination: str
) -> None:
    """Copy an MLflow deployment into runhub, keeping experiment and run ids.

    SOURCE is the MLflow database URI (sqlite:///mlflow.db, postgresql+psycopg://…,
    mysql+pymysql://…; any schema from MLflow 2.0 on) or an mlruns directory (./mlruns or
    file:///…/mlruns; needs PyYAML). Trace spans kept as artifacts are read from local paths
    or s3:// (with MLFLOW_S3_ENDPOINT_URL and the AWS credentials, as for the server).
    Artifacts stay where they are (runs keep their artifact URIs) unless --copy-artifacts is
    given. Running it again copies only what is missing, so an interrupted import is finished
    by running it again.
    """
    if source == backend_store_uri:
        fail("SOURCE and --backend-store-uri must be different databases")

    def run() -> ImportResult:
        with tempfile.TemporaryDirectory(prefix="runhub-import-") as scratch:
            return copy(open_mlflow_source(source, Path(scratch)))

    def copy(src: MlflowSql) -> ImportResult:
        db = Database(backend_store_uri)
        s3 = s3_settings_from_environment()
        options = S3Options(s3["s3_endpoint_url"], s3["s3_ignore_tls"])
        try:
            ensure_schema(db)
            with click.progressbar(length=0, label="Importing", file=None) as bar:

                def progress(kind: str, done: int) -> None:
                    bar.label = f"Importing {kind}: {done}"
                    bar.render_progress()

                result = import_mlflow_sql(src, db, progress, options)
            if copy_artifacts:
                dest = open_artifact_store(
                    artifacts_destination, options.endpoint_url, options.ignore_tls
                )
                result.copied["artifact files"] = relocate_artifacts(db, dest, options)
            return result
        finally:
            src.close()
            db.dispose()

    try:
        result = run_or_fail(backend_store_uri, run)
    except (ImportConflict, StartupError) as exc:
        fail(str(exc))
    copied = ", ".join(f"{n} {kind}" for kind, n in result.copied.items())
    click.echo(f"Copied {copied}.")
    click.echo(f"{'entity':<24}{'MLflow':>10}{'runhub':>10}")
    for count in result.counts:
        mark = "" if count.matches else "  MISSING"
        click.echo(f"{count.entity:<24}{count.source:>10}{count.destination:>10}{mark}")
    if not result.complete:
        fail("some entities did not come over; run the import again to retry")
