"""The Bingham average by Talbot's contour rule against Kummer's function, Bessel functions and a brute-force
power series built from the Dirichlet moments of θ²; the scaled Bessel functions against mpmath; the law of
u = Σ λ_i θ_i² (its contour form) against the moments of u and Beta laws."""

from functools import lru_cache

import mpmath
import pytest
from mpmath.calculus.inverselaplace import FixedTalbot

from theory.quadrature.talbot import talbot_rule
from theory.special.bingham import bingham_moments, sphere_quadratic_expectation
from theory.two_layer.wishart import bessel_i012


def _equal_values_reference(beta, value, k, dim):
    """k equal non-zero λ: u = λ·ρ with ρ = θ_1² + … + θ_k² ~ Beta(k/2, (dim − k)/2), so
    E[e^(βu) u^j] = λ^j (k/2)_j/(dim/2)_j · 1F1(k/2 + j; dim/2 + j; βλ) (for k = dim, u = λ exactly)."""
    a, b = mpmath.mpf(k) / 2, mpmath.mpf(dim) / 2
    if k == dim:
        return [mpmath.exp(beta * value) * value**j for j in range(3)]
    return [value**j * mpmath.rf(a, j) / mpmath.rf(b, j) * mpmath.hyp1f1(a + j, b + j, beta * value) for j in range(3)]


@pytest.mark.parametrize(("k", "dim"), [(1, 3), (2, 3), (3, 3), (3, 5), (1, 1), (2, 6)])
@pytest.mark.parametrize("beta", ["1e-6", "0.3", "40", "1e8", "1e20"])
def test_equal_values_match_kummers_function(k, dim, beta):
    with mpmath.workdps(30):
        beta, value = mpmath.mpf(beta), mpmath.mpf("0.7")
        g, *moments = bingham_moments(beta, [value] * k, dim)
        for got, expected in zip(moments, _equal_values_reference(beta, value, k, dim)):
            assert abs(got * mpmath.exp(g) - expected) <= mpmath.mpf(10) ** -27 * abs(expected)


def _dirichlet_series(beta, values, dim, terms):
    """Σ_j β^j E[u^(j+i)]/j! with E[Π θ_l^(2a_l)] = Π (½)_(a_l) / (dim/2)_|a| (θ² is Dirichlet(½, …, ½) on the
    coordinates, the remaining ones summed out): a brute-force expansion, no contour and no special function."""

    @lru_cache(None)
    def weight(index, total):  # Σ over a_index + … = total of Π λ^a (½)_a / a!
        if index == len(values):
            return mpmath.mpf(1) if total == 0 else mpmath.mpf(0)
        half = mpmath.mpf(1) / 2
        return sum(values[index] ** a * mpmath.rf(half, a) / mpmath.factorial(a) * weight(index + 1, total - a) for a in range(total + 1))

    power = [weight(0, j) * mpmath.factorial(j) / mpmath.rf(mpmath.mpf(dim) / 2, j) for j in range(terms + 3)]
    return [sum(beta**j / mpmath.factorial(j) * power[j + i] for j in range(terms)) for i in range(3)]


@pytest.mark.parametrize(("values", "dim"), [(["0.9", "0.5", "0.2"], 3), (["0.9", "0.5"], 4), (["1", "0.6", "0.3", "0.1"], 6)])
@pytest.mark.parametrize("beta", ["2", "37"])
def test_distinct_values_match_the_dirichlet_moment_series(values, dim, beta):
    with mpmath.workdps(30):
        values = [mpmath.mpf(v) for v in values]
        g, *moments = bingham_moments(mpmath.mpf(beta), values, dim)
    with mpmath.workdps(60):
        series = _dirichlet_series(mpmath.mpf(beta), values, dim, terms=150)
        for got, expected in zip(moments, series):
            assert abs(got * mpmath.exp(g) - expected) <= mpmath.mpf(10) ** -27 * expected


def test_two_values_on_the_circle_match_the_bessel_form():
    """dim = 2: u = σ + δ cos 2φ, so E[e^(βu)] = e^(βσ) I_0(βδ) and E[e^(βu) u] = e^(βσ)(σ I_0 + δ I_1)."""
    with mpmath.workdps(30):
        beta, s1, s2 = mpmath.mpf(1000), mpmath.mpf("0.8"), mpmath.mpf("0.3")
        g, m0, m1, _ = bingham_moments(beta, [s1, s2], 2)
        sigma, delta = (s1 + s2) / 2, (s1 - s2) / 2
        i0, i1 = mpmath.besseli(0, beta * delta), mpmath.besseli(1, beta * delta)
        scale = mpmath.exp(beta * sigma - g)
        assert abs(m0 - scale * i0) <= mpmath.mpf(10) ** -27 * m0
        assert abs(m1 - scale * (sigma * i0 + delta * i1)) <= mpmath.mpf(10) ** -27 * m1


def test_talbot_weights_reproduce_mpmaths_time_domain_sum():
    """The weights formed once per precision give mpmath's own FixedTalbot sum for any Laplace-space values."""
    rule = talbot_rule(30)
    with mpmath.workdps(30):
        talbot = FixedTalbot(mpmath.mp)
        talbot.calc_laplace_parameter(1)
        values = [mpmath.mpc(mpmath.cos(k), mpmath.sin(3 * k)) / (k + 1) for k in range(talbot.degree)]
        expected = talbot.calc_time_domain_solution(values, 1)
    with mpmath.workdps(rule.dps_goal):
        got = sum(((w * v).real for w, v in zip(rule.weights, values)), mpmath.mpf(0))
    assert abs(got - expected) < mpmath.mpf(10) ** -28 * (1 + abs(expected))


def test_more_values_than_dimensions_is_an_error():
    with pytest.raises(ValueError, match="3 non-zero λ on the sphere S\\^1"):
        bingham_moments(mpmath.mpf(1), [mpmath.mpf(1)] * 3, 2)


@pytest.mark.parametrize("dps", [15, 30, 50])
@pytest.mark.parametrize("x", ["0", "1e-30", "0.5", "1", "10", "45", "60", "100", "1e3", "1e9", "1e20"])
def test_scaled_bessel_functions_match_mpmath(dps, x):
    """e^(−x)·I_ν(x), ν = 0, 1, 2, of the two-input paths (asymptotic series at large x) against mpmath's
    besseli at 30 more digits, on both sides of the switch to the asymptotic series."""
    with mpmath.workdps(dps):
        got = bessel_i012(mpmath.mpf(x))
    with mpmath.workdps(dps + 30):
        value = mpmath.mpf(x)
        for nu, approx in enumerate(got):
            exact = mpmath.besseli(nu, value) * mpmath.exp(-value)
            assert abs(approx - exact) <= mpmath.mpf(10) ** (1 - dps) * exact


def _power_moments(squares, dim):
    """E[u^j], j = 0, 1, 2, for u = Σ λ_i θ_i²: E[θ_i²] = 1/d, E[θ_i⁴] = 3/(d(d + 2)), E[θ_i²θ_j²] = 1/(d(d + 2))."""
    first, second = sum(squares), sum(s * s for s in squares)
    return [mpmath.mpf(1), first / dim, (2 * second + first * first) / (dim * (dim + 2))]


@pytest.mark.parametrize(
    ("squares", "dim"),
    [(["2"], 3), (["2", "1"], 3), (["2", "1", "0.5"], 3), (["1", "1", "0.3"], 3), (["1", "1"], 5), (["1.5", "1.5", "1.5", "0.2"], 4),
     (["3", "0.001"], 4), (["0.7", "0.7", "0.7"], 3)],
)  # fmt: skip
def test_sphere_quadratic_expectation_gives_the_moments_of_u(squares, dim):
    """Distinct, repeated and all-equal λ, with and without null directions: E[1], E[u], E[u²] in closed form."""
    with mpmath.workdps(30):
        squares = [mpmath.mpf(s) for s in squares]
        got = sphere_quadratic_expectation(lambda x: [1, x, x * x], 0, [0, 0, 0], squares, dim, 30)
        for value, expected in zip(got, _power_moments(squares, dim)):
            assert abs(value - expected) < 1e-26 * expected


@pytest.mark.parametrize("dim", [3, 4, 7])
def test_sphere_quadratic_expectation_gives_the_beta_law_of_one_coordinate(dim):
    """One λ = s: u = s·θ_1², θ_1² ~ Beta(½, (d − 1)/2), so P(u > c) = I_(1−c/s)((d − 1)/2, ½), and
    E[(u − c)_+^(3/2) √u] by direct quadrature of that density; two equal λ on S^4: P(u > c) = (1 − c/s)^(3/2)."""
    with mpmath.workdps(30):
        s, c = mpmath.mpf(2), mpmath.mpf("0.7")
        tail = mpmath.betainc(mpmath.mpf(dim - 1) / 2, mpmath.mpf(1) / 2, 0, 1 - c / s, regularized=True)
        density = lambda x: x ** -0.5 * (s - x) ** (mpmath.mpf(dim - 3) / 2) / (mpmath.beta(0.5, mpmath.mpf(dim - 1) / 2) * s ** (mpmath.mpf(dim - 2) / 2))  # noqa: E731
        moment = mpmath.quad(lambda x: (x - c) ** 1.5 * mpmath.sqrt(x) * density(x), [c, s])
        got = sphere_quadratic_expectation(lambda x: [1, mpmath.sqrt(x)], c, [0, mpmath.mpf(3) / 2], [s], dim, 30)
        assert abs(got[0] - tail) < 1e-26 and abs(got[1] - moment) < 1e-26 * moment
        pair = sphere_quadratic_expectation(lambda x: [1], c, [0], [s, s], 5, 30)[0]
        assert abs(pair - (1 - c / s) ** 1.5) < 1e-26


@pytest.mark.parametrize(("squares", "dim", "message"), [(["1"], 2, "d ≥ 3"), (["1", "1", "1", "1"], 3, "at most 3"), (["0"], 3, "non-zero")])
def test_sphere_quadratic_expectation_rejects_what_it_cannot_do(squares, dim, message):
    with pytest.raises(ValueError, match=message):
        sphere_quadratic_expectation(lambda x: [1], 0, [0], [mpmath.mpf(s) for s in squares], dim, 12)
