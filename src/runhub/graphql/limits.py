"""Query-safety limits checked before execution: depth, size, root fields and aliases."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_DEPTH = 10
MAX_SELECTIONS = 1000
MAX_ROOT_FIELDS = 10
MAX_ALIASES = 10


@dataclass
class _Count:
    selections: int = 0


def query_limit_error(document: DocumentNode) -> str | None:
    """Why ``document`` is refused, or ``None`` when it is within every limit."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    count = _Count()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        roots = [s for s in definition.selection_set.selections if isinstance(s, FieldNode)]
        if len(roots) > MAX_ROOT_FIELDS:
            return f"GraphQL queries should have at most {MAX_ROOT_FIELDS} root fields."
        problem = _walk(definition.selection_set, 1, fragments, count, set())
        if problem:
            return problem
    return None


def _walk(
    selection_set: SelectionSetNode,
    depth: int,
    fragments: dict[str, FragmentDefinitionNode],
    count: _Count,
    seen: set[str],
) -> str | None:
    if depth > MAX_DEPTH:
        return f"GraphQL queries should have at most {MAX_DEPTH} levels of nesting."
    aliases = 0
    for selection in selection_set.selections:
        count.selections += 1
        if count.selections > MAX_SELECTIONS:
            return f"GraphQL queries should have at most {MAX_SELECTIONS} selections."
        inner: SelectionSetNode | None = None
        if isinstance(selection, FieldNode):
            aliases += selection.alias is not None
            inner = selection.selection_set
        elif isinstance(selection, InlineFragmentNode):
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are reported by validation
            problem = _walk(fragments[name].selection_set, depth, fragments, count, {*seen, name})
            if problem:
                return problem
        if aliases > MAX_ALIASES:
            return f"GraphQL queries should have at most {MAX_ALIASES} aliases per level."
        if inner is not None:
            problem = _walk(inner, depth + 1, fragments, count, seen)
            if problem:
                return problem
    return None
