"""``sltv volume``: JSON against closed forms, the human table's labels, and user errors."""

import json

import mpmath
import pytest


def test_polynomial_json_matches_the_closed_form(sltv):
    code, out, err = sltv("volume", "polynomial", "x**4", "--box", "-1,1", "--eps", "1e-8,1e-12", "--dps", "20", "--json")
    payload = json.loads(out)
    assert code == 0 and err == ""
    assert payload["slt"] == {"lambda": "1/4", "multiplicity": 1, "status": "exact"}
    for point, eps in zip(payload["points"], ("1e-8", "1e-12")):  # V = ε^(1/4) on [−1, 1], exponent exactly 1/4
        assert set(point) == {"eps", "volume", "exponent", "digits"} and point["digits"] == 20
        with mpmath.workdps(30):
            assert abs(mpmath.mpf(point["volume"]) - mpmath.mpf(eps) ** mpmath.mpf("0.25")) < mpmath.mpf(10) ** -19 * mpmath.mpf(point["volume"])
            assert abs(mpmath.mpf(point["exponent"]) - mpmath.mpf("0.25")) < mpmath.mpf(10) ** -19


def test_two_layer_human_output_labels_exact_and_limit(sltv):
    code, out, _ = sltv("volume", "two-layer", "--inputs", "1", "--hidden", "3", "--outputs", "2", "--eps", "1e-12", "--dps", "10")
    assert code == 0 and "λ = 1, m = 1" in out and "exact to 10 significant digits" in out and "tends to λ" in out
    assert "0.9999995286" in out  # d log V/d log ε at ε = 1e-12, as in the README's API example


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["polynomial", "x**2", "--eps", "1e-2,x", "--box", "-1,1"], "--eps expects"),
        (["polynomial", "x**2", "--eps", "1e-2"], "exactly one prior"),
        (["polynomial", "w**2 + x**2 + y**2 + z**2", "--eps", "1e-2", "--box", "-1,1"], "d ≤ 3"),
        (["two-layer", "--inputs", "3", "--hidden", "3", "--outputs", "3", "--eps", "1e-3", "--singular-values", "0.5"], "covers hidden = 1"),
        (["two-layer", "--inputs", "3", "--hidden", "2", "--outputs", "3", "--eps", "0.1", "--singular-values", "0.5,0.3"], "covers hidden = 1"),
        (["two-layer", "--inputs", "3", "--hidden", "1", "--outputs", "3", "--eps", "0.17", "--singular-values", "0.5,0.3"], "within 10⁻⁶·s_1² of ‖M‖²/2"),
        (["two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--eps", "0.01", "--singular-values", "0.5,0.3"], "least loss L0"),
        (["two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--eps", "0", "--singular-value", "0.5"], "eps must be a finite positive"),
    ],
)
def test_user_errors(sltv, args, message):
    code, out, err = sltv("volume", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_two_layer_rank_two_target_json_and_table(sltv):
    """2 → 1 → 2 against diag(0.5, 0.3): the target is out of reach, L0 = 0.3²/2 = 9/200 is reported, and the
    table names the exponent in ε − L0; the value is the API's (checked there against conditioning on a)."""
    args = ("volume", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--eps", "0.3", "--singular-values", "0.5,0.3", "--dps", "12")
    code, out, err = sltv(*args, "--json")
    payload = json.loads(out)
    assert code == 0 and err == ""
    assert payload["slt"] == {"lambda": "3/2", "multiplicity": 1, "loss_at_truth": "9/200"}
    assert payload["points"][0]["volume"] == "0.211328552643"
    code, out, _ = sltv(*args)
    assert code == 0 and "d log V/d log(ε − L0)" in out and "ε → L0" in out


def test_two_layer_equal_singular_values_label_the_exponent_in_excess_loss(sltv):
    """s1 = s2: no λ is derived (a continuum of best rank-1 fits), but the exponent is still taken in ε − L0."""
    args = ("volume", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--eps", "0.1", "--singular-values", "0.4,0.4", "--dps", "8")
    code, out, _ = sltv(*args)
    assert code == 0 and "continuum" in out and "d log V/d log(ε − L0)" in out
