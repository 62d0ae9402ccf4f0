"""Turn a results JSON from bench/run.py into bench/RESULTS.md.

Usage: python bench/report.py [bench/out/results-....json]   (default: bench/out/latest.json)
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sections import RESULTS_MD, write_section

BENCH_DIR = Path(__file__).resolve().parent

TITLES = {
    "create_run": "1. create-run (POST runs/create), one client",
    "log_metric": "2. single log-metric (POST runs/log-metric), one client",
    "log_batch": "3. log-batch of 1,000 metrics, one client",
    "search": "4. search an experiment of 2,000 runs returning 1,000",
    "search_filtered": "5. filtered, metric-ordered top-100",
    "history": "6. full metric history and a bulk-interval sample",
    "mixed": "7. 16 concurrent clients, mixed writes and searches",
}


@dataclass(frozen=True)
class Row:
    """One line of a workload table; `better` says which direction wins the ratio."""

    label: str
    runhub: float | None
    mlflow: float | None
    unit: str
    better: str  # "higher", "lower", or "info" (no ratio)
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if not self.runhub or not self.mlflow or self.better == "info":
            return None
        return self.runhub / self.mlflow if self.better == "higher" else self.mlflow / self.runhub


def _get(result: dict[str, Any] | None, *path: str) -> float | None:
    node: Any = result
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, (int, float)) else None


def _ratio_target(row: Row, minimum: float) -> Row:
    ratio = row.ratio
    met = None if ratio is None else ratio >= minimum
    return Row(row.label, row.runhub, row.mlflow, row.unit, row.better, f"≥ {minimum:g}x", met)


def _limit_target(row: Row, limit: float, applies: bool = True, where: str = "") -> Row:
    cmp = "≥" if row.better == "higher" else "≤"
    text = f"runhub {cmp} {limit:,g} {row.unit}{where}"
    if not applies or row.runhub is None:
        return Row(row.label, row.runhub, row.mlflow, row.unit, row.better, text, None)
    met = row.runhub >= limit if row.better == "higher" else row.runhub <= limit
    return Row(row.label, row.runhub, row.mlflow, row.unit, row.better, text, met)


def _latency_rows(r: dict[str, Any], m: dict[str, Any], prefix: str = "") -> list[Row]:
    return [
        Row(f"{prefix}{p} latency", _get(r, f"{p}_ms"), _get(m, f"{p}_ms"), "ms", "lower")
        for p in ("p50", "p95", "p99")
    ]


def _cpu_rows(r: dict[str, Any] | None, m: dict[str, Any] | None, prefix: str = "") -> list[Row]:
    """Server CPU per request (robust to a busy machine) and the cores the server kept busy
    (well under 1 in a one-client loop means it waited: for the CPU, the disk or the client)."""
    return [
        Row(f"{prefix}server CPU per request", *_pair(r, m, "server_cpu_ms_per_op"), "ms", "lower"),
        Row(f"{prefix}server CPU busy (cores)", *_pair(r, m, "server_cpu_util"), "", "info"),
    ]


def _rows_single_writes(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    ops = Row("throughput", _get(r, "ops_per_s"), _get(m, "ops_per_s"), "req/s", "higher")
    p50, p95, p99 = _latency_rows(r, m)
    return [_ratio_target(ops, 10), _limit_target(p50, 1.5), p95, p99, *_cpu_rows(r, m)]


def _rows_log_batch(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    pts = Row(
        "metric points/s", _get(r, "points_per_s"), _get(m, "points_per_s"), "points/s", "higher"
    )
    return [_limit_target(pts, 100_000), *_latency_rows(r, m, "per-batch "), *_cpu_rows(r, m)]


def _rows_search(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    p50, p95, p99 = _latency_rows(r, m)
    ops = Row("searches/s", _get(r, "ops_per_s"), _get(m, "ops_per_s"), "req/s", "higher")
    size = Row("response size", _get(r, "response_mb"), _get(m, "response_mb"), "MB", "lower")
    return [_ratio_target(p50, 10), p95, p99, ops, size, *_cpu_rows(r, m)]


def _rows_filtered(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    sizes = sorted({int(k) for res in (r, m) for k in (res or {}).get("by_size", {})})
    rows: list[Row] = []
    for n in sizes:
        rs = (r or {}).get("by_size", {}).get(str(n))
        ms = (m or {}).get("by_size", {}).get(str(n))
        p50, p95, p99 = _latency_rows(rs or {}, ms or {}, f"{n:,} runs: ")
        if n == 100_000:
            p50 = _limit_target(p50, 50)
        rows += [p50, p95, p99, *_cpu_rows(rs, ms, f"{n:,} runs: ")[:1]]
    return rows


def _rows_history(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for label, limit, full in (("small", 250.0, 100_000), ("big", 2500.0, 1_000_000)):
        n = int(_get(r, "points", label) or _get(m, "points", label) or 0)
        key = f"history_{label}"
        p50 = Row(f"get-history {n:,} points p50", *_pair(r, m, key, "p50_ms"), "ms", "lower")
        rows.append(_limit_target(p50, limit, n == full, f" at {full:,} points"))
        rows.append(
            Row(f"get-history {n:,} points p95", *_pair(r, m, key, "p95_ms"), "ms", "lower")
        )
        rows += _cpu_rows(r.get(key), m.get(key), f"get-history {n:,} points: ")
        rss = Row("server peak RSS during it", *_pair(r, m, key, "peak_rss_mb"), "MB", "lower")
        rows.append(
            _limit_target(rss, 300, n == full, f" at {full:,} points") if label == "big" else rss
        )
    n = int(_get(r, "points", "big") or _get(m, "points", "big") or 0)
    bulk = Row(
        f"bulk-interval 320 of {n:,} points p50",
        *_pair(r, m, "bulk_interval_big", "p50_ms"),
        "ms",
        "lower",
    )
    rows.append(_limit_target(bulk, 50, n == 1_000_000, " at 1,000,000 points"))
    rows += _cpu_rows(r.get("bulk_interval_big"), m.get("bulk_interval_big"), "bulk-interval: ")
    return rows


def _pair(r: dict[str, Any], m: dict[str, Any], *path: str) -> tuple[float | None, float | None]:
    return _get(r, *path), _get(m, *path)


def _rows_mixed(r: dict[str, Any], m: dict[str, Any]) -> list[Row]:
    ops = Row("throughput", _get(r, "ops_per_s"), _get(m, "ops_per_s"), "ops/s", "higher")
    errors = Row("errors", _get(r, "errors"), _get(m, "errors"), "", "lower")
    errors_met = None if errors.runhub is None else errors.runhub == 0
    idle = Row("RSS idle (right after start)", *_pair(r, m, "rss_idle_mb"), "MB", "lower")
    peak = Row("RSS peak under load", *_pair(r, m, "rss_peak_mb"), "MB", "lower")
    after = Row("RSS after load", *_pair(r, m, "rss_after_load_mb"), "MB", "lower")
    growth_r = _growth(r)
    growth = Row("RSS growth (peak - idle)", growth_r, _growth(m), "MB", "lower")
    rows = [
        _ratio_target(ops, 10),
        Row(errors.label, errors.runhub, errors.mlflow, "", "lower", "runhub = 0", errors_met),
        *_latency_rows((r or {}).get("all_ops", {}), (m or {}).get("all_ops", {}), "all ops "),
        _limit_target(idle, 150),
        peak,
        after,
        _limit_target(growth, 50, where=" (flat)"),
    ]
    per_op = Row("server CPU per operation", _cpu_per_op(r), _cpu_per_op(m), "ms", "lower")
    busy = Row("server CPU busy (cores)", *_pair(r, m, "server_cpu_util"), "", "info")
    return [*rows, per_op, busy]


def _cpu_per_op(res: dict[str, Any] | None) -> float | None:
    util, ops = _get(res, "server_cpu_util"), _get(res, "ops_per_s")
    return None if util is None or not ops else util / ops * 1000


def _growth(res: dict[str, Any] | None) -> float | None:
    peak, idle = _get(res, "rss_peak_mb"), _get(res, "rss_idle_mb")
    return None if peak is None or idle is None else peak - idle


ROW_BUILDERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], list[Row]]] = {
    "create_run": _rows_single_writes,
    "log_metric": _rows_single_writes,
    "log_batch": _rows_log_batch,
    "search": _rows_search,
    "search_filtered": _rows_filtered,
    "history": _rows_history,
    "mixed": _rows_mixed,
}


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ms":
        text = f"{value:.3g}" if value < 100 else f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def _met(met: bool | None, target: str) -> str:
    if not target:
        return ""
    return {True: "met", False: "**missed**", None: "n/a"}[met]


def workload_rows(results: dict[str, Any]) -> dict[str, list[Row]]:
    rows = {}
    for name, per_server in results.get("workloads", {}).items():
        build = ROW_BUILDERS.get(name)
        if build is not None:
            rows[name] = build(per_server.get("runhub") or {}, per_server.get("mlflow") or {})
    return rows


def _table(rows: list[Row]) -> list[str]:
    lines = [
        "| measure | runhub | MLflow | runhub better by | target | |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "—"
        lines.append(
            f"| {row.label} | {_fmt(row.runhub, row.unit)} | {_fmt(row.mlflow, row.unit)} "
            f"| {ratio} | {row.target} | {_met(row.met, row.target)} |"
        )
    return lines


def _server_line(name: str, res: dict[str, Any]) -> str:
    if "error" in res:
        return f"- {name}: **failed**: `{res['error'][:400]}`"
    return (
        f"- {name}: started in {res.get('startup_s', 0):.1f} s, idle RSS "
        f"{res.get('idle_rss_mb', 0):.0f} MB ({', '.join(res.get('idle_rss_by_process', []))}); "
        "load average before/after "
        f"{res.get('loadavg_before', '?')} / {res.get('loadavg_after', '?')}"
    )


def render(results: dict[str, Any], json_name: str) -> str:
    machine = results.get("machine", {})
    out = [
        "# runhub vs MLflow: benchmark results",
        "",
        f"Generated by `bench/report.py` from `bench/out/{json_name}` (not committed). "
        "Re-run with the command below; the harness is described in `bench/README.md`.",
        "",
        "```",
        results.get("command", "?"),
        "```",
        "",
        f"Started {results.get('started', '?')}, finished {results.get('finished', '?')}."
        + (" **Quick sizes** (smaller than the targets assume)." if results.get("quick") else ""),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    out += [f"| {k} | {v} |" for k, v in machine.items()]
    out += ["", "## How it was measured", ""]
    out += [f"- {line}" for line in results.get("method", [])]
    for name, reason in results.get("skipped_servers", {}).items():
        out.append(f"- **{name} was not measured**: {reason}")
    rows = workload_rows(results)
    out += ["", "## Targets", "", "| workload | measure | target | runhub | MLflow | ratio | |"]
    out.append("|---|---|---|---:|---:|---:|---|")
    for name, wl_rows in rows.items():
        for row in wl_rows:
            if row.target:
                ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "—"
                out.append(
                    f"| {name} | {row.label} | {row.target} | {_fmt(row.runhub, row.unit)} "
                    f"| {_fmt(row.mlflow, row.unit)} | {ratio} | {_met(row.met, row.target)} |"
                )
    for name, wl_rows in rows.items():
        per_server = results["workloads"][name]
        out += ["", f"## {TITLES.get(name, name)}", "", *_table(wl_rows), ""]
        for server in ("runhub", "mlflow"):
            res = per_server.get(server)
            if res is None:
                continue
            out.append(_server_line(server, res))
            out += [f"  - {note}" for note in res.get("notes", [])]
    out.append("")
    return "\n".join(out)


BEGIN, END = "<!-- core:begin -->", "<!-- core:end -->"


def write_results_md(results: dict[str, Any], json_path: Path) -> None:
    """Replace this script's section of RESULTS.md (between the core markers), leaving the
    sections other bench scripts write there alone."""
    write_section(BEGIN, END, render(results, json_path.name))


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else BENCH_DIR / "out" / "latest.json"
    results = json.loads(path.read_text())
    source = Path(results.get("json_file", path.name))
    write_results_md(results, source)
    print(f"wrote {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
