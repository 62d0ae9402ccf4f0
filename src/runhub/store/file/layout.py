"""Where things live in an ``mlruns`` tree, and finding experiments and runs in it.

``<root>/<experiment_id>/`` holds an active experiment, ``<root>/.trash/<experiment_id>/`` a
deleted one; a run is ``<experiment dir>/<run_id>/``. Ids are checked before they become path
parts, so no request names a path outside the tree.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from runhub.entities import ViewType
from runhub.errors import InvalidParameter, NotFound, StartupError
from runhub.store.experiment_rules import DEFAULT_EXPERIMENT_ID as DEFAULT_ID
from runhub.store.experiment_rules import parse_experiment_id
from runhub.store.file.files import META

try:
    import fcntl
except ImportError:  # Windows: one process per store
    fcntl = None  # type: ignore[assignment]

TRASH = ".trash"
METRICS, PARAMS, TAGS, ARTIFACTS = "metrics", "params", "tags", "artifacts"
INPUTS, OUTPUTS, DATASETS = "inputs", "outputs", "datasets"
# Folders of an experiment that are not runs (a tag file may even be called meta.yaml).
NOT_RUNS = frozenset({TAGS, DATASETS, "models", "traces"})
DEFAULT_EXPERIMENT_ID = str(DEFAULT_ID)  # its folder name
# New experiments get 18-digit random ids, as MLflow's file store gives them.
_ID_LOW, _ID_SPAN = 10**17, 9 * 10**17
# At most 255 characters: the longest folder name a file system holds.
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,254}")


def file_store_root(uri: str) -> Path | None:
    """The mlruns directory a backend store URI names (``file:`` or a plain path), else None."""
    if not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path or "."))
    if not parsed.scheme or len(parsed.scheme) == 1:  # a one-letter scheme is a Windows drive
        return Path(uri)
    return None


def open_mlruns_tree(root: Path) -> MlrunsTree:
    """An existing mlruns tree (for tools that must not create one)."""
    if not (root / DEFAULT_EXPERIMENT_ID / META).is_file() and not (root / TRASH).is_dir():
        raise StartupError(f"{str(root)!r} is not an mlruns directory (no experiment folders)")
    return MlrunsTree(root.resolve())


def new_experiment_id() -> str:
    return str(_ID_LOW + secrets.randbelow(_ID_SPAN))


def experiment_id_of(experiment_id: str | int | None) -> str:
    """The canonical folder name of an experiment id; malformed ids are simply not found."""
    return str(parse_experiment_id(experiment_id))


class MlrunsTree:
    """The directory tree of one file store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.trash = root / TRASH
        self._lock = threading.RLock()
        self._depth = 0
        self._run_experiment: dict[str, str] = {}

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise a read-modify-write step with every thread and worker process.

        A thread lock inside the process, and an advisory ``flock`` on the root folder itself
        between processes (no lock file that MLflow could take for an experiment).
        """
        with self._lock:
            self._depth += 1
            fd = -1
            try:
                if self._depth == 1 and fcntl is not None:
                    fd = os.open(self.root, os.O_RDONLY)
                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                if fd >= 0:
                    os.close(fd)  # closing releases the flock
                self._depth -= 1

    # -- experiments --------------------------------------------------------------------------
    def experiment_dir(self, experiment_id: str) -> Path | None:
        """The folder of an experiment (active or in the trash), or None."""
        exp_id = experiment_id_of(experiment_id)
        for parent in (self.root, self.trash):
            candidate = parent / exp_id
            if (candidate / META).is_file():
                return candidate
        return None

    def existing_experiment_dir(self, experiment_id: str) -> Path:
        found = self.experiment_dir(experiment_id)
        if found is None:
            raise NotFound(f"No Experiment with id={experiment_id} exists")
        return found

    def experiment_dirs(self, view_type: ViewType = ViewType.ALL) -> Iterator[Path]:
        """Experiment folders: active ones from the root, deleted ones from the trash."""
        parents = []
        if view_type in (ViewType.ACTIVE_ONLY, ViewType.ALL):
            parents.append(self.root)
        if view_type in (ViewType.DELETED_ONLY, ViewType.ALL):
            parents.append(self.trash)
        for parent in parents:
            if not parent.is_dir():
                continue
            for child in sorted(parent.iterdir()):
                if child.name.isdigit() and (child / META).is_file():
                    yield child

    # -- runs ---------------------------------------------------------------------------------
    def run_dir(self, run_id: str | None) -> Path:
        """The folder of a run in any experiment; 404 when there is none."""
        if not run_id:
            raise InvalidParameter("Missing value for required parameter 'run_id'.")
        if not _RUN_ID.fullmatch(run_id) or run_id in NOT_RUNS:
            raise NotFound(f"Run with id={run_id} not found")
        known = self._run_experiment.get(run_id)
        if known is not None:
            exp_dir = self.experiment_dir(known)
            if exp_dir is not None and (exp_dir / run_id / META).is_file():
                return exp_dir / run_id
        for exp_dir in self.experiment_dirs():
            if (exp_dir / run_id / META).is_file():
                self._run_experiment[run_id] = exp_dir.name
                return exp_dir / run_id
        raise NotFound(f"Run with id={run_id} not found")

    def run_dirs(self, experiment_dir: Path) -> Iterator[Path]:
        for child in sorted(experiment_dir.iterdir()):
            if (
                child.name not in NOT_RUNS
                and _RUN_ID.fullmatch(child.name)
                and (child / META).is_file()
            ):
                self._run_experiment.setdefault(child.name, experiment_dir.name)
                yield child

    def remember_run(self, run_id: str, experiment_id: str) -> None:
        self._run_experiment[run_id] = experiment_id
