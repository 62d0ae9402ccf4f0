"""Range headers for a file of known size."""

from __future__ import annotations

import pytest

from runhub.artifacts.ranges import RangeNotSatisfiable, parse_range


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        (None, 100, None),
        ("", 100, None),
        ("bytes=0-9", 100, (0, 9)),
        ("bytes=90-", 100, (90, 99)),
        ("bytes=90-500", 100, (90, 99)),
        ("bytes=-10", 100, (90, 99)),
        ("bytes=-500", 100, (0, 99)),
        ("bytes = 5 - 6", 100, (5, 6)),
        ("bytes=9-3", 100, None),  # invalid: ignored, whole file
        ("bytes=0-1,5-6", 100, None),  # several ranges: whole file
        ("items=0-1", 100, None),
        ("bytes=abc", 100, None),
    ],
)
def test_parse_range(header: str | None, size: int, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0"])
def test_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 100)


def test_empty_file_has_no_satisfiable_range() -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=0-0", 0)
