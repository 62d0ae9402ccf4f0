"""What an endpoint takes and answers, declared next to it, so the OpenAPI description of the
API (``runhub.api.openapi``) is built from the route table and never written by hand.

``rpc()`` endpoints declare their request message; the plain Starlette endpoints (artifact
transfers, OTLP ingest, health) use :func:`declare` to say what they read from the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from runhub.api.wire import Field

JSON = "application/json"
ANY_FILE = "*/*"  # an artifact file: its media type follows its name
_ATTRIBUTE = "runhub_declaration"


@dataclass(frozen=True)
class Header:
    """A request header the endpoint reads."""

    name: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Declaration:
    """The request and the successful response of one endpoint.

    ``message`` is read as ``rpc()`` reads it: the query string on GET, else a JSON body.
    ``query`` fields are read from the query string whatever the method. ``body`` lists the
    media types of a raw (non-message) request body. ``answers`` lists the media types of the
    200 response; ``ranges`` marks file downloads that honour a ``Range`` header (206).
    ``errors`` is False for endpoints that never answer with the JSON error shape.
    """

    message: tuple[Field, ...] = ()
    query: tuple[Field, ...] = ()
    headers: tuple[Header, ...] = ()
    body: tuple[str, ...] = ()
    answers: tuple[str, ...] = (JSON,)
    ranges: bool = False
    errors: bool = True
    summary: str = ""


E = TypeVar("E", bound=Callable[..., Any])


def declare(declaration: Declaration) -> Callable[[E], E]:
    """Decorator attaching ``declaration`` to an endpoint."""

    def attach(endpoint: E) -> E:
        setattr(endpoint, _ATTRIBUTE, declaration)
        return endpoint

    return attach


def declaration_of(endpoint: Callable[..., Any]) -> Declaration | None:
    """The endpoint's declaration; None for an endpoint that has none."""
    found = getattr(endpoint, _ATTRIBUTE, None)
    return found if isinstance(found, Declaration) else None
