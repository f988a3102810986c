"""Start-up time of the command line: min and median wall time of repeated runs of a few quick commands.

Each command runs as a fresh process (what a user waits for), ``--repeats`` times after one warm-up run that fills
the file-system cache. Target (issue: a fast everyday loop): ≤ 0.5 s on an idle 2-core machine for ``sltv --help``,
``sltv --version`` and ``sltv rlct …``.

    python bench/startup.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = (["--help"], ["--version"], ["rlct", "regular", "--dim", "3"], ["rlct", "reduced-rank", "--inputs", "5",
            "--outputs", "4", "--hidden", "3", "--rank", "1"])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sltv = str(Path(sys.executable).parent / "sltv")
    for command in COMMANDS:
        subprocess.run([sltv, *command], capture_output=True, check=True)  # warm-up
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            subprocess.run([sltv, *command], capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        print(f"sltv {' '.join(command):60s} min {min(times):.3f} s, median {statistics.median(times):.3f} s ({args.repeats} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
