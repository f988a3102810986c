"""The model-family registry and the task registry, against independent values."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import theory
from proofs_checks import tasks
from proofs_checks.claims import check_claim, theory_value
from proofs_checks.families import FAMILIES, family
from proofs_checks.sampling import samplable
from proofs_checks.spec import parse_spec

TWO_LAYER = '[model]\nkind = "two_layer"\ninputs = 4\noutputs = 3\nhidden = 2\nsingular_values = [1.0, 0.0, 0.5]\n'


def test_two_layer_is_a_spec_kind_whose_lambda_is_reduced_rank_at_the_target_rank() -> None:
    spec = parse_spec(TWO_LAYER)
    assert spec.kind == "two_layer"
    lc = theory_value(spec)
    assert lc == theory.reduced_rank(4, 3, 2, 2)  # two non-zero singular values
    assert check_claim(spec, Fraction(lc.lam.p, lc.lam.q)).status == "consistent"
    assert check_claim(spec, Fraction(lc.lam.p, lc.lam.q) + 1).status == "refuted"


def test_the_two_layer_teacher_multiplies_to_the_target() -> None:
    """B·A of the sampled teacher is the 3 × 4 matrix with the spec's singular values on its diagonal."""
    loss, (first, second), data, n = samplable(parse_spec(TWO_LAYER + "[sampler]\nn = 50\n"), seed=3)
    expected = np.zeros((3, 4))
    expected[[0, 1, 2], [0, 1, 2]] = [1.0, 0.0, 0.5]
    np.testing.assert_allclose(np.asarray(second) @ np.asarray(first), expected, atol=1e-6)
    assert n == 50 and data["x"].shape == (50, 4)
    assert float(loss([first, second], data)) == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ('inputs = 4\noutputs = 3\nhidden = 1\nsingular_values = [1.0, 0.5]', "not\nrealizable"),
        ('inputs = 4\noutputs = 3\nhidden = 2\nsingular_values = [1.0, -0.5]', "non-negative"),
        ('inputs = 2\noutputs = 3\nhidden = 2\nsingular_values = [1.0, 0.5, 0.1]', "at most 2"),
        ('inputs = 0\noutputs = 3\nhidden = 2\nsingular_values = [1.0]', "inputs must be a positive integer"),
        ('inputs = 2\noutputs = 3\nhidden = 2\nsingular_values = [1.0]\nprior_var = 0', "prior_var"),
    ],
)
def test_bad_two_layer_specs_name_the_value(model: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_spec(f'[model]\nkind = "two_layer"\n{model}\n')
    assert message.replace("\n", " ") in str(error.value).replace("\n", " ")


def test_an_unknown_kind_lists_every_family() -> None:
    with pytest.raises(ValueError, match="kind must be one of regular, monomial") as error:
        family("linear")
    assert all(name in str(error.value) for name in FAMILIES)


def test_a_family_decided_exactly_has_no_sampled_evidence() -> None:
    spec = parse_spec('[model]\nkind = "regular"\ndim = 3\n')
    with pytest.raises(ValueError, match="theory decides it exactly"):
        samplable(spec)


def test_sltv_check_takes_a_two_layer_spec(tmp_path: Path) -> None:
    path = tmp_path / "two_layer.toml"
    path.write_text(TWO_LAYER)
    sltv = Path(sys.executable).parent / "sltv"
    lam = theory.reduced_rank(4, 3, 2, 2).lam
    good = subprocess.run([str(sltv), "check", str(path), "--claimed", str(lam)], capture_output=True, text=True)
    bad = subprocess.run([str(sltv), "check", str(path), "--claimed", "1/3"], capture_output=True, text=True)
    assert (good.returncode, bad.returncode) == (0, 1)


def test_tasks_are_found_where_they_are_registered() -> None:
    known = tasks.load_plugins()
    assert {"two-layer-exact", "two-layer-gibbs", "fibred-exact", "llc", "regress-case", "modular-llc"} <= set(known)
    assert tasks.task("fibred-exact").__module__ == "proofs_checks.families.polynomial"
    with pytest.raises(ValueError, match="unknown task 'nope'; known: fibred-exact"):
        tasks.task("nope")


def test_a_second_function_under_a_registered_name_is_refused() -> None:
    with pytest.raises(ValueError, match="already registered"):
        tasks.register("llc")(lambda job: job)


def test_a_fresh_process_finds_a_task_by_name_alone() -> None:
    """The executor's workers look tasks up by name; the registry loads the plug-ins on first use."""
    code = "from proofs_checks.tasks import task; print(task('two-layer-exact').__module__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "proofs_checks.families.two_layer", result.stderr


def _modular_spec(tmp_path: Path, p: object = 5, w_shape: tuple[int, int] = (4, 10), a_shape: tuple[int, int] = (5, 4)) -> str:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "quadratic.npz", w=rng.normal(size=w_shape), a=rng.normal(size=a_shape))
    return f'[model]\nkind = "modular"\np = {p}\nparams = "quadratic.npz"\ntrain_fraction = 0.6\n'


def test_a_modular_spec_samples_the_quadratic_network_on_its_training_pairs(tmp_path: Path) -> None:
    """The loss at the saved weights equals ½·mean‖y − Σ_i a_i (w_i·x)²‖² over the 15 training pairs, computed here."""
    from numerics.modular import modular_addition_data

    spec = parse_spec(_modular_spec(tmp_path), tmp_path)
    assert theory_value(spec) is None
    loss, center, data, n = samplable(spec)
    train = modular_addition_data(5, 0.6, 0).train
    w, a = np.load(tmp_path / "quadratic.npz")["w"], np.load(tmp_path / "quadratic.npz")["a"]
    x, y = np.asarray(train["x"], dtype=float), np.asarray(train["y"], dtype=float)
    expected = 0.5 * np.mean(np.sum((y - ((x @ w.T) ** 2) @ a.T) ** 2, axis=1))
    assert n == 15 and float(loss(center, data)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"p": 6}, "odd prime"), ({"w_shape": (4, 8)}, "need w of shape (N, 10)"), ({"a_shape": (4, 4)}, "a of shape (5, N)")],
)
def test_bad_modular_specs_name_the_value(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        samplable(parse_spec(_modular_spec(tmp_path, **options), tmp_path))
