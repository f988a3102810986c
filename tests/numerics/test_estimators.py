"""Estimators on synthetic traces whose answers are known."""

import numpy as np
import pytest

from numerics import agreement, chain_health, energy, heat_capacity, llc, multi_temperature_lambda, rhat, thermodynamic_integration


def iid_traces(mean, sd, chains=4, draws=2000, seed=0):
    return mean + sd * np.random.default_rng(seed).standard_normal((chains, draws))


def test_llc_of_iid_traces():
    nbeta = 50.0
    losses = iid_traces(0.3, 0.01, chains=8)
    estimate = llc(losses, loss_at_center=0.1, nbeta=nbeta, burn_in=100)
    assert estimate.value == pytest.approx(nbeta * (losses[:, 100:].mean() - 0.1))
    assert abs(estimate.value - 10.0) < 4 * estimate.stderr
    expected_se = nbeta * 0.01 / np.sqrt(1900) / np.sqrt(8)
    assert estimate.stderr == pytest.approx(expected_se, rel=0.5)
    assert 0.98 < estimate.rhat < 1.02 and estimate.ess > 5000
    assert estimate.healthy


def test_rhat_flags_a_chain_that_disagrees():
    losses = iid_traces(1.0, 0.1)
    losses[2] += 0.5
    estimate = llc(losses, 0.0, 1.0)
    assert estimate.rhat > 1.05
    assert not estimate.healthy
    assert any("R-hat" in w for w in estimate.diagnostics["warnings"])
    assert rhat(iid_traces(1.0, 0.1)) < 1.01


def test_nan_and_diverged_chains_are_reported_and_left_out():
    losses = iid_traces(1.0, 0.1, chains=5)
    losses[1, 700] = np.nan
    losses[3, 900:] = 1e6
    estimate = llc(losses, 0.0, 2.0)
    assert estimate.diagnostics["nan_chains"] == [1]
    assert estimate.diagnostics["diverged_chains"] == [3]
    assert estimate.diagnostics["healthy_chains"] == [0, 2, 4]
    assert estimate.value == pytest.approx(2.0 * losses[[0, 2, 4]].mean())
    assert not estimate.healthy


def test_negative_llc_is_flagged():
    estimate = llc(iid_traces(1.0, 0.01), loss_at_center=2.0, nbeta=1.0)
    assert estimate.value < 0 and not estimate.healthy


def test_energy_and_heat_capacity_of_known_moments():
    losses = iid_traces(0.2, 0.05, chains=6, draws=20_000, seed=1)
    e = energy(losses, n=1000)
    assert abs(e.value - 200.0) < 4 * e.stderr
    c = heat_capacity(losses, nbeta=40.0)
    assert abs(c.value - (40.0 * 0.05) ** 2) < 4 * c.stderr
    assert agreement(e, e)["agree"]


def test_multi_temperature_lambda_recovers_the_slope():
    n, lam, l0 = 1000, 7.5, 0.01
    nbetas = [50.0, 100.0, 200.0, 400.0]
    traces = [(l0 + lam / nb) + iid_traces(0.0, 1e-3, seed=i) for i, nb in enumerate(nbetas)]
    estimate = multi_temperature_lambda(nbetas, traces, n)
    assert abs(estimate.value - lam) < 4 * estimate.stderr
    assert estimate.stderr < 0.1


def test_thermodynamic_integration_of_a_known_energy():
    """E_s[L] = a/(1 + s) integrates to F(t) − F(0) = a·log(1 + t)."""
    a, grid = 2.0, np.geomspace(1e-4, 1e3, 400)
    traces = [a / (1 + s) + iid_traces(0.0, 1e-4, seed=i) for i, s in enumerate(grid)]
    estimate = thermodynamic_integration(grid, traces)
    assert estimate.value == pytest.approx(a * np.log1p(1e3), rel=1e-3)


@pytest.mark.parametrize(
    "call",
    [
        lambda: llc(np.ones(10), 0.0, 1.0),
        lambda: llc(np.ones((2, 10)), 0.0, 1.0, burn_in=10),
        lambda: multi_temperature_lambda([1.0], [np.ones((2, 10))], 10),
        lambda: thermodynamic_integration([2.0, 1.0], [np.ones((2, 10))] * 2),
    ],
)
def test_bad_input_is_a_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_chain_health_on_clean_traces():
    assert chain_health(iid_traces(1.0, 0.1))["healthy_chains"] == [0, 1, 2, 3]
