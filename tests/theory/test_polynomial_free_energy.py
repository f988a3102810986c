"""Exact thermodynamics of polynomial losses against closed forms and an independent 1-D reduction."""

import mpmath
import pytest

from theory import polynomial_thermodynamics


@pytest.mark.parametrize("n", [1, 10**4, 10**12])
def test_regular_gaussian_model_in_closed_form(n):
    # K = x²/2, prior N(0, 1): Z = (1 + n)^(−1/2), λ_eff = ½ n/(1 + n), C = ½ (n/(1 + n))²
    point = polynomial_thermodynamics("x**2/2", n, prior_var=1, dps=30)
    with mpmath.workdps(40):
        q = mpmath.mpf(n) / (1 + n)
        assert abs(point.free_energy - mpmath.log(1 + mpmath.mpf(n)) / 2) < mpmath.mpf(10) ** -28
        assert abs(point.lambda_eff - q / 2) < mpmath.mpf(10) ** -28
        assert abs(point.heat_capacity - q * q / 2) < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("power", [4, 6])
def test_one_dimensional_monomials_reach_their_learning_coefficient(power):
    # on [−1, 1], Z = ∫ e^(−n x^p) dx/2 = Γ(1 + 1/p) n^(−1/p) up to e^(−n): λ_eff = C = 1/p at large n
    point = polynomial_thermodynamics(f"x**{power}", 10**6, box=(-1, 1), dps=25)
    with mpmath.workdps(30):
        lam = mpmath.mpf(1) / power
        exact_f = -mpmath.log(mpmath.gamma(1 + lam) * mpmath.mpf(10) ** (-6 * lam))
        assert abs(point.free_energy - exact_f) < mpmath.mpf(10) ** -22
        assert abs(point.lambda_eff - lam) < mpmath.mpf(10) ** -22 and abs(point.heat_capacity - lam) < mpmath.mpf(10) ** -22


def test_two_dimensional_monomial_against_a_one_dimensional_reduction():
    # K = x²y² on [−1, 1]²: integrating y exactly, Z = ¼ ∫ √π erf(√n |x|)/(√n |x|) dx over [−1, 1]
    n = mpmath.mpf(100)
    point = polynomial_thermodynamics("x**2*y**2", n, box=(-1, 1), dps=8)
    with mpmath.workdps(20):
        inner = lambda x: mpmath.sqrt(mpmath.pi) * mpmath.erf(mpmath.sqrt(n) * x) / (mpmath.sqrt(n) * x) if x else 2
        z = mpmath.quad(inner, [0, 0.01, 0.1, 1]) / 2
        assert abs(point.free_energy + mpmath.log(z)) < 1e-7


def test_heat_capacity_identity():
    n, h = mpmath.mpf(50), mpmath.mpf("1e-5")
    lo, mid, hi = (polynomial_thermodynamics("x**4 + x**2/10", n * mpmath.exp(k * h), box=(-1, 2), dps=20) for k in (-1, 0, 1))
    with mpmath.workdps(20):
        slope = (hi.lambda_eff - lo.lambda_eff) / (2 * h)
        assert abs(mid.heat_capacity - (mid.lambda_eff - slope)) < 1e-8 and mid.heat_capacity > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one prior"),
        ({"box": (-1, 1), "prior_var": 1}, "exactly one prior"),
        ({"box": (1, -1)}, "is empty"),
        ({"box": [(-1, 1), (0, 1)]}, "one per variable"),
        ({"prior_var": -1}, "prior_var must be positive"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        polynomial_thermodynamics("x**2", 10, **kwargs)


def test_too_many_variables():
    with pytest.raises(ValueError, match="d ≤ 3"):
        polynomial_thermodynamics("a**2 + b**2 + c**2 + d**2", 10, box=(-1, 1))
