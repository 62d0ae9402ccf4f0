"""The app's routes as (method, path template) pairs, and which one a request hits.

Starlette routes requests inside the app; the auth middleware runs before that, so it finds
the route the same way (first full match in table order, recursing into mounts) to look up
the route's rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _fallback_key(route: BaseRoute) -> str:
    return f"<{type(route).__name__}>"


def route_keys(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path template) the routes serve; mounts are walked into.

    A mount without routes of its own (static files) is ``GET path/{}``; a route class
    without a path is named ``<ClassName>``.
    """
    for route in routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or METHODS):
                if method != "HEAD":
                    yield method, prefix + route.path
        elif isinstance(route, Mount):
            if route.routes:
                yield from route_keys(route.routes, prefix + route.path)
            else:  # a mounted app (static files): it reads; other methods find no rule
                yield "GET", prefix + route.path + "/{}"
        else:
            yield "GET", _fallback_key(route)


@dataclass(frozen=True)
class Hit:
    """The route template a request matched and its path parameters, in template order."""

    template: str
    params: tuple[Any, ...]


class RouteIndex:
    """Finds the route of a request; plain paths by dictionary, the rest by scanning."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = list(routes)
        self.plain: dict[str, Route] = {}
        for index, route in enumerate(self.routes):
            if isinstance(route, Route) and "{" not in route.path:
                probe: Scope = {
                    "type": "http",
                    "path": route.path,
                    "method": "GET",
                    "root_path": "",
                }
                # A plain path is looked up directly only if no earlier route would claim it.
                earlier = self.routes[:index]
                if not any(r.matches(probe)[0] is not Match.NONE for r in earlier):
                    self.plain.setdefault(route.path, route)

    def find(self, scope: Scope) -> Hit | None:
        """The hit for ``scope``; None when no route matches path and method."""
        route = self.plain.get(scope["path"])
        if route is not None and route.matches(scope)[0] is Match.FULL:
            return Hit(route.path, ())
        return _scan(self.routes, scope, "")


def _scan(routes: Sequence[BaseRoute], scope: Scope, prefix: str) -> Hit | None:
    for route in routes:
        match, child = route.matches(scope)
        if match is not Match.FULL:
            continue
        params = tuple(child.get("path_params", {}).values())
        if isinstance(route, Route):
            return Hit(prefix + route.path, params)
        if isinstance(route, Mount):
            if not route.routes:
                return Hit(prefix + route.path + "/{}", params)
            inner = _scan(route.routes, {**scope, **child}, prefix + route.path)
            return Hit(inner.template, params + inner.params) if inner else None
        return Hit(_fallback_key(route), params)
    return None
