"""Accuracy of λ̂ on deep linear networks against Aoyagi's exact λ, with default settings.

Each case: a teacher of the given rank at which every layer has rank r (``numerics.data.deep_linear_teacher``),
n noise-free examples x ~ N(0, I), and ``numerics.estimate_llc`` with its defaults (nβ = n/log n, γ = 1,
calibrated ε, 4 chains). Prints one row per case and the median and worst relative error; a case outside
the targets (median ≤ 5%, worst ≤ 15%) must be flagged unhealthy.

    python bench/llc_dln.py [--n 10000] [--seed 0] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax

import theory
from numerics import deep_linear_apply, deep_linear_teacher, estimate_llc, mse_loss, teacher_student_data

SUITE = [  # widths input → output, rank
    ([5, 3, 4, 6], 2),
    ([10, 10, 10], 0),
    ([8, 4, 8], 2),
    ([3, 5, 4], 1),
    ([12, 8, 6], 3),
    ([6, 6, 6, 6], 1),
    ([4, 8, 8, 4], 2),
    ([10, 5, 10, 5], 0),
    ([5, 6, 7, 8, 9], 3),
    ([3, 4, 5, 4, 3], 2),
    ([20, 15, 10], 5),
    ([4, 6, 8, 10, 12, 14], 3),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="the first three cases only")
    args = parser.parse_args()
    suite = SUITE[:3] if args.quick else SUITE
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; n = {args.n}, seed = {args.seed}")
    print(f"{'widths':<22}{'r':>3}{'λ':>9}{'m':>3}{'λ̂ ± se':>18}{'C ± se':>18}{'rel.err':>9}{'accept':>8}{'R̂':>7}{'ε':>10}{'steps':>8}{'s':>7}  health")
    errors, flagged_outside = [], []
    for index, (widths, rank) in enumerate(suite):
        truth = theory.deep_linear(widths, rank)
        teacher = deep_linear_teacher(jax.random.key(1000 + index), widths, rank)
        data = teacher_student_data(jax.random.key(2000 + index), deep_linear_apply, teacher, args.n, widths[0])
        start = time.perf_counter()
        result = estimate_llc(mse_loss(deep_linear_apply), teacher, data, seed=args.seed)
        seconds = time.perf_counter() - start
        lam = float(truth.lam)
        error = (result.llc.value - lam) / lam
        errors.append(abs(error))
        outside = abs(error) > 0.15
        if outside:
            flagged_outside.append(result.healthy is False)
        print(
            f"{','.join(map(str, widths)):<22}{rank:>3}{str(truth.lam):>9}{truth.multiplicity:>3}"
            f"{result.llc.value:>11.2f} ± {result.llc.stderr:<4.2f}{result.heat_capacity.value:>11.2f} ± {result.heat_capacity.stderr:<4.2f}"
            f"{100 * error:>8.1f}%{result.mala_acceptance:>8.3f}{result.llc.rhat:>7.3f}{result.settings['step_size']:>10.2e}"
            f"{result.settings['steps']:>8}{seconds:>7.1f}  {'ok' if result.healthy else 'FLAGGED: ' + '; '.join(result.warnings())}",
            flush=True,
        )
    print(f"median |λ̂ − λ|/λ = {100 * statistics.median(errors):.1f}%  (target ≤ 5%)")
    print(f"worst  |λ̂ − λ|/λ = {100 * max(errors):.1f}%  (target ≤ 15%, or flagged)")
    if flagged_outside:
        print(f"cases beyond 15%: {len(flagged_outside)}, of which flagged unhealthy: {sum(flagged_outside)}")


if __name__ == "__main__":
    main()
