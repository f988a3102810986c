"""The report of the modular-addition scenario (``proofs_checks.scenarios.modular_addition``): figures, tables, findings."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from proofs_checks.report import Column, Report, Table
from proofs_checks.scenarios import modular_addition
from proofs_checks.scenarios.modular_addition import ModularConfig

Progress = Callable[[str], None] | None
PHASE_COLOURS = {"generalising": "#2b6cb0", "memorising": "#c05621"}
MARKERS = "osD^v<>"


def _value(estimate: dict[str, Any]) -> tuple[float, float]:
    value, stderr = estimate["value"], estimate["stderr"]
    return (math.nan if value is None else value), (math.nan if stderr is None else stderr)


def _cell(estimate: dict[str, Any], scale: float = 1.0) -> str:
    value, stderr = _value(estimate)
    return f"{value / scale:.4g} ± {stderr / scale:.2g}"


def _nbeta_ticks(axis: plt.Axes, nbetas: list[float]) -> None:
    """Label a log nβ axis at the ladder's rungs only (the default minor labels collide)."""
    axis.xaxis.set_minor_formatter(NullFormatter())
    axis.set_xticks(nbetas, [f"{v:.3g}" for v in nbetas])


def _by_group(data: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each analysed (p, phase) group with its jobs, in width order."""
    return [(g, modular_addition.group_jobs(data["jobs"], g["p"], g["phase"])) for g in data["groups"]]


def _extensivity_figure(data: dict[str, Any]) -> plt.Figure:
    figure, (total, per_neuron) = plt.subplots(1, 2, figsize=(12, 4.2))
    primes = sorted({g["p"] for g in data["groups"]})
    for group, jobs in _by_group(data):
        colour, marker = PHASE_COLOURS[group["phase"]], MARKERS[primes.index(group["p"]) % len(MARKERS)]
        widths = np.array([j["width"] for j in jobs], dtype=float)
        headline = [modular_addition._headline(j) for j in jobs]
        values = np.array([_value(h["llc"]) for h in headline])
        healthy = np.array([modular_addition.trusted(h) for h in headline])
        label = f"p = {group['p']}, {group['phase']}"
        for axis, scale in ((total, np.ones_like(widths)), (per_neuron, widths)):
            axis.errorbar(widths[healthy], values[healthy, 0] / scale[healthy], 2 * values[healthy, 1] / scale[healthy],
                          fmt=marker, color=colour, label=label + " (trusted, ± 2 se)" if axis is total else label)  # fmt: skip
            if (~healthy).any():
                axis.scatter(widths[~healthy], values[~healthy, 0] / scale[~healthy], marker=marker, facecolors="none",
                             edgecolors=colour, label=f"{label}: untrusted, not fitted" if axis is total else None)  # fmt: skip
        fit = group["extensivity"]["fit"]
        if fit is not None:
            grid = np.linspace(0, widths.max() * 1.05, 50)
            total.plot(grid, fit["intercept"] + fit["slope"] * grid, "--", color=colour,
                       label=f"fit: slope {fit['slope']:.3g} ± {fit['slope_stderr']:.2g} per neuron")  # fmt: skip
    total.set_xlabel("width N"), total.set_ylabel("λ̂ at nβ = n/log n (sampled)"), total.legend(fontsize=7)
    per_neuron.set_xscale("log", base=2), per_neuron.set_xlabel("width N"), per_neuron.set_ylabel("λ̂ / N")
    per_neuron.set_title("extensive in N ⇔ flat", fontsize=9), per_neuron.legend(fontsize=7)
    return figure


def _ladder_panels(data: dict[str, Any], draw: Callable[[plt.Axes, dict[str, Any], Any], None], ylabel: str,
                   title: str, log_y: bool = False) -> plt.Figure:  # fmt: skip
    """One panel per (p, phase) with one curve per width against the nβ ladder; ``draw(axis, job, colour)``
    draws a width's curve, and the panel is titled ``title`` after "p = …, phase"."""
    groups = _by_group(data)
    figure, axes = plt.subplots(1, len(groups), figsize=(5.5 * len(groups), 4), squeeze=False)
    for axis, (group, jobs) in zip(axes[0], groups):
        for colour, job in zip(plt.cm.viridis(np.linspace(0, 0.9, len(jobs))), jobs):
            draw(axis, job, colour)
        axis.set_xscale("log"), axis.set_xlabel("nβ"), axis.set_ylabel(ylabel)
        if log_y:
            axis.set_yscale("log")
        _nbeta_ticks(axis, [r["nbeta"] for r in jobs[0]["rungs"]])
        axis.set_title(f"p = {group['p']}, {group['phase']}{title}", fontsize=9)
        axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def _temperature_figure(data: dict[str, Any]) -> plt.Figure:
    def draw(axis: plt.Axes, job: dict[str, Any], colour: Any) -> None:
        nbetas = np.array([r["nbeta"] for r in job["rungs"]])
        values = np.array([_value(r["llc"]) for r in job["rungs"]])
        used = np.array([modular_addition.trusted(r) for r in job["rungs"]])
        axis.errorbar(nbetas[used], values[used, 0], 2 * values[used, 1], fmt="o-", color=colour, label=f"N = {job['width']}")
        if (~used).any():
            axis.scatter(nbetas[~used], values[~used, 0], facecolors="none", edgecolors=colour)

    return _ladder_panels(data, draw, "λ̂ (sampled, ± 2 se)", ": SLT regime ⇔ flat in nβ", log_y=True)


def _rows_figure(data: dict[str, Any]) -> plt.Figure:
    groups = _by_group(data)
    figure, axes = plt.subplots(2, len(groups), figsize=(5.5 * len(groups), 7), squeeze=False)
    for column, (group, jobs) in enumerate(groups):
        colours = plt.cm.viridis(np.linspace(0, 0.9, len(jobs)))
        for row, name in enumerate(modular_addition.STATISTICS):
            axis = axes[row, column]
            for colour, job in zip(colours, jobs):
                values = np.sort(job["neurons"][name])
                fractions = np.arange(1, len(values) + 1) / len(values)
                axis.step(values, fractions, where="post", color=colour, label=f"N = {job['width']}")
            axis.set_xlabel(f"per-neuron Fourier {name.replace('_', ' ')}")
            axis.set_ylabel("fraction of neurons (ECDF)")
            axis.set_title(f"p = {group['p']}, {group['phase']}: mean field ⇔ curves coincide", fontsize=9)
            axis.legend(fontsize=7)
    figure.tight_layout()
    return figure


def _free_energy_figure(data: dict[str, Any]) -> plt.Figure:
    ladders = {(g["p"], g["phase"], entry["width"]): entry["ladder"] for g in data["groups"] for entry in g["free_energy"]}

    def draw(axis: plt.Axes, job: dict[str, Any], colour: Any) -> None:
        ladder = ladders[(job["p"], job["phase"], job["width"])]
        nbetas = np.array([r["nbeta"] for r in ladder])
        values = np.array([_value(r["free_energy_increment"]) for r in ladder])
        axis.errorbar(nbetas, values[:, 0], 2 * values[:, 1], fmt="o-", color=colour, label=f"N = {job['width']}")
        lam = _value(modular_addition._headline(job)["llc"])[0]
        axis.plot(nbetas, lam * np.log(nbetas / nbetas[0]), ":", color=colour)

    return _ladder_panels(data, draw, "F(nβ) − F(nβ₁) (sampled, ± 2 se)", "; dotted: one λ = λ̂(n/log n)")


def _tables(data: dict[str, Any]) -> list[Table]:
    networks = Table("networks at nβ = n/log n", [
        Column("p", ""), Column("phase", ""), Column("N", ""), Column("parameters d", ""), Column("n (train pairs)", ""),
        Column("train acc", ""), Column("test acc", ""), Column("λ̂", "sampled"), Column("C", "sampled"),
        Column("λ̂ / N", "sampled"), Column("d/2 (upper bound on λ)", "exact"), Column("trusted rungs", ""),
    ], [])  # fmt: skip
    ladder = Table("temperature ladder", [
        Column("p", ""), Column("phase", ""), Column("N", ""), Column("nβ", ""), Column("λ̂", "sampled"), Column("C", "sampled"),
        Column("energy E[n·L_n]", "sampled"), Column("F(nβ) − F(nβ₁)", "sampled"), Column("MALA acceptance", "sampled"), Column("trusted", ""),
    ], [])  # fmt: skip
    for group, jobs in _by_group(data):
        ladders = {entry["width"]: entry["ladder"] for entry in group["free_energy"]}
        for job in jobs:
            head = modular_addition._headline(job)
            networks.rows.append([str(job["p"]), job["phase"], str(job["width"]), str(job["parameters"]), str(job["n"]),
                                  f"{job['train_accuracy']:.3f}", f"{job['test_accuracy']:.3f}", _cell(head["llc"]),
                                  _cell(head["heat_capacity"]), _cell(head["llc"], job["width"]), f"{job['parameters'] / 2:g}",
                                  f"{sum(modular_addition.trusted(r) for r in job['rungs'])}/{len(job['rungs'])}"])  # fmt: skip
            for rung, free in zip(job["rungs"], ladders[job["width"]]):
                ladder.rows.append([str(job["p"]), job["phase"], str(job["width"]), f"{rung['nbeta']:.4g}", _cell(rung["llc"]),
                                    _cell(rung["heat_capacity"]), _cell(rung["energy"]), _cell(free["free_energy_increment"]),
                                    f"{rung['mala_acceptance']:.3f}", "yes" if modular_addition.trusted(rung) else "no: " + "; ".join(rung["warnings"])])  # fmt: skip
    return [networks, ladder]


def report(
    config: ModularConfig | None = None, progress: Progress = None, executor: Any = None
) -> Report:
    """Train, sample and analyse the grid of ``config`` (defaults: ``ModularConfig()``), then build the report."""
    config = config or ModularConfig()
    data = modular_addition.run(config, executor, progress)
    figures = [
        (_extensivity_figure(data), "λ̂ against the width N with the weighted line fit (left) and λ̂/N (right). "
                                    "Mean field: λ̂ ∝ N; hollow markers are untrusted estimates (unhealthy chains or SGLD bias above 5%), left out of the fit."),
        (_temperature_figure(data), "λ̂ against nβ for each width. In the SLT regime λ̂ does not depend on the temperature."),
        (_rows_figure(data), "Distributions of the per-neuron Fourier statistics of the trained input rows, by width. "
                             "Mean field predicts one distribution whatever N; the findings give the KS tests against the widest net."),
        (_free_energy_figure(data), "Free energy along the nβ ladder by thermodynamic integration of λ̂, against a single "
                                    "constant λ (dotted)."),
    ]  # fmt: skip
    summary = (
        f"Two-layer {config.model} networks learning addition mod p with squared error, trained with AdamW, then sampled "
        "with SGLD around the trained weights. Every λ̂, heat capacity C, free-energy increment and accuracy is sampled or "
        "measured (standard errors across chains); d/2 is exact (no learning coefficient exceeds a regular model's). No "
        "exact or asymptotic λ is known for these networks: whether SLT's picture (λ̂ independent of the temperature) or "
        "mean field's (λ̂ extensive in N, one row distribution) describes them is what the report measures."
    )
    settings = {
        **asdict(config),
        "sampler": "SGLD (numerics.estimate_llc)",
        "optimizer": "optax.adamw, cosine-decayed step size",
    }
    return Report("slt-verifier: modular addition, SLT against mean field", summary, data, data["findings"], _tables(data),
                  figures, settings)  # fmt: skip
