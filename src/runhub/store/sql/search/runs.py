"""search_runs: parse the request, compile it against ``runs`` and return a SearchQuery."""

from __future__ import annotations

from runhub.entities import ViewType
from runhub.search.paging import check_max_results, read_keyset
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.run_grammar import DEFAULT_ORDER, RUN_GRAMMAR
from runhub.search.tokens import fingerprint
from runhub.security.visibility import visible
from runhub.store.sql.search.compile import compile_filter, in_ids, view_condition
from runhub.store.sql.search.keyset import SearchQuery
from runhub.store.sql.search.run_filter import run_condition
from runhub.store.sql.search.run_order import page_statement, sort_terms
from runhub.store.tables import runs


def build_run_search(
    experiment_ids: list[int],
    filter_string: str | None,
    view_type: ViewType,
    order_by: list[str] | None,
    max_results: int,
    page_token: str | None,
) -> SearchQuery:
    """The query for one page of search_runs, keyset-paginated.

    The statement returns ``run_pk``, ``run_id`` and the sort values (``sort_0``...) of up to
    ``max_results + 1`` runs in final order. Raises InvalidParameter for a bad filter, order_by,
    page token or max_results.
    """
    check_max_results(max_results)
    condition = compile_filter(parse_filter(filter_string, RUN_GRAMMAR), run_condition)
    keys = parse_order_by(order_by, RUN_GRAMMAR) or list(DEFAULT_ORDER)
    terms, joins = sort_terms(keys)
    query = fingerprint(
        "runs", sorted(experiment_ids), filter_string or "", list(order_by or []), int(view_type)
    )
    keyset = read_keyset(page_token, terms, query)
    where = [
        in_ids(runs.c.experiment_id, experiment_ids),
        view_condition(runs.c.lifecycle_stage, view_type),
        condition,
        visible(runs.c.experiment_id),  # permission filter under auth (TRUE otherwise)
    ]
    after = keyset.after if keyset else None
    statement = page_statement(experiment_ids, where, terms, joins, after, max_results + 1)
    return SearchQuery(statement, max_results, tuple(terms), query, keyset.offset if keyset else 0)
