"""V(ε) of the two-layer model against closed forms, Monte Carlo, a second reduction and Aoyagi–Watanabe's λ."""

import mpmath
import numpy as np
import pytest
from scipy import integrate, stats

from theory import reduced_rank, reduced_rank_for_target, two_layer_volume
from theory.two_layer.hidden_one import _cosine_tail, _cosine_tail_steps, cosine_product_law, hidden_one, two_by_two
from theory.two_layer.volume import _slab


@pytest.mark.parametrize("eps", ["0.01", "0.5"])
def test_one_by_one_matches_the_bessel_k0_law_of_a_product_of_normals(eps):
    """K = ½a²b²: |ab| has density (2/π)·K_0, so V(ε) = ∫_0^√(2ε) (2/π) K_0(x) dx."""
    point = two_layer_volume(eps, 1, 1, 1, dps=15)
    with mpmath.workdps(25):
        reference = mpmath.quad(lambda x: 2 / mpmath.pi * mpmath.besselk(0, x), [0, mpmath.sqrt(2 * mpmath.mpf(eps))])
        assert abs(point.volume - reference) < 1e-14


def test_two_reductions_of_the_same_law_agree():
    """1 → 3 → 2 (‖B·a‖² = ‖a‖²·χ²_2) and 2 → 1 → 3 (‖a‖²‖b‖²) both make K half a product of χ²_3 and χ²_2."""
    first, second = two_layer_volume("1e-3", 1, 3, 2, dps=15), two_layer_volume("1e-3", 2, 1, 3, dps=15)
    assert abs(first.volume - second.volume) < 1e-14 * first.volume and abs(first.exponent - second.exponent) < 1e-13


@pytest.mark.parametrize(("inputs", "hidden", "outputs"), [(1, 3, 2), (3, 1, 1), (1, 2, 4)])
def test_exponent_tends_to_the_zero_target_learning_coefficient(inputs, hidden, outputs):
    lc = reduced_rank(inputs, outputs, hidden, 0)
    point = two_layer_volume("1e-14", inputs, hidden, outputs, dps=15)
    assert lc.multiplicity == 1 and abs(point.exponent - lc.lam) < 1e-5


def test_exponent_is_the_log_derivative_and_agrees_with_monte_carlo():
    eps, h = mpmath.mpf("0.3"), mpmath.mpf("1e-5")
    point = two_layer_volume(eps, 1, 2, 3, prior_var=("0.5", "2"), dps=15)
    up, down = (two_layer_volume(eps * mpmath.exp(t), 1, 2, 3, prior_var=("0.5", "2"), dps=15) for t in (h, -h))
    slope = (mpmath.log(up.volume) - mpmath.log(down.volume)) / (2 * h)
    assert abs(point.exponent - slope) < 1e-8
    rng = np.random.default_rng(0)
    draws = 1_000_000
    a = rng.normal(0, np.sqrt(0.5), (draws, 2, 1))
    b = rng.normal(0, np.sqrt(2.0), (draws, 3, 2))
    inside = 0.5 * np.sum((b @ a) ** 2, axis=(1, 2)) < 0.3
    assert abs(float(point.volume) - inside.mean()) < 4 * inside.std() / np.sqrt(draws)


def _monte_carlo(eps, inputs, hidden, outputs, s=0.5, draws=2_000_000):
    """(fraction, standard error) of prior draws A: hidden × inputs and B: outputs × hidden (standard normal)
    with ½‖B·A − M‖² < ε, M = s·e₁e₁ᵀ."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((draws, hidden, inputs)), rng.standard_normal((draws, outputs, hidden))
    target = np.zeros((outputs, inputs))
    target[0, 0] = s
    inside = 0.5 * np.sum((b @ a - target) ** 2, axis=(1, 2)) < float(eps)
    return inside.mean(), inside.std() / np.sqrt(draws)


@pytest.mark.slow  # ~45 s; the Poisson mixture is also checked by default against the slab at ε = s²/8
def test_a_target_against_monte_carlo_and_the_rank_one_coefficient():
    """K = ½‖B·a − m‖², ‖m‖ = 0.5, a ∈ R², B: 3×2: V(ε) against 2·10⁶ prior draws; the exponent → N_out/2 = 3/2."""
    point = two_layer_volume("0.01", 1, 2, 3, singular_value="0.5", dps=8)
    estimate, error = _monte_carlo("0.01", 1, 2, 3)
    assert abs(float(point.volume) - estimate) < 4 * error
    far = two_layer_volume("1e-12", 1, 2, 3, singular_value="0.5", dps=8)
    assert abs(far.exponent - reduced_rank(1, 3, 2, 1).lam) < 1e-8
    transposed = two_layer_volume("0.01", 3, 2, 1, singular_value="0.5", dps=8)
    assert abs(transposed.volume - point.volume) < 1e-8 * point.volume


@pytest.mark.parametrize("eps", ["0.05", "1"])
def test_a_target_beyond_s2_over_8_matches_the_bessel_k0_law(eps):
    """1×1×1 with s = 0.5, beyond the Poisson mixture's ε ≤ s²/8 (sliced along the target): ab has density
    K_0(|x|)/π, so V(ε) = ∫_(s−r)^(s+r) K_0(|x|)/π dx and V'(ε) = (K_0(|s + r|) + K_0(|s − r|))/(π r), r = √(2ε);
    at ε = 1 the interval contains 0 (ε > s²/2, the value of K at w = 0) and K_0's log singularity."""
    point = two_layer_volume(eps, 1, 1, 1, singular_value="0.5", dps=10)
    with mpmath.workdps(30):
        s, r = mpmath.mpf("0.5"), mpmath.sqrt(2 * mpmath.mpf(eps))
        ends = sorted({s - r, s + r} | ({mpmath.mpf(0)} if s < r else set()))
        volume = mpmath.quad(lambda x: mpmath.besselk(0, abs(x)) / mpmath.pi, ends)
        slope = (mpmath.besselk(0, abs(s + r)) + mpmath.besselk(0, abs(s - r))) / (mpmath.pi * r)
        assert abs(point.volume - volume) < 1e-10 * volume
        assert abs(point.exponent - mpmath.mpf(eps) * slope / volume) < 1e-10


def test_the_slab_and_the_poisson_mixture_agree_where_both_apply():
    """At ε = s²/8 (1×1×2, s = 0.5) the Poisson mixture of non-central χ² probabilities and the slab integral
    along the target are two independent reductions of the same V(ε)."""
    eps = mpmath.mpf(1) / 32
    mixture = two_layer_volume(eps, 1, 1, 2, singular_value="0.5", dps=8)
    with mpmath.workdps(14):
        volume, slope = _slab(eps, mpmath.mpf("0.5"), 1, 2, mpmath.mpf(1), mpmath.mpf(1), False)
        assert abs(mixture.volume - volume) < 1e-8 * volume
        assert abs(mixture.exponent - eps * slope / volume) < 1e-8


@pytest.mark.slow
@pytest.mark.parametrize(("eps", "hidden", "outputs", "dps"), [("0.1", 2, 3, 8)])
def test_a_target_beyond_s2_over_8_against_monte_carlo(eps, hidden, outputs, dps):
    """K = ½‖B·a − m‖², ‖m‖ = 0.5, against 2·10⁶ prior draws. The case ε = 0.2 with hidden = 1, where the slab
    contains u = 0 and the density of u = (Ba)_1 has a log singularity (about three minutes), is checked the same way
    by bench/validate_two_layer_volume.py --case slab."""
    point = two_layer_volume(eps, 1, hidden, outputs, singular_value="0.5", dps=dps)
    estimate, error = _monte_carlo(eps, 1, hidden, outputs)
    assert abs(float(point.volume) - estimate) < 4 * error


@pytest.mark.slow
def test_a_rank_one_target_with_both_sides_above_one_against_monte_carlo_and_lambda():
    """Hidden = 1, inputs 3, outputs 2, ‖M‖ = s = 0.5 (rank one): V(ε) through the laws of ‖a‖‖b‖ and of the
    product of two cosines, against 2·10⁶ prior draws; as ε → 0 the exponent tends to the regular λ of the rank-1
    fit, H(N_in + N_out − H)/2 = 2."""
    point = two_layer_volume("0.05", 3, 1, 2, singular_value="0.5", dps=6)
    estimate, error = _monte_carlo("0.05", 3, 1, 2)
    assert abs(float(point.volume) - estimate) < 4 * error
    far = two_layer_volume("1e-8", 3, 1, 2, singular_value="0.5", dps=6)
    assert abs(far.exponent - reduced_rank(3, 2, 1, 1).lam) < 1e-5


def _conditioned_on_a(eps: float, inputs: int, outputs: int, s: float = 0.5) -> tuple[float, float]:
    """(V(ε), exponent) for hidden = 1 and M = s·e₁v₁ᵀ by a second, double-precision method (scipy): given a,
    with y = ‖a‖² ~ χ²_inputs and x = â·v₁, K = ½y‖b − c‖² + ½s²(1 − x²) with ‖c‖² = s²x²/y, so K < ε is the
    non-central χ² event χ'²_outputs(s²x²/y) < (2ε − s²(1 − x²))/y, and V = E_(y,x) of its distribution function
    (V' of its density times 2/y)."""
    norm = float(mpmath.beta(0.5, (inputs - 1) / 2))

    def integrand(x: float, y: float, slope: bool) -> float:
        threshold = (2 * eps - s * s * (1 - x * x)) / y
        if threshold <= 0:
            return 0.0
        law = stats.ncx2.pdf(threshold, outputs, s * s * x * x / y) * 2 / y if slope else stats.ncx2.cdf(threshold, outputs, s * s * x * x / y)
        return (1 - x * x) ** ((inputs - 3) / 2) / norm * law

    def over_x(y: float, slope: bool) -> float:
        inner = integrate.quad(integrand, -1, 1, args=(y, slope), epsabs=1e-15, epsrel=1e-11, limit=200)[0]
        return stats.chi2.pdf(y, inputs) * inner

    volume, slope = (integrate.quad(over_x, 0, np.inf, args=(d,), epsabs=0, epsrel=1e-10, limit=400)[0] for d in (False, True))
    return volume, eps * slope / volume


@pytest.mark.parametrize(
    ("eps", "outputs"),
    [pytest.param("0.3", 3, marks=pytest.mark.slow), pytest.param("10", 3, marks=pytest.mark.slow), pytest.param("0.125", 2, marks=pytest.mark.slow),
     pytest.param("10", 2, marks=pytest.mark.slow)],
)  # fmt: skip
def test_a_rank_one_target_with_both_sides_above_one_at_any_eps_against_conditioning_on_a(eps, outputs):
    """3×1×3 (the laws of ‖a‖‖b‖ and of the product of two cosines) and 3×1×2 (the arcsine-sum law times a Beta
    radius), s = 0.5, at and beyond ε = s²/2 (K at w = 0), where every direction qualifies for small ‖a‖‖b‖ and
    c* crosses the log singularity of the density of c at 0, against the non-central χ² law of b given a
    (module docstring of theory.two_layer.volume)."""
    point = two_layer_volume(eps, 3, 1, outputs, singular_value="0.5", dps=6)
    volume, exponent = _conditioned_on_a(float(eps), 3, outputs)
    assert abs(float(point.volume) - volume) < 1e-6 * volume
    assert abs(float(point.exponent) - exponent) < 1e-6 * exponent


def _two_by_two_conditioned_on_a(eps: float, s1: float, s2: float, outputs: int = 2) -> tuple[float, float]:
    """(V(ε), d log V/d log(ε − L0)) for 2×1×N and M = diag(s1, s2) (N × 2) by conditioning on a (scipy): with
    y = ‖a‖² ~ χ²_2 and q = ‖M·â‖² = s1² cos²φ + s2² sin²φ, K < ε is the non-central χ² event
    χ'²_N(q/y) < (2ε − ‖M‖² + q)/y."""
    norm2 = s1 * s1 + s2 * s2

    def integrand(phi: float, y: float, slope: bool) -> float:
        q = s1 * s1 * np.cos(phi) ** 2 + s2 * s2 * np.sin(phi) ** 2
        threshold = (2 * eps - norm2 + q) / y
        if threshold <= 0:
            return 0.0
        law = stats.ncx2.pdf(threshold, outputs, q / y) * 2 / y if slope else stats.ncx2.cdf(threshold, outputs, q / y)
        return law * 2 / np.pi

    edge = (2 * eps - norm2 + s1 * s1) / (s1 * s1 - s2 * s2)  # sin²φ where the threshold crosses 0
    points = [float(np.arcsin(np.sqrt(edge)))] if 0 < edge < 1 else None

    def over_phi(y: float, slope: bool) -> float:
        inner = integrate.quad(integrand, 0, np.pi / 2, args=(y, slope), points=points, epsabs=1e-15, epsrel=1e-11, limit=200)[0]
        return stats.chi2.pdf(y, 2) * inner

    volume, slope = (integrate.quad(over_phi, 0, np.inf, args=(d,), epsabs=0, epsrel=1e-10, limit=400)[0] for d in (False, True))
    return volume, (eps - s2 * s2 / 2) * slope / volume


@pytest.mark.parametrize("eps", ["0.05", "0.3"])
def test_two_by_two_with_a_rank_two_target_against_conditioning_on_a(eps):
    """2×1×2, M = diag(0.5, 0.3): one integral of the elliptic density of a sum of two arcsine variables against
    the non-central χ² law of b given a, just above L0 = 0.045 and beyond K(0) = ‖M‖²/2 = 0.17."""
    point = two_layer_volume(eps, 2, 1, 2, singular_value=["0.5", "0.3"], dps=15)
    volume, exponent = _two_by_two_conditioned_on_a(float(eps), 0.5, 0.3)
    assert abs(float(point.volume) - volume) < 1e-9 * volume
    assert abs(float(point.exponent) - exponent) < 1e-9 * exponent


@pytest.mark.parametrize("eps", ["0.01", pytest.param("0.2", marks=pytest.mark.slow)])
def test_two_by_two_with_a_rank_one_target_agrees_with_the_product_of_cosines(eps):
    """s2 = 0: the elliptic density of t = A cos u + B cos v (A = B = s/2) against the law of s·cos θ·cos ψ
    integrated over the law of ‖a‖‖b‖ (the general rank-one reduction), below and beyond ε = s²/2."""
    with mpmath.workdps(20):
        level, s, one = mpmath.mpf(eps), mpmath.mpf("0.5"), mpmath.mpf(1)
        volume, slope = two_by_two(level, s, mpmath.mpf(0), one, False)
        other_volume, other_slope = hidden_one(level, s * s, cosine_product_law(s, 2, 2, False), [s, 0, -s], 2, 2, one, False)
        assert abs(volume - other_volume) < 1e-15 * volume and abs(slope - other_slope) < 1e-12 * slope


@pytest.mark.parametrize(
    ("eps", "inputs", "outputs"),
    [("0.05", 5, 2), pytest.param("0.05", 2, 3, marks=pytest.mark.slow), pytest.param("0.3", 3, 2, marks=pytest.mark.slow)],
)
def test_two_by_n_with_a_rank_two_target_against_conditioning_on_a(eps, inputs, outputs):
    """2×1×N and N×1×2 (the transpose), M = diag(0.5, 0.3): the arcsine-sum law times an independent Beta radius,
    and the distribution function 1 − 2z^(N/4)K_(N/2)(2√z)/Γ(N/2) of ‖a‖‖b‖, against the non-central χ² law of the
    N-side given the 2-side; below and beyond K(0) = ‖M‖²/2 = 0.17."""
    point = two_layer_volume(eps, inputs, 1, outputs, singular_value=["0.5", "0.3"], dps=15)
    volume, exponent = _two_by_two_conditioned_on_a(float(eps), 0.5, 0.3, max(inputs, outputs))
    assert abs(float(point.volume) - volume) < 1e-9 * volume
    assert abs(float(point.exponent) - exponent) < 1e-9 * exponent


@pytest.mark.parametrize("others", [3, 4])
def test_two_by_n_with_a_rank_one_target_agrees_with_the_product_of_cosines(others):
    """s2 = 0 with N = 3, 4 outputs: t = ρ·T (arcsine sum times a Beta radius) against the law of s·x·w, x and w
    the cosines of two independent uniform directions (the general rank-one reduction), to 15 digits."""
    with mpmath.workdps(20):
        level, s, one = mpmath.mpf("0.01"), mpmath.mpf("0.5"), mpmath.mpf(1)
        volume, slope = two_by_two(level, s, mpmath.mpf(0), one, False, others)
        law = cosine_product_law(s, 2, others, False)
        other_volume, other_slope = hidden_one(level, s * s, law, [s, 0, -s], 2, others, one, False)
        assert abs(volume - other_volume) < 1e-15 * volume and abs(slope - other_slope) < 1e-12 * slope


def test_zero_target_with_a_side_of_two_against_monte_carlo():
    """2×2×2, zero target: the Wishart-eigenvalue reduction (one integral of a ₂F₁ density times the product-of-
    Gammas law) against 10⁶ prior draws."""
    point = two_layer_volume("0.1", 2, 2, 2, dps=10)
    estimate, error = _monte_carlo("0.1", 2, 2, 2, s=0.0, draws=1_000_000)
    assert abs(float(point.volume) - estimate) < 4 * error


@pytest.mark.slow  # ~25 s
def test_zero_target_with_a_side_of_two_is_symmetric_in_hidden_and_the_other_side():
    """2 → 3 → 2 against 2 → 2 → 3: H enters through the Wishart eigenvalues of the 2-side and N through the χ²_N
    weights, two different parts of the reduction, yet V is the same (‖B·A‖² for Gaussian B: N×H, A: H×2 has the
    law of ‖A'·B'‖² with the inner and outer sizes swapped)."""
    one = two_layer_volume("0.01", 2, 3, 2, dps=10)
    other = two_layer_volume("0.01", 2, 2, 3, dps=10)
    assert abs(one.volume / other.volume - 1) < 1e-9 and abs(one.exponent / other.exponent - 1) < 1e-9


@pytest.mark.slow  # ~15 s
def test_zero_target_with_a_side_of_two_reaches_the_learning_coefficient():
    """2×2×2, zero target: d log V/d log ε → λ = 3/2, m = 1 (Aoyagi & Watanabe 2005)."""
    point = two_layer_volume("1e-8", 2, 2, 2, dps=10)
    assert abs(point.exponent - reduced_rank(2, 2, 2, 0).lam) < 1e-3


def test_two_by_two_exponents_tend_to_the_learning_coefficients():
    """Rank one: d log V/d log ε → λ = 3/2 (Aoyagi & Watanabe, 2×1×2 with r = 1); rank two: the target is out of
    reach, and d log V/d log(ε − L0) → 3/2, the regular λ of the unique best rank-1 fit."""
    rank_one = two_layer_volume("1e-10", 2, 1, 2, singular_value="0.5", dps=12)
    assert abs(rank_one.exponent - reduced_rank(2, 2, 1, 1).lam) < 1e-8
    lc, floor = reduced_rank_for_target(2, 2, 1, ["0.5", "0.3"])
    rank_two = two_layer_volume(mpmath.mpf(floor) + mpmath.mpf("1e-8"), 2, 1, 2, singular_value=["0.5", "0.3"], dps=12)
    assert abs(rank_two.exponent - lc.lam) < 1e-6


def test_the_cosine_tail_recurrence_against_the_incomplete_beta_function():
    with mpmath.workdps(30):
        for dim in range(2, 12):
            steps = _cosine_tail_steps(dim)
            for u in ("0", "1e-6", "0.3", "0.9", "0.999999"):
                with mpmath.workdps(60):
                    reference = mpmath.betainc(mpmath.mpf(dim - 1) / 2, mpmath.mpf(1) / 2, 0, 1 - mpmath.mpf(u) ** 2, regularized=True) / 2
                assert abs(_cosine_tail(mpmath.mpf(u), dim, steps) - reference) < 1e-29


@pytest.mark.parametrize(
    ("args", "message"),
    [(("0.1", 3, 2, 3, "0.5"), "covers hidden = 1"), (("0", 1, 1, 1), "eps must be a finite positive"),
     (("x", 1, 1, 1), "eps must be a number"), (("0.1", 1, 2, 3, "-0.5"), "singular_value must be"),
     (("0.001", 3, 3, 4, "0.5"), "covers hidden = 1"), (("0.5", 2, 2, 2, "1"), "covers ε < s²/2"), (("0.1", 3, 2, 3, ["0.5", "0.3"]), "covers hidden = 1"),
     (("0.17", 3, 1, 3, ["0.5", "0.3"]), "within 10⁻⁶·s_1² of ‖M‖²/2"), (("0.045", 3, 1, 4, ["0.5", "0.3"]), "not above the least loss L0"),
     (("0.045", 2, 1, 2, ["0.3", "0.5"]), "not above the least loss L0"),
     (("0.1", 2, 1, 2, ["0.5", "0.3", "0.1"]), "at most min\\(inputs, outputs\\) = 2")],
)  # fmt: skip
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        two_layer_volume(*args)
