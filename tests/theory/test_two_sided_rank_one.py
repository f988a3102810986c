"""The law of K given the 2×2 Wishart spectrum for a rank-one target (theory.two_layer.two_sided_rank_one) against the
saddle-point Bromwich integral where both apply, against scipy's non-central χ² laws where a column is narrow and
against the Poisson mixture at equal eigenvalues (V(ε) against Monte Carlo: test_two_layer_two_sided)."""

import mpmath
import numpy as np
import pytest

from theory.quadrature.gauss_legendre import gauss_legendre
from theory.special.noncentral_chi2 import poisson_gamma_mixture
from theory.two_layer.two_sided import _conditional
from theory.two_layer.two_sided_rank_one import rank_one_conditional


@pytest.mark.parametrize("eps, a1, a2, others", [("0.3", "1", "0.1", 2), ("0.2", "0.5", "0.03", 3), ("0.45", "2", "0.05", 2)])
def test_agrees_with_the_bromwich_integral_where_the_column_is_not_narrow(eps, a1, a2, others):
    """Two unrelated methods on the same law: real quadrature over (p, θ, ζ) and the inversion of the closed-form
    angle-averaged transform on a parabola (theory.two_layer.two_sided), at s = 1."""
    with mpmath.workdps(20):
        eps, a1, a2 = mpmath.mpf(eps), mpmath.mpf(a1), mpmath.mpf(a2)
        half = mpmath.mpf(1) / 2
        reference = _conditional(eps, a1, a2, half, half, mpmath.mpf(others) / 2, 20, "test")
        values = rank_one_conditional(eps, a1, a2, mpmath.mpf(1), others, gauss_legendre(16, mpmath.mp.prec + 20))
        for value, expected in zip(values, reference):
            assert abs(value - expected) < mpmath.mpf(10) ** -12 * expected


@pytest.mark.slow
@pytest.mark.parametrize("a1, a2", [("1", "1e-4"), ("0.3", "1e-6")])
def test_agrees_with_convolved_noncentral_chi_squares_where_a_column_is_narrow(a1, a2):
    """Given θ, 2K = a1·X1 + a2·X2 with X_j ~ χ'²_2 of non-centralities s²cos²θ/a1 and s²sin²θ/a2: scipy's laws
    convolved and averaged over θ by adaptive quadrature, where the Bromwich integral needs ~10⁴ nodes (~90 s:
    scipy's quadrature of the narrow law out to 40 standard deviations)."""
    from scipy import integrate, stats

    eps, a1f, a2f = 0.3, float(a1), float(a2)

    def per_angle(theta):
        w1, w2 = np.cos(theta) ** 2, np.sin(theta) ** 2
        mean, sd = 2 + w2 / a2f, np.sqrt(4 + 4 * w2 / a2f)  # of the narrow χ'²_2; its far lower tail matters

        def integrand(x):
            return stats.ncx2.pdf(x, 2, w2 / a2f) * stats.ncx2.cdf((2 * eps - a2f * x) / a1f, 2, w1 / a1f)

        low, high = max(0.0, mean - 40 * sd), min(2 * eps / a2f, mean + 40 * sd)
        points = [x for x in (mean - 10 * sd, mean - 5 * sd, mean - 3 * sd, mean, mean + 3 * sd) if low < x < high]
        return integrate.quad(integrand, low, high, epsabs=0, epsrel=1e-13, limit=1000, points=points)[0] if low < high else 0.0

    edge = np.arcsin(np.sqrt(2 * eps))  # beyond it the narrow column alone exceeds the level
    corners = [0, edge - 0.05, edge, edge + 0.05, np.pi / 2]
    reference = sum(integrate.quad(per_angle, lo, hi, epsabs=1e-17, epsrel=1e-12, limit=400)[0] for lo, hi in zip(corners, corners[1:]))
    reference /= np.pi / 2
    with mpmath.workdps(20):
        cdf, _ = rank_one_conditional(mpmath.mpf("0.3"), mpmath.mpf(a1), mpmath.mpf(a2), mpmath.mpf(1), 2, gauss_legendre(16, mpmath.mp.prec + 20))
    assert abs(float(cdf) - reference) < 1e-11 * reference


def test_both_columns_equal_is_a_noncentral_chi_square():
    """At a1 = a2 = a the angle drops out: 2K/a ~ χ'²_2N(s²/a), a Poisson mixture of Gamma laws."""
    with mpmath.workdps(20):
        eps, a, others = mpmath.mpf("0.3"), mpmath.mpf("0.02"), 3
        cdf, density = rank_one_conditional(eps, a, a, mpmath.mpf(1), others, gauss_legendre(16, mpmath.mp.prec + 20))
        ref_cdf, ref_density = poisson_gamma_mixture(1 / (2 * a), mpmath.mpf(others), eps / a)
        assert abs(cdf - ref_cdf) < mpmath.mpf(10) ** -12 * ref_cdf
        assert abs(density - ref_density / a) < mpmath.mpf(10) ** -12 * ref_density / a
