"""The Bingham average E_θ[e^(βu)] and its β-derivatives, for any dimension and any singular values.

For θ uniform on the sphere S^(d−1) and u = Σ_i λ_i θ_i² (λ_i ≥ 0, k of them non-zero), E_θ[e^(βu)] is the
confluent hypergeometric function of matrix argument 1F1(½; d/2; β·diag(λ)) (Muirhead 1982, Aspects of
Multivariate Statistical Theory, §7.3; Bingham 1974, Ann. Statist. 2). It has the
one-dimensional contour representation

  E_θ[e^(βu)] = Γ(d/2) · (1/2πi) ∫_H e^z z^(−(d−k)/2) Π_i (z − βλ_i)^(−1/2) dz,

H a Hankel contour around (−∞, β·max λ]. Derivation: for g ~ N(0, I_d), ‖g‖² ~ χ²_d is independent of θ =
g/‖g‖, so E[(gᵀΛg)^j] = 2^j (d/2)_j E[u^j], and E[e^(t gᵀΛg)] = Π_i (1 − 2tλ_i)^(−1/2). Put t = β/(2z),
expand both sides in powers of β, and integrate term by term with Hankel's formula 1/Γ(a) =
(1/2πi) ∫_H e^z z^(−a) dz (DLMF 5.9.2): the j-th term becomes β^j E[u^j]/j!. The factor form above is
Π_i (1 − βλ_i/z)^(−1/2) · z^(−d/2) with principal branches, analytic off (−∞, β·max λ].

Shifting z = β·max λ + w turns the integral into an inverse Laplace transform at t = 1 of a function whose
singularities lie on the negative real axis,

  E_θ[e^(βu)] = Γ(d/2) · e^(β max λ) · L⁻¹[ w ↦ (β max λ + w)^(−(d−k)/2) Π_i (w + β(max λ − λ_i))^(−1/2) ](1),

which is what Talbot's contour rule resolves to geometric accuracy (Talbot 1979, IMA J. Appl. Math. 23;
the fixed-Talbot parameters of Abate & Valkó 2004, Int. J. Numer. Meth. Eng. 60, as implemented by mpmath's
``FixedTalbot``: about 2.4·dps nodes at 1.72·dps working digits). Writing the factors through the gaps
β(max λ − λ_i) instead of z − βλ_i avoids cancelling log10(β) digits at large β. The moments E_θ[e^(βu) u^j],
j = 1, 2, are β-derivatives: d/dβ multiplies the integrand by S_1 = Σ_i λ_i/(2(z − βλ_i)), and d²/dβ² by
S_1² + Σ_i λ_i²/(2(z − βλ_i)²).

Validity: every d ≥ 1, every λ ≥ 0 and β ≥ 0 — the representation is exact and the rule converges for any
function analytic off the negative axis and decaying at infinity, as this one does (like |w|^(−d/2)).

The law of u itself (:func:`sphere_quadratic_expectation`, d ≥ 3). With g ~ N(0, I_d), u = gᵀΛg/gᵀg, so
P(u > x) = P(Q > 0) for the indefinite quadratic form Q = Σ_i (λ_i − x) g_i² (the d − k null directions carry
−x). Inverting E[e^(−sQ)] = Π_i (1 + 2s(λ_i − x))^(−1/2) along its cut on the negative s-axis (the method of
Imhof 1961, Biometrika 48) and putting s = −1/(2(w − x)) gives

  P(u > x) = −(1/π) Im ∫_x^X (w − x)^(d/2−1) R(w) dw,   R(w) = w^(−(d−k)/2) Π_i (w − λ_i)^(−1/2),

along any path from x to a point X > max λ through the upper half-plane (on the real line, R takes its
boundary values R(w + i0): the integrand vanishes where an even number of λ_i exceed w, and the path form
also covers repeated λ_i, whose factors are not integrable along the line). Differentiating in x gives the
density; integrating it against f(x) = (x − c)^p G(x) on x > c (zero below), G analytic, and exchanging the
two integrals turns E_θ[f(u)] into one contour integral,

  E_θ[f(u)] = −((d/2 − 1)/π) Im ∫_c^X R(w) Φ(w) dw,   Φ(w) = ∫_c^w f(x) (w − x)^(d/2−2) dx
            = 2 (w − c)^(p+d/2−1) ∫_0^(π/2) sin^(2p+1)φ cos^(d−3)φ G(c + (w − c) sin²φ) dφ,

again along a path through the upper half-plane (c ≥ 0; x = c + (w − c) sin²φ makes Euler's Beta weight
s^p (1 − s)^(d/2−2) smooth for the half-integer p and d/2 met here). For distinct λ_i and f = 1 this is the
classical inversion; every λ_i, G and p enter only through R and Φ, so repeated λ_i need no special case.
The path: up from c along w = c + it² (which makes the branch points at c polynomial in t), graded
geometrically in t² towards c where a λ_i or 0 lies close to c; across at height H = (max λ − c)/2 to
X = max λ + H; down to X. Gauss–Legendre panels no longer than their distance to every singular point, and
the same rule in φ (``theory.quadrature.gauss_legendre``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import mpmath

from theory.quadrature.gauss_legendre import gauss_legendre
from theory.quadrature.talbot import talbot_rule

__all__ = ["bingham_moments", "sphere_quadratic_expectation"]


def bingham_moments(beta: mpmath.mpf, squares: Sequence[mpmath.mpf], dim: int) -> tuple[mpmath.mpf, ...]:
    """(g, m_0, m_1, m_2) with E_θ[e^(βu) u^j] = e^g·m_j (j = 0, 1, 2), u = Σ_i squares_i·θ_i², θ uniform on
    S^(dim−1), at the current working precision (module docstring). ``squares`` are the non-zero λ_i
    (at most ``dim`` of them); e^g = e^(β max λ) is returned as its exponent for the caller to fold in."""
    if not squares:
        return mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)
    if len(squares) > dim:
        raise ValueError(f"{len(squares)} non-zero λ on the sphere S^{dim - 1}: at most {dim}")
    rule = talbot_rule(mpmath.mp.dps)
    top = max(squares)
    with mpmath.workdps(rule.dps_goal):
        shift = beta * top
        gaps = [beta * (top - s) for s in squares]
        halves = [s / 2 for s in squares]
        power = -mpmath.mpf(dim - len(squares)) / 2
        sums = [mpmath.mpf(0)] * 3
        for w, weight in zip(rule.nodes, rule.weights):
            f = weight * (shift + w) ** power if power else weight
            first = second = 0
            for gap, half in zip(gaps, halves):
                inverse = 1 / (w + gap)
                f *= mpmath.sqrt(inverse)
                term = half * inverse
                first += term
                second += 2 * term * term
            sums[0] += f.real
            sums[1] += (f * first).real
            sums[2] += (f * (first * first + second)).real
        norm = mpmath.gamma(mpmath.mpf(dim) / 2)
        moments = [norm * total for total in sums]
    return (+shift, *(+m for m in moments))


def sphere_quadratic_expectation(
    regular: Callable[[mpmath.mpc], Sequence[mpmath.mpc]], lower: mpmath.mpf, powers: Sequence[mpmath.mpf],
    squares: Sequence[mpmath.mpf], dim: int, count: int,
) -> list[mpmath.mpf]:  # fmt: skip
    """[E_θ[f_j(u)] for each j], u = Σ_i squares_i·θ_i², θ uniform on S^(dim−1) (dim ≥ 3), and
    f_j(x) = (x − c)^(p_j)·G_j(x) for x > c, 0 below, c = ``lower`` ≥ 0, p_j = ``powers[j]`` ≥ 0 with 2p_j an
    integer, G = ``regular`` (called at complex x in the upper half-plane, returning every G_j): the contour
    integral of the module docstring, ``count`` Gauss–Legendre nodes per panel, at the current working precision
    (which must carry the digits lost to the size of G on the contour). Where every direction carries the same
    λ (k = dim), u = λ and f_j(λ) is returned."""
    if dim < 3:
        raise ValueError(f"dim = {dim}: the contour form of the law of u needs a sphere S^(d−1) with d ≥ 3")
    groups = Counter(mpmath.mpf(s) for s in squares if s > 0)
    if not groups:
        raise ValueError("squares: at least one non-zero λ is needed")
    k, top = sum(groups.values()), max(groups)
    if k > dim:
        raise ValueError(f"{k} non-zero λ on the sphere S^{dim - 1}: at most {dim}")
    if k == dim and len(groups) == 1:  # u = λ
        offset = top - lower
        return [offset**p * g.real if offset > 0 else mpmath.mpf(0) for p, g in zip(powers, regular(top))]
    if lower >= top:
        return [mpmath.mpf(0)] * len(powers)
    a = mpmath.mpf(dim) / 2 - 1
    null = -mpmath.mpf(dim - k) / 2
    rule = gauss_legendre(count, mpmath.mp.prec)
    quarter = mpmath.pi / 4  # φ ∈ [0, π/2]: sin²φ and the Beta weight's factors at the rule's nodes
    angles = [(quarter * (1 + t), quarter * weight) for t, weight in rule]
    weights = [[2 * w * mpmath.sin(f) ** (2 * p + 1) * mpmath.cos(f) ** (dim - 3) for f, w in angles] for p in powers]
    fractions = [mpmath.sin(f) ** 2 for f, _ in angles]

    def integrand(w: mpmath.mpc) -> list[mpmath.mpc]:
        value = w**null if null else mpmath.mpf(1)
        for square, multiplicity in groups.items():
            value *= (w - square) ** (-mpmath.mpf(multiplicity) / 2)
        offset = w - lower
        inner = [regular(lower + offset * s) for s in fractions]
        return [value * offset ** (p + a) * mpmath.fdot(wj, [g[j] for g in inner]) for j, (p, wj) in enumerate(zip(powers, weights))]

    height = (top - lower) / 2
    singular = [abs(square - lower) for square in groups] + ([lower] if dim > k else [])
    near = min([d for d in singular if d > 0] + [height])
    levels = [mpmath.mpf(0)]  # t² on the way up, geometric from near/4 (panel length ≲ distance to the singularities)
    level = near / 4
    while level < height:
        levels.append(level)
        level *= 2
    levels.append(height)
    totals = [mpmath.mpc(0)] * len(powers)
    for low, high in zip(levels, levels[1:]):  # w = c + i t², dw = 2i t dt
        left, right = mpmath.sqrt(low), mpmath.sqrt(high)
        half = (right - left) / 2
        for t, weight in rule:
            u = left + half * (1 + t)
            factor = half * weight * 2j * u
            totals = [total + factor * v for total, v in zip(totals, integrand(lower + 1j * u * u))]
    end = top + height
    corners = [lower + 1j * height + (end - lower) * j / 6 for j in range(7)] + [end + 1j * height / 2, end]
    for start, stop in zip(corners, corners[1:]):
        half = (stop - start) / 2
        for t, weight in rule:
            totals = [total + half * weight * v for total, v in zip(totals, integrand(start + half * (1 + t)))]
    return [-a / mpmath.pi * total.imag for total in totals]
