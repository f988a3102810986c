"""Newton-polyhedron learning coefficients (Watanabe 2009, ch. 7; docs/references.md) against closed forms and the catalogue."""

import math
import re

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from theory import block_sum, monomial, newton_rlct, regular
from theory.learning_coefficient import Status


def _value(analysis):
    return analysis.coefficient.lam, analysis.coefficient.multiplicity, analysis.coefficient.status


@pytest.mark.parametrize(
    ("K", "prior", "lam", "m"),
    [
        ("x**2*y**2", None, "1/2", 2),
        ("x**2*y**4", None, "1/4", 1),
        ("x**4*y**4", None, "1/4", 2),
        ("x**2", [1], "1", 1),
        ("x**2*y**2 + x**6 + y**6", None, "1/2", 2),
        ("x**2 + y**4", [0, 2], "5/4", 1),
        ("x**2 + y**2 + z**2", None, "3/2", 1),
    ],
)
def test_references_examples_are_exact(K, prior, lam, m):
    assert _value(newton_rlct(K, prior_exponents=prior)) == (sympy.Rational(lam), m, Status.EXACT)


def test_degenerate_edge_gives_an_upper_bound_and_names_the_face():
    analysis = newton_rlct("(x - y)**2")
    assert _value(analysis) == (1, 1, Status.UPPER_BOUND)  # the truth is 1/2: the bound is not tight
    assert "x**2 - 2*x*y + y**2" in analysis.reason
    (edge,) = [face for face in analysis.faces if face.dimension == 1]
    assert edge.verdict == "degenerate" and edge.points == ((0, 2), (1, 1), (2, 0))


def test_cusp_is_only_bounded_by_its_newton_polyhedron():
    analysis = newton_rlct("(y**2 - x**3)**2")
    assert _value(analysis) == (sympy.Rational(5, 12), 1, Status.UPPER_BOUND)


def test_sum_of_squares_input_agrees_with_the_expanded_polynomial():
    f1, f2 = "x*y", "x**3 + y**3 - x**2*y"
    listed = newton_rlct([f1, f2])
    expanded = newton_rlct(sympy.expand(sympy.sympify(f1) ** 2 + sympy.sympify(f2) ** 2))
    assert _value(listed) == _value(expanded)
    assert [f.points for f in listed.faces] == [f.points for f in expanded.faces]


def test_non_degenerate_edge_with_cross_terms_is_certified_by_root_counting():
    # x² − 3xy + 3y²: discriminant 9 − 12 < 0, so no real zero on the torus
    analysis = newton_rlct("x**2 - 3*x*y + 3*y**2")
    assert _value(analysis) == (1, 1, Status.EXACT)
    assert any("no real root" in f.reason for f in analysis.faces)


def test_translation_to_a_non_origin_zero():
    assert _value(newton_rlct("(x - 1)**2 * y**2", at=[1, 0])) == (sympy.Rational(1, 2), 2, Status.EXACT)
    assert _value(newton_rlct("(x - 1/2)**2 + y**4", at=["1/2", 0])) == (sympy.Rational(3, 4), 1, Status.EXACT)


def test_regular_model_equals_the_catalogue():
    for d in range(1, 6):
        K = " + ".join(f"x{j}**2" for j in range(d))
        assert _value(newton_rlct(K))[:2] == (regular(d).lam, regular(d).multiplicity)


_MONOMIAL_BLOCK = st.lists(st.integers(1, 3), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(_MONOMIAL_BLOCK, _MONOMIAL_BLOCK, st.data())
def test_disjoint_monomial_blocks_match_the_sum_rule(first, second, data):
    # K = Π x_i^(2a_i) + Π y_j^(2b_j) on disjoint variables: λ = λ1 + λ2, m = m1 + m2 − 1 (closed form)
    prior = data.draw(st.lists(st.integers(0, 2), min_size=len(first) + len(second), max_size=len(first) + len(second)))
    xs = [f"x{i}**{2 * a}" for i, a in enumerate(first)]
    ys = [f"y{j}**{2 * b}" for j, b in enumerate(second)]
    names = [f"x{i}" for i in range(len(first))] + [f"y{j}" for j in range(len(second))]
    analysis = newton_rlct("*".join(xs) + " + " + "*".join(ys), variables=names, prior_exponents=prior)
    expected = block_sum(monomial(first, prior[: len(first)]), monomial(second, prior[len(first) :]))
    assert _value(analysis) == (expected.lam, expected.multiplicity, Status.EXACT)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=5).filter(any), st.data())
def test_a_monomial_equals_the_normal_crossing_formula(exponents, data):
    prior = data.draw(st.lists(st.integers(0, 3), min_size=len(exponents), max_size=len(exponents)))
    names = [f"w{j}" for j in range(len(exponents))]
    K = "*".join(f"w{j}**{2 * k}" for j, k in enumerate(exponents) if k)
    expected = monomial(exponents, prior)
    assert _value(newton_rlct(K, variables=names, prior_exponents=prior)) == (
        expected.lam,
        expected.multiplicity,
        Status.EXACT,
    )


@pytest.mark.parametrize(
    ("K", "kwargs", "message"),
    [
        ("x*y", {}, "takes negative values"),
        ("x**2 - y**2", {}, "takes negative values"),
        ("x**2 - 3*x*y + y**2", {}, "changes sign"),  # discriminant 5 > 0: the edge changes sign
        ("x**2 + 1", {}, "does not vanish at the origin"),
        ("sin(x)", {}, "not a polynomial"),
        ("x**2 +", {}, "cannot parse"),
        ("0", {}, "has no variables"),
        ("x - x", {"variables": ["x"]}, "identically zero"),
        ("x**2*y**2", {"prior_exponents": [1]}, "one entry per variable"),
        ("x**2*y**2", {"prior_exponents": [0, -1]}, "prior_exponents[1] must be a non-negative integer, got -1"),
        ("x**2", {"at": [1, 2]}, "one coordinate per variable"),
        ("x**2", {"at": [1]}, "does not vanish at at = [1]"),
        ("x**2*y**2", {"variables": ["x"]}, "K uses y"),
        ([], {}, "empty"),
    ],
)
def test_bad_input(K, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        newton_rlct(K, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("K", "lam", "m"),
    [("x**2 + y**4", sympy.Rational(3, 4), 1), ("x**2*y**2 + x**6 + y**6", sympy.Rational(1, 2), 2)],
)
def test_newton_value_is_the_slope_of_the_exact_free_energy(K, lam, m):
    # a second method: λ_eff(n) = dF/d log n of the exact free energy approaches λ − (m−1)/log n
    from theory import polynomial_thermodynamics

    analysis = newton_rlct(K)
    assert (analysis.coefficient.lam, analysis.coefficient.multiplicity) == (lam, m)
    n = 10**8
    point = polynomial_thermodynamics(K, n, box=(-1, 1), dps=8)
    prediction = float(lam) - (m - 1) / math.log(n)
    assert abs(float(point.lambda_eff) - prediction) < 0.02
