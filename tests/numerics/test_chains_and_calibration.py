"""Reproducibility of chains, and the step-size calibration on a Gaussian."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numerics import LocalPosterior, calibrate_step_size, polynomial_potential, run_chains, sgld


def posterior(expression="x**2 + y**2", nbeta=100.0):
    loss, _ = polynomial_potential(expression)
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
