"""Each benchmark script owns one marked section of RESULTS.md and replaces only that one."""

from __future__ import annotations

from pathlib import Path

RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(begin: str, end: str, text: str) -> None:
    """Put ``text`` between ``begin`` and ``end`` in RESULTS.md, replacing the old section."""
    section = f"{begin}\n{text.rstrip()}\n{end}"
    current = RESULTS_MD.read_text() if RESULTS_MD.exists() else ""
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        current = head + section + rest.split(end, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS_MD.write_text(current)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, recorded next to every figure."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
