"""Check a claimed learning coefficient: exact theory first, then proved bounds, then sampling.

Data flow (job 1 of docs/getting-started.md): a spec and a claim (λ, optionally m) →
1. **exact**: when theory knows the class (regular, reduced-rank, deep linear, monomial, a polynomial whose
   Newton value is certified exact), the claim is compared exactly: consistent or refuted, nothing sampled;
2. **bounds**: a Newton-polyhedron value that is only an upper bound refutes a claim above it and says
   nothing against a claim at or below it;
3. **sampled**: otherwise λ̂ is sampled at several temperatures nβ = t·n/log n. The evidence counts only
   from the SLT regime: every run healthy (which includes λ̂ agreeing with the heat capacity C) and the
   per-temperature λ̂ agreeing with each other (|λ̂_i − λ̂_j| ≤ 3·√(se_i² + se_j²)), since λ_eff(n) → λ is
   flat in n only there (Watanabe 2013, WBIC; Lau et al. 2023). Outside it the verdict is *undecided* with the reason. Inside it,
   the claim is consistent when |λ̂ − λ_claim| ≤ 4·se + 10%·λ_claim (the budget covers SGLD's bias and the
   remaining finite-n gap), refuted otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numerics
import theory
from proofs_checks.families import family
from proofs_checks.sampling import samplable, sampler_settings
from proofs_checks.spec import Spec

CONSISTENT, REFUTED, UNDECIDED = "consistent", "refuted", "undecided"
EXIT_CODES = {CONSISTENT: 0, REFUTED: 1, UNDECIDED: 3}
SAMPLED_Z = 4.0
SAMPLED_BUDGET = 0.10
AGREEMENT_Z = 3.0


@dataclass
class Evidence:
    kind: str  # "exact", "upper_bound", "lower_bound" or "sampled"
    statement: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "statement": self.statement, **self.data}


@dataclass
class Verdict:
    status: str  # consistent, refuted or undecided
    claimed: Fraction
    multiplicity: int | None
    evidence: list[Evidence]

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "claimed": {"lambda": str(self.claimed), "multiplicity": self.multiplicity},
            "evidence": [e.as_dict() for e in self.evidence],
        }


def parse_claim(text: str) -> Fraction:
    """'5/2', '2.5' or '3' as an exact fraction; anything else is a ValueError naming the text."""
    try:
        exact = theory.read_rational(text, what="a claimed λ")
    except ValueError:
        raise ValueError(f"a claimed λ must be a rational number such as 5/2 or 2.5, got {text!r}") from None
    value = Fraction(int(exact.p), int(exact.q))
    if value <= 0:
        raise ValueError(f"a claimed λ must be positive, got {text!r}")
    return value


def theory_value(spec: Spec) -> theory.LearningCoefficient | None:
    """What theory knows of the spec's model: an exact value, a bound, or nothing (networks)."""
    return family(spec.kind).theory(spec)


def check_claim(spec: Spec, claimed: Fraction, multiplicity: int | None = None, seed: int = 0) -> Verdict:
    """The verdict on "λ = ``claimed`` (and m = ``multiplicity``)" for the spec's model; see the module docstring."""
    if multiplicity is not None and multiplicity < 1:
        raise ValueError(f"a claimed multiplicity must be a positive integer, got {multiplicity}")
    evidence: list[Evidence] = []
    lc = theory_value(spec)
    if lc is not None:
        lam = Fraction(lc.lam.p, lc.lam.q)
        data = {"lambda": str(lam), "multiplicity": lc.multiplicity, "method": lc.method, "source": lc.source}
        if lc.status is theory.Status.EXACT:
            agrees = lam == claimed and (multiplicity is None or multiplicity == lc.multiplicity)
            what = f"λ = {lam}, m = {lc.multiplicity} ({lc.method})"
            evidence.append(Evidence("exact", f"theory gives {what}; the claim " + ("matches" if agrees else "does not match"), data))
            return Verdict(CONSISTENT if agrees else REFUTED, claimed, multiplicity, evidence)
        if lc.status is theory.Status.UPPER_BOUND:
            if claimed > lam:
                evidence.append(Evidence("upper_bound", f"λ ≤ {lam} is proved ({lc.method}); the claim {claimed} exceeds it", data))
                return Verdict(REFUTED, claimed, multiplicity, evidence)
            evidence.append(Evidence("upper_bound", f"λ ≤ {lam} is proved; it allows the claim {claimed} but does not decide it", data))
        else:  # a lower bound
            if claimed < lam:
                evidence.append(Evidence("lower_bound", f"λ ≥ {lam} is proved ({lc.method}); the claim {claimed} is below it", data))
                return Verdict(REFUTED, claimed, multiplicity, evidence)
            evidence.append(Evidence("lower_bound", f"λ ≥ {lam} is proved; it allows the claim {claimed} but does not decide it", data))
    status, sampled = _sampled_verdict(spec, claimed, seed)
    evidence.append(sampled)
    return Verdict(status, claimed, multiplicity, evidence)


def _sampled_verdict(spec: Spec, claimed: Fraction, seed: int) -> tuple[str, Evidence]:
    loss, center, data, n = samplable(spec, seed)
    sampler = spec.sampler
    temperatures = [float(t) for t in sampler.get("temperatures", [0.5, 1.0, 2.0])]
    if len(temperatures) < 2 or any(t <= 0 for t in temperatures):
        raise ValueError(f"[sampler] temperatures needs at least two positive multiples of n/log n, got {temperatures}")
    runs = []
    for index, t in enumerate(temperatures):
        nbeta = t * numerics.default_nbeta(n)
        runs.append(numerics.estimate_llc(loss, center, data, seed=seed + index, nbeta=nbeta, **sampler_settings(sampler)))
    estimates = [r.llc for r in runs]
    problems = [f"nβ = {r.settings['nbeta']:.4g}: {w}" for r in runs for w in r.warnings()]
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            a, b = estimates[i], estimates[j]
            z = abs(a.value - b.value) / math.hypot(a.stderr, b.stderr)
            if not z <= AGREEMENT_Z:
                problems.append(
                    f"λ̂ depends on the temperature: {a} at nβ = {runs[i].settings['nbeta']:.4g} vs {b} at "
                    f"nβ = {runs[j].settings['nbeta']:.4g} (z = {z:.1f})"
                )
    weights = [1 / e.stderr**2 for e in estimates]
    combined = sum(w * e.value for w, e in zip(weights, estimates)) / sum(weights)
    combined_se = sum(weights) ** -0.5
    data_out = {
        "per_temperature": [{"nbeta": r.settings["nbeta"], **numerics.summary_row(r)["llc"]} for r in runs],
        "combined": {"value": combined, "stderr": combined_se},
        "criterion": f"|λ̂ − λ| ≤ {SAMPLED_Z:g}·se + {SAMPLED_BUDGET:.0%}·λ, from the SLT regime only",
    }
    if problems:
        statement = "sampled evidence is not from the SLT regime, so it decides nothing: " + "; ".join(problems)
        return UNDECIDED, Evidence("sampled", statement, data_out)
    tolerance = SAMPLED_Z * combined_se + SAMPLED_BUDGET * float(claimed)
    agrees = abs(combined - float(claimed)) <= tolerance
    nbetas = ", ".join(f"{r.settings['nbeta']:.4g}" for r in runs)
    statement = (
        f"λ̂ = {combined:.4g} ± {combined_se:.2g} over nβ = {nbetas} (flat in nβ, healthy chains); "
        f"|λ̂ − {claimed}| = {abs(combined - float(claimed)):.3g} {'≤' if agrees else '>'} {tolerance:.3g}"
    )
    return (CONSISTENT if agrees else REFUTED), Evidence("sampled", statement, data_out)
