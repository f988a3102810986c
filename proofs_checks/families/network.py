"""Saved multilayer perceptrons with their data: theory knows no λ, so only sampled evidence decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax.numpy as jnp

import numerics
from proofs_checks.families.base import Family, Samplable

if TYPE_CHECKING:
    from proofs_checks.spec import Spec

LOSSES = {"mse": numerics.mse_loss, "cross-entropy": numerics.cross_entropy_loss}


def _validate(model: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    if "path" not in data:
        raise ValueError("a network model needs [data] path = \"FILE.npz\" with arrays x and y")
    if model.get("loss", "mse") not in LOSSES:
        raise ValueError(f"[model] loss must be mse or cross-entropy, got {model['loss']!r}")


def _sample(spec: Spec, seed: int) -> Samplable:
    """The weights of ``params`` (w*) and the data of ``[data] path`` (x, y); n is the number of rows."""
    center = numerics.mlp_params_from_arrays(numerics.load_arrays(spec.path(spec.model["params"])))
    arrays = numerics.load_arrays(spec.path(spec.data["path"]))
    if set(arrays) < {"x", "y"}:
        raise ValueError(f"the data file must hold arrays x and y, found {sorted(arrays)}")
    loss_name = spec.model.get("loss", "mse")
    y = jnp.asarray(arrays["y"], dtype=jnp.float32 if loss_name == "mse" else jnp.int32)
    data = {"x": jnp.asarray(arrays["x"], dtype=jnp.float32), "y": y}
    inputs = center[0]["w"].shape[1]
    if data["x"].ndim != 2 or data["x"].shape[1] != inputs:
        raise ValueError(f"x must have shape (n, {inputs}) for these weights, got {tuple(data['x'].shape)}")
    apply = numerics.mlp_apply(spec.model.get("activation", "relu"))
    return Samplable(LOSSES[loss_name](apply), center, data, int(y.shape[0]))


FAMILY = Family(
    name="network",
    summary="a saved MLP (params .npz/.safetensors, activation, loss) with [data] path",
    fields=frozenset({"params", "activation", "loss"}),
    required=frozenset({"params"}),
    theory=lambda spec: None,
    sample=_sample,
    validate=_validate,
)
