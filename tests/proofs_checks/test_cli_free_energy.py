"""``sltv free-energy two-layer``: the JSON shape of the issue, human output and user errors."""

import json

import mpmath
import pytest


def test_json_shape_and_values(sltv):
    code, out, err = sltv(
        "free-energy", "two-layer", "--inputs", "1", "--hidden", "1", "--outputs", "1",
        "--singular-values", "0.5", "--n", "100", "--dps", "30", "--json",
    )
    payload = json.loads(out)
    assert code == 0 and err == ""
    assert payload["slt"] == {"lambda": "1/2", "multiplicity": 1}
    (point,) = payload["points"]
    assert set(point) == {"n", "free_energy", "lambda_eff", "heat_capacity", "digits"} and point["digits"] == 30
    with mpmath.workdps(40):
        reference = -mpmath.log(mpmath.mpf("0.0755632053353564713368373841"))
        assert abs(mpmath.mpf(point["free_energy"]) - reference) < mpmath.mpf(10) ** -27


def test_human_output_labels_exact_and_asymptotic(sltv):
    code, out, _ = sltv(
        "free-energy", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2",
        "--singular-values", "0.1,0", "--n", "1e2,1e6", "--dps", "12",
    )
    assert code == 0 and "λ = 3/2" in out and "exact to 12 significant digits" in out and "asymptotic" in out


def test_an_unrealizable_target_reports_its_loss_at_truth(sltv):
    code, out, _ = sltv(
        "free-energy", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "3",
        "--singular-values", "0.6,0.4", "--n", "1e6", "--dps", "8", "--json",
    )
    payload = json.loads(out)
    assert code == 0 and payload["slt"] == {"lambda": "2", "multiplicity": 1, "loss_at_truth": "2/25"}
    code, out, _ = sltv(
        "free-energy", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2",
        "--singular-values", "0.5,0.5", "--n", "100", "--dps", "8",
    )
    assert code == 0 and "form a continuum" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hidden", "2", "--singular-values", "0.5,0.4", "--n", "100", "--inputs", "3", "--outputs", "3"], "inputs ≤ 2 or outputs ≤ 2"),
        (["--hidden", "1", "--singular-values", "x", "--n", "100"], "--singular-values expects"),
        (["--hidden", "1", "--singular-values", "0.5", "--n", "1e2,y"], "--n expects"),
        (["--hidden", "1", "--singular-values", "0.5", "--n", "100", "--prior-var", "1,2,3"], "--prior-var"),
        (["--hidden", "1", "--singular-values", "0.5", "--n", "100", "--dps", "0"], "dps must be a positive"),
    ],
)
def test_user_errors(sltv, args, message):
    code, out, err = sltv("free-energy", "two-layer", "--inputs", "1", "--outputs", "1", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_polynomial_command(sltv):
    code, out, _ = sltv("free-energy", "polynomial", "x**2/2", "--prior-var", "1", "--n", "10", "--dps", "20", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["slt"] == {"lambda": "1/2", "multiplicity": 1, "status": "exact"}
    with mpmath.workdps(25):
        assert abs(mpmath.mpf(payload["points"][0]["free_energy"]) - mpmath.log(11) / 2) < 1e-19
    code, out, _ = sltv("free-energy", "polynomial", "x**4", "--box", "-1,1", "--n", "1e2,1e12")
    assert code == 0 and "λ = 1/4" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x**2", "--n", "10"], "exactly one prior"),
        (["x**2", "--n", "10", "--box", "1"], "--box takes two numbers"),
        (["x**2+", "--n", "10", "--box", "-1,1"], "cannot parse"),
    ],
)
def test_polynomial_user_errors(sltv, args, message):
    code, out, err = sltv("free-energy", "polynomial", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
