"""MLflow's UI links (``/#/experiments/1/runs/<id>``) open the matching runhub page.

The run and experiment links are the ones the stock client prints when a run ends.
"""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

RUN_NAME = "printed-link-run"
PROMPT = "printed-link-prompt"


def land(page: Any, target: str) -> None:
    """Wait until the page shows runhub's ``target`` (path and query), the hash link gone."""
    # Polled in the page: the redirect replaces history state, which may come and go before
    # a navigation listener is in place.
    page.wait_for_function(
        "target => !location.hash && location.pathname + location.search === target", arg=target
    )


@dataclass
class Printed:
    experiment_id: str
    run_ids: list[str]
    run_url: str
    experiment_url: str


@pytest.fixture(scope="module")
def printed(client: Any) -> Printed:
    """Two finished runs in a new experiment, the links printed for the first, and a prompt."""
    experiment_id = client.create_experiment("printed-links")
    run_ids = []
    out = io.StringIO()
    for index, name in enumerate([RUN_NAME, "printed-link-other"]):
        run = client.create_run(experiment_id, run_name=name)
        client.log_metric(run.info.run_id, "acc", 0.5 + index / 10)
        with redirect_stdout(out):
            client.set_terminated(run.info.run_id)
        run_ids.append(run.info.run_id)
    client.register_prompt(PROMPT, "Hi {{name}}!")
    text = out.getvalue()
    run_url = re.search(rf"View run {RUN_NAME} at: (\S+)", text)
    experiment_url = re.search(r"View experiment at: (\S+)", text)
    assert run_url and experiment_url, f"the client printed no links: {text!r}"
    return Printed(experiment_id, run_ids, run_url.group(1), experiment_url.group(1))


def test_printed_run_link_opens_the_run(page: Any, printed: Printed) -> None:
    assert "/#/experiments/" in printed.run_url
    page.goto(printed.run_url)
    land(page, f"/experiments/{printed.experiment_id}/runs/{printed.run_ids[0]}")
    page.get_by_role("heading", name=RUN_NAME).wait_for()
    assert "#" not in page.url
    # The redirect replaced the hash URL: going back leaves, it does not bounce through it again.
    page.go_back()
    assert "#/" not in page.url


def test_printed_experiment_link_opens_the_runs_table(page: Any, printed: Printed) -> None:
    page.goto(printed.experiment_url)
    land(page, f"/experiments/{printed.experiment_id}")
    page.get_by_role("heading", name="printed-links").wait_for()
    page.get_by_role("link", name=RUN_NAME).wait_for()


def test_mlflow_ui_forms(page: Any, printed: Printed, server_url: str) -> None:
    exp, (first, second) = printed.experiment_id, printed.run_ids
    runs = quote(json.dumps([first, second]))
    page.goto(f"{server_url}/#/compare-runs?runs={runs}&experiments=[%22{exp}%22]")
    land(page, f"/compare?exp={exp}&runs={first}%2C{second}")
    page.get_by_role("heading", name="Compare 2 runs").wait_for()

    page.goto(f"{server_url}/#/experiments/{exp}/runs/{first}/artifactPath/model/MLmodel")
    land(page, f"/experiments/{exp}/runs/{first}")
    page.get_by_role("heading", name=RUN_NAME).wait_for()

    page.goto(f"{server_url}/#/experiments/{exp}?searchFilter=metrics.acc%20%3E%200.55")
    land(page, f"/experiments/{exp}?filter=metrics.acc+%3E+0.55")
    assert page.get_by_label("Filter runs").input_value() == "metrics.acc > 0.55"
    page.get_by_role("link", name="printed-link-other").wait_for()
    assert page.get_by_role("link", name=RUN_NAME).count() == 0

    page.goto(f"{server_url}/#/models/no-such-model/versions/1")
    land(page, "/models/no-such-model/versions/1")

    page.goto(f"{server_url}/#/prompts/{PROMPT}?promptVersion=1")
    land(page, f"/prompts/{PROMPT}?v=1")
    page.get_by_role("heading", name=PROMPT).wait_for()

    # Pages runhub does not have land on the experiments list, without an error.
    page.goto(f"{server_url}/#/experiments/{exp}/judges")
    land(page, f"/experiments/{exp}")
    page.goto(f"{server_url}/#/gateway")
    land(page, "/experiments")
    page.get_by_role("heading", name="Experiments").wait_for()


def test_link_pasted_into_an_open_tab(page: Any, printed: Printed) -> None:
    page.goto("/experiments")
    page.get_by_role("heading", name="Experiments").wait_for()
    page.evaluate(
        "([exp, run]) => { location.hash = `#/experiments/${exp}/runs/${run}`; }",
        [printed.experiment_id, printed.run_ids[1]],
    )
    land(page, f"/experiments/{printed.experiment_id}/runs/{printed.run_ids[1]}")
    page.get_by_role("heading", name="printed-link-other").wait_for()
