"""The volume function of the two-layer linear model: V(ε) = prior mass of {K < ε}.

K = ½‖B·A‖² with A: H×N_in ~ N(0, s_a), B: N_out×H ~ N(0, s_b) entrywise (REFERENCES §5 with M = 0). With
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

Hidden = 1 with a target of rank one and N_in, N_out ≥ 2: K = ½‖b·aᵀ − s·e₁v₁ᵀ‖² = ½(σ² − 2sσc + s²) with
σ = ‖a‖‖b‖ and c = x·w, where x = â·v₁ and w = b̂·e₁ are independent of σ and of each other, with densities
∝ (1 − x²)^((N−3)/2) (w² ~ Beta(½, (N−1)/2)). So K < ε ⟺ c > c*(σ) = (σ² + s² − 2ε)/(2sσ), and

  V(ε) = ∫ f_σ(σ) P(c > c*(σ)) dσ,    V'(ε) = ∫ f_σ(σ) f_c(c*(σ))/(sσ) dσ,

with σ²/(4 s_a s_b) = XY, X ~ Gamma(N_in/2), Y ~ Gamma(N_out/2), of density 2t^((α+β)/2−1) K_(α−β)(2√t)/(Γ(α)Γ(β))
(the product of two Gamma variables), and P(c > v) = 2∫_0^(π/2) p(φ) P(w > v/cos φ) dφ over x = cos φ, with
P(w > u) = ½ I_(1−u²)((N_out − 1)/2, ½) for u ≥ 0 (:func:`_hidden_one`, :func:`_cosine_product_law`). At every ε: beyond
ε = s²/2 (the value of K at w = 0) every direction qualifies for σ < √(2ε) − s, and c* crosses 0, where the
density of c has a log singularity, at σ = √(2ε − s²) (below s²/2, c* stays positive and is least at
σ = √(s² − 2ε)).

With two inputs and two outputs any target diag(s1, s2) is covered by one integral (:func:`_two_by_two`): there
t = α̂ᵀMβ̂ is a sum of two independent arcsine variables, with an elliptic-integral density, and for fixed t the
event is an interval of σ, whose distribution function is 1 − 2√z·K_1(2√z). With two inputs and N ≥ 3 outputs
(or the transpose) t = ρ·T, T that two-output variable and ρ² ~ Beta(1, (N − 2)/2) independent of it, and the
distribution function of σ is 1 − 2z^(N/4)·K_(N/2)(2√z)/Γ(N/2): one more integral, inside the density of t.
With s2 > 0 the target is out of reach (rank 2 > hidden = 1): K ≥ L0 = s2²/2 and the exponent is taken in
ε − L0.

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
Z(n) = E[e^(−nK)], a Pfaffian over the Wishart spectrum, on Talbot's contour (``theory.two_layer_pfaffian``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath

from theory.precision import input_precision, refined, with_precision_contract
from theory.thermodynamics import VolumePoint
from theory.two_layer_pfaffian import zero_target_volume
from theory.validation import positive_int, real_number

__all__ = ["two_layer_volume"]


def _poisson_mixture(mu: mpmath.mpf, alpha: mpmath.mpf, x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(Σ_j Pois(j; μ)·P(α + j, x), Σ_j Pois(j; μ)·ρ_{α+j}(x)), P summed backwards from a direct value at j = J."""
    if mu == 0:
        return mpmath.gammainc(alpha, 0, x, regularized=True), mpmath.exp((alpha - 1) * mpmath.log(x) - x - mpmath.loggamma(alpha))
    width = mpmath.sqrt(2 * mpmath.log(10) * (mpmath.mp.dps + 10))  # Poisson and gamma tails beyond J are below eps
    top = int(mpmath.ceil(mu + x + 2 * width * mpmath.sqrt(mu + x + 1) + width**2))
    cdf = mpmath.gammainc(alpha + top, 0, x, regularized=True)
    density = mpmath.exp((alpha + top - 1) * mpmath.log(x) - x - mpmath.loggamma(alpha + top))
    cdfs, densities = [cdf], [density]
    for j in range(top - 1, -1, -1):  # P(a, x) = P(a+1, x) + ρ_{a+1}(x),  ρ_a(x) = ρ_{a+1}(x)·a/x
        cdf += density
        density *= (alpha + j) / x
        cdfs.append(cdf)
        densities.append(density)
    weight, total_cdf, total_density = mpmath.exp(-mu), mpmath.mpf(0), mpmath.mpf(0)
    for j, (c, d) in enumerate(zip(reversed(cdfs), reversed(densities))):
        total_cdf += weight * c
        total_density += weight * d
        weight *= mu / (j + 1)
    return total_cdf, total_density


def two_layer_volume(
    eps: object, inputs: int, hidden: int, outputs: int, singular_value: object = 0,
    prior_var: object | tuple[object, object] = 1, dps: int = 15,
) -> VolumePoint:  # fmt: skip
    """V(ε) and its exponent for the two-layer model (module docstring), precision contract.

    ``singular_value`` is the target's non-zero singular value s (0: zero target), or a sequence of its singular
    values. Zero target: any sizes — hidden = 1, or any hidden size with inputs = 1 or outputs = 1, or (through
    the eigenvalues of a 2×2 Wishart matrix) inputs = 2 or outputs = 2, or (a Pfaffian over the Wishart
    spectrum, inverted from Z(n) by Talbot's rule: ``theory.two_layer_pfaffian``) both sides above 2. One
    non-zero singular value: inputs = 1 or outputs = 1 (any hidden size), by the Poisson mixture for ε ≤ s²/8
    and by slicing along the target beyond; hidden = 1 with both sizes above 1 at any ε, through the laws of
    ‖a‖‖b‖ and of the product of two cosines (through the arcsine-sum law when one size is 2). Two non-zero
    singular values s1 ≥ s2: hidden = 1 with inputs = 2 or outputs = 2, through the law of a sum of two arcsine
    variables (times an independent Beta radius when the other size is above 2); the target is then out of
    reach (rank 2 > hidden = 1), K ≥ L0 = s2²/2, ε must exceed L0, and the exponent is d log V/d log(ε − L0)
    (→ λ of the best rank-1 fit as ε → L0).
    Elsewhere the exponent is d log V/d log ε. Other cases raise ``ValueError``. ``prior_var`` is s_a = s_b or
    the pair (s_a, s_b).
    """
    n_in, h, n_out = positive_int(inputs, "inputs"), positive_int(hidden, "hidden"), positive_int(outputs, "outputs")
    with mpmath.workdps(input_precision(dps)):
        level = real_number(eps, "eps", positive=True)
        s_a, s_b = (prior_var, prior_var) if not isinstance(prior_var, (tuple, list)) else prior_var
        s_a, s_b = real_number(s_a, "prior variance s_a", positive=True), real_number(s_b, "prior variance s_b", positive=True)
        given = list(singular_value) if isinstance(singular_value, (list, tuple)) else [singular_value]
        values = sorted((v for v in (real_number(v, "singular_value") for v in given) if v > 0), reverse=True)
    if h > 1 and min(n_in, n_out) > 1 and values:
        raise ValueError(
            f"hidden = {h} with inputs = {n_in}, outputs = {n_out} and a target of rank {len(values)}: the exact V(ε) "
            "covers hidden = 1, or inputs = 1 or outputs = 1, or the zero target"
        )
    if len(given) > min(n_in, n_out):
        raise ValueError(
            f"singular_value {singular_value!r}: a {n_out}×{n_in} target has at most min(inputs, outputs) = "
            f"{min(n_in, n_out)} singular values"
        )
    two_sided = h == 1 and min(n_in, n_out) == 2  # t = α̂ᵀMβ̂ through the arcsine-sum law (_two_by_two)
    if len(values) > 1 and not two_sided:
        raise ValueError(
            f"{len(values)} non-zero singular values with inputs = {n_in}, hidden = {h}, outputs = {n_out}: the exact "
            "V(ε) covers targets of rank one, and of rank two for hidden = 1 with inputs = 2 or outputs = 2"
        )
    target = values[0] if values else mpmath.mpf(0)
    what = f"V(ε) of the two-layer model at ε = {eps}"
    if not values and h > 1 and min(n_in, n_out) > 2:  # the Wishart spectrum of any size: a Pfaffian (Laplace inversion)
        return zero_target_volume(level, n_in, h, n_out, s_a, s_b, dps)
    if not values and h > 1 and min(n_in, n_out) == 2:  # the Wishart eigenvalues of the 2-side (_two_sided_zero_target)

        def wishart(refine: bool) -> list[mpmath.mpf]:
            eps_ = mpmath.mpf(level)
            volume, slope = _two_sided_zero_target(eps_, h, max(n_in, n_out), mpmath.mpf(s_a) * mpmath.mpf(s_b), refine)
            return [volume, eps_ * slope / volume]

        (volume, exponent), digits = with_precision_contract(wishart, dps, what)
        return VolumePoint(level, volume, exponent, digits)
    if values and two_sided:  # rank one or two: one integral (two for N ≥ 3; _two_by_two); K ≥ L0 = s2²/2
        second = values[1] if len(values) == 2 else mpmath.mpf(0)
        floor = second**2 / 2
        if not level - floor > floor * mpmath.mpf(10) ** -positive_int(dps, "dps"):  # ε − L0 resolvable at dps digits
            raise ValueError(
                f"eps = {eps} is not above the least loss L0 = s2²/2 = {mpmath.nstr(floor, 8)} of the rank-one model "
                "against this rank-2 target: V(ε) = 0 there"
            )

        def two_by_two(refine: bool) -> list[mpmath.mpf]:
            eps_, s1, s2 = mpmath.mpf(level), mpmath.mpf(values[0]), mpmath.mpf(second)
            volume, slope = _two_by_two(eps_, s1, s2, mpmath.mpf(s_a) * mpmath.mpf(s_b), refine, max(n_in, n_out))
            return [volume, (eps_ - mpmath.mpf(floor)) * slope / volume]

        (volume, exponent), digits = with_precision_contract(two_by_two, dps, what)
        return VolumePoint(level, volume, exponent, digits)

    if target > 0 and min(n_in, n_out) > 1:  # hidden = 1: the rank-one product b·aᵀ against the target

        def rank_one(refine: bool) -> list[mpmath.mpf]:
            eps_, s = mpmath.mpf(level), mpmath.mpf(target)
            # K is symmetric under transposition: the larger side as w keeps its density bounded (N ≥ 3)
            law = _cosine_product_law(s, min(n_in, n_out), max(n_in, n_out), refine)
            variance = mpmath.mpf(s_a) * mpmath.mpf(s_b)
            volume, slope = _hidden_one(eps_, s * s, law, [s, mpmath.mpf(0), -s], min(n_in, n_out), max(n_in, n_out), variance, refine)
            return [volume, eps_ * slope / volume]

        (volume, exponent), digits = with_precision_contract(rank_one, dps, what)
        return VolumePoint(level, volume, exponent, digits)
    if (h > 1 or target > 0) and n_in > 1:  # transpose so that N_in = 1
        n_in, n_out, s_a, s_b = n_out, n_in, s_b, s_a
    dof, alpha = mpmath.mpf(n_in * h), mpmath.mpf(n_out) / 2

    def sliced(refine: bool) -> list[mpmath.mpf]:
        eps_, sa, sb, s = mpmath.mpf(level), mpmath.mpf(s_a), mpmath.mpf(s_b), mpmath.mpf(target)
        volume, slope = _slab(eps_, s, n_in * h, n_out, sa, sb, refine)
        return [volume, eps_ * slope / volume]

    def compute(refine: bool) -> list[mpmath.mpf]:
        eps_, sa, sb, s2 = mpmath.mpf(level), mpmath.mpf(s_a), mpmath.mpf(s_b), mpmath.mpf(target) ** 2
        half = dof / 2
        log_norm = -half * mpmath.log(2 * sa) - mpmath.loggamma(half)
        log_scale = mpmath.mpf(0)  # mpmath's quadrature stops on an absolute tolerance: integrate V/L, L ~ V

        def parts(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            if y == 0:
                return mpmath.mpf(0), mpmath.mpf(0)
            prior = mpmath.exp(log_norm - log_scale + (half - 1) * mpmath.log(y) - y / (2 * sa))
            cdf, density = _poisson_mixture(s2 / (2 * sb * y), alpha, eps_ / (sb * y))
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
        volume, slope = _quad_pair(parts, points)
        return [volume * mpmath.exp(log_scale), eps_ * slope / volume]

    method = sliced if target > 0 and level > target**2 / 8 else compute
    (volume, exponent), digits = with_precision_contract(method, dps, what)
    return VolumePoint(level, volume, exponent, digits)


def _quad_pair(f: Callable, points: Sequence[mpmath.mpf], method: str = "tanh-sinh") -> tuple[mpmath.mpf, mpmath.mpf]:
    """(∫ f[0], ∫ f[1]) over the points by ``mpmath.quad``, f (a pair: the volume's integrand and that of its
    ε-derivative) evaluated once per node: both integrals visit the same nodes."""
    memo: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}

    def g(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        if x not in memo:
            memo[x] = f(x)
        return memo[x]

    volume = mpmath.quad(lambda x: g(x)[0], points, method=method)
    return volume, mpmath.quad(lambda x: g(x)[1], points, method=method)


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

        volume, slope = _quad_pair(g, cuts, "gauss-legendre")
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
    volume, slope = _quad_pair(lambda theta: tuple(v / size for v in angular(theta)), ends, method)
    return volume * size, slope * size


def _gamma_product_density(z: mpmath.mpf, alpha: mpmath.mpf, beta: mpmath.mpf) -> mpmath.mpf:
    """The density at z of G_α·G_β, the product of independent Gamma(α) and Gamma(β) variables:
    2z^((α+β)/2−1) K_(α−β)(2√z)/(Γ(α)Γ(β))."""
    return 2 * z ** ((alpha + beta) / 2 - 1) * mpmath.besselk(alpha - beta, 2 * mpmath.sqrt(z)) / (mpmath.gamma(alpha) * mpmath.gamma(beta))


def _gamma_product_cdf(z: mpmath.mpf, alpha: int, beta: mpmath.mpf) -> mpmath.mpf:
    """P(G_α·G_β ≤ z) for an integer α: 1 − E[e^(−z/G_β) Σ_(k<α) (z/G_β)^k/k!] =
    1 − (2/Γ(β)) Σ_(k<α) z^((β+k)/2) K_(β−k)(2√z)/k!, as E[G_β^(−k) e^(−z/G_β)] = 2z^((β−k)/2) K_(β−k)(2√z)/Γ(β).
    It cancels to ~z^min(α,β) for small z, and is evaluated with as many more digits."""
    lost = int(min(alpha, beta)) * max(0, int(-mpmath.log10(z))) + 5 if z < 1 else 0
    with mpmath.extradps(lost):
        root = 2 * mpmath.sqrt(z)
        tail = sum(z ** ((beta + k) / 2) * mpmath.besselk(beta - k, root) / mpmath.factorial(k) for k in range(alpha))
        return +(1 - 2 * tail / mpmath.gamma(beta))


def _hidden_one(
    eps: mpmath.mpf, norm2: mpmath.mpf, t_law: Callable, singular: Sequence[mpmath.mpf], n_in: int, n_out: int,
    variance: mpmath.mpf, refine: bool,
) -> tuple[mpmath.mpf, mpmath.mpf]:  # fmt: skip
    """(V(ε), V'(ε)) for hidden = 1 and N_in, N_out ≥ 2 (module docstring): K = ½(σ² − 2σt + ‖M‖²), so
    V = ∫ f_σ(σ) P(t > t*(σ)) dσ and V' = ∫ f_σ(σ) f_t(t*(σ))/σ dσ with t*(σ) = (σ² + ‖M‖² − 2ε)/(2σ).
    ``t_law(v)`` is (P(t > v), the density of t at v); ``singular`` the values of t where its law is not smooth;
    ``variance`` is s_a·s_b. The σ-integral is cut where t*(σ) meets one of them (the positive roots of
    σ² − 2vσ + ‖M‖² − 2ε: beyond the largest, t* exceeds t's support and nothing qualifies) and at
    σ = √|‖M‖² − 2ε|, where t* is least (2ε < ‖M‖²) or crosses 0 (2ε > ‖M‖²). mpmath's tanh–sinh rule."""
    alpha, beta = mpmath.mpf(n_in) / 2, mpmath.mpf(n_out) / 2
    scale = 4 * variance

    def sigma_density(sigma: mpmath.mpf) -> mpmath.mpf:  # σ²/(4 s_a s_b) = G_α·G_β
        return 2 * sigma / scale * _gamma_product_density(sigma * sigma / scale, alpha, beta)

    def integrand(sigma: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        if sigma == 0:
            return mpmath.mpf(0), mpmath.mpf(0)
        survival, density = t_law((sigma * sigma + norm2 - 2 * eps) / (2 * sigma))
        f = sigma_density(sigma)
        return f * survival, f * density / sigma

    cuts = {mpmath.sqrt(abs(norm2 - 2 * eps))}
    for v in singular:  # σ² − 2vσ + ‖M‖² − 2ε = 0
        discriminant = v * v - norm2 + 2 * eps
        if discriminant >= 0:
            cuts |= {v - mpmath.sqrt(discriminant), v + mpmath.sqrt(discriminant)}
    points = [mpmath.mpf(0), *sorted(c for c in cuts if c > 0)]
    if refine:
        points = refined(points)
    return _quad_pair(integrand, points)


def _cosine_product_law(s: mpmath.mpf, n_in: int, n_out: int, refine: bool) -> Callable:
    """The law of t = s·x·w (a rank-one target s), x and w the first coordinates of independent uniform unit
    vectors in R^(n_in) and R^(n_out): v ↦ (P(t > v), f_t(v)), integrating x = cos φ over φ ∈ [0, π/2] (twice:
    (x, w) ↦ (−x, −w)) and cut where v/(s cos φ) = ±1; P(w > u) by :func:`_cosine_tail`."""
    beta_in = mpmath.beta(mpmath.mpf(1) / 2, mpmath.mpf(n_in - 1) / 2)
    beta_out = mpmath.beta(mpmath.mpf(1) / 2, mpmath.mpf(n_out - 1) / 2)
    steps = _cosine_tail_steps(n_out)

    def w_survival(u: mpmath.mpf) -> mpmath.mpf:
        if abs(u) >= 1:
            return mpmath.mpf(0 if u > 0 else 1)
        tail = _cosine_tail(abs(u), n_out, steps)
        return tail if u >= 0 else 1 - tail

    def w_density(u: mpmath.mpf) -> mpmath.mpf:
        return (1 - u * u) ** (mpmath.mpf(n_out - 3) / 2) / beta_out if abs(u) < 1 else mpmath.mpf(0)

    def law(t: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        v = t / s
        if v >= 1:
            return mpmath.mpf(0), mpmath.mpf(0)
        if v <= -1:
            return mpmath.mpf(1), mpmath.mpf(0)
        weight = lambda phi: 2 * mpmath.sin(phi) ** (n_in - 2) / beta_in  # noqa: E731
        top = mpmath.acos(abs(v))
        survival = mpmath.quad(lambda phi: weight(phi) * w_survival(v / mpmath.cos(phi)), refined([0, top, mpmath.pi / 2]) if refine else [0, top, mpmath.pi / 2])
        density = mpmath.quad(lambda phi: weight(phi) * w_density(v / mpmath.cos(phi)) / mpmath.cos(phi), refined([0, top]) if refine else [0, top])
        return survival, density / s

    return law


def _two_by_two(
    eps: mpmath.mpf, s1: mpmath.mpf, s2: mpmath.mpf, variance: mpmath.mpf, refine: bool, others: int = 2
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(V(ε), V'(ε)) for hidden = 1, two inputs and ``others`` ≥ 2 outputs (or the transpose) and a target with
    singular values s1 ≥ s2 ≥ 0, s1 > 0. First with two outputs:

    K = ½(σ² − 2σt + ‖M‖²) with σ = ‖a‖‖b‖ and t = α̂ᵀMβ̂ (module docstring). With α̂ = (cos θ, sin θ) and
    β̂ = (cos ψ, sin ψ), t = A cos u + B cos v, A = (s1 + s2)/2, B = (s1 − s2)/2, where u = θ − ψ and v = θ + ψ
    are independent and uniform: a sum of two independent arcsine variables, whose density is an elliptic
    integral, f_t(τ) = 2K(m)/(π²√((a − c)(b − d))) with a > b > c > d the roots ±A, τ ± B and
    m = (b − c)(a − d)/((a − c)(b − d)) (the integral of 1/√((A² − x²)(B² − (τ − x)²)) over [c, b], Byrd &
    Friedman 256.00; m = 0 gives the arcsine law when B = 0), taken as K(m) = π/(2·agm(1, √(1 − m))) with
    1 − m = (a − b)(c − d)/((a − c)(b − d)), accurate where m → 1 (the log singularities at τ = ±s2). For
    fixed t = τ, K < ε holds on the σ-interval (τ − D, τ + D), D = √(τ² − ‖M‖² + 2ε), and σ²/(4 s_a s_b) = XY
    with X, Y ~ Exp(1) has the distribution function F(z) = 1 − P(X > z/Y) = 1 − E_Y[e^(−z/Y)] =
    1 − 2√z·K_1(2√z). So V(ε) is one integral,

      V(ε) = ∫ f_t(τ) [F_σ(τ + D) − F_σ(max(τ − D, 0))] dτ,   V'(ε) = ∫ f_t(τ) [f_σ(τ + D) + f_σ(τ − D)·1{τ > D}]/D dτ,

    with f_σ(σ) = σ·K_0(σ/√(s_a s_b))/(s_a s_b), over τ ∈ [τ0, s1], τ0 = √(‖M‖² − 2ε), when 2ε < ‖M‖² (elsewhere
    D is not real or τ + D < 0), taken over D with τ = √(τ0² + D²), whose Jacobian D/τ cancels the 1/D (a
    1/√(τ − τ0) singularity that rounding near τ0 would leave unresolved), else over [−s1, s1]; cut at ±s2
    (log singularities of f_t).
    F is summed from its series Σ_k z^(k+1)(ψ(k+1) + ψ(k+2) − log z)/(k!(k+1)!) for z ≤ 1 (no cancellation
    where it is small). mpmath's tanh–sinh rule.

    With N = ``others`` ≥ 3 outputs, β̂'s first two coordinates in the target's left singular basis are ρ·(cos ψ,
    sin ψ) with ψ uniform and ρ² ~ Beta(1, (N − 2)/2) independent of it, so t = ρ·T with T the two-output variable
    above: f_t(τ) = ∫ f_ρ(ρ) f_T(τ/ρ) dρ/ρ = (N − 2) ∫_0^(φ1) sin^(N−3)φ f_T(τ/cos φ) dφ with ρ = cos φ, cos φ1 =
    |τ|/s1 (cut where τ/cos φ = s2). And Y ~ Gamma(N/2): F(z) = 1 − E_Y[e^(−z/Y)] = 1 − 2z^(β/2) K_β(2√z)/Γ(β),
    β = N/2, with F'(z) = 2^(2−β) x^(β−1) K_(β−1)(x)/Γ(β), x = 2√z; F is evaluated with log10(1/z) more digits
    where z < 1, which its cancellation costs."""
    big, small, norm2 = (s1 + s2) / 2, (s1 - s2) / 2, s1 * s1 + s2 * s2

    def arcsine_sum_density(tau: mpmath.mpf) -> mpmath.mpf:
        a, b, c, d = sorted([big, -big, tau + small, tau - small], reverse=True)
        complement = (a - b) * (c - d) / ((a - c) * (b - d))  # 1 − m, without cancellation near m = 1
        if complement == 0 or abs(tau) >= s1:  # τ rounded onto a log singularity ±s2, or out of the support
            return mpmath.mpf(0)
        return 1 / (mpmath.pi * mpmath.agm(1, mpmath.sqrt(complement)) * mpmath.sqrt((a - c) * (b - d)))

    def mixed_density(tau: mpmath.mpf) -> mpmath.mpf:  # t = ρ·T (N ≥ 3 outputs)
        top = mpmath.acos(abs(tau) / s1)
        points = [mpmath.mpf(0), *([mpmath.acos(abs(tau) / s2)] if 0 < abs(tau) < s2 else []), top]
        if refine:
            points = refined(points)
        integrand = lambda phi: mpmath.sin(phi) ** (others - 3) * arcsine_sum_density(tau / mpmath.cos(phi))
        return (others - 2) * mpmath.quad(integrand, points)

    t_density = arcsine_sum_density if others == 2 else mixed_density
    beta = mpmath.mpf(others) / 2

    def sigma_cdf(sigma: mpmath.mpf) -> mpmath.mpf:
        z = sigma * sigma / (4 * variance)
        if others > 2:  # 1 − 2 z^(β/2) K_β(2√z)/Γ(β)
            return _gamma_product_cdf(z, 1, beta)
        if z > 1:
            return 1 - 2 * mpmath.sqrt(z) * mpmath.besselk(1, 2 * mpmath.sqrt(z))
        total, term, log_z, k = mpmath.mpf(0), z, mpmath.log(z), 0  # term = z^(k+1)/(k!(k+1)!)
        while True:
            piece = term * (mpmath.digamma(k + 1) + mpmath.digamma(k + 2) - log_z)
            total += piece
            if abs(piece) < mpmath.eps * abs(total):
                return total
            k += 1
            term *= z / (k * (k + 1))

    def sigma_density(sigma: mpmath.mpf) -> mpmath.mpf:  # F'(z)·dz/dσ, z = σ²/(4 s_a s_b)
        return _gamma_product_density(sigma * sigma / (4 * variance), mpmath.mpf(1), beta) * sigma / (2 * variance)

    def parts(tau: mpmath.mpf, spread: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """The two integrands at τ with D = spread, the second times D (which cancels the 1/D)."""
        high, low = tau + spread, tau - spread
        if high <= 0 or abs(tau) >= s1:
            return mpmath.mpf(0), mpmath.mpf(0)
        f = t_density(tau)
        mass = sigma_cdf(high) - (sigma_cdf(low) if low > 0 else 0)
        return f * mass, f * (sigma_density(high) + (sigma_density(low) if low > 0 else 0))

    if 2 * eps < norm2:  # τ ≥ τ0 = √(‖M‖² − 2ε): integrate over D instead, τ = √(τ0² + D²), dτ = (D/τ) dD
        floor = norm2 - 2 * eps

        def integrand(spread: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            tau = mpmath.sqrt(floor + spread * spread)
            volume, slope = parts(tau, spread)
            return volume * spread / tau, slope / tau

        points = sorted({mpmath.mpf(0), *(mpmath.sqrt(v * v - floor) for v in (s2, s1) if v * v > floor)})
    else:  # D ≥ |τ| is real everywhere; near 2ε = ‖M‖² it nearly vanishes at τ = 0: cut there too

        def integrand(tau: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            spread = mpmath.sqrt(tau * tau - norm2 + 2 * eps)
            if spread == 0:  # τ = 0 with 2ε = ‖M‖², an end of the pieces
                return mpmath.mpf(0), mpmath.mpf(0)
            volume, slope = parts(tau, spread)
            return volume, slope / spread

        points = sorted({-s1, -s2, mpmath.mpf(0), s2, s1})
    if refine:
        points = refined(points)
    return _quad_pair(integrand, points)


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
    small z and is evaluated with as many more digits (:func:`_gamma_product_cdf`). One integral over g, of F
    times the density of g (a Gauss hypergeometric function), scaled by F at g = 1/2 (mpmath stops on an
    absolute tolerance),
    cut at g = 1/2 (where the range of v opens to 0) and, for small ε, near g ~ ε/(s_a s_b) where F saturates."""
    def cdf_and_density(z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        return _gamma_product_cdf(z, hidden, mpmath.mpf(others)), _gamma_product_density(z, mpmath.mpf(hidden), mpmath.mpf(others))

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
    volume, slope = _quad_pair(at, refined(points) if refine else points)
    return volume * scale, slope * scale


def _cosine_tail_steps(n: int) -> list[mpmath.mpf]:
    """The factors 1/(a·B(a, ½)) for a = (n − 1)/2 − k, k = 1, 2, … down to the base case a ∈ {½, 1} of
    :func:`_cosine_tail`, at the working precision (formed once per quadrature)."""
    half = mpmath.mpf(1) / 2
    return [1 / (a * mpmath.beta(a, half)) for a in (mpmath.mpf(n - 1) / 2 - k for k in range(1, (n - 2) // 2 + 1))]


def _cosine_tail(u: mpmath.mpf, n: int, steps: Sequence[mpmath.mpf]) -> mpmath.mpf:
    """P(w > u) for 0 ≤ u < 1 and w the first coordinate of a uniform unit vector in R^n (density
    ∝ (1 − w²)^((n−3)/2)): ½·I_(1−u²)((n − 1)/2, ½), the regularised incomplete beta function, from its base
    cases I_x(½, ½) = (2/π)·acos u (n = 2) and I_x(1, ½) = 1 − u (n = 3) by the recurrence
    I_x(a + 1, b) = I_x(a, b) − x^a (1 − x)^b / (a·B(a, b)) (DLMF 8.17.20) with x = 1 − u², b = ½, two
    dimensions a step. Each step subtracts a term no larger than its value, so the absolute error stays
    within n units of the working precision, as the V(ε) integrand needs; mpmath's betainc (a ₂F₁) costs
    about 100 times more per call."""
    x = 1 - u * u
    value = 2 * mpmath.acos(u) / mpmath.pi if n % 2 == 0 else 1 - u
    a = mpmath.mpf(1) / 2 if n % 2 == 0 else mpmath.mpf(1)
    for factor in reversed(steps):
        value -= x**a * u * factor
        a += 1
    return value / 2
