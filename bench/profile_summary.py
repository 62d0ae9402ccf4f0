"""Summarize a py-spy collapsed-stack profile (from `bench/run.py --profile raw`).

    python bench/profile_summary.py bench/out/profile-runhub-create_run.txt [--top 25]

Prints the frames where samples ended (self time) and the frames most often on the stack
(inclusive time), each as a share of all samples, with line numbers folded per function.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Leaf frames that mean "waiting", which py-spy cannot always tell from running.
IDLE_LEAVES = ("Condition.wait (", "Runner.run (", "WorkerThread.run (", "Queue.get (", "select (")


def fold(frame: str) -> str:
    """'func (path/to/file.py:123)' -> 'func (to/file.py)': one entry per function."""
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = Path(match["file"])
    short = "/".join(path.parts[-2:]) if len(path.parts) >= 2 else str(path)
    return f"{match['func']} ({short})"


def summarize(lines: list[str], top: int, keep_idle: bool = False) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [fold(f) for f in stack.split(";") if f]
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames or (not keep_idle and frames[-1].startswith(IDLE_LEAVES)):
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    idle = "" if keep_idle else " (waiting leaves such as Condition.wait left out)"
    out = [f"{total} samples{idle}", "", "self (where samples ended):"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(top)]
    out += ["", "inclusive (on the stack):"]
    out += [f"  {n / total:6.1%}  {f}" for f, n in inclusive.most_common(top)]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--keep-idle", action="store_true", help="count waiting frames too")
    args = parser.parse_args(argv)
    print(summarize(args.profile.read_text().splitlines(), args.top, args.keep_idle))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
