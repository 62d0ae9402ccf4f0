"""The in-memory search (for stores without SQL) on every case of the SQL search's tables.

The fixture of conftest.py is loaded into SQLite and read back as entities by the SQL store's
own reader (``load_runs``); each case of test_run_results.py, test_experiment_search.py and
test_run_paging.py must then give the same ids in the same order, the same pages and tokens,
and the same errors. The helper functions here play the caller (a file store): they pass only
the runs of the requested experiments and view type, in an order unrelated to the result.

Where the SQL backends disagree the tables follow SQLite and PostgreSQL, and so does the
in-memory search: strings compare and sort by code point (MariaDB's default collation sorts
param and tag values ignoring case, and its ``=`` ignores trailing spaces).
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, delete, select

from runhub.entities import Experiment, ExperimentTag, Page, Run, ViewType
from runhub.errors import InvalidParameter
from runhub.search.in_memory import search_experiments_in_memory, search_runs_in_memory
from runhub.store.sql.run_rows import load_runs
from runhub.store.sql.search.compile import in_ids, view_condition
from runhub.store.sql.search.experiments import build_experiment_search
from runhub.store.sql.search.runs import build_run_search
from runhub.store.tables import experiment_tags, experiments, metadata, runs
from tests.search import test_experiment_search as experiment_tables
from tests.search import test_run_paging as paging_tables
from tests.search import test_run_results as run_tables
from tests.search.conftest import load_fixture
from tests.search.test_parse import INVALID, ORDER_INVALID

ACTIVE = ViewType.ACTIVE_ONLY


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    db = create_engine(f"sqlite:///{tmp_path_factory.mktemp('in_memory')}/search.db")
    try:
        metadata.create_all(db)
        with db.begin() as connection:
            load_fixture(connection)
        yield db
    finally:
        db.dispose()


@pytest.fixture
def conn(sqlite_engine: Engine) -> Iterator[Connection]:
    """A SQLite connection on the fixture whose writes are rolled back at the end of the test."""
    with sqlite_engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


# -- the caller: scope the entities, then search them in memory ----------------------------
def run_entities(conn: Connection, experiment_ids: list[int], view: ViewType) -> list[Run]:
    """The runs of ``experiment_ids`` in ``view``, newest row first (not the result order)."""
    rows = conn.execute(
        select(runs)
        .where(in_ids(runs.c.experiment_id, experiment_ids))
        .where(view_condition(runs.c.lifecycle_stage, view))
        .order_by(runs.c.run_pk.desc())
    ).all()
    return load_runs(conn, rows)


def experiment_entities(conn: Connection, view: ViewType) -> list[Experiment]:
    """The experiments in ``view``, newest first, with their tags."""
    tags: dict[int, list[ExperimentTag]] = defaultdict(list)
    for tag in conn.execute(select(experiment_tags)):
        tags[tag.experiment_id].append(ExperimentTag(tag.key, tag.value))
    rows = conn.execute(
        select(experiments)
        .where(view_condition(experiments.c.lifecycle_stage, view))
        .order_by(experiments.c.experiment_id.desc())
    )
    return [
        Experiment(
            str(row.experiment_id),
            row.name,
            row.artifact_location,
            row.lifecycle_stage,
            row.creation_time,
            row.last_update_time,
            tuple(tags[row.experiment_id]),
        )
        for row in rows
    ]


def run_page(
    conn: Connection,
    filter_string: str = "",
    order_by: list[str] | None = None,
    *,
    experiments: list[int] | None = None,
    view: ViewType = ACTIVE,
    max_results: int = 1000,
    page_token: str | None = None,
) -> Page[Run]:
    ids = [1] if experiments is None else experiments
    return search_runs_in_memory(
        run_entities(conn, ids, view),
        filter_string,
        order_by or [],
        max_results,
        page_token,
        (sorted(ids), int(view)),
    )


def run_ids(page: Page[Run]) -> list[str]:
    return [run.info.run_id for run in page.items]


def experiment_page(
    conn: Connection,
    filter_string: str = "",
    order_by: list[str] | None = None,
    *,
    view: ViewType = ACTIVE,
    max_results: int = 1000,
    page_token: str | None = None,
) -> Page[Experiment]:
    return search_experiments_in_memory(
        experiment_entities(conn, view),
        filter_string,
        order_by or [],
        max_results,
        page_token,
        (int(view),),
    )


def experiment_ids(page: Page[Experiment]) -> list[int]:
    return [int(experiment.experiment_id) for experiment in page.items]


def payload(token: str | None) -> dict[str, Any] | None:
    """A page token's content without the search fingerprint (which differs by design)."""
    if token is None:
        return None
    decoded: dict[str, Any] = json.loads(base64.b64decode(token))
    decoded.pop("query")
    return decoded


# -- search_runs: results ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filter_string", "expected"), run_tables.FILTERS, ids=[f for f, _ in run_tables.FILTERS]
)
def test_run_filter_selects_exactly(
    conn: Connection, filter_string: str, expected: list[str]
) -> None:
    assert run_ids(run_page(conn, filter_string)) == expected


@pytest.mark.parametrize(
    ("filter_string", "order_by", "expected"),
    run_tables.ORDERS,
    ids=[f"{f}|{o}" for f, o, _ in run_tables.ORDERS],
)
def test_run_order_by_sorts_exactly(
    conn: Connection, filter_string: str, order_by: list[str], expected: list[str]
) -> None:
    assert run_ids(run_page(conn, filter_string, order_by)) == expected


@pytest.mark.parametrize(
    ("filter_string", "order_by", "experiments", "view", "expected"),
    run_tables.SCOPED,
    ids=[f"{f}|{o}|{e}|{v.name}" for f, o, e, v, _ in run_tables.SCOPED],
)
def test_run_search_scoped_by_the_caller(
    conn: Connection,
    filter_string: str,
    order_by: list[str],
    experiments: list[int],
    view: ViewType,
    expected: list[str],
) -> None:
    page = run_page(conn, filter_string, order_by, experiments=experiments, view=view)
    assert run_ids(page) == expected


def test_run_page_is_limited_and_has_a_token(conn: Connection) -> None:
    page = run_page(conn, max_results=3)
    assert run_ids(page) == run_tables.ALL[:3]
    assert page.next_page_token is not None


# -- search_runs: paging ---------------------------------------------------------------------
def run_search_all(
    conn: Connection,
    filter_string: str,
    order_by: list[str],
    page_size: int,
    between_pages: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], list[dict[str, Any] | None]]:
    """Every page's run ids in order, and every page's token content."""
    found: list[str] = []
    tokens: list[dict[str, Any] | None] = []
    token: str | None = None
    for _ in range(100):
        page = run_page(conn, filter_string, order_by, max_results=page_size, page_token=token)
        assert len(page.items) <= page_size
        found += run_ids(page)
        token = page.next_page_token
        tokens.append(payload(token))
        if token is None:
            return found, tokens
        if between_pages is not None:
            between_pages(found)
    raise AssertionError("paging did not end")


def sql_run_pages(
    conn: Connection, filter_string: str, order_by: list[str], page_size: int
) -> tuple[list[str], list[dict[str, Any] | None]]:
    """The same as run_search_all, through the SQL search on the same connection."""
    found: list[str] = []
    tokens: list[dict[str, Any] | None] = []
    token: str | None = None
    while True:
        query = build_run_search([1], filter_string, ACTIVE, order_by, page_size, token)
        rows, token = query.page(conn.execute(query.statement).all())
        found += [row.run_id for row in rows]
        tokens.append(payload(token))
        if token is None:
            return found, tokens


@pytest.mark.parametrize("page_size", paging_tables.PAGE_SIZES)
@pytest.mark.parametrize(("filter_string", "order_by"), paging_tables.ORDERINGS, ids=str)
def test_run_pages_add_up_and_match_the_sql_pages(
    conn: Connection, filter_string: str, order_by: list[str], page_size: int
) -> None:
    whole, _ = run_search_all(conn, filter_string, order_by, 1000)
    paged, tokens = run_search_all(conn, filter_string, order_by, page_size)
    assert paged == whole
    assert (paged, tokens) == sql_run_pages(conn, filter_string, order_by, page_size)


def test_run_ties_on_every_key_are_broken_by_run_id(conn: Connection) -> None:
    paging_tables.add_tied_runs(conn)
    for order_by in paging_tables.TIE_ORDERS:
        whole, _ = run_search_all(conn, "params.lr = 'same'", order_by, 1000)
        assert whole == [f"tie{index}" for index in range(7)]
        assert run_search_all(conn, "params.lr = 'same'", order_by, 2)[0] == whole


@pytest.mark.parametrize("order_by", paging_tables.WRITE_ORDERS, ids=str)
def test_run_writes_between_pages_neither_repeat_nor_skip(
    conn: Connection, order_by: list[str]
) -> None:
    before, _ = run_search_all(conn, "", order_by, 1000)
    counter = iter(range(1000))

    def write(found: list[str]) -> None:
        n = next(counter)
        if n < 3:
            paging_tables.write_between_pages(conn, n, found[-1])

    paged, _ = run_search_all(conn, "", order_by, 2, between_pages=write)
    assert len(paged) == len(set(paged))
    assert [run_id for run_id in paged if not run_id.startswith("new")] == before


def test_run_deleting_the_last_returned_run_keeps_the_cursor(conn: Connection) -> None:
    page = run_page(conn, "", ["metrics.acc DESC"], max_results=3)
    assert run_ids(page) == ["r04", "r05", "r01"]
    conn.execute(delete(runs).where(runs.c.run_id.in_(["r01", "r05"])))
    token = page.next_page_token
    page = run_page(conn, "", ["metrics.acc DESC"], max_results=3, page_token=token)
    assert run_ids(page) == ["r02", "r10", "r08"]


def test_run_token_carries_offset_and_last_row(conn: Connection) -> None:
    page = run_page(conn, "", ["metrics.acc DESC"], max_results=2)
    assert payload(page.next_page_token) == {"offset": 2, "after": [0.9, 1300, "r05"]}
    token = page.next_page_token
    page = run_page(conn, "", ["metrics.acc DESC"], max_results=2, page_token=token)
    assert payload(page.next_page_token) == {"offset": 4, "after": [0.8, 1100, "r02"]}


def test_run_last_page_has_no_token(conn: Connection) -> None:
    page = run_page(conn, max_results=9)
    assert len(page.items) == 9
    assert page.next_page_token is None


def _good_run_token(conn: Connection) -> str:
    page = run_page(conn, "metrics.acc > 0", ["params.lr"], max_results=1)
    assert page.next_page_token is not None
    return page.next_page_token


def test_run_token_from_another_search_is_refused(conn: Connection) -> None:
    token = _good_run_token(conn)
    for experiment_scope, filter_string, view, order_by in paging_tables.OTHER_SEARCHES:
        with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
            run_page(
                conn,
                filter_string,
                order_by,
                experiments=experiment_scope,
                view=view,
                max_results=1,
                page_token=token,
            )
    # The same search with another page size is fine.
    page = run_page(conn, "metrics.acc > 0", ["params.lr"], max_results=5, page_token=token)
    assert run_ids(page) == ["r02", "r05", "r01", "r10"]


def test_run_tampered_tokens_are_refused(conn: Connection) -> None:
    for token in paging_tables.tampered_tokens(_good_run_token(conn)):
        with pytest.raises(InvalidParameter, match=r"^Invalid page token") as info:
            run_page(conn, "metrics.acc > 0", ["params.lr"], max_results=1, page_token=token)
        assert info.value.http_status == 400


def test_run_empty_token_is_the_first_page(conn: Connection) -> None:
    assert run_ids(run_page(conn, max_results=2, page_token="")) == ["r10", "r09"]


# -- errors: the same messages as the SQL search -------------------------------------------
def _sql_run_error(filter_string: str, order_by: list[str], max_results: int = 10) -> str:
    with pytest.raises(InvalidParameter) as info:
        build_run_search([1], filter_string, ACTIVE, order_by, max_results, None)
    return info.value.message


@pytest.mark.parametrize(("filter_string", "_detail"), INVALID, ids=[t for t, _ in INVALID])
def test_run_bad_filter_is_the_sql_error(
    conn: Connection, filter_string: str, _detail: str
) -> None:
    with pytest.raises(InvalidParameter) as info:
        run_page(conn, filter_string, ["metrics.acc"])
    assert info.value.message == _sql_run_error(filter_string, ["metrics.acc"])
    assert info.value.http_status == 400


@pytest.mark.parametrize(("entry", "_detail"), ORDER_INVALID, ids=[e for e, _ in ORDER_INVALID])
def test_run_bad_order_by_is_the_sql_error(conn: Connection, entry: str, _detail: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        run_page(conn, "metrics.acc > 0", [entry])
    assert info.value.message == _sql_run_error("metrics.acc > 0", [entry])


@pytest.mark.parametrize("max_results", [0, -1])
def test_max_results_must_be_positive(conn: Connection, max_results: int) -> None:
    # Checked first, as in SQL: a bad filter alongside does not change the message.
    with pytest.raises(InvalidParameter, match="max_results") as info:
        run_page(conn, "metrics.acc >> 1", max_results=max_results)
    assert info.value.message == _sql_run_error("metrics.acc >> 1", [], max_results)
    with pytest.raises(InvalidParameter, match="max_results"):
        experiment_page(conn, max_results=max_results)


# -- search_experiments ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filter_string", "expected"),
    experiment_tables.FILTERS,
    ids=[f for f, _ in experiment_tables.FILTERS],
)
def test_experiment_filter_selects_exactly(
    conn: Connection, filter_string: str, expected: list[int]
) -> None:
    assert experiment_ids(experiment_page(conn, filter_string)) == expected


@pytest.mark.parametrize(("order_by", "expected"), experiment_tables.ORDERS, ids=str)
def test_experiment_order_by_sorts_exactly(
    conn: Connection, order_by: list[str], expected: list[int]
) -> None:
    assert experiment_ids(experiment_page(conn, "", order_by)) == expected


@pytest.mark.parametrize(("filter_string", "view", "expected"), experiment_tables.VIEWS, ids=str)
def test_experiment_view_types(
    conn: Connection, filter_string: str, view: ViewType, expected: list[int]
) -> None:
    assert experiment_ids(experiment_page(conn, filter_string, view=view)) == expected


def experiment_search_all(
    conn: Connection,
    order_by: list[str],
    page_size: int,
    between_pages: Callable[[list[int]], None] | None = None,
) -> tuple[list[int], list[dict[str, Any] | None]]:
    found: list[int] = []
    tokens: list[dict[str, Any] | None] = []
    token: str | None = None
    for _ in range(100):
        page = experiment_page(conn, "", order_by, max_results=page_size, page_token=token)
        found += experiment_ids(page)
        token = page.next_page_token
        tokens.append(payload(token))
        if token is None:
            return found, tokens
        if between_pages is not None:
            between_pages(found)
    raise AssertionError("paging did not end")


def sql_experiment_pages(
    conn: Connection, order_by: list[str], page_size: int
) -> tuple[list[int], list[dict[str, Any] | None]]:
    found: list[int] = []
    tokens: list[dict[str, Any] | None] = []
    token: str | None = None
    while True:
        query = build_experiment_search("", ACTIVE, order_by, page_size, token)
        rows, token = query.page(conn.execute(query.statement).all())
        found += [int(row.experiment_id) for row in rows]
        tokens.append(payload(token))
        if token is None:
            return found, tokens


@pytest.mark.parametrize("page_size", experiment_tables.PAGE_SIZES)
@pytest.mark.parametrize("order_by", experiment_tables.PAGED_ORDERS, ids=str)
def test_experiment_pages_add_up_and_match_the_sql_pages(
    conn: Connection, order_by: list[str], page_size: int
) -> None:
    paged, tokens = experiment_search_all(conn, order_by, page_size)
    assert paged == experiment_search_all(conn, order_by, 1000)[0]
    assert (paged, tokens) == sql_experiment_pages(conn, order_by, page_size)


@pytest.mark.parametrize("order_by", experiment_tables.WRITE_ORDERS, ids=str)
def test_experiment_writes_between_pages_neither_repeat_nor_skip(
    conn: Connection, order_by: list[str]
) -> None:
    before, _ = experiment_search_all(conn, order_by, 1000)
    counter = iter(range(100))

    def write(found: list[int]) -> None:
        n = next(counter)
        if n < 3:
            experiment_tables.write_between_pages(conn, n, found[-1])

    paged, _ = experiment_search_all(conn, order_by, 1, write)
    assert len(paged) == len(set(paged))
    assert [e for e in paged if e < 1000] == before


def test_experiment_bad_tokens_and_mismatched_searches_are_refused(conn: Connection) -> None:
    token = experiment_page(conn, "", ["name"], max_results=1).next_page_token
    assert token is not None
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        experiment_page(conn, "", ["name DESC"], max_results=1, page_token=token)
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        experiment_page(conn, "name = 'x'", ["name"], max_results=1, page_token=token)
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        experiment_page(conn, "", ["name"], view=ViewType.ALL, max_results=1, page_token=token)
    with pytest.raises(InvalidParameter, match=r"^Invalid page token"):
        experiment_page(conn, "", ["name"], max_results=1, page_token="%%%")
    # A run search's token is not an experiment search's.
    run_token = run_page(conn, max_results=1).next_page_token
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        experiment_page(conn, "", [], max_results=1, page_token=run_token)


@pytest.mark.parametrize(
    ("filter_string", "order_by"),
    [("run_id = 'x'", []), ("metrics.acc > 1", []), ("name = 'x'", ["tags.t"])],
    ids=str,
)
def test_experiment_bad_request_is_the_sql_error(
    conn: Connection, filter_string: str, order_by: list[str]
) -> None:
    with pytest.raises(InvalidParameter) as sql:
        build_experiment_search(filter_string, ACTIVE, order_by, 10, None)
    with pytest.raises(InvalidParameter) as memory:
        experiment_page(conn, filter_string, order_by)
    assert memory.value.message == sql.value.message
