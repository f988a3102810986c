"""The modular-addition scenario: does a real network's λ̂ look like SLT's rational λ or a mean-field
free energy per neuron? (docs/scenarios/modular-addition.md)

Two readings of the same experiment:
- SLT: λ̂ estimates a learning coefficient λ of the trained point; in the SLT regime it does not depend
  on the temperature β (λ̂ = nβ·(E_β[L_n] − L_n(w*)) → λ), and λ ≤ d/2 (Watanabe 2009, Thm 7.2 with a
  regular model as the bound).
- Mean field (Rubin, Seroussi & Ringel, ICLR 2024, arXiv:2310.03789): input rows are i.i.d. draws from a
  fixed distribution, so the free energy is, to first order, extensive in the width N, with a
  coefficient that is an integral rather than a rational number, and the distribution of any per-row
  statistic does not depend on N.

For each prime p, width N and phase (``generalising``: the true labels; ``memorising``: the training
labels shuffled, so nothing can generalise) one job trains the network with AdamW (cosine-decayed
step size, ``numerics.training``) and then measures λ̂ and the heat capacity C = Var[nβ·L_n] on a
ladder of temperatures nβ = factor·n/log n (``numerics.estimate_llc``), with n the number of training
pairs. From these the scenario derives, using only trusted estimates (``trusted``):
- extensivity: a weighted line fit λ̂ = a + b·N at nβ = n/log n (slope b ± se);
- temperature dependence: dλ̂/dlog nβ ± se at each width (SLT regime: 0);
- the free energy F(nβ) − F(nβ_1) along the ladder by thermodynamic integration of λ̂
  (``numerics.free_energy_ladder``);
- the per-neuron Fourier statistics of the trained rows at each width against the widest network,
  with the two-sample Kolmogorov–Smirnov test (scipy.stats.ks_2samp).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from proofs_checks.executor import run_jobs
from proofs_checks.tasks import register

Progress = Callable[[str], None] | None
PHASES = ("generalising", "memorising")
# AdamW weight decays that make each model generalise at p = 23 with half the pairs (measured: test accuracy 1.0
# at N = 64 for the quadratic net, N = 128 for the ReLU MLP, which keeps memorising at 0.1)
DEFAULT_WEIGHT_DECAY = {"quadratic": 0.1, "mlp": 1.0}
MAX_PRIME = 1_000  # p² training pairs of 2p one-hot inputs
MAX_WIDTH = 65_536
MAX_TRAIN_STEPS = 10_000_000
MAX_CHAINS = 1_024
STATISTICS = ("peak_share", "participation")


@dataclass(frozen=True)
class ModularConfig:
    """The scenario's grid and settings; the defaults take 5.5 minutes on 2 cores with two workers, 8 with one."""

    primes: tuple[int, ...] = (23,)
    widths: tuple[int, ...] = (16, 32, 64, 128, 256)
    nbeta_factors: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)  # nβ = factor · n/log n
    model: str = "quadratic"
    train_fraction: float = 0.5
    train_steps: int = 20_000
    learning_rate: float = 1e-2
    weight_decay: float | None = None  # None: the model's default in DEFAULT_WEIGHT_DECAY
    chains: int = 4
    langevin_time: float = 4.0
    seed: int = 0
    phases: tuple[str, ...] = PHASES

    def __post_init__(self) -> None:
        from numerics.modular import MODELS, check_prime

        for p in self.primes:
            check_prime(p)
            if p > MAX_PRIME:
                raise ValueError(f"p = {p} is above {MAX_PRIME}: the data set holds all p² pairs and the network p² inputs")
        if len(self.widths) < 1 or any(int(w) != w or not 1 <= w <= MAX_WIDTH for w in self.widths):
            raise ValueError(f"widths must be positive integers of at most {MAX_WIDTH}, got {list(self.widths)}")
        for name, values in (("widths", self.widths), ("primes", self.primes)):
            if len(set(values)) != len(values):
                raise ValueError(f"{name} must differ from each other, got {list(values)}")
        if 1.0 not in [float(f) for f in self.nbeta_factors] or any(f <= 0 for f in self.nbeta_factors):
            raise ValueError(
                f"the nβ factors must be positive and include 1 (nβ = n/log n), got {list(self.nbeta_factors)}"
            )
        if len(set(self.nbeta_factors)) != len(self.nbeta_factors):
            raise ValueError(f"the nβ factors must differ from each other, got {list(self.nbeta_factors)}")
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {', '.join(MODELS)}, got {self.model!r}")
        if not set(self.phases) <= set(PHASES) or not self.phases:
            raise ValueError(f"phases must be among {', '.join(PHASES)}, got {list(self.phases)}")
        if not 0 < self.train_fraction <= 1:
            raise ValueError(f"train_fraction must lie in (0, 1], got {self.train_fraction!r}")
        if int(self.train_steps) != self.train_steps or not 1 <= self.train_steps <= MAX_TRAIN_STEPS:
            raise ValueError(f"train_steps must be a positive integer of at most {MAX_TRAIN_STEPS}, got {self.train_steps!r}")
        if any(not math.isfinite(f) for f in self.nbeta_factors):
            raise ValueError(f"the nβ factors must be finite, got {list(self.nbeta_factors)}")
        if (
            not 0 < self.learning_rate < math.inf
            or not (self.weight_decay is None or 0 <= self.weight_decay < math.inf)
            or not 0 < self.langevin_time < math.inf
        ):
            raise ValueError(f"need learning_rate > 0, weight_decay ≥ 0 and langevin_time > 0, got "
                             f"{self.learning_rate!r}, {self.weight_decay!r}, {self.langevin_time!r}")  # fmt: skip
        if not 2 <= self.chains <= MAX_CHAINS:
            raise ValueError(f"need at least 2 chains for a standard error, and at most {MAX_CHAINS}, got {self.chains}")

    @property
    def effective_weight_decay(self) -> float:
        return DEFAULT_WEIGHT_DECAY[self.model] if self.weight_decay is None else float(self.weight_decay)

    def job(self, p: int, width: int, phase: str) -> dict[str, Any]:
        settings = {k: v for k, v in asdict(self).items() if k not in {"primes", "widths", "phases"}}
        settings["nbeta_factors"] = sorted(float(f) for f in self.nbeta_factors)
        settings["weight_decay"] = self.effective_weight_decay
        return {"task": "modular-llc", "p": int(p), "width": int(width), "phase": phase, **settings}


@register("modular-llc")
def measure_network(spec: dict[str, Any]) -> dict[str, Any]:
    """One job: train the network of ``spec`` (a ``ModularConfig.job``), then λ̂ and C on the nβ ladder."""
    import jax
    import optax

    import numerics
    from numerics import modular
    from numerics.training import train

    p, width, seed = spec["p"], spec["width"], spec["seed"]
    data = modular.modular_addition_data(p, spec["train_fraction"], seed, shuffle_labels=spec["phase"] == "memorising")
    key = jax.random.fold_in(jax.random.key(seed), width)
    if spec["model"] == "quadratic":
        apply, params = modular.quadratic_apply, modular.quadratic_init(key, p, width)
    else:
        apply, params = numerics.mlp_apply("relu"), numerics.mlp_init(key, [2 * p, width, p])
    loss = numerics.mse_loss(apply)
    optimizer = optax.adamw(
        optax.cosine_decay_schedule(spec["learning_rate"], spec["train_steps"]), weight_decay=spec["weight_decay"]
    )
    trained = train(loss, params, data.train, spec["train_steps"], optimizer, log_every=500)
    n = int(data.train["x"].shape[0])
    train_loss = float(loss(trained.params, data.train))
    rungs = []
    for factor in spec["nbeta_factors"]:
        nbeta = factor * numerics.default_nbeta(n)
        result = numerics.estimate_llc(loss, trained.params, data.train, seed=seed, nbeta=nbeta, num_chains=spec["chains"],
                                       batch_size=None, langevin_time=spec["langevin_time"])  # fmt: skip
        rungs.append({"factor": factor, "nbeta": nbeta, **numerics.summary_row(result),
                      "energy": _energy(result.llc, n, nbeta, train_loss).as_dict()})  # fmt: skip
    statistics = modular.neuron_statistics(modular.input_rows(trained.params), p)
    return {
        "p": p, "width": width, "phase": spec["phase"], "model": spec["model"], "n": n,
        "parameters": int(sum(x.size for x in jax.tree.leaves(trained.params))),
        "train_accuracy": modular.accuracy(apply, trained.params, data.train),
        "test_accuracy": modular.accuracy(apply, trained.params, data.test),
        "train_loss": train_loss,
        "test_loss": float(loss(trained.params, data.test)) if data.test["x"].shape[0] else None,
        "training_curve": trained.losses.tolist(), "train_seconds": trained.seconds,
        "neurons": {name: np.asarray(values).tolist() for name, values in statistics.items()},
        "rungs": rungs,
    }  # fmt: skip


def _energy(llc: Any, n: int, nbeta: float, loss_at_center: float) -> Any:
    """E_β[n·L_n] = n·L_n(w*) + (n/nβ)·λ̂ from the same draws as λ̂ (the definition of λ̂ rearranged)."""
    scale = n / nbeta
    return llc._replace(value=n * loss_at_center + scale * llc.value, stderr=scale * llc.stderr,
                        per_chain=n * loss_at_center + scale * llc.per_chain)  # fmt: skip


def _estimate(row: dict[str, Any]) -> Any:
    import numerics

    return numerics.Estimate.from_dict(row)


def _headline(job: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in job["rungs"] if r["factor"] == 1.0)


def trusted(rung: dict[str, Any]) -> bool:
    """Whether a rung's λ̂ may enter a fit: healthy chains (R-hat, no NaN or divergence) and a MALA acceptance
    implying at most 5% SGLD bias. A λ̂ that disagrees with its heat capacity is *not* left out: that
    disagreement says the system is outside the SLT regime, which is what the scenario measures."""
    return bool(rung["llc"]["diagnostics"]["healthy"]) and rung["mala_acceptance"] >= rung["min_acceptance"]


def _extensivity(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """λ̂ = a + b·N over the trusted headline estimates of one (p, phase)."""
    import numerics

    usable = [j for j in jobs if trusted(_headline(j))]
    widths = [j["width"] for j in usable]
    result: dict[str, Any] = {"widths_used": widths, "widths_left_out": [j["width"] for j in jobs if j not in usable]}
    if len(set(widths)) < 3:
        return {**result, "fit": None, "reason": "fewer than three widths with a trusted λ̂"}
    fit = numerics.line_fit(widths, [_estimate(_headline(j)["llc"]) for j in usable])
    first, last = usable[0], usable[-1]  # d/2 per added neuron, exact: d is affine in N
    per_neuron_bound = 0.5 * (last["parameters"] - first["parameters"]) / (last["width"] - first["width"])
    return {**result, "fit": fit.as_dict(), "regular_slope": per_neuron_bound}


def _temperature_slope(job: dict[str, Any]) -> dict[str, Any]:
    """dλ̂/dlog nβ over the trusted rungs of one job."""
    import numerics

    used = [r for r in job["rungs"] if trusted(r)]
    out: dict[str, Any] = {"width": job["width"], "rungs_used": [r["factor"] for r in used]}
    if len(used) < 3:
        return {**out, "fit": None, "reason": "fewer than three trusted temperatures"}
    fit = numerics.line_fit([math.log(r["nbeta"]) for r in used], [_estimate(r["llc"]) for r in used])
    out["fit"] = fit.as_dict()
    out["z"] = fit.slope / fit.slope_stderr if fit.slope_stderr > 0 else None
    low, high = used[0]["llc"]["value"], used[-1]["llc"]["value"]
    out["relative_change"] = (high - low) / abs(low) if low else None
    return out


def _free_energy(job: dict[str, Any]) -> list[dict[str, Any]]:
    import numerics

    rungs = job["rungs"]
    ladder = numerics.free_energy_ladder(
        [r["nbeta"] for r in rungs], [_estimate(r["llc"]) for r in rungs], job["train_loss"]
    )
    return [{"nbeta": r["nbeta"], "free_energy_increment": e.as_dict()} for r, e in zip(rungs, ladder)]


def _row_statistics(jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each width's per-neuron statistics against the widest network's: KS distance D and p-value."""
    from scipy.stats import ks_2samp

    widest = max(jobs, key=lambda j: j["width"])
    tests: dict[str, list[dict[str, Any]]] = {}
    for name in STATISTICS:
        tests[name] = []
        for job in sorted(jobs, key=lambda j: j["width"]):
            if job is widest:
                continue
            test = ks_2samp(job["neurons"][name], widest["neurons"][name])
            tests[name].append(
                {
                    "width": job["width"],
                    "against": widest["width"],
                    "D": float(test.statistic),
                    "p_value": float(test.pvalue),
                }
            )
    means = {job["width"]: {name: float(np.mean(job["neurons"][name])) for name in STATISTICS} for job in jobs}
    return {"ks": tests, "means": means}


def group_jobs(jobs: list[dict[str, Any]], p: int, phase: str) -> list[dict[str, Any]]:
    """The jobs of one (p, phase) group, in width order."""
    return sorted((j for j in jobs if j["p"] == p and j["phase"] == phase), key=lambda j: j["width"])


def analyse(jobs: list[dict[str, Any]], config: ModularConfig) -> dict[str, Any]:
    """Fits, tests and findings from the jobs' results (see the module docstring)."""
    groups = []
    for p in config.primes:
        for phase in config.phases:
            members = group_jobs(jobs, p, phase)
            groups.append({
                "p": p, "phase": phase,
                "extensivity": _extensivity(members),
                "temperature": [_temperature_slope(j) for j in members],
                "free_energy": [{"width": j["width"], "ladder": _free_energy(j)} for j in members],
                "rows": _row_statistics(members) if len(members) > 1 else None,
            })  # fmt: skip
    return {"groups": groups, "findings": findings(jobs, groups)}


def findings(jobs: list[dict[str, Any]], groups: list[dict[str, Any]]) -> list[str]:
    """Sentences generated from the numbers (no hand-written claims)."""
    out = []
    rungs = [(j, r) for j in jobs for r in j["rungs"]]
    untrusted = [(j["p"], j["phase"], j["width"], r["factor"]) for j, r in rungs if not trusted(r)]
    out.append(f"{len(rungs) - len(untrusted)} of {len(rungs)} λ̂ runs have healthy chains and a small SGLD bias; the others are "
               "shown but left out of every fit" + (f" (p, phase, N, nβ factor: {untrusted})." if untrusted else "."))  # fmt: skip
    disagree = [r for j, r in rungs if trusted(r) and not r["agreement"]["agree"]]
    below = [r for r in disagree if r["heat_capacity"]["value"] < r["llc"]["value"]]
    out.append(f"The heat capacity C and λ̂ disagree (z > 3) at {len(disagree)} of {len(rungs) - len(untrusted)} trusted runs, "
               f"with C < λ̂ at {len(below)} of those; in the SLT regime both estimate λ and agree.")  # fmt: skip
    for job_group in groups:
        p, phase = job_group["p"], job_group["phase"]
        members = group_jobs(jobs, p, phase)
        accuracy = ", ".join(
            f"N={j['width']}: {j['train_accuracy']:.2f}/{j['test_accuracy']:.2f}" for j in members
        )
        out.append(f"p = {p}, {phase}: train/test accuracy {accuracy}.")
        ext = job_group["extensivity"]
        if ext["fit"] is not None:
            fit = ext["fit"]
            z_intercept = fit["intercept"] / fit["intercept_stderr"] if fit["intercept_stderr"] else float("inf")
            per_neuron = {
                j["width"]: _headline(j)["llc"]["value"] / j["width"]
                for j in members
                if j["width"] in ext["widths_used"]
            }
            low, high = min(per_neuron), max(per_neuron)
            out.append(
                f"p = {p}, {phase}: λ̂/N is {per_neuron[low]:.3g} at N = {low} and {per_neuron[high]:.3g} at N = {high}; "
                f"λ̂ grows with width at {fit['slope']:.3g} ± {fit['slope_stderr']:.2g} per neuron "
                f"(χ²/dof = {fit['chi2_per_dof']:.2g}), {fit['slope'] / ext['regular_slope']:.2f} of a regular model's d/2 per neuron "
                f"= {ext['regular_slope']:g}; intercept {fit['intercept']:.3g} ± {fit['intercept_stderr']:.2g} "
                + (
                    "(consistent with 0: extensive)."
                    if abs(z_intercept) < 3
                    else f"({abs(z_intercept):.1f} se from 0: not purely extensive)."
                )
            )
        else:
            out.append(f"p = {p}, {phase}: no extensivity fit ({ext['reason']}).")
        slopes = [t for t in job_group["temperature"] if t["fit"] is not None]
        if slopes:
            significant = [t for t in slopes if t["z"] is not None and abs(t["z"]) > 3]
            changes = ", ".join(
                f"N={t['width']}: {100 * t['relative_change']:+.0f}%"
                for t in slopes
                if t["relative_change"] is not None
            )
            out.append(
                f"p = {p}, {phase}: λ̂ depends on the temperature (|z| > 3 for dλ̂/dlog nβ) at {len(significant)} of {len(slopes)} widths; "
                f"change across the nβ ladder: {changes}. The SLT regime predicts no dependence."
            )
        rows = job_group["rows"]
        if rows:
            for name in STATISTICS:
                tests = rows["ks"][name]
                rejected = [t["width"] for t in tests if t["p_value"] < 0.01]
                out.append(
                    f"p = {p}, {phase}: per-neuron {name.replace('_', ' ')} against N = {tests[0]['against']}: "
                    f"KS D from {min(t['D'] for t in tests):.2f} to {max(t['D'] for t in tests):.2f}; "
                    + (
                        f"different distributions (p < 0.01) at N = {rejected}."
                        if rejected
                        else "no width differs at p < 0.01 (consistent with mean field's single distribution; the smallest "
                        f"sample has {min(t['width'] for t in tests)} neurons)."
                    )  # fmt: skip
                )
    primes = sorted({j["p"] for j in jobs})
    if len(primes) > 1:
        for phase in sorted({j["phase"] for j in jobs}):
            widest = max(j["width"] for j in jobs)
            by_p = {j["p"]: _headline(j)["llc"] for j in jobs if j["phase"] == phase and j["width"] == widest}
            values = ", ".join(
                f"p = {p}: {by_p[p]['value']:.4g} ± {by_p[p]['stderr']:.2g}" for p in primes if p in by_p
            )
            out.append(
                f"{phase}, N = {widest}: λ̂ against p: {values} (Panickssery & Vaintrob 2023 saw λ̂ grow linearly in p)."
            )
    if len({g["phase"] for g in groups}) == 2:
        for p in sorted({g["p"] for g in groups}):
            pairs = []
            by_width = {(j["phase"], j["width"]): j for j in jobs if j["p"] == p}
            for (phase, width), job in sorted(by_width.items()):
                other = by_width.get(("memorising", width))
                if phase == "generalising" and other is not None:
                    pairs.append(
                        f"N={width}: {_headline(job)['llc']['value']:.4g} vs {_headline(other)['llc']['value']:.4g}"
                    )
            if pairs:
                out.append(f"p = {p}: λ̂ generalising vs memorising at nβ = n/log n: " + ", ".join(pairs) + ".")
    return out


def run(config: ModularConfig, executor: Any = None, progress: Progress = None) -> dict[str, Any]:
    """Every job through ``executor`` (in this process when None), then ``analyse``."""
    specs = [config.job(p, w, phase) for p in config.primes for phase in config.phases for w in config.widths]
    report_progress = None
    if progress is not None:
        report_progress = lambda c: progress(
            f"modular addition: {c['done'] + c['cached']}/{c['total']} networks trained and sampled"
        )  # noqa: E731
    results = run_jobs(specs, executor, progress=report_progress)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise ValueError(
            f"{len(failed)} job(s) failed, the first: p = {failed[0].spec['p']}, N = {failed[0].spec['width']} — {failed[0].error}"
        )
    jobs = [r.result for r in results]
    return {"scenario": "modular-addition", "config": asdict(config), "jobs": jobs, **analyse(jobs, config)}
