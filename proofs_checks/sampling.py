"""From a model spec to what ``numerics`` samples (its family's ``Samplable``), and the ``llc`` task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numerics
from proofs_checks.families import Samplable, family
from proofs_checks.spec import Spec, spec_from_tables
from proofs_checks.tasks import register


def samplable(spec: Spec, seed: int = 0) -> Samplable:
    """(loss, w*, data, n) for sampling the spec's model, from its family (``proofs_checks.families``): a polynomial
    potential, a saved network with its data, or a linear network at a teacher drawn with ``seed``."""
    return family(spec.kind).samplable(spec, seed)


def sampler_settings(sampler: dict[str, Any]) -> dict[str, Any]:
    """``numerics.estimate_llc`` keyword arguments from a spec's [sampler] table (defaults where absent)."""
    return {
        "gamma": float(sampler.get("gamma", 1.0)),
        "num_chains": int(sampler.get("chains", 4)),
        "num_steps": sampler.get("steps"),
        "batch_size": int(sampler.get("batch", 500)),
    }


@register("llc")
def llc(job: dict[str, Any]) -> dict[str, Any]:
    """Job ``{model, sampler?, data?, folder?, seed}`` (a spec's tables): the λ̂ summary row of ``numerics.estimate_llc``."""
    tables = {name: job[name] for name in ("model", "data", "sampler") if name in job}
    parsed = spec_from_tables(tables, Path(job.get("folder", ".")))
    seed = int(job.get("seed", 0))
    loss, center, data, n = samplable(parsed, seed)
    nbeta = parsed.sampler.get("nbeta", numerics.default_nbeta(n))
    result = numerics.estimate_llc(loss, center, data, seed=seed, nbeta=nbeta, **sampler_settings(parsed.sampler))
    return numerics.summary_row(result)
