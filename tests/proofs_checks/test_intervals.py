"""Exact interval positivity proofs against polynomials whose minima are known in closed form."""

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from proofs_checks.intervals import evaluate, polynomial_range, prove_positive

UNIT = ((F(-1), F(1)), (F(-1), F(1)))


def test_enclosure_contains_every_value():
    p = {(2, 0): F(1), (1, 1): F(-3), (0, 3): F(2), (0, 0): F(1, 2)}
    low, high = polynomial_range(p, UNIT)
    for i in range(-4, 5):
        for j in range(-4, 5):
            assert low <= evaluate(p, (F(i, 4), F(j, 4))) <= high


def test_proves_a_positive_polynomial_with_cancellation():
    # (1 + w)^6 expanded, on w ∈ [−1/2, 0]: minimum (1/2)^6 > 0
    expanded = {(k,): F([1, 6, 15, 20, 15, 6, 1][k]) for k in range(7)}
    assert prove_positive(expanded, ((F(-1, 2), F(0)),)).proved is True


def test_finds_a_zero_on_the_boundary_of_the_box():
    # (v − 1)² on v ∈ [−1, 1] vanishes at the corner v = 1: b(0) = 1 ≠ 0 must not be enough
    result = prove_positive({(2,): F(1), (1,): F(-2), (0,): F(1)}, ((F(-1), F(1)),))
    assert result.proved is False and evaluate({(2,): F(1), (1,): F(-2), (0,): F(1)}, result.witness) <= 0


@settings(max_examples=30, deadline=None)
@given(st.fractions(min_value=F(-2), max_value=F(2), max_denominator=16), st.fractions(min_value=F(1, 64), max_value=F(1)))
def test_shifted_parabola_is_positive_exactly_when_its_minimum_is(centre, offset):
    # p(x) = (x − centre)² + offset·sign on [−1, 1]: positive iff the closed-form minimum is positive
    for sign in (1, -1):
        p = {(2,): F(1), (1,): -2 * centre, (0,): centre**2 + sign * offset}
        minimum = (max(F(-1), min(F(1), centre)) - centre) ** 2 + sign * offset
        assert prove_positive(p, ((F(-1), F(1)),)).proved is (minimum > 0)
