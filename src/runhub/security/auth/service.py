"""The auth app's state for one server: its store, config and authenticator."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from runhub.config import Settings
from runhub.errors import StartupError
from runhub.security.auth.authenticate import Authenticator, load_authenticator
from runhub.security.auth.config import AuthConfig, bootstrap_password, load_auth_config
from runhub.security.auth.cookie import CookieSigner
from runhub.security.auth.csrf import CsrfTokens
from runhub.security.auth.login_limits import LoginLimiter, LoginLimits
from runhub.security.auth.migrate import upgrade_auth_schema
from runhub.security.auth.sign_outs import SignOuts
from runhub.security.auth.store import RESOURCE_TYPES, AuthStore, User
from runhub.security.permissions import Level
from runhub.security.visibility import Visibility, compute
from runhub.store.sql.db import Database

log = logging.getLogger("runhub.security")

SECRET_KEY_ENV = "MLFLOW_FLASK_SERVER_SECRET_KEY"


@dataclass(frozen=True)
class AuthService:
    store: AuthStore
    config: AuthConfig
    authenticate: Authenticator
    cookies: CookieSigner
    csrf: CsrfTokens
    limiter: LoginLimiter
    sign_outs: SignOuts

    def level(self, user: User, resource_type: str, resource_id: str) -> Level:
        """The user's permission on one experiment or registered model."""
        if user.is_admin:
            return Level.MANAGE
        return self.store.effective_level(
            user.id, resource_type, resource_id, self.config.default_permission
        )

    def visibility(self, user: User) -> Mapping[str, Visibility] | None:
        """What the user's searches may return; None (everything) for admins."""
        if user.is_admin:
            return None
        return {
            resource_type: compute(
                self.store.grants_of(user.id, resource_type),
                self.store.role_patterns_of(user.id, resource_type),
                self.config.default_permission,
            )
            for resource_type in RESOURCE_TYPES
        }

    def close(self) -> None:
        self.store.db.dispose()


def prepare_auth(config_path: str | None) -> None:
    """Create or upgrade the auth database and its first admin; StartupError (one line)."""
    config = load_auth_config(config_path)
    db = Database(config.database_uri)
    try:
        upgrade_auth_schema(db)
        store = AuthStore(db)
        if store.count_users() == 0:
            store.create_user(config.admin_username, bootstrap_password(config), is_admin=True)
            log.info("created the admin user %r", config.admin_username)
    finally:
        db.dispose()


def check_secret_key(secret_key: str | None) -> str:
    """The secret that signs sign-in cookies; StartupError (one line) when it is unset."""
    if not secret_key:
        raise StartupError(
            f"basic auth needs a static secret key for its sign-in cookie and CSRF protection: "
            f"set {SECRET_KEY_ENV} to a long random string, the same on every worker and "
            "replica (e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return secret_key


def open_auth(config_path: str | None, secret_key: str | None) -> AuthService:
    """The auth service for a server whose auth database is prepared; StartupError when the
    config or the secret key is unusable."""
    config = load_auth_config(config_path)
    secret = check_secret_key(secret_key)
    try:
        authenticate = load_authenticator(config.authorization_function)
    except ValueError as exc:
        raise StartupError(str(exc)) from None
    db = Database(config.database_uri)
    limits = LoginLimits(
        max_failures=config.max_failed_logins,
        max_failures_per_address=config.max_failed_logins_per_address,
        window_s=config.failed_login_window_seconds,
        lockout_s=config.login_lockout_seconds,
    )
    return AuthService(
        AuthStore(db),
        config,
        authenticate,
        CookieSigner(secret, config.signin_max_age_seconds),
        CsrfTokens(secret),
        LoginLimiter(db, limits),
        SignOuts(db),
    )


def auth_if_enabled(settings: Settings) -> AuthService | None:
    """The auth service when the server runs ``--app-name basic-auth``, else None."""
    if settings.app_name != "basic-auth":
        return None
    return open_auth(settings.auth_config_path, settings.server_secret_key)
