"""search_runs, search_experiments and search_logged_models over entities in memory, for
stores without SQL.

The same filter, order_by, max_results and page token give the same page as the SQL search: the
request is parsed by the same grammar, evaluated with the SQL's semantics (``evaluate.py``,
``run_values.py``, ``experiment_values.py``), ordered with the same keys and tie-breakers and
paged with the same keyset tokens (``memory_order.py``); logged models read their values
through ``logged_model_values.py``. Every malformed input raises ``InvalidParameter`` (400), in
the same order of checks and with the same messages.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from runhub.entities import Experiment, Page, Run
from runhub.entities.logged_model import DatasetFilter, LoggedModel, LoggedModelOrder
from runhub.search.evaluate import evaluate
from runhub.search.experiment_grammar import DEFAULT_ORDER as EXPERIMENT_ORDER
from runhub.search.experiment_grammar import EXPERIMENT_GRAMMAR
from runhub.search.experiment_values import experiment_matches, experiment_sort_terms
from runhub.search.logged_model_grammar import (
    has_metric,
    logged_model_fingerprint,
    logged_model_order,
    parse_logged_model_filter,
)
from runhub.search.logged_model_values import ModelValues, model_sort_terms
from runhub.search.memory_order import ordered_page
from runhub.search.paging import check_max_results, read_keyset
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.run_grammar import DEFAULT_ORDER as RUN_ORDER
from runhub.search.run_grammar import RUN_GRAMMAR
from runhub.search.run_values import RunValues, run_sort_terms
from runhub.search.tokens import fingerprint


def search_runs_in_memory(
    runs: Iterable[Run],
    filter_string: str | None,
    order_by: Sequence[str] | None,
    max_results: int,
    page_token: str | None,
    fingerprint_parts: tuple[object, ...],
) -> Page[Run]:
    """One page of the ``runs`` matching ``filter_string``, in ``order_by`` order.

    The caller passes only the runs of the requested experiments and view type, and
    ``fingerprint_parts`` (JSON-serialisable, e.g. the experiment ids and the view type) naming
    that scope, so that a page token is refused by any other search. Raises InvalidParameter
    for a bad max_results, filter, order_by or page token.
    """
    check_max_results(max_results)
    tree = parse_filter(filter_string, RUN_GRAMMAR)
    terms = run_sort_terms(parse_order_by(order_by, RUN_GRAMMAR) or list(RUN_ORDER))
    query = fingerprint("runs", list(fingerprint_parts), filter_string or "", list(order_by or []))
    keyset = read_keyset(page_token, terms, query)
    rows = [row for row in map(RunValues.of, runs) if evaluate(tree, row.matches)]
    return ordered_page(rows, terms, max_results, keyset, query, lambda row: row.run)


def search_experiments_in_memory(
    experiments: Iterable[Experiment],
    filter_string: str | None,
    order_by: Sequence[str] | None,
    max_results: int,
    page_token: str | None,
    fingerprint_parts: tuple[object, ...],
) -> Page[Experiment]:
    """One page of the ``experiments`` matching ``filter_string``, in ``order_by`` order.

    The caller passes only the experiments of the requested view type, and
    ``fingerprint_parts`` (JSON-serialisable, e.g. the view type) naming that scope. Raises
    InvalidParameter for a bad max_results, filter, order_by or page token.
    """
    check_max_results(max_results)
    tree = parse_filter(filter_string, EXPERIMENT_GRAMMAR)
    keys = parse_order_by(order_by, EXPERIMENT_GRAMMAR) or list(EXPERIMENT_ORDER)
    terms = experiment_sort_terms(keys)
    query = fingerprint(
        "experiments", list(fingerprint_parts), filter_string or "", list(order_by or [])
    )
    keyset = read_keyset(page_token, terms, query)
    rows = [
        experiment
        for experiment in experiments
        if evaluate(tree, functools.partial(experiment_matches, experiment))
    ]
    return ordered_page(rows, terms, max_results, keyset, query, lambda row: row)


def search_logged_models_in_memory(
    models: Iterable[LoggedModel],
    experiment_ids: Sequence[int],
    filter_string: str | None,
    datasets: Sequence[DatasetFilter],
    order_by: Sequence[LoggedModelOrder],
    max_results: int,
    page_token: str | None,
) -> Page[LoggedModel]:
    """One page of the ``models`` matching the filter (and datasets), in ``order_by`` order.

    The caller passes only the active models of ``experiment_ids`` (the ids searched, which
    name the search in its page tokens). Raises InvalidParameter for a bad max_results,
    dataset, filter, order_by or page token.
    """
    check_max_results(max_results)
    tree = parse_logged_model_filter(filter_string, datasets)
    terms = model_sort_terms(logged_model_order(order_by))
    query = logged_model_fingerprint(experiment_ids, filter_string, datasets, order_by)
    keyset = read_keyset(page_token, terms, query)
    by_datasets = bool(datasets) and not has_metric(tree)
    rows = [
        row
        for row in map(ModelValues.of, models)
        if evaluate(tree, functools.partial(row.matches, datasets=datasets))
        and (not by_datasets or row.on_datasets(datasets))
    ]
    return ordered_page(rows, terms, max_results, keyset, query, lambda row: row.model)
