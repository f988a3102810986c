"""Regression tests of theory against sampling: cases, the statistical criterion, baselines.

A ``RegressionCase`` pairs a theoretical value (exact, arbitrary precision or asymptotic, from ``theory``)
with a sampled estimate of the same quantity (from ``numerics``, with fixed seeds). It passes when

    |estimate − theory| ≤ z·stderr + bias_budget·|theory|,

z = 4 by default and ``bias_budget`` the case's declared allowance for what sampling cannot remove (SGLD's
discretisation bias, or the finite-n gap when the theory side is asymptotic), and when the chains are
healthy. Against a stored baseline (an earlier estimate of the same case) the drift test is
|estimate − baseline| ≤ z·√(stderr² + baseline_stderr²).
"""

from __future__ import annotations

import functools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import numerics
import theory
from proofs_checks.families.two_layer import diagonal_target, gibbs_point
from proofs_checks.tasks import register

TIERS = ("fast", "full")
DEFAULT_Z = 4.0


@dataclass(frozen=True)
class TheoryValue:
    """A theoretical number with its kind: "exact", "arbitrary precision" or "asymptotic"."""

    value: float
    text: str  # the exact rational or the decimal string as theory returned it
    kind: str
    source: str


@dataclass(frozen=True)
class Sampled:
    """What a case's sampler returns: the estimate and the settings that produced it."""

    estimate: numerics.Estimate
    settings: dict[str, Any]


@dataclass(frozen=True)
class RegressionCase:
    """One case: ``theory()`` gives the value, ``sample(seed)`` the estimate of the same quantity."""

    name: str
    quantity: str
    theory: Callable[[], TheoryValue]
    sample: Callable[[int], Sampled]
    bias_budget: float = 0.0
    tier: str = "fast"

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {self.tier!r}")
        if not self.bias_budget >= 0:
            raise ValueError(f"bias_budget must be non-negative, got {self.bias_budget}")


@dataclass
class CaseResult:
    case: str
    quantity: str
    theory: TheoryValue
    estimate: numerics.Estimate
    settings: dict[str, Any]
    z: float
    tolerance: float
    passed: bool
    reasons: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def z_score(self) -> float:
        return abs(self.estimate.value - self.theory.value) / self.estimate.stderr if self.estimate.stderr > 0 else math.inf

    def message(self) -> str:
        """Every number a failure needs: estimate, theory, z-score, tolerance, R-hat/ESS, settings."""
        est, th = self.estimate, self.theory
        lines = [
            f"{self.case}: {self.quantity} sampled {est.value:.6g} ± {est.stderr:.2g} vs theory {th.text} "
            f"(≈ {th.value:.6g}, {th.kind}; {th.source})",
            f"  |difference| = {abs(est.value - th.value):.4g}, tolerance z·stderr + budget = {self.tolerance:.4g} "
            f"(z = {self.z:g}, z-score {self.z_score:.2f}); R-hat {est.rhat:.3f}, ESS {est.ess:.0f}",
            f"  settings: {json.dumps(self.settings, default=str)}",
        ]
        lines += [f"  {reason}" for reason in self.reasons]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "quantity": self.quantity,
            "passed": self.passed,
            "theory": {"value": self.theory.value, "text": self.theory.text, "kind": self.theory.kind, "source": self.theory.source},
            "estimate": self.estimate.as_dict(),
            "z": self.z,
            "z_score": self.z_score if math.isfinite(self.z_score) else None,
            "tolerance": self.tolerance,
            "reasons": self.reasons,
            "baseline": self.baseline,
            "settings": self.settings,
            "seconds": round(self.seconds, 2),
            "message": self.message(),
        }


def check_case(case: RegressionCase, seed: int = 0, z: float = DEFAULT_Z, baseline: dict[str, Any] | None = None) -> CaseResult:
    """Sample ``case`` with ``seed`` and judge it against its theory and, when given, its baseline."""
    if not z > 0:
        raise ValueError(f"z must be positive, got {z}")
    start = time.perf_counter()
    truth = case.theory()
    sampled = case.sample(seed)
    est = sampled.estimate
    tolerance = z * est.stderr + case.bias_budget * abs(truth.value)
    reasons = []
    if not math.isfinite(est.value) or not math.isfinite(est.stderr):
        reasons.append("the estimate is not finite")
    elif abs(est.value - truth.value) > tolerance:
        reasons.append(f"disagrees with theory: |{est.value:.6g} − {truth.value:.6g}| > {tolerance:.4g}")
    if not est.healthy:
        reasons.append("unhealthy chains: " + "; ".join(est.diagnostics.get("warnings", [])))
    if baseline is not None:
        drift = abs(est.value - baseline["value"])
        allowed = z * math.hypot(est.stderr, baseline["stderr"])
        if not drift <= allowed:
            reasons.append(
                f"drifted from the baseline {baseline['value']:.6g} ± {baseline['stderr']:.2g} "
                f"(seed {baseline.get('seed')}): |difference| {drift:.4g} > {allowed:.4g}"
            )
    return CaseResult(
        case.name, case.quantity, truth, est, {**sampled.settings, "seed": seed}, z, tolerance, not reasons, reasons,
        baseline, time.perf_counter() - start,
    )  # fmt: skip


# ---- baselines -------------------------------------------------------------------------------------------


def load_baselines(path: str | Path) -> dict[str, dict[str, Any]]:
    """``{case name: {"value", "stderr", "seed"}}`` from a JSON file; empty when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        cases = data["cases"]
        for name, entry in cases.items():
            if not (math.isfinite(float(entry["value"])) and math.isfinite(float(entry["stderr"]))):
                raise ValueError(f"case {name!r} has a non-finite value or stderr")
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError, OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{str(path)!r} is not a baseline file ({error})") from None
    return cases


def save_baselines(path: str | Path, results: Sequence[dict[str, Any]], previous: dict[str, dict[str, Any]] | None = None) -> None:
    """Write the estimates of ``results`` (``CaseResult.as_dict()`` dicts) as the new baselines, keeping the
    other cases of ``previous``."""
    cases = dict(previous or {})
    for result in results:
        estimate = result["estimate"]
        cases[result["case"]] = {"value": estimate["value"], "stderr": estimate["stderr"], "seed": result["settings"].get("seed")}
    Path(path).write_text(json.dumps({"format": "sltv-baselines/1", "cases": cases}, indent=2, sort_keys=True) + "\n")


# ---- case builders ---------------------------------------------------------------------------------------


def _lc_value(lc: theory.LearningCoefficient) -> TheoryValue:
    kind = "exact λ, the asymptotic limit of λ̂" if lc.status.value == "exact" else f"{lc.status.value} on λ"
    return TheoryValue(float(lc.lam), str(lc.lam), kind, lc.source)


def _llc_sample(model: Callable[[], tuple[Any, Any, Any]], settings: dict[str, Any]) -> Callable[[int], Sampled]:
    """sample(seed): λ̂ by ``numerics.estimate_llc`` of ``model() = (loss, w*, data)``, built only when sampled."""

    def sample(seed: int) -> Sampled:
        loss, center, data = model()
        result = numerics.estimate_llc(loss, center, data, seed=seed, **settings)
        estimate = result.llc
        if result.mala_acceptance < result.min_acceptance:  # a biased step size makes the case unhealthy
            estimate = estimate._replace(diagnostics={**estimate.diagnostics, "healthy": False, "warnings": result.warnings()})
        return Sampled(estimate, result.settings)

    return sample


def llc_case(
    name: str,
    loss: numerics.models.Loss,
    center: Any,
    data: Any,
    lam: Callable[[], TheoryValue],
    *,
    bias_budget: float,
    tier: str = "fast",
    **settings: Any,
) -> RegressionCase:
    """λ̂ of ``loss`` at ``center`` (``numerics.estimate_llc`` with ``settings``) against ``lam()``."""
    return RegressionCase(name, "λ̂", lam, _llc_sample(lambda: (loss, center, data), settings), bias_budget, tier)


def polynomial_case(expression: str, nbeta: float, gamma: float = 1.0, *, bias_budget: float = 0.04, tier: str = "fast", dps: int = 10) -> RegressionCase:
    """nβ·E[K] of a polynomial potential under exp(−nβK)·N(0, 1/γ) by SGLD, against the exact λ_eff(nβ)
    of the same model (``theory.polynomial_thermodynamics`` with prior variance 1/γ): like with like."""
    loss, names = numerics.polynomial_potential(theory.read_expression(expression, what="the loss K"))

    def exact() -> TheoryValue:
        point = theory.polynomial_thermodynamics(expression, nbeta, prior_var=1 / gamma, dps=dps)
        return TheoryValue(float(point.lambda_eff), str(point.lambda_eff), "arbitrary precision",
                           f"theory.polynomial_thermodynamics, {point.digits} digits")  # fmt: skip

    case = llc_case(f"polynomial {expression} nβ={nbeta:g}", loss, jnp.zeros(len(names)), None, exact,
                    bias_budget=bias_budget, tier=tier, nbeta=nbeta, gamma=gamma)  # fmt: skip
    return case


def deep_linear_case(widths: Sequence[int], rank: int, n: int = 10_000, *, bias_budget: float = 0.1, tier: str = "fast") -> RegressionCase:
    """λ̂ at a rank-r teacher (noise-free data, default settings) against Aoyagi's λ; the budget covers the
    finite-nβ gap between λ_eff and λ, since the theory side is asymptotic."""
    widths = list(widths)

    def model() -> tuple[Any, Any, Any]:  # built when the case is sampled, not when the catalogue is listed
        teacher = numerics.deep_linear_teacher(jax.random.key(1), widths, rank)
        data = numerics.teacher_student_data(jax.random.key(2), numerics.deep_linear_apply, teacher, n, widths[0])
        return numerics.mse_loss(numerics.deep_linear_apply), teacher, data

    lam = lambda: _lc_value(theory.deep_linear(widths, rank))
    name = f"deep-linear {','.join(map(str, widths))} r={rank}"
    return RegressionCase(name, "λ̂", lam, _llc_sample(model, {}), bias_budget, tier)


def regular_case(dim: int, nbeta: float = 1000.0, *, bias_budget: float = 0.04, tier: str = "fast") -> RegressionCase:
    """λ̂ of K = Σ w_i² against λ = d/2 (theory.regular); at nβ = 1000, γ = 1 the gap λ − λ_eff = d/(2(2nβ+1)) is 0.05%."""
    loss, names = numerics.polynomial_potential(theory.read_expression(" + ".join(f"w{i}**2" for i in range(dim))))
    return llc_case(f"regular d={dim}", loss, jnp.zeros(dim), None, lambda: _lc_value(theory.regular(dim)),
                    bias_budget=bias_budget, tier=tier, nbeta=nbeta, gamma=1.0)  # fmt: skip


def two_layer_gibbs_case(singular_values: Sequence[float], inputs: int, outputs: int, n: float, *,
                         chains: int = 8, steps: int = 4000, tier: str = "fast") -> RegressionCase:  # fmt: skip
    """n·E_n[K] of the two-layer linear model (hidden = 1, unit priors) by exact Gibbs, against the exact
    λ_eff(n) of ``theory.two_layer_thermodynamics``; no bias budget, both sides are exact."""
    target = diagonal_target(list(singular_values), outputs, inputs)
    burn_in = steps // 10

    def exact() -> TheoryValue:
        point = theory.two_layer_thermodynamics(n, [str(v) for v in singular_values], inputs=inputs, hidden=1, outputs=outputs, dps=15)
        return TheoryValue(float(point.lambda_eff), str(point.lambda_eff), "arbitrary precision",
                           f"theory.two_layer_thermodynamics, {point.digits} digits")  # fmt: skip

    def sample(seed: int) -> Sampled:
        point = gibbs_point(target, 1, n, seed, chains, steps, burn_in)
        return Sampled(point.lambda_eff, {"sampler": "two-layer Gibbs", "n": n, "chains": chains, "steps": steps, "burn_in": burn_in})

    name = f"two-layer-gibbs {inputs}x1x{outputs} s={','.join(f'{v:g}' for v in singular_values)} n={n:g}"
    return RegressionCase(name, "n·E_n[K]", exact, sample, 0.0, tier)


def sgld_against_gibbs_case(widths: Sequence[int], rank: int, n: int = 10_000, *, bias_budget: float = 0.05,
                            tier: str = "full", reference_sweeps: int = 400, **settings: Any) -> RegressionCase:  # fmt: skip
    """SGLD's λ̂ (``numerics.estimate_llc`` with ``settings``, default ones unless given) against the exact-kernel λ
    at the same nβ, γ = 1 and data: blocked Gibbs on the same localized posterior
    (``numerics.local_learning_coefficient``), unbiased at any size, so the comparison isolates SGLD's own bias at
    the scale of real networks. The stated standard error combines both runs'; the budget is SGLD's 5% bias alarm."""
    widths = list(widths)
    gamma = 1.0

    @functools.cache
    def model() -> tuple[Any, Any, Any]:
        teacher = numerics.deep_linear_teacher(jax.random.key(1), widths, rank)
        data = numerics.teacher_student_data(jax.random.key(2), numerics.deep_linear_apply, teacher, n, widths[0])
        return numerics.mse_loss(numerics.deep_linear_apply), teacher, data

    @functools.cache
    def reference() -> numerics.GibbsPoint:
        _, teacher, data = model()
        problem = numerics.data_problem(np.asarray(data["x"]), np.asarray(data["y"]))
        return numerics.local_learning_coefficient(problem, widths, [np.asarray(w) for w in teacher],
                                                   numerics.default_nbeta(n), gamma, sweeps=reference_sweeps)  # fmt: skip

    def exact_kernel() -> TheoryValue:
        ref = reference().lambda_eff
        return TheoryValue(ref.value, f"{ref.value:.6g} ± {ref.stderr:.2g}", "sampled (exact kernel)",
                           f"blocked Gibbs on the same posterior, {reference_sweeps} sweeps, R-hat {ref.rhat:.3f}")  # fmt: skip

    def sample(seed: int) -> Sampled:
        loss, teacher, data = model()
        result = numerics.estimate_llc(loss, teacher, data, seed=seed, gamma=gamma, **settings)
        ref = reference()
        estimate = result.llc._replace(stderr=math.hypot(result.llc.stderr, ref.lambda_eff.stderr))
        if not ref.healthy or result.mala_acceptance < result.min_acceptance:
            warnings = result.warnings() + [f"reference: {w}" for w in ref.warnings()]
            estimate = estimate._replace(diagnostics={**estimate.diagnostics, "healthy": False, "warnings": warnings})
        recorded = {**result.settings, "stderr": "SGLD's and the reference's combined", "reference_sweeps": reference_sweeps}
        return Sampled(estimate, recorded)

    parameters = sum(a * b for a, b in zip(widths, widths[1:]))
    name = f"sgld-vs-gibbs {','.join(map(str, widths))} r={rank} ({parameters} parameters)"
    return RegressionCase(name, "λ̂ (SGLD) vs λ (exact kernel)", exact_kernel, sample, bias_budget, tier)


def catalogue() -> list[RegressionCase]:
    """The built-in cases. ``fast``: under 2 minutes together on 2 cores; ``full`` adds the slower ones."""
    return [
        regular_case(3),
        polynomial_case("x**4", 1000.0),
        two_layer_gibbs_case([0.5], 1, 1, 100.0),
        deep_linear_case([3, 2, 3], 1, n=2000),
        polynomial_case("x**6", 1e4, tier="full"),
        two_layer_gibbs_case([0.3], 2, 2, 1000.0, tier="full"),
        deep_linear_case([4, 2, 3], 2, tier="full"),  # reduced-rank regression, M=4, H=2, N=3, r=2: λ = 5
        deep_linear_case([5, 3, 4, 6], 2, tier="full"),
        deep_linear_case([10, 10, 10], 0, tier="full"),
        sgld_against_gibbs_case([128, 48, 48, 64], 4),  # 11,520 parameters
    ]


def select(tier: str) -> list[RegressionCase]:
    """The cases of ``tier``: "fast" alone, or "full" = every case."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, got {tier!r}")
    cases = catalogue()
    return [c for c in cases if c.tier == "fast"] if tier == "fast" else cases


@register("regress-case")
def regress_case(job: dict[str, Any]) -> dict[str, Any]:
    """Job ``{case (a catalogue name), seed = 0, z = 4, baseline?}``: the case's verdict (``CaseResult.as_dict``)."""
    cases = {case.name: case for case in select("full")}
    if job["case"] not in cases:
        raise ValueError(f"unknown regression case {job['case']!r}")
    return check_case(cases[job["case"]], seed=job.get("seed", 0), z=job.get("z", 4.0), baseline=job.get("baseline")).as_dict()
