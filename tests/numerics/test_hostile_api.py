"""The numerics API refuses nonsense with a ValueError naming the value, instead of returning healthy numbers."""

import jax.numpy as jnp
import numpy as np
import pytest

from numerics import (
    LocalPosterior,
    energy,
    estimate_llc,
    heat_capacity,
    llc,
    multi_temperature_lambda,
    polynomial_potential,
)
from theory import read_expression

TRACE = np.random.default_rng(0).normal(1.0, 0.1, size=(4, 200))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: multi_temperature_lambda([10.0, 10.0], [TRACE, TRACE], 100), "two different values"),
        (lambda: multi_temperature_lambda([10.0, np.inf], [TRACE, TRACE], 100), "finite"),
        (lambda: energy(TRACE, -5), "n must be positive"),
        (lambda: heat_capacity(TRACE, 0.0), "nbeta must be positive"),
        (lambda: heat_capacity(TRACE, np.nan), "nbeta must be positive"),
        (lambda: llc(TRACE, 0.0, np.inf), "nbeta must be positive"),
        (lambda: llc(TRACE, np.nan, 10.0), "loss_at_center"),
    ],
)
def test_estimators_refuse_nonsense(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_centre_of_the_wrong_dimension_is_refused():
    loss, _ = polynomial_potential(read_expression("x**2 + y**2"))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        estimate_llc(loss, jnp.zeros(3), None, nbeta=10.0, step_size=1e-3, num_steps=100)


@pytest.mark.parametrize("centre, nbeta, gamma", [(jnp.array([jnp.nan, 0.0]), 10.0, 1.0), (jnp.zeros(2), jnp.inf, 1.0), (jnp.zeros(2), 10.0, jnp.inf)])
def test_a_posterior_with_non_finite_settings_is_refused(centre, nbeta, gamma):
    loss, _ = polynomial_potential(read_expression("x**2 + y**2"))
    with pytest.raises(ValueError, match="finite"):
        LocalPosterior(loss, None, centre, nbeta, gamma)


def test_sampling_limits_are_named():
    loss, _ = polynomial_potential(read_expression("x**2"))
    for kwargs, message in [({"num_chains": 0}, "num_chains"), ({"num_steps": 10**9}, "num_steps"), ({"step_size": np.inf}, "step_size")]:
        with pytest.raises(ValueError, match=message):
            estimate_llc(loss, jnp.zeros(1), None, nbeta=10.0, **{"step_size": 1e-3, **kwargs})
