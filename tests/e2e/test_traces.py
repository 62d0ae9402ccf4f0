"""Traces: the per-experiment list with filters, and one trace's span tree and assessments."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from .conftest import screenshot

# The first trace of a process carries start-up time; the one the test opens comes second.
QUESTIONS = {"math": "What is 7 * 6?", "weather": "Will it rain in Oslo?"}


@dataclass
class Traced:
    experiment_id: str
    traces: dict[str, str] = field(default_factory=dict)  # topic → trace id


def _log_traces(experiment_id: str) -> dict[str, str]:
    import mlflow

    @mlflow.trace(span_type="RETRIEVER")
    def retrieve(question: str) -> list[str]:
        time.sleep(0.008)
        return [f"doc about {question.split()[-1]}"]

    @mlflow.trace(span_type="LLM")
    def generate(question: str, docs: list[str]) -> str:
        time.sleep(0.02)
        if "rain" not in question and "7" not in question:
            raise ValueError("the model refused")
        return f"Answer to '{question}' from {len(docs)} document(s)"

    @mlflow.trace(name="agent", span_type="AGENT")
    def agent(question: str, topic: str) -> str:
        mlflow.update_current_trace(tags={"topic": topic})
        return generate(question, retrieve(question))

    ids = {}
    for topic, question in QUESTIONS.items():
        agent(question, topic)
        ids[topic] = mlflow.get_last_active_trace_id()
    with pytest.raises(ValueError):
        agent("Tell me a secret", "refusal")
    ids["refusal"] = mlflow.get_last_active_trace_id()
    mlflow.flush_trace_async_logging()
    return ids


@pytest.fixture(scope="module")
def traced(server_url: str, client: Any) -> Traced:
    """Three traces of a small agent (two answered, one failed) and feedback on one of them."""
    import mlflow

    experiment_id = client.create_experiment("support-agent")
    mlflow.set_tracking_uri(server_url)
    mlflow.set_experiment(experiment_id=experiment_id)
    traced = Traced(experiment_id, _log_traces(experiment_id))
    mlflow.log_feedback(
        trace_id=traced.traces["weather"],
        name="correct",
        value=True,
        rationale="Cites the forecast document",
    )
    deadline = time.monotonic() + 30
    while len(client.search_traces(locations=[experiment_id])) < len(traced.traces):
        assert time.monotonic() < deadline, "the traces never arrived"
        time.sleep(0.2)
    return traced


def test_traces_list_filters(page: Any, traced: Traced) -> None:
    page.goto(f"/experiments/{traced.experiment_id}")
    page.get_by_role("link", name="Traces").click()
    table = page.get_by_role("table", name="Traces")
    rows = table.locator("tbody tr")
    page.get_by_test_id("trace-count").filter(has_text="3 traces").wait_for()
    assert "Will it rain in Oslo?" in table.inner_text()
    screenshot(page, "traces")

    page.get_by_label("Trace status").select_option("ERROR")
    page.get_by_test_id("trace-count").filter(has_text="1 traces").wait_for()
    assert "Tell me a secret" in rows.first.inner_text()
    page.get_by_label("Trace status").select_option("")

    page.get_by_label("Filter traces").fill("tags.topic = 'math'")
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("trace-count").filter(has_text="1 traces").wait_for()
    assert "What is 7 * 6?" in rows.first.inner_text()

    page.get_by_label("Filter traces").fill("tags.topic = = 'x'")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("alert").wait_for()


def test_trace_view(page: Any, traced: Traced) -> None:
    trace_id = traced.traces["weather"]
    page.goto(f"/experiments/{traced.experiment_id}/traces")
    page.get_by_role("link", name=trace_id[:14]).click()
    page.get_by_role("heading", name="agent", level=1).wait_for()
    tree = page.get_by_role("tree", name="Spans")
    items = tree.get_by_role("treeitem")
    items.nth(2).wait_for()
    assert [items.nth(i).get_attribute("data-span-name") for i in range(3)] == [
        "agent",
        "retrieve",
        "generate",
    ]
    assert items.nth(1).get_attribute("aria-level") == "2"

    tree.get_by_role("button", name="generate", exact=True).click()
    details = page.get_by_role("region", name="Span details")
    details.get_by_role("heading", name="generate").wait_for()
    assert "Will it rain in Oslo?" in page.get_by_test_id("span-inputs").inner_text()
    assert "from 1 document(s)" in page.get_by_test_id("span-outputs").inner_text()
    assessments = page.get_by_role("table", name="Assessments")
    assert "correct" in assessments.inner_text()
    assert "Cites the forecast document" in assessments.inner_text()
    screenshot(page, "trace")

    page.get_by_role("button", name="Collapse agent").click()
    assert items.count() == 1
