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
from contextlib import contextmanager
from pathlib import Path

import pytest

from runhub import __version__
from runhub.build_info import git_commit

ROOT = Path(__file__).resolve().parents[2]
UI_DIST = ROOT / "src" / "runhub" / "ui" / "dist"
STARTUP_TIMEOUT_S = 60


def build(source: Path, out: Path, *args: str) -> str:
    """Run ``python -m build`` on ``source`` into ``out``; returns its output, raises on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), *args, str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"python -m build failed:\n{done.stdout[-3000:]}{done.stderr}")
    return done.stdout


def build_from_checkout(out: Path) -> tuple[Path, tuple[str, ...]]:
    """The wheel ``make dist`` makes (the sdist, then the wheel from the unpacked sdist, where
    there is no .git), and the commits it may name: other work may be committed meanwhile."""
    assert (UI_DIST / "index.html").is_file(), "build the web UI first: make ui"
    before = git_commit(ROOT)
    build(ROOT, out)
    after = git_commit(ROOT)
    assert before is not None and after is not None
    return next(out.glob("runhub-*.whl")), (before, after)


def assert_carries_every_ui_file_and_the_commit(wheel_path: Path, commits: tuple[str, ...]) -> None:
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        build_info = wheel.read("runhub/_build_info.py").decode()
    ui_files = {
        f"runhub/ui/dist/{path.relative_to(UI_DIST).as_posix()}"
        for path in UI_DIST.rglob("*")
        if path.is_file()
    }
    assert "runhub/ui/dist/index.html" in ui_files
    assert ui_files <= names, sorted(ui_files - names)
    assert any(f'COMMIT = "{commit}"' in build_info for commit in commits), build_info


def install_in_new_venv(wheel_path: Path, venv: Path) -> Path:
    """A fresh virtualenv with the wheel and its dependencies; returns its bin directory."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    install = [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel_path)]
    done = subprocess.run(install, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return bin_dir


def clean_env(bin_dir: Path) -> dict[str, str]:
    # Only the virtualenv on PATH: no node, no npm, and nothing from this checkout.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = str(bin_dir)
    assert shutil.which("node", path=env["PATH"]) is None
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["content-type"], response.read().decode()


@contextmanager
def running_server(bin_dir: Path, tmp: Path) -> Iterator[str]:
    """``runhub server`` from the virtualenv on a free loopback port; yields its URL."""
    port = free_port()
    command = [
        str(bin_dir / "runhub"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{tmp / 'runhub.db'}",
        "--artifacts-destination",
        str(tmp / "artifacts"),
    ]
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=tmp, env=clean_env(bin_dir), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if get(f"http://127.0.0.1:{port}/health")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def venv_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "venv"
    yield path
    shutil.rmtree(path, ignore_errors=True)  # a few hundred megabytes


# One test, not several sharing fixtures: the steps depend on each other, and the build and
# the install (about a minute together) must run once even when tests are spread over workers.
def test_wheel_carries_the_ui_and_serves_it_from_a_clean_venv_without_node(
    tmp_path: Path, venv_dir: Path
) -> None:
    wheel_path, commits = build_from_checkout(tmp_path / "dist")
    assert_carries_every_ui_file_and_the_commit(wheel_path, commits)
    bin_dir = install_in_new_venv(wheel_path, venv_dir)

    version = subprocess.run(
        [str(bin_dir / "runhub"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=clean_env(bin_dir),
    ).stdout
    assert __version__ in version
    assert any(f"(commit {commit})" in version for commit in commits), version

    with running_server(bin_dir, tmp_path) as base:
        status, content_type, page = get(f"{base}/")
        assert status == 200 and content_type.startswith("text/html")
        assert '<div id="root">' in page
        assets = re.findall(r'(?:src|href)="\.?/?(static-files/[^"]+)"', page)
        assert any(a.endswith(".js") for a in assets), page
        for asset in assets:
            assert get(f"{base}/{asset}")[0] == 200, asset


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
