"""Registry reads at scale: one registered model with many versions (default 10,000).

    python bench/registry.py                        # runhub and MLflow, 10,000 versions
    python bench/registry.py --only runhub --versions 2000 --reps 20
    python bench/registry.py --only runhub --read "list all" --no-results-md   # one read only

Seeds one experiment, one run and one registered model through the REST API, then registers
``--versions`` versions of it (source ``runs:/<run>/model``, one tag each) with 4 client threads,
points the alias ``champion`` at the middle version and moves every 1,000th version to
Production. Then it times each read below ``--reps`` times on one keep-alive connection and
prints p50/p95 per server as a Markdown table (the target is p50 <= 50 ms), which also replaces
this script's section of ``bench/RESULTS.md`` (unless ``--no-results-md``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import API, Client, create_experiment, now_ms, run_parallel, summarize
from sections import load_average, write_section
from servers import SERVER_NAMES, server_available, start_server, stop_server

MODEL = "bench-model"
TARGET_P50_MS = 50.0


def _seed(client: Client, host: str, port: int, versions: int) -> tuple[str, float]:
    exp_id = create_experiment(client, f"registry-{time.time_ns()}")
    run_id = client.post(f"{API}/runs/create", {"experiment_id": exp_id, "start_time": now_ms()})
    run = run_id.json()["run"]["info"]["run_id"]
    client.post(f"{API}/registered-models/create", {"name": MODEL})

    def register(c: Client, i: int) -> int:
        body = {
            "name": MODEL,
            "source": f"runs:/{run}/model",
            "run_id": run,
            "tags": [{"key": "shard", "value": str(i % 10)}],
        }
        c.post(f"{API}/model-versions/create", body)
        return 1

    started = time.perf_counter()
    report = run_parallel(host, port, 4, range(versions), register, time_limit_s=3600)
    if report.errors:
        raise RuntimeError(report.errors[0])
    seeded_s = time.perf_counter() - started
    middle = str(versions // 2)
    client.post(
        f"{API}/registered-models/alias", {"name": MODEL, "alias": "champion", "version": middle}
    )
    for v in range(1000, versions + 1, 1000):
        client.post(
            f"{API}/model-versions/transition-stage",
            {
                "name": MODEL,
                "version": str(v),
                "stage": "Production",
                "archive_existing_versions": False,
            },
        )
    return run, seeded_s


def _reads(run_id: str, versions: int) -> dict[str, Callable[[Client], Any]]:
    name_filter = f"name = '{MODEL}'"
    return {
        "get registered model (latest per stage, aliases)": lambda c: c.get(
            f"{API}/registered-models/get", [("name", MODEL)]
        ),
        "resolve alias (registered-models/alias)": lambda c: c.get(
            f"{API}/registered-models/alias", [("name", MODEL), ("alias", "champion")]
        ),
        "get one version": lambda c: c.get(
            f"{API}/model-versions/get", [("name", MODEL), ("version", str(versions // 3))]
        ),
        "get-download-uri": lambda c: c.get(
            f"{API}/model-versions/get-download-uri",
            [("name", MODEL), ("version", str(versions // 3))],
        ),
        "get-latest-versions (Production)": lambda c: c.post(
            f"{API}/registered-models/get-latest-versions",
            {"name": MODEL, "stages": ["Production"]},
        ),
        "search_registered_models (client default)": lambda c: c.get(
            f"{API}/registered-models/search",
            [("filter", "tag.`mlflow.prompt.is_prompt` != 'true'"), ("max_results", "100")],
        ),
        "list versions, first page of 100": lambda c: c.get(
            f"{API}/model-versions/search", [("filter", name_filter), ("max_results", "100")]
        ),
        "search versions: tag + version range, 100": lambda c: c.get(
            f"{API}/model-versions/search",
            [
                ("filter", f"{name_filter} AND tags.shard = '3' AND version_number > 5000"),
                ("max_results", "100"),
                ("order_by", "version_number DESC"),
            ],
        ),
        "search versions by run_id, 100": lambda c: c.get(
            f"{API}/model-versions/search",
            [("filter", f"run_id = '{run_id}'"), ("max_results", "100")],
        ),
        f"list all {versions} versions (max_results=10000)": lambda c: c.get(
            f"{API}/model-versions/search", [("filter", name_filter), ("max_results", "10000")]
        ),
    }


def measure(name: str, versions: int, reps: int, only_read: str | None = None) -> dict[str, Any]:
    server = start_server(name)
    try:
        client = Client(server.host, server.port)
        run_id, seeded_s = _seed(client, server.host, server.port, versions)
        results: dict[str, Any] = {"seed_s": seeded_s}
        for label, read in _reads(run_id, versions).items():
            if only_read is not None and only_read not in label:
                continue
            read(client)  # warm-up
            latencies = [read(client).elapsed_ns for _ in range(reps)]
            results[label] = summarize(latencies)
        client.close()
        return results
    finally:
        stop_server(server)


BEGIN, END = "<!-- registry:begin -->", "<!-- registry:end -->"


def render(results: dict[str, dict[str, Any]], args: argparse.Namespace, loads: str) -> str:
    """The RESULTS.md section: what was run, the table, and the seeding times."""
    servers = list(results)
    command = "python bench/registry.py" + (f" --only {args.only}" if args.only else "")
    if args.versions != 10_000 or args.reps != 30:
        command += f" --versions {args.versions} --reps {args.reps}"
    if args.read:
        command += f' --read "{args.read}"'
    lines = [
        f"## Model registry: one registered model with {args.versions:,} versions",
        "",
        f"Measured {time.strftime('%Y-%m-%dT%H:%M', time.gmtime())} UTC with:",
        "",
        "```",
        command,
        "```",
        "",
        "Each server is started fresh (SQLite, one worker). The bench registers the versions over "
        "HTTP with 4 client threads (source `runs:/<run>/model`, one tag each), sets an alias on "
        "the middle version and moves every 1,000th version to Production, then times each read "
        f"{args.reps} times on one keep-alive connection. Target: p50 <= {TARGET_P50_MS:.0f} ms.",
        "",
        "| read | " + " | ".join(f"{s} p50 / p95 (ms)" for s in servers) + " | runhub target |",
        "|---|" + "---:|" * len(servers) + "---|",
    ]
    labels = [k for k in next(iter(results.values())) if k != "seed_s"] if servers else []
    for label in labels:
        cells = [
            f"{results[s][label]['p50_ms']:.1f} / {results[s][label]['p95_ms']:.1f}"
            for s in servers
        ]
        runhub = results.get("runhub", {}).get(label)
        verdict = (
            "n/a"
            if runhub is None
            else ("met" if runhub["p50_ms"] <= TARGET_P50_MS else "**missed**")
        )
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {verdict} |")
    lines.append("")
    for s in servers:
        lines.append(
            f"- {s}: registering {args.versions:,} versions took {results[s]['seed_s']:.1f} s"
        )
    lines.append(f"- load average before/after: {loads}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=SERVER_NAMES)
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument(
        "--read", help="time only the reads whose label contains this text (e.g. 'list all')"
    )
    parser.add_argument("--no-results-md", action="store_true", help="print the table only")
    args = parser.parse_args()
    if args.read and not args.no_results_md:
        parser.error("--read measures part of the section: add --no-results-md")
    names = [args.only] if args.only else list(SERVER_NAMES)
    results: dict[str, dict[str, Any]] = {}
    before = load_average()
    for name in names:
        ok, why = server_available(name)
        if not ok:
            print(f"skipping {name}: {why}", file=sys.stderr)
            continue
        print(f"{name}: seeding {args.versions} versions...", file=sys.stderr)
        results[name] = measure(name, args.versions, args.reps, args.read)
    text = render(results, args, f"{before} / {load_average()}")
    print(text)
    if not args.no_results_md:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
