"""Evaluation datasets at scale: upsert N records, re-upsert some (updates), page through all.

    python bench/datasets.py                      # 1,000,000 records on runhub (SQLite)
    python bench/datasets.py --records 100000 --only mlflow

Each server starts fresh (``servers.py``). Records go up in requests of ``--batch`` records, as
``merge_records`` sends them; the whole dataset is then read in pages of 1,000 as ``to_df()``
does. Printed: time per phase, the time of the first and the last page (keyset paging keeps them
equal), and the server's peak resident memory (it must not grow with the dataset).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import start_server, stop_server, tree_hwm_mb

API = "/api/3.0/mlflow"


def _records(start: int, stop: int) -> str:
    return json.dumps(
        [
            {
                "inputs": {"question": f"question {i}", "n": i},
                "expectations": {"expected_response": f"answer {i}"},
                "tags": {"mlflow.user": "bench"},
            }
            for i in range(start, stop)
        ]
    )


def run(name: str, total: int, batch: int) -> None:
    server = start_server(name)
    base = f"http://{server.host}:{server.port}{API}"
    session = requests.Session()
    try:
        created = session.post(
            f"{base}/datasets/create", json={"name": "bench", "experiment_ids": ["0"]}
        )
        dataset_id = created.json()["dataset"]["dataset_id"]
        started = time.perf_counter()
        for start in range(0, total, batch):
            body = {"records": _records(start, min(total, start + batch))}
            response = session.post(f"{base}/datasets/{dataset_id}/records", json=body, timeout=600)
            response.raise_for_status()
        upsert_s = time.perf_counter() - started
        started = time.perf_counter()
        body = {"records": _records(total // 2, total // 2 + batch)}
        counts = session.post(
            f"{base}/datasets/{dataset_id}/records", json=body, timeout=600
        ).json()
        update_s = time.perf_counter() - started
        assert counts == {"inserted_count": 0, "updated_count": batch}, counts
        started, token, seen, page_times = time.perf_counter(), None, 0, []
        while True:
            params = {"max_results": 1000, **({"page_token": token} if token else {})}
            page_started = time.perf_counter()
            page = session.get(f"{base}/datasets/{dataset_id}/records", params=params).json()
            page_times.append(time.perf_counter() - page_started)
            seen += len(json.loads(page["records"]))
            token = page.get("next_page_token")
            if not token:
                break
        read_s = time.perf_counter() - started
        assert seen == total, seen
        print(
            f"{name}: {total:,} records in {upsert_s:.1f} s ({total / upsert_s:,.0f}/s), "
            f"{batch:,} updates in {update_s:.2f} s, read in {read_s:.1f} s "
            f"(first page {page_times[0] * 1000:.0f} ms, last {page_times[-1] * 1000:.0f} ms), "
            f"server peak RSS {tree_hwm_mb(server.pid):.0f} MB"
        )
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--only", choices=("runhub", "mlflow"), default="runhub")
    args = parser.parse_args()
    run(args.only, args.records, args.batch)


if __name__ == "__main__":
    main()
