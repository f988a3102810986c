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
