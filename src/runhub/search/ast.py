"""The parsed form of a filter and of an order_by list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

# A comparison's value: a number, a string, the strings of an IN list, or None for IS [NOT] NULL.
Value: TypeAlias = "int | float | str | tuple[str, ...] | tuple[int | float, ...] | None"


@dataclass(frozen=True)
class Comparison:
    """``<entity>.<key> <op> <value>``.

    ``entity`` is the grammar's canonical entity name ("metric", "param", "tag", "attribute",
    "dataset"...), ``key`` the canonical key (attribute aliases resolved), ``op`` one of
    ``= != < <= > >= LIKE ILIKE IN NOT IN IS NULL IS NOT NULL``; ``pos`` is where it starts.
    """

    entity: str
    key: str
    op: str
    value: Value
    pos: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node: TypeAlias = "Comparison | And | Or | Not"


@dataclass(frozen=True)
class OrderKey:
    entity: str
    key: str
    ascending: bool = True
