"""Times: the clock rows are stamped with, the range trace times are stored in, their text form.

Trace infos carry protobuf ``Timestamp`` strings (RFC 3339), which exist for the years 1 to
9999, and ``Duration`` strings of at most 10,000 years. A time outside is refused on write with
400 ``INVALID_PARAMETER_VALUE``; one already stored (by an older release, or imported) is printed
at the nearest end of the range, so no stored row can make a read fail.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from runhub.errors import InvalidParameter

MIN_TIME_MS = -62_135_596_800_000  # 0001-01-01T00:00:00Z
MAX_TIME_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
MAX_DURATION_MS = 315_576_000_000_000  # protobuf Duration's limit, 10,000 years either way
# Span times are OTLP's unsigned nanoseconds, kept in signed 64-bit columns (up to 2262).
MAX_TIME_NS = 2**63 - 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)
_DURATION = re.compile(r"^(-)?(\d+)(?:\.(\d{1,9}))?s$")


def now_ms() -> int:
    """The clock every store stamps its rows with: milliseconds since the epoch."""
    return int(time.time() * 1000)


def check_time_ms(value: int, field: str) -> int:
    """``value`` when it is a time of years 1 to 9999 in ms since the epoch, else 400."""
    if not MIN_TIME_MS <= value <= MAX_TIME_MS:
        raise InvalidParameter(
            f"Invalid value {value} for '{field}': a time must be between {MIN_TIME_MS} and "
            f"{MAX_TIME_MS} ms since the epoch (the years 1 to 9999)."
        )
    return value


def check_duration_ms(value: int, field: str) -> int:
    """``value`` when it is a duration protobuf can hold (10,000 years either way), else 400."""
    if not -MAX_DURATION_MS <= value <= MAX_DURATION_MS:
        raise InvalidParameter(
            f"Invalid value {value} for '{field}': a duration must be within ±{MAX_DURATION_MS} ms."
        )
    return value


def check_time_ns(value: int, field: str) -> int:
    """``value`` when it is a span time from 1970 to 2262 in ns since the epoch, else 400."""
    if not 0 <= value <= MAX_TIME_NS:
        raise InvalidParameter(
            f"Invalid value {value} for '{field}': a span time must be between 0 and "
            f"{MAX_TIME_NS} ns since the epoch."
        )
    return value


def utc_datetime(ms: int) -> dt.datetime:
    """The UTC moment of ``ms``, moved to the nearest end of the years 1 to 9999 if outside."""
    return _EPOCH + dt.timedelta(milliseconds=min(max(ms, MIN_TIME_MS), MAX_TIME_MS))


def rfc3339(ms: int) -> str:
    """``ms`` as a protobuf Timestamp string ("2026-11-28T06:31:01.334Z"); never fails."""
    m = utc_datetime(ms)
    # Not strftime: its %Y gives "1", not "0001", on glibc.
    text = f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
    millis = m.microsecond // 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def timestamp_ms(value: Any, what: str) -> int:
    """Milliseconds since the epoch of a protobuf Timestamp string (or a number of ms)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidParameter(f"Invalid timestamp {value!r} for '{what}'.")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        if zone in ("Z", "z"):
            tz = dt.timezone.utc
        else:  # an offset of 24 hours or more is a ValueError too
            sign = 1 if zone[0] == "+" else -1
            tz = dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz
        )
    except ValueError:
        raise InvalidParameter(f"Invalid timestamp {value!r} for '{what}'.") from None
    seconds = int((moment - _EPOCH).total_seconds())
    return seconds * 1000 + int((fraction or "0").ljust(9, "0")[:3])


def duration_ms(value: Any, what: str) -> int:
    """Milliseconds of a protobuf Duration string such as "1.5s"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidParameter(f"Invalid duration {value!r} for '{what}'.")
    negative, seconds, fraction = match.groups()
    ms = int(seconds) * 1000 + int((fraction or "0").ljust(9, "0")[:3])
    return -ms if negative else ms


def format_duration(ms: int) -> str:
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    return f"{sign}{ms // 1000}s" if ms % 1000 == 0 else f"{sign}{ms // 1000}.{ms % 1000:03d}s"
