"""Regression-test your own model against theory with the ``sltv`` pytest plugin.

    .venv/bin/python -m pytest examples/test_regression_example.py [--sltv-seed 1] [--sltv-update-baselines]

The plugin comes with slt-verifier (entry point ``pytest11``): any test that asks for ``sltv_regression``
can check a ``RegressionCase``. Each case samples with a fixed seed and must agree with its theory within
z·stderr + the declared bias budget, with healthy chains, and must not drift from ``sltv-baselines.json``.
"""

import jax
import jax.numpy as jnp

import numerics
import theory
from proofs_checks.regression import TheoryValue, llc_case, polynomial_case


def my_loss(params, batch):
    """Your model, written by hand: a two-layer linear network y = W2·W1·x with squared error."""
    w1, w2 = params
    return 0.5 * jnp.mean(jnp.sum((batch["y"] - batch["x"] @ w1.T @ w2.T) ** 2, axis=1))


def test_my_network_matches_aoyagi(sltv_regression):
    widths, rank = [4, 3, 4], 1
    teacher = numerics.deep_linear_teacher(jax.random.key(0), widths, rank)
    data = numerics.teacher_student_data(jax.random.key(1), numerics.deep_linear_apply, teacher, 4000, widths[0])
    exact = theory.deep_linear(widths, rank)  # λ = 6 (Aoyagi 2024); λ̂ at n = 4000 sits within 10% of it
    claim = lambda: TheoryValue(float(exact.lam), str(exact.lam), "exact", exact.source)
    sltv_regression.check(llc_case("my 4-3-4 network, rank 1", my_loss, teacher, data, claim, bias_budget=0.1))


def test_quartic_potential_matches_its_exact_tempered_energy(sltv_regression):
    sltv_regression.check(polynomial_case("x**4", nbeta=1000.0))
