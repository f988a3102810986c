"""K = x²·g(y) with Gaussian priors: closed forms and a second method (nested float quadrature)."""

import mpmath
import numpy as np
import pytest
from scipy import integrate

from theory import fibred_quadratic_thermodynamics


def test_constant_g_is_a_regular_one_dimensional_model():
    """g = c: Z = (1 + 2nc)^(−1/2), λ_eff = nc/(1 + 2nc), C = 2(nc/(1 + 2nc))² (a Gaussian)."""
    point = fibred_quadratic_thermodynamics("3", 1000, dps=25)
    with mpmath.workdps(40):
        q = mpmath.mpf(3000) / (1 + 6000)
        assert abs(point.free_energy - mpmath.log(1 + 6000) / 2) < mpmath.mpf(10) ** -23
        assert abs(point.lambda_eff - q) < mpmath.mpf(10) ** -23
        assert abs(point.heat_capacity - 2 * q**2) < mpmath.mpf(10) ** -23
    assert point.digits == 25


def test_against_nested_float_quadrature():
    n = 30.0
    weight = lambda x, y: np.exp(-n * x * x * (y * y + 0.01) - (x * x + y * y) / 2) / (2 * np.pi)
    nested = lambda f: integrate.dblquad(lambda x, y: f(x, y), -np.inf, np.inf, -np.inf, np.inf, epsabs=0, epsrel=1e-11)[0]
    z = nested(weight)
    e = nested(lambda x, y: x * x * (y * y + 0.01) * weight(x, y)) / z
    point = fibred_quadratic_thermodynamics("y**2 + 1/100", n, dps=15)
    assert float(point.free_energy) == pytest.approx(-np.log(z), rel=1e-8)
    assert float(point.lambda_eff) == pytest.approx(n * e, rel=1e-7)


@pytest.mark.parametrize("g, message", [("y**3", "negative"), ("-1", "negative"), ("x + y", "y alone"), ("y**", "cannot read")])
def test_bad_g(g, message):
    with pytest.raises(ValueError, match=message):
        fibred_quadratic_thermodynamics(g, 10, dps=10)


def test_volume_of_a_constant_fibre_is_an_error_function():
    """g = c: V(ε) = erf(√(ε/2c)), exponent = ε·V'/V with V' = e^(−ε/2c)/√(2πεc)."""
    from theory import fibred_quadratic_volume

    point = fibred_quadratic_volume("3", "1e-2", dps=20)
    with mpmath.workdps(40):
        eps = mpmath.mpf("1e-2")
        volume = mpmath.erf(mpmath.sqrt(eps / 6))
        exponent = eps * mpmath.exp(-eps / 6) / mpmath.sqrt(2 * mpmath.pi * eps * 3) / volume
        assert abs(point.volume - volume) < mpmath.mpf(10) ** -21
        assert abs(point.exponent - exponent) < mpmath.mpf(10) ** -19


def test_volume_against_monte_carlo_and_the_scaling_exponent():
    from theory import fibred_quadratic_volume

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 2_000_000))
    hits = (x * x * (y * y + 0.01) < 0.01).mean()
    point = fibred_quadratic_volume("y**2 + 1/100", "0.01", dps=12)
    assert abs(float(point.volume) - hits) < 4 * np.sqrt(hits * (1 - hits) / x.size)
    # x²y² (λ = 1/2, m = 2): V ~ c·ε^(1/2)·log(1/ε), so the exponent is ≈ 1/2 − 1/log(1/ε) as ε → 0
    deep = fibred_quadratic_volume("y**2", "1e-12", dps=12)
    assert abs(float(deep.exponent) - (0.5 - 1 / np.log(1e12))) < 0.01
    assert float(fibred_quadratic_volume("y**2 + 1/100", "1e-12", dps=12).exponent) == pytest.approx(0.5, abs=1e-6)
