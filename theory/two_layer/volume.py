"""The volume function of the two-layer linear model: V(ε) = prior mass of {K < ε}.

K = ½‖B·A‖² with A: H×N_in ~ N(0, s_a), B: N_out×H ~ N(0, s_b) entrywise (the model of docs/theory/two-layer.md
with target M = 0). With
H = 1, K = ½‖b‖²‖a‖²; with N_in = 1 and any H, K = ½‖B·a‖² and B·a | a ~ N(0, s_b‖a‖² I_{N_out}); N_out = 1
is the transpose of N_in = 1. In every case, with y = ‖a‖² ~ s_a·χ²_d (d = N_in·H) and α = N_out/2,

  V(ε) = E_y[P(α, ε/(s_b y))],     V'(ε) = E_y[ρ_α(ε/(s_b y)) / (s_b y)],

P the regularised lower incomplete gamma function (the χ²_{N_out} distribution function at 2ε/(s_b y)) and
ρ_α(x) = x^(α−1) e^(−x)/Γ(α) its derivative. The local exponent ε·V'(ε)/V(ε) tends to λ = min(d, N_out)/2,
with multiplicity 2 when d = N_out (V ~ c·ε^λ·(log 1/ε)^(m−1); Watanabe 2009, §2.4), the zero-target λ of
reduced-rank regression in these sizes (Aoyagi & Watanabe 2005).

A target with one non-zero singular value s and N_in = 1 (any H; N_out = 1 by transposition): K = ½‖B·a − m‖²,
‖m‖ = s, so given y the event K < ε is a non-central χ² event, χ'²_{N_out}(s²/(s_b y)) < 2ε/(s_b y), whose
distribution function is the Poisson mixture Σ_j Pois(j; μ)·P(α + j, x) with μ = s²/(2 s_b y), x = ε/(s_b y)
(summed backwards in j, where P(a, x) = P(a+1, x) + x^a e^(−x)/Γ(a+1) only adds positive terms), and its
derivative Σ_j Pois(j; μ)·ρ_{α+j}(x). Projecting onto m bounds it by exp(−(s − √(2ε))²/(2 s_b y)), which
says how small y may be cut off; this needs 2ε < s², and the sum has O(μ) terms, so ε ≤ s²/8 is required.
The exponent then tends to N_out/2 as ε → 0 (Ba ↦ v is a submersion where a ≠ 0): the rank-1 λ.

Hidden = 1 with any target (rank one at any sizes; rank two with a side of 2; any rank with both sides ≥ 3):
the laws of σ = ‖a‖‖b‖ and of t = α̂ᵀMβ̂, in ``theory.two_layer.hidden_one``.

With a zero target, two inputs (or outputs) and hidden H ≥ 2, 2K = s_b(l1X1 + l2X2) with l1, l2 the eigenvalues
of the 2×2 Wishart matrix AᵀA and X1, X2 ~ χ²_N: one integral over g = (1 − v)/2 + v·D, v = (l1 − l2)/(l1 + l2),
of the distribution function of a product of two Gamma variables (:func:`_two_sided_zero_target`).

For ε > s²/8 (any ε, in fact) the event is sliced along m instead: with u = (Ba)_1 ~ N(0, s_b y) given y and
‖(Ba)_rest‖² ~ s_b y·χ²_(N_out−1), K < ε ⟺ ‖(Ba)_rest‖² < r² − (u − s)² with r = √(2ε), so

  V(ε) = ∫_(s−r)^(s+r) du ∫_0^∞ p(y) φ(u; s_b y) P((N_out − 1)/2, (r² − (u − s)²)/(2 s_b y)) dy,

p the χ²_d density of y, φ(·; v) the N(0, v) density, and V'(ε) the same with ρ in place of P and a factor
1/(s_b y) (the boundary terms vanish because P(a, 0) = 0). With N_out = 1 the slab is the interval
|u − s| < r itself: V = E_y[Φ-interval], V' = E_y[φ(s + r) + φ(s − r)]/r. No Poisson sum appears, so neither
the floor nor the O(μ) terms restrict ε; the cost is a second quadrature (:func:`_slab`).

With a zero target, hidden ≥ 2 and both sides above 2, V and V' are inverted from the Laplace transform
Z(n) = E[e^(−nK)], a Pfaffian over the Wishart spectrum, on Talbot's contour (``theory.two_layer.pfaffian``).

A non-zero target with two inputs (or outputs) and hidden ≥ 2: V = E_l[P(K < ε | l)] over the 2×2 Wishart
spectrum, the conditional law inverted from its closed-form transform on a parabola through its saddle point
(``theory.two_layer.two_sided``; Talbot's contour fails there), or for a rank-one target where a column is narrow
by real quadrature (``theory.two_layer.two_sided_rank_one``; rank one for ε < s²/2 only). A non-zero target with hidden ≥ 2
and both sides above 2 is outside the stated range.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import mpmath

from theory.precision import input_precision, refined, with_precision_contract
from theory.special.noncentral_chi2 import poisson_gamma_mixture
from theory.thermodynamics import VolumePoint
from theory.two_layer.hidden_one import (
    any_rank,
    cosine_product_law,
    gamma_product_cdf,
    gamma_product_density,
    hidden_one,
    quad_pair,
    two_by_two,
)
from theory.two_layer.pfaffian import zero_target_volume
from theory.two_layer.two_sided import two_sided_target_volume
from theory.validation import positive_int, prior_pair, real_number

__all__ = ["two_layer_volume"]


class _Case(NamedTuple):
    """The validated inputs of ``two_layer_volume``: ε (``level``), the sizes, the prior variances and the target's
    non-zero singular values, largest first (mpf at the input precision)."""

    eps: object  # as given, for messages
    level: mpmath.mpf
    inputs: int
    hidden: int
    outputs: int
    s_a: mpmath.mpf
    s_b: mpmath.mpf
    values: list[mpmath.mpf]
    dps: int

    @property
    def small_side(self) -> int:
        return min(self.inputs, self.outputs)

    @property
    def large_side(self) -> int:
        return max(self.inputs, self.outputs)

    @property
    def target(self) -> mpmath.mpf:
        return self.values[0] if self.values else mpmath.mpf(0)

    @property
    def what(self) -> str:
        return f"V(ε) of the two-layer model at ε = {self.eps}"


def two_layer_volume(
    eps: object, inputs: int, hidden: int, outputs: int, singular_value: object = 0,
    prior_var: object | tuple[object, object] = 1, dps: int = 15,
) -> VolumePoint:  # fmt: skip
    """V(ε) and its exponent for the two-layer model (module docstring), precision contract.

    ``singular_value`` is the target's non-zero singular value s (0: zero target), or a sequence of its singular
    values. Zero target: any sizes — hidden = 1, or any hidden size with inputs = 1 or outputs = 1, or (through
    the eigenvalues of a 2×2 Wishart matrix) inputs = 2 or outputs = 2, or (a Pfaffian over the Wishart
    spectrum, inverted from Z(n) by Talbot's rule: ``theory.two_layer.pfaffian``) both sides above 2. One
    non-zero singular value: inputs = 1 or outputs = 1 (any hidden size), by the Poisson mixture for ε ≤ s²/8
    and by slicing along the target beyond; hidden = 1 with both sizes above 1 at any ε, through the laws of
    ‖a‖‖b‖ and of the product of two cosines (through the arcsine-sum law when one size is 2). Several non-zero
    singular values s1 ≥ s2 ≥ …: hidden = 1 at any sizes — with inputs = 2 or outputs = 2 through the law of a
    sum of two arcsine variables (times an independent Beta radius when the other size is above 2), with both
    sides above 2 through the law of u = ‖Mβ̂‖² on the sphere (``theory.two_layer.hidden_one.any_rank``); the
    target is then out of reach (rank > hidden = 1), K ≥ L0 = Σ_(k≥2) s_k²/2, ε must exceed L0, and the exponent
    is d log V/d log(ε − L0) (→ λ of the best rank-1 fit as ε → L0). One or two singular values with hidden ≥ 2
    and inputs = 2 or outputs = 2: the Wishart spectrum and the conditional law given it
    (``theory.two_layer.two_sided``; rank one for ε < s²/2), slow (tens of seconds to minutes at 4–6 digits).
    Elsewhere the exponent is d log V/d log ε. Other cases raise ``ValueError``. ``prior_var`` is s_a = s_b or
    the pair (s_a, s_b).
    """
    case = _validated(eps, inputs, hidden, outputs, singular_value, prior_var, dps)
    return _regime(case)(case)


def _regime(case: _Case) -> Callable[[_Case], VolumePoint]:
    """The case table of the module docstring, one named function per regime."""
    zero_target, h, side = not case.values, case.hidden, case.small_side
    if h > 1 and not zero_target and side == 2:
        return two_sided_target
    if h > 1 and zero_target and side > 2:
        return pfaffian_zero_target
    if h > 1 and zero_target and side == 2:
        return wishart_zero_target
    if len(case.values) > 1 or (not zero_target and side == 2):
        return hidden_one_beyond_rank_one  # hidden = 1
    if not zero_target and side > 1:
        return hidden_one_rank_one  # hidden = 1
    if not zero_target and case.level > case.target**2 / 8:
        return one_sided_sliced
    return one_sided_poisson


def _validated(eps: object, inputs: int, hidden: int, outputs: int, singular_value: object, prior_var: object, dps: int) -> _Case:
    n_in, h, n_out = positive_int(inputs, "inputs"), positive_int(hidden, "hidden"), positive_int(outputs, "outputs")
    positive_int(dps, "dps")
    with mpmath.workdps(input_precision(dps)):
        level = real_number(eps, "eps", positive=True)
        s_a, s_b = prior_pair(prior_var)
        s_a, s_b = real_number(s_a, "prior variance s_a", positive=True), real_number(s_b, "prior variance s_b", positive=True)
        given = list(singular_value) if isinstance(singular_value, (list, tuple)) else [singular_value]
        if not given:
            raise ValueError("singular_value is empty: give the target's singular values (e.g. [0] for the zero target)")
        values = sorted((v for v in (real_number(v, "singular_value") for v in given) if v > 0), reverse=True)
    if len(given) > min(n_in, n_out):
        raise ValueError(
            f"singular_value {singular_value!r}: a {n_out}×{n_in} target has at most min(inputs, outputs) = "
            f"{min(n_in, n_out)} singular values"
        )
    if h > 1 and min(n_in, n_out) > 2 and values:
        raise ValueError(
            f"hidden = {h} with inputs = {n_in}, outputs = {n_out} and a target of rank {len(values)}: the exact V(ε) "
            "covers hidden = 1, or inputs ≤ 2 or outputs ≤ 2, or the zero target"
        )
    return _Case(eps, level, n_in, h, n_out, s_a, s_b, values, dps)


def two_sided_target(case: _Case) -> VolumePoint:
    """Hidden ≥ 2, a side of 2, a non-zero target: the Wishart spectrum and the conditional law given it
    (``theory.two_layer.two_sided``); rank one only for ε < s²/2."""
    if len(case.values) == 1 and 2 * case.level >= case.target**2:
        raise ValueError(
            f"eps = {case.eps} is not below s²/2 = {mpmath.nstr(case.target**2 / 2, 8)}: for a rank-one target with hidden = "
            f"{case.hidden} > 1 the exact V(ε) covers ε < s²/2 (above it, where both columns are narrow, its quadrature is not "
            "yet bounded)"
        )

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_, (s1, s2) = mpmath.mpf(case.level), [mpmath.mpf(v) for v in case.values + [0] * (2 - len(case.values))]
        volume, slope = two_sided_target_volume(eps_, case.hidden, case.large_side, s1, s2, mpmath.mpf(case.s_a) * mpmath.mpf(case.s_b),
                                                refine, case.dps, case.what)  # fmt: skip
        return [volume, eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what, guard=5)
    return VolumePoint(case.level, volume, exponent, digits)


def pfaffian_zero_target(case: _Case) -> VolumePoint:
    """Zero target, hidden ≥ 2, both sides above 2: a Pfaffian over the Wishart spectrum, inverted by Talbot's rule."""
    return zero_target_volume(case.level, case.inputs, case.hidden, case.outputs, case.s_a, case.s_b, case.dps)


def wishart_zero_target(case: _Case) -> VolumePoint:
    """Zero target, hidden ≥ 2, a side of 2: one integral over the 2×2 Wishart eigenvalues (``_two_sided_zero_target``)."""

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_ = mpmath.mpf(case.level)
        volume, slope = _two_sided_zero_target(eps_, case.hidden, case.large_side, mpmath.mpf(case.s_a) * mpmath.mpf(case.s_b), refine)
        return [volume, eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what)
    return VolumePoint(case.level, volume, exponent, digits)


def hidden_one_beyond_rank_one(case: _Case) -> VolumePoint:
    """Hidden = 1 against a target of rank > 1 (any sizes) or of rank one on a side of 2: the arcsine-sum law (a side
    of 2) or the laws of u = ‖Mβ̂‖² and σ (``any_rank``); ε must exceed L0 = Σ_(k≥2) s_k²/2, the exponent is
    d log V/d log(ε − L0)."""
    values, side, large = case.values, case.small_side, case.large_side
    floor = mpmath.fsum(v * v for v in values[1:]) / 2
    if not case.level - floor > floor * mpmath.mpf(10) ** -case.dps:  # ε − L0 resolvable at dps digits
        raise ValueError(
            f"eps = {case.eps} is not above the least loss L0 = Σ_(k≥2) s_k²/2 = {mpmath.nstr(floor, 8)} of the rank-one "
            f"model against this rank-{len(values)} target: V(ε) = 0 there"
        )
    variance = mpmath.mpf(case.s_a) * mpmath.mpf(case.s_b)

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_, singular = mpmath.mpf(case.level), [mpmath.mpf(v) for v in values]
        if side == 2:  # the arcsine-sum law: one integral (two for N ≥ 3; two_by_two)
            volume, slope = two_by_two(eps_, *singular, *[mpmath.mpf(0)] * (2 - len(singular)), variance, refine, large)
        else:  # the laws of u = ‖Mβ̂‖² and σ (any_rank); the larger side as w keeps its density bounded
            volume, slope = any_rank(eps_, singular, side, large, variance, refine, case.dps)
        return [volume, (eps_ - mpmath.mpf(floor)) * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what, guard=5 if side > 2 else 10)
    return VolumePoint(case.level, volume, exponent, digits)


def hidden_one_rank_one(case: _Case) -> VolumePoint:
    """Hidden = 1, both sides above 1, a rank-one target: the laws of ‖a‖‖b‖ and of the product of two cosines."""

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_, s = mpmath.mpf(case.level), mpmath.mpf(case.target)
        # K is symmetric under transposition: the larger side as w keeps its density bounded (N ≥ 3)
        law = cosine_product_law(s, case.small_side, case.large_side, refine)
        variance = mpmath.mpf(case.s_a) * mpmath.mpf(case.s_b)
        volume, slope = hidden_one(eps_, s * s, law, [s, mpmath.mpf(0), -s], case.small_side, case.large_side, variance, refine)
        return [volume, eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what)
    return VolumePoint(case.level, volume, exponent, digits)


def _one_sided(case: _Case) -> _Case:
    """The case transposed, where needed, so that N_in = 1 (K is symmetric under transposition)."""
    if (case.hidden > 1 or case.values) and case.inputs > 1:
        return case._replace(inputs=case.outputs, outputs=case.inputs, s_a=case.s_b, s_b=case.s_a)
    return case


def one_sided_sliced(case: _Case) -> VolumePoint:
    """One input (or output) and a rank-one target at ε > s²/8: the event sliced along the target (``_slab``)."""
    case = _one_sided(case)

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_, sa, sb, s = mpmath.mpf(case.level), mpmath.mpf(case.s_a), mpmath.mpf(case.s_b), mpmath.mpf(case.target)
        volume, slope = _slab(eps_, s, case.inputs * case.hidden, case.outputs, sa, sb, refine)
        return [volume, eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what)
    return VolumePoint(case.level, volume, exponent, digits)


def one_sided_poisson(case: _Case) -> VolumePoint:
    """One input (or output), or hidden = 1, at a zero target or a rank-one target with ε ≤ s²/8:
    V(ε) = E_y[P(α, ε/(s_b y))] with the non-central χ² as a Poisson mixture of incomplete gammas."""
    case = _one_sided(case)
    dof, alpha, n_out = mpmath.mpf(case.inputs * case.hidden), mpmath.mpf(case.outputs) / 2, case.outputs

    def evaluate(refine: bool) -> list[mpmath.mpf]:
        eps_, sa, sb, s2 = mpmath.mpf(case.level), mpmath.mpf(case.s_a), mpmath.mpf(case.s_b), mpmath.mpf(case.target) ** 2
        half = dof / 2
        log_norm = -half * mpmath.log(2 * sa) - mpmath.loggamma(half)
        log_scale = mpmath.mpf(0)  # mpmath's quadrature stops on an absolute tolerance: integrate V/L, L ~ V

        def parts(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            if y == 0:
                return mpmath.mpf(0), mpmath.mpf(0)
            prior = mpmath.exp(log_norm - log_scale + (half - 1) * mpmath.log(y) - y / (2 * sa))
            cdf, density = poisson_gamma_mixture(s2 / (2 * sb * y), alpha, eps_ / (sb * y))
            return prior * cdf, prior * density / (sb * y)

        # the integrand changes character at y ~ ε/s_b (the ball's edge) and decays on the prior's scale s_a·d
        edge, spread = eps_ / sb, sa * dof
        points = {edge / 64, edge * 64, spread / 8, spread * 8, spread * 64}
        x = edge / 64
        while x < spread * 64:
            points.add(x)
            x *= 16
        start = mpmath.mpf(0)
        if s2 > 0:  # below the floor the event has probability < e^(−cut) (module docstring); the centre is at y ~ s²/s_b
            cut = 3 * mpmath.mp.dps + 60 + n_out * abs(mpmath.log(eps_))
            start = (mpmath.sqrt(s2) - mpmath.sqrt(2 * eps_)) ** 2 / (2 * sb * cut)
            points = {p for p in points if p > start} | {s2 / sb / 64, s2 / sb, s2 / sb * 64}
        points = [start, *sorted(points), mpmath.inf]
        log_scale = max(mpmath.log(parts(y)[0] * y) for y in points[1:-1])  # y·f(y) is the mass per unit of log y
        if refine:
            points = refined(points)
        volume, slope = quad_pair(parts, points)
        return [volume * mpmath.exp(log_scale), eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(evaluate, case.dps, case.what)
    return VolumePoint(case.level, volume, exponent, digits)


def _slab(eps: mpmath.mpf, s: mpmath.mpf, dof: int, outputs: int, sa: mpmath.mpf, sb: mpmath.mpf, refine: bool) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(V(ε), V'(ε)) by slicing along the target (module docstring), y = ‖a‖² ~ s_a·χ²_dof, for N_out = outputs.

    The y-integrals run in t = log y, where the integrand y·f(y) is smooth and decays fast at both ends (the
    Gaussian in u below y ~ u²/s_b, the prior above y ~ s_a·dof), cut at those scales and at (r² − (u − s)²)/(2s_b)
    where the χ² argument is 1, and truncated where it is below 10^(−dps−10) of its size. The u-integral runs
    in θ with u = s + r cos θ, which turns the slab's ends (where the χ² probability vanishes like a power of
    r² − (u − s)² = r² sin²θ) into smooth points, and is cut where u = 0 (the density of u has a log
    singularity there when dof = 1). mpmath's Gauss–Legendre rule, and tanh–sinh for θ where u = 0 lies in the
    slab; every integrand is divided by its largest sampled value first (mpmath stops on an absolute
    tolerance)."""
    half, alpha, r = mpmath.mpf(dof) / 2, mpmath.mpf(outputs - 1) / 2, mpmath.sqrt(2 * eps)
    log_norm = -half * mpmath.log(2 * sa) - mpmath.loggamma(half)
    depth = (mpmath.mp.dps + 10) * mpmath.log(10)  # e^(−depth) is negligible

    def log_prior(y: mpmath.mpf) -> mpmath.mpf:
        return log_norm + (half - 1) * mpmath.log(y) - y / (2 * sa)

    def log_integral(f, scales: list[mpmath.mpf], lowest: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """∫_0^∞ f(y) dy = ∫ y f(y) dt (y = e^t), f a pair (value, ε-derivative), from y = lowest up to where
        the prior is negligible, cut at the scales."""
        top = 2 * sa * (2 * depth + dof * mpmath.log(2 * depth + dof))
        cuts = sorted({mpmath.log(c) for c in scales if lowest < c < top} | {mpmath.log(lowest), mpmath.log(top)})
        samples = [mpmath.exp(t) for t in cuts[1:-1]] or [mpmath.sqrt(lowest * top)]
        size = max(abs(f(y)[0]) * y for y in samples)
        size = size if size > 0 else mpmath.mpf(1)
        if refine:
            cuts = refined(cuts)

        def g(t: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            y = mpmath.exp(t)
            value, slope = f(y)
            return value * y / size, slope * y / size

        volume, slope = quad_pair(g, cuts, "gauss-legendre")
        return volume * size, slope * size

    if outputs == 1:  # the slab is the interval |u − s| < r

        def interval(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            width = mpmath.sqrt(2 * sb * y)
            low, high = (s - r) / width, (s + r) / width
            mass = (mpmath.erfc(low) - mpmath.erfc(high)) / 2 if low > 0 else (mpmath.erf(high) - mpmath.erf(low)) / 2
            edge = (mpmath.exp(-low * low) + mpmath.exp(-high * high)) / (mpmath.sqrt(mpmath.pi) * width * r)
            weight = mpmath.exp(log_prior(y))
            return weight * mass, weight * edge

        # below y = lowest the interval holds no mass (s > r: the Gaussian is too narrow to reach it) or all of
        # it (s < r), and the prior mass there is below e^(−depth)
        lowest = (s - r) ** 2 / (2 * sb * depth) if s > r else 2 * sa * mpmath.exp(-2 * depth / dof)
        return log_integral(interval, [(s - r) ** 2 / sb, (s + r) ** 2 / sb, sa * dof], lowest)

    def column(u: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """∫ dy of the slice at u, and of its ε-derivative."""
        room = r * r - (u - s) ** 2
        if room <= 0 or u == 0:
            return mpmath.mpf(0), mpmath.mpf(0)

        def slice_(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            w = room / (2 * sb * y)
            weight = mpmath.exp(log_prior(y) - u * u / (2 * sb * y) - mpmath.log(2 * mpmath.pi * sb * y) / 2)
            density = mpmath.exp((alpha - 1) * mpmath.log(w) - w - mpmath.loggamma(alpha))
            return weight * mpmath.gammainc(alpha, 0, w, regularized=True), weight * density / (sb * y)

        return log_integral(slice_, [u * u / sb, room / (2 * sb), sa * dof], u * u / (2 * sb * depth))

    def angular(theta: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        volume, slope = column(s + r * mpmath.cos(theta))
        jacobian = r * mpmath.sin(theta)
        return volume * jacobian, slope * jacobian

    ends = [mpmath.mpf(0), *([mpmath.acos(-s / r)] if s < r else []), mpmath.pi]
    samples = [a + (b - a) * k / 4 for a, b in zip(ends, ends[1:]) for k in (1, 2, 3)]
    size = max(abs(angular(theta)[0]) for theta in samples) * mpmath.pi
    size = size if size > 0 else mpmath.mpf(1)
    if refine:
        ends = refined(ends)
    method = "tanh-sinh" if s < r else "gauss-legendre"  # tanh–sinh for the log singularity at u = 0
    volume, slope = quad_pair(lambda theta: tuple(v / size for v in angular(theta)), ends, method)
    return volume * size, slope * size


def _two_sided_zero_target(
    eps: mpmath.mpf, hidden: int, others: int, variance: mpmath.mpf, refine: bool
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(V(ε), V'(ε)) for the zero target with two inputs, ``hidden`` = H ≥ 2 and ``others`` = N outputs (or the
    transpose), s_a·s_b = ``variance``.

    Given A (H × 2), the N rows of B·A are N(0, s_b W) with W = AᵀA ~ Wishart_2(H, s_a I), so
    2K = ‖BA‖² = s_b(l1 X1 + l2 X2), l1 ≥ l2 the eigenvalues of W and X1, X2 ~ χ²_N. The eigenvalue density
    ∝ (l1 l2)^((H−3)/2)(l1 − l2) e^(−(l1+l2)/2) (Muirhead 2005, Thm 3.2.18) factorises in u = l1 + l2 ~ s_a·χ²_2H
    and v = (l1 − l2)/u, with w = 1 − v² ~ Beta((H − 1)/2, 1); and X1 = S·D, X2 = S·(1 − D) with S ~ χ²_2N and
    D ~ Beta(N/2, N/2) independent. So K = 2 s_a s_b·G_H·G_N·g, G_H, G_N ~ Gamma(H), Gamma(N) and
    g = (1 − v)/2 + v·D, and

      V(ε) = E_(w,D)[F(ε/(2 s_a s_b g))],   F(z) = P(G_H G_N ≤ z) = 1 − (2/Γ(N)) Σ_(k<H) z^((N+k)/2) K_(N−k)(2√z)/k!

    (E[G_N^(−k) e^(−z/G_N)] = 2z^((N−k)/2) K_(N−k)(2√z)/Γ(N)), V'(ε) the same with F'(z)·z/ε, F' the density
    2z^((H+N)/2−1) K_(H−N)(2√z)/(Γ(H)Γ(N)) of a product of two Gamma variables. F cancels to ~z^min(H,N) for
    small z and is evaluated with as many more digits (:func:`gamma_product_cdf`). One integral over g, of F
    times the density of g (a Gauss hypergeometric function), scaled by F at g = 1/2 (mpmath stops on an
    absolute tolerance),
    cut at g = 1/2 (where the range of v opens to 0) and, for small ε, near g ~ ε/(s_a s_b) where F saturates."""
    def cdf_and_density(z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        return gamma_product_cdf(z, hidden, mpmath.mpf(others)), gamma_product_density(z, mpmath.mpf(hidden), mpmath.mpf(others))

    base = eps / variance  # z = base/(2g)
    scale = cdf_and_density(base)[0]
    half_n = mpmath.mpf(others) / 2
    beta_d = mpmath.beta(half_n, half_n)

    a, b = mpmath.mpf(hidden - 3) / 2, half_n - 1
    g_norm = (hidden - 1) / beta_d / (2 * 4**b)

    def g_density(g: mpmath.mpf) -> mpmath.mpf:
        """f_g(g) = (H − 1)/B(N/2, N/2) · ∫_c^1 (1 − v²)^a ((v² − c²)/(4v²))^b dv, c = |2g − 1|, a = (H − 3)/2,
        b = N/2 − 1 (v's density (H − 1)v(1 − v²)^a times D's at d = (g − (1 − v)/2)/v, over v); with t = v² and
        t = c² + (1 − c²)s it is Euler's integral of ₂F₁ (DLMF 15.6.1):
        ½·4^(−b)(1 − c²)^(a+b+1) c^(−2b−1) B(b + 1, a + 1) ₂F₁(b + ½, b + 1; a + b + 2; −(1 − c²)/c²),
        and ½·4^(−b) B(a + 1, ½) at c = 0."""
        c = abs(2 * g - 1)
        if c == 0:
            return g_norm * mpmath.beta(a + 1, mpmath.mpf(1) / 2)
        if c >= 1:
            return mpmath.mpf(0)
        rest = 1 - c * c
        return g_norm * rest ** (a + b + 1) * c ** (-2 * b - 1) * mpmath.beta(b + 1, a + 1) * mpmath.hyp2f1(b + mpmath.mpf(1) / 2, b + 1, a + b + 2, -rest / (c * c))

    def at(g: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        z = base / (2 * g)
        cdf, density = cdf_and_density(z)
        weight = g_density(g) / scale
        return weight * cdf, weight * density * z / eps

    points = sorted({mpmath.mpf(0), mpmath.mpf(1) / 2, mpmath.mpf(1), *([base, base / 64] if base < mpmath.mpf(1) / 4 else [])})
    volume, slope = quad_pair(at, refined(points) if refine else points)
    return volume * scale, slope * scale

