"""File primitives of the ``mlruns`` layout: YAML metadata, key files and metric lines.

Writes are safe for several threads and worker processes: whole files are written to a
temporary file and moved into place with ``os.replace``; metric points are appended with one
``write`` call on a file opened with ``O_APPEND``, so concurrent appends never interleave.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from runhub.artifacts.paths import MAX_NAME_BYTES, MAX_PATH_BYTES
from runhub.errors import (
    BACKEND_STORE,
    InvalidParameter,
    StartupError,
    out_of_space_is_storage_full,
)
from runhub.validation import clamp_metric_value

META = "meta.yaml"
# Temporary files start with a character no param, tag or metric key may contain.
TMP_PREFIX = "~tmp-"

# One history point as stored: (step, timestamp, value, is_nan).
StoredPoint = tuple[int, int, float, bool]


def _yaml_module() -> Any:
    try:
        import yaml
    except ModuleNotFoundError:
        raise StartupError(
            "reading an mlruns directory needs PyYAML: pip install 'runhub[mlruns]'"
        ) from None
    return yaml


def require_yaml() -> None:
    """Fail at start-up, not on the first request, when PyYAML is missing."""
    _yaml_module()


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a YAML file; an empty mapping for an empty or non-mapping file."""
    yaml = _yaml_module()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return loaded if isinstance(loaded, dict) else {}


def write_yaml(path: Path, data: Mapping[str, Any]) -> None:
    """Replace ``path`` with ``data`` as block-style YAML with sorted keys."""
    yaml = _yaml_module()
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        dict(data), Dumper=dumper, default_flow_style=False, allow_unicode=True, sort_keys=True
    )
    write_text(path, text)


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` atomically: readers see the old content or the new, never a part.

    Raises :class:`~runhub.errors.StorageFull` when the disk is full (the old content stays)."""
    with out_of_space_is_storage_full(BACKEND_STORE):
        _replace_text(path, text)


def _replace_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the file from other readers
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def append_text(path: Path, text: str) -> None:
    """Append ``text`` with a single write on an ``O_APPEND`` descriptor.

    Raises :class:`~runhub.errors.StorageFull` when the disk is full."""
    with out_of_space_is_storage_full(BACKEND_STORE):
        _append_bytes(path, text.encode("utf-8"))


def _append_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        written = os.write(fd, data)
        try:
            while written < len(data):  # only on a full disk or a signal; finish the line
                written += os.write(fd, data[written:])
        except OSError:
            _drop_torn_tail(fd, written)
            raise
    finally:
        os.close(fd)


def _drop_torn_tail(fd: int, written: int) -> None:
    """Cut the ``written`` bytes of a line that could not be finished, unless another writer
    appended after them: a torn line would glue itself to the next one."""
    end = os.lseek(fd, 0, os.SEEK_CUR)
    if os.fstat(fd).st_size == end:
        os.ftruncate(fd, end - written)


def confine(base: Path, key: str, what: str) -> Path:
    """The file of ``key`` under ``base``; refuses anything that would resolve elsewhere.

    Keys are validated like the SQL store's; this is the second line: the resolved path must
    be strictly inside ``base`` even when the tree holds symbolic links. A key whose file
    name, or whole path, is longer than a file system holds is refused too.
    """
    candidate = base / key
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in key.split("/")):
        raise InvalidParameter(
            f"Invalid {what} key '{key[:300]}': the file store keeps it as a file name, and a "
            f"name there is at most {MAX_NAME_BYTES} bytes (UTF-8) between slashes."
        )
    if len(str(candidate).encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
        raise InvalidParameter(
            f"Invalid {what} key '{key[:300]}': its file path in the file store would be longer "
            f"than {MAX_PATH_BYTES} bytes."
        )
    root = os.path.realpath(base)
    resolved = os.path.realpath(candidate)
    if os.path.isabs(key) or not resolved.startswith(root + os.sep):
        raise InvalidParameter(f"Invalid {what} key '{key}': it does not name a file of the run.")
    return candidate


def key_clash(key: str, what: str) -> InvalidParameter:
    """The error for a key whose file would be another key's folder, or the reverse."""
    # 'a' and 'a/b' cannot both be files: the layout keeps keys with '/' as folders.
    return InvalidParameter(
        f"Invalid {what} key '{key}': it clashes with another {what} key that uses it as "
        "a folder (or the other way round) in this file store."
    )


def reject_nested_keys(keys: Iterable[str], what: str) -> None:
    """Refuse 'a' and 'a/b' in one request: one would have to be a file, the other a folder."""
    given = set(keys)
    for key in given:
        head = key
        while "/" in head:
            head = head.rsplit("/", 1)[0]
            if head in given:
                raise key_clash(head, what)


def writable_key_path(base: Path, key: str, what: str) -> Path:
    """The file of ``key`` under ``base``, checked before anything of a request is written."""
    path = confine(base, key, what)
    if path.is_dir():
        raise key_clash(key, what)
    parent = path.parent
    while parent != base and parent != parent.parent:
        if parent.exists() and not parent.is_dir():
            raise key_clash(key, what)
        parent = parent.parent
    return path


def write_key(base: Path, key: str, value: str, what: str) -> None:
    """Write the file of ``key`` (a param or tag) under ``base``."""
    path = writable_key_path(base, key, what)
    try:
        write_text(path, value)
    except (IsADirectoryError, NotADirectoryError, FileExistsError):
        raise key_clash(key, what) from None  # created by a concurrent request


def key_files(directory: Path) -> Iterator[tuple[str, Path]]:
    """(key, file) for every file under ``directory``; nested paths give keys with '/'."""
    if not directory.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith(TMP_PREFIX):
                continue  # a write in progress
            path = Path(dirpath, name)
            yield path.relative_to(directory).as_posix(), path


def read_key_values(directory: Path) -> Iterator[tuple[str, str]]:
    """(key, content) of every key file under ``directory``."""
    for key, path in key_files(directory):
        try:
            yield key, path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue  # deleted while listing


def format_point(timestamp: int, value: float, step: int) -> str:
    """One metric line: ``<timestamp> <value> <step>``."""
    return f"{timestamp} {value!r} {step}\n"


def parse_points(text: str) -> list[StoredPoint]:
    """The points of a metric file, in file order.

    Lines have 2 fields (step 0), 3 fields, or 5 (with a dataset name and digest; MLflow's
    reader sets step 0 for those, and so does this one). A torn or malformed line is skipped.
    """
    out: list[StoredPoint] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) not in (2, 3, 5):
            continue
        try:
            timestamp = int(parts[0])
            value, is_nan = clamp_metric_value(float(parts[1]))
            step = int(parts[2]) if len(parts) == 3 else 0
        except ValueError:
            continue
        out.append((step, timestamp, value, is_nan))
    return out


def read_points(path: Path) -> list[StoredPoint]:
    try:
        return parse_points(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
