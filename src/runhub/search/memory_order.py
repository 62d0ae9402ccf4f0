"""Order and page search results in memory, with the SQL search's keyset page tokens.

The order is the one ``keyset.order_clauses`` gives in SQL: term by term, a missing value
(``None``: a key the row lacks, a NaN metric, a NULL column) sorts after every value in both
directions; the last term is the unique id, so the order is total. A page token holds the sort
values of the last row returned, and the next page is the rows strictly after them, so rows
added or removed between pages are neither skipped nor repeated, exactly as in SQL.

Strings compare by code point, as SQLite (binary) and PostgreSQL (``C.UTF-8``) order them;
MariaDB would order param and tag values case-insensitively under its default collation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from runhub.entities import Page
from runhub.search.grammar import ValueKind
from runhub.search.tokens import Keyset, Scalar, encode_keyset_token

T = TypeVar("T")
E = TypeVar("E")


@dataclass(frozen=True)
class MemorySortTerm(Generic[T]):
    """One sort key over rows of type ``T``: how to read its value, and its direction."""

    read: Callable[[T], Scalar]
    ascending: bool
    kind: ValueKind
    nullable: bool = False


def compare(terms: Sequence[MemorySortTerm[T]], a: Sequence[Scalar], b: Sequence[Scalar]) -> int:
    """-1, 0 or 1 as the sort values ``a`` come before, with or after ``b``."""
    for term, x, y in zip(terms, a, b, strict=True):
        if x is None or y is None:
            if x is None and y is None:
                continue
            return 1 if x is None else -1
        if x == y:
            continue
        before = x < y  # type: ignore[operator]  # one kind per term (checked in tokens)
        return -1 if before == term.ascending else 1
    return 0


def ordered_page(
    rows: Sequence[T],
    terms: Sequence[MemorySortTerm[T]],
    max_results: int,
    keyset: Keyset | None,
    query: str,
    entity: Callable[[T], E],
) -> Page[E]:
    """The page of ``rows`` after ``keyset`` (from the start when None), as entities.

    ``query`` is the search's fingerprint, written into the next page's token.
    """
    keyed: list[tuple[tuple[Scalar, ...], T]] = [
        (tuple(term.read(row) for term in terms), row) for row in rows
    ]
    if keyset is not None:
        keyed = [item for item in keyed if compare(terms, item[0], keyset.after) > 0]

    def order(a: tuple[tuple[Scalar, ...], T], b: tuple[tuple[Scalar, ...], T]) -> int:
        return compare(terms, a[0], b[0])

    keyed.sort(key=functools.cmp_to_key(order))
    page = keyed[:max_results]
    items = [entity(row) for _, row in page]
    if len(keyed) <= max_results or not page:
        return Page(items, None)
    offset = (keyset.offset if keyset is not None else 0) + len(page)
    return Page(items, encode_keyset_token(Keyset(offset, page[-1][0], query)))
