"""The property-based fuzzer: every operation of the OpenAPI description against a live server,
on SQLite and PostgreSQL, then a read sweep of whatever it stored.

A bounded profile runs in the test suite; a longer one is
``RUNHUB_FUZZ_EXAMPLES=100 .venv/bin/python -m pytest tests/fuzz -p no:xdist``. A failing run
prints its seed; ``RUNHUB_FUZZ_SEED=<seed>`` replays the same requests.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.fixtures.databases import fresh_database_url
from tests.runtime.live import LiveServer, start, stop

from .campaign import run_campaign
from .seed import seed
from .sweep import sweep

EXAMPLES = int(os.environ.get("RUNHUB_FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("RUNHUB_FUZZ_SEED", str(random.randrange(2**32))))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "file"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    if request.param == "file":  # an mlruns directory: tracking only, the rest answers 501
        live = start(tmp_path, uri=str(tmp_path / "mlruns"))
        try:
            yield live
        finally:
            stop(live)
        return
    for url in fresh_database_url(request.param, str(tmp_path)):
        live = start(tmp_path, uri=url)
        try:
            yield live
        finally:
            stop(live)


def test_no_operation_fails_under_fuzzing(server: LiveServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    session = requests.Session()
    doc = session.get(base + "/api/openapi.json", timeout=30).json()
    known = seed(base, session)
    findings, sent = run_campaign(base, doc, known, EXAMPLES, SEED)
    failed_reads, reads = sweep(base)
    log = server.log_text()
    # One example per operation and kind of problem; the count says how often it happened.
    distinct: dict[tuple[str, str], list[object]] = {}
    for finding in findings:
        distinct.setdefault((finding.operation, finding.problem[:60]), []).append(finding)
    report = "\n".join(f"{len(same)}x {same[0]}" for same in list(distinct.values())[:40])
    assert not findings, (
        f"{len(findings)} findings in {sent} requests (RUNHUB_FUZZ_SEED={SEED}):\n{report}\n"
        f"server log tail:\n{log[-3000:]}"
    )
    assert not failed_reads, (
        f"stored data fails to read back ({len(failed_reads)} of {reads} reads, "
        f"RUNHUB_FUZZ_SEED={SEED}):\n" + "\n".join(failed_reads[:40])
    )
    assert "Traceback" not in log, log[-5000:]
    assert sent > 0 and reads > 0
