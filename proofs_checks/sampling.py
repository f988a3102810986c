"""From a model spec to what ``numerics`` samples: a loss, the point w*, the data and n."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

import numerics
from proofs_checks.spec import Spec
from theory.expression import read_expression


def samplable(spec: Spec, seed: int = 0) -> tuple[Any, Any, Any, int]:
    """(loss, w*, data, n) for sampling the spec's model: a polynomial potential, a saved network with its
    data, or a deep linear network at a rank-r teacher with n noise-free examples drawn with ``seed``."""
    sampler = spec.sampler
    if spec.kind == "deep_linear":
        widths, n = list(spec.model["widths"]), int(sampler.get("n", 10_000))
        key_teacher, key_data = jax.random.split(jax.random.key(seed))
        teacher = numerics.deep_linear_teacher(key_teacher, widths, spec.model["rank"])
        data = numerics.teacher_student_data(key_data, numerics.deep_linear_apply, teacher, n, widths[0])
        return numerics.mse_loss(numerics.deep_linear_apply), teacher, data, n
    if spec.kind == "polynomial":
        if any(spec.model.get("prior_exponents") or []):
            raise ValueError("sampling needs a prior positive at w*: prior_exponents must be zero for sampled evidence")
        loss, names = numerics.polynomial_potential(read_expression(spec.model["expression"], spec.model.get("variables"), what="the loss K"), spec.model.get("variables"))
        at = spec.model.get("at") or [0] * len(names)
        return loss, jnp.asarray([float(x) for x in at], dtype=jnp.float32), None, int(sampler.get("n", 10_000))
    if spec.kind == "network":
        center = numerics.mlp_params_from_arrays(numerics.load_arrays(spec.path(spec.model["params"])))
        arrays = numerics.load_arrays(spec.path(spec.data["path"]))
        if set(arrays) < {"x", "y"}:
            raise ValueError(f"the data file must hold arrays x and y, found {sorted(arrays)}")
        loss_name = spec.model.get("loss", "mse")
        losses = {"mse": numerics.mse_loss, "cross-entropy": numerics.cross_entropy_loss}
        if loss_name not in losses:
            raise ValueError(f"[model] loss must be mse or cross-entropy, got {loss_name!r}")
        y = jnp.asarray(arrays["y"], dtype=jnp.float32 if loss_name == "mse" else jnp.int32)
        data = {"x": jnp.asarray(arrays["x"], dtype=jnp.float32), "y": y}
        inputs = center[0]["w"].shape[1]
        if data["x"].ndim != 2 or data["x"].shape[1] != inputs:
            raise ValueError(f"x must have shape (n, {inputs}) for these weights, got {tuple(data['x'].shape)}")
        return losses[loss_name](numerics.mlp_apply(spec.model.get("activation", "relu"))), center, data, int(y.shape[0])
    raise ValueError(f"no sampled evidence for a {spec.kind} model")  # catalogue models are decided exactly


def sampler_settings(sampler: dict[str, Any]) -> dict[str, Any]:
    """``numerics.estimate_llc`` keyword arguments from a spec's [sampler] table (defaults where absent)."""
    return {
        "gamma": float(sampler.get("gamma", 1.0)),
        "num_chains": int(sampler.get("chains", 4)),
        "num_steps": sampler.get("steps"),
        "batch_size": int(sampler.get("batch", 500)),
    }
