import mpmath
import pytest

from theory.quadrature.gauss_legendre import cumulative_weights, gauss_legendre


def test_gauss_legendre_rules_of_any_size_against_mpmath_and_exactness():
    # the 24-node rule equals mpmath's; the 32-node rule integrates x^62 exactly and not x^64
    with mpmath.workdps(40):
        ours = gauss_legendre(24, mpmath.mp.prec)
        theirs = mpmath.calculus.quadrature.GaussLegendre(mpmath.mp).calc_nodes(4, mpmath.mp.prec)
        for (x, w), (u, v) in zip(sorted(ours), sorted(theirs)):
            assert abs(x - u) < mpmath.mpf(10) ** -38 and abs(w - v) < mpmath.mpf(10) ** -38
        rule = gauss_legendre(32, mpmath.mp.prec)
        assert abs(mpmath.fsum(w * x**62 for x, w in rule) - mpmath.mpf(2) / 63) < mpmath.mpf(10) ** -38
        assert abs(mpmath.fsum(w * x**64 for x, w in rule) - mpmath.mpf(2) / 65) > mpmath.mpf(10) ** -20


@pytest.mark.parametrize("count", [12, 24, 32])
def test_cumulative_weights_integrate_polynomials_exactly_and_analytic_functions_spectrally(count):
    """∫_(−1)^(x_k) t^(count−1) = (x_k^count − (−1)^count)/count at every node (degree count − 1 is exact), and
    ∫_(−1)^(x_k) e^t cos 3t against its antiderivative to the accuracy of interpolation at the nodes (about half
    the digits the rule gets for the whole interval)."""
    with mpmath.workdps(40):
        rule, matrix = gauss_legendre(count, mpmath.mp.prec), cumulative_weights(count, mpmath.mp.prec)
        d = count - 1
        f = lambda t: mpmath.exp(t) * mpmath.cos(3 * t)  # noqa: E731
        antiderivative = lambda t: mpmath.exp(t) * (mpmath.cos(3 * t) + 3 * mpmath.sin(3 * t)) / 10  # noqa: E731
        tolerance = {12: 1e-7, 24: 1e-20, 32: 1e-30}[count]
        for (x_k, _), row in zip(rule, matrix):
            exact = (x_k ** (d + 1) - (-1) ** (d + 1)) / (d + 1)
            assert abs(mpmath.fsum(s * x**d for s, (x, _) in zip(row, rule)) - exact) < mpmath.mpf(10) ** -36
            smooth = mpmath.fsum(s * f(x) for s, (x, _) in zip(row, rule))
            assert abs(smooth - (antiderivative(x_k) - antiderivative(-1))) < tolerance
