"""Shared SQL building blocks: a filter tree to one condition, EXISTS probes, scoping rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from runhub.entities import LifecycleStage, ViewType
from runhub.search.ast import And, Comparison, Node, Not, Or

CompileComparison = Callable[[Comparison], ColumnElement[bool]]


def compile_filter(node: Node | None, leaf: CompileComparison) -> ColumnElement[bool]:
    """The SQL condition of ``node``; every comparison must compile to a two-valued condition
    (never NULL), so that NOT means "does not match"."""
    if node is None:
        return true()
    if isinstance(node, Comparison):
        return leaf(node)
    if isinstance(node, And):
        return and_(*(compile_filter(item, leaf) for item in node.items))
    if isinstance(node, Or):
        return or_(*(compile_filter(item, leaf) for item in node.items))
    if isinstance(node, Not):
        return not_(compile_filter(node.item, leaf))
    raise TypeError(f"not a filter node: {node!r}")


def any_row(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS (a row meeting ``conditions``): the first should correlate it with the outer row."""
    return exists(select(1).where(*conditions))


def in_ids(column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN ids``, as an equality when there is one id (so indexes can give order)."""
    if not ids:
        return false()
    if len(ids) == 1:
        return column == ids[0]
    return column.in_(list(ids))


def view_condition(lifecycle_stage: ColumnElement[Any], view_type: ViewType) -> ColumnElement[bool]:
    """Rows in the lifecycle stages that ``view_type`` selects."""
    if view_type == ViewType.ACTIVE_ONLY:
        return lifecycle_stage == LifecycleStage.ACTIVE
    if view_type == ViewType.DELETED_ONLY:
        return lifecycle_stage == LifecycleStage.DELETED
    return true()
