"""The experiment grammar on Experiment entities, mirroring ``experiments.py``'s SQL.

Experiment ids are decimal integers written as strings (every runhub store issues them so). In
SQL they are compared as integers, and a value that is not the canonical text of an integer
(``'03'``, ``'x'``) equals no experiment; on canonical texts that is plain string equality, so
filters compare the id as a string while ordering sorts it as a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from runhub.entities import Experiment
from runhub.search.ast import Comparison, OrderKey
from runhub.search.evaluate import number_matches, string_matches
from runhub.search.grammar import ValueKind
from runhub.search.memory_order import MemorySortTerm


def experiment_matches(experiment: Experiment, comparison: Comparison) -> bool:
    """Whether ``experiment`` meets one comparison of the experiment grammar."""
    key, op, value = comparison.key, comparison.op, comparison.value
    if comparison.entity == "tag":
        found = {tag.key: tag.value for tag in experiment.tags}
        if op in ("IS NULL", "IS NOT NULL"):
            return (key in found) == (op == "IS NOT NULL")
        return string_matches(found.get(key), op, value)
    if key == "experiment_id":
        return string_matches(str(int(experiment.experiment_id)), op, value)
    if key == "name":
        return string_matches(experiment.name, op, value)
    return number_matches(_number(experiment, key), op, value)


def experiment_sort_terms(keys: Sequence[OrderKey]) -> list[MemorySortTerm[Experiment]]:
    """The terms of ``keys`` plus the SQL search's tie-breaker, experiment_id ASC."""
    terms = [_term(key) for key in keys]
    if not any(key.key == "experiment_id" for key in keys):
        terms.append(_term(OrderKey("attribute", "experiment_id")))
    return terms


def _term(key: OrderKey) -> MemorySortTerm[Experiment]:
    name = key.key
    if name == "name":
        return MemorySortTerm(lambda experiment: experiment.name, key.ascending, ValueKind.STRING)
    return MemorySortTerm(
        lambda experiment: _number(experiment, name), key.ascending, ValueKind.NUMBER
    )


def _number(experiment: Experiment, key: str) -> int:
    if key == "creation_time":
        return experiment.creation_time
    if key == "last_update_time":
        return experiment.last_update_time
    return int(experiment.experiment_id)
