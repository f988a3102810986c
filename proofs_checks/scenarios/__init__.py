"""The built-in scenarios: the project's motivating argument made runnable (REFERENCES §5, §6).

- ``gap``: a 2×1×2 linear model with target singular values (s, 0): exact λ_eff(n) (``theory``) and,
  when asked, the same curve sampled by exact Gibbs (``numerics``), against the rank-1 and rank-0 SLT
  predictions; n* as a function of s (expected ~1/s²). Its polynomial side, x²y² + s²x², is exact too.
- ``lora`` (its own module, :mod:`proofs_checks.scenarios.lora`): a d_in × r × d_out linear model with r < d (a
  LoRA factorisation) whose target has a power-law or a user's spectrum, against every truncated SLT prediction.
- ``dimension``: the same spectrum at growing d, and how n* (the first n where λ_eff is within δ of the
  full-rank λ) grows with d.
The sampled curves use ``two_layer_gibbs`` (both conditionals Gaussian, no step size): λ_eff(n) = n·E_n[K]
and C(n) = Var_n[n·K] with standard errors across chains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

import numerics
import theory
from proofs_checks.comparison import Comparison, compare, crossing

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SampledPoint:
    n: float
    lambda_eff: numerics.Estimate  # n·E_n[K]
    heat_capacity: numerics.Estimate  # Var_n[n·K]

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "lambda_eff": self.lambda_eff.as_dict(), "heat_capacity": self.heat_capacity.as_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SampledPoint":
        return cls(float(data["n"]), numerics.Estimate.from_dict(data["lambda_eff"]), numerics.Estimate.from_dict(data["heat_capacity"]))


def _run(specs: list[dict[str, Any]], executor: Any) -> list[Any]:
    """Run jobs through ``executor`` (in this process when None); a failed job is an error here."""
    from proofs_checks.executor import run_jobs

    results = run_jobs(specs, executor)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise ValueError(f"{len(failed)} job(s) failed, the first: {failed[0].spec} — {failed[0].error}")
    return [r.result for r in results]


def gibbs_point(target: np.ndarray, hidden: int, n: float, seed: int, chains: int = 8, steps: int = 2000,
                burn_in: int | None = None) -> SampledPoint:  # fmt: skip
    """λ_eff(n) and C(n) of the two-layer linear model (unit priors) by blocked Gibbs (burn-in 20% by default)."""
    outputs, inputs = target.shape
    sampler = numerics.two_layer_gibbs(jnp.asarray(target, dtype=jnp.float32), hidden, n)
    start = (jnp.zeros((hidden, inputs)), jnp.zeros((outputs, hidden)))
    trace = numerics.run_chains(sampler, jax.random.key(seed), start, chains, steps)
    losses, burn_in = trace.info["loss"], steps // 5 if burn_in is None else burn_in
    energy = numerics.energy(losses, n=1, burn_in=burn_in)
    lam = energy._replace(value=n * energy.value, stderr=n * energy.stderr, per_chain=n * energy.per_chain)
    return SampledPoint(n, lam, numerics.heat_capacity(losses, nbeta=n, burn_in=burn_in))


def gap(s: float, sizes: Sequence[str], tolerance: float = 0.05, dps: int = 8, sampled: bool = False, seed: int = 0,
        executor: Any = None) -> tuple[Comparison, list[SampledPoint]]:  # fmt: skip
    """The ``gap`` scenario at one s: the exact comparison and, with ``sampled``, the Gibbs curve; every
    point is a job of ``executor`` (``proofs_checks.executor``)."""
    model = {"singular_values": [s, 0.0], "inputs": 2, "hidden": 1, "outputs": 2}
    specs = [{"task": "two-layer-exact", **model, "singular_values": [repr(s), "0"], "n": str(n), "dps": dps} for n in sizes]
    if sampled:
        specs += [{"task": "two-layer-gibbs", **model, "n": float(n), "seed": seed + k} for k, n in enumerate(sizes)]
    results = _run(specs, executor)
    points = [theory.ThermoPoint.from_dict(r) for r in results[: len(sizes)]]
    comparison = compare(points, theory.reduced_rank(2, 2, 1, 1), theory.reduced_rank(2, 2, 1, 0), tolerance)
    return comparison, [SampledPoint.from_dict(r) for r in results[len(sizes) :]]


def gap_polynomial(s: float, sizes: Sequence[str], tolerance: float = 0.05, dps: int = 8, executor: Any = None) -> Comparison:
    """The polynomial side of ``gap``: K = x²y² + s²x² with N(0, 1) priors, exact (the x-integral is Gaussian,
    ``theory.fibred_quadratic_thermodynamics``), against the Newton values of K (λ = 1/2, m = 1 for s > 0)
    and of x²y² (λ = 1/2, m = 2). The gap is in the multiplicity: λ_eff(n) follows 1/2 − 1/log n until
    n ~ 1/s², then rises to 1/2."""
    import sympy

    square = sympy.nsimplify(repr(s)) ** 2
    specs = [{"task": "fibred-exact", "g": f"y**2 + {square}", "n": str(n), "dps": dps} for n in sizes]
    points = [theory.ThermoPoint.from_dict(r) for r in _run(specs, executor)]
    truth = theory.newton_rlct(f"x**2*y**2 + ({square})*x**2", ["x", "y"]).coefficient
    apparent = theory.newton_rlct("x**2*y**2", ["x", "y"]).coefficient
    return compare(points, truth, apparent, tolerance)


def power_law(d: int, alpha: float) -> np.ndarray:
    """s_i = i^(−α), i = 1..d."""
    if d < 1 or not alpha > 0:
        raise ValueError(f"need d ≥ 1 and α > 0, got d={d}, α={alpha}")
    return np.arange(1, d + 1, dtype=float) ** -alpha


def dimension(
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
        curve = [SampledPoint.from_dict(r) for r in _run(specs, executor)]
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
