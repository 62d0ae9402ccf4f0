"""Artifact paths: decoded until stable, checked, and confined to their root before any I/O.

A path that names anything outside its root is refused with 400 ``INVALID_PARAMETER_VALUE``:
``..`` segments, backslashes, ``;`` path parameters, absolute paths and drive letters, NUL and
other control characters, in any percent-encoding (``%2e%2e``, ``%252e%252e``, ...).

Paths are also refused, with the same error, when the storage could not hold them: a name (one
segment) over ``MAX_NAME_BYTES``, or a whole path over ``MAX_PATH_BYTES`` once joined to its root
(an S3 key over ``MAX_KEY_BYTES``), counted in UTF-8 bytes.
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
# NAME_MAX and PATH_MAX (less its NUL) of Linux and of the common file systems elsewhere.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4095
# The longest object key S3 (and S3-compatible stores) accept.
MAX_KEY_BYTES = 1024


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
        path.encode()  # lone surrogates (a JSON "\ud800") have no UTF-8 form either
    except UnicodeError:
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
    for segment in segments:
        if len(segment.encode()) > MAX_NAME_BYTES:
            raise _refuse(raw, f"a name in it is longer than {MAX_NAME_BYTES} bytes")
    cleaned = "/".join(segments)
    check_length(cleaned, MAX_PATH_BYTES, raw)
    return cleaned


def check_length(full: str, limit: int, raw: str | None = None, where: str = "") -> None:
    """Refuse ``full`` (a path or key as storage sees it) when it is over ``limit`` bytes.

    ``raw`` is what the client sent, for the message; ``where`` says what ``full`` includes.
    """
    if len(full.encode("utf-8", "surrogatepass")) > limit:
        raise _refuse(full if raw is None else raw, f"it is longer than {limit} bytes{where}")


def join_paths(*parts: str) -> str:
    """Clean relative paths joined with ``/``, skipping empty ones."""
    return "/".join(p for p in parts if p)


def base_name(client_path: str) -> str:
    """The file name at the end of a client's local path (POSIX or Windows separators)."""
    return re.split(r"[\\/]", client_path)[-1]


def confine(root: Path, relative: str) -> Path:
    """``root/relative`` with symlinks resolved; refused when it resolves outside ``root``.

    ``root`` must already be resolved (``Path.resolve()``); ``relative`` must come from
    :func:`clean_path`. Also refused when the joined or resolved path is over ``MAX_PATH_BYTES``.
    """
    where = " under the artifact root"
    check_length(str(root / relative), MAX_PATH_BYTES, relative, where)
    target = Path(os.path.realpath(root / relative))
    if target != root and root not in target.parents:
        raise _refuse(relative, "it leads outside the artifact root")
    check_length(str(target), MAX_PATH_BYTES, relative, where + " with links resolved")
    return target
