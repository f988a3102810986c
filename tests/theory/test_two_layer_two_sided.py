"""V(ε) with two inputs, hidden ≥ 2 and a non-zero target (theory.two_layer.two_sided): the conditional law given
the Wishart spectrum against closed forms and a second inversion method, and λ. V itself is checked against Monte
Carlo by bench/validate_two_layer_volume.py (rank two, about 2.5 minutes; rank one, 7–14 minutes)."""

import mpmath
import numpy as np
import pytest

from theory import reduced_rank_for_target, two_layer_volume
from theory.special.noncentral_chi2 import poisson_gamma_mixture
from theory.two_layer.two_sided import _conditional

SIGMA, DELTA = mpmath.mpf("0.625"), mpmath.mpf("0.375")  # target diag(1, 0.5): (s1² ± s2²)/2


@pytest.mark.parametrize(
    "eps, a, outputs",
    [("0.3", "0.0039", 2), ("0.01", "0.002", 2), ("0.05", "1e-4", 3), ("0.3", "1", 2), ("0.01", "10", 2), ("5", "0.01", 2), ("5", "1", 4), ("50", "3", 3)],
)
def test_conditional_law_at_equal_eigenvalues_is_a_noncentral_chi_square(eps, a, outputs):
    """At l1 = l2 the φ-average is trivial and 2K/(v·l) ~ χ'²_2N(‖M‖²/(v·l)): its Poisson mixture, from a column
    far narrower than the ball (F down to 10⁻¹¹⁰, where Talbot's contour fails) to F ≈ 1 (1 − F summed)."""
    with mpmath.workdps(25):
        eps, a = mpmath.mpf(eps), mpmath.mpf(a)
        cdf, density = _conditional(eps, a, a, SIGMA, DELTA, mpmath.mpf(outputs) / 2, 20, "test")
        ref_cdf, ref_density = poisson_gamma_mixture(2 * SIGMA / (2 * a), mpmath.mpf(outputs), eps / a)
        assert abs(cdf - ref_cdf) <= mpmath.mpf(10) ** -19 * ref_cdf
        assert abs(density - ref_density / a) <= mpmath.mpf(10) ** -19 * ref_density / a


@pytest.mark.parametrize("eps, a1, a2", [("0.3", "2", "0.5"), ("0.1", "1", "0.3"), ("1", "3", "0.2")])
def test_conditional_law_against_talbot_where_both_columns_are_wide(eps, a1, a2):
    """Distinct eigenvalues (the I_0 average over φ matters): mpmath's Talbot inversion of the same closed-form
    transform, valid where no column is narrower than the ball."""
    with mpmath.workdps(25):
        eps, a1, a2 = mpmath.mpf(eps), mpmath.mpf(a1), mpmath.mpf(a2)

        def transform(n):
            d1, d2 = 1 + n * a1, 1 + n * a2
            return (d1 * d2) ** -1 * mpmath.exp(-n * SIGMA * (1 / d1 + 1 / d2) / 2) * mpmath.besseli(0, n * DELTA * (1 / d2 - 1 / d1) / 2)

        cdf, density = _conditional(eps, a1, a2, SIGMA, DELTA, mpmath.mpf(1), 20, "test")
        assert abs(cdf - mpmath.invertlaplace(lambda n: transform(n) / n, eps, method="talbot")) < mpmath.mpf(10) ** -17 * cdf
        assert abs(density - mpmath.invertlaplace(transform, eps, method="talbot")) < mpmath.mpf(10) ** -17 * density


@pytest.mark.parametrize("a1, a2", [("1.5", "0.02"), ("0.8", "0.005"), ("3", "0.1")])
def test_conditional_law_against_convolution_of_noncentral_chi_squares(a1, a2):
    """Distinct eigenvalues with a narrow column, for diag(1, 0.8) at ε = 0.3: given φ, 2K = a1·X1 + a2·X2 with
    X_j ~ χ'²_2(‖m_j‖²/a_j), convolved with scipy's non-central χ² laws and averaged over φ by quadrature."""
    from scipy import integrate, stats

    eps, sigma, delta = 0.3, 0.82, 0.18

    def per_angle(phi):
        w1, w2 = sigma + delta * np.cos(2 * phi), sigma - delta * np.cos(2 * phi)

        def integrand(x):
            return stats.ncx2.pdf(x, 2, w2 / float(a2)) * stats.ncx2.cdf((2 * eps - float(a2) * x) / float(a1), 2, w1 / float(a1))

        return integrate.quad(integrand, 0, 2 * eps / float(a2), epsabs=0, epsrel=1e-11, limit=500, points=[w2 / float(a2)])[0]

    reference = integrate.quad(per_angle, 0, np.pi / 2, epsabs=0, epsrel=1e-10, limit=200)[0] / (np.pi / 2)
    with mpmath.workdps(20):
        cdf, _ = _conditional(mpmath.mpf(eps), mpmath.mpf(a1), mpmath.mpf(a2), mpmath.mpf("0.82"), mpmath.mpf("0.18"), mpmath.mpf(1), 15, "test")
    assert abs(float(cdf) - reference) < 1e-12 * reference


@pytest.mark.slow
def test_exponent_tends_to_the_regular_lambda():
    """A rank-2 target on 2 → 2 → 3 is reachable and the minimum set is smooth: λ = N_out = 3 (Aoyagi & Watanabe),
    approached as ε → 0."""
    lam = reduced_rank_for_target(2, 3, 2, [1, 0.8])[0].lam
    point = two_layer_volume("1e-5", inputs=2, hidden=2, outputs=3, singular_value=["1", "0.8"], dps=5)
    assert abs(point.exponent - lam) < 1e-3  # 3.0000076 at ε = 10⁻⁵


def test_larger_sizes_are_refused():
    """Outside the stated range (a side of 2) a one-line ValueError says what is covered."""
    for inputs, hidden, outputs, values in [(3, 2, 3, ["0.5", "0.3"]), (3, 3, 3, ["0.5"])]:
        with pytest.raises(ValueError, match="inputs ≤ 2 or outputs ≤ 2"):
            two_layer_volume("0.01", inputs=inputs, hidden=hidden, outputs=outputs, singular_value=values)
