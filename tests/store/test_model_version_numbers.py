"""Concurrent version creation hands out each number once, on every backend."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runhub.cli.server import prepare_database
from runhub.config import Settings
from runhub.store.stores import open_stores


def test_concurrent_creates_get_distinct_numbers(database_url: str, tmp_path: Path) -> None:
    settings = Settings(backend_store_uri=database_url, artifacts_destination=str(tmp_path))
    prepare_database(settings)
    stores = open_stores(settings)
    try:
        exp_id = stores.experiments.create_experiment("e", None, [])
        run_id = stores.runs.create_run(exp_id, "u", None, [], None).info.run_id
        stores.registered_models.create_registered_model("m", [], None)

        def create(_: int) -> int:
            version = stores.model_versions.create_model_version(
                "m", f"runs:/{run_id}/model", run_id, [], None, None, None
            )
            return version.version

        with ThreadPoolExecutor(max_workers=6) as pool:
            numbers = sorted(pool.map(create, range(24)))
        assert numbers == list(range(1, 25))
        model = stores.registered_models.get_registered_model("m")
        assert [v.version for v in model.latest_versions] == [24]
    finally:
        stores.close()
