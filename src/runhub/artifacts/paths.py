"""Artifact paths: decoded until stable, checked, and confined to their root before any I/O.

A path that names anything outside its root is refused with 400 ``INVALID_PARAMETER_VALUE``:
``..`` segments, backslashes, ``;`` path parameters, absolute paths and drive letters, NUL and
other control characters, in any percent-encoding (``%2e%2e``, ``%252e%252e``, ...).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from runhub.errors import InvalidParameter

# Decoding more often than this means the input is built to confuse, not a real file name.
_MAX_DECODE_ROUNDS = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def _refuse(raw: str, why: str) -> InvalidParameter:
    return InvalidParameter(f"Invalid path '{raw[:200]}': {why}.")


def decode_fully(raw: str) -> str:
    """``raw`` percent-decoded repeatedly until decoding changes nothing more."""
    current = raw
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = unquote(current, errors="strict")
        if decoded == current:
            return current
        current = decoded
    raise _refuse(raw, "it is percent-encoded too many times")


def clean_path(raw: str) -> str:
    """The safe relative form of ``raw`` (``a/b/c``; ``""`` for the root).

    Empty and ``.`` segments are dropped. Raises :class:`InvalidParameter` for anything that
    could leave the root, whatever its encoding.
    """
    try:
        path = decode_fully(raw)
    except UnicodeDecodeError:
        raise _refuse(raw, "it is not valid UTF-8 once decoded") from None
    if _CONTROL.search(path):
        raise _refuse(raw, "it contains NUL or control characters")
    if "\\" in path:
        raise _refuse(raw, "backslashes are not allowed")
    if ";" in path:
        raise _refuse(raw, "';' path parameters are not allowed")
    if path.startswith("/") or _DRIVE.match(path):
        raise _refuse(raw, "absolute paths are not allowed")
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise _refuse(raw, "'..' is not allowed")
    return "/".join(segments)


def join_paths(*parts: str) -> str:
    """Clean relative paths joined with ``/``, skipping empty ones."""
    return "/".join(p for p in parts if p)


def base_name(client_path: str) -> str:
    """The file name at the end of a client's local path (POSIX or Windows separators)."""
    return re.split(r"[\\/]", client_path)[-1]


def confine(root: Path, relative: str) -> Path:
    """``root/relative`` with symlinks resolved; refused when it resolves outside ``root``.

    ``root`` must already be resolved (``Path.resolve()``); ``relative`` must come from
    :func:`clean_path`.
    """
    target = Path(os.path.realpath(root / relative))
    if target != root and root not in target.parents:
        raise _refuse(relative, "it leads outside the artifact root")
    return target
