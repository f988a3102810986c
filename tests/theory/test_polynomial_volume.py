"""V(ε) of polynomial losses against closed forms, the fibred-quadratic reduction and Monte Carlo."""

import mpmath
import numpy as np
import pytest

from theory import fibred_quadratic_volume, polynomial_volume


def _closed_forms(eps):
    """Uniform prior on [−1, 1]² (density 1/4), √ε ≤ 1:
    x² + y²: a disc, V = πε/4, exponent 1;
    x²y²: P(|x||y| < √ε) for |x|, |y| ~ U(0, 1) is √ε(1 − log √ε), exponent −log √ε / (2(1 − log √ε)) → ½;
    (x − y)²: a band |x − y| < √ε, V = 1 − (1 − √ε/2)² = √ε − ε/4, exponent (√ε/2 − ε/4)/V → ½."""
    root = mpmath.sqrt(eps)
    return {
        "x**2 + y**2": (mpmath.pi * eps / 4, mpmath.mpf(1)),
        "x**2*y**2": (root * (1 - mpmath.log(root)), -mpmath.log(root) / (2 * (1 - mpmath.log(root)))),
        "(x - y)**2": (root - eps / 4, (root / 2 - eps / 4) / (root - eps / 4)),
    }


@pytest.mark.parametrize("K", ["x**2 + y**2", "x**2*y**2", "(x - y)**2"])
@pytest.mark.parametrize("eps", ["0.01", "1e-8"])
def test_two_variables_on_a_box_match_closed_forms(K, eps):
    point = polynomial_volume(K, eps, box=(-1, 1), dps=15)
    with mpmath.workdps(30):
        volume, exponent = _closed_forms(mpmath.mpf(eps))[K]
        assert abs(point.volume - volume) < mpmath.mpf(10) ** -14 * volume
        assert abs(point.exponent - exponent) < mpmath.mpf(10) ** -13
    assert point.digits == 15


def test_one_variable_is_exact_from_roots():
    """x⁴ on [−1, 1]: V = ε^(1/4) and the exponent is exactly 1/4; x² with x ~ N(0, 2): V = erf(√ε/2)."""
    point = polynomial_volume("x**4", "1e-12", box=(-1, 1), dps=30)
    with mpmath.workdps(40):
        assert abs(point.volume - mpmath.mpf("1e-3")) < mpmath.mpf(10) ** -32
        assert abs(point.exponent - mpmath.mpf("0.25")) < mpmath.mpf(10) ** -29
    gauss = polynomial_volume("x**2", "0.5", prior_var=2, dps=20)  # P(|x| < √0.5), x ~ N(0, 2)
    with mpmath.workdps(30):
        assert abs(gauss.volume - mpmath.erf(mpmath.sqrt(mpmath.mpf("0.5")) / 2)) < mpmath.mpf(10) ** -19


@pytest.mark.parametrize(("g", "eps"), [("y**2", "1e-6"), ("y**2 + 1/100", "1e-4")])
def test_gaussian_prior_matches_the_fibred_quadratic_reduction(g, eps):
    """K = x²·g(y) with N(0, 1) priors: theory.fibred_quadratic_volume integrates the x-interval in closed form
    (an erf) and y by quadrature, the reverse order of the root-based method here."""
    point = polynomial_volume(f"x**2*({g})", eps, prior_var=1, dps=12)
    reference = fibred_quadratic_volume(g, eps, prior_var=1, dps=12)
    assert abs(point.volume - reference.volume) < 1e-11 * reference.volume
    assert abs(point.exponent - reference.exponent) < 1e-11


def test_a_generic_polynomial_on_an_asymmetric_box_agrees_with_monte_carlo():
    K, eps, box = "(y - x**2)**2 + x**2*y**4", 0.01, [(-1, 2), ("-1/2", 1)]
    point = polynomial_volume(K, str(eps), box=box, dps=10)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 2, 4_000_000), rng.uniform(-0.5, 1, 4_000_000)
    inside = (y - x**2) ** 2 + x**2 * y**4 < eps
    estimate, error = inside.mean(), inside.std() / np.sqrt(inside.size)
    assert abs(float(point.volume) - estimate) < 4 * error


def test_a_cusp_against_its_cube_root_integral():
    """(x² − y³)² < ε on [−1, 1]²: for each x, y lies between the real cube roots of x² ∓ √ε, so
    V = ¼∫ [min(∛(x² + √ε), 1) − ∛(x² − √ε)]⁺ dx, a 1-D integral of cube roots (x inner here, so the roots in
    the method are square roots ±√(y³ ± √ε); with y inner they move like cube roots and only ~5 digits are
    reached, which the precision contract reports)."""
    point = polynomial_volume("(x**2 - y**3)**2", "1e-6", box=(-1, 1), variables=["y", "x"], dps=8)
    with mpmath.workdps(20):
        root_eps = mpmath.mpf("1e-3")

        def cube_root(v):
            return mpmath.sign(v) * abs(v) ** (mpmath.mpf(1) / 3)

        def length(x):
            return max(min(cube_root(x * x + root_eps), 1) - cube_root(x * x - root_eps), 0)

        x0 = mpmath.sqrt(root_eps)
        reference = 2 * mpmath.quad(length, [0, x0 / 2, x0, 2 * x0, mpmath.mpf("0.3"), mpmath.sqrt(1 - root_eps), 1]) / 4
        assert abs(point.volume - reference) < 1e-8 * reference


def test_three_variables_on_a_box_match_closed_forms():
    """Uniform prior on [−1, 1]³: x² + y² + z² < ε is a ball, V = (4/3)π ε^(3/2)/8 with exponent 3/2
    (quadratic in z: roots in closed form; even in x and y: both folded). x²y²z²: for |x|, |y|, |z| ~ U(0, 1),
    −log|x| etc. are Exp(1), so P(|xyz| < t) = P(Gamma(3) > L) = t(1 + L + L²/2) with t = √ε, L = −log t, and
    the exponent is L²/(4(1 + L + L²/2)) → ½ (λ = ½, m = 3)."""
    ball = polynomial_volume("x**2 + y**2 + z**2", "0.01", box=(-1, 1), dps=8)
    monomial = polynomial_volume("x**2*y**2*z**2", "1e-4", box=(-1, 1), dps=8)
    with mpmath.workdps(30):
        eps = mpmath.mpf("0.01")
        assert abs(ball.volume - mpmath.pi * eps ** mpmath.mpf(1.5) / 6) < 1e-8 * ball.volume
        assert abs(ball.exponent - mpmath.mpf(1.5)) < 1e-8
        t = mpmath.mpf("1e-2")
        log = -mpmath.log(t)
        volume = t * (1 + log + log**2 / 2)
        assert abs(monomial.volume - volume) < 1e-8 * volume
        assert abs(monomial.exponent - log**2 / (4 * (1 + log + log**2 / 2))) < 1e-8


def test_three_variables_with_a_gaussian_prior_match_the_chi_square_distribution():
    """x² + y² + z² < ε with N(0, σ²) priors: V = P(χ²₃ < ε/σ²) = P(3/2, ε/(2σ²)) (regularised incomplete gamma),
    V'(ε) = ρ(u)/(2σ²) with ρ(u) = u^(1/2) e^(−u)/Γ(3/2), u = ε/(2σ²)."""
    point = polynomial_volume("x**2 + y**2 + z**2", "0.5", prior_var=2, dps=8)
    with mpmath.workdps(30):
        u = mpmath.mpf("0.5") / 4
        volume = mpmath.gammainc(mpmath.mpf(3) / 2, 0, u, regularized=True)
        density = mpmath.sqrt(u) * mpmath.exp(-u) / mpmath.gamma(mpmath.mpf(3) / 2) / 4
        assert abs(point.volume - volume) < 1e-8 * volume
        assert abs(point.exponent - mpmath.mpf("0.5") * density / volume) < 1e-8


@pytest.mark.slow
def test_a_generic_three_variable_polynomial_on_an_asymmetric_box_agrees_with_monte_carlo():
    """(x + yz)² + z⁴ on [−1, 2] × [−½, 1] × [−1, 1]: quartic in z (roots by polished companion eigenvalues),
    with breakpoints from discriminants of degree up to 12; only 3 digits pass the contract (31 s)."""
    K, eps = "(x + y*z)**2 + z**4", 0.05
    point = polynomial_volume(K, str(eps), box=[(-1, 2), ("-1/2", 1), (-1, 1)], dps=3)
    rng = np.random.default_rng(1)
    x, y, z = rng.uniform(-1, 2, 4_000_000), rng.uniform(-0.5, 1, 4_000_000), rng.uniform(-1, 1, 4_000_000)
    inside = (x + y * z) ** 2 + z**4 < eps
    estimate, error = inside.mean(), inside.std() / np.sqrt(inside.size)
    assert abs(float(point.volume) - estimate) < 4 * error + 1e-3 * estimate


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("w**2 + x**2 + y**2 + z**2", "0.1"), {"box": (-1, 1)}, "d ≤ 3"),
        (("x**2 + 1", "0.5"), {"box": (-1, 1)}, "zero prior mass"),
        (("x**2", "-1"), {"box": (-1, 1)}, "eps must be a finite positive"),
        (("x**2", "0.1"), {}, "exactly one prior"),
        (("x**2", "0.1"), {"box": (1, -1)}, "is empty"),
        (("(x**2 - 1)**2", "1"), {"box": (-2, 2)}, "critical value of K"),  # a double root at x = 0
    ],
)
def test_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        polynomial_volume(*args, **kwargs)
