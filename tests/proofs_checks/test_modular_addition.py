"""The modular-addition scenario on a tiny configuration: reproducible λ̂, a complete report, clear errors."""

import json

import numpy as np
import pytest

from proofs_checks.scenarios.modular_addition import ModularConfig, analyse, measure_network

TINY = dict(primes=(5,), widths=(2, 3, 4), nbeta_factors=(1.0, 2.0, 4.0), train_steps=300, chains=2, langevin_time=0.3)


def _without_timings(value):
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in {"seconds", "train_seconds"}}
    return [_without_timings(v) for v in value] if isinstance(value, list) else value


def test_one_job_is_reproducible_and_complete():
    spec = ModularConfig(**TINY).job(5, 3, "generalising")
    first, again = measure_network(spec), measure_network(spec)
    assert _without_timings(first) == _without_timings(again)
    assert first["parameters"] == 3 * (2 * 5) + 5 * 3 and first["n"] == round(0.5 * 25)
    assert [r["factor"] for r in first["rungs"]] == [1.0, 2.0, 4.0]
    for rung in first["rungs"]:
        assert rung["nbeta"] == pytest.approx(rung["factor"] * first["n"] / np.log(first["n"]))
        assert np.isfinite(rung["llc"]["value"]) and rung["llc"]["stderr"] > 0 and len(rung["llc"]["per_chain"]) == 2
        assert rung["settings"]["seed"] == 0 and rung["settings"]["langevin_time"] == 0.3
    assert len(first["neurons"]["peak_share"]) == 3 and 0 <= first["train_accuracy"] <= 1


def _synthetic_job(width, phase, slope, rng, healthy=True):
    """A job result whose λ̂ = 1 + slope·N (no temperature dependence), with standard error 0.5."""
    rungs = []
    for factor in (1.0, 2.0, 4.0):
        value = 1 + slope * width + rng.normal(0, 0.5)
        per_chain = value + rng.normal(0, 1.0, 4)
        per_chain += value - per_chain.mean()
        estimate = {"value": value, "stderr": 0.5, "per_chain": per_chain.tolist(), "rhat": 1.0, "ess": 400.0,
                    "diagnostics": {"healthy": healthy, "warnings": []}}  # fmt: skip
        rungs.append({"factor": factor, "nbeta": 10 * factor, "llc": estimate, "heat_capacity": estimate, "healthy": healthy,
                      "warnings": [], "mala_acceptance": 0.9, "min_acceptance": 0.5, "agreement": {"agree": True}})  # fmt: skip
    neurons = {"peak_share": rng.uniform(0.3, 1, width).tolist(), "participation": rng.uniform(1, 3, width).tolist()}
    return {"p": 7, "width": width, "phase": phase, "parameters": 3 * 7 * width, "n": 25, "train_accuracy": 1.0,
            "test_accuracy": 0.5, "train_loss": 0.0, "neurons": neurons, "rungs": rungs}  # fmt: skip


def test_extensivity_fit_recovers_a_known_slope_and_ignores_unhealthy_points():
    rng = np.random.default_rng(0)
    widths = (8, 16, 32, 64, 128)
    jobs = [_synthetic_job(w, "generalising", 2.5, rng) for w in widths]
    jobs.append(_synthetic_job(256, "generalising", 9.0, rng, healthy=False))  # far off the line, must be left out
    config = ModularConfig(primes=(7,), widths=widths + (256,), phases=("generalising",))
    (group,) = analyse(jobs, config)["groups"]
    fit = group["extensivity"]["fit"]
    assert abs(fit["slope"] - 2.5) < 3 * fit["slope_stderr"] and fit["slope_stderr"] < 0.02
    assert group["extensivity"]["widths_left_out"] == [256]
    assert all(abs(t["z"]) < 4 for t in group["temperature"][:-1])  # no temperature dependence was planted
    ladder = group["free_energy"][0]["ladder"]
    assert ladder[0]["free_energy_increment"]["value"] == 0.0


@pytest.mark.slow  # ~40 s: the whole CLI run; one job's completeness is checked by default
def test_cli_writes_a_complete_report(sltv, tmp_path):
    code, out, err = sltv("report", "modular-addition", "--p", "5", "--widths", "2,3,4", "--betas", "1,2,4", "--train-steps", "300",
                          "--chains", "2", "--langevin-time", "0.3", "--out", str(tmp_path), "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data == json.loads((tmp_path / "report.json").read_text())
    assert {j["phase"] for j in data["jobs"]} == {"generalising", "memorising"} and len(data["jobs"]) == 6
    assert [g["phase"] for g in data["groups"]] == ["generalising", "memorising"]
    assert all(
        any(f.startswith(f"p = 5, {phase}") for f in data["findings"]) for phase in ("generalising", "memorising")
    )
    assert data["settings"]["seed"] == 0 and data["settings"]["train_steps"] == 300
    html = (tmp_path / "report.html").read_text()
    assert html.count("<img") == 4 and "λ̂ / N" in html and "d/2 (upper bound on λ)" in html
    assert len(list(tmp_path.glob("figure-*.png"))) == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--p", "9"], "odd prime"),
        (["--betas", "2,4"], "include 1"),
        (["--model", "transformer"], "model must be"),
        (["--widths", "4,0"], "positive integers"),
        (["--widths", "4,4,8"], "widths must differ"),
        (["--train-fraction", "1.5"], "train_fraction"),
        (["--chains", "1"], "at least 2 chains"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(sltv, tmp_path, args, message):
    code, _, err = sltv("report", "modular-addition", *args, "--out", str(tmp_path))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_the_mlp_variant_runs_and_counts_its_biases():
    config = ModularConfig(
        primes=(5,), widths=(3,), nbeta_factors=(1.0,), model="mlp", train_steps=200, chains=2, langevin_time=0.2
    )
    assert config.effective_weight_decay == 1.0
    job = measure_network(config.job(5, 3, "memorising"))
    assert job["parameters"] == 3 * (2 * 5) + 3 + 5 * 3 + 5 and job["model"] == "mlp"
    assert len(job["neurons"]["participation"]) == 3 and np.isfinite(job["rungs"][0]["llc"]["value"])
