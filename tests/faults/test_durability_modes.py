"""``--durability``: fast by default; full makes SQLite commit with synchronous=FULL and local
artifacts reach the disk before the answer, and is chosen by option or environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from runhub.artifacts.local import LocalArtifactStore
from runhub.cli.main import cli
from runhub.config import Settings, settings_from_environment
from runhub.store.stores import open_stores

SYNCHRONOUS = {1: "NORMAL", 2: "FULL"}


def synchronous(engine: Engine) -> str:
    with engine.connect() as conn:
        return SYNCHRONOUS[conn.exec_driver_sql("PRAGMA synchronous").scalar_one()]


@pytest.mark.parametrize(("durability", "expected"), [("fast", "NORMAL"), ("full", "FULL")])
def test_sqlite_commits_as_the_mode_says(durability: str, expected: str, tmp_path: Path) -> None:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path / 'runhub.db'}",
        artifacts_destination=str(tmp_path / "artifacts"),
        durability=durability,
    )
    stores = open_stores(settings)
    try:
        assert stores.db is not None
        assert synchronous(stores.db.writer) == expected
        assert synchronous(stores.db.reader) == expected
    finally:
        stores.close()


def test_a_durable_upload_lands_in_new_folders(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root", durable=True)
    writer = store.writer("1/run/artifacts/model/weights.bin")
    writer.write(b"w" * 10_000)
    writer.commit()
    assert (tmp_path / "root/1/run/artifacts/model/weights.bin").stat().st_size == 10_000


def test_the_mode_comes_from_the_environment_and_is_checked_on_the_command_line() -> None:
    assert settings_from_environment({}).durable is False
    assert settings_from_environment({"RUNHUB_DURABILITY": "full"}).durable is True
    result = CliRunner().invoke(cli, ["server", "--durability", "always"])
    assert result.exit_code == 2 and "'fast', 'full'" in result.output
