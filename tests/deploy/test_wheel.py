"""The package as users get it: ``python -m build`` makes an sdist and, from it, a wheel that
carries the built web UI and the commit; installed into a clean virtualenv with no Node.js on
PATH, ``runhub server`` serves the UI at ``/``. A build without the UI fails loudly."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runhub import __version__
from runhub.build_info import git_commit

ROOT = Path(__file__).resolve().parents[2]
UI_DIST = ROOT / "src" / "runhub" / "ui" / "dist"
STARTUP_TIMEOUT_S = 60

# One worker builds the wheel once for the whole module.
pytestmark = pytest.mark.xdist_group("wheel")


@dataclass(frozen=True)
class Built:
    wheel: Path
    # Other work may be committed while the build runs: either commit is the right one.
    commits: tuple[str, ...]


def build(source: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run ``python -m build`` on ``source`` into ``out``; returns its output, raises on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), *args, str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        raise AssertionError(f"python -m build failed:\n{done.stdout[-3000:]}{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    assert (UI_DIST / "index.html").is_file(), "build the web UI first: make ui"
    out = tmp_path_factory.mktemp("dist")
    before = git_commit(ROOT)
    build(ROOT, out)  # the sdist, then the wheel from the unpacked sdist (no .git there)
    after = git_commit(ROOT)
    assert before is not None and after is not None
    return Built(next(out.glob("runhub-*.whl")), (before, after))


def test_wheel_carries_every_ui_file_and_the_commit(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
        build_info = wheel.read("runhub/_build_info.py").decode()
    ui_files = {
        f"runhub/ui/dist/{path.relative_to(UI_DIST).as_posix()}"
        for path in UI_DIST.rglob("*")
        if path.is_file()
    }
    assert "runhub/ui/dist/index.html" in ui_files
    assert ui_files <= names, sorted(ui_files - names)
    assert any(f'COMMIT = "{commit}"' in build_info for commit in built.commits), build_info


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["content-type"], response.read().decode()


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtualenv with the wheel and its dependencies installed; yields its bin dir."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    install = [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(built.wheel)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    yield bin_dir
    shutil.rmtree(venv, ignore_errors=True)


def clean_env(bin_dir: Path) -> dict[str, str]:
    # Only the virtualenv on PATH: no node, no npm, and nothing from this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = str(bin_dir)
    assert shutil.which("node", path=env["PATH"]) is None
    return env


def test_installed_wheel_reports_version_and_commit(built: Built, installed: Path) -> None:
    done = subprocess.run(
        [str(installed / "runhub"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=clean_env(installed),
    )
    assert __version__ in done.stdout
    assert any(f"(commit {commit})" in done.stdout for commit in built.commits), done.stdout


def test_installed_wheel_serves_the_ui_without_node(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        str(installed / "runhub"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{tmp_path / 'runhub.db'}",
        "--artifacts-destination",
        str(tmp_path / "artifacts"),
    ]
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        command, cwd=tmp_path, env=clean_env(installed), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if get(f"{base}/health")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)

        status, content_type, page = get(f"{base}/")
        assert status == 200 and content_type.startswith("text/html")
        assert '<div id="root">' in page
        assets = re.findall(r'(?:src|href)="\.?/?(static-files/[^"]+)"', page)
        assert any(a.endswith(".js") for a in assets), page
        for asset in assets:
            assert get(f"{base}/{asset}")[0] == 200, asset
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_building_without_the_ui_fails_loudly(tmp_path: Path) -> None:
    # A copy of the sources without ui/dist, so the real build output is left alone.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("dist", "__pycache__", "_build_info.py")
    shutil.copytree(ROOT / "src" / "runhub", source / "src" / "runhub", ignore=ignore)

    with pytest.raises(AssertionError) as refused:
        build(source, tmp_path / "out", "--wheel")
    assert "the web UI is not built" in str(refused.value)
    assert "RUNHUB_BUILD_WITHOUT_UI=1" in str(refused.value)
    assert not list((tmp_path / "out").glob("*.whl"))


def test_packaging_guide_is_linked_and_names_every_build_variable() -> None:
    guide = (ROOT / "docs" / "packaging.md").read_text()
    assert "docs/packaging.md" in (ROOT / "README.md").read_text()
    variables = set(re.findall(r"RUNHUB_BUILD_[A-Z_]+", (ROOT / "setup.py").read_text()))
    assert variables == {"RUNHUB_BUILD_WITHOUT_UI", "RUNHUB_BUILD_COMMIT"}
    assert all(name in guide for name in variables)
    assert "make dist" in guide
    assert re.search(r"^dist:", (ROOT / "Makefile").read_text(), re.MULTILINE)
