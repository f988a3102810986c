"""Deep linear networks: Aoyagi (2024) worked examples, the two-layer case, greedy vs brute force."""

import random

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from theory import admissible_index_sets, deep_linear, greedy_index_set, monomial, reduced_rank


@pytest.mark.parametrize(
    ("widths_output_first", "r", "lam", "m"),
    [
        ((1, 1, 1, 1), 0, "1/2", 3),
        ((2, 1, 2, 2), 0, "1", 3),
        ((2, 2, 2, 2), 0, "3/2", 3),
        ((5, 10, 10, 5), 0, "25/2", 1),
        ((3, 5, 4, 6, 2), 1, "3", 1),
        ((8, 4, 8, 4, 8), 2, "16", 1),
    ],
)
def test_worked_examples(widths_output_first, r, lam, m):
    widths = list(reversed(widths_output_first))  # Aoyagi (2024) lists widths output first; the API takes input first
    for method in ("greedy", "brute_force"):
        lc = deep_linear(widths, r, method=method)
        assert (lc.lam, lc.multiplicity) == (sympy.Rational(lam), m)


def test_two_layers_equal_reduced_rank_regression_on_every_size_up_to_8():
    for M in range(1, 9):
        for N in range(1, 9):
            for H in range(1, 9):
                for r in range(min(M, N, H) + 1):
                    dln, rr = deep_linear([M, H, N], r), reduced_rank(M, N, H, r)
                    assert (dln.lam, dln.multiplicity) == (rr.lam, rr.multiplicity), (M, N, H, r)


@pytest.mark.parametrize("layers", range(2, 11))
def test_scalar_chain_is_a_normal_crossing_monomial(layers):
    # widths all 1, rank 0: K = (w_1 ⋯ w_L)², the monomial with all exponents 1: (1/2, L)
    chain = deep_linear([1] * (layers + 1), 0)
    direct = monomial([1] * layers)
    assert (chain.lam, chain.multiplicity) == (direct.lam, direct.multiplicity)
    # rank 1: K = (w_1 ⋯ w_L − c)², a smooth hypersurface of zeros: one normal direction, (1/2, 1)
    assert (deep_linear([1] * (layers + 1), 1).lam, deep_linear([1] * (layers + 1), 1).multiplicity) == (
        sympy.Rational(1, 2),
        1,
    )


def test_greedy_index_set_equals_brute_force_on_1000_random_networks():
    rng = random.Random(20261124)
    for _ in range(1000):
        depth = rng.randint(2, 7)
        widths = [rng.randint(1, 12) for _ in range(depth + 1)]
        rank = rng.randint(0, min(widths))
        admissible = admissible_index_sets(widths, rank)
        assert admissible == [greedy_index_set(widths, rank)], (widths, rank, admissible)


@st.composite
def networks(draw):
    widths = draw(st.lists(st.integers(1, 40), min_size=3, max_size=12))
    return widths, draw(st.integers(0, min(widths)))


@given(networks())
def test_at_most_half_the_parameter_count(net):
    widths, rank = net
    parameters = sum(a * b for a, b in zip(widths, widths[1:]))
    assert deep_linear(widths, rank).lam <= sympy.Rational(parameters, 2)


@given(networks())
def test_invariant_under_transposition(net):
    # (W_L ⋯ W_1)ᵀ = W_1ᵀ ⋯ W_Lᵀ: the reversed network has the same loss up to a change of variables
    widths, rank = net
    a, b = deep_linear(widths, rank), deep_linear(widths[::-1], rank)
    assert (a.lam, a.multiplicity) == (b.lam, b.multiplicity)


@given(networks())
def test_never_decreases_when_the_true_rank_grows(net):
    widths, rank = net
    if rank < min(widths):
        assert deep_linear(widths, rank + 1).lam >= deep_linear(widths, rank).lam


def test_method_names_the_index_set_compactly():
    assert "S = {1-101}" in deep_linear([1000] * 101, 7).method


@pytest.mark.parametrize(
    ("widths", "rank", "message"),
    [
        ([5, 3], 0, "at least two layers"),
        ([5], 0, "at least two layers"),
        ([5, 0, 3], 0, r"widths\[1\] must be a positive integer, got 0"),
        ([5, 2.5, 3], 0, r"widths\[1\] must be an integer, got 2.5"),
        ("5,3,4", 0, "list of integers"),
        ([5, 3, 4], 4, "rank 4 exceeds the smallest width 3"),
        ([5, 3, 4], -1, "rank must be a non-negative integer, got -1"),
    ],
)
def test_bad_input(widths, rank, message):
    with pytest.raises(ValueError, match=message):
        deep_linear(widths, rank)


def test_unknown_method():
    with pytest.raises(ValueError, match="'fastest'"):
        deep_linear([2, 2, 2], 0, method="fastest")
