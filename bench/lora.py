"""The LoRA question at realistic size: wall time and standard errors of the whole analysis.

Default case (the issue's figure): d_in = d_out = 1024, LoRA rank r = 16, s_i = i^(−0.4), σ = 1, unit priors, 10 values
of n from 1 to 1e8 on a log grid, exact-kernel Gibbs (8 chains × 400 sweeps, half from the prior,
half from a best fit) with the free energy by thermodynamic integration. Prints per n λ_eff − n·L0 ± se (and its
relative error), C ± se, F − n·L0 ± sampling ± quadrature, health; then the verdicts (findings), the wall time, and
the peak resident memory.

    python bench/lora.py [--d 1024] [--r 16] [--alpha 0.4] [--points 10] [--sweeps 400] [--chains 8] [--no-free-energy]
                         [--seed 0]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from proofs_checks.scenarios import lora


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--d", type=int, default=1024)
    parser.add_argument("--r", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=0.4)
    parser.add_argument("--points", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=400)
    parser.add_argument("--chains", type=int, default=8)
    parser.add_argument("--no-free-energy", dest="free_energy", action="store_false")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = lora.power_law_model(args.d, args.d, args.r, args.alpha)
    ns = [float(n) for n in np.geomspace(1, 1e8, args.points)]
    started = time.perf_counter()
    result = lora.run(model, ns, method="gibbs", chains=args.chains, sweeps=args.sweeps, free_energy=args.free_energy, seed=args.seed)
    seconds = time.perf_counter() - started
    print(f"LoRA {args.d} → {args.r} → {args.d}, s_i = i^(−{args.alpha}), L0 = {model.minimum_loss:.6g} (exact), "
          f"{args.chains} chains × {args.sweeps} sweeps, {result.curve.settings['ladder_rungs']} rungs")  # fmt: skip
    print(f"{'n':>9} {'λ_eff − n·L0':>22} {'rel. se':>8} {'C':>20} {'F − n·L0':>30}  health")
    for p in result.curve.points:
        fe = "—" if p.free_energy is None else f"{p.free_energy.value - p.n * model.minimum_loss:.7g} ± {p.free_energy.stderr:.2g} ± {p.free_energy.quadrature:.1g}"
        print(f"{p.n:>9.3g} {p.excess!s:>22} {p.excess.stderr / p.excess.value:>8.2%} {p.heat_capacity!s:>20} {fe:>30}  "
              + ("ok" if p.healthy else "UNHEALTHY"))  # fmt: skip
    for line in result.findings():
        print(f"- {line}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall time {seconds:.1f} s ({seconds / len(ns):.1f} s per n; {result.curve.settings['sweeps_per_second']:,.0f} chain-sweeps/s), "
          f"peak memory {peak:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
