"""search_runs against real databases: each (filter, order_by) returns exactly these runs.

The fixture is in conftest.py. Unless a case says otherwise it searches experiment 1 for active
runs, whose default order (start_time DESC, run_id ASC) is ALL below.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection

from runhub.entities import ViewType
from runhub.store.sql.search.runs import build_run_search

ALL = ["r10", "r09", "r08", "r06", "r05", "r03", "r04", "r02", "r01"]


def search(
    conn: Connection,
    filter_string: str = "",
    order_by: list[str] | None = None,
    *,
    experiments: list[int] | None = None,
    view: ViewType = ViewType.ACTIVE_ONLY,
    max_results: int = 1000,
) -> list[str]:
    query = build_run_search(
        [1] if experiments is None else experiments,
        filter_string,
        view,
        order_by or [],
        max_results,
        None,
    )
    page, _ = query.page(conn.execute(query.statement).all())
    return [row.run_id for row in page]


def without(*run_ids: str) -> list[str]:
    return [r for r in ALL if r not in run_ids]


FILTERS: list[tuple[str, list[str]]] = [
    ("", ALL),
    # metrics: the latest value; NaN only matches != and IS NOT NULL
    ("metrics.acc > 0.85", ["r05", "r04", "r01"]),
    ("metrics.acc >= 0.9", ["r05", "r04", "r01"]),
    ("metrics.acc = 0.9", ["r05", "r01"]),
    ("metrics.acc = 0", []),
    ("metrics.acc != 0.9", ["r10", "r08", "r03", "r04", "r02"]),
    ("metrics.acc < 0", ["r08"]),
    ("metrics.acc <= 0.5", ["r10", "r08"]),
    ("metrics.acc > -2", ["r10", "r08", "r05", "r04", "r02", "r01"]),
    ("metrics.acc IS NULL", ["r09", "r06"]),
    ("metrics.acc IS NOT NULL", without("r09", "r06")),
    ("metrics.`acc` > 0.85", ["r05", "r04", "r01"]),
    ("metrics.loss > 0.15 AND metrics.acc > 0.5", ["r05"]),
    # OR, NOT, parentheses and precedence
    ("metrics.acc > 0.85 OR metrics.loss >= 0.4", ["r10", "r06", "r05", "r04", "r01"]),
    ("NOT metrics.acc > 0.5", ["r10", "r09", "r08", "r06", "r03"]),
    ("NOT metrics.acc IS NULL", without("r09", "r06")),
    ("(metrics.acc > 0.85 OR params.opt = 'sgd') AND NOT tags.team = 'vision'", ["r03", "r04"]),
    ("metrics.acc > 0.85 OR params.opt = 'sgd' AND tags.team = 'vision'", ["r05", "r04", "r01"]),
    ("NOT (metrics.acc > 0.85 OR metrics.acc < 0.6)", ["r09", "r06", "r03", "r02"]),
    # params: case-sensitive =, LIKE wildcards and escapes, ILIKE, IN, IS NULL
    ("params.lr = '0.1'", ["r05", "r03", "r01"]),
    ("params.lr != '0.1'", ["r10", "r08", "r04", "r02"]),
    ("params.opt = 'adam'", ["r01"]),
    ("params.opt = 'ADAM'", ["r05"]),
    ("params.opt ILIKE 'adam'", ["r05", "r02", "r01"]),
    ("params.opt LIKE 'adam%'", ["r06", "r01"]),
    ("params.opt LIKE 'Adam%'", ["r02"]),
    ("params.opt ILIKE 'ADAM_'", ["r06"]),
    ("params.opt LIKE 's_d'", ["r10", "r03"]),
    ("params.opt LIKE 's\\%d'", ["r10"]),
    ("params.opt LIKE 'sg\\_d'", ["r08"]),
    ("params.opt LIKE 'x*[y]?'", ["r04"]),
    ("params.opt LIKE '%[%'", ["r04"]),
    ("params.opt LIKE 'x_[y]_'", ["r04"]),
    ("params.opt LIKE '*%'", []),
    ("params.lr IN ('0.1', '0.5')", ["r10", "r05", "r03", "r01"]),
    ("params.lr NOT IN ('0.1', '0.5')", ["r08", "r04", "r02"]),
    ("params.lr IS NULL", ["r09", "r06"]),
    ("params.lr IS NOT NULL", without("r09", "r06")),
    ("params.nope IS NULL", ALL),
    ("params.nope != 'x'", []),
    # tags
    ("tags.team = 'vision'", ["r05", "r01"]),
    ("tags.team ILIKE 'VISION'", ["r05", "r02", "r01"]),
    ("tags.team = 'it''s'", ["r06"]),
    ("tags.team = \"it's\"", ["r06"]),
    ("tags.team = ''", ["r08"]),
    ("tags.\"a b\" = 'x'", ["r01"]),
    ("tags.`a b` = 'x'", ["r01"]),
    ("tags.`mlflow.runName` = 'alpha'", ["r01"]),
    ("tags.team IN ('nlp', 'Vision')", ["r10", "r03", "r02"]),
    ("tags.team NOT IN ('nlp', 'vision')", ["r08", "r06", "r02"]),
    ("tags.team IS NULL", ["r09", "r04"]),
    # attributes
    ("attributes.run_name = 'alpha'", ["r01"]),
    ("run_name ILIKE 'alpha'", ["r02", "r01"]),
    ("`Run name` LIKE 'gamma\\_%'", ["r05"]),
    ("\"Run Name\" LIKE 'gamma_1'", ["r06", "r05"]),
    ("attributes.status = 'FINISHED'", ["r10", "r08", "r05", "r01"]),
    ("status != 'FINISHED'", ["r09", "r06", "r03", "r04", "r02"]),
    ("run.status IN ('FAILED', 'KILLED')", ["r06", "r03"]),
    ("attr.user_id = 'u1'", ["r09", "r02", "r01"]),
    ("attributes.run_id IN ('r01', 'r03')", ["r03", "r01"]),
    ("attributes.run_id = 'R01'", []),
    ("attributes.run_id NOT IN ('r01', 'r03')", without("r01", "r03")),
    ("attributes.start_time > 1300", ["r10", "r09", "r08", "r06"]),
    ("created <= 1100", ["r02", "r01"]),
    ("attributes.end_time >= 1500", ["r10", "r08", "r06", "r01"]),
    ("NOT attributes.end_time >= 1500", ["r09", "r05", "r03", "r04", "r02"]),
    ("end_time != 1500", ["r10", "r08", "r05", "r03", "r01"]),
    ("attributes.artifact_uri LIKE 's3://%'", ["r01"]),
    # datasets: each comparison may be met by a different input of the run
    ("datasets.name = 'train_ds'", ["r08", "r03", "r01"]),
    ("datasets.digest = 'def456'", ["r05", "r01"]),
    ("dataset.context = 'training'", ["r03", "r01"]),
    ("datasets.context ILIKE 'training'", ["r08", "r03", "r01"]),
    ("datasets.name = 'train_ds' AND datasets.context = 'eval'", ["r01"]),
    ("datasets.name IN ('eval_ds')", ["r05", "r01"]),
    ("datasets.context != 'training'", ["r08", "r01"]),
    ("NOT datasets.name LIKE '%'", ["r10", "r09", "r06", "r04", "r02"]),
]  # fmt: skip


@pytest.mark.parametrize(("filter_string", "expected"), FILTERS, ids=[f for f, _ in FILTERS])
def test_filter_selects_exactly(conn: Connection, filter_string: str, expected: list[str]) -> None:
    assert search(conn, filter_string) == expected


ORDERS: list[tuple[str, list[str], list[str]]] = [
    ("", ["metrics.acc DESC"], ["r04", "r05", "r01", "r02", "r10", "r08", "r09", "r06", "r03"]),
    ("", ["metrics.acc"], ["r08", "r10", "r02", "r05", "r01", "r04", "r09", "r06", "r03"]),
    ("", ["params.lr"], ["r04", "r02", "r05", "r03", "r01", "r10", "r08", "r09", "r06"]),
    ("", ["params.lr DESC"], ["r08", "r10", "r05", "r03", "r01", "r02", "r04", "r09", "r06"]),
    ("tags.team != 'Vision' OR tags.team IS NULL", ["tags.team DESC"],
     ["r05", "r01", "r10", "r03", "r06", "r08", "r09", "r04"]),
    ("", ["attributes.run_name"], ["r02", "r01", "r03", "r04", "r08", "r10", "r06", "r05", "r09"]),
    ("", ["attributes.end_time"], ["r03", "r05", "r06", "r08", "r10", "r01", "r09", "r04", "r02"]),
    ("", ["end_time DESC"], ["r01", "r10", "r08", "r06", "r05", "r03", "r09", "r04", "r02"]),
    ("", ["start_time ASC"], ["r01", "r02", "r03", "r04", "r05", "r06", "r08", "r09", "r10"]),
    ("", ["created DESC"], ALL),
    ("", ["run_id DESC"], ["r10", "r09", "r08", "r06", "r05", "r04", "r03", "r02", "r01"]),
    ("", ["status", "metrics.acc DESC"],
     ["r03", "r05", "r01", "r10", "r08", "r06", "r04", "r02", "r09"]),
    ("", ["metrics.loss", "metrics.acc DESC"],
     ["r08", "r01", "r05", "r03", "r10", "r06", "r04", "r02", "r09"]),
    ("metrics.loss > 0.15", ["metrics.acc DESC"], ["r05", "r10", "r06", "r03"]),
    ("params.lr = '0.1'", ["metrics.missing DESC"], ["r05", "r03", "r01"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filter_string", "order_by", "expected"), ORDERS, ids=[f"{f}|{o}" for f, o, _ in ORDERS]
)
def test_order_by_sorts_exactly(
    conn: Connection, filter_string: str, order_by: list[str], expected: list[str]
) -> None:
    assert search(conn, filter_string, order_by) == expected


# (filter, order_by, experiment ids, view type, expected): searches beyond experiment 1's
# active runs.
SCOPED: list[tuple[str, list[str], list[int], ViewType, list[str]]] = [
    ("params.lr = '0.1'", [], [1, 2], ViewType.ACTIVE_ONLY, ["r11", "r05", "r03", "r01"]),
    ("", ["metrics.acc DESC"], [2, 1], ViewType.ACTIVE_ONLY,
     ["r04", "r05", "r01", "r02", "r11", "r10", "r08", "r09", "r06", "r03"]),
    ("", [], [2], ViewType.ACTIVE_ONLY, ["r11"]),
    ("", [], [], ViewType.ACTIVE_ONLY, []),
    ("", [], [99], ViewType.ACTIVE_ONLY, []),
    ("", [], [1], ViewType.DELETED_ONLY, ["r07"]),
    ("metrics.acc > 0.85", [], [1], ViewType.ALL, ["r07", "r05", "r04", "r01"]),
    ("metrics.acc > 0.85", ["metrics.acc DESC"], [1], ViewType.ALL, ["r07", "r04", "r05", "r01"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("filter_string", "order_by", "experiments", "view", "expected"),
    SCOPED,
    ids=[f"{f}|{o}|{e}|{v.name}" for f, o, e, v, _ in SCOPED],
)
def test_experiments_and_view_types_scope_the_search(
    conn: Connection,
    filter_string: str,
    order_by: list[str],
    experiments: list[int],
    view: ViewType,
    expected: list[str],
) -> None:
    assert search(conn, filter_string, order_by, experiments=experiments, view=view) == expected


def test_statement_returns_pk_id_and_limit_plus_one(conn: Connection) -> None:
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, [], 3, None)
    rows = conn.execute(query.statement).all()
    assert len(rows) == 4
    assert {"run_pk", "run_id"} <= set(rows[0]._mapping.keys())
    page, token = query.page(rows)
    assert [row.run_id for row in page] == ALL[:3]
    assert token is not None
