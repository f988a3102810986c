"""Estimators on synthetic traces whose answers are known."""

import numpy as np
import pytest

from numerics import (
    Estimate,
    agreement,
    chain_health,
    energy,
    free_energy_ladder,
    heat_capacity,
    line_fit,
    llc,
    multi_temperature_lambda,
    rhat,
    thermodynamic_integration,
)


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


def _estimate(value, stderr, per_chain=None, healthy=True):
    per_chain = np.full(4, value) if per_chain is None else np.asarray(per_chain, dtype=float)
    return Estimate(value, stderr, per_chain, 1.0, 100.0, {"healthy": healthy, "warnings": []})


def test_line_fit_recovers_slope_and_its_standard_error():
    """With errors σ_i the slope's variance is 1/Σ w_i (x_i − x̄_w)², w_i = 1/σ_i² (closed form of WLS)."""
    rng = np.random.default_rng(1)
    x = np.array([8.0, 16, 32, 64, 128, 256])
    sigma = np.array([0.5, 0.5, 1.0, 1.0, 2.0, 2.0])
    slopes = []
    for _ in range(300):
        fit = line_fit(x, [_estimate(3 + 2.5 * xi + rng.normal(0, s), s) for xi, s in zip(x, sigma)])
        slopes.append(fit.slope)
    w = 1 / sigma**2
    expected_se = 1 / np.sqrt(np.sum(w * (x - np.sum(w * x) / np.sum(w)) ** 2))
    assert np.mean(slopes) == pytest.approx(2.5, abs=3 * expected_se / np.sqrt(300))
    assert np.std(slopes) == pytest.approx(expected_se, rel=0.15)
    assert fit.slope_stderr >= expected_se * (1 - 1e-12)  # never narrower than the errors allow


def test_line_fit_widens_errors_when_points_scatter_beyond_them():
    x = [1.0, 2.0, 3.0, 4.0]
    tight = line_fit(x, [_estimate(v, 0.01) for v in (1.0, 2.5, 2.9, 4.4)])
    assert tight.chi2_per_dof > 100 and tight.slope_stderr > 0.1
    with pytest.raises(ValueError, match="three points"):
        line_fit([1.0, 2.0], [_estimate(1, 1), _estimate(2, 1)])
    with pytest.raises(ValueError, match="positive standard error"):
        line_fit(x, [_estimate(1, 0.0)] * 4)


def test_free_energy_ladder_integrates_lambda_in_log_temperature():
    """With L(w*) = L0 and λ(t) = a + b·log t, F(t) − F(t1) = L0 (t − t1) + a·log(t/t1) + (b/2)(log² t − log² t1);
    the trapezoid is exact for the λ part, and the L0 part converges at second order."""
    t = np.geomspace(10, 640, 61)
    a, b, loss0 = 5.0, 0.7, 1e-3
    rungs = [_estimate(a + b * np.log(s), 0.1, a + b * np.log(s) + np.array([-0.1, 0.1, -0.1, 0.1])) for s in t]
    ladder = free_energy_ladder(t, rungs, loss0)
    exact = loss0 * (t - t[0]) + a * np.log(t / t[0]) + 0.5 * b * (np.log(t) ** 2 - np.log(t[0]) ** 2)
    np.testing.assert_allclose([e.value for e in ladder], exact, rtol=1e-5, atol=1e-12)
    # every chain is off by the same ±0.1 at every rung, so its integral is off by ±0.1·log(t_K/t_1)
    assert ladder[-1].stderr == pytest.approx(0.1 / np.sqrt(3) * np.log(t[-1] / t[0]), rel=1e-9)
    assert ladder[-1].healthy and ladder[0].value == 0
    unhealthy = free_energy_ladder(t[:3], rungs[:2] + [_estimate(1, 0.1, healthy=False)], loss0)
    assert unhealthy[1].healthy and not unhealthy[2].healthy
    with pytest.raises(ValueError, match="increasing"):
        free_energy_ladder(t[::-1], rungs, loss0)
