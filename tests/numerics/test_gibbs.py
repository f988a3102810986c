"""The blocked Gibbs sampler of the two-layer linear model against the arbitrary-precision theory."""

import jax
import jax.numpy as jnp
import mpmath
import numpy as np

import theory
from numerics import run_chains, thermodynamic_integration, two_layer_gibbs


def gibbs_losses(target, hidden, t, steps=4_000, chains=8, seed=0):
    sampler = two_layer_gibbs(jnp.asarray(target, dtype=jnp.float32), hidden, t)
    start = (jnp.zeros((hidden, target.shape[1])), jnp.zeros((target.shape[0], hidden)))
    return run_chains(sampler, jax.random.key(seed), start, chains, steps).info["loss"]


def test_gibbs_energy_matches_exact_lambda_eff():
    """n·E_n[K] from Gibbs equals the exact λ_eff(n) of theory.two_layer_thermodynamics (2×1×2, s = (0.3, 0))."""
    target = np.diag([0.3, 0.0])
    for n in [10.0, 1000.0]:
        losses = gibbs_losses(target, 1, n)[:, 500:]
        per_chain = n * losses.mean(axis=1)
        value, stderr = per_chain.mean(), per_chain.std(ddof=1) / np.sqrt(len(per_chain))
        exact = theory.two_layer_thermodynamics(n, [0.3, 0], inputs=2, hidden=1, outputs=2, dps=15).lambda_eff
        assert abs(value - float(exact)) < 4 * stderr, (n, value, stderr, exact)


def test_thermodynamic_integration_reproduces_the_published_partition_function():
    """1×1×1, M = 0.5, n = 100, unit priors: Z = 0.0755632053353564713368373841 (REFERENCES §5)."""
    exact_free_energy = -float(mpmath.log(mpmath.mpf("0.0755632053353564713368373841")))
    grid = np.geomspace(1e-3, 100.0, 41)
    losses = [gibbs_losses(np.array([[0.5]]), 1, t, steps=2_000, seed=i) for i, t in enumerate(grid)]
    estimate = thermodynamic_integration(grid, losses, burn_in=200)
    # the trapezoid rule on 41 log-spaced points is accurate to ~1e-3 here; the sampling error is larger
    assert abs(estimate.value - exact_free_energy) < 4 * estimate.stderr + 2e-3, (estimate, exact_free_energy)
    assert estimate.stderr < 0.02
