"""Trace spans kept as ``traces.json`` on S3 come over too.

The stock client writes an ``mlruns`` file store whose experiments keep their artifacts (and so
their traces' span data) in a bucket of a moto S3 server; runhub imports it with the same S3
settings as its server, and the traces it then serves match what MLflow's server serves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mlflow import MlflowClient

from tests.fixtures.live_server import S3_ENV, free_port, moto_s3, runhub_server, s3_client
from tests.lifecycle.compare import compare_traces
from tests.lifecycle.importing import build_source, counts, mlflow_server, run_import

BUCKET = "mlflow-artifacts"


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[MlflowClient, MlflowClient]]:
    root = tmp_path_factory.mktemp("mlruns-s3")
    mlruns = root / "mlruns"
    with moto_s3(root) as moto, pytest.MonkeyPatch.context() as patch:
        s3: Any = s3_client(moto.url)
        s3.create_bucket(Bucket=BUCKET)
        env = {**S3_ENV, "MLFLOW_S3_ENDPOINT_URL": moto.url}
        for key, value in env.items():  # the stock client in this process reads MLflow's side
            patch.setenv(key, value)
        build_source(str(mlruns), root, f"s3://{BUCKET}/team", env)
        result = run_import(str(mlruns), f"sqlite:///{root / 'runhub.db'}", env=env)
        assert result.exit_code == 0, result.output
        assert counts(result.output)["spans"][1] == "3"  # read from S3 by the import itself
        unreachable = {**env, "MLFLOW_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
        refused = run_import(str(mlruns), f"sqlite:///{root / 'other.db'}", env=unreachable)
        assert refused.exit_code == 1
        assert f"cannot read the spans at s3://{BUCKET}/team/" in refused.output
        with (
            mlflow_server(str(mlruns), root) as mlflow,
            runhub_server(root, str(root / "art")) as runhub,
        ):
            yield (
                MlflowClient(tracking_uri=mlflow.url, registry_uri=mlflow.url),
                MlflowClient(tracking_uri=runhub.url, registry_uri=runhub.url),
            )


def test_spans_on_s3_are_imported(clients: tuple[MlflowClient, MlflowClient]) -> None:
    assert compare_traces(*clients, traces=2) == 0  # the file store keeps no links
