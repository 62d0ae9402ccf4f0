"""search_registered_models and search_model_versions: parse, compile, keyset-paginate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from runhub.search.ast import OrderKey
from runhub.search.grammar import ValueKind
from runhub.search.paging import check_max_results, read_keyset
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.registry_grammar import MODEL_VERSION_GRAMMAR, REGISTERED_MODEL_GRAMMAR
from runhub.search.tokens import fingerprint
from runhub.security.visibility import visible
from runhub.store.registry_tables import (
    model_version_tags,
    model_versions,
    registered_model_tags,
    registered_models,
)
from runhub.store.sql.search.compile import compile_filter
from runhub.store.sql.search.keyset import SearchQuery, SortTerm, after_clause, order_clauses
from runhub.store.sql.search.registry_filter import (
    VERSION_COLUMNS,
    is_prompt,
    mentions_prompt_tag,
    model_version_condition,
    registered_model_condition,
)

_RM_COLUMNS = {
    "name": registered_models.c.name,
    "timestamp": registered_models.c.creation_time,
    "last_updated_timestamp": registered_models.c.last_updated_time,
}
# What a page of versions reads: the row id, ModelVersion's fields from name to
# status_message (the ModelVersionRows layout), then the model's row id.
VERSION_ROW_COLUMNS = (
    model_versions.c.version_pk,
    registered_models.c.name,
    model_versions.c.version,
    model_versions.c.creation_time,
    model_versions.c.last_updated_time,
    model_versions.c.current_stage,
    model_versions.c.source,
    model_versions.c.status,
    model_versions.c.description,
    model_versions.c.user_id,
    model_versions.c.run_id,
    model_versions.c.run_link,
    model_versions.c.model_id,
    model_versions.c.status_message,
    model_versions.c.model_pk,
)
_VERSION_DEFAULT_ORDER = (
    OrderKey("attribute", "last_updated_timestamp", False),
    OrderKey("attribute", "name"),
    OrderKey("attribute", "version_number", False),
)


def build_registered_model_search(
    filter_string: str | None, order_by: list[str] | None, max_results: int, page_token: str | None
) -> SearchQuery:
    """One page of registered models: the statement returns ``model_pk`` and sort values.

    Raises InvalidParameter for a bad filter, order_by, page token or max_results.
    """
    check_max_results(max_results)
    tree = parse_filter(filter_string, REGISTERED_MODEL_GRAMMAR)
    keys = parse_order_by(order_by, REGISTERED_MODEL_GRAMMAR) or [OrderKey("attribute", "name")]
    terms = [
        SortTerm(
            f"sort_{i}",
            _RM_COLUMNS[key.key],
            key.ascending,
            ValueKind.STRING if key.key == "name" else ValueKind.NUMBER,
        )
        for i, key in enumerate(keys)
    ]
    if not any(key.key == "name" for key in keys):  # names are unique: the order is total
        terms.append(
            SortTerm(f"sort_{len(terms)}", registered_models.c.name, True, ValueKind.STRING)
        )
    query = fingerprint("registered_models", filter_string or "", list(order_by or []))
    keyset = read_keyset(page_token, terms, query)
    where = [
        compile_filter(tree, registered_model_condition),
        visible(registered_models.c.name, "registered_model"),  # permission filter under auth
    ]
    if not mentions_prompt_tag(tree):
        where.append(~is_prompt(registered_model_tags, registered_models.c.model_pk))
    statement = select(
        registered_models.c.model_pk, *(term.value.label(term.label) for term in terms)
    ).where(*where)
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)


def build_model_version_search(
    filter_string: str | None, order_by: list[str] | None, max_results: int, page_token: str | None
) -> SearchQuery:
    """One page of model versions: the statement returns ``VERSION_ROW_COLUMNS``, then the sort
    values that are not among them (``positions`` tells where each sort value is).

    Raises InvalidParameter for a bad filter, order_by, page token or max_results.
    """
    check_max_results(max_results)
    tree = parse_filter(filter_string, MODEL_VERSION_GRAMMAR)
    keys = parse_order_by(order_by, MODEL_VERSION_GRAMMAR) or list(_VERSION_DEFAULT_ORDER)
    terms = []
    for i, key in enumerate(keys):
        kind = ValueKind.NUMBER if key.key.endswith(("_number", "timestamp")) else ValueKind.STRING
        nullable = key.key in ("run_id", "model_id")
        terms.append(SortTerm(f"sort_{i}", VERSION_COLUMNS[key.key], key.ascending, kind, nullable))
    terms.append(
        SortTerm(f"sort_{len(terms)}", model_versions.c.version_pk, True, ValueKind.NUMBER)
    )
    query = fingerprint("model_versions", filter_string or "", list(order_by or []))
    keyset = read_keyset(page_token, terms, query)
    where = [
        compile_filter(tree, model_version_condition),
        visible(registered_models.c.name, "registered_model"),  # permission filter under auth
    ]
    if not mentions_prompt_tag(tree):
        where.append(~is_prompt(model_version_tags, model_versions.c.version_pk))
    # Sort values already read as fields are not read twice: fewer values per row to build.
    columns: list[ColumnElement[Any]] = list(VERSION_ROW_COLUMNS)
    positions = []
    for term in terms:
        at = next((i for i, c in enumerate(columns) if c is term.value), None)
        if at is None:
            at = len(columns)
            columns.append(term.value.label(term.label))
        positions.append(at)
    statement = (
        select(*columns)
        .select_from(
            model_versions.join(
                registered_models, registered_models.c.model_pk == model_versions.c.model_pk
            )
        )
        .where(*where)
    )
    if keyset is not None:
        statement = statement.where(after_clause(terms, keyset.after))
    statement = statement.order_by(*order_clauses(terms)).limit(max_results + 1)
    offset = keyset.offset if keyset else 0
    return SearchQuery(statement, max_results, tuple(terms), query, offset, tuple(positions))
