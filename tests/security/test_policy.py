"""Every route the app serves has an explicit permission rule (deny by default)."""

from __future__ import annotations

import pytest

from runhub.security.policy import PROTOCOL_RULES, ROOT_RULES, Access, Rule, rule_for
from runhub.security.route_index import route_keys

from .conftest import AuthClient


def test_every_route_has_a_rule(auth: AuthClient) -> None:
    routes = auth.client.app.routes  # type: ignore[attr-defined]
    keys = sorted(set(route_keys(routes)))
    assert len(keys) > 50
    missing = [f"{method} {path}" for method, path in keys if rule_for(method, path) is None]
    assert not missing, "routes without a permission rule:\n" + "\n".join(missing)


def test_every_route_has_a_rule_under_a_static_prefix(make_client: object) -> None:
    from runhub.app import create_app
    from runhub.config import Settings

    app = create_app(Settings(backend_store_uri="sqlite://", static_prefix="/mlflow"))
    keys = set(route_keys(app.routes))
    assert all(path.startswith("/mlflow") for _, path in keys if not path.startswith("<"))
    assert not [k for k in keys if rule_for(*k, static_prefix="/mlflow") is None]


@pytest.mark.parametrize("rules", [PROTOCOL_RULES, ROOT_RULES])
def test_resource_rules_name_where_the_resource_is(rules: dict[tuple[str, str], Rule]) -> None:
    for key, rule in rules.items():
        if rule.access is Access.RESOURCE:
            assert rule.locate is not None and rule.level > 0, key
            assert rule.resource_type in ("experiment", "registered_model"), key
        else:
            assert rule.locate is None, key


def test_unknown_route_is_not_a_rule() -> None:
    assert rule_for("POST", "/api/2.0/mlflow/not-a-route") is None
    assert rule_for("GET", "/api/2.0/mlflow/experiments/get").access is Access.RESOURCE  # type: ignore[union-attr]
    assert rule_for("HEAD", "/health") is rule_for("GET", "/health")
