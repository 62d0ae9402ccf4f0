"""The import directions of the style guide hold: the contracts in pyproject.toml
(``[tool.importlinter]``), checked by import-linter over the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# One import per direction the layering once broke, and the contract that must catch it.
LEAKS = {
    "store/file/runs.py": (
        "from runhub.store.sql.experiments import now_ms",
        "The file store and the SQL store share rules only through store-neutral modules",
    ),
    "search/parser.py": (
        "from runhub.store.tables import runs",
        "search/ is the pure grammar: no tables, no database, no HTTP",
    ),
    "api/purge.py": (
        "from runhub.store.sql.experiments import SqlExperimentStore",
        "api/ reaches the stores through their protocols: no concrete store, no SQLAlchemy",
    ),
    "lifecycle/mlruns_traces.py": (
        "from runhub.api.trace_json import trace_info_v2_json",
        "lifecycle/ (gc, import) uses the stores, never the HTTP layer",
    ),
}


def _lint_imports(pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=ROOT,  # the contracts are read from pyproject.toml here
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_directions_hold() -> None:
    result = _lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_contracts_catch_the_leaks_they_guard_against(tmp_path: Path) -> None:
    # The same check over a copy of the package with each former leak put back.
    shutil.copytree(
        ROOT / "src" / "runhub",
        tmp_path / "runhub",
        ignore=shutil.ignore_patterns("__pycache__", "dist", "node_modules"),
    )
    for path, (line, _) in LEAKS.items():
        module = tmp_path / "runhub" / path
        module.write_text(module.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    flowed = " ".join(report.split())  # long contract names wrap at the terminal width
    for _, contract in LEAKS.values():
        assert f"{contract} BROKEN" in flowed, report
