"""Exact blocked Gibbs sampler for the two-layer linear model.

Target (REFERENCES §5): π_t(A, B) ∝ exp(−t·½‖B·A − M‖_F²)·N(A; 0, s_a I)·N(B; 0, s_b I), A: H × N_in,
B: N_out × H, t = nβ. Both conditionals are Gaussian:
- B | A: rows independent, precision P = t·A·Aᵀ + I/s_b, mean t·M·Aᵀ·P⁻¹;
- A | B: columns independent, precision Q = t·Bᵀ·B + I/s_a, mean t·Q⁻¹·Bᵀ·M.
Alternating exact draws from both is a valid MCMC kernel with no step size and no discretisation bias.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.scipy.linalg import cho_solve, solve_triangular

from numerics.samplers.sgld import Sampler


class GibbsState(NamedTuple):
    position: tuple[jax.Array, jax.Array]  # (A, B)


class GibbsInfo(NamedTuple):
    loss: jax.Array  # K(A, B) = ½‖B·A − M‖² at the state the step started from


def _gaussian_rows(key: jax.Array, precision: jax.Array, rhs: jax.Array) -> jax.Array:
    """Rows x_i ~ N(P⁻¹ r_i, P⁻¹) for the rows r_i of ``rhs``."""
    chol = jnp.linalg.cholesky(precision)
    mean = cho_solve((chol, True), rhs.T).T
    z = jax.random.normal(key, rhs.shape, rhs.dtype)
    return mean + solve_triangular(chol.T, z.T, lower=False).T


def two_layer_gibbs(target: jax.Array, hidden: int, nbeta: float, prior_var_a: float = 1.0, prior_var_b: float = 1.0) -> Sampler:
    """Blocked Gibbs on π_t(A, B); positions are ``(A, B)``."""
    target = jnp.asarray(target)
    if target.ndim != 2:
        raise ValueError(f"the target M must be a matrix (outputs × inputs), got shape {target.shape}")
    if hidden < 1:
        raise ValueError(f"hidden must be a positive integer, got {hidden}")
    if not nbeta > 0 or not prior_var_a > 0 or not prior_var_b > 0:
        raise ValueError(f"nbeta and the prior variances must be positive, got {nbeta}, {prior_var_a}, {prior_var_b}")
    eye = jnp.eye(hidden, dtype=target.dtype)

    def init(position: tuple[jax.Array, jax.Array]) -> GibbsState:
        a, b = position
        if a.shape != (hidden, target.shape[1]) or b.shape != (target.shape[0], hidden):
            raise ValueError(f"positions must be A {(hidden, target.shape[1])} and B {(target.shape[0], hidden)}")
        return GibbsState((a, b))

    def step(key: jax.Array, state: GibbsState) -> tuple[GibbsState, GibbsInfo]:
        key_b, key_a = jax.random.split(key)
        a, b = state.position
        loss = 0.5 * jnp.sum((b @ a - target) ** 2)
        b = _gaussian_rows(key_b, nbeta * a @ a.T + eye / prior_var_b, nbeta * target @ a.T)
        a = _gaussian_rows(key_a, nbeta * b.T @ b + eye / prior_var_a, nbeta * (b.T @ target).T).T
        return GibbsState((a, b)), GibbsInfo(loss)

    return Sampler(init, step)
