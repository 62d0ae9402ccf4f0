"""search_runs page tokens: pages add up to the whole result, survive writes, reject tampering."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import Connection, delete

from runhub.entities import ViewType
from runhub.errors import InvalidParameter
from runhub.store.sql.search.runs import build_run_search
from runhub.store.tables import runs
from tests.search.conftest import add_run

ORDERINGS: list[tuple[str, list[str]]] = [
    ("", []),
    ("", ["metrics.acc DESC"]),
    ("", ["metrics.acc"]),
    ("", ["metrics.loss", "metrics.acc DESC"]),
    ("", ["params.lr"]),
    ("", ["params.lr DESC", "tags.team"]),
    ("", ["attributes.end_time DESC"]),
    ("", ["status", "run_name DESC"]),
    ("", ["start_time ASC"]),
    ("params.lr != 'x' OR metrics.acc IS NULL", ["metrics.acc DESC"]),
]


def search_all(
    conn: Connection,
    filter_string: str,
    order_by: list[str],
    page_size: int,
    experiments: list[int] | None = None,
    between_pages: object = None,
) -> list[str]:
    """Every page's run ids in order, following next_page_token to the end."""
    found: list[str] = []
    token: str | None = None
    for _ in range(100):
        query = build_run_search(
            experiments or [1], filter_string, ViewType.ACTIVE_ONLY, order_by, page_size, token
        )
        page, token = query.page(conn.execute(query.statement).all())
        assert len(page) <= page_size
        found += [row.run_id for row in page]
        if token is None:
            return found
        if callable(between_pages):
            between_pages(found)
    raise AssertionError("paging did not end")


PAGE_SIZES = [1, 2, 4]


@pytest.mark.parametrize("page_size", PAGE_SIZES)
@pytest.mark.parametrize(("filter_string", "order_by"), ORDERINGS, ids=str)
def test_pages_add_up_to_the_unpaged_result(
    conn: Connection, filter_string: str, order_by: list[str], page_size: int
) -> None:
    whole = search_all(conn, filter_string, order_by, 1000)
    assert search_all(conn, filter_string, order_by, page_size) == whole


TIE_ORDERS: list[list[str]] = [["metrics.acc DESC"], ["params.lr"], ["start_time"]]


def add_tied_runs(conn: Connection) -> None:
    """Seven runs tie0..tie6 equal on every sort key but run_id, all with params.lr 'same'."""
    for index in range(7):
        add_run(conn, f"tie{index}", start=5, metrics={"acc": 0.25}, params_={"lr": "same"})


def test_ties_on_every_key_are_broken_by_run_id(conn: Connection) -> None:
    add_tied_runs(conn)
    for order_by in TIE_ORDERS:
        whole = search_all(conn, "params.lr = 'same'", order_by, 1000)
        assert whole == [f"tie{index}" for index in range(7)]
        assert search_all(conn, "params.lr = 'same'", order_by, 2) == whole


WRITE_ORDERS: list[list[str]] = [
    [], ["metrics.acc DESC"], ["metrics.acc"], ["params.lr"], ["end_time"],
]  # fmt: skip


def write_between_pages(conn: Connection, n: int, last_returned: str) -> None:
    """New runs that sort anywhere (before and after the cursor, NaN, missing), and the run
    just returned is deleted."""
    add_run(conn, f"new{n}a", start=1050, metrics={"acc": 2.0}, params_={"lr": "0"})
    add_run(conn, f"new{n}b", start=900 + n, metrics={"acc": -5.0}, params_={"lr": "9"})
    add_run(conn, f"new{n}c", start=1250, metrics={"acc": None})
    add_run(conn, f"new{n}d", start=1650)
    conn.execute(delete(runs).where(runs.c.run_id == last_returned))


@pytest.mark.parametrize("order_by", WRITE_ORDERS, ids=str)
def test_writes_between_pages_neither_repeat_nor_skip(
    conn: Connection, order_by: list[str]
) -> None:
    before = search_all(conn, "", order_by, 1000)
    counter = iter(range(1000))

    def write(found: list[str]) -> None:
        n = next(counter)
        if n < 3:  # keep the total finite: some new runs always sort after the cursor
            write_between_pages(conn, n, found[-1])

    paged = search_all(conn, "", order_by, 2, between_pages=write)
    assert len(paged) == len(set(paged))
    old = [run_id for run_id in paged if not run_id.startswith("new")]
    assert old == before


def test_deleting_the_last_returned_run_keeps_the_cursor(conn: Connection) -> None:
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, ["metrics.acc DESC"], 3, None)
    page, token = query.page(conn.execute(query.statement).all())
    assert [row.run_id for row in page] == ["r04", "r05", "r01"]
    conn.execute(delete(runs).where(runs.c.run_id.in_(["r01", "r05"])))
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, ["metrics.acc DESC"], 3, token)
    page, _ = query.page(conn.execute(query.statement).all())
    assert [row.run_id for row in page] == ["r02", "r10", "r08"]


def test_token_carries_offset_and_last_row(conn: Connection) -> None:
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, ["metrics.acc DESC"], 2, None)
    _, token = query.page(conn.execute(query.statement).all())
    assert token is not None
    decoded = json.loads(base64.b64decode(token))
    assert decoded["offset"] == 2
    assert decoded["after"] == [0.9, 1300, "r05"]
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, ["metrics.acc DESC"], 2, token)
    _, token = query.page(conn.execute(query.statement).all())
    assert token is not None
    assert json.loads(base64.b64decode(token))["offset"] == 4


def test_last_page_has_no_token(conn: Connection) -> None:
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, [], 9, None)
    page, token = query.page(conn.execute(query.statement).all())
    assert len(page) == 9
    assert token is None


def _token(payload: object) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def _good_token(conn: Connection) -> str:
    query = build_run_search([1], "metrics.acc > 0", ViewType.ACTIVE_ONLY, ["params.lr"], 1, None)
    _, token = query.page(conn.execute(query.statement).all())
    assert token is not None
    return token


# The token of _good_token's search, replayed against these, is refused.
OTHER_SEARCHES: list[tuple[list[int], str, ViewType, list[str]]] = [
    ([1], "metrics.acc > 1", ViewType.ACTIVE_ONLY, ["params.lr"]),
    ([1], "metrics.acc > 0", ViewType.ACTIVE_ONLY, ["params.lr DESC"]),
    ([1, 2], "metrics.acc > 0", ViewType.ACTIVE_ONLY, ["params.lr"]),
    ([1], "metrics.acc > 0", ViewType.ALL, ["params.lr"]),
]


def test_token_from_another_search_is_refused(conn: Connection) -> None:
    token = _good_token(conn)
    for experiments, filter_string, view, order_by in OTHER_SEARCHES:
        with pytest.raises(InvalidParameter, match=r"Invalid page token .* different search"):
            build_run_search(experiments, filter_string, view, order_by, 1, token)
    # The same search with another page size is fine.
    build_run_search([1], "metrics.acc > 0", ViewType.ACTIVE_ONLY, ["params.lr"], 5, token)


def tampered_tokens(good_token: str) -> list[str]:
    """Broken or altered versions of a token of _good_token's search (``[1]``, params.lr)."""
    good = json.loads(base64.b64decode(good_token))
    return [
        "not base64!",
        "a",
        base64.b64encode(b"\xff\xfe").decode(),
        base64.b64encode(b"not json").decode(),
        _token([1, 2]),
        _token({"offset": 3}),
        _token({**good, "offset": -1}),
        _token({**good, "offset": "3"}),
        _token({**good, "after": []}),
        _token({**good, "after": good["after"][:-1]}),
        _token({**good, "after": [1, *good["after"][1:]]}),
        _token({**good, "after": [good["after"][0], "x", good["after"][2]]}),
        _token({**good, "after": [good["after"][0], 1, None]}),
        _token({**good, "after": [{"a": 1}, 1, "r01"]}),
        _token({**good, "query": "0000"}),
    ]


def test_tampered_tokens_are_refused(conn: Connection) -> None:
    for token in tampered_tokens(_good_token(conn)):
        with pytest.raises(InvalidParameter, match=r"^Invalid page token") as info:
            build_run_search([1], "metrics.acc > 0", ViewType.ACTIVE_ONLY, ["params.lr"], 1, token)
        assert info.value.http_status == 400


def test_empty_token_is_the_first_page(conn: Connection) -> None:
    query = build_run_search([1], "", ViewType.ACTIVE_ONLY, [], 2, "")
    page, _ = query.page(conn.execute(query.statement).all())
    assert [row.run_id for row in page] == ["r10", "r09"]


def test_max_results_must_be_positive() -> None:
    with pytest.raises(InvalidParameter, match="max_results"):
        build_run_search([1], "", ViewType.ACTIVE_ONLY, [], 0, None)
