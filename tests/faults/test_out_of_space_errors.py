"""Which driver and OS errors mean "no space left": the drivers' own exception types, wrapped as
SQLAlchemy raises them. (SQLite's is produced for real in test_disk_full.py.)"""

from __future__ import annotations

import errno
import sqlite3

import psycopg.errors
import pymysql.err
import pytest
from sqlalchemy.exc import OperationalError

from runhub.errors import StorageFull, is_out_of_space


def wrapped(orig: Exception) -> OperationalError:
    return OperationalError("INSERT INTO metrics ...", {}, orig)


def sqlite_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        wrapped(sqlite_error(13)),
        wrapped(psycopg.errors.DiskFull("could not extend file: No space left on device")),
        wrapped(pymysql.err.OperationalError(1114, "The table 'metrics' is full")),
        wrapped(pymysql.err.OperationalError(3, "Error writing file (Errcode: 28)")),
        wrapped(pymysql.err.InternalError(1030, "Got error 28 from storage engine")),
    ],
    ids=["enospc", "edquot", "sqlite", "postgresql", "mysql-table", "mysql-file", "mysql-engine"],
)
def test_out_of_space(error: BaseException) -> None:
    assert is_out_of_space(error)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EACCES, "Permission denied"),
        wrapped(sqlite_error(5)),  # SQLITE_BUSY
        wrapped(psycopg.errors.AdminShutdown("terminating connection")),
        wrapped(pymysql.err.OperationalError(2013, "Lost connection to MySQL server")),
        ValueError("no space"),
    ],
    ids=["eacces", "sqlite-busy", "postgresql-shutdown", "mysql-lost", "other"],
)
def test_not_out_of_space(error: BaseException) -> None:
    assert not is_out_of_space(error)


def test_the_error_names_the_store_and_is_507() -> None:
    error = StorageFull("artifact store")
    assert error.http_status == 507
    assert error.to_json()["error_code"] == "RESOURCE_EXHAUSTED"
    assert error.to_json()["message"].startswith("The artifact store is full")
