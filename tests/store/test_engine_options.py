"""What the engines hand the database drivers: MySQL TLS files from the environment, pool sizes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from runhub.store.sql.db import Database


class Captured(Exception):
    """Raised from the connect hook: the arguments were seen, no connection is needed."""


def driver_arguments(db: Database) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    @event.listens_for(db.writer, "do_connect")
    def capture(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        seen.update(cparams)
        raise Captured

    with pytest.raises(Captured):
        db.writer.connect()
    return seen


def test_mysql_ssl_variables_become_driver_ssl_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_MYSQL_SSL_CA", "/etc/ssl/ca.pem")
    monkeypatch.setenv("MLFLOW_MYSQL_SSL_CERT", "/etc/ssl/client-cert.pem")
    monkeypatch.setenv("MLFLOW_MYSQL_SSL_KEY", "/etc/ssl/client-key.pem")
    db = Database("mysql+pymysql://user@127.0.0.1:1/tracking")
    try:
        args = driver_arguments(db)
    finally:
        db.dispose()
    assert args["ssl"] == {
        "ca": "/etc/ssl/ca.pem",
        "cert": "/etc/ssl/client-cert.pem",
        "key": "/etc/ssl/client-key.pem",
    }
    assert args["charset"] == "utf8mb4"


def test_only_the_ssl_variables_that_are_set_are_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MLFLOW_MYSQL_SSL_CERT", "MLFLOW_MYSQL_SSL_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLFLOW_MYSQL_SSL_CA", "/etc/ssl/ca.pem")
    db = Database("mysql+pymysql://user@127.0.0.1:1/tracking")
    try:
        assert driver_arguments(db)["ssl"] == {"ca": "/etc/ssl/ca.pem"}
    finally:
        db.dispose()


def test_no_ssl_without_the_variables_and_none_for_postgres(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_MYSQL_SSL_CA", "/etc/ssl/ca.pem")
    for uri in ("postgresql+psycopg://user@127.0.0.1:1/tracking",):
        db = Database(uri)
        try:
            assert "ssl" not in driver_arguments(db)
        finally:
            db.dispose()
    monkeypatch.delenv("MLFLOW_MYSQL_SSL_CA")
    db = Database("mysql+pymysql://user@127.0.0.1:1/tracking")
    try:
        assert "ssl" not in driver_arguments(db)
    finally:
        db.dispose()


def test_pool_settings_reach_the_engine() -> None:
    db = Database(
        "postgresql+psycopg://user@127.0.0.1:1/tracking",
        {"pool_size": 3, "max_overflow": 7, "pool_recycle": 90},
    )
    try:
        pool: Any = db.writer.pool
        assert (pool.size(), pool._max_overflow, pool._recycle) == (3, 7, 90)
        assert pool._pre_ping is True
    finally:
        db.dispose()
