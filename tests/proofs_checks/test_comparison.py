"""Regime labels on synthetic curves, and the gap scenario's n* ~ 1/s² on exact values."""

import json

import pytest

from proofs_checks.comparison import CROSSOVER, PRE_ASYMPTOTIC, SLT, crossover_index, log_grid, regimes


def test_labels_of_a_synthetic_crossover_with_overshoot():
    lam, apparent_lam = 1.5, 1.0
    effs = [0.98, 1.0, 1.2, 1.49, 1.62, 1.55, 1.51, 1.5]
    labels = regimes(effs, [lam] * 8, lam, 0.05, [apparent_lam] * 8, apparent_lam)
    assert labels == [PRE_ASYMPTOTIC, PRE_ASYMPTOTIC, CROSSOVER, SLT, CROSSOVER, SLT, SLT, SLT]
    assert crossover_index(labels) == 5  # the overshoot at index 4 delays n*


def test_without_an_apparent_model_and_when_never_reached():
    labels = regimes([0.2, 0.4, 0.49, 0.5], [0.5] * 4, 0.5, 0.05)
    assert labels == [PRE_ASYMPTOTIC, PRE_ASYMPTOTIC, SLT, SLT] and crossover_index(labels) == 2
    assert crossover_index(regimes([0.5, 0.4], [0.5, 0.5], 0.5, 0.05)) is None
    with pytest.raises(ValueError, match="tolerance"):
        regimes([0.5], [0.5], 0.5, 1.5)


def test_log_grid():
    assert log_grid(10, 1000, 2) == ["10.0", "31.6228", "100.0", "316.228", "1000.0"]


@pytest.mark.slow
def test_gap_scenario_n_star_grows_like_one_over_s_squared(sltv):
    code, out, _ = sltv("compare", "gap", "--s", "0.1,0.03,0.01", "--n-max", "1e6", "--per-decade", "4", "--dps", "6", "--json")
    payload = json.loads(out)
    assert code == 0
    stars = [float(entry["n_star"]) for entry in payload["by_s"]]
    assert stars[0] < stars[1] < stars[2]
    assert 1.6 < payload["n_star_slope"] < 2.4
    low, high = payload["n_star_slope_fit"]["interval"]  # n* interpolated between grid points: the interval covers 2
    assert low < 2 < high and high - low < 1
    for entry in payload["by_s"]:
        crossover = entry["crossover"]
        assert crossover["bracket"][0] < crossover["n"] <= crossover["bracket"][1] == float(entry["n_star"])
    assert payload["by_s"][0]["truth"]["lambda"] == "3/2" and payload["by_s"][0]["apparent"]["lambda"] == "1"
