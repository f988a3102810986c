"""Validation (on demand): V(ε) of the two-layer model against Monte Carlo over every weight, where the exact path is slow.

Each case compares ``theory.two_layer_volume`` with the fraction of prior draws (A, B standard normal) whose loss
½‖B·A − M‖²_F falls below ε, and prints the estimate ± its binomial standard error, the exact value, the time and z;
the exit status is 1 when some |z| > 4. These checks ran in the slow test tier until their minutes were most of that
tier's time; a cheaper case of each path stays there (tests/theory/test_two_layer_volume.py,
tests/theory/test_two_layer_two_sided.py).

- ``rank-one``: 2 → 2 → 2, M = diag(1, 0), ε = 0.3, through ``theory.two_layer.two_sided_rank_one`` for its narrow
  columns (7–14 minutes). Last run (2 cores, 9m51s, 589 s of it the theory value): Monte Carlo 0.0272225 ± 0.000081
  (4·10⁶ draws) against 0.0271 (3 digits), z = −0.99; 2·10⁸ draws offline gave 0.0271379 ± 0.0000115 against
  0.02714148 at 4 digits.
- ``rank-two``: 2 → 2 → 2, M = diag(1, 0.8), ε = 0.3, 5 digits. Last run: 0.0087065 ± 0.000046 against 0.0087395
  (85 s), z = +0.71.
- ``slab``: 1 → 1 → 2, ‖M‖ = 0.5, ε = 0.2 > s²/8, sliced along the target; the slab contains u = 0, where the density
  of u = (Ba)_1 has a log singularity. Last run: 0.365955 ± 0.00024 against 0.36597 (260 s), z = +0.06.

    python bench/validate_two_layer_volume.py [--case rank-one|rank-two|slab|all] [--draws-millions 4] [--seed 20261201]
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import NamedTuple

import mpmath
import numpy as np

from theory import two_layer_volume


class Case(NamedTuple):
    inputs: int
    hidden: int
    outputs: int
    singular_values: list[str]
    eps: str
    dps: int


CASES = {
    "rank-one": Case(2, 2, 2, ["1"], "0.3", 3),
    "rank-two": Case(2, 2, 2, ["1", "0.8"], "0.3", 5),
    "slab": Case(1, 1, 2, ["0.5"], "0.2", 6),
}


def monte_carlo(case: Case, millions: int, rng: np.random.Generator) -> tuple[float, float, int]:
    """(fraction, binomial standard error, draws) of prior draws with ½‖B·A − M‖² < ε, M diagonal (outputs × inputs)."""
    target = np.zeros((case.outputs, case.inputs))
    values = [float(v) for v in case.singular_values]
    target[np.arange(len(values)), np.arange(len(values))] = values
    hits = 0
    for _ in range(millions):
        a = rng.standard_normal((10**6, case.hidden, case.inputs))
        b = rng.standard_normal((10**6, case.outputs, case.hidden))
        hits += int((0.5 * ((b @ a - target) ** 2).sum(axis=(1, 2)) < float(case.eps)).sum())
    draws = millions * 10**6
    estimate = hits / draws
    return estimate, float(np.sqrt(estimate * (1 - estimate) / draws)), draws


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--draws-millions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    worst = 0.0
    for name in CASES if args.case == "all" else [args.case]:
        case = CASES[name]
        estimate, error, draws = monte_carlo(case, args.draws_millions, rng)
        started = time.perf_counter()
        point = two_layer_volume(case.eps, inputs=case.inputs, hidden=case.hidden, outputs=case.outputs,
                                 singular_value=case.singular_values, dps=case.dps)  # fmt: skip
        seconds = time.perf_counter() - started
        z = (float(point.volume) - estimate) / error
        worst = max(worst, abs(z))
        print(f"{name}: V({case.eps}), {case.inputs} → {case.hidden} → {case.outputs}, singular values {', '.join(case.singular_values)}: "
              f"Monte Carlo {estimate:.6g} ± {error:.2g} ({draws:,} draws, sampled); theory {mpmath.nstr(point.volume, point.digits)} "
              f"({point.digits} digits, arbitrary precision, {seconds:.0f} s); z = {z:+.2f}")  # fmt: skip
    return 0 if worst <= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
