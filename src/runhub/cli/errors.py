"""Turning start-up failures into one clear line and a non-zero exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from runhub.errors import StartupError

T = TypeVar("T")

DRIVER_PACKAGES = {
    "postgresql": "psycopg[binary]  (pip install 'runhub[postgres]')",
    "mysql": "pymysql  (pip install 'runhub[mysql]')",
    "mariadb": "pymysql  (pip install 'runhub[mysql]')",
    "mssql": "pymssql",
}


def fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def explain_database_error(uri: str, exc: BaseException) -> str:
    """A one-line, actionable description of why ``uri`` could not be opened."""
    try:
        url = make_url(uri)
    except ArgumentError:
        return f"'{uri}' is not a database URL; use e.g. sqlite:///mlflow.db"
    backend = url.get_backend_name()
    if isinstance(exc, (ModuleNotFoundError, NoSuchModuleError)):
        package = DRIVER_PACKAGES.get(backend, f"the SQLAlchemy driver for '{backend}'")
        return f"the database driver for {backend} is not installed; install {package}"
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    if backend == "sqlite":
        return f"cannot open the SQLite database {url.database!r}: {text}"
    where = f"{url.host or 'localhost'}:{url.port or 'default port'}"
    lowered = text.lower()
    if "password" in lowered or "access denied" in lowered or "authentication" in lowered:
        return f"the database at {where} refused the credentials for user {url.username!r}: {text}"
    if "does not exist" in lowered or "unknown database" in lowered:
        return f"the database {url.database!r} does not exist on {where}; create it first"
    return (
        f"cannot reach the {backend} database at {where}: make sure the database server is "
        f"running and reachable ({text})"
    )


def run_or_fail(uri: str, fn: Callable[[], T]) -> T:
    """Run a start-up step; database and configuration errors end the process with one line."""
    try:
        return fn()
    except StartupError as exc:
        fail(str(exc))
    except (OperationalError, ModuleNotFoundError, NoSuchModuleError, ArgumentError) as exc:
        fail(explain_database_error(uri, exc))
