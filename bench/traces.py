"""Trace benchmarks: OTLP span ingest from concurrent clients, and search_traces at scale.

    .venv/bin/python bench/traces.py                     # both workloads, runhub and MLflow
    .venv/bin/python bench/traces.py --only runhub --quick
    .venv/bin/python bench/traces.py --results-md        # also (re)write the traces section
                                                         # of bench/RESULTS.md

1. ``ingest``: ``--clients`` threads (default 8), each with its own keep-alive connection, post
   OTLP requests of one trace with ``--spans`` spans (default 10) to ``POST /v1/traces`` for
   ``--seconds``; afterwards the spans in the server's SQLite file are counted, so any loss
   shows. Target (runhub, SQLite): ≥ 1,000 spans/s sustained, zero errors, zero loss.
2. ``search``: ``--traces`` traces (default 100,000; MLflow ``--mlflow-traces``, default 5,000)
   are seeded in one experiment over OTLP (500 one-span traces per request), then each filter
   is searched ``--repeat`` times (at most 30 s once 3 samples are in) for its first page of
   100. Target: p50 ≤ 100 ms filtered.

Bodies are protobuf when ``opentelemetry-proto`` is importable (as the mlflow client sends),
OTLP/JSON otherwise; the results say which. Results go to ``bench/out/traces-<stamp>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import Client, create_experiment, summarize
from servers import BENCH_DIR, start_server, stop_server, tree_rss_mb

try:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    ENCODING = "protobuf"
except ImportError:  # pragma: no cover - plain interpreters send OTLP/JSON
    ENCODING = "json"

NS = 1_000_000
# Each filter is searched --repeat times, but for at most this long once 3 samples are in.
SEARCH_SECONDS_PER_FILTER = 30.0
SECTION_BEGIN = "<!-- traces:begin -->"
SECTION_END = "<!-- traces:end -->"
FILTERS = {
    "none (newest first)": "",
    "status = 'ERROR' (10%)": "trace.status = 'ERROR'",
    "span attribute (1%)": "span.attributes.model = 'model-7'",
    "tag + time window": "tags.`mlflow.trace.spansLocation` = 'TRACKING_STORE' "
    "AND trace.timestamp_ms > {mid}",
    "execution_time_ms > 900 (10%)": "trace.execution_time_ms > 900",
}


def otlp_body(traces: list[list[dict[str, Any]]]) -> tuple[bytes, str]:
    """An export request holding ``traces`` (lists of span dicts), and its content type."""
    if ENCODING == "protobuf":
        request = ExportTraceServiceRequest()
        scope = request.resource_spans.add().scope_spans.add()
        for spans in traces:
            for s in spans:
                span = scope.spans.add()
                span.trace_id = bytes.fromhex(s["trace"])
                span.span_id = bytes.fromhex(s["span"])
                if s["parent"]:
                    span.parent_span_id = bytes.fromhex(s["parent"])
                span.name = s["name"]
                span.start_time_unix_nano = s["start"]
                span.end_time_unix_nano = s["end"]
                span.status.code = 2 if s["error"] else 1
                for key, value in s["attributes"].items():
                    attr = span.attributes.add()
                    attr.key = key
                    attr.value.string_value = value
        return request.SerializeToString(), "application/x-protobuf"
    spans_json = [
        {
            "traceId": s["trace"],
            "spanId": s["span"],
            **({"parentSpanId": s["parent"]} if s["parent"] else {}),
            "name": s["name"],
            "startTimeUnixNano": str(s["start"]),
            "endTimeUnixNano": str(s["end"]),
            "status": {"code": 2 if s["error"] else 1},
            "attributes": [
                {"key": k, "value": {"stringValue": v}} for k, v in s["attributes"].items()
            ],
        }
        for spans in traces
        for s in spans
    ]
    body = {"resourceSpans": [{"scopeSpans": [{"spans": spans_json}]}]}
    return json.dumps(body).encode(), "application/json"


def make_trace(rng: random.Random, n_spans: int, start_ms: int) -> list[dict[str, Any]]:
    """One trace shaped like an LLM app call: a root and ``n_spans - 1`` children."""
    trace = f"{rng.getrandbits(128):032x}"
    root = f"{rng.getrandbits(64):016x}"
    duration_ms = rng.randint(1, 1000)
    spans = [
        {
            "trace": trace,
            "span": root,
            "parent": None,
            "name": "chain",
            "start": start_ms * NS,
            "end": (start_ms + duration_ms) * NS,
            "error": rng.random() < 0.1,
            "attributes": {
                "mlflow.spanType": "CHAIN",
                "mlflow.spanInputs": json.dumps({"question": f"q{rng.randint(0, 10**6)}"}),
                "mlflow.spanOutputs": json.dumps({"answer": "x" * 40}),
                "model": f"model-{rng.randint(0, 99)}",
            },
        }
    ]
    for i in range(n_spans - 1):
        spans.append(
            {
                "trace": trace,
                "span": f"{rng.getrandbits(64):016x}",
                "parent": root,
                "name": f"step-{i}",
                "start": (start_ms + i) * NS,
                "end": (start_ms + i + 1) * NS,
                "error": False,
                "attributes": {"mlflow.spanType": "LLM" if i % 2 else "TOOL", "i": str(i)},
            }
        )
    return spans


class OtlpSender:
    """One keep-alive connection posting OTLP bodies."""

    def __init__(self, host: str, port: int, experiment_id: str) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=600)
        self.experiment_id = experiment_id

    def send(self, body: bytes, content_type: str) -> tuple[int, int]:
        """(status, latency ns) of one post."""
        headers = {"Content-Type": content_type, "x-mlflow-experiment-id": self.experiment_id}
        start = time.perf_counter_ns()
        self.conn.request("POST", "/v1/traces", body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        return response.status, time.perf_counter_ns() - start


def count_spans(db: Path, experiment_id: str) -> int:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM spans").fetchone()
    return int(rows[0])


def ingest(server: Any, clients: int, n_spans: int, seconds: float) -> dict[str, Any]:
    control = Client(server.host, server.port)
    experiment_id = create_experiment(control, "ingest")
    control.close()
    lock = threading.Lock()
    latencies: list[int] = []
    sent_spans = 0
    errors: list[str] = []

    # Bodies are encoded before the clock starts (enough for 4,000 spans/s), so the bench
    # client's own CPU use does not throttle the server on a small machine.
    per_thread = int(seconds * 4000 / n_spans / clients) + 10
    base_ms = int(time.time() * 1000)
    bodies = [
        [otlp_body([make_trace(rng, n_spans, base_ms + i)]) for i in range(per_thread)]
        for rng in (random.Random(seed) for seed in range(clients))
    ]
    deadline = time.monotonic() + seconds

    def worker(seed: int) -> None:
        nonlocal sent_spans
        rng = random.Random(seed)
        sender = OtlpSender(server.host, server.port, experiment_id)
        local: list[int] = []
        local_spans = 0
        ready = iter(bodies[seed])
        try:
            while time.monotonic() < deadline:
                body, content_type = next(ready, None) or otlp_body(
                    [make_trace(rng, n_spans, int(time.time() * 1000))]
                )
                status, elapsed = sender.send(body, content_type)
                if status != 200:
                    with lock:
                        errors.append(f"HTTP {status}")
                    continue
                local.append(elapsed)
                local_spans += n_spans
        except Exception as exc:
            with lock:
                errors.append(repr(exc)[:200])
        finally:
            sender.conn.close()
            with lock:
                latencies.extend(local)
                sent_spans += local_spans

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    stored = count_spans(server.workdir / "db.sqlite", experiment_id)
    return {
        "clients": clients,
        "spans_per_request": n_spans,
        "seconds": elapsed,
        "spans_sent": sent_spans,
        "spans_stored": stored,
        "spans_per_s": sent_spans / elapsed,
        "errors": errors[:10],
        "error_count": len(errors),
        "request_latency": summarize(latencies),
        "rss_mb_after": tree_rss_mb(server.pid),
    }


def seed_traces(server: Any, n_traces: int) -> tuple[str, int, float]:
    """``n_traces`` one-span traces, one ms apart, over OTLP; (experiment id, mid ms, s)."""
    control = Client(server.host, server.port)
    experiment_id = create_experiment(control, "search")
    control.close()
    rng = random.Random(7)
    base = int(time.time() * 1000) - n_traces
    sender = OtlpSender(server.host, server.port, experiment_id)
    start = time.perf_counter()
    for first in range(0, n_traces, 500):
        batch = [make_trace(rng, 1, base + i) for i in range(first, min(first + 500, n_traces))]
        status, _ = sender.send(*otlp_body(batch))
        if status != 200:
            raise RuntimeError(f"seeding failed with HTTP {status}")
    sender.conn.close()
    return experiment_id, base + n_traces // 2, time.perf_counter() - start


def search(server: Any, n_traces: int, repeat: int) -> dict[str, Any]:
    experiment_id, mid, seed_s = seed_traces(server, n_traces)
    client = Client(server.host, server.port)
    location = [
        {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": experiment_id}}
    ]
    results: dict[str, Any] = {}
    for label, template in FILTERS.items():
        body = {"locations": location, "max_results": 100, "filter": template.format(mid=mid)}
        latencies, found = [], 0
        stop = time.monotonic() + SEARCH_SECONDS_PER_FILTER
        for i in range(repeat):
            if i >= 3 and time.monotonic() > stop:
                break
            reply = client.post("/api/3.0/mlflow/traces/search", body)
            latencies.append(reply.elapsed_ns)
            found = len(reply.json().get("traces", []))
        results[label] = {"returned": found, **summarize(latencies)}
    client.close()
    return {"traces": n_traces, "seed_s": seed_s, "filters": results}


def markdown(result: dict[str, Any], command: str) -> str:
    lines = [
        SECTION_BEGIN,
        "## Traces: OTLP ingest and search_traces",
        "",
        f"Measured by `bench/traces.py` ({result['encoding']} OTLP bodies) on "
        f"{result['date']} ({os.cpu_count()} cores):",
        "",
        "```",
        command,
        "```",
        "",
        "| ingest | " + " | ".join(result["servers"]) + " | target |",
        "|---|" + "---:|" * len(result["servers"]) + "---|",
    ]
    ingest_rows = [
        ("spans/s sustained", lambda r: f"{r['spans_per_s']:,.0f}", "≥ 1,000"),
        (
            "spans sent / stored",
            lambda r: f"{r['spans_sent']:,} / {r['spans_stored']:,}",
            "no loss",
        ),
        ("errors", lambda r: str(r["error_count"]), "0"),
        ("request p50 / p99", lambda r: _p(r["request_latency"]), ""),
        ("RSS after", lambda r: f"{r['rss_mb_after']:.0f} MB", ""),
    ]
    for label, cell, target in ingest_rows:
        cells = [
            cell(result["servers"][s]["ingest"]) if "ingest" in result["servers"][s] else "n/a"
            for s in result["servers"]
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    lines += ["", "| search, first page of 100 (p50 / p99) | "]
    lines[-1] += " | ".join(
        f"{s} ({result['servers'][s].get('search', {}).get('traces', 0):,} traces)"
        for s in result["servers"]
    )
    lines[-1] += " | target |"
    lines.append("|---|" + "---:|" * len(result["servers"]) + "---|")
    for label in FILTERS:
        cells = []
        for s in result["servers"]:
            found = result["servers"][s].get("search", {}).get("filters", {}).get(label)
            cells.append(f"{_p(found)} ({found['returned']} rows)" if found else "n/a")
        lines.append(f"| {label} | " + " | ".join(cells) + " | p50 ≤ 100 ms |")
    lines.append("")
    if "mlflow" in result["servers"]:
        lines.append(
            "- MLflow compares `span.attributes.<key>` with LIKE over the span JSON, so its "
            "`=` finds no rows; its time there is a scan of every span."
        )
    for s, r in result["servers"].items():
        if "from" in r:
            lines.append(f"- {s}: figures from the earlier run {r['from']}")
        if "error" in r:
            lines.append(f"- {s}: failed: {r['error'][:300]}")
        if "search" in r:
            lines.append(
                f"- {s}: seeded {r['search']['traces']:,} traces in {r['search']['seed_s']:.1f} s"
            )
    lines += ["", SECTION_END]
    return "\n".join(lines) + "\n"


def _p(summary: dict[str, Any]) -> str:
    return f"{summary['p50_ms']:.1f} / {summary['p99_ms']:.1f} ms"


def write_section(text: str) -> None:
    path = BENCH_DIR / "RESULTS.md"
    current = path.read_text() if path.exists() else ""
    if SECTION_BEGIN in current and SECTION_END in current:
        head, rest = current.split(SECTION_BEGIN, 1)
        tail = rest.split(SECTION_END, 1)[1]
        current = head + text.rstrip("\n") + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current)


def _reuse_other_server(result: dict[str, Any], out: Path) -> None:
    """With ``--only``, show the other server from the newest earlier run that measured it."""
    for path in sorted(out.glob("traces-*.json"), reverse=True):
        earlier = json.loads(path.read_text())
        for name, entry in earlier.get("servers", {}).items():
            if name not in result["servers"] and "error" not in entry:
                result["servers"][name] = {**entry, "from": f"{path.name} ({earlier['date']})"}
        if len(result["servers"]) == 2:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("runhub", "mlflow"))
    parser.add_argument("--workloads", default="ingest,search")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--spans", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--traces", type=int, default=100_000)
    parser.add_argument("--mlflow-traces", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="10 s ingest, 10,000 traces")
    parser.add_argument("--results-md", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.traces, args.mlflow_traces, args.repeat = 10.0, 10_000, 2_000, 10
    names = [args.only] if args.only else ["runhub", "mlflow"]
    out = BENCH_DIR / "out"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    workloads = args.workloads.split(",")
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "encoding": ENCODING,
        "servers": {},
    }
    for name in names:
        entry: dict[str, Any] = {}
        result["servers"][name] = entry
        for workload in workloads:
            try:
                server = start_server(name)
            except Exception as exc:
                entry["error"] = repr(exc)
                break
            try:
                if workload == "ingest":
                    entry["ingest"] = ingest(server, args.clients, args.spans, args.seconds)
                elif workload == "search":
                    n = args.traces if name == "runhub" else args.mlflow_traces
                    entry["search"] = search(server, n, args.repeat)
                print(name, workload, json.dumps(entry.get(workload), indent=1)[:2000])
                (out / f"traces-{stamp}.json").write_text(json.dumps(result, indent=1))
            except Exception as exc:
                entry["error"] = f"{workload}: {exc!r}"
            finally:
                stop_server(server)
    (out / f"traces-{stamp}.json").write_text(json.dumps(result, indent=1))
    if args.only:
        _reuse_other_server(result, out)
    command = ".venv/bin/python bench/traces.py " + " ".join(sys.argv[1:])
    text = markdown(result, command.strip())
    print(text)
    if args.results_md:
        write_section(text)


if __name__ == "__main__":
    main()
