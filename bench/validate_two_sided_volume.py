"""Validation (on demand, about 10 minutes on 2 cores): V(ε) of the 2 → 2 → 2 model with a rank-one target against Monte Carlo.

`theory.two_layer_volume` at ε = 0.3 for the target diag(1, 0) goes through ``theory.two_layer.two_sided_rank_one`` for its narrow
columns; here it is compared with the fraction of 4·10⁶ draws of every weight (A, B standard normal) whose loss
½‖B·A − M‖²_F falls below ε. The check ran in the slow test tier until its 7–14 minutes were most of that tier's time;
the rank-two case (diag(1, 0.8), about 90 s) stays there (tests/theory/test_two_layer_two_sided.py). Prints the
estimate ± its binomial standard error, the exact value at 3 digits, and z; exit status 1 when |z| > 4.

Last run (2 cores, 9m51s, 589 s of it the theory value): Monte Carlo 0.0272225 ± 0.000081 (4·10⁶ draws) against
0.0271 (3 digits), z = −0.99; 2·10⁸ draws offline gave 0.0271379 ± 0.0000115 against 0.02714148 at 4 digits.

    python bench/validate_two_sided_volume.py [--draws-millions 4] [--dps 3] [--seed 20261201]
"""

from __future__ import annotations

import argparse
import sys
import time

import mpmath
import numpy as np

from theory import two_layer_volume


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws-millions", type=int, default=4)
    parser.add_argument("--dps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    target = np.diag([1.0, 0.0])
    hits = 0
    for _ in range(args.draws_millions):
        a = rng.standard_normal((10**6, 2, 2))
        b = rng.standard_normal((10**6, 2, 2))
        hits += int((0.5 * ((b @ a - target) ** 2).sum(axis=(1, 2)) < 0.3).sum())
    draws = args.draws_millions * 10**6
    estimate = hits / draws
    error = float(np.sqrt(estimate * (1 - estimate) / draws))
    started = time.perf_counter()
    point = two_layer_volume("0.3", inputs=2, hidden=2, outputs=2, singular_value=["1"], dps=args.dps)
    seconds = time.perf_counter() - started
    z = (float(point.volume) - estimate) / error
    shown = mpmath.nstr(point.volume, point.digits)
    print(f"V(0.3), 2 → 2 → 2, target diag(1, 0): Monte Carlo {estimate:.6g} ± {error:.2g} ({draws:,} draws, sampled); "
          f"theory {shown} ({point.digits} digits, arbitrary precision, {seconds:.0f} s); z = {z:+.2f}")
    return 0 if abs(z) <= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
