"""The zero-target Pfaffian path of the two-layer model against independent references: the radial (one-sided)
path, the 2×2 Wishart quadrature and reduction, Monte Carlo over every weight, the symmetry of Z in all three
sizes, the prior mean of K, and Aoyagi & Watanabe's λ; for Z(n) and for V(ε) (Laplace inversion)."""

import mpmath
import numpy as np
import pytest

from theory import reduced_rank, slt_lambda_eff, two_layer_thermodynamics, two_layer_volume
from theory.two_layer.pfaffian import _pfaffian, _thermodynamics, pfaffian_thermodynamics, zero_target_volume
from theory.two_layer.thermodynamics import _thermo_point
from theory.two_layer.wishart import wishart_moments


def test_pfaffian_by_elimination_against_its_expansion_and_the_determinant():
    """Pf of a 4×4 skew matrix is a₁₂a₃₄ − a₁₃a₂₄ + a₁₄a₂₃ (sign included, which √det cannot give), also for
    complex entries and when the first pivot must be swapped; Pf² = det for a random 6×6."""
    with mpmath.workdps(30):
        for upper in ([0, 2, 3, 5, 7, 11], [mpmath.mpc(1, 2), 3, mpmath.mpc(0, -1), 4, mpmath.mpc(2, 2), -5]):
            a12, a13, a14, a23, a24, a34 = upper
            matrix = [[0, a12, a13, a14], [-a12, 0, a23, a24], [-a13, -a23, 0, a34], [-a14, -a24, -a34, 0]]
            assert abs(_pfaffian(matrix) - (a12 * a34 - a13 * a24 + a14 * a23)) < 1e-25
        rng = np.random.default_rng(5)
        upper = np.triu(rng.standard_normal((6, 6)), 1)
        matrix = [[mpmath.mpf(float(v)) for v in row] for row in upper - upper.T]
        assert abs(_pfaffian(matrix) ** 2 - mpmath.det(mpmath.matrix(matrix))) < 1e-25


def _values(point):
    return point.free_energy, point.lambda_eff, point.heat_capacity


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(1, 3, 2), (3, 1, 4), (4, 1, 1)])
@pytest.mark.parametrize("n", ["10", "1e6"])
def test_one_row_pfaffian_equals_the_radial_integral(inputs, hidden, outputs, n):
    """p = 1 (the bordered 2×2 Pfaffian, Z = ∫ φ_0) against ``theory.two_layer``'s radial integral in r = ‖a‖ with
    tanh–sinh quadrature: a different variable, rule and normalisation (χ² instead of Muirhead's constant)."""
    radial = two_layer_thermodynamics(n, [0], inputs, hidden, outputs, dps=25)
    one = mpmath.mpf(1)
    pfaffian = pfaffian_thermodynamics(mpmath.mpf(n), 0, inputs, hidden, outputs, one, one, 25, n)
    for a, b in zip(_values(pfaffian), _values(radial)):
        assert abs(a - b) < mpmath.mpf(10) ** -23 * abs(b)


@pytest.mark.parametrize("n", ["1e-3", "10", "1e8", "1e16"])
def test_z_is_symmetric_in_all_three_sizes(n):
    """With M = 0, Z = E exp(−(n/2)‖BA‖²) is symmetric under transposition (N_in ↔ N_out) and under H ↔ N_in
    (det(I + γXᵀX)^(−a) = E_Y exp(−(γ/2)‖YXᵀ‖²) with Y Gaussian makes the Wishart's p the inner size). The three
    assignments of {3, 4, 5} give different Pfaffians: p = 3 with q, N_out = 4, 5 or 5, 4 (odd, bordered) and p = 4,
    q = 5, N_out = 3 (even)."""
    with mpmath.workdps(40):
        gamma = mpmath.mpf(n)
        triples = [_thermodynamics(p, q, no, gamma, False, 30) for p, q, no in [(3, 4, 5), (3, 5, 4), (4, 5, 3)]]
        for other in triples[1:]:
            for a, b in zip(other, triples[0]):
                assert abs(a - b) < mpmath.mpf(10) ** -32 * abs(b)


def test_prior_mean_of_the_loss_fixes_the_normalising_constant():
    """As n → 0, F(n)/n and λ_eff(n)/n → E_prior[K] = ½·N_in·H·N_out·s_a·s_b: checks Muirhead's constant c_(p,q)
    (closed form) against the quadrature of the Pfaffian at γ → 0, with unequal prior variances."""
    n = mpmath.mpf("1e-12")
    point = two_layer_thermodynamics(n, [0], 3, 4, 5, prior_var=("0.5", "2"), dps=20)
    expected = mpmath.mpf(3 * 4 * 5) / 2 * mpmath.mpf("0.5") * 2
    with mpmath.workdps(20):
        assert abs(point.free_energy / n - expected) < 1e-10 * expected
        assert abs(point.lambda_eff / n - expected) < 1e-10 * expected


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(3, 3, 3), (3, 2, 4)])
def test_agrees_with_monte_carlo_over_every_weight(inputs, hidden, outputs):
    """No reduction at all: Z = E[exp(−nK)] and E_n[K] averaged over 4·10⁶ prior draws of (A, B)."""
    n = 2.0
    rng = np.random.default_rng(2)
    weights, losses = [], []
    for _ in range(4):
        a = rng.standard_normal((1_000_000, hidden, inputs))
        b = rng.standard_normal((1_000_000, outputs, hidden))
        loss = 0.5 * np.sum((b @ a) ** 2, axis=(1, 2))
        weights.append(np.exp(-n * loss))
        losses.append(loss)
    weight, loss = np.concatenate(weights), np.concatenate(losses)
    z, z_se = weight.mean(), weight.std() / np.sqrt(weight.size)
    point = two_layer_thermodynamics(n, [0], inputs, hidden, outputs, dps=12)
    assert abs(float(point.free_energy) + np.log(z)) < 4 * z_se / z
    energy = np.mean(weight * loss) / z
    assert abs(float(point.lambda_eff) - n * energy) < n * energy * 8 * z_se / z + 1e-3


@pytest.mark.slow
@pytest.mark.parametrize(("hidden", "n"), [(2, "10"), (3, "1e3")])
def test_equals_the_two_by_two_wishart_quadrature(hidden, n):
    """Two inputs and outputs: the 2-D integral over the 2×2 Wishart eigenvalues (``theory.two_layer.wishart``,
    Bessel functions of the rotation, tanh–sinh-free Gauss–Legendre in r and q) with s_1 = s_2 = 0."""
    zero, one = mpmath.mpf(0), mpmath.mpf(1)
    wishart = _thermo_point(mpmath.mpf(n), lambda m, refine: wishart_moments(m, zero, zero, hidden, 2, one, one, refine), 8, n)
    pfaffian = two_layer_thermodynamics(n, [0], 2, hidden, 2, dps=20)
    for a, b in zip(_values(pfaffian), _values(wishart)):
        assert abs(a - b) < mpmath.mpf(10) ** -7 * abs(b)


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(3, 2, 3), (3, 4, 5), (6, 6, 6), (3, 3, 3)])
def test_reaches_aoyagi_watanabes_coefficient(inputs, hidden, outputs):
    """λ_eff(n) → λ − (m − 1)/log n (Aoyagi & Watanabe 2005) at n = 10¹⁶: within 10⁻⁵ for m = 1; for m = 2 the
    next correction is O(1/log² n) ≈ 7·10⁻⁴ (3×3×3: λ = 7/2)."""
    lc = reduced_rank(inputs, outputs, hidden, 0)
    point = two_layer_thermodynamics("1e16", [0], inputs, hidden, outputs, dps=15)
    tolerance = 1e-5 if lc.multiplicity == 1 else 5e-3
    assert abs(point.lambda_eff - slt_lambda_eff(lc, point.n)) < tolerance
    if lc.multiplicity == 1:
        assert abs(point.heat_capacity - lc.lam) < tolerance


def test_heat_capacity_identity_and_sign():
    """C = λ_eff − dλ_eff/d log n by a central difference in log n, and C > 0."""
    n, h = mpmath.mpf(100), mpmath.mpf("1e-5")
    lo, mid, hi = (two_layer_thermodynamics(n * mpmath.exp(k * h), [0], 3, 3, 4, dps=25) for k in (-1, 0, 1))
    with mpmath.workdps(25):
        slope = (hi.lambda_eff - lo.lambda_eff) / (2 * h)
        assert abs(mid.heat_capacity - (mid.lambda_eff - slope)) < mpmath.mpf("1e-8")
    assert all(p.heat_capacity > 0 for p in (lo, mid, hi))


# V(ε) by Laplace inversion of the Pfaffian at complex n


@pytest.mark.parametrize(
    ("hidden", "eps"), [pytest.param(2, "1e-4", marks=pytest.mark.slow), pytest.param(3, "0.1", marks=pytest.mark.slow), (3, "3")]
)
def test_volume_equals_the_two_by_two_wishart_reduction(hidden, eps):
    """Two inputs and two outputs: ``theory.two_layer.volume``'s real-variable reduction (a ₂F₁ density of the
    Wishart eigenvalue ratio times the distribution function of a product of Gamma variables), no Laplace
    transform at all."""
    one = mpmath.mpf(1)
    wishart = two_layer_volume(eps, 2, hidden, 2, dps=12)
    pfaffian = zero_target_volume(mpmath.mpf(eps), 2, hidden, 2, one, one, 12)
    assert abs(pfaffian.volume - wishart.volume) < 1e-11 * wishart.volume
    assert abs(pfaffian.exponent - wishart.exponent) < 1e-10


def test_one_row_volume_equals_the_incomplete_gamma_integral():
    """p = 1 (hidden = 1): V = E_y[P(N_out/2, ε/(s_b y))] over ‖a‖² (``theory.two_layer.volume``), unequal priors."""
    reference = two_layer_volume("0.02", 3, 1, 4, prior_var=("0.5", "2"), dps=12)
    pfaffian = zero_target_volume(mpmath.mpf("0.02"), 3, 1, 4, mpmath.mpf("0.5"), mpmath.mpf(2), 12)
    assert abs(pfaffian.volume - reference.volume) < 1e-11 * reference.volume
    assert abs(pfaffian.exponent - reference.exponent) < 1e-10


def test_volume_agrees_with_monte_carlo_over_every_weight():
    """3 → 3 → 3: the fraction of 4·10⁶ prior draws of (A, B) with ½‖BA‖² < ε, at two levels."""
    rng = np.random.default_rng(3)
    losses = np.concatenate([
        0.5 * np.sum((rng.standard_normal((1_000_000, 3, 3)) @ rng.standard_normal((1_000_000, 3, 3))) ** 2, axis=(1, 2))
        for _ in range(4)
    ])  # fmt: skip
    for eps in (1.0, 4.0):
        fraction = np.mean(losses < eps)
        se = np.sqrt(fraction * (1 - fraction) / losses.size)
        point = two_layer_volume(str(eps), 3, 3, 3, dps=8)
        assert abs(float(point.volume) - fraction) < 4 * se


def test_volume_exponent_reaches_aoyagi_watanabes_coefficient():
    """d log V/d log ε → λ as ε → 0 (m = 1 for 3 → 3 → 4: λ = 4, V ~ c·ε⁴)."""
    lc = reduced_rank(3, 4, 3, 0)
    point = two_layer_volume("1e-10", 3, 3, 4, dps=10)
    assert lc.multiplicity == 1 and abs(point.exponent - lc.lam) < 1e-3


# rank-one targets: the Bingham average over θ = Uᵀv by Talbot's rule, a Pfaffian at each of its nodes


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(3, 1, 4), (1, 3, 2)])
def test_rank_one_one_row_pfaffian_equals_the_kummer_and_radial_paths(inputs, hidden, outputs):
    """p = 1: against ``theory.two_layer``'s radial integrals, where the sphere average is Kummer's 1F1(½; N/2; ·)
    (hidden = 1, three inputs) or trivial (one input): no contour integral there."""
    n, s = mpmath.mpf(30), mpmath.mpf("0.5")
    reference = two_layer_thermodynamics(n, [s], inputs, hidden, outputs, dps=12)
    one = mpmath.mpf(1)
    pfaffian = pfaffian_thermodynamics(n, s, inputs, hidden, outputs, one, one, 12, n)
    for a, b in zip(_values(pfaffian), _values(reference)):
        assert abs(a - b) < mpmath.mpf(10) ** -11 * abs(b)


@pytest.mark.slow
def test_rank_one_is_symmetric_under_transposition():
    """3 → 2 → 4 and 4 → 2 → 3 with one singular value: p = 2 either way, but the sphere of the Bingham average
    is S² in one and S³ in the other, and the B-side exponents differ (N_out = 4, 3)."""
    n, s, one = mpmath.mpf(20), mpmath.mpf("0.4"), mpmath.mpf(1)
    one_way = pfaffian_thermodynamics(n, s, 3, 2, 4, one, one, 8, n)
    other_way = pfaffian_thermodynamics(n, s, 4, 2, 3, one, one, 8, n)
    for a, b in zip(_values(one_way), _values(other_way)):
        assert abs(a - b) < mpmath.mpf(10) ** -7 * abs(b)


def test_rank_one_agrees_with_monte_carlo_over_every_weight():
    """3 → 2 → 3 against diag(0.6, 0, 0): Z and E_n[K] over 4·10⁶ prior draws of (A, B), no reduction."""
    n, s = 2.0, 0.6
    rng = np.random.default_rng(4)
    weights, losses = [], []
    target = np.zeros((3, 3))
    target[0, 0] = s
    for _ in range(4):
        product = rng.standard_normal((1_000_000, 3, 2)) @ rng.standard_normal((1_000_000, 2, 3))
        loss = 0.5 * np.sum((product - target) ** 2, axis=(1, 2))
        weights.append(np.exp(-n * loss))
        losses.append(loss)
    weight, loss = np.concatenate(weights), np.concatenate(losses)
    z, z_se = weight.mean(), weight.std() / np.sqrt(weight.size)
    point = two_layer_thermodynamics(n, [str(s)], 3, 2, 3, dps=6)
    assert abs(float(point.free_energy) + np.log(z)) < 4 * z_se / z
    energy = np.mean(weight * loss) / z
    assert abs(float(point.lambda_eff) - n * energy) < n * energy * 8 * z_se / z + 1e-3


@pytest.mark.slow
def test_rank_one_equals_the_two_by_two_wishart_quadrature():
    """2 → 3 → 2 against diag(0.5, 0): the 2-D Wishart integral of ``theory.two_layer.wishart`` (Bessel functions
    of the rotation angle) against the Pfaffian with Talbot's rule."""
    zero, one, s = mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf("0.5")
    wishart = _thermo_point(mpmath.mpf(10), lambda m, refine: wishart_moments(m, s, zero, 3, 2, one, one, refine), 8, 10)
    pfaffian = two_layer_thermodynamics(10, [s], 2, 3, 2, dps=12)
    for a, b in zip(_values(pfaffian), _values(wishart)):
        assert abs(a - b) < mpmath.mpf(10) ** -7 * abs(b)


@pytest.mark.slow
def test_rank_one_reaches_aoyagi_watanabes_coefficient():
    """n ≫ 1/s²: λ_eff → λ of rank-1 reduced-rank regression (3 → 3 → 3: λ = 4, m = 1), and C with it; the gap
    closes like ~n^(−1/2) (9.7·10⁻⁵ at n = 10¹⁰, 1.2·10⁻⁵ at 10¹²)."""
    lc = reduced_rank(3, 3, 3, 1)
    point = two_layer_thermodynamics("1e12", ["0.5"], 3, 3, 3, dps=8)
    assert lc.multiplicity == 1 and abs(point.lambda_eff - lc.lam) < 5e-5 and abs(point.heat_capacity - lc.lam) < 5e-5
