"""search_experiments against real databases: filters, order, view types and page tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, update

from runhub.entities import ViewType
from runhub.errors import InvalidParameter
from runhub.store.sql.search.experiments import build_experiment_search
from runhub.store.tables import experiments
from tests.search.conftest import add_experiment

ACTIVE = [5, 2, 3, 1]  # creation_time DESC, experiment_id ASC


def search(
    conn: Connection,
    filter_string: str = "",
    order_by: list[str] | None = None,
    view: ViewType = ViewType.ACTIVE_ONLY,
) -> list[int]:
    query = build_experiment_search(filter_string, view, order_by or [], 1000, None)
    page, _ = query.page(conn.execute(query.statement).all())
    return [int(row.experiment_id) for row in page]


FILTERS: list[tuple[str, list[int]]] = [
    ("", ACTIVE),
    ("name = 'exp-one'", [1]),
    ("name = 'EXP-ONE'", []),
    ("name != 'exp-one'", [5, 2, 3]),
    ("name LIKE 'exp%'", [2, 1]),
    ("name ILIKE 'exp%'", [2, 3, 1]),
    ("attributes.name LIKE 'my\\_exp\\%'", [5]),
    ("attribute.name IN ('exp-two', 'old', 'nope')", [2]),
    ("experiment_id = '3'", [3]),
    ("experiment_id = '03'", []),
    ("experiment_id != 'abc'", ACTIVE),
    ("experiment_id != '2'", [5, 3, 1]),
    ("experiment_id IN ('1', '3', 'x')", [3, 1]),
    ("experiment_id NOT IN ('1')", [5, 2, 3]),
    ("experiment_id LIKE '%3'", [3]),
    ("creation_time >= 200", [5, 2, 3]),
    ("last_update_time < 400", [5, 3]),
    ("tags.team = 'vision'", [1]),
    ("tags.team ILIKE 'vision'", [5, 1]),
    ("tags.team IS NULL", [3]),
    ("tags.team IS NOT NULL", [5, 2, 1]),
    ("tags.`a b` = 'x'", [2]),
    ("tags.team IN ('nlp', 'vision')", [2, 1]),
    ("tags.team != 'vision'", [5, 2]),
    ("NOT tags.team IS NULL AND (creation_time < 150 OR name = 'exp-two')", [2, 1]),
    ("NOT name LIKE 'exp%'", [5, 3]),
]


@pytest.mark.parametrize(("filter_string", "expected"), FILTERS, ids=[f for f, _ in FILTERS])
def test_filter_selects_exactly(conn: Connection, filter_string: str, expected: list[int]) -> None:
    assert search(conn, filter_string) == expected


ORDERS: list[tuple[list[str], list[int]]] = [
    (["name"], [3, 1, 2, 5]),
    (["name DESC"], [5, 2, 1, 3]),
    (["last_update_time DESC"], [1, 2, 3, 5]),
    (["creation_time ASC"], [1, 2, 3, 5]),
    (["creation_time DESC", "experiment_id DESC"], [5, 3, 2, 1]),
    (["experiment_id DESC"], [5, 3, 2, 1]),
    (["attributes.experiment_id"], [1, 2, 3, 5]),
]


@pytest.mark.parametrize(("order_by", "expected"), ORDERS, ids=str)
def test_order_by_sorts_exactly(conn: Connection, order_by: list[str], expected: list[int]) -> None:
    assert search(conn, "", order_by) == expected


VIEWS: list[tuple[str, ViewType, list[int]]] = [
    ("", ViewType.DELETED_ONLY, [4]),
    ("name = 'old'", ViewType.ALL, [4]),
    ("tags.team = 'vision'", ViewType.ALL, [1, 4]),
]


@pytest.mark.parametrize(("filter_string", "view", "expected"), VIEWS, ids=str)
def test_view_types(
    conn: Connection, filter_string: str, view: ViewType, expected: list[int]
) -> None:
    assert search(conn, filter_string, view=view) == expected


def search_all(
    conn: Connection, order_by: list[str], page_size: int, write: object = None
) -> list[int]:
    found: list[int] = []
    token: str | None = None
    for _ in range(100):
        query = build_experiment_search("", ViewType.ACTIVE_ONLY, order_by, page_size, token)
        page, token = query.page(conn.execute(query.statement).all())
        found += [int(row.experiment_id) for row in page]
        if token is None:
            return found
        if callable(write):
            write(found)
    raise AssertionError("paging did not end")


PAGE_SIZES = [1, 2, 3]
PAGED_ORDERS: list[list[str]] = [[], ["name"], ["creation_time"], ["last_update_time DESC"]]
WRITE_ORDERS: list[list[str]] = [[], ["name"], ["creation_time"]]


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize("order_by", PAGED_ORDERS, ids=str)
def test_pages_add_up_to_the_unpaged_result(
    conn: Connection, order_by: list[str], page_size: int
) -> None:
    assert search_all(conn, order_by, page_size) == search_all(conn, order_by, 1000)


def write_between_pages(conn: Connection, n: int, last_returned: int) -> None:
    """Add experiments that sort anywhere and soft-delete the last one returned (``n`` < 3)."""
    add_experiment(conn, f"new-{n}-early", created=1)
    add_experiment(conn, f"new-{n}-late", created=10_000)
    add_experiment(conn, f"new-{n}-tie", created=200)
    conn.execute(  # the last one returned goes away (soft delete, as the API does)
        update(experiments)
        .where(experiments.c.experiment_id == last_returned)
        .values(lifecycle_stage="deleted")
    )


@pytest.mark.parametrize("order_by", WRITE_ORDERS, ids=str)
def test_writes_between_pages_neither_repeat_nor_skip(
    conn: Connection, order_by: list[str]
) -> None:
    before = search_all(conn, order_by, 1000)
    counter = iter(range(100))

    def write(found: list[int]) -> None:
        n = next(counter)
        if n < 3:  # keep the total finite: some new rows always sort after the cursor
            write_between_pages(conn, n, found[-1])

    paged = search_all(conn, order_by, 1, write)
    assert len(paged) == len(set(paged))
    assert [e for e in paged if e < 1000] == before


def test_bad_tokens_and_mismatched_searches_are_refused(conn: Connection) -> None:
    query = build_experiment_search("", ViewType.ACTIVE_ONLY, ["name"], 1, None)
    _, token = query.page(conn.execute(query.statement).all())
    assert token is not None
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        build_experiment_search("", ViewType.ACTIVE_ONLY, ["name DESC"], 1, token)
    with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
        build_experiment_search("name = 'x'", ViewType.ACTIVE_ONLY, ["name"], 1, token)
    with pytest.raises(InvalidParameter, match=r"^Invalid page token"):
        build_experiment_search("", ViewType.ACTIVE_ONLY, ["name"], 1, "%%%")
    with pytest.raises(InvalidParameter, match="max_results"):
        build_experiment_search("", ViewType.ACTIVE_ONLY, [], 0, None)
