"""Scale-out: several server processes and workers on one database, many clients at once.

Bounded in time: each scenario logs for a fixed number of seconds, then reads everything back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.fixtures.databases import fresh_database_url
from tests.runtime.live import LiveServer, running
from tests.scale.load import Client, Outcome, check_read_back, run_load

CLIENT_THREADS = 32
LOAD_SECONDS = 8.0


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("postgresql", str(tmp_path))


def start_replicas(
    stack: ExitStack, tmp_path: Path, uri: str, replicas: int, workers: int
) -> list[LiveServer]:
    # The first replica creates the schema; the others then start on the ready database.
    servers: list[LiveServer] = []
    for i in range(replicas):
        home = tmp_path / f"replica-{i}"
        home.mkdir()
        servers.append(stack.enter_context(running(home, "--workers", str(workers), uri=uri)))
    return servers


def scenario(servers: list[LiveServer]) -> Outcome:
    ports = [s.port for s in servers]
    setup = Client(ports, seed=0)
    experiment_id = setup.call("POST", "/experiments/create", {"name": "scale"})["experiment_id"]
    setup.close()
    outcome = Outcome()
    run_load(ports, experiment_id, CLIENT_THREADS, LOAD_SECONDS, outcome)
    assert outcome.errors == [], outcome.errors[:5]
    assert len(outcome.logged) == CLIENT_THREADS
    assert outcome.requests > CLIENT_THREADS and outcome.searches_across_replicas > 0
    check_read_back(ports, experiment_id, outcome)
    for server in servers:
        log = server.log_text()
        assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    return outcome


@pytest.mark.postgres
def test_three_replicas_share_one_postgres(postgres_url: str, tmp_path: Path) -> None:
    with ExitStack() as stack:
        servers = start_replicas(stack, tmp_path, postgres_url, replicas=3, workers=2)
        scenario(servers)


def test_four_workers_share_one_sqlite_file(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path}/shared.db"
    with ExitStack() as stack:
        servers = start_replicas(stack, tmp_path, uri, replicas=1, workers=4)
        scenario(servers)
