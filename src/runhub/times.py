"""Trace times: the range they are stored in, and their text form.

Trace infos carry protobuf ``Timestamp`` strings (RFC 3339), which exist for the years 1 to
9999, and ``Duration`` strings of at most 10,000 years. A time outside is refused on write with
400 ``INVALID_PARAMETER_VALUE``; one already stored (by an older release, or imported) is printed
at the nearest end of the range, so no stored row can make a read fail.
"""

from __future__ import annotations

import datetime as dt

from runhub.errors import InvalidParameter

MIN_TIME_MS = -62_135_596_800_000  # 0001-01-01T00:00:00Z
MAX_TIME_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
MAX_DURATION_MS = 315_576_000_000_000  # protobuf Duration's limit, 10,000 years either way
# Span times are OTLP's unsigned nanoseconds, kept in signed 64-bit columns (up to 2262).
MAX_TIME_NS = 2**63 - 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


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
