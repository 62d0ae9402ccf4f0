"""The data every browser test sees, logged through the stock ``mlflow`` client."""

from __future__ import annotations

import math
import struct
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LONG_HISTORY_STEPS = 1000
LOSS_STEPS = 120  # every vision run logs a loss curve, so compared runs draw real lines
RUNS_PER_EXPERIMENT = 30


@dataclass
class Seeded:
    """Ids of what was logged, for tests to find their way."""

    vision: str
    nlp: str
    archived: str
    runs: dict[str, str] = field(default_factory=dict)  # run name → run id
    parent: str = ""
    children: list[str] = field(default_factory=list)
    long_run: str = ""


def tiny_png(width: int = 240, height: int = 160) -> bytes:
    """A valid RGB PNG: a blue-to-green gradient."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((0, x, 255 - y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def loss_at(step: int, final: float, seed: int) -> float:
    """A decaying, slightly noisy loss curve that ends exactly at ``final``."""
    scale = 20 + seed
    decay = 2.0 * (math.exp(-step / scale) - math.exp(-LOSS_STEPS / scale))
    wiggle = 0.03 * math.sin(step * 0.7 + seed) * (1 - step / LOSS_STEPS)
    return round(final + decay + wiggle, 4)


def log_artifacts(client: Any, run_id: str) -> None:
    client.log_text(run_id, "epochs: 10\noptimizer: adam\n", "config/train.yaml")
    client.log_dict(run_id, {"best": {"acc": 0.9, "epoch": 7}}, "config/summary.json")
    client.log_text(run_id, "epoch,acc\n1,0.5\n2,0.75\n", "eval.csv")
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "gradient.png"
        image.write_bytes(tiny_png())
        client.log_artifact(run_id, str(image), "plots")


def seed(client: Any) -> Seeded:
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

    now = int(time.time() * 1000)
    seeded = Seeded(
        vision=client.create_experiment("vision-resnet", tags={"team": "vision"}),
        nlp=client.create_experiment("nlp-bert", tags={"team": "nlp"}),
        archived=client.create_experiment("old-baseline"),
    )
    client.delete_experiment(seeded.archived)

    optimizers = ["adam", "sgd", "adamw"]
    for i in range(RUNS_PER_EXPERIMENT):
        name = f"resnet-{i:02d}"
        run = client.create_run(seeded.vision, run_name=name, start_time=now - (60 - i) * 60_000)
        run_id = run.info.run_id
        lr = [0.1, 0.01, 0.001][i % 3]
        acc = round(0.5 + 0.015 * i, 4)
        final_loss = round(1.5 - 0.04 * i, 4)
        metrics = [
            Metric("acc", acc, now, 10),
            *[
                Metric("loss", loss_at(s, final_loss, i), now - (LOSS_STEPS - s) * 500, s)
                for s in range(LOSS_STEPS + 1)
            ],
            *[Metric("val_acc", acc * s / 10, now - (10 - s) * 1000, s) for s in range(1, 11)],
        ]
        params = [
            Param("lr", str(lr)),
            Param("batch_size", str(32 * (1 + i % 4))),
            Param("optimizer", optimizers[i % 3]),
        ]
        tags = [RunTag("team", "vision"), RunTag("mlflow.source.name", "train.py")]
        client.log_batch(run_id, metrics=metrics, params=params, tags=tags)
        status = "FAILED" if i == 7 else "FINISHED"
        client.set_terminated(run_id, status=status, end_time=now - (59 - i) * 60_000)
        seeded.runs[name] = run_id

    parent = client.create_run(seeded.vision, run_name="sweep-parent", start_time=now)
    seeded.parent = parent.info.run_id
    client.log_batch(
        seeded.parent, metrics=[Metric("acc", 0.9, now, 0)], params=[Param("lr", "0.05")]
    )
    for j in range(2):
        child = client.create_run(
            seeded.vision,
            run_name=f"sweep-child-{j}",
            start_time=now + j + 1,
            tags={"mlflow.parentRunId": seeded.parent},
        )
        client.log_batch(
            child.info.run_id,
            metrics=[Metric("acc", 0.85 + j / 100, now, 0)],
            params=[Param("lr", str(0.05 * (j + 1)))],
        )
        client.set_terminated(child.info.run_id)
        seeded.children.append(child.info.run_id)
    client.set_terminated(seeded.parent)
    log_artifacts(client, seeded.parent)

    long_run = client.create_run(seeded.nlp, run_name="bert-long", start_time=now - 3_600_000)
    seeded.long_run = long_run.info.run_id
    points = [
        Metric("loss", 2.0 / (1 + s / 50), now - 3_600_000 + s * 1000, s)
        for s in range(LONG_HISTORY_STEPS)
    ]
    for start in range(0, len(points), 1000):
        client.log_batch(seeded.long_run, metrics=points[start : start + 1000])
    client.log_param(seeded.long_run, "model", "bert-base")
    client.set_tag(seeded.long_run, "mlflow.note.content", "Baseline run")
    dataset = Dataset(
        name="squad-v2",
        digest="a1b2c3d4",
        source_type="http",
        source='{"url": "https://example.org/squad.json"}',
    )
    context = InputTag("mlflow.data.context", "training")
    client.log_inputs(seeded.long_run, datasets=[DatasetInput(dataset, tags=[context])])
    for k in range(3):
        run = client.create_run(seeded.nlp, run_name=f"bert-{k}", start_time=now - k * 1000)
        seeded.runs[f"bert-{k}"] = run.info.run_id
        client.log_batch(
            run.info.run_id,
            metrics=[Metric("loss", 0.5 + k / 10, now, 0)],
            params=[Param("model", "bert-base")],
        )
    return seeded
