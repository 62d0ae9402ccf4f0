"""Artifact transfer through the proxied artifact service: runhub against MLflow.

    python bench/artifacts.py                    # 1 GiB up/down + 500 small files, both servers
    python bench/artifacts.py --only runhub      # one server
    python bench/artifacts.py --size-mb 256 --files 100 --no-results-md   # a quick look

Each server is started fresh (SQLite, local artifact destination in a temporary directory, one
worker) by ``servers.py``. The client streams the big file from disk with ``http.client`` (1 MiB
blocks, one keep-alive connection) and reads the download in 1 MiB blocks, so the client never
holds the file; the server's resident memory (the process tree's VmRSS) is polled during each
transfer. The figures are appended to bench/RESULTS.md between markers, replacing the previous
artifact section only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import (
    BENCH_DIR,
    REPO_DIR,
    SERVER_NAMES,
    RssSampler,
    Server,
    server_available,
    start_server,
    stop_server,
    tree_rss_mb,
)

MB = 1024 * 1024
BLOCK = MB
SERVICE = "/api/2.0/mlflow-artifacts/artifacts"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
BEGIN, END = "<!-- artifacts:begin -->", "<!-- artifacts:end -->"
RSS_BUDGET_MB = 50.0


@dataclass
class Figures:
    server: str
    big_mb: int = 0
    upload_mb_s: float = 0.0
    download_mb_s: float = 0.0
    upload_rss_growth_mb: float = 0.0
    download_rss_growth_mb: float = 0.0
    idle_rss_mb: float = 0.0
    files: int = 0
    small_kb: int = 0
    small_up_files_s: float = 0.0
    small_down_files_s: float = 0.0
    checksum_ok: bool = False
    notes: list[str] = field(default_factory=list)


def make_file(path: Path, size_mb: int) -> str:
    """A file of incompressible bytes, written a block at a time; returns its sha256."""
    digest = hashlib.sha256()
    seed = os.urandom(BLOCK)
    with path.open("wb") as f:
        for i in range(size_mb):
            block = seed[i % 4093 :] + seed[: i % 4093]
            digest.update(block)
            f.write(block)
    return digest.hexdigest()


def connect(server: Server) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(server.host, server.port, timeout=600, blocksize=BLOCK)


def upload(conn: http.client.HTTPConnection, path: str, body: bytes | Path) -> None:
    if isinstance(body, Path):
        with body.open("rb") as f:
            headers = {"Content-Length": str(body.stat().st_size)}
            conn.request("PUT", f"{SERVICE}/{path}", body=f, headers=headers)
            resp = conn.getresponse()
    else:
        conn.request("PUT", f"{SERVICE}/{path}", body=body)
        resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise RuntimeError(f"PUT {path}: {resp.status}")


def download(conn: http.client.HTTPConnection, path: str, digest: hashlib._Hash | None) -> int:
    conn.request("GET", f"{SERVICE}/{path}")
    resp = conn.getresponse()
    if resp.status != 200:
        raise RuntimeError(f"GET {path}: {resp.status} {resp.read()[:200]!r}")
    total = 0
    while chunk := resp.read(BLOCK):
        total += len(chunk)
        if digest is not None:
            digest.update(chunk)
    return total


def settle() -> None:
    """Flush dirty pages (the bench's own file, the previous transfer) so that no transfer pays
    for an earlier one's disk writeback."""
    os.sync()
    time.sleep(0.5)


def measure_big(server: Server, big: Path, expected_sha: str, out: Figures) -> None:
    size_mb = big.stat().st_size / MB
    conn = connect(server)
    upload(conn, "warmup/w.bin", b"w" * 1024)  # first request pays for lazy imports
    download(conn, "warmup/w.bin", None)
    settle()
    out.idle_rss_mb = tree_rss_mb(server.pid)
    with RssSampler(server.pid) as sampler:
        started = time.perf_counter()
        upload(conn, "bench/big.bin", big)
        out.upload_mb_s = size_mb / (time.perf_counter() - started)
    out.upload_rss_growth_mb = sampler.peak_mb - out.idle_rss_mb
    settle()
    before = tree_rss_mb(server.pid)
    digest = hashlib.sha256()
    with RssSampler(server.pid) as sampler:
        started = time.perf_counter()
        got = download(conn, "bench/big.bin", digest)
        out.download_mb_s = size_mb / (time.perf_counter() - started)
    out.download_rss_growth_mb = sampler.peak_mb - before
    out.checksum_ok = got == big.stat().st_size and digest.hexdigest() == expected_sha
    conn.close()


def measure_small(server: Server, files: int, size_kb: int, out: Figures) -> None:
    payloads = [os.urandom(size_kb * 1024) for _ in range(files)]
    conn = connect(server)
    started = time.perf_counter()
    for i, body in enumerate(payloads):
        upload(conn, f"small/d{i % 10}/f{i}.bin", body)
    out.small_up_files_s = files / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(files):
        download(conn, f"small/d{i % 10}/f{i}.bin", None)
    out.small_down_files_s = files / (time.perf_counter() - started)
    conn.close()
    out.files, out.small_kb = files, size_kb


def run_server(name: str, big: Path, sha: str, files: int, small_kb: int) -> Figures:
    out = Figures(name, big_mb=int(big.stat().st_size / MB))
    server = start_server(name)
    try:
        measure_big(server, big, sha, out)
        measure_small(server, files, small_kb, out)
    finally:
        stop_server(server)
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if a and b else "n/a"


def render(results: dict[str, Figures], command: str, load: str) -> str:
    rh, ml = results.get("runhub"), results.get("mlflow")
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        BEGIN,
        "## Artifacts: proxied upload and download (local destination)",
        "",
        f"Measured {now} at commit {commit or '?'} (plus the work tree) with:",
        "",
        "```",
        command,
        "```",
        "",
        "Each server fresh, one worker, SQLite, artifacts on local disk in a temporary directory; "
        "one `http.client` keep-alive connection streaming 1 MiB blocks. RSS growth is the peak "
        "VmRSS of the server's process tree during the transfer minus its value just before. "
        f"The machine has {os.cpu_count()} cores shared with other work; load average (1/5/15 "
        f"min) at start and end: {load}. Figures under that load are noisy; the ratios, taken "
        "in one run, are the more telling.",
        "",
        "| | runhub | MLflow | runhub ÷ MLflow |",
        "|---|---|---|---|",
    ]

    def row(label: str, attr: str, fmt: str, better_high: bool = True) -> None:
        a = getattr(rh, attr) if rh else 0.0
        b = getattr(ml, attr) if ml else 0.0
        ratio = _ratio(a, b) if better_high else _ratio(b, a)
        lines.append(
            f"| {label} | {format(a, fmt) if rh else 'n/a'} | {format(b, fmt) if ml else 'n/a'} "
            f"| {ratio if rh and ml else 'n/a'} |"
        )

    size = (rh or ml).big_mb if (rh or ml) else 0
    row(f"upload {size} MiB, MB/s", "upload_mb_s", ".0f")
    row(f"download {size} MiB, MB/s", "download_mb_s", ".0f")
    row("server RSS growth during upload, MB", "upload_rss_growth_mb", ".1f", better_high=False)
    row("server RSS growth during download, MB", "download_rss_growth_mb", ".1f", False)
    row("server idle RSS before the transfer, MB", "idle_rss_mb", ".0f", better_high=False)
    first = rh or ml
    if first:
        row(f"{first.files} files of {first.small_kb} KiB up, files/s", "small_up_files_s", ".0f")
        row(f"{first.files} files down, files/s", "small_down_files_s", ".0f")
    if rh:
        growth = max(rh.upload_rss_growth_mb, rh.download_rss_growth_mb)
        verdict = "met" if growth <= RSS_BUDGET_MB else "MISSED"
        lines += [
            "",
            f"Target: runhub's RSS growth ≤ {RSS_BUDGET_MB:.0f} MB during the transfer — "
            f"{verdict} ({growth:.1f} MB). Download checksum: "
            f"{'ok' if rh.checksum_ok else 'MISMATCH'}.",
        ]
    if ml and not ml.checksum_ok:
        lines.append("MLflow's download did not match the upload's checksum.")
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=SERVER_NAMES, help="measure one server")
    parser.add_argument("--size-mb", type=int, default=1024, help="big file size (MiB)")
    parser.add_argument("--files", type=int, default=500, help="number of small files")
    parser.add_argument("--small-kb", type=int, default=16, help="size of each small file")
    parser.add_argument("--no-results-md", action="store_true", help="print only")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(SERVER_NAMES)
    command = "python bench/artifacts.py " + " ".join(shlex.quote(a) for a in argv)
    results: dict[str, Figures] = {}
    load_start = "/".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="bench-artifacts-") as tmp:
        big = Path(tmp) / "big.bin"
        sha = make_file(big, args.size_mb)
        for name in names:
            ok, why = server_available(name)
            if not ok:
                print(f"skipping {name}: {why}")
                continue
            print(f"{name}: {args.size_mb} MiB up/down, {args.files} small files ...", flush=True)
            results[name] = run_server(name, big, sha, args.files, args.small_kb)
            print(f"  {results[name]}", flush=True)
    load = f"{load_start} → " + "/".join(f"{x:.1f}" for x in os.getloadavg())
    section = render(results, command.strip(), load)
    print(section)
    if not args.no_results_md and results:
        write_section(section)
        print(f"wrote {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
