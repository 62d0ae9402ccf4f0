"""``runhub import-mlflow`` refuses a SOURCE it cannot read with one line that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lifecycle.importing import run_import


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{tmp}/no-such-mlruns", "is neither an MLflow database URI"),
        ("sqlite:///{tmp}/missing.db", "does not exist"),
        ("mysql+nosuchdriver://root@127.0.0.1:3306/mlflow", "use postgresql+psycopg://"),
        ("sqlite:///{tmp}/empty.db", "is not an MLflow database"),
        ("{tmp}", "is not an mlruns directory"),
    ],
)
def test_unreadable_source_is_refused(source: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    result = run_import(source.format(tmp=tmp_path), f"sqlite:///{tmp_path / 'runhub.db'}")
    assert result.exit_code == 1
    assert expected in result.output and result.output.startswith("Error: ")
    assert not (tmp_path / "missing.db").exists()
