"""The ``gap`` scenario: a small singular value stays invisible until n ~ 1/s².

A 2 × 1 × 2 linear model with target singular values (s, 0): the exact λ_eff(n) (``theory.two_layer_thermodynamics``)
and, when asked, the same curve sampled by exact Gibbs, against the rank-1 and rank-0 SLT predictions; n* as a
function of s (expected ~1/s²). Its polynomial side, K = x²y² + s²x², is exact too (the gap is then in the
multiplicity). Derivation and figures: docs/scenarios/gap.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import mpmath
import sympy

import theory
from proofs_checks.comparison import SLT, Comparison, compare, fit_slope, log_grid
from proofs_checks.executor import run_all
from proofs_checks.families.two_layer import SampledPoint
from proofs_checks.report import Column, Report, Table

Progress = Callable[[str], None] | None
REGIME_COLOURS = {SLT: "#2f855a", "crossover": "#b7791f", "pre-asymptotic": "#9b2c2c"}


def run(s: float, sizes: Sequence[str], tolerance: float = 0.05, dps: int = 8, sampled: bool = False, seed: int = 0,
        executor: Any = None) -> tuple[Comparison, list[SampledPoint]]:  # fmt: skip
    """The ``gap`` scenario at one s: the exact comparison and, with ``sampled``, the Gibbs curve; every
    point is a job of ``executor`` (``proofs_checks.executor``)."""
    model = {"singular_values": [s, 0.0], "inputs": 2, "hidden": 1, "outputs": 2}
    specs = [{"task": "two-layer-exact", **model, "singular_values": [repr(s), "0"], "n": str(n), "dps": dps} for n in sizes]
    if sampled:
        specs += [{"task": "two-layer-gibbs", **model, "n": float(n), "seed": seed + k} for k, n in enumerate(sizes)]
    results = run_all(specs, executor)
    points = [theory.ThermoPoint.from_dict(r) for r in results[: len(sizes)]]
    comparison = compare(points, theory.reduced_rank(2, 2, 1, 1), theory.reduced_rank(2, 2, 1, 0), tolerance)
    return comparison, [SampledPoint.from_dict(r) for r in results[len(sizes) :]]


def run_polynomial(s: float, sizes: Sequence[str], tolerance: float = 0.05, dps: int = 8, executor: Any = None) -> Comparison:
    """The polynomial side of ``gap``: K = x²y² + s²x² with N(0, 1) priors, exact (the x-integral is Gaussian,
    ``theory.fibred_quadratic_thermodynamics``), against the Newton values of K (λ = 1/2, m = 1 for s > 0)
    and of x²y² (λ = 1/2, m = 2). The gap is in the multiplicity: λ_eff(n) follows 1/2 − 1/log n until
    n ~ 1/s², then rises to 1/2."""
    square = sympy.nsimplify(repr(s)) ** 2
    specs = [{"task": "fibred-exact", "g": f"y**2 + {square}", "n": str(n), "dps": dps} for n in sizes]
    points = [theory.ThermoPoint.from_dict(r) for r in run_all(specs, executor)]
    truth = theory.newton_rlct(f"x**2*y**2 + ({square})*x**2", ["x", "y"]).coefficient
    apparent = theory.newton_rlct("x**2*y**2", ["x", "y"]).coefficient
    return compare(points, truth, apparent, tolerance)


def report(
    s_values: Sequence[float] = (0.1, 0.03, 0.01), n_min: float = 10, n_max: float = 1e6, per_decade: int = 4,
    tolerance: float = 0.05, dps: int = 8, sampled: bool = True, seed: int = 0, progress: Progress = None,
    executor: Any = None,
) -> Report:  # fmt: skip
    sizes = log_grid(n_min, n_max, per_decade)
    runs = []
    for s in s_values:
        if progress:
            progress(f"gap: s = {s:g}, {len(sizes)} exact points" + (" and Gibbs" if sampled else ""))
        runs.append(run(s, sizes, tolerance, dps, sampled, seed, executor))
    polynomial = []
    for s in s_values:
        if progress:
            progress(f"gap: x²y² + s²x² at s = {s:g}, {len(sizes)} exact points")
        polynomial.append(run_polynomial(s, sizes, tolerance, dps, executor))
    truth, apparent = runs[0][0].truth, runs[0][0].apparent
    stars = [None if c.n_star is None else (c.crossover.n if c.crossover else float(c.n_star)) for c, _ in runs]  # interpolated
    reached = [(s, n) for s, n in zip(s_values, stars) if n is not None]
    slope = fit_slope([math.log(1 / s) for s, _ in reached], [math.log(n) for _, n in reached])
    overshoots = [_overshoot(c, s) for (c, _), s in zip(runs, s_values)]
    constants = [(s, o["slt_constant"]) for s, o in zip(s_values, overshoots) if o["slt_constant"] is not None]
    constant_slope = fit_slope([math.log(1 / s**2) for s, _ in constants], [c for _, c in constants])

    fig1, ax = plt.subplots(figsize=(8, 4.8))
    ns = [float(n) for n in sizes]
    for (c, curve), s in zip(runs, s_values):
        effs = [float(r.exact.lambda_eff) for r in c.rows]
        line = ax.plot(ns, effs, label=f"exact λ_eff, s = {s:g}")[0]
        ax.scatter(ns, effs, c=[REGIME_COLOURS[r.regime] for r in c.rows], s=14, zorder=3)
        if curve:
            ax.errorbar([p.n for p in curve], [p.lambda_eff.value for p in curve], [2 * p.lambda_eff.stderr for p in curve],
                        fmt="x", color=line.get_color(), alpha=0.7, label=f"Gibbs λ_eff ± 2 se, s = {s:g}")  # fmt: skip
    ax.plot(ns, [float(truth.lam)] * len(ns), "k--", label=f"SLT rank 1: λ = {truth.lam}")
    ax.plot(ns, [float(x) for x in (r.apparent_lambda_eff for r in runs[0][0].rows)], "k:", label="SLT rank 0: 1 − 1/log n")
    ax.set_xscale("log"), ax.set_xlabel("n"), ax.set_ylabel("λ_eff(n) = dF/dlog n"), ax.legend(fontsize=7)
    ax.set_title("gap: exact and sampled λ_eff(n); dots coloured by regime (green SLT, amber crossover, red pre-asymptotic)", fontsize=8)

    fig2, (free, left, right) = plt.subplots(1, 3, figsize=(13, 3.6))
    for (c, _), s, n_star in zip(runs, s_values, stars):
        energies = [float(r.exact.free_energy) for r in c.rows]
        line = free.plot(ns, energies, label=f"exact F(n), s = {s:g}")[0]
        tail = [float(r.remainder) for r in c.rows if r.regime == SLT][-3:] or [float(c.rows[-1].remainder)]
        constant = sum(tail) / len(tail)  # SLT's O(1) constant, fitted where SLT holds
        free.plot(ns, [float(truth.lam) * math.log(n) + constant for n in ns], ":", color=line.get_color(),
                  label=f"(3/2)·log n + {constant:.2f}")  # fmt: skip
        if n_star is not None:
            for axis in (free, left):
                axis.axvspan(n_star, ns[-1], color=line.get_color(), alpha=0.08)
        left.plot(ns, [float(r.remainder) for r in c.rows], color=line.get_color(), label=f"s = {s:g}")
        right.plot([float(r.exact.lambda_eff) for r in c.rows], [float(r.exact.heat_capacity) for r in c.rows], ".-",
                   color=line.get_color(), label=f"s = {s:g}")  # fmt: skip
    free.set_xscale("log"), free.set_xlabel("n"), free.set_ylabel("F(n)"), free.legend(fontsize=6)
    free.set_title("free energy and the SLT curve (shaded: SLT regime, n ≥ n*)", fontsize=8)
    left.set_xscale("log"), left.set_xlabel("n"), left.set_ylabel("F(n) − (3/2)·log n"), left.legend(fontsize=7)
    left.set_title("the O(1) remainder of the rank-1 SLT free energy", fontsize=8)
    right.plot([0.6, 1.7], [0.6, 1.7], "k:", lw=0.8)
    right.set_xlabel("λ_eff (energy)"), right.set_ylabel("C (variance)"), right.legend(fontsize=7)
    right.set_title("heat capacity against energy: equal on a plateau", fontsize=8)

    fig4, ax4 = plt.subplots(figsize=(8, 4))
    for c, s in zip(polynomial, s_values):
        effs = [float(r.exact.lambda_eff) for r in c.rows]
        ax4.plot(ns, effs, label=f"exact λ_eff, s = {s:g}")
        ax4.scatter(ns, effs, c=[REGIME_COLOURS[r.regime] for r in c.rows], s=14, zorder=3)
    ax4.plot(ns, [0.5] * len(ns), "k--", label="SLT, s > 0: λ = 1/2, m = 1")
    ax4.plot(ns, [float(r.apparent_lambda_eff) for r in polynomial[0].rows], "k:", label="SLT, s = 0: 1/2 − 1/log n (m = 2)")
    ax4.set_xscale("log"), ax4.set_xlabel("n"), ax4.set_ylabel("λ_eff(n)"), ax4.legend(fontsize=7)
    ax4.set_title("the polynomial side: K = x²y² + s²x² (N(0, 1) priors), exact; the gap is in the multiplicity", fontsize=8)

    figures = [(fig1, "λ_eff(n) for each s against both SLT predictions."), (fig2, "F(n) with the SLT curve (constant fitted in the SLT regime), the O(1) remainder, and heat capacity vs energy.")]
    fig3, (ax3, collapse) = plt.subplots(1, 2, figsize=(11, 3.8))
    if reached:
        xs = [1 / s**2 for s, _ in reached]
        low = [n - runs[s_values.index(s)][0].crossover.bracket[0] if runs[s_values.index(s)][0].crossover else 0 for s, n in reached]
        high = [runs[s_values.index(s)][0].crossover.bracket[1] - n if runs[s_values.index(s)][0].crossover else 0 for s, n in reached]
        ax3.errorbar(xs, [n for _, n in reached], [low, high], fmt="o-", label=f"n* (interpolated; bars: grid bracket), δ = {tolerance:g}")
        ax3.loglog(xs, [reached[0][1] * x / xs[0] for x in xs], "k:", label="∝ 1/s²")
        ax3.set_xscale("log"), ax3.set_yscale("log")
    ax3.set_xlabel("1/s²"), ax3.set_ylabel("n*"), ax3.legend(fontsize=7)
    ax3.set_title("the crossover n* against 1/s²", fontsize=8)
    for (c, _), s in zip(runs, s_values):
        collapse.plot([float(r.n) * s**2 for r in c.rows], [float(r.exact.lambda_eff) for r in c.rows], ".-", label=f"s = {s:g}")
    collapse.axhline(float(truth.lam), color="k", ls="--", lw=0.8)
    collapse.set_xscale("log"), collapse.set_xlabel("n·s²"), collapse.set_ylabel("λ_eff (exact)"), collapse.legend(fontsize=7)
    collapse.set_title("scaling collapse: λ_eff against n·s²", fontsize=8)
    figures.append((fig3, "The crossover n* against 1/s², and λ_eff against n·s²: the curves for different s fall on one."))
    figures.append((fig4, "The polynomial side of the gap scenario."))

    tables = []
    for (c, curve), s in zip(runs, s_values):
        columns = [Column("n", ""), Column("λ_eff(n)", "arbitrary precision"), Column("C(n)", "arbitrary precision"),
                   Column("λ − (m−1)/log n", "asymptotic"), Column("remainder", "asymptotic")]  # fmt: skip
        if curve:
            columns.append(Column("Gibbs λ_eff ± se", "sampled"))
        columns.append(Column("regime", ""))
        rows = []
        for k, r in enumerate(c.rows):
            row = [mpmath.nstr(r.n, 4), mpmath.nstr(r.exact.lambda_eff, 6), mpmath.nstr(r.exact.heat_capacity, 6),
                   mpmath.nstr(r.slt_lambda_eff, 4), mpmath.nstr(r.remainder, 4)]  # fmt: skip
            if curve:
                row.append(f"{curve[k].lambda_eff.value:.4g} ± {curve[k].lambda_eff.stderr:.2g}")
            rows.append(row + [r.regime])
        star = "not reached" if c.n_star is None else mpmath.nstr(c.n_star, 4)
        tables.append(Table(f"s = {s:g}: n* = {star}", columns, rows))

    findings = [f"s = {s:g}: the SLT regime (within {tolerance:.0%} of λ = {truth.lam}) starts at n* = " + (
        "not reached in the grid" if n is None else f"{n:.3g} (" + (
            f"interpolated in log n between the exact points {c.crossover.bracket[0]:.3g} and {c.crossover.bracket[1]:.3g}; "
            if c.crossover else "the grid's first point; ") + f"n*·s² = {n * s**2:.3g})")
        for (c, _), s, n in zip(runs, s_values, stars)]  # fmt: skip
    if slope is not None:
        findings.append(f"log n* grows with log(1/s) at a fitted slope of {slope}; 2 would be n* ∝ 1/s²: a small singular value "
                        "is invisible until n ~ 1/s².")  # fmt: skip
    prefactors = [n * s**2 for s, n in reached]
    if prefactors:
        findings.append(f"Scaling collapse: λ_eff depends on n·s² alone as s → 0, with n*·s² = {', '.join(f'{p:.3g}' for p in prefactors)} "
                        f"for s = {', '.join(f'{s:g}' for s, _ in reached)} (interpolated): the crossover is n* ≈ {sum(prefactors) / len(prefactors):.3g}/s².")  # fmt: skip
    findings.append("x²y² + s²x²: the SLT regime (λ = 1/2, m = 1) starts at n* = "
                    + ", ".join("not reached" if c.n_star is None else str(c.crossover or mpmath.nstr(c.n_star, 4)) for c in polynomial)
                    + " for s = " + ", ".join(f"{s:g}" for s in s_values) + ".")  # fmt: skip
    findings.append(f"λ_eff overshoots the SLT value {truth.lam} before settling (maxima "
                    + ", ".join(f"{o['peak']:.3f} at n·s² = {o['peak_ns2']:.3g}" for o in overshoots) + ", exact). The overshoot pays "
                    "for a shift of F's O(1) constant: the SLT curve λ·log n + c(s) that F joins above n* sits lower the smaller s, and "
                    "the area ∫(λ_eff − λ) dlog n above λ equals the remainder's climb to c(s) (areas "
                    + ", ".join(f"{o['area']:.3f}" for o in overshoots) + ")." + (
                        f" c(s) moves with log(1/s²) at a fitted slope of {constant_slope}; the leading-order collapse "
                        "F − F_apparent = Φ(n·s²) with Φ ~ ½·log(n·s²) gives −1/2." if constant_slope else ""))  # fmt: skip
    data = {"scenario": "gap", "n_star_slope": None if slope is None else slope.as_dict(), "overshoot": overshoots,
            "slt_constant_slope": None if constant_slope is None else constant_slope.as_dict(),
            "polynomial": [{"s": s, "expression": f"x**2*y**2 + {s!r}**2*x**2", **c.as_dict()} for s, c in zip(s_values, polynomial)],
            "by_s": [{"s": s, **c.as_dict(), "sampled": [p.as_dict() for p in curve]} for s, (c, curve) in zip(s_values, runs)]}  # fmt: skip
    settings = {"s": list(s_values), "n_grid": [n_min, n_max, per_decade], "tolerance": tolerance, "digits": dps,
                "sampled": sampled, "seed": seed, "gibbs": {"chains": 8, "steps": 2000, "burn_in": 400}}  # fmt: skip
    summary = (f"A 2-input, 1-hidden, 2-output linear model (unit Gaussian priors) whose target has singular values (s, 0): "
               f"rank 1 (λ = {truth.lam}, m = {truth.multiplicity}) for s > 0, yet it looks rank 0 (λ = {apparent.lam}, "
               f"m = {apparent.multiplicity}) until n ~ 1/s².")  # fmt: skip
    return Report("slt-verifier: the gap scenario", summary, data, findings, tables, figures, settings)


def _overshoot(comparison: Any, s: float) -> dict[str, Any]:
    """The overshoot of λ_eff above the SLT value: its peak and n·s² there, the area ∫(λ_eff − λ) dlog n where λ_eff > λ (trapezoid on the exact points),
    and the SLT constant c = mean remainder over the last three points in the SLT regime (None when fewer)."""
    rows = comparison.rows
    lam = float(comparison.truth.lam)
    logs = [math.log(float(r.n)) for r in rows]
    excess = [max(0.0, float(r.exact.lambda_eff) - lam) for r in rows]
    area = sum((b - a) * (x + y) / 2 for a, b, x, y in zip(logs, logs[1:], excess, excess[1:]))
    peak = max(rows, key=lambda r: float(r.exact.lambda_eff))
    tail = [float(r.remainder) for r in rows if r.regime == SLT][-3:]
    return {"s": s, "peak": float(peak.exact.lambda_eff), "peak_n": float(peak.n), "peak_ns2": float(peak.n) * s**2, "area": area,
            "slt_constant": sum(tail) / len(tail) if len(tail) == 3 else None, "kind": "arbitrary precision; area by trapezoid in log n"}


def example_report(progress: Progress = None, executor: Any = None) -> Report:
    """The built-in example: the gap scenario on a small grid, exact and sampled (about a minute on 2 cores)."""
    return report((0.1, 0.03), n_min=10, n_max=1e5, per_decade=3, dps=6, sampled=True, seed=0, progress=progress, executor=executor)


