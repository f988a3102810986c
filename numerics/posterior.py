"""The localized tempered posterior that every sampler targets.

π(w) ∝ exp(−nβ·L_n(w) − (γ/2)·‖w − w*‖²)   (Lau, Furman, Wang, Murfet & Wei 2023, arXiv:2308.12108)

nβ is the inverse temperature times the sample size (the default, n/log n, is Watanabe's WBIC
temperature β = 1/log n), γ ≥ 0 localizes the posterior at w*. With γ = 0 the posterior is the
tempered posterior with a flat prior, which needs a confining loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp

from numerics.base import PyTree
from numerics.models import Loss


def tree_sq_distance(a: PyTree, b: PyTree) -> jax.Array:
    """‖a − b‖² summed over every leaf."""
    return sum(jnp.sum((x - y) ** 2) for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)))


def data_size(data: PyTree) -> int:
    """n, the common leading dimension of the data's arrays (0 for a population loss with no data)."""
    leaves = jax.tree.leaves(data)
    if not leaves:
        return 0
    sizes = {leaf.shape[0] for leaf in leaves}
    if len(sizes) != 1:
        raise ValueError(f"data arrays disagree on the number of examples: {sorted(sizes)}")
    return sizes.pop()


@dataclass(frozen=True)
class LocalPosterior:
    """Loss, data, centre w*, nβ and γ: everything that defines π(w). ``data`` may be ``None``."""

    loss: Loss
    data: PyTree
    center: PyTree
    nbeta: float
    gamma: float

    def __post_init__(self) -> None:
        if not (0 < self.nbeta < math.inf):
            raise ValueError(f"nbeta must be positive and finite, got {self.nbeta}")
        if not (0 <= self.gamma < math.inf):
            raise ValueError(f"gamma must be non-negative and finite, got {self.gamma}")
        leaves = jax.tree_util.tree_leaves(self.center)
        if not any(isinstance(leaf, jax.core.Tracer) for leaf in leaves) and not all(bool(jnp.all(jnp.isfinite(leaf))) for leaf in leaves):
            raise ValueError("the centre w* has non-finite coordinates (NaN or ±inf)")

    @property
    def n(self) -> int:
        return data_size(self.data)

    def full_loss(self, params: PyTree) -> jax.Array:
        """L_n(w) on all the data."""
        return self.loss(params, self.data)

    def potential(self, params: PyTree, batch: PyTree) -> jax.Array:
        """U(w) = nβ·L_B(w) + (γ/2)·‖w − w*‖² with L_B the loss on ``batch`` (an unbiased estimate of L_n)."""
        return self.nbeta * self.loss(params, batch) + 0.5 * self.gamma * tree_sq_distance(params, self.center)

    def log_density(self, params: PyTree) -> jax.Array:
        """log π(w) up to a constant, with the full-data loss."""
        return -self.potential(params, self.data)

    def loss_from_log_density(self, params: PyTree, log_density: jax.Array) -> jax.Array:
        """Recover L_n(w) from log π(w) without evaluating the loss again."""
        return (-log_density - 0.5 * self.gamma * tree_sq_distance(params, self.center)) / self.nbeta

    def with_nbeta(self, nbeta: float) -> "LocalPosterior":
        return LocalPosterior(self.loss, self.data, self.center, nbeta, self.gamma)
