"""Artifact options of ``runhub server`` that cannot work together fail in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures.live_server import free_port


def start(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "runhub",
            "server",
            "--backend-store-uri",
            f"sqlite:///{tmp_path}/a.db",
            "--port",
            str(free_port()),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_presigned_only_needs_a_presigning_destination(tmp_path: Path) -> None:
    result = start(
        tmp_path, "--artifacts-destination", str(tmp_path / "d"), "--artifacts-presigned-only"
    )
    assert "s3://" in one_line_error(result)


def test_artifacts_only_needs_the_artifact_service(tmp_path: Path) -> None:
    result = start(tmp_path, "--artifacts-only", "--no-serve-artifacts")
    assert "--no-serve-artifacts" in one_line_error(result)


def test_unknown_destination_scheme(tmp_path: Path) -> None:
    result = start(tmp_path, "--artifacts-destination", "ftp://host/x")
    assert "s3://" in one_line_error(result)
