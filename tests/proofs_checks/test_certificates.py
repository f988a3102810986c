"""Resolution certificates: false ones rejected with witnesses, correct ones proving the known (λ, m)."""

import json
from pathlib import Path

import pytest
import sympy

from proofs_checks.certificates import check_certificate, load_certificate, parse_certificate
from theory import newton_rlct, regular

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_false_cusp_certificate_is_rejected_although_b0_is_nonzero():
    report = check_certificate(load_certificate(EXAMPLES / "cusp_false.toml"))
    assert report.status == "rejected" and report.coefficient is None
    for chart in report.charts:
        loss = next(o for o in chart.obligations if o.name == "loss")
        assert loss.status == "failed" and "inside the box" in loss.detail
    assert report.failed and all("loss" in f for f in report.failed)


def test_correct_cusp_certificate_proves_5_12():
    report = check_certificate(load_certificate(EXAMPLES / "cusp.toml"))
    assert report.status == "proved" and report.cover.status == "proved"
    assert (report.coefficient.lam, report.coefficient.multiplicity) == (sympy.Rational(5, 12), 1)
    assert report.claim_verdict == "proved"
    # a second method: the Newton polyhedron of the cusp gives the same value (as an upper bound)
    assert newton_rlct("(y**2 - x**3)**2").coefficient.lam == report.coefficient.lam


def _blow_up(d, loss):
    names = [f"x{i}" for i in range(d)]
    charts = []
    for i in range(d):
        u = [f"u{j}" for j in range(d)]
        rays = [[1] * d if j == i else [int(k == j) for k in range(d)] for j in range(d)]
        charts.append({
            "name": f"blow-up chart {i}",
            "variables": u,
            "rays": rays,
            "map": [u[i] if j == i else f"{u[i]}*{u[j]}" for j in range(d)],
            "box": [[-1, 1]] * d,
        })
    return parse_certificate({"loss": loss, "variables": names, "charts": charts})


@pytest.mark.parametrize("d", [2, 3, 4])
def test_point_blow_up_of_a_regular_model_proves_d_over_2(d):
    report = check_certificate(_blow_up(d, " + ".join(f"x{i}**2" for i in range(d))))
    assert report.status == "proved"
    assert (report.coefficient.lam, report.coefficient.multiplicity) == (regular(d).lam, 1)


def test_a_gap_in_the_fan_leaves_only_an_upper_bound():
    data = {
        "loss": "x**2 + y**2",
        "variables": ["x", "y"],
        "charts": [{"variables": ["u", "v"], "rays": [[1, 1], [0, 1]], "map": ["u", "u*v"], "box": [[-1, 1], [-1, 1]]}],
    }
    report = check_certificate(parse_certificate(data))
    assert report.status == "upper_bound" and report.cover.status == "failed"
    assert report.coefficient.status.value == "upper_bound" and report.coefficient.lam == 1


def test_a_box_too_small_to_reach_the_rays_does_not_cover():
    # |v| ≤ 1/2 in the first blow-up chart misses the points x = t, y = ±3t/4 however small t is
    data = {
        "loss": "x**2 + y**2",
        "variables": ["x", "y"],
        "charts": [
            {"variables": ["u", "v"], "rays": [[1, 1], [0, 1]], "map": ["u", "u*v"], "box": [[-1, 1], ["-1/2", "1/2"]]},
            {"variables": ["u", "v"], "rays": [[1, 0], [1, 1]], "map": ["u*v", "v"], "box": [[-1, 1], [-1, 1]]},
        ],
    }
    report = check_certificate(parse_certificate(data))
    assert report.cover.status == "failed" and report.status == "upper_bound"


def test_non_toric_chart_is_only_checked_numerically():
    # K = (x − y²)², chart x = u + v², y = v: K∘g = u², a smooth zero set: (λ, m) = (1/2, 1)
    data = {
        "loss": "(x - y**2)**2",
        "variables": ["x", "y"],
        "charts": [{"variables": ["u", "v"], "map": ["u + v**2", "v"], "box": [[-1, 1], [-1, 1]]}],
    }
    report = check_certificate(parse_certificate(data))
    assert report.cover.status == "checked_numerically"
    assert report.status == "upper_bound" and report.coefficient.lam == sympy.Rational(1, 2)


def test_a_wrong_toric_declaration_and_a_half_cover_are_failures():
    data = {
        "loss": "x**2*y**2",
        "variables": ["x", "y"],
        "charts": [
            {"name": "lies about its rays", "variables": ["u", "v"], "rays": [[1, 0], [1, 1]], "map": ["u", "v"], "box": [[-1, 1], [-1, 1]]},
        ],
    }
    obligations = {o.name: o.status for o in check_certificate(parse_certificate(data)).charts[0].obligations}
    assert obligations["toric_map"] == "failed"
    half = {"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["u**2"], "box": [[0, 1]]}]}
    # x = u² only reaches x ≥ 0; K∘g = u⁴ and |g'| = 2u are fine on [0, 1], but the image misses x < 0
    report = check_certificate(parse_certificate(half))
    assert report.cover.status == "failed"


def test_claim_above_a_proved_value_is_contradicted():
    data = json.loads(json.dumps({"loss": "x**2", "variables": ["x"], "claim": "1", "charts": [
        {"variables": ["u"], "rays": [[1]], "map": ["u"], "box": [[-1, 1]]}]}))
    report = check_certificate(parse_certificate(data))
    assert report.status == "proved" and report.coefficient.lam == sympy.Rational(1, 2)
    assert report.claim_verdict.startswith("contradicted")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variables": ["x"], "charts": []}, "missing 'loss'"),
        ({"loss": "x**2", "variables": ["x"], "charts": []}, "non-empty list"),
        ({"loss": "x**2", "variables": "x", "charts": [{}]}, "variables must be a non-empty list"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{}], "extra": 1}, "unknown certificate field"),
        ({"loss": "sin(x)", "variables": ["x"], "charts": [{}]}, "must be a polynomial"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["x"], "map": ["x"], "box": [[0, 1]]}]}, "reuse"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["u", "u"], "box": [[0, 1]]}]}, "must list 1"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["u"], "box": [[1, 0]]}]}, "is empty"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["u"], "box": [["a", 1]]}]}, "not a rational"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["w"], "box": [[0, 1]]}]}, "uses w"),
        ({"loss": "x**2", "variables": ["x"], "charts": [{"variables": ["u"], "map": ["u"], "box": [[0, 1]], "shift": [1]}]}, "shift"),
    ],
)
def test_malformed_certificates(data, message):
    with pytest.raises(ValueError, match=message):
        parse_certificate(data)


def test_certify_cli_exit_codes_and_json(sltv, tmp_path):
    code, out, _ = sltv("certify", str(EXAMPLES / "cusp.toml"), "--json")
    payload = json.loads(out)
    assert code == 0 and payload["status"] == "proved" and payload["lambda"] == "5/12"
    assert code == 0 and {o["name"] for c in payload["charts"] for o in c["obligations"]} >= {"loss", "jacobian", "injective"}
    code, out, _ = sltv("certify", str(EXAMPLES / "cusp_false.toml"))
    assert code == 1 and "rejected" in out
    gap = tmp_path / "gap.json"
    gap.write_text(json.dumps({"loss": "x**2 + y**2", "variables": ["x", "y"], "charts": [
        {"variables": ["u", "v"], "rays": [[1, 1], [0, 1]], "map": ["u", "u*v"], "box": [[-1, 1], [-1, 1]]}]}))
    assert sltv("certify", str(gap))[0] == 3
    broken = tmp_path / "broken.toml"
    broken.write_text("loss = ")
    code, out, err = sltv("certify", str(broken))
    assert code == 2 and out == "" and err.count("\n") == 1 and "not valid TOML" in err


def test_an_odd_power_of_a_chart_variable_fails_the_loss_obligation():
    # the identity chart resolves x²y² (u²v², b = 1); for x²y it leaves u²v, an odd power of v: b changes sign
    data = {"loss": "x**2*y**2", "variables": ["x", "y"], "charts": [
        {"variables": ["u", "v"], "map": ["u", "v"], "box": [[-1, 1], [-1, 1]]}]}
    assert check_certificate(parse_certificate(data)).status != "rejected"
    data["loss"] = "x**2*y"
    loss = check_certificate(parse_certificate(data)).charts[0].obligations[0]
    assert loss.name == "loss" and loss.status == "failed" and "odd power of v" in loss.detail
