"""The jobs an executor can run: each a pure function from a JSON spec to a JSON result (``executor``).

| task | spec fields | result |
| --- | --- | --- |
| ``two-layer-exact`` | n, singular_values, inputs, hidden, outputs, prior_var = 1, dps = 15 | ThermoPoint (decimal strings) |
| ``fibred-exact`` | g, n, prior_var = 1, dps = 15 | ThermoPoint of K = x²·g(y) |
| ``two-layer-gibbs`` | singular_values, inputs, hidden, outputs, n, seed, chains = 8, steps = 2000 | sampled λ_eff, C |
| ``llc`` | model (a spec's [model] table), sampler (its [sampler] table, optional), data (optional), seed | λ̂ summary |
| ``regress-case`` | case (a catalogue name), seed = 0, z = 4 | the case's verdict |
| ``modular-llc`` | p, width, phase, model, training and sampler settings (``ModularConfig.job``) | accuracies, λ̂ and C per nβ, row statistics |
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

Spec = dict[str, Any]


def two_layer_exact(spec: Spec) -> dict[str, Any]:
    import theory

    point = theory.two_layer_thermodynamics(spec["n"], [str(s) for s in spec["singular_values"]], inputs=spec["inputs"],
                                            hidden=spec["hidden"], outputs=spec["outputs"], prior_var=spec.get("prior_var", 1),
                                            dps=spec.get("dps", 15))  # fmt: skip
    return point.as_dict()


def fibred_exact(spec: Spec) -> dict[str, Any]:
    import theory

    return theory.fibred_quadratic_thermodynamics(spec["g"], spec["n"], spec.get("prior_var", 1), spec.get("dps", 15)).as_dict()


def two_layer_gibbs(spec: Spec) -> dict[str, Any]:
    from proofs_checks.scenarios import gibbs_point

    target = np.zeros((spec["outputs"], spec["inputs"]))
    values = list(spec["singular_values"])
    target[np.arange(len(values)), np.arange(len(values))] = values
    point = gibbs_point(target, spec["hidden"], float(spec["n"]), spec["seed"], spec.get("chains", 8), spec.get("steps", 2000))
    return point.as_dict()


def llc(spec: Spec) -> dict[str, Any]:
    import numerics
    from proofs_checks.sampling import samplable, sampler_settings
    from proofs_checks.spec import spec_from_tables

    tables = {name: spec[name] for name in ("model", "data", "sampler") if name in spec}
    parsed = spec_from_tables(tables, Path(spec.get("folder", ".")))
    sampler = parsed.sampler
    seed = int(spec.get("seed", 0))
    loss, center, data, n = samplable(parsed, seed)
    nbeta = sampler.get("nbeta", numerics.default_nbeta(n))
    result = numerics.estimate_llc(loss, center, data, seed=seed, nbeta=nbeta, **sampler_settings(sampler))
    return numerics.summary_row(result)


def regress_case(spec: Spec) -> dict[str, Any]:
    from proofs_checks.regression import check_case, select

    cases = {case.name: case for case in select("full")}
    if spec["case"] not in cases:
        raise ValueError(f"unknown regression case {spec['case']!r}")
    return check_case(cases[spec["case"]], seed=spec.get("seed", 0), z=spec.get("z", 4.0), baseline=spec.get("baseline")).as_dict()


def modular_llc(spec: Spec) -> dict[str, Any]:
    from proofs_checks.modular_addition import measure_network

    return measure_network(spec)


TASKS: dict[str, Callable[[Spec], Any]] = {
    "two-layer-exact": two_layer_exact,
    "fibred-exact": fibred_exact,
    "two-layer-gibbs": two_layer_gibbs,
    "llc": llc,
    "regress-case": regress_case,
    "modular-llc": modular_llc,
}
