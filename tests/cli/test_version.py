"""``runhub --version`` names the version and the commit (from git in a source checkout)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from runhub import __version__
from runhub.build_info import UNKNOWN, build_commit, git_commit
from runhub.cli.main import cli


def test_version_names_the_release_and_the_commit() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"runhub {__version__} (commit {build_commit()})\n"


def test_a_source_checkout_reports_its_git_commit() -> None:
    assert build_commit() != UNKNOWN
    assert build_commit() == git_commit(Path(__file__).resolve().parents[2])


def test_outside_a_checkout_there_is_no_git_commit(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None
