"""What a page request must satisfy, in SQL and in memory alike: a positive page size, and a
page token issued for this very search whose sort values fit its order (see ``tokens.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from runhub.errors import InvalidParameter
from runhub.search.grammar import ValueKind
from runhub.search.tokens import Keyset, decode_keyset_token, invalid_token


class SortShape(Protocol):
    """What a page token's sort values are checked against: one per term of the order."""

    @property
    def kind(self) -> ValueKind: ...

    @property
    def nullable(self) -> bool: ...


def check_keyset(token: str, keyset: Keyset, terms: Sequence[SortShape], query: str) -> None:
    """Raise InvalidParameter unless ``keyset`` fits a search over ``terms`` with hash ``query``."""
    if keyset.query != query:
        raise invalid_token(
            token,
            "it was issued for a different search (filter, order_by, "
            "experiments or view type changed)",
        )
    if len(keyset.after) != len(terms):
        raise invalid_token(token, "it does not match the sort order")
    for term, value in zip(terms, keyset.after, strict=True):
        if value is None:
            fits = term.nullable
        elif term.kind is ValueKind.NUMBER:
            fits = isinstance(value, (int, float))
        else:
            fits = isinstance(value, str)
        if not fits:
            raise invalid_token(token, "its sort values do not match the sort order")


def read_keyset(token: str | None, terms: Sequence[SortShape], query: str) -> Keyset | None:
    """The validated keyset of ``token`` (None for the first page); raises InvalidParameter."""
    keyset = decode_keyset_token(token)
    if keyset is not None and token is not None:
        check_keyset(token, keyset, terms, query)
    return keyset


def check_max_results(max_results: int) -> None:
    if max_results < 1:
        raise InvalidParameter(
            f"Invalid value {max_results} for parameter 'max_results': must be a positive integer"
        )
