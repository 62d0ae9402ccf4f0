"""Web UI timings measured in a real browser (headless Debian Chromium driven by Playwright).

1. Time to first rows: open the runs table of an experiment with 100,000 runs (default order,
   and sorted by a metric column) until the first row is on screen; then scroll to the bottom of
   the first page until the next page's rows arrive.
2. Time to draw a comparison: open the compare page for 100 runs of 10,000 steps each until the
   chart has drawn all 100 series with their points (histories sampled on the server, ≤ 100 runs
   per call; the chart's ``data-points`` counts the points drawn, so empty series do not count).

Both are measured from navigation start (``performance.now()`` in the page), so they include
loading the app, the API calls and rendering. Data is seeded through the REST API.

    .venv/bin/python bench/ui.py                 # full sizes, prints a Markdown section
    .venv/bin/python bench/ui.py --runs 2000 --steps 1000   # a quick check
    .venv/bin/python bench/ui.py --record        # also write its section of bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import (
    API,
    Client,
    create_experiment,
    create_run,
    log_batch_body,
    now_ms,
    run_parallel,
)
from sections import load_average, write_section
from servers import start_server, stop_server, tree_rss_mb

CHROMIUM = os.environ.get("RUNHUB_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BEGIN, END = "<!-- ui:begin -->", "<!-- ui:end -->"
OUT = Path(__file__).resolve().parent / "out"
SEED_TIME_LIMIT_S = 1800.0

# Records when the first run row and the rows after the first page appear.
ROW_WATCH = """
window.__rows = {};
new MutationObserver(() => {
  const rows = document.querySelectorAll('[data-run-id]').length;
  if (rows > 0 && window.__rows.first === undefined) window.__rows.first = performance.now();
}).observe(document, {childList: true, subtree: true});
"""


def finish(client: Client, run_id: str) -> None:
    # Finished runs: the page's live refresh of running runs would redraw during a measurement.
    body = {"run_id": run_id, "status": "FINISHED", "end_time": now_ms()}
    client.post(f"{API}/runs/update", body)


def seed_runs_in_database(db_path: Path, experiment: str, count: int) -> float:
    """``count`` finished runs with 2 metrics, 2 params and 2 tags each, written straight into
    the server's SQLite file through runhub's own table definitions; returns the seconds taken.

    Through the REST API this takes about half an hour here (one create and one log-batch call
    per run); the pages measured afterwards read the rows the same way either way.
    """
    import uuid

    from sqlalchemy import create_engine, func, select

    from runhub.store import tables as t

    engine = create_engine(f"sqlite:///{db_path}")
    started = time.perf_counter()
    exp = int(experiment)
    now = now_ms()
    with engine.begin() as conn:
        first_run = (conn.execute(select(func.max(t.runs.c.run_pk))).scalar() or 0) + 1
        first_series = (
            conn.execute(select(func.max(t.metric_series.c.series_pk))).scalar() or 0
        ) + 1
        for chunk in range(0, count, 10_000):
            runs, tags, params, series, points = [], [], [], [], []
            for i in range(chunk, min(count, chunk + 10_000)):
                pk = first_run + i
                run_id = uuid.uuid4().hex
                start = now - (count - i) * 1000
                runs.append(
                    {
                        "run_pk": pk,
                        "run_id": run_id,
                        "experiment_id": exp,
                        "name": f"run-{i:06d}",
                        "user_id": "bench",
                        "status": "FINISHED",
                        "start_time": start,
                        "end_time": start + 500,
                        "lifecycle_stage": "active",
                        "deleted_time": None,
                        "artifact_uri": f"mlflow-artifacts:/{exp}/{run_id}/artifacts",
                    }
                )
                tags += [
                    {"run_pk": pk, "key": "mlflow.runName", "value": f"run-{i:06d}"},
                    {"run_pk": pk, "key": "mlflow.user", "value": "bench"},
                ]
                params += [
                    {"run_pk": pk, "key": "lr", "value": str(10 ** -(1 + i % 4))},
                    {"run_pk": pk, "key": "batch", "value": str(16 << (i % 4))},
                ]
                for j, (key, value) in enumerate(
                    (("loss", 1.0 / (1 + i % 997)), ("acc", (i % 1000) / 1000))
                ):
                    spk = first_series + 2 * i + j
                    point = {"step": 0, "timestamp": start, "value": value, "is_nan": False}
                    series.append(
                        {"series_pk": spk, "run_pk": pk, "experiment_id": exp, "key": key, **point}
                    )
                    points.append({"series_pk": spk, **point})
            for table, rows in (
                (t.runs, runs),
                (t.tags, tags),
                (t.params, params),
                (t.metric_series, series),
                (t.metric_points, points),
            ):
                conn.execute(table.insert(), rows)
    engine.dispose()
    return time.perf_counter() - started


def seed_histories(host: str, port: int, experiment: str, runs: int, steps: int) -> list[str]:
    """``runs`` runs with a ``steps``-point ``curve`` metric each; returns their ids."""
    client = Client(host, port)
    ids = [create_run(client, experiment, f"curve-{i:03d}") for i in range(runs)]
    client.close()

    def work(client: Client, index: int) -> int:
        sent = 0
        for start in range(0, steps, 1000):
            points = [
                ("curve", (1 + index / runs) / (1 + s / 100), s)
                for s in range(start, min(steps, start + 1000))
            ]
            client.post(f"{API}/runs/log-batch", log_batch_body(ids[index], points))
            sent += 1
        finish(client, ids[index])
        return sent + 1

    report = run_parallel(host, port, 2, range(runs), work, SEED_TIME_LIMIT_S)
    if report.errors:
        raise RuntimeError(f"seeding histories failed: {report.errors[:1]}")
    return ids


def first_rows_ms(browser: Any, url: str) -> tuple[float, float]:
    """(ms to the first row, ms from scrolling to the bottom to the second page's rows)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(ROW_WATCH)
        page.goto(url)
        page.wait_for_function("() => window.__rows.first !== undefined", timeout=120_000)
        first = float(page.evaluate("window.__rows.first"))
        page.wait_for_selector("[data-testid=run-count]:has-text('+ runs')")
        before = int(page.evaluate("document.querySelector('.runs-table').ariaRowCount"))
        started = float(page.evaluate("performance.now()"))
        page.evaluate("document.querySelector('.runs-scroller').scrollTop = 1e9")
        page.wait_for_function(
            "n => Number(document.querySelector('.runs-table').ariaRowCount) > n",
            arg=before,
            timeout=120_000,
        )
        more = float(page.evaluate("performance.now()")) - started
        return first, more
    finally:
        context.close()


def compare_draw_ms(browser: Any, url: str, runs: int) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        chart = "[data-testid=line-chart]"
        try:
            page.wait_for_function(
                f"""n => {{
                    const el = document.querySelector('{chart}');
                    return el?.dataset.series === String(n) && Number(el.dataset.points) >= n;
                }}""",
                arg=runs,
                timeout=120_000,
            )
        except Exception:
            OUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUT / "ui-compare-failure.png"))
            raise
        return float(page.evaluate(f"Number(document.querySelector('{chart}').dataset.drawnAt)"))
    finally:
        context.close()


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="runs in the big experiment")
    parser.add_argument("--compare-runs", type=int, default=100, help="runs compared")
    parser.add_argument("--steps", type=int, default=10_000, help="steps per compared run")
    parser.add_argument("--repeats", type=int, default=5, help="browser measurements of each")
    parser.add_argument("--record", action="store_true", help="write its bench/RESULTS.md section")
    args = parser.parse_args()
    before = load_average()

    from playwright.sync_api import sync_playwright

    server = start_server("runhub")
    try:
        host, port = server.host, server.port
        base = f"http://{host}:{port}"
        client = Client(host, port)
        big = create_experiment(client, "ui-bench-big")
        curves = create_experiment(client, "ui-bench-curves")
        client.close()
        seed_s = seed_runs_in_database(server.workdir / "db.sqlite", big, args.runs)
        print(f"seeded {args.runs} runs in {seed_s:.0f} s", file=sys.stderr)
        ids = seed_histories(host, port, curves, args.compare_runs, args.steps)
        print(f"seeded {args.compare_runs} x {args.steps} points", file=sys.stderr)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                default = [first_rows_ms(browser, f"{base}/experiments/{big}")]
                default += [
                    first_rows_ms(browser, f"{base}/experiments/{big}")
                    for _ in range(args.repeats - 1)
                ]
                sorted_url = f"{base}/experiments/{big}?sort=metrics.acc&dir=desc"
                by_metric = [first_rows_ms(browser, sorted_url) for _ in range(args.repeats)]
                compare_url = f"{base}/compare?exp={curves}&runs={','.join(ids)}&metric=curve"
                draws = [
                    compare_draw_ms(browser, compare_url, len(ids)) for _ in range(args.repeats)
                ]
            finally:
                browser.close()
        rss = tree_rss_mb(server.pid)
    finally:
        stop_server(server)

    section = render(args, default, by_metric, draws, seed_s, rss, f"{before} / {load_average()}")
    print(section)
    if args.record:
        write_section(BEGIN, END, section)


def render(
    args: argparse.Namespace,
    default: list[tuple[float, float]],
    by_metric: list[tuple[float, float]],
    draws: list[float],
    seed_s: float,
    rss_mb: float,
    loads: str,
) -> str:
    def cell(values: list[float]) -> str:
        return f"{median(values):,.0f} ms (min {min(values):,.0f}, max {max(values):,.0f})"

    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"## Web UI in a browser ({when})",
            "",
            "```",
            f".venv/bin/python bench/ui.py --runs {args.runs} --compare-runs {args.compare_runs} "
            f"--steps {args.steps} --repeats {args.repeats}" + (" --record" if args.record else ""),
            "```",
            "",
            "Headless Debian Chromium driven by "
            "Playwright against one runhub server (one worker, SQLite) on this 2-core machine; "
            "each figure is the median of the repeats, from navigation start (loading the app, "
            "the API calls and rendering included), with a fresh browser context each time. "
            "The compare page first asks for one point per four pixels of the window's width "
            "(350 here, at most 1,000) per run in one get-history-bulk-interval call per 100 "
            "runs, sent alongside the runs search; the server samples each history. A figure "
            "counts once the chart has drawn every series with its points.",
            "",
            "| measure | result |",
            "|---|---|",
            f"| first rows, {args.runs:,}-run experiment, default order | "
            f"{cell([d[0] for d in default])} |",
            f"| first rows, same experiment sorted by a metric column | "
            f"{cell([d[0] for d in by_metric])} |",
            f"| next page after scrolling to the bottom (200 rows) | "
            f"{cell([d[1] for d in default + by_metric])} |",
            f"| draw {args.compare_runs} runs x {args.steps:,} steps on the compare chart | "
            f"{cell(draws)} |",
            f"| writing the {args.runs:,} runs into the database (not a UI figure) | "
            f"{seed_s:,.0f} s |",
            f"| server RSS after the measurements | {rss_mb:,.0f} MB |",
            "",
            f"- load average before/after: {loads}",
            "",
        ]
    )


if __name__ == "__main__":
    main()
