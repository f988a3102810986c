"""The volume function V(ε) = P(K < ε) of the two-layer linear model with hidden = 1: K = ½‖b·aᵀ − M‖².

Hidden = 1 with a target of rank one and N_in, N_out ≥ 2: K = ½‖b·aᵀ − s·e₁v₁ᵀ‖² = ½(σ² − 2sσc + s²) with
σ = ‖a‖‖b‖ and c = x·w, where x = â·v₁ and w = b̂·e₁ are independent of σ and of each other, with densities
∝ (1 − x²)^((N−3)/2) (w² ~ Beta(½, (N−1)/2)). So K < ε ⟺ c > c*(σ) = (σ² + s² − 2ε)/(2sσ), and

  V(ε) = ∫ f_σ(σ) P(c > c*(σ)) dσ,    V'(ε) = ∫ f_σ(σ) f_c(c*(σ))/(sσ) dσ,

with σ²/(4 s_a s_b) = XY, X ~ Gamma(N_in/2), Y ~ Gamma(N_out/2), of density 2t^((α+β)/2−1) K_(α−β)(2√t)/(Γ(α)Γ(β))
(the product of two Gamma variables), and P(c > v) = 2∫_0^(π/2) p(φ) P(w > v/cos φ) dφ over x = cos φ, with
P(w > u) = ½ I_(1−u²)((N_out − 1)/2, ½) for u ≥ 0 (:func:`hidden_one`, :func:`cosine_product_law`). At every ε: beyond
ε = s²/2 (the value of K at w = 0) every direction qualifies for σ < √(2ε) − s, and c* crosses 0, where the
density of c has a log singularity, at σ = √(2ε − s²) (below s²/2, c* stays positive and is least at
σ = √(s² − 2ε)).

With two inputs and two outputs any target diag(s1, s2) is covered by one integral (:func:`two_by_two`): there
t = α̂ᵀMβ̂ is a sum of two independent arcsine variables, with an elliptic-integral density, and for fixed t the
event is an interval of σ, whose distribution function is 1 − 2√z·K_1(2√z). With two inputs and N ≥ 3 outputs
(or the transpose) t = ρ·T, T that two-output variable and ρ² ~ Beta(1, (N − 2)/2) independent of it, and the
distribution function of σ is 1 − 2z^(N/4)·K_(N/2)(2√z)/Γ(N/2): one more integral, inside the density of t.
With s2 > 0 the target is out of reach (rank 2 > hidden = 1): K ≥ L0 = s2²/2 and the exponent is taken in
ε − L0.

Any rank with both sides ≥ 3 (:func:`any_rank`). Write t = α̂ᵀMβ̂ = ρ·w with ρ² = u = Σ_k s_k² β̂_k² (the
β̂-side, N_u ≥ 3 coordinates) and w the first coordinate of the α̂-side (N_w ≥ 2), independent of u. Given ρ,
the event is the rank-one one above with t = ρw: h(ρ) = ∫ f_σ(σ) P(w > t*(σ)/ρ) dσ (:func:`hidden_one`), and
V = E_u[h(√u)]. With c = ‖M‖² − 2ε > 0, h vanishes for u ≤ c and h = (u − c)^(N_w/2)·G(u) with G analytic
on [c, s_1²] (with D = √(u − c), the σ-interval (ρ − D, ρ + D) maps to [0, 1], on which the integrand is
analytic and even in D), and ∂h/∂ε = (u − c)^(N_w/2 − 1)·G_1(u) likewise; with c ≤ 0, h itself is smooth on
[0, s_1²]. G and G_1 are interpolated at Chebyshev points (their coefficients must fall below the working
precision, doubling the points until they do), and E_u[(u − c)^p·polynomial] is one contour integral over the
law of u (``theory.special.bingham.sphere_quadratic_expectation``). The target is out of reach when its rank
exceeds 1: K ≥ L0 = (‖M‖² − s_1²)/2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath

from theory.precision import refined
from theory.quadrature.gauss_legendre import node_count
from theory.special.bingham import sphere_quadratic_expectation

__all__ = ["any_rank", "cosine_product_law", "gamma_product_cdf", "gamma_product_density", "hidden_one", "quad_pair", "two_by_two"]


def quad_pair(f: Callable, points: Sequence[mpmath.mpf], method: str = "tanh-sinh") -> tuple[mpmath.mpf, mpmath.mpf]:
    """(∫ f[0], ∫ f[1]) over the points by ``mpmath.quad``, f (a pair: the volume's integrand and that of its
    ε-derivative) evaluated once per node: both integrals visit the same nodes."""
    memo: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}

    def g(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        if x not in memo:
            memo[x] = f(x)
        return memo[x]

    volume = mpmath.quad(lambda x: g(x)[0], points, method=method)
    return volume, mpmath.quad(lambda x: g(x)[1], points, method=method)


def gamma_product_density(z: mpmath.mpf, alpha: mpmath.mpf, beta: mpmath.mpf) -> mpmath.mpf:
    """The density at z of G_α·G_β, the product of independent Gamma(α) and Gamma(β) variables:
    2z^((α+β)/2−1) K_(α−β)(2√z)/(Γ(α)Γ(β))."""
    return 2 * z ** ((alpha + beta) / 2 - 1) * mpmath.besselk(alpha - beta, 2 * mpmath.sqrt(z)) / (mpmath.gamma(alpha) * mpmath.gamma(beta))


def gamma_product_cdf(z: mpmath.mpf, alpha: int, beta: mpmath.mpf) -> mpmath.mpf:
    """P(G_α·G_β ≤ z) for an integer α: 1 − E[e^(−z/G_β) Σ_(k<α) (z/G_β)^k/k!] =
    1 − (2/Γ(β)) Σ_(k<α) z^((β+k)/2) K_(β−k)(2√z)/k!, as E[G_β^(−k) e^(−z/G_β)] = 2z^((β−k)/2) K_(β−k)(2√z)/Γ(β).
    It cancels to ~z^min(α,β) for small z, and is evaluated with as many more digits."""
    lost = int(min(alpha, beta)) * max(0, int(-mpmath.log10(z))) + 5 if z < 1 else 0
    with mpmath.extradps(lost):
        root = 2 * mpmath.sqrt(z)
        tail = sum(z ** ((beta + k) / 2) * mpmath.besselk(beta - k, root) / mpmath.factorial(k) for k in range(alpha))
        return +(1 - 2 * tail / mpmath.gamma(beta))


def hidden_one(
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
        return 2 * sigma / scale * gamma_product_density(sigma * sigma / scale, alpha, beta)

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
    return quad_pair(integrand, points)


def cosine_product_law(s: mpmath.mpf, n_in: int, n_out: int, refine: bool) -> Callable:
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


def two_by_two(
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
            return gamma_product_cdf(z, 1, beta)
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
        return gamma_product_density(sigma * sigma / (4 * variance), mpmath.mpf(1), beta) * sigma / (2 * variance)

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
    return quad_pair(integrand, points)


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


def any_rank(
    eps: mpmath.mpf, values: Sequence[mpmath.mpf], n_u: int, n_w: int, variance: mpmath.mpf, refine: bool, digits: int
) -> tuple[mpmath.mpf, mpmath.mpf]:  # fmt: skip
    """(V(ε), V'(ε)) for hidden = 1, a target with singular ``values`` (any number up to N_u), N_u ≥ 3 coordinates
    on the side that carries u = ‖Mβ̂‖² and N_w ≥ 2 on the other, s_a·s_b = ``variance`` (module docstring).
    ``digits`` (those to be guaranteed) sets the contour's Gauss rule, ``refine`` the contract's second run."""
    squares = [v * v for v in values]
    norm2, top = mpmath.fsum(squares), max(squares)
    floor = norm2 - 2 * eps
    lower, power = (floor, mpmath.mpf(n_w) / 2) if floor > 0 else (mpmath.mpf(0), mpmath.mpf(0))
    steps = _cosine_tail_steps(n_w)
    beta_w = mpmath.beta(mpmath.mpf(1) / 2, mpmath.mpf(n_w - 1) / 2)

    def regular_parts(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(h/(x − c)^p, ∂h/∂ε/(x − c)^(p−1)) at u = x (p = 0 and no division when c ≤ 0): the law of ρw is
        scaled so that mpmath's absolute tolerance applies to the quantities interpolated."""
        rho, scale = mpmath.sqrt(x), (x - floor) ** power if power else mpmath.mpf(1)

        def law(v: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            u = v / rho
            if u >= 1:
                return mpmath.mpf(0), mpmath.mpf(0)
            if u <= -1:
                return 1 / scale, mpmath.mpf(0)
            tail = _cosine_tail(abs(u), n_w, steps)
            return (tail if u >= 0 else 1 - tail) / scale, (1 - u * u) ** (mpmath.mpf(n_w - 3) / 2) / (beta_w * rho * scale)

        volume, slope = hidden_one(eps, norm2, law, [rho, -rho], n_u, n_w, variance, refine)
        return volume, slope * (x - floor) if power else slope

    if len(squares) == n_u and len(set(squares)) == 1:  # u = s² on every β̂: G at that one point
        constants = regular_parts(top)
        regular, size = (lambda x: constants), 0
    else:
        if abs(floor) < top * mpmath.mpf(10) ** -6:
            raise ValueError(
                f"eps = {mpmath.nstr(eps, 12)} is within 10⁻⁶·s_1² of ‖M‖²/2 = {mpmath.nstr(norm2 / 2, 12)}, where h(u) is "
                "singular at the end of its range and the exact V(ε) for this target does not converge: move ε away from it"
            )
        # G (c > 0) is analytic off (−∞, 0] and h (c ≤ 0) off (−∞, c]: in y = log(u − anchor), anchor that branch
        # point, both are analytic on the strip |Im y| < π, which Chebyshev interpolation on [y(lower), y(s_1²)] needs
        anchor = mpmath.mpf(0) if power else floor
        ends = (mpmath.log(lower - anchor), mpmath.log(top - anchor))
        # near ε = L0 the range [c, s_1²] is short beside s_1²: u − c at the nodes then cancels that many digits
        boost = max(0, int(mpmath.log10(top / (top - lower)))) + 3

        def at_node(z: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            with mpmath.extradps(boost):
                return tuple(+v for v in regular_parts(anchor + mpmath.exp((ends[0] + ends[1] + z * (ends[1] - ends[0])) / 2)))

        fits, size = _chebyshev_fits(at_node, digits + 3)

        def regular(x: mpmath.mpc) -> list[mpmath.mpc]:
            z = (2 * mpmath.log(x - anchor) - ends[0] - ends[1]) / (ends[1] - ends[0])  # [lower, s_1²] → [−1, 1]
            return [_clenshaw(fit, z) for fit in fits]

    count = node_count(digits, refine) + size // 2
    with mpmath.extradps(int(1.5 * size) + 10):  # the interpolants grow like ~3^size on the contour
        volume, slope = sphere_quadratic_expectation(regular, lower, [power, max(power - 1, 0)], squares, n_u, count)
    return +volume, +slope


def _chebyshev_fits(f: Callable, digits: int, most: int = 128) -> tuple[list[list[mpmath.mpf]], int]:
    """Chebyshev coefficients of the two components of f on [−1, 1] from its values at M points of the first
    kind, M = 16, 32, … until the last three coefficients of both are below 10^(−digits) of the largest; and M.
    Raises ``ArithmeticError`` beyond ``most``."""
    size = 16
    while size <= most:
        angles = [(2 * j + 1) * mpmath.pi / (2 * size) for j in range(size)]
        values = [f(mpmath.cos(a)) for a in angles]
        fits, converged = [], True
        for component in range(2):
            column = [v[component] for v in values]
            chebyshev = [2 * mpmath.fsum(y * mpmath.cos(k * a) for y, a in zip(column, angles)) / size for k in range(size)]
            chebyshev[0] /= 2
            largest = max(abs(a) for a in chebyshev)
            converged &= max(abs(a) for a in chebyshev[-3:]) <= largest * mpmath.mpf(10) ** -digits
            fits.append(chebyshev)
        if converged:
            return fits, size
        size *= 2
    raise ArithmeticError(f"the Chebyshev interpolation of h(u) did not converge with {most} points")


def _clenshaw(coefficients: list[mpmath.mpf], z: mpmath.mpc) -> mpmath.mpc:
    """Σ_k a_k T_k(z) by Clenshaw's recurrence b_k = a_k + 2z·b_(k+1) − b_(k+2)."""
    after, later = mpmath.mpf(0), mpmath.mpf(0)
    for a in reversed(coefficients[1:]):
        after, later = a + 2 * z * after - later, after
    return coefficients[0] + z * after - later
