"""Two build steps that pyproject.toml cannot express; everything else is in pyproject.toml.

- A wheel or sdist carries the built web UI. Building one while
  ``src/runhub/ui/dist/index.html`` is missing fails with an error saying how to build the UI
  (``make ui``), instead of producing a package that serves no UI. ``RUNHUB_BUILD_WITHOUT_UI=1``
  builds an API-only package on purpose.
- The commit the package is built from is written to ``runhub/_build_info.py`` in the sdist and
  the wheel, so ``runhub --version`` can name it where there is no ``.git``. It comes from
  ``RUNHUB_BUILD_COMMIT`` when set (the container build passes it), else from git; a wheel built
  from an sdist keeps the sdist's.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.errors import FileError

ROOT = Path(__file__).resolve().parent
UI_INDEX = Path("src", "runhub", "ui", "dist", "index.html")
BUILD_INFO = "_build_info.py"


def require_ui() -> None:
    if (ROOT / UI_INDEX).is_file() or os.environ.get("RUNHUB_BUILD_WITHOUT_UI") == "1":
        return
    raise FileError(
        f"the web UI is not built ({UI_INDEX} is missing), so this package would serve no UI. "
        "Build it first with `make ui` (or `npm ci && npm run build` in ui/), "
        "or set RUNHUB_BUILD_WITHOUT_UI=1 to build an API-only package on purpose."
    )


def source_commit() -> str | None:
    # runhub/build_info.py is loaded by path: importing the package would need its dependencies.
    spec = importlib.util.spec_from_file_location("build_info", ROOT / "src/runhub/build_info.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    commit: str | None = os.environ.get("RUNHUB_BUILD_COMMIT") or module.git_commit(ROOT)
    return commit


def write_build_info(package_dir: Path, commit: str) -> None:
    target = package_dir / BUILD_INFO
    target.unlink(missing_ok=True)  # may be a hard link into the source tree (sdist)
    target.write_text(
        f'"""Written by setup.py when this package was built."""\n\nCOMMIT = "{commit}"\n'
    )


class BuildPy(build_py):
    def run(self) -> None:
        editable = getattr(self, "editable_mode", False)  # an editable install reads git instead
        if not editable:
            require_ui()
        super().run()
        if not editable:
            package_dir = Path(self.build_lib, "runhub")
            commit = source_commit()
            if commit is not None or not (package_dir / BUILD_INFO).exists():
                write_build_info(package_dir, commit or "unknown")


class Sdist(sdist):
    def run(self) -> None:
        require_ui()
        super().run()

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        write_build_info(Path(base_dir, "src", "runhub"), source_commit() or "unknown")


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
