"""Regression harness: the criterion, the pytest plugin (with pytester) and ``sltv regress``."""

import json
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

from numerics import Estimate
from proofs_checks.regression import RegressionCase, Sampled, TheoryValue, check_case, select

PLUGIN_TESTS = '''
import jax, jax.numpy as jnp
import numerics
import theory
from proofs_checks.regression import RegressionCase, Sampled, polynomial_case, TheoryValue

def tempering_ignored(seed):
    """Planted bug: the sampler runs at nβ = 1 whatever the case says (nβ = 1000)."""
    loss, _ = numerics.polynomial_potential(theory.read_expression("x**4"))
    posterior = numerics.LocalPosterior(loss, None, jnp.zeros(1), 1.0, 1.0)
    trace = numerics.run_chains(numerics.sgld(posterior, 1e-3), jax.random.key(seed), jnp.zeros(1), 4, 3000)
    return Sampled(numerics.llc(trace.info["loss"], 0.0, 1000.0, burn_in=500), {"nbeta": 1000.0})

def test_correct_sampler(sltv_regression):
    sltv_regression.check(polynomial_case("x**4", 1000.0))

def test_tempering_ignored(sltv_regression):
    good = polynomial_case("x**4", 1000.0)
    sltv_regression.check(RegressionCase("x**4 buggy", "λ̂", good.theory, tempering_ignored, 0.04))

def test_wrong_lambda(sltv_regression):
    """A wrong theory: x**4 sampled, but the claimed value is λ = 1/2 of a regular one-parameter model."""
    case = polynomial_case("x**4", 1000.0)
    claim = lambda: TheoryValue(0.5, "1/2", "claimed", "a wrong claim")
    sltv_regression.check(RegressionCase(case.name, case.quantity, claim, case.sample, case.bias_budget))
'''


def fixed_case(value, stderr, theory=1.0, budget=0.0, healthy=True):
    estimate = Estimate(value, stderr, np.array([value]), 1.0, 100.0, {"healthy": healthy, "warnings": [] if healthy else ["bad chains"]})
    return RegressionCase("fixed", "λ̂", lambda: TheoryValue(theory, str(theory), "exact", "test"), lambda seed: Sampled(estimate, {}), budget)


def test_criterion_uses_z_stderr_and_the_budget():
    assert check_case(fixed_case(1.39, 0.1)).passed  # 3.9 standard errors
    assert not check_case(fixed_case(1.41, 0.1)).passed
    assert check_case(fixed_case(1.41, 0.1, budget=0.02)).passed
    assert check_case(fixed_case(1.41, 0.1), z=5).passed
    result = check_case(fixed_case(1.0, 0.1, healthy=False))
    assert not result.passed and "unhealthy" in result.message() and "bad chains" in result.message()


def test_drift_from_the_baseline():
    assert check_case(fixed_case(1.0, 0.1), baseline={"value": 1.5, "stderr": 0.1}).passed  # 3.5 combined se
    failed = check_case(fixed_case(1.0, 0.1), baseline={"value": 1.6, "stderr": 0.1})
    assert not failed.passed and "drifted from the baseline 1.6" in failed.message()


def test_plugin_catches_planted_bugs(pytester):
    pytester.makepyfile(test_cases=PLUGIN_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*x**4 buggy: λ̂ sampled * vs theory 0.2473*", "*z-score*R-hat*", "*settings*"])
    result.stdout.fnmatch_lines(["*polynomial x**4 nβ=1000: λ̂ sampled * vs theory 1/2*"])


def test_plugin_baseline_round_trip(pytester):
    pytester.makepyfile(test_one="from proofs_checks.regression import polynomial_case\n"
                        "def test_quartic(sltv_regression):\n    sltv_regression.check(polynomial_case('x**4', 1000.0))\n")  # fmt: skip
    pytester.runpytest("--sltv-update-baselines", "--sltv-seed", "3").assert_outcomes(passed=1)
    stored = json.loads((pytester.path / "sltv-baselines.json").read_text())
    entry = stored["cases"]["polynomial x**4 nβ=1000"]
    assert entry["seed"] == 3
    pytester.runpytest("--sltv-seed", "3").assert_outcomes(passed=1)
    entry["value"] += 10 * entry["stderr"]
    (pytester.path / "sltv-baselines.json").write_text(json.dumps(stored))
    result = pytester.runpytest("--sltv-seed", "3")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*drifted from the baseline*"])


def test_sltv_regress_fast_tier_with_baseline_and_junit(sltv, tmp_path):
    baseline, junit = tmp_path / "baseline.json", tmp_path / "junit.xml"
    code, out, _ = sltv("regress", "--tier", "fast", "--baseline", str(baseline), "--update", "--junit", str(junit))
    assert code == 0 and "of 4 cases pass" in out
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("tests") == str(len(select("fast"))) and suite.get("failures") == "0"
    stored = json.loads(baseline.read_text())
    name = next(iter(stored["cases"]))
    stored["cases"][name]["value"] += 100 * stored["cases"][name]["stderr"]
    baseline.write_text(json.dumps(stored))
    code, out, _ = sltv("regress", "--baseline", str(baseline), "--json")
    payload = json.loads(out)
    assert code == 1 and not payload["passed"]
    assert [c["case"] for c in payload["cases"] if not c["passed"]] == [name]


@pytest.mark.parametrize(
    "args, message",
    [(("--tier", "huge"), "--tier"), (("--update",), "--baseline"), (("--z", "0"), "--z")],
)
def test_regress_user_errors(sltv, args, message, tmp_path):
    code, out, err = sltv("regress", *args)
    assert code == 2 and out == "" and message in err


def test_regress_rejects_a_broken_baseline_file(sltv, tmp_path):
    broken = tmp_path / "b.json"
    broken.write_text("{not json")
    code, _, err = sltv("regress", "--baseline", str(broken))
    assert code == 2 and "not a baseline file" in err


def test_the_readme_example_file_passes(pytester):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "test_regression_example.py"
    pytester.makepyfile(test_example=example.read_text())
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_docs_show_the_example_file_as_it_is():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    body = (root / "examples" / "test_regression_example.py").read_text().split('"""\n', 2)[2].strip()
    assert body in (root / "docs" / "commands" / "regress.md").read_text()


@pytest.mark.slow
def test_sgld_against_the_exact_kernel_reference_case():
    """The SGLD-vs-Gibbs case end to end on a small network with a small step (bias ~ε): it passes, its theory side
    is labelled as a sampled exact-kernel value, and its error combines both runs'."""
    from proofs_checks.regression import check_case, sgld_against_gibbs_case

    case = sgld_against_gibbs_case([4, 3, 4], 2, n=2000, tier="fast", num_steps=20_000, step_size=1e-4)
    result = check_case(case, seed=0)
    assert result.passed, result.message()
    assert result.theory.kind == "sampled (exact kernel)" and "combined" in result.settings["stderr"]
    assert result.estimate.stderr > 0 and "r=2" in result.case
