"""Reproducibility of chains, and the step-size calibration on a Gaussian."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numerics import LocalPosterior, calibrate_step_size, polynomial_potential, run_chains, sgld
from theory import read_expression


def posterior(expression="x**2 + y**2", nbeta=100.0):
    loss, _ = polynomial_potential(read_expression(expression))
    return LocalPosterior(loss, None, jnp.zeros(2), nbeta, 1.0)


def test_same_seed_same_draws_and_chains_do_not_depend_on_each_other():
    p = posterior()
    run = lambda chains, chunk=None: run_chains(sgld(p, 1e-3), jax.random.key(7), jnp.zeros(2), chains, 300, chunk_steps=chunk)
    four, again, two = run(4), run(4), run(2, chunk=37)
    np.testing.assert_array_equal(four.info["loss"], again.info["loss"])
    np.testing.assert_array_equal(four.info["loss"][:2], two.info["loss"])
    assert not np.array_equal(four.info["loss"][0], four.info["loss"][1])


def test_minibatches_change_the_draws_but_not_the_shapes():
    x = jnp.asarray(np.random.default_rng(0).standard_normal((100, 1)), dtype=jnp.float32)
    loss = lambda w, batch: 0.5 * jnp.mean((batch["y"] - w * batch["x"][:, 0]) ** 2)
    p = LocalPosterior(loss, {"x": x, "y": x[:, 0]}, jnp.ones(()), 50.0, 1.0)
    full = run_chains(sgld(p, 1e-3), jax.random.key(0), jnp.ones(()), 2, 100)
    mini = run_chains(sgld(p, 1e-3, batch_size=10), jax.random.key(0), jnp.ones(()), 2, 100)
    assert full.info["loss"].shape == mini.info["loss"].shape == (2, 100)
    assert not np.allclose(full.info["loss"], mini.info["loss"])


def test_calibration_scales_with_the_curvature_and_reaches_its_target():
    """For a Gaussian the acceptance depends on ε·h only, so quadrupling h must quarter the chosen ε."""
    soft = calibrate_step_size(posterior(nbeta=100.0), jax.random.key(0), target=0.9)
    stiff = calibrate_step_size(posterior(nbeta=400.0), jax.random.key(0), target=0.9)
    assert soft.acceptance == pytest.approx(0.9, abs=0.03)
    assert stiff.step_size == pytest.approx(soft.step_size * (100 + 1) / (400 + 1), rel=0.25)
    assert not soft.truncated
    with pytest.raises(ValueError, match="target"):
        calibrate_step_size(posterior(), jax.random.key(0), target=1.5)


def test_gaussian_acceptance_formula_against_simulation():
    """Roberts & Rosenthal's 2Φ(−√d·(εh)^{3/2}/8) against the measured MALA acceptance on N(0, I/h) in 50-D."""
    from numerics import acceptance_for_bias, bias_from_acceptance
    from numerics.samplers.sgld import langevin_acceptance

    dim, h, bias = 50, 4.0, 0.05
    eps = 4 * bias / (1 + bias) / h
    quadratic = LocalPosterior(lambda w, batch: 0.5 * jnp.sum(w**2), None, jnp.zeros(dim), h, 0.0)
    draws = jax.random.normal(jax.random.key(0), (20_000, dim)) / jnp.sqrt(h)  # exact draws from the target
    keys = jax.random.split(jax.random.key(1), draws.shape[0])
    alphas = jax.vmap(lambda k, w: langevin_acceptance(quadratic, k, w, None, eps)[0])(keys, draws)
    predicted = acceptance_for_bias(dim, bias)
    assert float(alphas.mean()) == pytest.approx(predicted, abs=0.01)
    assert bias_from_acceptance(dim, predicted) == pytest.approx(bias, rel=1e-9)


def test_sgld_bias_at_the_calibrated_step_is_within_budget():
    """On a 2-D Gaussian the default calibration aims at a 2% bias of nβ·E[K]; measure it."""
    from numerics import llc

    p = posterior(nbeta=200.0)
    calibration = calibrate_step_size(p, jax.random.key(0))
    trace = run_chains(sgld(p, calibration.step_size), jax.random.key(1), jnp.zeros(2), 16, 20_000)
    estimate = llc(trace.info["loss"], 0.0, 200.0, burn_in=2_000)
    exact = 400 / 401
    assert abs(estimate.value / exact - 1) < 0.04 + 4 * estimate.stderr / exact
