"""Exact two-layer thermodynamics against closed forms, a published value and an unreduced quadrature."""

import mpmath
import numpy as np
import pytest
import sympy

from theory import reduced_rank, reduced_rank_for_target, slt_lambda_eff, two_layer_thermodynamics
from theory.precision import PrecisionError, with_precision_contract


@pytest.mark.parametrize("n", [10, 1000, 10**6])
def test_zero_target_matches_the_bessel_k0_closed_form(n):
    # docs/theory/two-layer.md: 1×1×1, M = 0: Z = e^(1/(4c)) K0(1/(4c)) / sqrt(2πc), c = n s_a s_b
    point = two_layer_thermodynamics(n, [0], 1, 1, 1, dps=20)
    with mpmath.workdps(40):
        c = mpmath.mpf(n)
        closed = -mpmath.log(mpmath.exp(1 / (4 * c)) * mpmath.besselk(0, 1 / (4 * c)) / mpmath.sqrt(2 * mpmath.pi * c))
        assert abs(point.free_energy - closed) < mpmath.mpf(10) ** -18 * abs(closed)
    assert point.digits == 20


def test_thirty_digit_reference_value():
    # docs/theory/two-layer.md: 1×1×1, M = 0.5, n = 100, s_a = s_b = 1: Z = 0.0755632053353564713368373841
    point = two_layer_thermodynamics(100, ["0.5"], 1, 1, 1, dps=30)
    with mpmath.workdps(40):
        reference = -mpmath.log(mpmath.mpf("0.0755632053353564713368373841"))
        assert abs(point.free_energy - reference) < mpmath.mpf(10) ** -27


def _cartesian_free_energy(n, M):
    """F(n) for H = 1 from the b-marginal of docs/theory/two-layer.md, integrated over a ∈ R^N_in in Cartesian coordinates
    (no radial or Bingham reduction): Z = E_a[det(I + n aaᵀ)^(−N_out/2) exp(−(n/2) tr(M (I + n aaᵀ)^(−1) Mᵀ))]."""
    M = mpmath.matrix(M)
    n_out, n_in = M.rows, M.cols

    frobenius = sum(x * x for x in M)

    def integrand(*a):
        a = mpmath.matrix(a)
        r2 = sum(x * x for x in a)
        # tr(M (I + n aaᵀ)^(−1) Mᵀ) by Sherman–Morrison: ‖M‖² − n‖Ma‖²/(1 + n|a|²)
        quadratic = frobenius - n * sum(x * x for x in M * a) / (1 + n * r2)
        gauss = mpmath.exp(-r2 / 2) / (2 * mpmath.pi) ** (mpmath.mpf(n_in) / 2)
        return gauss * (1 + n * r2) ** (-mpmath.mpf(n_out) / 2) * mpmath.exp(-n * quadratic / 2)

    edges = [-mpmath.inf, -2, -0.3, 0, 0.3, 2, mpmath.inf]
    return -mpmath.log(mpmath.quad(integrand, *([edges] * n_in)))


@pytest.mark.parametrize(
    ("M", "inputs", "outputs"),
    [
        pytest.param([[0.6, 0.0]], 2, 1, marks=pytest.mark.slow),  # Kummer path, N_in = 2 (54 s: slow suite)
        ([[0.0], [0.6]], 1, 2),  # N_in = 1
        pytest.param([[0.7, 0.0], [0.0, 0.3]], 2, 2, marks=pytest.mark.slow),  # Bessel path, two non-zero values (~30 s)
    ],
)
def test_reduction_equals_the_cartesian_integral(M, inputs, outputs):
    n, h = mpmath.mpf(3), mpmath.mpf("1e-4")
    singular = [str(s) for s in np.linalg.svd(np.array(M), compute_uv=False)]
    point = two_layer_thermodynamics(n, singular, inputs, 1, outputs, dps=15)
    with mpmath.workdps(16):  # enough for the 1e-12 and 1e-7 checks; the 2-D quadrature costs far more at 20
        assert abs(point.free_energy - _cartesian_free_energy(n, M)) < 1e-12
        # λ_eff = dF/d log n, here by a central difference of the Cartesian F: checks the moment formulas
        slope = (_cartesian_free_energy(n * mpmath.exp(h), M) - _cartesian_free_energy(n * mpmath.exp(-h), M)) / (2 * h)
        assert abs(point.lambda_eff - slope) < 1e-7


def _one_input_free_energy(n, s, hidden, outputs):
    """F(n) for N_in = 1 and any H from the b-marginal integrated over a ∈ R^H in Cartesian coordinates (no χ²_H
    radial law): AᵀA = ‖a‖², so Z = E_a[(1 + n‖a‖²)^(−N_out/2) exp(−(n/2) s²/(1 + n‖a‖²))]."""

    def integrand(*a):
        r2 = sum(x * x for x in a)
        gauss = mpmath.exp(-r2 / 2) / (2 * mpmath.pi) ** (mpmath.mpf(hidden) / 2)
        return gauss * (1 + n * r2) ** (-mpmath.mpf(outputs) / 2) * mpmath.exp(-n * s * s / (2 * (1 + n * r2)))

    edges = [-mpmath.inf, -2, -0.3, 0, 0.3, 2, mpmath.inf]
    return -mpmath.log(mpmath.quad(integrand, *([edges] * hidden)))


def test_hidden_above_one_with_one_input_equals_the_cartesian_integral():
    n, s, hidden, outputs = mpmath.mpf(3), mpmath.mpf("0.5"), 2, 3
    point = two_layer_thermodynamics(n, ["0.5"], 1, hidden, outputs, dps=15)
    transposed = two_layer_thermodynamics(n, ["0.5"], outputs, hidden, 1, dps=15)
    with mpmath.workdps(20):
        assert abs(point.free_energy - _one_input_free_energy(n, s, hidden, outputs)) < 1e-12
        assert abs(transposed.free_energy - point.free_energy) < 1e-13


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(1, 2, 1), (2, 3, 1), pytest.param(2, 2, 2, marks=pytest.mark.slow)])
def test_hidden_above_one_agrees_with_monte_carlo_over_every_weight(inputs, hidden, outputs):
    """No reduction at all: Z = E[exp(−nK)], E_n[K] and Var_n[K] averaged over 4·10⁶ prior draws of (A, B)."""
    n, s = 3.0, 0.6
    rng = np.random.default_rng(0)
    draws = 4_000_000
    a = rng.standard_normal((draws, hidden, inputs))
    b = rng.standard_normal((draws, outputs, hidden))
    target = np.zeros((outputs, inputs))
    target[0, 0] = s
    if min(inputs, outputs) == 2:  # the Wishart path (a 2-D integral), with two non-zero singular values
        target[1, 1] = s / 2
    loss = 0.5 * np.sum((b @ a - target) ** 2, axis=(1, 2))
    weight = np.exp(-n * loss)
    z, z_se = weight.mean(), weight.std() / np.sqrt(draws)
    values = [str(x) for x in np.linalg.svd(target, compute_uv=False)]
    point = two_layer_thermodynamics(n, values, inputs, hidden, outputs, dps=12 if min(inputs, outputs) == 1 else 6)
    assert abs(float(point.free_energy) + np.log(z)) < 4 * z_se / z
    energy = np.mean(weight * loss) / z  # a ratio estimator: its error is of the order of z's
    assert abs(float(point.lambda_eff) - n * energy) < n * energy * 8 * z_se / z + 1e-3


@pytest.mark.parametrize(("values", "outputs"), [([0.6, 0.4, 0.2], 3), ([0.6, 0.4], 4)])
def test_hidden_one_with_three_inputs_agrees_with_monte_carlo_over_every_weight(values, outputs):
    """The contour (Bingham) path, N_in = 3 with two or three non-zero singular values: Z, E_n[K] by plain
    prior sampling of (A, B), no reduction."""
    n, inputs = 3.0, 3
    rng = np.random.default_rng(1)
    draws = 4_000_000
    a = rng.standard_normal((draws, 1, inputs))
    b = rng.standard_normal((draws, outputs, 1))
    target = np.zeros((outputs, inputs))
    target[range(len(values)), range(len(values))] = values
    loss = 0.5 * np.sum((b @ a - target) ** 2, axis=(1, 2))
    weight = np.exp(-n * loss)
    z, z_se = weight.mean(), weight.std() / np.sqrt(draws)
    point = two_layer_thermodynamics(n, [str(v) for v in values], inputs, 1, outputs, dps=6)
    assert abs(float(point.free_energy) + np.log(z)) < 4 * z_se / z
    energy = np.mean(weight * loss) / z
    assert abs(float(point.lambda_eff) - n * energy) < n * energy * 8 * z_se / z + 1e-3


@pytest.mark.slow
def test_hidden_one_with_a_full_rank_three_by_three_target_is_regular_around_its_best_rank_one_fit():
    """H = 1 cannot represent a rank-3 target: K's minimum is ½(s_2² + s_3²), attained (s_1 > s_2) on the curve
    {B·A = s_1·u_1v_1ᵀ}, a smooth 1-dimensional manifold with a non-degenerate transverse Hessian. So the model
    is regular across it: λ = (N_in + N_out − 1)/2 = 5/2 with m = 1, and λ_eff − n·K_min and C → 5/2."""
    values = ["0.6", "0.4", "0.2"]
    point = two_layer_thermodynamics("1e6", values, 3, 1, 3, dps=8)
    lc, k_min = reduced_rank_for_target(3, 3, 1, values)
    assert lc.lam == sympy.Rational(5, 2) and k_min == sympy.Rational(1, 10)
    assert abs(point.lambda_eff - slt_lambda_eff(lc, point.n, k_min)) < 1e-4
    assert abs(point.heat_capacity - 2.5) < 1e-4


@pytest.mark.slow  # ~20 s
def test_wishart_path_has_the_prior_mean_loss_at_tiny_n():
    """As n → 0, λ_eff(n)/n → E_prior[K] = ½(N_out·H·N_in·s_a·s_b + ‖M‖²), the normalisation of the 2×2 Wishart
    eigenvalue density and the conditional mean of K in one closed form."""
    point = two_layer_thermodynamics("1e-9", ["0.6", "0.3"], 2, 3, 2, prior_var=("0.5", "2"), dps=6)
    expected = 0.5 * (2 * 3 * 2 * 0.5 * 2 + 0.36 + 0.09)
    assert abs(float(point.lambda_eff) / 1e-9 - expected) < 1e-5 * expected


@pytest.mark.slow
def test_wishart_path_reaches_the_full_rank_coefficient():
    lc = reduced_rank(2, 2, 2, 2)
    point = two_layer_thermodynamics("1e5", ["0.6", "0.3"], 2, 2, 2, dps=6)
    assert abs(point.lambda_eff - lc.lam) < 1e-3 and abs(point.heat_capacity - lc.lam) < 2e-3


def test_heat_capacity_identity_and_sign():
    # C = λ_eff − dλ_eff/d log n, checked by a central difference in log n
    n, h = mpmath.mpf(100), mpmath.mpf("1e-5")
    lo, mid, hi = (two_layer_thermodynamics(n * mpmath.exp(k * h), ["0.5"], 1, 1, 1, dps=25) for k in (-1, 0, 1))
    with mpmath.workdps(25):
        slope = (hi.lambda_eff - lo.lambda_eff) / (2 * h)
        assert abs(mid.heat_capacity - (mid.lambda_eff - slope)) < mpmath.mpf("1e-8")
    assert all(p.heat_capacity > 0 for p in (lo, mid, hi))


def test_lambda_eff_approaches_the_slt_value_with_its_log_correction():
    lc = reduced_rank(1, 1, 1, 0)  # (1/2, 2)
    errors = [abs(two_layer_thermodynamics(n, [0], 1, 1, 1, dps=15).lambda_eff - slt_lambda_eff(lc, n)) for n in (1e3, 1e6, 1e12)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.01


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(1, 3, 2), (1, 4, 3), (3, 2, 1), (1, 1, 3)])
def test_hidden_above_one_reaches_aoyagi_watanabes_coefficient(inputs, hidden, outputs):
    """Zero target: λ_eff(n) and C(n) → λ of reduced-rank regression (m = 1 here, so with no log correction).
    (1, 1, 3) at n = 10¹⁶ once lost C to the quadrature's absolute tolerance: E[K²] ~ n⁻² is tiny."""
    lc = reduced_rank(inputs, outputs, hidden, 0)
    point = two_layer_thermodynamics("1e16", [0], inputs, hidden, outputs, dps=15)
    assert lc.multiplicity == 1 and abs(point.lambda_eff - lc.lam) < 1e-6 and abs(point.heat_capacity - lc.lam) < 1e-6


def test_a_small_singular_value_is_invisible_until_n_exceeds_its_inverse_square():
    s = "0.01"  # 1/s² = 1e4
    below = two_layer_thermodynamics(100, [s, 0], 2, 1, 2, dps=12).lambda_eff
    zero = two_layer_thermodynamics(100, [0, 0], 2, 1, 2, dps=12).lambda_eff
    above = two_layer_thermodynamics(1e8, [s, 0], 2, 1, 2, dps=12).lambda_eff
    assert abs(below - zero) < 0.01  # tracks the s = 0 (rank-0) curve
    assert abs(above - reduced_rank(2, 2, 1, 1).lam) < 0.01  # the rank-1 value λ = 3/2


def test_precision_contract_reports_the_digits_reached():
    def noisy(refine):
        return [mpmath.mpf(1) + (mpmath.mpf("1e-12") if refine else 0)]

    assert with_precision_contract(noisy, 10, "noisy")[1] == 10
    with pytest.raises(PrecisionError, match="only 12 significant digits agree") as error:
        with_precision_contract(noisy, 20, "noisy")
    assert error.value.reached == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((100, [0.5, 0.4], 3, 2, 3), "inputs ≤ 2 or outputs ≤ 2"),
        ((100, [0.5, 0.4, 0.3], 2, 1, 3), "at most min"),
        ((100, [0.5, 0.4], 1, 1, 1), "at most min"),
        ((0, [0.5], 1, 1, 1), "n must be positive"),
        ((100, [-0.5], 1, 1, 1), "singular_values[0] must be a finite non-negative"),
        ((100, ["x"], 1, 1, 1), "must be a number"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        two_layer_thermodynamics(*args)


def test_decimal_inputs_are_read_at_full_precision():
    """n = "31.6228" is not a binary fraction: read at 53 bits it would shift F(n) near the 17th digit."""
    point = two_layer_thermodynamics("31.6228", ["0.1"], inputs=1, hidden=1, outputs=1, dps=30)
    with mpmath.workdps(60):
        reference = two_layer_thermodynamics(mpmath.mpf("31.6228"), ["0.1"], inputs=1, hidden=1, outputs=1, dps=40)
        assert abs(point.free_energy - reference.free_energy) < mpmath.mpf(10) ** -29
