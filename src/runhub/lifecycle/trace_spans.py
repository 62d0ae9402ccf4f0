"""MLflow span data kept as a ``traces.json`` artifact, read into rows of MLflow's ``spans`` table.

The file store and MLflow 2.x keep a trace's spans in ``<artifact location>/traces.json``
(``{"spans": [...]}``), written by three generations of MLflow's span dictionary: the 2.x form
(``context`` with ``0x`` hex ids, ``status_code``), the 3.5 form (hex ids, ``status.code`` as
``OK``) and the current form (base64 ids, ``status.code`` as ``STATUS_CODE_OK``). Each span
becomes the row MLflow's SQL store writes for it: hex ids in columns, the current form in
``content``.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import orjson

from runhub.artifacts import open_artifact_store
from runhub.errors import NotFound, StartupError
from runhub.lifecycle.copy_artifacts import S3Options

SPAN_DATA_FILE = "traces.json"
SPAN_TYPE_ATTRIBUTE = "mlflow.spanType"
OTEL_STATUS_PREFIX = "STATUS_CODE_"


def local_directory(uri: str | None) -> Path | None:
    """The local directory an artifact location names (a path or ``file:`` URI), else None."""
    if not uri:
        return None
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and uri[1:3] in (":\\", ":/")):
        return Path(uri)
    return None


def read_span_file(directory: Path | None) -> list[dict[str, Any]] | None:
    """The span dictionaries of ``directory/traces.json``; None when it is absent or unreadable."""
    if directory is None:
        return None
    try:
        return _spans((directory / SPAN_DATA_FILE).read_bytes())
    except OSError:
        return None


def read_span_artifact(location: str | None, s3: S3Options) -> list[dict[str, Any]] | None:
    """The span dictionaries of ``traces.json`` at artifact ``location``: a local directory, a
    ``file:`` URI or ``s3://``; None when it is absent, unreadable or elsewhere.

    Raises StartupError when S3 cannot be reached or refuses the credentials."""
    if location and urlparse(location).scheme in ("s3", "s3a"):
        try:
            store = open_artifact_store(location, s3.endpoint_url, s3.ignore_tls)
            return _spans(b"".join(store.read(SPAN_DATA_FILE)))
        except NotFound:
            return None
        except Exception as exc:  # the S3 client's own errors: unreachable, no credentials
            raise StartupError(
                f"cannot read the spans at {location}: {exc}; set MLFLOW_S3_ENDPOINT_URL and "
                "the AWS credentials as for the server"
            ) from None
    return read_span_file(local_directory(location))


def _spans(data: bytes) -> list[dict[str, Any]] | None:
    try:
        loaded = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    spans = loaded.get("spans") if isinstance(loaded, dict) else None
    return [s for s in spans if isinstance(s, dict)] if isinstance(spans, list) else None


def span_row(trace_id: str, span: dict[str, Any]) -> dict[str, Any]:
    """The ``spans`` row of one span dictionary of trace ``trace_id``, in any of the forms."""
    content = _current_form(span)
    attributes = content.get("attributes") or {}
    span_type = json_or_text(attributes.get(SPAN_TYPE_ATTRIBUTE))
    code = str((content.get("status") or {}).get("code") or "")
    return {
        "trace_id": trace_id,
        "span_id": _hex(content.get("span_id")),
        "parent_span_id": _hex(content.get("parent_span_id")) or None,
        "name": content.get("name") or "",
        "type": span_type if isinstance(span_type, str) else None,
        "status": code.removeprefix(OTEL_STATUS_PREFIX) or "UNSET",
        "start_time_unix_nano": _int(content.get("start_time_unix_nano")),
        "end_time_unix_nano": _int(content.get("end_time_unix_nano")) or None,
        "content": orjson.dumps(content).decode(),
    }


def _current_form(span: dict[str, Any]) -> dict[str, Any]:
    if "context" in span and "start_time" in span:  # the 2.x form
        context = span.get("context") or {}
        events = [
            {
                "name": e.get("name", ""),
                "time_unix_nano": e.get("timestamp"),
                "attributes": e.get("attributes") or {},
            }
            for e in span.get("events") or []
        ]
        status = {"code": span.get("status_code") or "UNSET", "message": ""}
        status["message"] = span.get("status_message") or ""
        span = {
            "trace_id": context.get("trace_id"),
            "span_id": context.get("span_id"),
            "parent_span_id": span.get("parent_id"),
            "name": span.get("name"),
            "start_time_unix_nano": span.get("start_time"),
            "end_time_unix_nano": span.get("end_time"),
            "events": events,
            "status": status,
            "attributes": span.get("attributes") or {},
            "links": span.get("links") or [],
        }
    content = dict(span)
    for key, size in (("trace_id", 16), ("span_id", 8), ("parent_span_id", 8)):
        content[key] = _base64(content.get(key), size)
    status = dict(content.get("status") or {})
    code = str(status.get("code") or "UNSET")
    if not code.startswith(OTEL_STATUS_PREFIX):
        status["code"] = OTEL_STATUS_PREFIX + code
    status.setdefault("message", "")
    content["status"] = status
    return content


def _raw_bytes(value: Any, size: int) -> bytes | None:
    """An id's bytes from base64, ``0x`` hex, plain hex or a ``tr-`` trace id."""
    if not isinstance(value, str) or not value:
        return None
    text = value.removeprefix("0x").removeprefix("tr-")
    if len(text) == size * 2:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return decoded if len(decoded) == size else None


def _base64(value: Any, size: int) -> str | None:
    raw = _raw_bytes(value, size)
    return base64.b64encode(raw).decode() if raw is not None else None


def _hex(value: Any) -> str:
    raw = _raw_bytes(value, 8)
    return raw.hex() if raw is not None else ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def json_or_text(text: Any) -> Any:
    """The JSON value ``text`` encodes; ``text`` itself when it is not JSON."""
    if not isinstance(text, str):
        return text
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
