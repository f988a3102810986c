"""``sltv gibbs``: the exact-kernel curves from the command line, their JSON, exit codes and refusals."""

import json
import math

import pytest

import theory
from proofs_checks.cli._common import UserError
from proofs_checks.cli.gibbs import powerlaw_spectrum

SMALL = ["--chains", "8", "--sweeps", "600", "--seed", "2"]


def test_two_layer_json_agrees_with_the_exact_engine(sltv):
    """2 → 1 → 2 at s = (0.3, 0): λ_eff, C and F − n·L0 at n = 100 within 4 standard errors of
    theory.two_layer_thermodynamics; every number carries its kind; the SLT value is Aoyagi–Watanabe's 3/2."""
    code, out, _ = sltv("gibbs", "two-layer", "--inputs", "2", "--outputs", "2", "--hidden", "1",
                        "--singular-values", "0.3,0", "--n", "100", *SMALL, "--json")  # fmt: skip
    payload = json.loads(out)
    assert code == (0 if payload["healthy"] else 4)
    exact = theory.two_layer_thermodynamics(100, [0.3, 0], inputs=2, hidden=1, outputs=2, dps=6)
    (point,) = payload["points"]
    assert point["kind"] == "sampled (exact kernel)" and payload["kinds"]["minimum_loss"] == "exact"
    for key, value in [("lambda_eff", exact.lambda_eff), ("heat_capacity", exact.heat_capacity)]:
        assert abs(point[key]["value"] - float(value)) < 4 * point[key]["stderr"], key
    fe = point["excess_free_energy"]
    assert abs(fe["value"] - float(exact.free_energy)) < 4 * math.hypot(fe["stderr"], fe["quadrature_error"])
    assert payload["slt"]["lambda"] == "3/2" and payload["slt"]["multiplicity"] == 1
    assert payload["settings"]["seed"] == 2 and payload["settings"]["chains"] == 8 and payload["versions"]["jax"]


def test_unrealizable_two_layer_subtracts_the_best_fit_loss(sltv):
    """3 → 1 → 3 with s = (1, 0.5): L0 = 1/8 exactly, the SLT value is the regular λ = 5/2 around the best fit."""
    code, out, _ = sltv("gibbs", "two-layer", "--inputs", "3", "--outputs", "3", "--hidden", "1",
                        "--singular-values", "1,0.5", "--n", "1e4", "--no-free-energy", *SMALL, "--json")  # fmt: skip
    payload = json.loads(out)
    assert payload["minimum_loss"]["value"] == pytest.approx(0.125)
    assert payload["slt"]["lambda"] == "5/2" and payload["points"][0]["excess_free_energy"] is None
    lam = payload["points"][0]["lambda_eff"]
    assert abs(lam["value"] - 2.5) < 4 * lam["stderr"] + 0.05


def test_deep_linear_human_output(sltv):
    code, out, _ = sltv("gibbs", "deep-linear", "--widths", "3,2,2,3", "--rank", "1", "--n", "1e2,1e4", *SMALL)
    assert code == (0 if "UNHEALTHY" not in out else 4)
    assert "SLT: λ = " in out and "Aoyagi (2024)" in out and "sampled (exact kernel)" in out
    assert "F − n·L0 (sampled)" in out and "thermodynamic integration" in out and "chain-sweeps/s" in out


def test_powerlaw_spectrum_and_too_few_sweeps_exit_4(sltv):
    """A 64-wide power law at n = 1e8 with 12 sweeps: printed, but the prior- and best-fit-started chains disagree:
    exit 4 and the reason in words."""
    code, out, _ = sltv("gibbs", "two-layer", "--inputs", "64", "--outputs", "64", "--hidden", "8", "--spectrum",
                        "powerlaw:alpha=0.4", "--n", "1e8", "--chains", "4", "--sweeps", "12", "--burn-in", "2",
                        "--no-free-energy")  # fmt: skip
    assert code == 4 and "UNHEALTHY" in out and "disagree" in out


def test_powerlaw_spectrum_reader():
    assert powerlaw_spectrum("powerlaw:alpha=0.5,scale=2", 3) == pytest.approx([2.0, 2 / math.sqrt(2), 2 / math.sqrt(3)])
    for bad in ["powerlaw", "powerlaw:alpha=x", "alpha=0.4", "powerlaw:beta=1", "powerlaw:alpha=nan", "powerlaw:alpha=1,scale=0"]:
        with pytest.raises(UserError):
            powerlaw_spectrum(bad, 3)


TWO = ["gibbs", "two-layer", "--inputs", "3", "--outputs", "3", "--hidden", "1", "--n", "100"]


@pytest.mark.parametrize(
    "args, message",
    [
        (("gibbs", "deep-linear", "--widths", "3,0,3", "--rank", "1", "--n", "10"), "positive"),
        (("gibbs", "deep-linear", "--widths", "3,2,3", "--rank", "3", "--n", "10"), "--rank"),
        (("gibbs", "deep-linear", "--widths", "3,2,3", "--n", "10"), "--rank, --singular-values"),
        (("gibbs", "deep-linear", "--widths", "3,2,3", "--rank", "1", "--singular-values", "1,1", "--n", "10"), "disagrees"),
        ((*TWO[:-2], "--n", "0", "--singular-values", "1"), "--n"),
        ((*TWO[:-2], "--n", "-5,10", "--singular-values", "1"), "--n"),
        ((*TWO, "--singular-values", "1,1,1,1"), "at most 3"),
        ((*TWO, "--singular-values", "1,-1"), "non-negative"),
        ((*TWO, "--spectrum", "powerlaw:alpha=oops"), "--spectrum"),
        ((*TWO, "--spectrum", "powerlaw:alpha=1", "--singular-values", "1"), "exactly one"),
        ((*TWO, "--singular-values", "1", "--chains", "5"), "even"),
        ((*TWO, "--singular-values", "1", "--sweeps", "0"), "sweeps"),
        ((*TWO, "--singular-values", "1", "--prior-var", "1,1,1"), "one per layer"),
        ((*TWO, "--singular-values", "1", "--per-decade", "0"), "per_decade"),
        (("gibbs", "two-layer", "--inputs", "0", "--outputs", "3", "--hidden", "1", "--n", "10", "--singular-values", "1"), "--inputs"),
    ],
)
def test_user_errors(sltv, args, message):
    code, out, err = sltv(*args)
    assert code == 2 and out == ""
    assert err.startswith("sltv: error:") and message in err and err.count("\n") == 1, err
