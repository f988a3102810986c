"""SGLD and the exact reference kernels on 1–2-D polynomial potentials against quadrature.

The exact value is nβ·E[K] under π ∝ exp(−nβ·K − (γ/2)|w|²) at the same nβ (λ_eff of that model, not
λ), computed by scipy quadrature inside the test.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate

from numerics import LocalPosterior, hmc, llc, mala, nuts, polynomial_potential, run_chains, sgld
from theory import read_expression


def exact_tempered_energy(k, nbeta, gamma, dim):
    weight = lambda *w: np.exp(-nbeta * k(*w) - 0.5 * gamma * sum(x * x for x in w))
    if dim == 1:
        z = integrate.quad(weight, -np.inf, np.inf, epsabs=0, epsrel=1e-10, limit=200)[0]
        e = integrate.quad(lambda x: k(x) * weight(x), -np.inf, np.inf, epsabs=0, epsrel=1e-10, limit=200)[0]
    else:  # nested adaptive quadrature: the inner integral over y, then over x
        def nested(f):
            inner = lambda x: integrate.quad(lambda y: f(x, y), -np.inf, np.inf, epsabs=0, epsrel=1e-10, limit=200)[0]
            return integrate.quad(inner, -np.inf, np.inf, epsabs=0, epsrel=1e-9, limit=200, points=None)[0]

        z = nested(weight)
        e = nested(lambda x, y: k(x, y) * weight(x, y))
    return nbeta * e / z


CASES = [  # expression, numpy K, dimension, nβ, γ
    ("x**4", lambda x: x**4, 1, 100.0, 1.0),
    ("x**2*y**2", lambda x, y: x**2 * y**2, 2, 100.0, 1.0),
    ("x**2 + 3*y**2", lambda x, y: x**2 + 3 * y**2, 2, 10.0, 0.5),
]


def sample(kernel, expression, dim, nbeta, gamma, steps, seed=0, chains=8):
    loss, _ = polynomial_potential(read_expression(expression))
    posterior = LocalPosterior(loss, None, jnp.zeros(dim), nbeta, gamma)
    trace = run_chains(kernel(posterior), jax.random.key(seed), jnp.zeros(dim), chains, steps)
    return llc(trace.info["loss"], 0.0, nbeta, burn_in=steps // 5), trace


@pytest.mark.parametrize("expression, k, dim, nbeta, gamma", CASES)
def test_mala_reproduces_quadrature(expression, k, dim, nbeta, gamma):
    exact = exact_tempered_energy(k, nbeta, gamma, dim)
    estimate, trace = sample(lambda p: mala(p, 0.02), expression, dim, nbeta, gamma, 20_000)
    assert estimate.healthy, estimate.diagnostics
    assert 0.3 < trace.info["acceptance"].mean() < 1.0
    assert abs(estimate.value - exact) < 4 * estimate.stderr, (estimate, exact)


@pytest.mark.parametrize("expression, k, dim, nbeta, gamma", CASES)
def test_sgld_with_small_steps_reproduces_quadrature(expression, k, dim, nbeta, gamma):
    exact = exact_tempered_energy(k, nbeta, gamma, dim)
    estimate, _ = sample(lambda p: sgld(p, 2e-3), expression, dim, nbeta, gamma, 40_000)
    assert estimate.healthy, estimate.diagnostics
    # a 2e-3 step leaves a discretisation bias of a few percent: allow it on top of the noise
    assert abs(estimate.value - exact) < 4 * estimate.stderr + 0.05 * exact, (estimate, exact)


@pytest.mark.parametrize("kernel", [lambda p: hmc(p, 2e-3, 8), lambda p: nuts(p, 2e-3)], ids=["hmc", "nuts"])
def test_hmc_and_nuts_reproduce_quadrature(kernel):
    expression, k, dim, nbeta, gamma = CASES[2]
    exact = exact_tempered_energy(k, nbeta, gamma, dim)
    estimate, trace = sample(kernel, expression, dim, nbeta, gamma, 3_000, chains=4)
    assert not trace.info["divergent"].any()
    assert abs(estimate.value - exact) < 4 * estimate.stderr, (estimate, exact)


def test_sgld_bias_shrinks_with_the_step_size():
    """On K = x² (curvature h = 2nβ) Euler–Maruyama inflates the variance by 1/(1 − εh/4), so the bias of
    nβ·E[K] = ½ is ½·(εh/4)/(1 − εh/4): it must shrink, and roughly in proportion, as ε shrinks."""
    nbeta = 100.0
    biases = []
    for eps in [4e-3, 1e-3]:
        estimate, _ = sample(lambda p: sgld(p, eps), "x**2", 1, nbeta, 0.0, 40_000, chains=8)
        predicted = 0.5 / (1 - eps * 2 * nbeta / 4) - 0.5
        biases.append(estimate.value - 0.5)
        assert abs(estimate.value - 0.5 - predicted) < 4 * estimate.stderr
    assert biases[1] < biases[0] / 2
