"""The auth config file (``MLFLOW_AUTH_CONFIG_PATH``, section ``[mlflow]``)."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass

from runhub.errors import StartupError
from runhub.security.auth.passwords import password_problem
from runhub.security.permissions import Level, parse_level

DEFAULT_DATABASE_URI = "sqlite:///basic_auth.db"
DEFAULT_AUTHORIZATION_FUNCTION = "runhub.security.auth.authenticate:basic_or_token"
# Config files written for MLflow name its function; it means the same thing here.
MLFLOW_DEFAULT_FUNCTION = "mlflow.server.auth:authenticate_request_basic_auth"


@dataclass(frozen=True)
class AuthConfig:
    default_permission: Level = Level.READ
    database_uri: str = DEFAULT_DATABASE_URI
    admin_username: str = "admin"
    admin_password: str | None = None
    authorization_function: str = DEFAULT_AUTHORIZATION_FUNCTION
    # The web UI's sign-in cookie, and the lock-out after failed logins (form and Basic).
    signin_max_age_seconds: int = 12 * 3600
    max_failed_logins: int = 10
    max_failed_logins_per_address: int = 100
    failed_login_window_seconds: int = 900
    login_lockout_seconds: int = 900


# Whole-number settings of the [mlflow] section: (name, smallest allowed value).
_COUNTS = (
    ("signin_max_age_seconds", 60),
    ("max_failed_logins", 1),
    ("max_failed_logins_per_address", 1),
    ("failed_login_window_seconds", 1),
    ("login_lockout_seconds", 1),
)


def _counts(values: Mapping[str, str]) -> dict[str, int]:
    """The whole-number settings present in ``values``; StartupError for a bad one."""
    out: dict[str, int] = {}
    for name, smallest in _COUNTS:
        if not values.get(name):
            continue
        try:
            number = int(values[name])
        except ValueError:
            number = smallest - 1
        if number < smallest:
            raise StartupError(
                f"auth config: {name} must be a whole number of at least {smallest}, "
                f"not {values[name]!r}"
            )
        out[name] = number
    return out


def load_auth_config(path: str | None, environ: Mapping[str, str] | None = None) -> AuthConfig:
    """The auth settings from ``path`` (or defaults) with the environment's admin overrides.

    Raises StartupError (one line) for an unreadable file or an invalid value.
    """
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    if path:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            with open(path, encoding="utf-8") as handle:
                parser.read_file(handle)
        except (OSError, configparser.Error) as exc:
            raise StartupError(f"cannot read the auth config {path}: {exc}") from None
        if parser.has_section("mlflow"):
            values = {key: value.strip() for key, value in parser.items("mlflow")}
    try:
        default_permission = parse_level(values.get("default_permission", "READ"))
    except ValueError as exc:
        raise StartupError(f"auth config: default_permission: {exc}") from None
    function = values.get("authorization_function") or DEFAULT_AUTHORIZATION_FUNCTION
    if function == MLFLOW_DEFAULT_FUNCTION:
        function = DEFAULT_AUTHORIZATION_FUNCTION
    return AuthConfig(
        default_permission=default_permission,
        database_uri=values.get("database_uri") or DEFAULT_DATABASE_URI,
        admin_username=env.get("MLFLOW_AUTH_ADMIN_USERNAME")
        or values.get("admin_username")
        or "admin",
        admin_password=env.get("MLFLOW_AUTH_ADMIN_PASSWORD")
        or values.get("admin_password")
        or None,
        authorization_function=function,
        **_counts(values),
    )


def bootstrap_password(config: AuthConfig) -> str:
    """The admin password to create the first user with; StartupError when unusable."""
    password = config.admin_password
    if not password:
        raise StartupError(
            "basic auth needs an admin password for its first start: set admin_password in "
            "MLFLOW_AUTH_CONFIG_PATH or the MLFLOW_AUTH_ADMIN_PASSWORD environment variable"
        )
    problem = password_problem(password, config.admin_username)
    if problem:
        raise StartupError(f"the configured admin password is refused: {problem}")
    return password
