"""Figures, tables and findings of the LoRA question (:mod:`proofs_checks.scenarios.lora`) as reports."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from proofs_checks.comparison import Slope, fit_slope
from proofs_checks.report import Column, Report, Table
from proofs_checks.scenarios.lora import DEFAULT_TOLERANCE, SWITCH_ON, LoraResult, Progress, TruncationVerdict, lora_map


def report(result: LoraResult) -> Report:
    """A :class:`proofs_checks.report.Report`: λ_eff(n) with error bands against the truncations and their misfits,
    F with SLT's curve, the alignment of each direction and its threshold, the spectrum with its fit; tables of the
    curve, the truncations' windows, the local exponents and the thresholds; the findings in sentences."""
    model, curve = result.model, result.curve
    shown = _shown_truncations(result)
    figures = [_curve_figure(result, shown)]
    if any(p.free_energy is not None for p in curve.points):
        figures.append(_free_energy_figure(result))
    if result.thresholds:
        figures.append(_threshold_figure(result))
    figures.append(_spectrum_figure(result))
    settings = {"model": model.as_dict(), "tolerance": result.tolerance, "n": [p.n for p in curve.points], **curve.settings}
    return Report("slt-verifier: the LoRA question", _summary(result), {"scenario": "lora", **result.as_dict()}, result.findings(),
                  _tables(result, shown), figures, settings)  # fmt: skip


def _curve_figure(result: LoraResult, shown: list[TruncationVerdict]) -> tuple[plt.Figure, str]:
    model, curve = result.model, result.curve
    ns = np.array([p.n for p in curve.points])
    healthy = np.array([p.healthy for p in curve.points])
    lam = np.array([p.lambda_eff.value for p in curve.points])
    lam_se = np.array([p.lambda_eff.stderr for p in curve.points])
    excess = np.array([p.excess.value for p in curve.points])
    fig1, (left, middle, right) = plt.subplots(1, 3, figsize=(16, 4.6))
    own, realizable = result.truncations[-1], result.truncations[min(model.hidden, model.rank)]
    grid = np.geomspace(ns[0], ns[-1], 200)
    left.fill_between(ns, lam - 2 * lam_se, lam + 2 * lam_se, alpha=0.3, color="C0")
    left.plot(ns, lam, "o-", color="C0", ms=3, label=f"truth λ_eff = n·E_n[K] ± 2 se ({curve.kind})")
    if not healthy.all():
        left.plot(ns[~healthy], lam[~healthy], "rx", ms=8, label="unhealthy (left out)")
    left.plot(grid, [own.lambda_eff(n) for n in grid], "k:", label=f"own SLT: n·L0 + {own.lam}")
    left.plot(grid, [realizable.lambda_eff(n) for n in grid], "k--", lw=0.8, label=f"truncation i0 = r: {realizable.lam}")
    left.set_xscale("log"), left.set_yscale("log"), left.set_xlabel("n"), left.set_ylabel("λ_eff(n) = dF/dlog n"), left.legend(fontsize=7)
    left.set_title("the reading λ_eff = n·E_n[K] (carries n·L0)", fontsize=8)
    middle.plot(ns, excess, "o-", ms=3, label="λ_eff − n·L0 (excess)")
    middle.plot(ns, [p.heat_capacity.value for p in curve.points], "s--", ms=3, alpha=0.7, label="C(n) = n²·Var_n[K]")
    for cut in {v.truncation.lam: v.truncation for v in shown}.values():
        middle.axhline(float(cut.lam), color="grey", lw=0.6, ls=":")
        middle.text(ns[0], float(cut.lam), f" λ = {cut.lam}", fontsize=6, va="bottom")
    middle.set_xscale("log"), middle.set_yscale("log"), middle.set_xlabel("n"), middle.legend(fontsize=7)
    middle.set_title("the excess and the heat capacity against SLT's λ values", fontsize=8)
    delta = result.tolerance
    right.axhspan(-delta, delta, color="#2f855a", alpha=0.15, label=f"±δ = {delta:.0%}")
    for colour, verdict in zip(plt.cm.viridis(np.linspace(0, 0.9, len(shown))), shown):
        cut = verdict.truncation
        misfit = [(p.lambda_eff.value - cut.lambda_eff(p.n)) / float(cut.lam) for p in curve.points]
        right.plot(ns, np.clip(misfit, -1, 1), "o-", ms=2, lw=1, color=colour, label=f"i0 = {cut.i0} (λ = {cut.lam})")
    right.set_xscale("log"), right.set_ylim(-1.05, 1.05), right.set_xlabel("n"), right.legend(fontsize=6)
    right.set_ylabel("(λ_eff − n·L0(i0) − λ(i0))/λ(i0), clipped to ±1")
    right.set_title("each truncation's misfit: its windows are where it sits in the band", fontsize=8)
    caption = ("λ_eff(n) with its ±2-se band; the excess λ_eff − n·L0 and C(n) against λ values; each shown truncation's relative "
               "misfit against the ±δ band (the landmarks i0 = 0, r/2, r, 2r, rank and the four longest windows).")  # fmt: skip
    return fig1, caption



def _free_energy_figure(result: LoraResult) -> tuple[plt.Figure, str]:
    model, curve = result.model, result.curve
    grid = np.geomspace(curve.points[0].n, curve.points[-1].n, 200)
    fig2, ax = plt.subplots(figsize=(7, 4))
    fe = [(p.n, p.free_energy.value - p.n * model.minimum_loss) for p in curve.points if p.free_energy is not None]
    ax.plot([n for n, _ in fe], [f for _, f in fe], "o-", ms=3, label="F(n) − n·L0 (truth)")
    own = result.truncations[-1]
    logs = np.log(grid)
    ax.plot(grid, float(own.lam) * logs, "k:", label=f"λ·log n, λ = {own.lam} (SLT, up to O(1))")
    ax.set_xscale("log"), ax.set_xlabel("n"), ax.set_ylabel("F(n) − n·L0"), ax.legend(fontsize=7)
    ax.set_title("the free energy itself (thermodynamic integration)", fontsize=8)
    return fig2, "F(n) − n·L0 against SLT's λ·log n (SLT leaves the O(1) constant unpredicted)."


def _threshold_figure(result: LoraResult) -> tuple[plt.Figure, str]:
    curve = result.curve
    fig3, (ax, bx) = plt.subplots(1, 2, figsize=(12, 4))
    points = [p for p in curve.points if p.alignment is not None]
    count = len(result.thresholds)
    for i in range(count):
        colour = plt.cm.plasma(i / max(1, count - 1) * 0.9)
        ax.plot([p.n for p in points], [p.alignment[0][i] for p in points], "-", color=colour, lw=1,
                label=f"i = {i + 1}" if i in (0, count - 1) else None)  # fmt: skip
    ax.axhline(SWITCH_ON, color="k", lw=0.6, ls=":")
    ax.set_xscale("log"), ax.set_xlabel("n"), ax.set_ylabel("E_n[(B·A)_ii]/s_i"), ax.legend(fontsize=7)
    ax.set_title("alignment of each singular direction (dotted: switched on)", fontsize=8)
    crossed = [t for t in result.thresholds if t.prefactor is not None]
    if crossed:
        bx.errorbar([t.s for t in crossed], [t.boundary.n for t in crossed],
                    [[t.boundary.n - t.boundary.low for t in crossed], [t.boundary.high - t.boundary.n for t in crossed]], fmt="o",
                    label="threshold n_i (sampled)")  # fmt: skip
        xs = np.array([t.s for t in crossed])
        bx.plot(xs, 1 / xs**2, "k:", label="1/s² (SLT's heuristic)")
        bx.set_xscale("log"), bx.set_yscale("log"), bx.set_xlabel("s_i/σ"), bx.set_ylabel("n_i"), bx.legend(fontsize=7)
    bx.set_title("visibility thresholds against 1/s²", fontsize=8)
    return fig3, "When each direction switches on, against SLT's n ~ 1/s²."


def _spectrum_figure(result: LoraResult) -> tuple[plt.Figure, str]:
    model = result.model
    fig4, ax = plt.subplots(figsize=(6, 4))
    index = np.arange(1, model.rank + 1)
    ax.loglog(index, np.asarray(model.singular_values[: model.rank]), ".", ms=3, label="singular values")
    ax.axvline(model.hidden + 0.5, color="grey", ls="--", lw=0.8, label=f"r = {model.hidden}")
    if model.source.get("kind") == "matrix":
        fit = model.source["power_law"]
        low, high = fit["bulk"]
        xs = np.arange(low, high + 1)
        ax.loglog(xs, fit["scale"] * xs ** -fit["alpha"], "r-", label=f"fit α = {fit['alpha']:.3f} on i = {low}..{high}")
    ax.set_xlabel("i"), ax.set_ylabel("s_i"), ax.legend(fontsize=7)
    ax.set_title("the target's spectrum", fontsize=8)
    return fig4, "The spectrum (and, for a user's matrix, its fitted power law over the bulk)."


def _tables(result: LoraResult, shown: list[TruncationVerdict]) -> list[Table]:
    curve = result.curve
    rows = []
    for p in curve.points:
        best = min(result.verdicts, key=lambda v: abs(p.lambda_eff.value - v.truncation.lambda_eff(p.n)) / max(float(v.truncation.lam), 1e-300))
        misfit = (p.lambda_eff.value - best.truncation.lambda_eff(p.n)) / float(best.truncation.lam)
        rows.append([f"{p.n:.3g}", "—" if p.free_energy is None else str(p.free_energy), str(p.lambda_eff), str(p.excess),
                     str(p.heat_capacity), str(best.truncation.i0), f"{misfit:+.1%}", "ok" if p.healthy else "UNHEALTHY"])  # fmt: skip
    kind = curve.kind
    curve_table = Table("the truth and the nearest truncation", [
        Column("n", ""), Column("F(n)", kind), Column("λ_eff = n·E_n[K]", kind), Column("λ_eff − n·L0", kind),
        Column("C(n)", kind), Column("nearest i0", ""), Column("misfit", ""), Column("health", "")], rows)  # fmt: skip
    cut_rows = [[str(v.truncation.i0), str(v.truncation.lam), str(v.truncation.multiplicity), f"{v.truncation.minimum_loss:.6g}",
                 "; ".join(str(w) for w in v.windows) or "none", f"{v.decades:.2f}"] for v in shown]  # fmt: skip
    cut_table = Table(f"truncations and their windows (δ = {result.tolerance:.0%}; landmarks and the four longest windows, all "
                      f"{len(result.verdicts)} in the JSON)", [Column("i0", ""), Column("λ(i0)", "exact"), Column("m", "exact"),
                      Column("L0(i0)", "exact"), Column("windows", "interpolated ± 2 se"), Column("decades", "")], cut_rows)  # fmt: skip
    exponent_rows = [[f"{e.low:.3g}–{e.high:.3g}", str(e.slope), {True: "yes", False: "no", None: "—"}[e.consistent_with_plateau]]
                     for e in result.exponents]  # fmt: skip
    tables = [curve_table, cut_table,
              Table("local exponent of λ_eff − n·L0 over runs of a decade (SLT: 0)", [Column("n", ""), Column("exponent", "fitted"),
                    Column("0 inside the CI", "")], exponent_rows)]  # fmt: skip
    if result.thresholds:
        tables.append(Table("visibility thresholds", [Column("i", ""), Column("s_i/σ", ""), Column("n_i", "sampled"),
                            Column("n_i·s_i²/σ²", "sampled")],
                            [[str(t.i), f"{t.s:.4g}", str(t.boundary) if t.boundary else t.state,
                              "—" if t.prefactor is None else f"{t.prefactor[0]:.3g} ({t.prefactor[1]:.3g}–{t.prefactor[2]:.3g})"]
                             for t in result.thresholds]))  # fmt: skip
    return tables


def _summary(result: LoraResult) -> str:
    model = result.model
    src = model.source
    described = {"power law": lambda: f"s_i = {src['scale']:g}·i^(−{src['alpha']:g})", "matrix": lambda: f"the spectrum of {src['path']}"
                 + (f":{src['tensor']}" if src.get("tensor") else ""), "singular values": lambda: "the given singular values"}[src["kind"]]()  # fmt: skip
    return (f"A {model.inputs} → {model.hidden} → {model.outputs} linear model (LoRA rank r = {model.hidden}), loss "
               f"½‖B·A − M‖²/σ² with σ = {model.noise:g}, N(0, {model.prior_var:g}) priors, target {described}: does any truncation "
               "of the spectrum describe the Bayesian free energy to first order?")  # fmt: skip


def _shown_truncations(result: LoraResult) -> list[TruncationVerdict]:
    """Landmarks (i0 = 0, r/2, r, 2r, the full rank) and the four truncations with the longest windows."""
    r, rank = result.model.hidden, result.model.rank
    longest = sorted((v for v in result.verdicts if v.windows), key=lambda v: -v.decades)[:4]
    marks = {0, r // 2, r, min(2 * r, rank), rank} | {v.truncation.i0 for v in longest}
    return [v for v in result.verdicts if v.truncation.i0 in marks]


def _i0_ranges(i0s: Sequence[int]) -> str:
    """[0, 1, 253, 254, 255] → "0–1, 253–255"."""
    parts: list[list[int]] = []
    for i in i0s:
        if parts and i == parts[-1][-1] + 1:
            parts[-1].append(i)
        else:
            parts.append([i])
    return ", ".join(str(p[0]) if len(p) == 1 else f"{p[0]}–{p[-1]}" for p in parts) or "none"


def map_report(dims: Sequence[int], ranks: Sequence[int], alphas: Sequence[float], ns: Sequence[float], tolerance: float = DEFAULT_TOLERANCE,
               progress: Progress | None = None, **options: object) -> Report:  # fmt: skip
    """The map of :func:`lora_map` as a report: a holds/fails grid per α, the own SLT value's onset and the visibility
    prefactor against d (with the fitted slope of log prefactor on log d)."""
    rows = lora_map(dims, ranks, alphas, ns, tolerance, progress, **options)
    fig, axes = plt.subplots(1, len(alphas) + 1, figsize=(4 * (len(alphas) + 1), 3.6), squeeze=False)
    for ax, alpha in zip(axes[0], alphas):
        for row in (r for r in rows if r["alpha"] == alpha):
            colour = "#2f855a" if row["claim_holds"] else "#9b2c2c"
            ax.scatter(row["d"], row["r"], s=260, c=colour, marker="s")
            ax.text(row["d"], row["r"], "holds" if row["claim_holds"] else "fails", fontsize=6, ha="center", va="center", color="white")
        ax.set_xscale("log", base=2), ax.set_yscale("log", base=2), ax.set_xlabel("d"), ax.set_ylabel("r")
        ax.set_title(f"α = {alpha:g}: the claim (green holds, red fails)", fontsize=8)
    ax = axes[0][-1]
    for r in ranks:
        chosen = [row for row in rows if row["r"] == r and row["median_prefactor"]]
        ax.loglog([row["d"] for row in chosen], [row["median_prefactor"] for row in chosen], "o", label=f"r = {r}", alpha=0.7)
    ax.set_xlabel("d"), ax.set_ylabel("median n_i·s_i²/σ²"), ax.legend(fontsize=7)
    ax.set_title("visibility prefactor against d (SLT's heuristic: 1)", fontsize=8)
    known = [row for row in rows if row["median_prefactor"]]
    slope = fit_slope([math.log(row["d"]) for row in known], [math.log(row["median_prefactor"]) for row in known]) if len(known) > 2 else None
    columns = [Column("d", ""), Column("r", ""), Column("α", ""), Column("claim", ""), Column("truncations holding ≥ 1 decade", "exact λ; sampled windows"),
               Column("own SLT value holds from n", "sampled"), Column("largest local exponent", "fitted"),
               Column("median n_i·s_i²", "sampled"), Column("unhealthy points", "")]  # fmt: skip
    table = [[str(row["d"]), str(row["r"]), f"{row['alpha']:g}", "holds" if row["claim_holds"] else "fails",
              _i0_ranges([h["i0"] for h in row["holding"]]), "never" if row["own_slt_from"] is None else f"{row['own_slt_from']:.3g}",
              "—" if row["largest_exponent"] is None else str(Slope.from_dict(row["largest_exponent"])),
              "—" if row["median_prefactor"] is None else f"{row['median_prefactor']:.3g}", str(row["unhealthy"])] for row in rows]  # fmt: skip
    holds = [row for row in rows if row["claim_holds"]]
    findings = [f"The claim (no truncation within δ = {tolerance:.0%} over a decade of n in {ns[0]:.3g}–{ns[-1]:.3g}) holds in {len(holds)} of "
                f"{len(rows)} cases" + (": " + ", ".join(f"d = {r['d']}, r = {r['r']}, α = {r['alpha']:g}" for r in holds) if holds else "") + "."]  # fmt: skip
    onsets = [row for row in rows if row["own_slt_from"] is not None]
    if onsets:
        findings.append("The unrealizable model's own SLT value takes over (sampled, δ window start) from n = "
                        + ", ".join(f"{r['own_slt_from']:.2g} (d = {r['d']}, r = {r['r']}, α = {r['alpha']:g})" for r in onsets[:12])
                        + (" …" if len(onsets) > 12 else "") + ".")  # fmt: skip
    if slope is not None:
        findings.append(f"The visibility prefactor n_i·s_i²/σ² grows with d like d^{slope} (fitted over {slope.points} cases, medians per case): "
                        "a direction switches on later than SLT's 1/s² by a factor that grows with the width.")  # fmt: skip
    bad = sum(row["unhealthy"] for row in rows)
    if bad:
        findings.append(f"{bad} points were unhealthy (not mixed) and were left out of the verdicts; rerun with more --sweeps.")
    settings = {"dims": list(dims), "ranks": list(ranks), "alphas": list(alphas), "n": list(ns), "tolerance": tolerance, **options}
    return Report("slt-verifier: where the LoRA claim holds", "Power-law targets s_i = i^(−α) on d × d, LoRA rank r < d, σ = 1, unit priors: "
                  "one exact-kernel Gibbs curve per case against every truncation of the spectrum.",
                  {"scenario": "lora-map", "cases": rows, "prefactor_slope": None if slope is None else slope.as_dict()}, findings,
                  [Table("the map", columns, table)], [(fig, "The claim per (d, r, α), and the visibility prefactor against d.")], settings)  # fmt: skip
