"""The search filter grammar: lexer -> parser -> AST, in-memory evaluation and page tokens.

Pure: nothing here knows a table or a database. Compiling an AST to SQL over runhub's tables
lives with the SQL store, in ``runhub.store.sql.search``.

Public API::

    parse_filter(text, grammar) -> Node | None
    parse_order_by(entries, grammar) -> list[OrderKey]
    RUN_GRAMMAR, EXPERIMENT_GRAMMAR, LOGGED_MODEL_GRAMMAR, REGISTERED_MODEL_GRAMMAR,
        MODEL_VERSION_GRAMMAR                     (what each search accepts)
    encode_offset_token(n) / decode_offset_token(token) -> int
    search_runs_in_memory(runs, filter_string, order_by, max_results, page_token,
        fingerprint_parts) -> Page[Run]          (the same search as the SQL one, over entities)
    search_experiments_in_memory(experiments, ...) -> Page[Experiment]
    search_logged_models_in_memory(models, ...) -> Page[LoggedModel]

Every malformed input raises ``runhub.errors.InvalidParameter`` (400).
"""

from runhub.search.ast import And, Comparison, Node, Not, Or, OrderKey
from runhub.search.experiment_grammar import EXPERIMENT_GRAMMAR
from runhub.search.grammar import Entity, Field, Grammar, ValueKind
from runhub.search.in_memory import (
    search_experiments_in_memory,
    search_logged_models_in_memory,
    search_runs_in_memory,
)
from runhub.search.logged_model_grammar import LOGGED_MODEL_GRAMMAR
from runhub.search.parser import parse_filter, parse_order_by
from runhub.search.registry_grammar import MODEL_VERSION_GRAMMAR, REGISTERED_MODEL_GRAMMAR
from runhub.search.run_grammar import RUN_GRAMMAR
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
    "ValueKind",
    "decode_offset_token",
    "encode_offset_token",
    "parse_filter",
    "parse_order_by",
    "search_experiments_in_memory",
    "search_logged_models_in_memory",
    "search_runs_in_memory",
]
