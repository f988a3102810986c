"""Stochastic-gradient Langevin dynamics on the localized tempered posterior.

Step (Welling & Teh 2011, in the form of Lau et al. 2023, arXiv:2308.12108):
    w ← w − (ε/2)·(nβ·∇L_B(w) + γ·(w − w*)) + N(0, ε·I),
with L_B the mean loss on a minibatch of ``batch_size`` examples drawn uniformly with replacement.
With ``batch_size = n`` (or a population loss without data) it is the unadjusted Langevin algorithm.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from numerics.base import PyTree, Sampler
from numerics.posterior import LocalPosterior


class SGLDState(NamedTuple):
    position: PyTree


class SGLDInfo(NamedTuple):
    loss: jax.Array  # the minibatch loss L_B at the position the step started from


def draw_batch(key: jax.Array, data: PyTree, batch_size: int | None) -> PyTree:
    """A minibatch drawn with replacement; the whole data when ``batch_size`` is None or ≥ n."""
    leaves = jax.tree.leaves(data)
    if not leaves or batch_size is None or batch_size >= leaves[0].shape[0]:
        return data
    index = jax.random.randint(key, (batch_size,), 0, leaves[0].shape[0])
    return jax.tree.map(lambda a: a[index], data)


def _gaussian_like(key: jax.Array, tree: PyTree) -> PyTree:
    """Standard normal noise shaped like ``tree``, drawn in one call (one RNG call per leaf is much slower)."""
    flat, unravel = ravel_pytree(tree)
    return unravel(jax.random.normal(key, flat.shape, flat.dtype))


def langevin_move(position: PyTree, potential_grad: PyTree, noise: PyTree, step_size: float) -> PyTree:
    """The Euler–Maruyama step of the Langevin diffusion, shared by SGLD and its MALA acceptance:
    w' = w − (ε/2)·∇U(w) + √ε·z."""
    return jax.tree.map(lambda x, g, z: x - 0.5 * step_size * g + jnp.sqrt(step_size) * z, position, potential_grad, noise)


def langevin_proposal(posterior: LocalPosterior, key: jax.Array, position: PyTree, batch: PyTree, step_size: float) -> tuple[PyTree, jax.Array]:
    """One Langevin move w' = w − (ε/2)·∇U_B(w) + N(0, ε·I), and the minibatch loss L_B(w)."""
    loss, grad = jax.value_and_grad(posterior.loss)(position, batch)
    potential_grad = jax.tree.map(lambda x, g, c: posterior.nbeta * g + posterior.gamma * (x - c), position, grad, posterior.center)
    return langevin_move(position, potential_grad, _gaussian_like(key, position), step_size), loss


def langevin_acceptance(
    posterior: LocalPosterior, key: jax.Array, position: PyTree, batch: PyTree, step_size: float
) -> tuple[jax.Array, PyTree]:
    """``(α, w')``: a Langevin move w' from ``position`` and the Metropolis–Hastings acceptance probability
    α that MALA would give it, with U = nβ·L_B + (γ/2)‖w − w*‖² on ``batch`` at both ends
    (Roberts & Tweedie 1996).

    SGLD never rejects, so 1 − acceptance measures its discretisation error at the states it visits.
    """
    value_and_grad = jax.value_and_grad(lambda w: posterior.potential(w, batch))
    u0, g0 = value_and_grad(position)
    proposal = langevin_move(position, g0, _gaussian_like(key, position), step_size)
    u1, g1 = value_and_grad(proposal)

    def log_q(to: PyTree, frm: PyTree, grad: PyTree) -> jax.Array:  # log density of proposing `to` from `frm`
        return -sum(
            jnp.sum((t - f + 0.5 * step_size * g) ** 2)
            for t, f, g in zip(jax.tree.leaves(to), jax.tree.leaves(frm), jax.tree.leaves(grad))
        ) / (2.0 * step_size)

    log_ratio = (u0 - u1) + log_q(position, proposal, g1) - log_q(proposal, position, g0)
    return jnp.nan_to_num(jnp.exp(jnp.minimum(0.0, log_ratio))), proposal


def sgld(posterior: LocalPosterior, step_size: float, batch_size: int | None = None) -> Sampler:
    """SGLD with step ε = ``step_size`` on ``posterior``; see the module docstring for the update."""
    if not step_size > 0:
        raise ValueError(f"step_size must be positive, got {step_size}")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    def init(position: PyTree) -> SGLDState:
        return SGLDState(position)

    def step(key: jax.Array, state: SGLDState) -> tuple[SGLDState, SGLDInfo]:
        batch_key, noise_key = jax.random.split(key)
        batch = draw_batch(batch_key, posterior.data, batch_size)
        new, loss = langevin_proposal(posterior, noise_key, state.position, batch, step_size)
        return SGLDState(new), SGLDInfo(loss)

    return Sampler(init, step)
