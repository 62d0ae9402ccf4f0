"""The stores a file store does not have: traces, the registry, webhooks.

Every use answers 501 NOT_IMPLEMENTED with a message that names the feature and the backend
store URI that has it, as soon as a handler reaches for the store.
"""

from __future__ import annotations

from typing import Any, NoReturn

from runhub.config import Settings
from runhub.errors import NotImplementedYet, StartupError

DATABASE_HINT = (
    "start runhub with --backend-store-uri sqlite:///mlflow.db (or a PostgreSQL/MySQL URI) "
    "to use them"
)


def not_on_file_store(feature: str) -> NotImplementedYet:
    """The error for using ``feature`` on a server whose backend store is an mlruns folder."""
    return NotImplementedYet(
        f"{feature} are not available on a file store backend (an mlruns directory); "
        f"{DATABASE_HINT}."
    )


class NotOnFileStore:
    """Stands in for one store; any method or attribute it is asked for raises the error."""

    def __init__(self, feature: str) -> None:
        self.feature = feature

    def __getattr__(self, name: str) -> NoReturn:
        raise not_on_file_store(self.feature)

    def close(self) -> None:
        """Nothing to release (the server's shutdown calls this on the webhook service)."""

    def __repr__(self) -> str:
        return f"NotOnFileStore({self.feature!r})"


def unsupported(feature: str) -> Any:
    """A stand-in typed as whatever store protocol the caller needs."""
    return NotOnFileStore(feature)


def refuse_database_only_settings(settings: Settings) -> None:
    """Stop start-up when an option needs a database that a file store does not have."""
    if settings.app_name:
        raise StartupError(
            f"--app-name {settings.app_name} keeps users and permissions next to the tracking "
            "data in a database, and the backend store is a file store (an mlruns directory): "
            "use --backend-store-uri sqlite:///mlflow.db (or a PostgreSQL/MySQL URI)"
        )
