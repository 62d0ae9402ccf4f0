"""Parsing ages such as ``1d2h3m4s`` (each part optional, floats allowed)."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_SECONDS = {"d": 86_400.0, "h": 3_600.0, "m": 60.0, "s": 1.0}


def parse_age(text: str) -> float:
    """The number of seconds ``text`` names; raises ``ValueError`` on anything else."""
    compact = text.strip().lower()
    parts = _PART.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(
            f"'{text}' is not an age: use #d#h#m#s, e.g. 1d2h3m4s, 12h or 1.5d (each unit once)"
        )
    units = [u for _n, u in parts]
    if len(set(units)) != len(units) or units != sorted(units, key="dhms".index):
        raise ValueError(f"'{text}' is not an age: give each of d, h, m, s at most once, in order")
    return sum(float(n) * _SECONDS[u] for n, u in parts)
