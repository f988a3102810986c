"""The ``dimension`` scenario: the power-law spectrum s_i = i^(−α) at growing d — how late does full-rank SLT set in?

For each d (hidden = d) the sampled λ_eff(n) (exact-kernel Gibbs) against the full-rank λ = d²/2, and how the first n
from which it stays within δ grows with d (expected ∝ 1/s_d² = d^(2α)). See docs/scenarios/dimension.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt

import theory
from numerics.spectra import power_law
from proofs_checks.comparison import crossing, fit_slope
from proofs_checks.executor import run_all
from proofs_checks.families.two_layer import SampledPoint
from proofs_checks.report import Column, Report, Table

Progress = Callable[[str], None] | None


def run(
    dims: Sequence[int] = (4, 8, 16, 32), alpha: float = 0.4, sizes: Sequence[float] = tuple(10.0 ** (k / 2) for k in range(2, 15)),
    tolerance: float = 0.05, seed: int = 0, chains: int = 8, steps: int = 2000, progress: Progress | None = None,
    executor: Any = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The ``dimension`` scenario: for each d (hidden = d), n* = the first n of the grid from which the sampled
    λ_eff stays within δ·λ + 2·se of the full-rank λ = d²/2 (None when not reached in the grid), and ``crossover``:
    where |λ_eff − λ| − δ·λ changes sign between the grid point before n* and n* (interpolated in log n, ±2 se)."""
    results = []
    for d in dims:
        spectrum = power_law(d, alpha)
        full = theory.reduced_rank(d, d, d, d)
        if progress:
            progress(f"d = {d}: Gibbs at {len(sizes)} values of n")
        specs = [{"task": "two-layer-gibbs", "singular_values": spectrum.tolist(), "inputs": d, "hidden": d, "outputs": d,
                  "n": float(n), "seed": seed + 100 * d + k, "chains": chains, "steps": steps} for k, n in enumerate(sizes)]  # fmt: skip
        curve = [SampledPoint.from_dict(r) for r in run_all(specs, executor)]
        ok = [abs(p.lambda_eff.value - float(full.lam)) <= tolerance * float(full.lam) + 2 * p.lambda_eff.stderr for p in curve]
        star, boundary = None, None
        if ok and ok[-1]:
            index = len(ok) - 1
            while index > 0 and ok[index - 1]:
                index -= 1
            star = float(sizes[index])
            if index:
                margin = [abs(p.lambda_eff.value - float(full.lam)) - tolerance * float(full.lam) for p in curve]
                boundary = crossing([float(n) for n in sizes], margin, [p.lambda_eff.stderr for p in curve], index - 1).as_dict()
        results.append({"d": d, "lambda": str(full.lam), "smallest_s": float(spectrum[-1]), "n_star": star, "crossover": boundary,
                        "curve": [p.as_dict() for p in curve]})  # fmt: skip
    return results


def report(dims: Sequence[int] = (4, 8, 16, 32), alpha: float = 0.4, tolerance: float = 0.05, seed: int = 0,
                     progress: Progress = None, executor: Any = None) -> Report:  # fmt: skip
    results = run(dims, alpha, tolerance=tolerance, seed=seed, progress=progress, executor=executor)
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    reached = [(r["d"], r["n_star"], r["crossover"]) for r in results if r["n_star"] is not None]
    stars = [c["n"] if c else n for _, n, c in reached]
    if reached:
        bars = [[n - (c["bracket"][0] if c else n) for (_, _, c), n in zip(reached, stars)],
                [(c["bracket"][1] if c else n) - n for (_, _, c), n in zip(reached, stars)]]
        ax.errorbar([d for d, _, _ in reached], stars, bars, fmt="o-", label="n* (sampled, interpolated; bars: grid bracket)")
        ax.plot([d for d, _, _ in reached], [stars[0] * (d / reached[0][0]) ** (2 * alpha) for d, _, _ in reached], "k:",
                label=f"∝ d^{2 * alpha:g} = 1/s_d²")  # fmt: skip
        ax.set_xscale("log"), ax.set_yscale("log")
    ax.set_xlabel("d"), ax.set_ylabel("n*"), ax.legend(fontsize=7)
    slope = fit_slope([math.log(d) for d, _, _ in reached], [math.log(n) for n in stars])
    columns = [Column("d", ""), Column("λ = d²/2", "exact"), Column("s_d", ""), Column("n* (first grid point)", "sampled"),
               Column("n* interpolated (±2 se; grid bracket)", "sampled")]  # fmt: skip
    rows = [[str(r["d"]), r["lambda"], f"{r['smallest_s']:.3g}", "not reached" if r["n_star"] is None else f"{r['n_star']:.3g}",
             "—" if not r["crossover"] else f"{r['crossover']['n']:.3g} ({r['crossover']['low']:.3g}–{r['crossover']['high']:.3g}; "
             f"{r['crossover']['bracket'][0]:.3g}–{r['crossover']['bracket'][1]:.3g})"] for r in results]  # fmt: skip
    if slope is None:
        findings = ["n* was reached for fewer than two d."]
    else:
        findings = [f"n* grows with d at slope {slope} on log–log axes (fitted over {slope.points} values of d; 1/s_d² gives {2 * alpha:g})."]
    settings = {"dims": list(dims), "alpha": alpha, "tolerance": tolerance, "seed": seed}
    return Report("slt-verifier: the dimension scenario", f"The power-law spectrum s_i = i^(−{alpha:g}) at growing d: how late does full-rank SLT set in?",
                  {"scenario": "dimension", "n_star_slope": None if slope is None else slope.as_dict(), "by_d": results}, findings,
                  [Table("n* against d", columns, rows)], [(fig, "The crossover n* against the dimension d.")], settings)  # fmt: skip
