"""The quadratic network f(x) = Σ_i a_i (w_i·x)² on modular addition mod p, at saved weights (Gromov 2023; Rubin,
Seroussi & Ringel 2024). Theory knows no λ here (the mean-field description gives a free energy per neuron instead:
docs/scenarios/modular-addition.md), so only sampled evidence decides; the data are the training pairs of
``numerics.modular.modular_addition_data`` (their share and seed in the spec)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jax.numpy as jnp

import numerics
from numerics import modular
from proofs_checks.families.base import Family, Samplable

if TYPE_CHECKING:
    from proofs_checks.spec import Spec


def _validate(model: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    p = model["p"]
    if isinstance(p, bool) or not isinstance(p, int):
        raise ValueError(f"[model] p must be an odd prime, got {p!r}")
    modular.check_prime(p)
    fraction = model.get("train_fraction", 0.5)
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
        raise ValueError(f"[model] train_fraction must lie in (0, 1], got {fraction!r}")
    seed = model.get("data_seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"[model] data_seed must be a non-negative integer, got {seed!r}")


def _sample(spec: Spec, seed: int) -> Samplable:
    """The weights of ``params`` (arrays ``w``: N × 2p and ``a``: p × N) at the training pairs of the spec's split."""
    m = spec.model
    arrays = numerics.load_arrays(spec.path(m["params"]))
    if set(arrays) != {"w", "a"}:
        raise ValueError(f"the params file must hold exactly the arrays w and a, found {sorted(arrays)}")
    p, width = m["p"], arrays["w"].shape[0]
    if arrays["w"].shape != (width, 2 * p) or arrays["a"].shape != (p, width):
        raise ValueError(f"for p = {p} the params need w of shape (N, {2 * p}) and a of shape ({p}, N), "
                         f"got {arrays['w'].shape} and {arrays['a'].shape}")  # fmt: skip
    center = {name: jnp.asarray(arrays[name], dtype=jnp.float32) for name in ("w", "a")}
    data = modular.modular_addition_data(p, float(m.get("train_fraction", 0.5)), int(m.get("data_seed", 0))).train
    train = {"x": data["x"], "y": data["y"]}
    return Samplable(numerics.mse_loss(modular.quadratic_apply), center, train, int(train["x"].shape[0]))


FAMILY = Family(
    name="modular",
    summary="the quadratic network on modular addition mod p at saved weights (p, params, train_fraction, data_seed)",
    fields=frozenset({"p", "params", "train_fraction", "data_seed"}),
    required=frozenset({"p", "params"}),
    theory=lambda spec: None,
    sample=_sample,
    validate=_validate,
)
