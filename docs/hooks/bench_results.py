"""Publishes ``bench/RESULTS.md`` (written by the benchmark scripts, kept beside them) as the
site page ``benchmarks/results.md``, so the figures are never copied by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "RESULTS.md"
PAGE = "benchmarks/results.md"


def on_files(files: Any, config: Any) -> Any:
    """MkDocs hook: add the recorded results as a page."""
    from mkdocs.structure.files import File

    files.append(File.generated(config, PAGE, content=RESULTS.read_text()))
    return files
