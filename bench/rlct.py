"""Benchmark: time of the exact learning-coefficient catalogue on large networks.

Run: python bench/rlct.py   (prints one line per case: median seconds over repeats)
"""

from __future__ import annotations

import statistics
import time

from theory import deep_linear, reduced_rank


def _median_seconds(call, repeats: int = 20) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    cases = {
        "deep_linear, 100 layers of width 1000, rank 7": lambda: deep_linear([1000] * 101, 7),
        "deep_linear, 1000 layers, widths 100..1099 in scrambled order": lambda: deep_linear(
            [(i * 7919) % 1000 + 100 for i in range(1001)], 3
        ),
        "deep_linear brute force, 12 layers (4096 subsets)": lambda: deep_linear(
            [9, 4, 7, 12, 3, 8, 5, 10, 6, 11, 4, 9, 7], 2, method="brute_force"
        ),
        "reduced_rank, 10^6 x 10^6 with hidden 10^5": lambda: reduced_rank(10**6, 10**6, 10**5, 10),
    }
    for name, call in cases.items():
        print(f"{name:60s} {_median_seconds(call) * 1e3:10.3f} ms  λ = {call().lam}")


if __name__ == "__main__":
    main()
