"""The search filter grammar: lexer -> parser -> AST -> SQL, with keyset page tokens.

Public API::

    parse_filter(text, grammar) -> Node | None
    parse_order_by(entries, grammar) -> list[OrderKey]
    build_run_search(experiment_ids, filter_string, view_type, order_by, max_results, page_token)
        -> SearchQuery
    build_experiment_search(filter_string, view_type, order_by, max_results, page_token)
        -> SearchQuery
    build_registered_model_search(filter_string, order_by, max_results, page_token)
    build_model_version_search(filter_string, order_by, max_results, page_token)
    build_logged_model_search(experiment_ids, filter_string, datasets, order_by, max_results,
        page_token)                                                            -> SearchQuery
    SearchQuery.statement (a Select) / SearchQuery.page(rows) -> (rows, next_page_token | None)
    encode_offset_token(n) / decode_offset_token(token) -> int
    search_runs_in_memory(runs, filter_string, order_by, max_results, page_token,
        fingerprint_parts) -> Page[Run]          (the same search over entities, without SQL)
    search_experiments_in_memory(experiments, ...) -> Page[Experiment]

Every malformed input raises ``runhub.errors.InvalidParameter`` (400).
"""

from runhub.search.ast import And, Comparison, Node, Not, Or, OrderKey
from runhub.search.experiments import EXPERIMENT_GRAMMAR, build_experiment_search
from runhub.search.grammar import Entity, Field, Grammar, ValueKind
from runhub.search.in_memory import (
    search_experiments_in_memory,
    search_logged_models_in_memory,
    search_runs_in_memory,
)
from runhub.search.keyset import SearchQuery, SortTerm
from runhub.search.logged_models import LOGGED_MODEL_GRAMMAR, build_logged_model_search
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.registry import build_model_version_search, build_registered_model_search
from runhub.search.registry_grammar import MODEL_VERSION_GRAMMAR, REGISTERED_MODEL_GRAMMAR
from runhub.search.run_grammar import RUN_GRAMMAR
from runhub.search.runs import build_run_search
from runhub.search.tokens import decode_offset_token, encode_offset_token

__all__ = [
    "EXPERIMENT_GRAMMAR",
    "LOGGED_MODEL_GRAMMAR",
    "MODEL_VERSION_GRAMMAR",
    "REGISTERED_MODEL_GRAMMAR",
    "RUN_GRAMMAR",
    "And",
    "Comparison",
    "Entity",
    "Field",
    "Grammar",
    "Node",
    "Not",
    "Or",
    "OrderKey",
    "SearchQuery",
    "SortTerm",
    "ValueKind",
    "build_experiment_search",
    "build_logged_model_search",
    "build_model_version_search",
    "build_registered_model_search",
    "build_run_search",
    "decode_offset_token",
    "encode_offset_token",
    "parse_filter",
    "parse_order_by",
    "search_experiments_in_memory",
    "search_logged_models_in_memory",
    "search_runs_in_memory",
]
