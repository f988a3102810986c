"""``sltv llc``: JSON shape, agreement with the exact value on a regular model, reproducibility, errors."""

import json

import numpy as np
import pytest


def test_polynomial_regular_model_json(sltv):
    """K = x² + y² at nβ = 200 with γ = 1: the exact λ_eff is 2·200/(2·200 + 1) ≈ 0.9975 (a Gaussian)."""
    code, out, err = sltv("llc", "polynomial", "x**2 + y**2", "--nbeta", "200", "--seed", "3", "--chains", "4", "--json")
    payload = json.loads(out)
    assert code == 0
    assert payload["theory"]["lambda"] == "1" and payload["theory"]["multiplicity"] == 1
    llc = payload["llc"]
    assert set(llc) >= {"value", "stderr", "per_chain", "rhat", "ess", "diagnostics"} and llc["kind"] == "sampled"
    exact = 400 / 401
    assert abs(llc["value"] - exact) < 4 * llc["stderr"] + 0.03 * exact
    assert payload["settings"]["seed"] == 3 and payload["settings"]["step_size_source"] == "calibrated"
    assert payload["calibration"]["step_size"] == payload["settings"]["step_size"]
    assert payload["versions"]["jax"] and payload["kinds"]["llc"] == "sampled"


def test_same_seed_same_result_and_chain_count_keeps_chains(sltv):
    args = ("llc", "polynomial", "x**4", "--nbeta", "100", "--eps", "1e-3", "--steps", "2000", "--json")
    first = json.loads(sltv(*args, "--chains", "4")[1])
    again = json.loads(sltv(*args, "--chains", "4")[1])
    fewer = json.loads(sltv(*args, "--chains", "2")[1])
    assert first["llc"]["per_chain"] == again["llc"]["per_chain"]
    np.testing.assert_allclose(first["llc"]["per_chain"][:2], fewer["llc"]["per_chain"], rtol=1e-6)


def test_deep_linear_human_output(sltv):
    code, out, _ = sltv("llc", "deep-linear", "--widths", "3,2,3", "--rank", "1", "--n", "2000", "--steps", "3000", "--eps", "5e-4")
    assert code == (0 if "health: ok" in out else 4)  # 4: the estimate is printed but unhealthy
    assert "λ (exact" in out and "λ̂ (sampled)" in out and "R-hat" in out and "MALA acceptance" in out
    assert "exact kernel" in out and "SGLD bias against it" in out


@pytest.mark.slow
def test_deep_linear_reference_is_the_same_posterior(sltv):
    """The exact-kernel reference samples what SGLD samples: with a small step (ε = 1e-4, bias ~ε) the two agree
    within 4 combined standard errors plus 5%; without --reference there is none."""
    args = ("llc", "deep-linear", "--widths", "4,3,4", "--rank", "2", "--n", "2000", "--steps", "20000", "--eps", "1e-4", "--json")
    payload = json.loads(sltv(*args)[1])
    reference, llc = payload["reference"], payload["llc"]
    assert reference["kind"] == "sampled (exact kernel)" and reference["nbeta"] == payload["settings"]["nbeta"]
    bias = reference["sgld_bias"]
    assert bias["difference"] == pytest.approx(llc["value"] - reference["lambda_eff"]["value"])
    assert abs(bias["difference"]) < 4 * np.hypot(llc["stderr"], reference["lambda_eff"]["stderr"]) + 0.05 * llc["value"]
    assert "reference" not in json.loads(sltv(*args, "--no-reference")[1])


def test_network_from_files(sltv, tmp_path):
    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((4, 3)), rng.standard_normal((2, 4))
    x = rng.standard_normal((300, 3))
    y = np.tanh(x @ w1.T) @ w2.T
    np.savez(tmp_path / "params.npz", w0=w1, w1=w2)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    code, out, _ = sltv("llc", "network", "--params", str(tmp_path / "params.npz"), "--data", str(tmp_path / "data.npz"),
                        "--activation", "tanh", "--steps", "2000", "--json")  # fmt: skip
    payload = json.loads(out)
    assert code == (0 if payload["healthy"] else 4)
    assert payload["llc"]["value"] > 0 and payload["model"]["activation"] == "tanh"


@pytest.mark.parametrize(
    "args, message",
    [
        (("deep-linear", "--widths", "5,x", "--rank", "1"), "--widths"),
        (("deep-linear", "--widths", "5,3,4", "--rank", "7"), "rank"),
        (("deep-linear", "--widths", "5,3,4", "--rank", "1", "--chains", "0"), "--chains"),
        (("polynomial", "x**2", "--eps", "-1"), "--eps"),
        (("polynomial", "x**2", "--at", "0,0"), "--at"),
        (("polynomial", "sin(x)"), "not a polynomial"),
        (("network", "--params", "missing.npz", "--data", "missing.npz"), "no such file"),
        (("network", "--params", "p.npz", "--data", "d.npz", "--loss", "hinge"), "--loss"),
    ],
)
def test_user_errors(sltv, args, message):
    code, out, err = sltv("llc", *args)
    assert code == 2 and out == ""
    assert err.startswith("sltv: error:") and message in err and err.count("\n") == 1


def test_chains_that_all_fail_exit_4_with_strict_json(sltv):
    """ε = 10 on K = x⁴ blows every chain up: the run is reported (never averaged in), exits 4, and its JSON is
    strict (no NaN/Infinity tokens; non-finite numbers are null and listed with their value)."""
    code, out, err = sltv("llc", "polynomial", "x**4", "--eps", "10", "--steps", "200", "--nbeta", "100", "--json")
    assert code == 4
    payload = json.loads(out, parse_constant=lambda token: pytest.fail(f"non-JSON token {token}"))
    assert payload["healthy"] is False and payload["llc"]["diagnostics"]["nan_chains"] == [0, 1, 2, 3]
    assert payload["non_finite"] and all(value in ("nan", "inf", "-inf") for value in payload["non_finite"].values())
