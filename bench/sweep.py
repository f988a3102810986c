"""Speed-up of 2 local workers over 1 on a small sweep (exact two-layer free energies, no cache).

    python bench/sweep.py [--points 8] [--dps 20]
"""

from __future__ import annotations

import argparse
import time

from proofs_checks.executor import LocalExecutor, run_jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--dps", type=int, default=20)
    args = parser.parse_args()
    specs = [{"task": "two-layer-exact", "singular_values": ["0.1", "0"], "inputs": 2, "hidden": 1, "outputs": 2,
              "n": str(10 ** (1 + 5 * k / (args.points - 1))), "dps": args.dps} for k in range(args.points)]  # fmt: skip
    seconds = {}
    for workers in (1, 2):
        start = time.perf_counter()
        results = run_jobs(specs, LocalExecutor(workers))
        seconds[workers] = time.perf_counter() - start
        assert all(r.status == "done" for r in results), [r.error for r in results if r.error]
        print(f"{workers} worker(s): {seconds[workers]:.1f} s for {args.points} exact points at {args.dps} digits")
    print(f"speed-up of 2 workers over 1: {seconds[1] / seconds[2]:.2f}×")


if __name__ == "__main__":
    main()
