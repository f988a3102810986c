"""Two-layer linear models B·A (inputs → hidden → outputs) at a target with given singular values.

Theory: λ and m of reduced-rank regression at the target's rank (Aoyagi & Watanabe 2005); the exact
thermodynamics F(n), λ_eff(n), C(n) at finite n (``theory.two_layer_thermodynamics``, arbitrary precision); a
Gibbs reference that samples the tempered posterior with both conditionals Gaussian (``numerics.two_layer_gibbs``,
no step size); and SGLD at a teacher B·A = diag(s) for sampled λ̂.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np

import numerics
import theory
from proofs_checks.families.base import Family, Samplable
from proofs_checks.tasks import register

if TYPE_CHECKING:
    from proofs_checks.spec import Spec


@dataclass(frozen=True)
class SampledPoint:
    n: float
    lambda_eff: numerics.Estimate  # n·E_n[K]
    heat_capacity: numerics.Estimate  # Var_n[n·K]

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "lambda_eff": self.lambda_eff.as_dict(), "heat_capacity": self.heat_capacity.as_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SampledPoint:
        return cls(float(data["n"]), numerics.Estimate.from_dict(data["lambda_eff"]), numerics.Estimate.from_dict(data["heat_capacity"]))


def gibbs_point(target: np.ndarray, hidden: int, n: float, seed: int, chains: int = 8, steps: int = 2000,
                burn_in: int | None = None) -> SampledPoint:  # fmt: skip
    """λ_eff(n) = n·E_n[K] and C(n) = Var_n[n·K] of the two-layer linear model (unit priors) by blocked Gibbs, with
    standard errors across chains (burn-in 20% by default)."""
    outputs, inputs = target.shape
    sampler = numerics.two_layer_gibbs(jnp.asarray(target, dtype=jnp.float32), hidden, n)
    start = (jnp.zeros((hidden, inputs)), jnp.zeros((outputs, hidden)))
    trace = numerics.run_chains(sampler, jax.random.key(seed), start, chains, steps)
    losses, burn_in = trace.info["loss"], steps // 5 if burn_in is None else burn_in
    energy = numerics.energy(losses, n=1, burn_in=burn_in)
    lam = energy._replace(value=n * energy.value, stderr=n * energy.stderr, per_chain=n * energy.per_chain)
    return SampledPoint(n, lam, numerics.heat_capacity(losses, nbeta=n, burn_in=burn_in))


def diagonal_target(singular_values: list[float], outputs: int, inputs: int) -> np.ndarray:
    """The outputs × inputs matrix with ``singular_values`` on its diagonal."""
    target = np.zeros((outputs, inputs))
    target[np.arange(len(singular_values)), np.arange(len(singular_values))] = singular_values
    return target


@register("two-layer-exact")
def two_layer_exact(job: dict[str, Any]) -> dict[str, Any]:
    """Job ``{n, singular_values, inputs, hidden, outputs, prior_var = 1, dps = 15}``: the exact ``ThermoPoint``
    (decimal strings)."""
    point = theory.two_layer_thermodynamics(job["n"], [str(s) for s in job["singular_values"]], inputs=job["inputs"],
                                            hidden=job["hidden"], outputs=job["outputs"], prior_var=job.get("prior_var", 1),
                                            dps=job.get("dps", 15))  # fmt: skip
    return point.as_dict()


@register("two-layer-gibbs")
def two_layer_gibbs(job: dict[str, Any]) -> dict[str, Any]:
    """Job ``{singular_values, inputs, hidden, outputs, n, seed, chains = 8, steps = 2000}``: sampled λ_eff and C."""
    target = diagonal_target(list(job["singular_values"]), job["outputs"], job["inputs"])
    point = gibbs_point(target, job["hidden"], float(job["n"]), job["seed"], job.get("chains", 8), job.get("steps", 2000))
    return point.as_dict()


def _validate(model: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    for key in ("inputs", "outputs", "hidden"):
        value = model[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"[model] {key} must be a positive integer, got {value!r}")
    values = model["singular_values"]
    if not isinstance(values, list) or any(isinstance(s, bool) or not isinstance(s, (int, float)) or not math.isfinite(s) or s < 0 for s in values):
        raise ValueError(f"[model] singular_values must be a list of finite non-negative numbers, got {values!r}")
    if len(values) > min(model["inputs"], model["outputs"]):
        raise ValueError(f"[model] singular_values has {len(values)} entries; a {model['outputs']} × {model['inputs']} target has at most {min(model['inputs'], model['outputs'])}")
    if sum(1 for s in values if s > 0) > model["hidden"]:
        raise ValueError(f"[model] singular_values has more non-zero entries than hidden = {model['hidden']}: the target is not"
                         " realizable (the LoRA scenario, `sltv lora`, treats that case)")
    prior_var = model.get("prior_var", 1)
    if isinstance(prior_var, bool) or not isinstance(prior_var, (int, float)) or not prior_var > 0 or not math.isfinite(prior_var):
        raise ValueError(f"[model] prior_var must be a finite positive number, got {prior_var!r}")


def _rank(spec: Spec) -> int:
    return sum(1 for s in spec.model["singular_values"] if s > 0)


def _sample(spec: Spec, seed: int) -> Samplable:
    """A teacher with B·A = diag(s) (√s_i in A and B, one hidden unit per non-zero s_i) and n noise-free Gaussian inputs drawn with ``seed``."""
    m, n = spec.model, int(spec.sampler.get("n", 10_000))
    values = np.asarray(m["singular_values"], dtype=float)
    first, second = np.zeros((m["hidden"], m["inputs"])), np.zeros((m["outputs"], m["hidden"]))
    for slot, index in enumerate(np.flatnonzero(values)):  # the non-zero values, at most hidden of them
        first[slot, index] = second[index, slot] = math.sqrt(values[index])
    teacher = [jnp.asarray(first, dtype=jnp.float32), jnp.asarray(second, dtype=jnp.float32)]
    data = numerics.teacher_student_data(jax.random.key(seed), numerics.deep_linear_apply, teacher, n, m["inputs"])
    return Samplable(numerics.mse_loss(numerics.deep_linear_apply), teacher, data, n)


FAMILY = Family(
    name="two_layer",
    summary="a two-layer linear model B·A at a target's singular values (inputs, outputs, hidden, singular_values, prior_var)",
    fields=frozenset({"inputs", "outputs", "hidden", "singular_values", "prior_var"}),
    required=frozenset({"inputs", "outputs", "hidden", "singular_values"}),
    theory=lambda spec: theory.reduced_rank(spec.model["inputs"], spec.model["outputs"], spec.model["hidden"], _rank(spec)),
    sample=_sample,
    validate=_validate,
)
