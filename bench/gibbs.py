"""Exact-kernel Gibbs at realistic sizes: time, throughput, memory and precision of λ_eff(n), C(n), F(n).

Cases (each a power-law target s_i = i^(−α), α = 0.4, unit priors, chains half from the prior, half from a best fit):
- ``two-layer``: d_in = d_out = d (default 1024), hidden r (default 16), 10 values of n from 1e2 to 1e8 (log grid);
- ``deep``: depth 3, every width w (default 256), the same 10 values of n.
Prints, per n, λ_eff ± stderr (and its relative error), C ± stderr, R-hat, ESS and the mixing z; then the
wall time (per n: the batch runs every n at once, so the time per n is the total over the count), chain-sweeps per
second and the peak resident memory. ``--free-energy`` adds F − n·L0 by thermodynamic integration (a ladder from
the prior's scale, 4 rungs per decade: many more rungs than n values, so it costs several times more).

    python bench/gibbs.py [--case two-layer|deep] [--d 1024] [--r 16] [--width 256] [--sweeps 1000] [--chains 8]
                          [--free-energy] [--seed 0]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from numerics import gibbs_thermodynamics, population_problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["two-layer", "deep"], default="two-layer")
    parser.add_argument("--d", type=int, default=1024)
    parser.add_argument("--r", type=int, default=16)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--alpha", type=float, default=0.4)
    parser.add_argument("--sweeps", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=8)
    parser.add_argument("--free-energy", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    if args.case == "two-layer":
        widths, size = [args.d, args.r, args.d], args.d
    else:
        widths, size = [args.width] * 4, args.width
    values = np.arange(1, size + 1) ** -args.alpha
    problem = population_problem(singular_values=values, inputs=size, outputs=size)
    ns = np.geomspace(1e2, 1e8, 10)
    started = time.perf_counter()
    result = gibbs_thermodynamics(problem, widths, ns, chains=args.chains, sweeps=args.sweeps, free_energy=args.free_energy, seed=args.seed)
    seconds = time.perf_counter() - started
    parameters = sum(a * b for a, b in zip(widths, widths[1:]))
    print(f"{args.case}: widths {widths} ({parameters:,} parameters), power law α = {args.alpha}, L0 = {result.minimum_loss:.6g}")
    print(f"{'n':>9} {'λ_eff (sampled)':>24} {'rel. SE':>8} {'C (sampled)':>20} {'R-hat':>6} {'ESS':>7} {'mix z':>6}" + ("  F − n·L0 ± sampling ± quadrature" if args.free_energy else ""))
    for p in result.points:
        lam, cap = p.lambda_eff, p.heat_capacity
        line = (f"{p.n:>9.3g} {lam.value:>14.6g} ± {lam.stderr:<7.3g} {100 * lam.stderr / lam.value:>7.3f}% "
                f"{cap.value:>10.5g} ± {cap.stderr:<7.3g} {lam.rhat:>6.3f} {lam.ess:>7.0f} {p.mixing['z']:>6.1f}")  # fmt: skip
        if p.excess_free_energy is not None:
            f = p.excess_free_energy
            line += f"  {f.value:.7g} ± {f.stderr:.2g} ± {f.diagnostics['quadrature_error']:.1g}"
        print(line + ("" if p.healthy else "  UNHEALTHY: " + "; ".join(p.warnings())))
    worst = max(p.lambda_eff.stderr / p.lambda_eff.value for p in result.points)
    print(f"{len(result.ladder)} rungs × {args.chains} chains × {args.sweeps} sweeps (burn-in {result.settings['burn_in']}), seed {args.seed}")
    print(f"wall {seconds:.1f} s ({seconds / len(ns):.1f} s per n), {result.sweeps_per_second:,.0f} chain-sweeps/s, "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, worst relative SE of λ_eff {100 * worst:.3f}%, "
          f"all healthy: {result.healthy}")  # fmt: skip


if __name__ == "__main__":
    main()
