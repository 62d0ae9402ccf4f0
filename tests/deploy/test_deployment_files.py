"""The container recipe, the compose file and the production guide match the real server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from runhub.cli.main import cli
from runhub.cli.server import server
from runhub.config import KNOBS

ROOT = Path(__file__).resolve().parents[2]
ENV_NAME = re.compile(r"\b(?:MLFLOW|RUNHUB)_[A-Z0-9_]+\b")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


@pytest.fixture(scope="module")
def server_help() -> str:
    result = CliRunner().invoke(cli, ["server", "--help"], terminal_width=400)
    assert result.exit_code == 0
    return result.output


def _server_options() -> set[str]:
    names: set[str] = set()
    for param in server.params:
        if isinstance(param, click.Option):
            names.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return names


def _known_env(server_help: str, name: str) -> bool:
    return any(k.env == name for k in KNOBS) or name in server_help


def test_compose_runs_runhub_with_postgres_15_and_minio(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["minio"]["image"].startswith("minio/minio")
    for name in ("postgres", "minio", "runhub"):
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
    volumes = set(compose["volumes"])
    for name in ("postgres", "minio"):
        mounted = {v.split(":")[0] for v in services[name]["volumes"]}
        assert mounted & volumes, f"{name} keeps its data in no named volume"
    needs = services["runhub"]["depends_on"]
    assert needs["postgres"]["condition"] == "service_healthy"
    assert needs["minio-bucket"]["condition"] == "service_completed_successfully"
    assert services["runhub"]["build"] == "."


def test_compose_uses_only_real_runhub_options(compose: dict[str, Any], server_help: str) -> None:
    runhub = compose["services"]["runhub"]
    command: list[str] = runhub["command"]
    assert command[0] == "server"
    flags = [arg for arg in command if arg.startswith("--")]
    assert flags and set(flags) <= _server_options(), set(flags) - _server_options()
    destination = command[command.index("--artifacts-destination") + 1]
    bucket = destination.removeprefix("s3://").split("/")[0]
    assert bucket in str(compose["services"]["minio-bucket"]["entrypoint"])

    env: dict[str, str] = runhub["environment"]
    unknown = [name for name in env if not _known_env(server_help, name)]
    assert unknown == [], f"not runhub settings: {unknown}"
    assert env["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql://")
    assert "@postgres:5432/" in env["MLFLOW_BACKEND_STORE_URI"]
    assert env["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"


def _stages(dockerfile: str) -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = ""
    logical = re.sub(r"\\\n", " ", dockerfile)
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            current = line.split()[-1]
            stages[current] = []
        stages[current].append(line)
    return stages


def test_dockerfile_builds_the_ui_then_installs_the_package_as_non_root() -> None:
    stages = _stages((ROOT / "Dockerfile").read_text())
    ui, final = stages["ui"], stages[list(stages)[-1]]
    assert stages["ui"][0].startswith("FROM node:")
    assert any("npm ci" in line for line in ui) and any("npm run build" in line for line in ui)
    assert any(re.search(r"pip install \"?\.[\[\"]", line) for line in final)
    user = next(line for line in final if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("root", "0")
    assert final.index(user) > max(i for i, line in enumerate(final) if line.startswith("RUN "))

    # Every path copied from the build context exists; the UI comes from where Vite writes it.
    for stage in stages.values():
        for line in stage:
            if line.startswith("COPY ") and "--from=" not in line:
                for source in line.split()[1:-1]:
                    assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"
    copy_ui = next(line for line in final if "--from=ui" in line)
    vite = (ROOT / "ui" / "vite.config.ts").read_text()
    out_dir = re.search(r'outDir:\s*"([^"]+)"', vite)
    assert out_dir is not None
    built = (Path("/src/ui") / out_dir.group(1)).resolve()
    assert copy_ui.split()[2] == f"{built}/"
    assert copy_ui.split()[3] == "src/runhub/ui/dist/"

    cmd = next(line for line in final if line.startswith("CMD "))
    flags = set(re.findall(r'"(--[a-z-]+)"', cmd))
    assert flags <= _server_options()


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".venv", ".git", "**/node_modules", "mlflow.db*"):
        assert entry in ignored


def test_production_guide_is_linked_and_names_only_real_settings(server_help: str) -> None:
    guide = (ROOT / "docs" / "production.md").read_text()
    assert "docs/production.md" in (ROOT / "README.md").read_text()
    assert "runhub db upgrade" in guide
    unknown = sorted(
        name for name in set(ENV_NAME.findall(guide)) if not _known_env(server_help, name)
    )
    allowed_elsewhere = {"MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN"}  # client-side
    assert set(unknown) <= allowed_elsewhere, unknown
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", guide))
    other_tools = {"--rm", "--entrypoint", "--clean", "--single-transaction", "--help"}
    runhub_flags = flags - other_tools
    assert runhub_flags <= _server_options(), runhub_flags - _server_options()
