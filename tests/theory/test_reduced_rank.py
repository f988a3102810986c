"""Reduced-rank regression against Aoyagi & Watanabe (2005) worked examples and structural properties."""

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from theory import reduced_rank, reduced_rank_for_target, slt_lambda_eff, two_layer_thermodynamics


@pytest.mark.parametrize(
    ("M", "N", "H", "r", "lam", "m"),
    [
        (1, 1, 1, 0, "1/2", 2),
        (2, 2, 1, 0, "1", 2),
        (2, 2, 2, 0, "3/2", 1),
        (5, 5, 3, 0, "13/2", 2),
        (4, 8, 3, 0, "6", 1),
        (8, 4, 3, 0, "6", 1),
        (3, 4, 8, 0, "6", 1),
        (10, 10, 5, 2, "29", 2),
        (4, 3, 2, 2, "5", 1),
    ],
)
def test_worked_examples(M, N, H, r, lam, m):
    lc = reduced_rank(M, N, H, r)
    assert (lc.lam, lc.multiplicity) == (sympy.Rational(lam), m)
    assert "Aoyagi & Watanabe (2005)" in lc.source


@st.composite
def sizes(draw, max_size=30):
    M, N, H = (draw(st.integers(1, max_size)) for _ in range(3))
    return M, N, H, draw(st.integers(0, min(M, N, H)))


@given(sizes())
def test_at_most_half_the_parameter_count(size):
    M, N, H, r = size
    assert reduced_rank(M, N, H, r).lam <= sympy.Rational(H * (M + N), 2)


@given(sizes())
def test_symmetric_in_inputs_and_outputs(size):
    M, N, H, r = size
    a, b = reduced_rank(M, N, H, r), reduced_rank(N, M, H, r)
    assert (a.lam, a.multiplicity) == (b.lam, b.multiplicity)


@given(st.integers(1, 30), st.integers(1, 30), st.integers(1, 30))
def test_full_rank_is_the_dimension_of_the_rank_h_matrices(M, N, H):
    H = min(H, M, N)  # rank H needs H ≤ min(M, N); then the model is regular on a manifold of dim H(M+N−H)
    lc = reduced_rank(M, N, H, H)
    assert (lc.lam, lc.multiplicity) == (sympy.Rational(H * (M + N - H), 2), 1)


@given(sizes())
def test_never_decreases_when_the_true_rank_grows(size):
    M, N, H, r = size
    if r < min(M, N, H):
        assert reduced_rank(M, N, H, r + 1).lam >= reduced_rank(M, N, H, r).lam


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 2, 2, 0), "inputs must be a positive integer, got 0"),
        ((2, 2.0, 2, 0), "outputs must be an integer, got 2.0"),
        ((2, 2, -1, 0), "hidden must be a positive integer, got -1"),
        ((2, 2, 2, -1), "rank must be a non-negative integer, got -1"),
        ((3, 4, 2, 3), "rank 3 exceeds the smallest width"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        reduced_rank(*args)


def test_a_realizable_target_gets_aoyagi_watanabes_value_and_no_loss():
    lc, loss = reduced_rank_for_target(3, 4, 2, ["0.5", "0", "0.1"])
    assert lc == reduced_rank(3, 4, 2, 2) and loss == 0


def test_an_unrealizable_target_is_regular_around_its_best_fit_and_matches_the_exact_free_energy():
    """2 inputs, H = 1, 3 outputs, s = (0.6, 0.4): L0 = 0.4²/2 = 2/25 exactly, and the exact λ_eff(n) − n·L0
    at n = 10⁶ (theory.two_layer, an independent computation) sits at the claimed λ = (2 + 3 − 1)/2 = 2."""
    lc, loss = reduced_rank_for_target(2, 3, 1, ["0.6", "0.4"])
    assert (lc.lam, lc.multiplicity, loss) == (2, 1, sympy.Rational(2, 25))
    point = two_layer_thermodynamics("1e6", ["0.6", "0.4"], 2, 1, 3, dps=10)
    assert abs(point.lambda_eff - slt_lambda_eff(lc, point.n, loss)) < 1e-4 and abs(point.heat_capacity - lc.lam) < 1e-4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2, 3, 1, ["0.6", "0.6"]), "form a continuum"),
        ((2, 3, 1, ["0.6", "-0.4"]), "non-negative"),
        ((2, 3, 1, ["0.6", "x"]), "must be numbers"),
        ((2, 3, 1, ["0.6", "0.4", "0.2"]), "exceed min"),
    ],
)
def test_unrealizable_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        reduced_rank_for_target(*args)
