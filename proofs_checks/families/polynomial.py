"""Polynomial losses K(w) given as an expression: λ from the Newton polyhedron (exact when the certificate proves
non-degeneracy, an upper bound otherwise; Watanabe 2009, §7.2), sampled as the potential n·K."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jax.numpy as jnp

import numerics
import theory
from proofs_checks.families.base import Family, Samplable
from proofs_checks.tasks import register

if TYPE_CHECKING:
    from proofs_checks.spec import Spec


def _theory(spec: Spec) -> theory.LearningCoefficient:
    m = spec.model
    at = m.get("at")
    return theory.newton_rlct(m["expression"], m.get("variables"), m.get("prior_exponents"), None if at is None else [str(x) for x in at]).coefficient


def _sample(spec: Spec, seed: int) -> Samplable:
    if any(spec.model.get("prior_exponents") or []):
        raise ValueError("sampling needs a prior positive at w*: prior_exponents must be zero for sampled evidence")
    expression = theory.read_expression(spec.model["expression"], spec.model.get("variables"), what="the loss K")
    loss, names = numerics.polynomial_potential(expression, spec.model.get("variables"))
    at = spec.model.get("at") or [0] * len(names)
    return Samplable(loss, jnp.asarray([float(x) for x in at], dtype=jnp.float32), None, int(spec.sampler.get("n", 10_000)))


FAMILY = Family(
    name="polynomial",
    summary="a polynomial loss K (expression, variables, prior_exponents, at)",
    fields=frozenset({"expression", "variables", "prior_exponents", "at"}),
    required=frozenset({"expression"}),
    theory=_theory,
    sample=_sample,
)


@register("fibred-exact")
def fibred_exact(job: dict[str, Any]) -> dict[str, Any]:
    """Job ``{g, n, prior_var = 1, dps = 15}``: the exact thermodynamics of K = x²·g(y) (a ``ThermoPoint``)."""
    return theory.fibred_quadratic_thermodynamics(job["g"], job["n"], job.get("prior_var", 1), job.get("dps", 15)).as_dict()
