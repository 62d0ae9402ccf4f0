"""Visibility resolves grants exactly as a single permission check does."""

from __future__ import annotations

import pytest

from runhub.security.permissions import Level
from runhub.security.visibility import Visibility, compute

R, N, D, M = Level.READ, Level.NO_PERMISSIONS, Level.DENY, Level.MANAGE


@pytest.mark.parametrize(
    ("own", "roles", "default", "expected"),
    [
        ({}, [], R, Visibility(None)),
        ({"1": N}, [], R, Visibility(None, frozenset({"1"}))),
        ({"1": R, "2": M}, [], N, Visibility(frozenset({"1", "2"}))),
        ({}, [("*", R)], N, Visibility(None)),
        ({"3": N}, [("*", R)], N, Visibility(None, frozenset({"3"}))),
        ({}, [("4", R)], N, Visibility(frozenset({"4"}))),
        ({}, [("4", R), ("4", D)], N, Visibility(frozenset())),
        ({"4": R}, [("4", D)], N, Visibility(frozenset({"4"}))),  # the user's own grant wins
        ({}, [("*", D), ("5", M)], R, Visibility(frozenset())),
        ({}, [("7", N)], R, Visibility(None, frozenset({"7"}))),
        ({"6": R}, [("*", D)], R, Visibility(frozenset({"6"}))),
    ],
)
def test_compute(
    own: dict[str, Level], roles: list[tuple[str, Level]], default: Level, expected: Visibility
) -> None:
    assert compute(own, roles, default) == expected
