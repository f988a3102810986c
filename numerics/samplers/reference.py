"""Exact reference kernels on the localized tempered posterior, from BlackJAX, with the full-data loss.

They are Metropolis-adjusted, hence unbiased for any step size; they serve to check SGLD and to measure
its discretisation error. ``step_size`` follows the SGLD convention ε (drift ε/2·∇log π, noise variance ε):
for MALA that is BlackJAX's step size ε/2; for HMC and NUTS it is the leapfrog step √ε, which makes one
leapfrog step of HMC with ε equal to one MALA proposal with the same ε.
"""

from __future__ import annotations

from typing import NamedTuple

import blackjax
import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from numerics.posterior import LocalPosterior
from numerics.samplers.sgld import Sampler


class ReferenceInfo(NamedTuple):
    loss: jax.Array  # full-data L_n at the state the step started from
    acceptance: jax.Array  # Metropolis–Hastings acceptance probability of the step
    divergent: jax.Array  # HMC/NUTS energy divergence (always False for MALA)


def _wrap(posterior: LocalPosterior, algorithm) -> Sampler:
    def step(key: jax.Array, state):
        loss = posterior.loss_from_log_density(state.position, state.logdensity)
        new, info = algorithm.step(key, state)
        divergent = getattr(info, "is_divergent", jnp.zeros((), bool))
        return new, ReferenceInfo(loss, info.acceptance_rate, divergent)

    return Sampler(algorithm.init, step)


def _check(step_size: float) -> None:
    if not step_size > 0:
        raise ValueError(f"step_size must be positive, got {step_size}")


def _unit_mass(posterior: LocalPosterior) -> jax.Array:
    flat, _ = ravel_pytree(posterior.center)
    return jnp.ones_like(flat)


def mala(posterior: LocalPosterior, step_size: float) -> Sampler:
    """Metropolis-adjusted Langevin (Roberts & Tweedie 1996) with SGLD step size ε."""
    _check(step_size)
    return _wrap(posterior, blackjax.mala(posterior.log_density, 0.5 * step_size))


def hmc(posterior: LocalPosterior, step_size: float, num_integration_steps: int = 10) -> Sampler:
    """Hamiltonian Monte Carlo with leapfrog step √ε and a unit mass matrix."""
    _check(step_size)
    if num_integration_steps < 1:
        raise ValueError(f"num_integration_steps must be positive, got {num_integration_steps}")
    algorithm = blackjax.hmc(
        posterior.log_density, jnp.sqrt(step_size), _unit_mass(posterior), num_integration_steps
    )
    return _wrap(posterior, algorithm)


def nuts(posterior: LocalPosterior, step_size: float) -> Sampler:
    """The No-U-Turn sampler (Hoffman & Gelman 2014) with leapfrog step √ε and a unit mass matrix."""
    _check(step_size)
    return _wrap(posterior, blackjax.nuts(posterior.log_density, jnp.sqrt(step_size), _unit_mass(posterior)))
