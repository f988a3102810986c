"""Exact thermodynamics of polynomial losses against closed forms and an independent 1-D reduction."""

import gmpy2
import mpmath
import pytest

from theory import polynomial_thermodynamics
from theory.polynomial import free_energy as polynomial_free_energy
from theory.polynomial import loss as polynomial
from theory.quadrature.gauss_legendre import gauss_legendre


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


@pytest.mark.parametrize(("n", "closed_form"), [(100, True), (10**8, True), (10**4, False)])
def test_two_dimensional_monomial_at_30_digits_against_a_one_dimensional_reduction(n, closed_form, monkeypatch):
    # K = x²y² on [−1, 1]²: integrating y exactly with a = n x², ∫ e^(−a y²) dy = √π erf(√a)/√a and
    # ∫ a y² e^(−a y²) dy = √π erf(√a)/(2√a) − e^(−a) over [−1, 1]; the x-integrals by mpmath.quad.
    # The inner integral is quadratic, taken in closed form; without it, by the level-graded quadrature.
    if not closed_form:
        monkeypatch.setattr(polynomial_free_energy, "_quadratic_moments", lambda *args: None)
    point = polynomial_thermodynamics("x**2*y**2", n, box=(-1, 1), dps=30)
    with mpmath.workdps(45):
        size = mpmath.mpf(n)

        def inner(x, moment):
            a = size * x * x
            gauss = mpmath.sqrt(mpmath.pi) * mpmath.erf(mpmath.sqrt(a)) / mpmath.sqrt(a)
            return gauss if moment == 0 else gauss / 2 - mpmath.exp(-a)

        cuts = [0] + [mpmath.mpf(2) ** -k / mpmath.sqrt(size) for k in range(-30, 4)[::-1] if 2.0**-k < size**0.5] + [1]
        j0, j1 = (mpmath.quad(lambda x: inner(x, m), cuts) for m in (0, 1))
        assert abs(point.free_energy + mpmath.log(j0 / 2)) < mpmath.mpf(10) ** -29
        assert abs(point.lambda_eff - j1 / j0) < mpmath.mpf(10) ** -29


def test_a_polynomial_whose_valley_meets_the_box_corners_in_closed_form():
    # K = (x − y)² on [−1, 1]²: u = x − y has density (2 − |u|)/4 on [−2, 2], so
    # Z = ½ ∫_0^2 e^(−n u²)(2 − u) du = ½ [√π erf(2√n)/√n − (1 − e^(−4n))/(2n)]; λ_eff = n·E[u²] by 1-D quadrature.
    # Its valley reaches the box edges at x = ±1, and its expanded form cancels ~log10 n digits.
    n = 10**6
    point = polynomial_thermodynamics("(x - y)**2", n, box=(-1, 1), dps=25)
    with mpmath.workdps(45):
        size = mpmath.mpf(n)
        z = (mpmath.sqrt(mpmath.pi) * mpmath.erf(2 * mpmath.sqrt(size)) / mpmath.sqrt(size) - (1 - mpmath.exp(-4 * size)) / (2 * size)) / 2
        cuts = [0] + [mpmath.mpf(2) ** k / mpmath.sqrt(size) for k in range(-4, 12)] + [2]
        j1 = mpmath.quad(lambda u: size * u * u * mpmath.exp(-size * u * u) * (2 - u), cuts) / 2
        assert abs(point.free_energy + mpmath.log(z)) < mpmath.mpf(10) ** -24
        assert abs(point.lambda_eff - j1 / z) < mpmath.mpf(10) ** -24


def _separable_reference(parts, n):
    """(F, λ_eff, C) of K = Σ_i x_i^(k_i) with x_i uniform on [−a_i, b_i]: with t = n x^k,
    ∫_0^L (n x^k)^j e^(−n x^k) dx = n^(−1/k) γ(j + 1/k, n L^k)/k, so the j-th moment of a factor is
    G_j = γ(j + 1/k, n a^k) + γ(j + 1/k, n b^k) (times n^(−1/k)/k); λ_k = G_1/G_0 and C_k = G_2/G_0 − λ_k², and
    Z, λ_eff and C are the product and sums over the factors."""
    size = mpmath.mpf(n)
    z, lam, heat = mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)
    for k, (low, high) in parts:
        a, ends = mpmath.mpf(1) / k, (-mpmath.mpf(low), mpmath.mpf(high))
        moment = [sum(mpmath.gammainc(j + a, 0, size * end**k) for end in ends) for j in range(3)]
        z *= a * size ** (-a) * moment[0] / (ends[0] + ends[1])
        lam += moment[1] / moment[0]
        heat += moment[2] / moment[0] - (moment[1] / moment[0]) ** 2
    return -mpmath.log(z), lam, heat


@pytest.mark.parametrize("quadrature", [False, True])
def test_a_separable_loss_against_incomplete_gamma_functions(quadrature, monkeypatch):
    # K = x² + y⁴ on [−1, 2] × [−1/2, 1]: x is moved innermost and integrated in closed form; with that
    # switched off the quartic in y goes through the level-graded quadrature.
    if quadrature:
        monkeypatch.setattr(polynomial_free_energy, "_quadratic_innermost", lambda loss, ranges: (loss, ranges))
    n = 10**4
    point = polynomial_thermodynamics("x**2 + y**4", n, box=[(-1, 2), ("-1/2", 1)], dps=30)
    with mpmath.workdps(45):
        exact = _separable_reference([(2, (-1, 2)), (4, (-mpmath.mpf(1) / 2, 1))], n)
        for value, reference in zip((point.free_energy, point.lambda_eff, point.heat_capacity), exact):
            assert abs(value - reference) < mpmath.mpf(10) ** -29


@pytest.mark.parametrize("n", [10**4, 10**8])
def test_an_isolated_minimum_off_the_zero_set_against_incomplete_gamma_functions(n):
    # K = (x − 3/10)⁴ + (y − 1/5)⁴ + 1/10 on [−1, 1]²: min K = 1/10, so no discriminant of K vanishes at the peak
    # of e^(−nK), x = 3/10, of width ~n^(−1/4); it is found as a critical point of K (∂_x K = ∂_y K = 0).
    # Shifted, the reference is x⁴ + y⁴ on [−13/10, 7/10] × [−6/5, 4/5], with n/10 added to F and λ_eff.
    point = polynomial_thermodynamics("(x - 3/10)**4 + (y - 1/5)**4 + 1/10", n, box=(-1, 1), dps=30)
    with mpmath.workdps(45):
        f, lam, heat = _separable_reference([(4, ("-1.3", "0.7")), (4, ("-1.2", "0.8"))], n)
        exact = (f + mpmath.mpf(n) / 10, lam + mpmath.mpf(n) / 10, heat)
        for value, reference in zip((point.free_energy, point.lambda_eff, point.heat_capacity), exact):
            assert abs(value / reference - 1) < mpmath.mpf(10) ** -29


def test_two_isolated_minima_of_a_loss_with_negative_values_count_twice():
    # K = x³y + y⁴ + x⁶ = K(−x, −y) has two minima, ±(2^(−5/6), −2^(−3/2)) ≈ ±(0.561, −0.354), K = −1/64 there:
    # no zero of K, so only the critical-point feature (resultant of ∂_x K and ∂_y K) places a cut at them.
    # x ∈ [−1, 2], y ∈ [−1/2, 1] holds both; with the variables swapped, x ∈ [−1/2, 1], y ∈ [−1, 2] holds one.
    # The boxes have the same area, so at n = 10⁹ (peaks of width ~3e-5) F differs by log 2 to 25 digits.
    both = polynomial_thermodynamics("x**3*y + y**4 + x**6", "1e9", box=[(-1, 2), ("-1/2", 1)], dps=25)
    one = polynomial_thermodynamics("x**3*y + y**4 + x**6", "1e9", box=[(-1, 2), ("-1/2", 1)], variables=["y", "x"], dps=25)
    with mpmath.workdps(40):
        assert abs(one.free_energy - both.free_energy - mpmath.log(2)) < mpmath.mpf(10) ** -16
        assert abs(one.lambda_eff - both.lambda_eff) < mpmath.mpf(10) ** -16


@pytest.mark.parametrize("n", [10**2, 10**12])
def test_an_even_loss_on_a_symmetric_box_folded_in_both_variables(n):
    # K = x⁴ + y⁶ on [−1, 1]²: even in both variables, so both integrals run over [0, 1] and are doubled,
    # through the level-graded quadrature in y (no variable is quadratic)
    point = polynomial_thermodynamics("x**4 + y**6", n, box=(-1, 1), dps=30)
    with mpmath.workdps(45):
        exact = _separable_reference([(4, (-1, 1)), (6, (-1, 1))], n)
        for value, reference in zip((point.free_energy, point.lambda_eff, point.heat_capacity), exact):
            assert abs(value - reference) < mpmath.mpf(10) ** -29 * max(1, abs(reference))


def test_three_variables_against_the_product_of_one_dimensional_integrals():
    # K = x² + y² + z² on [−1, 1]³: Z = (√π erf(√n)/(2√n))³ and λ_eff = 3 γ(3/2, n)/γ(1/2, n)
    n = 10
    point = polynomial_thermodynamics("x**2 + y**2 + z**2", n, box=(-1, 1), dps=10)
    with mpmath.workdps(30):
        size = mpmath.mpf(n)
        z = (mpmath.sqrt(mpmath.pi) * mpmath.erf(mpmath.sqrt(size)) / (2 * mpmath.sqrt(size))) ** 3
        lam = 3 * mpmath.gammainc(mpmath.mpf(3) / 2, 0, size) / mpmath.gammainc(mpmath.mpf(1) / 2, 0, size)
        assert abs(point.free_energy + mpmath.log(z)) < 1e-9 * abs(mpmath.log(z))
        assert abs(point.lambda_eff - lam) < 1e-9 * lam


def test_a_cusp_agrees_with_the_other_order_of_integration():
    # (y² − x³)²: with y inside, the inner minima merge at x = 0 and a barrier e^(−n x⁶) separates them;
    # with x inside, the inner minimum sits at a cube root. Two different quadratures of one integral.
    one = polynomial_thermodynamics("(y**2 - x**3)**2", 10**4, box=(-1, 1), variables=["x", "y"], dps=20)
    other = polynomial_thermodynamics("(y**2 - x**3)**2", 10**4, box=(-1, 1), variables=["y", "x"], dps=20)
    for a, b in [(one.free_energy, other.free_energy), (one.lambda_eff, other.lambda_eff), (one.heat_capacity, other.heat_capacity)]:
        assert abs(a - b) < mpmath.mpf(10) ** -19 * abs(b)


@pytest.mark.parametrize(
    ("label", "coefficients", "low"),
    [
        ("y", [0, 1], 0),  # an edge where p' ≠ 0: the linear ladder
        ("y²", [0, 0, 1], 0),
        ("y⁴", [0, 0, 0, 0, 1], 0),
        ("y⁸", [0, 0, 0, 0, 0, 0, 0, 0, 1], 0),
        ("y⁶ + 1e-4 y²", [0, 0, "1e-4", 0, 0, 0, 1], 0),  # the order changes from 2 to 6 along the ladder
        ("y⁴ + 0.15 y + 0.0114", ["0.011390625", "0.15", 0, 0, 1], -1),  # q bends below order 2 past the minimum
    ],
)
@pytest.mark.parametrize("n", [10, 10**6])
def test_the_level_ladder_integrates_to_34_digits_with_24_nodes(label, coefficients, low, n):
    # ∫ e^(−n·p(y)) dy over [low, 1] on the ladder's intervals with the 24-node rule, against mpmath.quad on the
    # same intervals at 60 digits (tanh–sinh: a different method)
    with mpmath.workdps(60), gmpy2.context(precision=mpmath.mp.prec):
        p = [polynomial_free_energy._to_mpfr(n * mpmath.mpf(c)) for c in coefficients]
        stations, values = polynomial_free_energy._stations(p, gmpy2.mpfr(low), gmpy2.mpfr(1))
        intervals = polynomial_free_energy._inner_intervals(p, stations, values, (stations[0], stations[-1]), 200, float(min(values)))
        f = lambda y: mpmath.exp(-polynomial_free_energy._to_mpf(polynomial.horner(p, polynomial_free_energy._to_mpfr(y))))
        rule = gauss_legendre(24, mpmath.mp.prec)
        ours = reference = mpmath.mpf(0)
        for a, b in intervals:
            a, b = polynomial_free_energy._to_mpf(a), polynomial_free_energy._to_mpf(b)
            ours += (b - a) / 2 * mpmath.fsum(w * f((a + b) / 2 + (b - a) / 2 * x) for x, w in rule)
            reference += mpmath.quad(f, [a, b])
        assert abs(ours / reference - 1) < mpmath.mpf(10) ** -34, label


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


@pytest.mark.parametrize("n", ["1e2", "1e8", "1e12"])
def test_a_loss_with_a_positive_minimum_matches_its_closed_form(n):
    """K = x² − x + 1 = (x − ½)² + ¾ on [−1, 1]: Z = e^(−3n/4)·√(π/n)·(erf(3√n/2) + erf(√n/2))/4, so
    F = 3n/4 − log(…), λ_eff = 3n/4 + n·E[(x − ½)²] and C = Var[n(x − ½)²], from the truncated Gaussian's
    moments. n·min K reaches 7.5·10¹¹ here: e^(−nK) itself would underflow MPFR's exponent range."""
    point = polynomial_thermodynamics("x**2 - x + 1", n, box=(-1, 1), dps=15)
    with mpmath.workdps(40):
        size = mpmath.mpf(n)
        moments = [
            mpmath.quad(lambda x: (size * (x - mpmath.mpf(1) / 2) ** 2) ** j * mpmath.exp(-size * (x - mpmath.mpf(1) / 2) ** 2), [-1, mpmath.mpf(1) / 2, 1])
            for j in range(3)
        ]
        closed = mpmath.sqrt(mpmath.pi / size) * (mpmath.erf(3 * mpmath.sqrt(size) / 2) + mpmath.erf(mpmath.sqrt(size) / 2)) / 2
        assert abs(moments[0] / closed - 1) < 1e-30
        free_energy = 3 * size / 4 - mpmath.log(closed / 2)
        lam = 3 * size / 4 + moments[1] / moments[0]
        heat = moments[2] / moments[0] - (moments[1] / moments[0]) ** 2
    assert abs(point.free_energy / free_energy - 1) < 1e-14 and abs(point.lambda_eff / lam - 1) < 1e-14
    assert abs(point.heat_capacity / heat - 1) < 1e-13


def test_a_constant_added_to_the_loss_shifts_f_and_lambda_by_n_times_it():
    """K + 1/10 against K = x²y² at n = 10¹⁰ (where e^(−n/10) is far below MPFR's range): F and λ_eff move by
    n/10 exactly, C not at all."""
    n = mpmath.mpf("1e10")
    base = polynomial_thermodynamics("x**2*y**2", "1e10", box=(-1, 1), dps=12)
    shifted = polynomial_thermodynamics("x**2*y**2 + 1/10", "1e10", box=(-1, 1), dps=12)
    assert abs(shifted.free_energy - (base.free_energy + n / 10)) < 1e-12 * shifted.free_energy
    assert abs(shifted.lambda_eff - (base.lambda_eff + n / 10)) < 1e-12 * shifted.lambda_eff
    assert abs(shifted.heat_capacity - base.heat_capacity) < 1e-11 * base.heat_capacity
