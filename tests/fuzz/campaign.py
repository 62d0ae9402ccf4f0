"""A property-based campaign over every operation of runhub's OpenAPI description.

Schemathesis (on Hypothesis) draws requests for each operation, valid ones and ones that break
the schema (wrong types, missing fields, boundary values, odd unicode); with some probability
the ids of the seeded objects replace the drawn ones. Every response is held to the rules below,
and what breaks one is collected as a :class:`Finding` rather than stopping the campaign, so one
run reports every operation that fails.
"""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

# A capability the configured store lacks (e.g. presigned URLs on a local destination) is
# answered 501 NOT_IMPLEMENTED on purpose; every other 5xx is a finding.
DELIBERATE_5XX = {(501, "NOT_IMPLEMENTED")}


@dataclass(frozen=True)
class Finding:
    operation: str
    mode: str
    problem: str
    request: str

    def __str__(self) -> str:
        return f"{self.operation} [{self.mode}]: {self.problem}\n    {self.request}"


def operations(doc: dict[str, Any]) -> Iterator[Any]:
    """The operations to fuzz: every one, but each ``/ajax-api`` mirror of an ``/api`` route
    only once (they share their handlers)."""
    schema = schemathesis.openapi.from_dict(doc)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/ajax-api/") and (
            "/api/" + operation.path.removeprefix("/ajax-api/") in doc["paths"]
        ):
            continue
        yield operation


def run_campaign(
    base_url: str,
    doc: dict[str, Any],
    known: dict[str, Any],
    examples: int,
    campaign_seed: int,
) -> tuple[list[Finding], int]:
    """Fuzz every operation with ``examples`` valid and ``examples`` invalid requests each;
    the findings and the number of requests sent."""
    session = requests.Session()  # keep-alive, as the stock client: a reset shows as a finding
    findings: list[Finding] = []
    sent = 0
    for operation in operations(doc):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            target = _Target(session, base_url, operation, mode, known, findings)
            with contextlib.suppress(Unsatisfiable):  # nothing to make invalid, e.g. /health
                target.fuzz(examples, campaign_seed)
            if mode is GenerationMode.NEGATIVE and operation.body:
                target.send_raw_bodies()
            sent += target.sent
    return findings, sent


class _Target:
    """One operation in one generation mode."""

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        operation: Any,
        mode: GenerationMode,
        known: dict[str, Any],
        findings: list[Finding],
    ) -> None:
        self.session, self.base_url, self.operation = session, base_url, operation
        self.mode, self.known, self.findings = mode, known, findings
        self.sent = 0

    def fuzz(self, examples: int, campaign_seed: int) -> None:
        try:
            strategy = self.operation.as_strategy(generation_mode=self.mode)
        except Exception as exc:  # the description itself is unusable for this operation
            self._found(f"no strategy: {exc!r}", "")
            return

        @seed(campaign_seed)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, aim=st.randoms(use_true_random=False))
        def probe(case: Any, aim: random.Random) -> None:
            _shape(case, self.known, aim)
            self.sent += 1
            problem = _send_and_check(self.session, self.base_url, case)
            if problem is not None:
                self._found(problem, _describe(case))

        probe()

    def send_raw_bodies(self) -> None:
        """Each of RAW_BODIES as the JSON body of this operation."""
        path = re.sub(r"\{[^}]+\}", "x", self.operation.path)
        for body in RAW_BODIES:
            self.sent += 1
            try:
                response = self.session.request(
                    self.operation.method.upper(),
                    self.base_url + path,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                )
            except requests.RequestException as exc:
                self.session.close()
                self._found(f"no response: {exc!r}", f"raw body {body[:60]!r}")
                continue
            problem = _check(response, path)
            if problem is not None:
                self._found(problem, f"{self.operation.method.upper()} {path} raw {body[:60]!r}")

    def _found(self, problem: str, request: str) -> None:
        self.findings.append(Finding(self.operation.label, self.mode.name, problem, request))


def _nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


# Values no schema draws but attackers and broken clients send: lone surrogates, integers past
# int64, overflowing doubles, paths past the file system's limits, traversal, deep nesting.
HOSTILE: list[Any] = [
    "\ud800",
    "a\udfffb",
    "\x00",
    "\u202e\ufeff",
    "x" * 300,
    "/".join(["y" * 200] * 30),
    "../../../../etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc",
    2**63,
    -(2**63) - 1,
    2**64 + 1,
    -0.0,
    "NaN",
    "-Infinity",
    "9" * 40,
    _nested(60),
    {"": {"": {"": None}}},
]
# Whole bodies that are not a JSON object a client would send.
RAW_BODIES: list[bytes] = [
    b'{"name": ',
    b"\xff\xfe{}",
    b"[1, 2, 3]",
    b'"{\\"name\\": 5}"',
    b'{"a": NaN, "b": -Infinity}',
    b'{"a": "\\ud800"}',
    b"[" * 3000 + b"]" * 3000,
    b'{"a": 1e999999}',
    b"null",
]


def _shape(case: Any, known: dict[str, Any], aim: random.Random) -> None:
    """Swap in seeded ids (often) and hostile values (sometimes) for the drawn ones."""
    containers = [case.path_parameters, case.query]
    if isinstance(case.body, dict):
        containers.append(case.body)
    for container in containers:
        if not container:
            continue
        for key in list(container):
            roll = aim.random()
            if key in known and roll < 0.6:
                container[key] = known[key]
            elif roll > 0.9:
                value = aim.choice(HOSTILE)
                if container is case.path_parameters:
                    value = str(value)  # a path holds text only
                container[key] = value


def _send_and_check(session: requests.Session, base_url: str, case: Any) -> str | None:
    try:
        response = case.call(base_url=base_url, session=session, timeout=60)
    except (requests.exceptions.InvalidJSONError, TypeError, ValueError, UnicodeError):
        return None  # the drawn case cannot be put on the wire at all: nothing was sent
    except requests.RequestException as exc:
        session.close()  # start clean for the next request
        return f"no response (connection reset or closed): {exc!r}"
    return _check(response, case.operation.path)


def _check(response: requests.Response, path: str) -> str | None:
    status = response.status_code
    if response.headers.get("connection", "").lower() == "close":
        return f"{status} closed the keep-alive connection"
    error_code = None
    if status >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        well_formed = (
            isinstance(body, dict)
            and isinstance(body.get("error_code"), str)
            and isinstance(body.get("message"), str)
        )
        if well_formed:
            error_code = body["error_code"]
        elif path.startswith(("/api/", "/ajax-api/")):
            return f"{status} error body breaks the MLflow shape: {response.text[:200]!r}"
    if status >= 500 and (status, error_code) not in DELIBERATE_5XX:
        return f"{status}: {response.text[:300]!r}"
    return None


def _describe(case: Any) -> str:
    body = repr(case.body)[:400]
    return (
        f"{case.method} {case.formatted_path} query={case.query!r} body={body} "
        f"headers={case.headers!r}"
    )
