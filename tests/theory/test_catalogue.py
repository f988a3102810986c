"""Regular models, normal-crossing monomials and the disjoint-block rules (Watanabe 2009, ch. 7; docs/references.md)."""

from fractions import Fraction

import pytest
import sympy

from theory import LearningCoefficient, Status, block_product, block_sum, monomial, regular


@pytest.mark.parametrize(
    ("exponents", "prior", "lam", "m"),
    [
        ([1, 1], None, "1/2", 2),  # x²y²
        ([1, 2], None, "1/4", 1),  # x²y⁴
        ([2, 2], None, "1/4", 2),  # x⁴y⁴
        ([1], [1], "1", 1),  # x² with prior ∝ |x|
        ([1, 0], None, "1/2", 1),  # a variable absent from K does not count
    ],
)
def test_monomial_worked_examples(exponents, prior, lam, m):
    lc = monomial(exponents, prior)
    assert lc.lam == sympy.Rational(lam) and lc.multiplicity == m and lc.status is Status.EXACT


@pytest.mark.parametrize("d", [1, 2, 7, 100])
def test_regular_is_the_sum_of_d_one_dimensional_quadratics(d):
    assert regular(d).lam == sympy.Rational(d, 2) and regular(d).multiplicity == 1
    summed = block_sum(*[monomial([1])] * d)
    assert (summed.lam, summed.multiplicity) == (regular(d).lam, 1)


def test_block_product_of_quadratics_is_the_normal_crossing_monomial():
    for d in range(1, 6):
        product = block_product(*[monomial([1])] * d)
        direct = monomial([1] * d)
        assert (product.lam, product.multiplicity) == (direct.lam, direct.multiplicity) == (sympy.Rational(1, 2), d)


def test_block_product_counts_only_the_minimisers_multiplicities():
    product = block_product(monomial([1, 1]), monomial([1], [2]), monomial([2]))
    # blocks: (1/2, 2), (3/2, 1), (1/4, 1) -> min 1/4 attained once
    assert (product.lam, product.multiplicity) == (sympy.Rational(1, 4), 1)


def test_bounds_combine_and_conflicting_bounds_are_refused():
    upper = LearningCoefficient(sympy.Rational(1, 3), 1, Status.UPPER_BOUND)
    lower = LearningCoefficient(sympy.Rational(1, 5), 1, Status.LOWER_BOUND)
    assert block_sum(regular(1), upper).status is Status.UPPER_BOUND
    assert block_product(regular(1), lower).status is Status.LOWER_BOUND
    with pytest.raises(ValueError, match="upper bound with a lower bound"):
        block_sum(upper, lower)


def test_learning_coefficient_is_exact_and_validated():
    lc = LearningCoefficient(Fraction(9063, 2), 5)
    assert isinstance(lc.lam, sympy.Rational) and lc.lam == sympy.Rational(9063, 2)
    assert lc.as_dict() == {
        "lambda": "9063/2",
        "lambda_float": 4531.5,
        "multiplicity": 5,
        "status": "exact",
        "method": "",
        "source": "",
    }
    for bad in (0, -1, 0.5, sympy.sqrt(2)):
        with pytest.raises(ValueError, match="positive rational"):
            LearningCoefficient(bad, 1)
    with pytest.raises(ValueError, match="multiplicity"):
        LearningCoefficient(1, 0)
    with pytest.raises(ValueError):
        LearningCoefficient(1, 1, "maybe")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: regular(0), "dim must be a positive integer, got 0"),
        (lambda: regular(2.5), "dim must be an integer, got 2.5"),
        (lambda: regular(True), "dim must be an integer, got True"),
        (lambda: monomial([0, 0]), "all zero"),
        (lambda: monomial([1, -2]), r"exponents\[1\] must be a non-negative integer, got -2"),
        (lambda: monomial([1, 2], [0]), "one entry per exponent"),
        (lambda: monomial("12"), "list of integers"),
        (lambda: monomial([]), "must not be empty"),
        (lambda: block_sum(), "at least one block"),
        (lambda: block_sum(0.5), "LearningCoefficient"),
    ],
)
def test_bad_input_names_the_offending_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
