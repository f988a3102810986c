"""V(ε) for hidden = 1 and a target of any rank (``any_rank``) against the rank-one path, the arcsine-sum path,
Monte Carlo over every weight and the learning coefficient of the best rank-1 fit."""

import mpmath
import numpy as np
import pytest

from theory import reduced_rank_for_target, two_layer_volume
from theory.two_layer.hidden_one import any_rank, cosine_product_law, hidden_one, two_by_two


@pytest.mark.parametrize("eps", ["0.1", pytest.param("0.7", marks=pytest.mark.slow)])  # ‖M‖² − 2ε > 0 and < 0
def test_a_rank_one_target_agrees_with_the_product_of_cosines(eps):
    """r = 1 through the law of u = s²β̂_1² (contour) and Chebyshev-interpolated h, against the σ-integral over
    the law of t = s·x·w (a different order of integration, no interpolation)."""
    with mpmath.workdps(20):
        eps, s, one = mpmath.mpf(eps), mpmath.mpf(1), mpmath.mpf(1)
        reference = hidden_one(eps, s * s, cosine_product_law(s, 3, 3, False), [s, mpmath.mpf(0), -s], 3, 3, one, False)
        got = any_rank(eps, [s], 3, 3, one, False, 15)
        for value, expected in zip(got, reference):
            assert abs(value - expected) < 1e-17 * expected


def test_a_rank_two_target_agrees_with_the_arcsine_sum_law():
    """2 → 1 → 3 with M = diag(1, 0.5): any_rank with u on the three-output side and w = cos φ on the two-input
    side, against two_by_two (the two-input side's arcsine-sum law). w's density is unbounded at ±1 for a side of 2,
    which limits V' from the σ-integral to ~11 digits at this precision."""
    with mpmath.workdps(20):
        eps, one = mpmath.mpf("0.3"), mpmath.mpf(1)
        values = [one, mpmath.mpf("0.5")]
        volume, slope = any_rank(eps, values, 3, 2, one, False, 6)
        reference, reference_slope = two_by_two(eps, *values, one, False, 3)
        assert abs(volume - reference) < 1e-15 * reference and abs(slope - reference_slope) < 1e-9 * reference_slope


def _monte_carlo(eps, inputs, outputs, values, draws=4_000_000, seed=1):
    """(fraction, standard error) of standard normal a ∈ R^inputs, b ∈ R^outputs with ½‖b·aᵀ − M‖² < ε,
    M = diag(values) (outputs × inputs)."""
    rng = np.random.default_rng(seed)
    target = np.zeros((outputs, inputs))
    target[range(len(values)), range(len(values))] = [float(v) for v in values]
    hits = 0
    for _ in range(draws // 500_000):
        a, b = rng.standard_normal((500_000, inputs)), rng.standard_normal((500_000, outputs))
        hits += int((0.5 * np.sum((b[:, :, None] * a[:, None, :] - target) ** 2, axis=(1, 2)) < float(eps)).sum())
    fraction = hits / draws
    return fraction, np.sqrt(fraction * (1 - fraction) / draws)


@pytest.mark.parametrize(
    ("eps", "inputs", "outputs", "values"),
    [("0.5", 3, 3, ["1", "0.5"]), pytest.param("0.9", 3, 3, ["1", "1"], marks=pytest.mark.slow),
     pytest.param("0.5", 3, 4, ["1", "0.6", "0.3"], marks=pytest.mark.slow)],
)  # fmt: skip
def test_any_rank_against_monte_carlo(eps, inputs, outputs, values):
    """Distinct and repeated singular values, rank 2 and 3, through the public function."""
    point = two_layer_volume(eps, inputs, 1, outputs, singular_value=values, dps=6)
    fraction, error = _monte_carlo(eps, inputs, outputs, values)
    assert abs(float(point.volume) - fraction) < 4 * error


@pytest.mark.slow
def test_transposing_the_model_leaves_v_unchanged():
    """3 → 1 → 4 and 4 → 1 → 3 put u and w on different sides of the same model (u on the smaller side)."""
    first = two_layer_volume("0.4", 3, 1, 4, singular_value=["1", "0.5"], dps=8)
    second = two_layer_volume("0.4", 4, 1, 3, singular_value=["1", "0.5"], dps=8)
    assert abs(first.volume - second.volume) < 1e-8 * first.volume and abs(first.exponent - second.exponent) < 1e-7


@pytest.mark.slow  # ~15 s
def test_the_exponent_tends_to_the_learning_coefficient_of_the_best_rank_one_fit():
    """3 → 1 → 3, M = diag(1, 0.5): K ≥ L0 = 1/8, and d log V/d log(ε − L0) → λ = 5/2 (the regular λ of the
    unique best rank-1 fit, a one-dimensional orbit in six parameters)."""
    lc, floor = reduced_rank_for_target(3, 3, 1, ["1", "0.5"])
    point = two_layer_volume(mpmath.mpf(floor) + mpmath.mpf("1e-8"), 3, 1, 3, singular_value=["1", "0.5"], dps=10)
    assert str(lc.lam) == "5/2"
    assert abs(point.exponent - mpmath.mpf(5) / 2) < 1e-7
