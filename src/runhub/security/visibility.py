"""Which experiments (or registered models) the current request may see, as a SQL condition.

The auth middleware sets the visibility of a search request; the search queries add
:func:`visible` to their WHERE clause, so results are filtered inside the query, before
paging, and a page is never short or empty because of permissions. Without auth (or for an
admin) nothing is set and the condition is ``TRUE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.security.permissions import Level


@dataclass(frozen=True)
class Visibility:
    """Either every resource but ``hidden`` (``only is None``), or just the ``only`` ones."""

    only: frozenset[str] | None
    hidden: frozenset[str] = frozenset()


_current: ContextVar[Mapping[str, Visibility] | None] = ContextVar(
    "runhub_visibility", default=None
)


def compute(
    own: Mapping[str, Level], role_patterns: list[tuple[str, Level]], default: Level
) -> Visibility:
    """A user's visibility, resolved like ``AuthStore.effective_level``.

    The user's own grant wins; otherwise a DENY among the matching role grants; otherwise
    the best matching role grant; otherwise ``default``.
    """
    star = [level for pattern, level in role_patterns if pattern == "*"]
    exact: dict[str, list[Level]] = {}
    for pattern, level in role_patterns:
        if pattern != "*":
            exact.setdefault(pattern, []).append(level)

    def from_roles(levels: list[Level]) -> Level | None:
        if not levels:
            return None
        return Level.DENY if Level.DENY in levels else max(levels)

    base = from_roles(star)
    readable_by_default = (default if base is None else base) >= Level.READ
    levels = dict(own)
    for ident, extra in exact.items():
        if ident not in levels:
            resolved = from_roles(star + extra)
            levels[ident] = default if resolved is None else resolved
    if readable_by_default:
        return Visibility(None, frozenset(i for i, lvl in levels.items() if lvl < Level.READ))
    return Visibility(frozenset(i for i, lvl in levels.items() if lvl >= Level.READ))


@contextmanager
def visibility_scope(by_type: Mapping[str, Visibility] | None) -> Iterator[None]:
    """Make ``by_type`` (resource type → visibility) apply to queries run inside the block."""
    token = _current.set(by_type)
    try:
        yield
    finally:
        _current.reset(token)


def visible(column: ColumnElement[Any], resource_type: str = "experiment") -> ColumnElement[bool]:
    """The condition that keeps only rows whose ``column`` (an id or name) may be read."""
    by_type = _current.get()
    rule = by_type.get(resource_type) if by_type else None
    if rule is None:
        return true()
    numeric = isinstance(column.type, Integer)
    if rule.only is not None:
        return column.in_(_values(rule.only, numeric))
    if rule.hidden:
        return column.not_in(_values(rule.hidden, numeric))
    return true()


def _values(ids: frozenset[str], numeric: bool) -> list[Any]:
    if not numeric:
        return sorted(ids)
    return sorted(int(i) for i in ids if i.isascii() and i.isdigit())
