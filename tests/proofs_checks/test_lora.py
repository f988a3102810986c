"""The LoRA question: the model, the truncations, the true curve against the exact engine, the verdicts, the CLI."""

import json
import math

import numpy as np
import pytest
import sympy
from safetensors.numpy import save_file

from proofs_checks.comparison import fit_slope, windows
from proofs_checks.scenarios import lora


def test_r_below_d_with_n_l0_subtracted_reproduces_the_regular_lambda():
    """d = 8, r = 2, s_i = i^(−0.5): at n = 1e6 the excess λ_eff − n·L0 is the regular λ = r(2d − r)/2 = 14 (within
    4 se + 2%), while λ_eff itself carries n·L0 with L0 = ½Σ_{i>2} 1/i exact."""
    model = lora.power_law_model(8, 8, 2, 0.5)
    assert model.minimum_loss == pytest.approx(0.5 * sum(1 / i for i in range(3, 9)))
    result = lora.run(model, [1e4, 1e6], chains=8, sweeps=400, free_energy=False, seed=3)
    point = result.curve.points[-1]
    assert point.healthy
    assert abs(point.excess.value - 14) < 4 * point.excess.stderr + 0.02 * 14
    assert point.lambda_eff.value == pytest.approx(point.excess.value + 1e6 * model.minimum_loss)
    own = result.verdicts[-1]
    assert own.truncation.lam == 14 and own.windows and own.windows[-1].end is None  # holds to the grid's end
    assert point.alignment[0] == pytest.approx([1, 1], abs=0.02)  # both directions switched on


def test_truncations_follow_the_aoyagi_watanabe_cases():
    """λ(i0) by hand from the Main Theorem of Aoyagi & Watanabe (2005). Case 1 even (M = N = 8, H = 2, r = 2):
    (2·4·16 − 0 − 16)/8 = 14, m = 1; case 1 odd (r = 1): (2·3·16 − 9 + 1)/8 = 11, m = 2; r = 0: (2·2·16 − 4)/8 = 15/2;
    case 2 (M = 3, N = 10, H = 2, r = 2; M + H < N + r): (HM − Hr + Nr)/2 = 11; case 3 is case 2 transposed; case 4
    (M + N < H + r) cannot occur with H < min(M, N). Beyond r the regular value with L0(i0) = ½Σ_{r<i≤i0} s_i²."""
    cuts = lora.truncations(lora.LoraModel(8, 8, 2, (1.0, 0.5, 0.25, 0.125)))
    assert [(c.i0, c.lam, c.multiplicity) for c in cuts] == [
        (0, sympy.Rational(15, 2), 1), (1, 11, 2), (2, 14, 1), (3, 14, 1), (4, 14, 1)]  # fmt: skip
    assert [c.minimum_loss for c in cuts] == pytest.approx([0, 0, 0, 0.5 * 0.25**2, 0.5 * (0.25**2 + 0.125**2)])
    for inputs, outputs in [(3, 10), (10, 3)]:
        (*_, top) = lora.truncations(lora.LoraModel(inputs, outputs, 2, (1.0, 0.5)))
        assert top.lam == 11 and top.multiplicity == 1
    assert lora.truncations(lora.LoraModel(8, 8, 2, (1.0, 0.5, 0.25, 0.125)))[3].lambda_eff(100) == pytest.approx(100 * 0.03125 + 14)


def test_true_curve_against_the_exact_engine():
    """2 → 1 → 3 with s = (1, 0.5) and σ = 2 (so the posterior sees s/2 with prior variance 1/2; unrealizable, L0 =
    ½·(0.5/2)²): Gibbs λ_eff, C and F at n = 10 and 1000 against theory.two_layer_thermodynamics (its Bessel form)
    within 4 standard errors."""
    model = lora.LoraModel(2, 3, 1, (1.0, 0.5), noise=2.0)
    assert model.minimum_loss == pytest.approx(0.5 * 0.25**2)
    exact = lora.run(model, [10, 1000], method="exact", dps=6).curve.points
    sampled = lora.run(model, [10, 1000], method="gibbs", chains=16, sweeps=2000, per_decade=4, seed=1).curve.points
    for e, s in zip(exact, sampled):
        assert s.healthy
        assert abs(s.lambda_eff.value - e.lambda_eff.value) < 4 * s.lambda_eff.stderr
        assert abs(s.heat_capacity.value - e.heat_capacity.value) < 4 * s.heat_capacity.stderr
        assert abs(s.free_energy.value - e.free_energy.value) < 4 * math.hypot(s.free_energy.stderr, s.free_energy.quadrature)
        assert e.excess.value == pytest.approx(e.lambda_eff.value - e.n * model.minimum_loss)


def test_method_choice():
    assert lora.choose_method(lora.LoraModel(3, 3, 1, (1.0, 0.5)), "auto") == "exact"
    assert lora.choose_method(lora.power_law_model(64, 64, 4, 0.4), "auto") == "gibbs"
    with pytest.raises(ValueError, match="exact engine covers"):
        lora.choose_method(lora.power_law_model(8, 8, 2, 0.4), "exact")


def test_windows_and_slopes_against_closed_forms():
    """A misfit linear in log n crosses δ where the closed form says; the ±2-se interval brackets it; a slope fitted
    to exact points is exact and its interval covers the truth when noise is added."""
    ns = [10.0**k for k in range(7)]
    misfit = [0.55 - 0.1 * k for k in range(7)]  # crosses +0.1 at k = 4.5, ends at −0.05
    (window,) = windows(ns, misfit, [0.01] * 7, 0.1)
    assert window.start.n == pytest.approx(10**4.5) and window.end is None and window.first == 1e5
    assert window.start.low == pytest.approx(10**4.3) and window.start.high == pytest.approx(10**4.7)
    assert window.start.bracket == (1e4, 1e5)
    (inner,) = windows(ns, [0.45 - 0.1 * k for k in range(7)], None, 0.1)
    assert inner.start.n == pytest.approx(10**3.5) and inner.end.n == pytest.approx(10**5.5) and inner.decades == pytest.approx(2)
    rng = np.random.default_rng(0)
    xs = np.linspace(0, 5, 12)
    assert fit_slope(xs, 0.3 * xs + 1).value == pytest.approx(0.3)
    covered = sum(s.interval[0] <= 0.3 <= s.interval[1] for s in
                  (fit_slope(xs, 0.3 * xs + rng.normal(0, 0.1, 12), [0.1] * 12) for _ in range(200)))  # fmt: skip
    assert 180 <= covered <= 198  # 95% of 200 = 190, binomial sd ≈ 3


def test_bad_models_are_value_errors():
    for bad, message in [
        (lambda: lora.LoraModel(8, 8, 8, (1.0,)), "below min"),
        (lambda: lora.power_law_model(8, 8, 2, 0.0), "alpha"),
        (lambda: lora.power_law_model(8, 8, 2, -1.0), "alpha"),
        (lambda: lora.LoraModel(8, 8, 2, (0.5, 1.0)), "largest first"),
        (lambda: lora.LoraModel(8, 8, 2, (1.0,), noise=0.0), "noise"),
        (lambda: lora.n_grid(1e8, 1, 2), "n-min < n-max"),
        (lambda: lora.n_grid(1, 1e13, 2), "n-min < n-max"),
    ]:  # fmt: skip
        with pytest.raises(ValueError, match=message):
            bad()


def test_cli_power_law_json_and_report(sltv, tmp_path):
    code, out, _ = sltv("lora", "--inputs", "16", "--hidden", "2", "--alpha", "0.4", "--n-max", "1e5", "--per-decade", "1",
                        "--sweeps", "120", "--chains", "4", "--no-free-energy", "--report", str(tmp_path / "r"), "--json")  # fmt: skip
    payload = json.loads(out)
    assert code == (0 if all(p["healthy"] for p in payload["curve"]) else 4)
    assert payload["model"]["source"] == {"kind": "power law", "alpha": 0.4, "scale": 1.0}
    assert len(payload["truncations"]) == 17 and payload["truncations"][2]["lambda"] == "30"  # 2(16 + 16 − 2)/2
    assert payload["curve_kind"] == "sampled (exact kernel)" and payload["settings"]["seed"] == 0
    assert isinstance(payload["claim"]["holds"], bool) and payload["findings"] and payload["versions"]["jax"]
    assert all("interval" in e for e in payload["local_exponents"])
    html = (tmp_path / "r" / "report.html").read_text()
    assert html.count("<img") >= 3 and "the LoRA question" in html


def test_cli_matrix_from_safetensors(sltv, tmp_path):
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.normal(size=(12, 10)))
    v, _ = np.linalg.qr(rng.normal(size=(10, 10)))
    w = ((u * (2.0 * np.arange(1, 11) ** -0.5)) @ v.T).astype(np.float32)
    save_file({"layer.weight": w, "layer.bias": np.zeros(12, dtype=np.float32)}, str(tmp_path / "w.safetensors"))
    code, out, _ = sltv("lora", "--matrix", f"{tmp_path / 'w.safetensors'}:layer.weight", "--hidden", "2", "--n-max", "1e3",
                        "--per-decade", "1", "--sweeps", "60", "--chains", "4", "--no-free-energy", "--json")  # fmt: skip
    payload = json.loads(out)
    model = payload["model"]
    assert (model["inputs"], model["outputs"]) == (10, 12) and model["source"]["tensor"] == "layer.weight"
    assert model["singular_values"] == pytest.approx(2.0 * np.arange(1, 11) ** -0.5, rel=1e-5)
    fit = model["source"]["power_law"]
    assert fit["alpha_interval"][0] <= 0.5 <= fit["alpha_interval"][1] and fit["bulk"] == [1, 8]


@pytest.mark.parametrize(
    "args, message",
    [(["--matrix", "{tmp}/missing.npy"], "no such file"), (["--matrix", "{tmp}/w.npz:nope"], "no tensor 'nope'"),
     (["--matrix", "{tmp}/w.npz:bias"], "2-D"), (["--inputs", "8", "--alpha", "0.4", "--hidden", "8"], "below min"),
     (["--inputs", "8", "--alpha", "0"], "alpha"), (["--inputs", "8", "--alpha", "-0.3"], "alpha"),
     (["--inputs", "8", "--alpha", "0.4", "--n-min", "1e6", "--n-max", "10"], "n-min < n-max"),
     (["--inputs", "8"], "exactly one target"), (["--inputs", "8", "--alpha", "0.4", "--singular-values", "1"], "exactly one target"),
     (["--inputs", "8", "--alpha", "0.4", "--method", "exact"], "exact engine covers")],
)  # fmt: skip
def test_cli_bad_input_is_one_line_and_exit_2(sltv, tmp_path, args, message):
    np.savez(tmp_path / "w.npz", layer=np.eye(4), bias=np.zeros(4))
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--hidden" not in args:
        args += ["--hidden", "2"]
    code, out, err = sltv("lora", *args)
    assert code == 2 and err.startswith("sltv: error: ") and err.count("\n") == 1 and message in err, err


def test_local_exponents_recover_a_power_law_and_a_plateau():
    """λ_eff − n·L0 = 5·n^0.1 with 1% noise: every run's exponent interval covers 0.1 and excludes 0; a plateau's covers 0."""
    rng = np.random.default_rng(1)
    ns = np.geomspace(1, 1e8, 17)

    def curve(values):
        points = [lora.CurvePoint(n, None, lora.Value(v, 0.01 * v), lora.Value(v, 0.01 * v), lora.Value(v, 0.0), None, True, [])
                  for n, v in zip(ns, values)]  # fmt: skip
        return lora.Curve(points, "synthetic", {}, 0.0)

    rising = lora.local_exponents(curve(5 * ns**0.1 * (1 + 0.01 * rng.normal(size=17))))
    assert len(rising) == 8 and all(e.consistent_with_plateau is False for e in rising)
    assert sum(e.slope.interval[0] < 0.1 < e.slope.interval[1] for e in rising) >= 7  # 95% intervals
    flat = lora.local_exponents(curve(7 * (1 + 0.01 * rng.normal(size=17))))
    assert sum(e.consistent_with_plateau for e in flat) >= 7


def test_report_lora_map_small(sltv, tmp_path):
    """Two tiny cases end to end (r = d is skipped): one row per (d, r, α), the claim's answer and the prefactor's data."""
    code, out, _ = sltv("report", "lora-map", "--dims", "6", "--ranks", "2,6", "--alphas", "0.4,0.5", "--n-max", "1e3", "--chains", "4",
                        "--sweeps", "40", "--out", str(tmp_path), "--json")  # fmt: skip
    payload = json.loads(out)
    cases = payload["cases"]
    assert code == 0 and [(c["d"], c["r"], c["alpha"]) for c in cases] == [(6, 2, 0.4), (6, 2, 0.5)]
    assert all(isinstance(c["claim_holds"], bool) for c in cases) and (tmp_path / "report.html").is_file()


def test_digits_example_end_to_end(sltv, tmp_path, capsys):
    """examples/lora_digits.py trains on scikit-learn's bundled digits and writes safetensors that sltv lora reads."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("lora_digits", Path(__file__).resolve().parents[2] / "examples" / "lora_digits.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    accuracy = example.main(["--out", str(tmp_path / "digits.safetensors"), "--steps", "300", "--hidden", "64"])
    assert accuracy["test"] > 0.85  # a real fit, not noise (chance is 0.1)
    assert "test accuracy" in capsys.readouterr().out
    code, out, _ = sltv("lora", "--matrix", f"{tmp_path / 'digits.safetensors'}:hidden.weight", "--hidden", "4", "--n-max", "1e4",
                        "--per-decade", "1", "--chains", "4", "--sweeps", "60", "--no-free-energy", "--json")  # fmt: skip
    payload = json.loads(out)
    assert payload["model"]["inputs"] == 64 and payload["model"]["outputs"] == 64
    assert payload["model"]["source"]["power_law"]["r_squared"] > 0


def test_report_options_before_the_scenario_are_refused(sltv, tmp_path):
    code, _, err = sltv("report", "--out", str(tmp_path), "gap")
    assert code == 2 and "--out before the scenario" in err and err.count("\n") == 1
