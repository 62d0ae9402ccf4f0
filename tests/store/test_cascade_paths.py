"""SQL Server refuses a schema with two ON DELETE CASCADE paths between the same tables."""

from __future__ import annotations

from collections import defaultdict

from runhub.store.schema import metadata


def _cascade_edges() -> dict[str, list[str]]:
    edges: dict[str, list[str]] = defaultdict(list)
    for table in metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            if (fk.ondelete or "").upper() == "CASCADE":
                edges[fk.referred_table.name].append(table.name)
    return edges


def _count_paths(edges: dict[str, list[str]], start: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)

    def walk(node: str) -> None:
        for child in edges.get(node, []):
            counts[child] += 1
            walk(child)

    walk(start)
    return counts


def test_no_table_is_reached_by_two_cascade_paths() -> None:
    edges = _cascade_edges()
    doubled = {
        (parent, child): n
        for parent in list(edges)
        for child, n in _count_paths(edges, parent).items()
        if n > 1
    }
    assert doubled == {}
