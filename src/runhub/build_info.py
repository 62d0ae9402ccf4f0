"""The commit runhub was built from, for ``runhub --version``.

A wheel or sdist carries it in ``runhub/_build_info.py``, which ``setup.py`` writes at build time
(the file is generated and never committed); a source checkout asks git; anything else says
"unknown".
"""

from __future__ import annotations

import functools
import importlib
import subprocess
from pathlib import Path

UNKNOWN = "unknown"
# The repository root when runhub runs from a source checkout (src/runhub/build_info.py).
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def git_commit(root: Path) -> str | None:
    """The short hash of the commit checked out at ``root``, ending in ``-dirty`` when tracked
    files differ from it; None when ``root`` is not a git checkout or git cannot be run."""
    if not (root / ".git").exists():
        return None

    def git(*args: str) -> str:
        # --no-optional-locks: asking for the status must never block a concurrent commit.
        command = ["git", "--no-optional-locks", "-C", str(root), *args]
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=10)
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short=12", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}-dirty" if changed else head


@functools.cache  # read once per process: server-info answers with it
def build_commit() -> str:
    """The commit recorded at build time, else the source checkout's, else ``"unknown"``."""
    try:
        generated = importlib.import_module("runhub._build_info")
    except ImportError:
        return git_commit(SOURCE_ROOT) or UNKNOWN
    return str(getattr(generated, "COMMIT", UNKNOWN))
