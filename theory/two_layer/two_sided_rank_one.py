"""P(K < ε | l) for a rank-one target on a side of 2, by real quadrature (no contour): the law given the 2×2
Wishart spectrum where a column is narrow, which the saddle-point Bromwich integral of
``theory.two_layer.two_sided`` reaches only with thousands of nodes.

Setting of ``theory.two_layer.two_sided`` with M = s·e·f₁ᵀ (rank one): given l the two columns y_j of B·A in
W's eigenbasis are independent N(0, a_j·I_N), and the target's columns there are s·cos θ·e and s·sin θ·e with θ
uniform on the circle (independent of l). With σ = s·sin θ (arcsine-distributed on [−s, s]), the narrow
column's coordinate along e, p = σ + √a_2·z ~ N(σ, a_2), and ζ ~ χ²_(N−1) its squared norm across e / a_2,

  2K = a_1·χ'²_N(λ = s²cos²θ/a_1) + p² + a_2·ζ,

so, with y = 2ε − p² and the Gamma ladder G_j(y) = E_ζ[P(N/2 + j, (y − a_2ζ)/(2a_1))] (``theory.special.noncentral_chi2``),

  F(ε | l) = 2∫_0^√(2ε) dp ∫_(−π/2)^(π/2) (dθ/π) φ_(a_2)(p − s sin θ) Σ_j Pois(j; s²cos²θ/(2a_1))·G_j(2ε − p²),

and F'(ε | l) the same with 2·∂_y G_j (the integrand vanishes at every moving end: P(a, 0) = 0). Every
singular point sits at a known end — F ~ y^(N−1/2) at p = √(2ε), (y − a_2ζ)^(N/2) at the end of the ζ-range —
and is smoothed by a sine map (p = √(2ε)·sin(πw/2)); the narrow Gaussian φ_(a_2) is integrated in θ over its
window p ± Z·√a_2 (Z: its tail below the digits asked) in panels of 2.5·√a_2 in σ, where it is smooth at any
width (the arcsine edges σ = ±s are regular points in θ). The Gamma ladder is built once per (p, ζ) node and
the Poisson weights once per θ node, so the cost is (#p)·(#ζ + #θ)·J operations, J the Poisson tail index of
s²/(2a_1). Exact at any a_2 ≤ a_1; used where a_2 ≪ ε.
"""

from __future__ import annotations

import mpmath

from theory.quadrature.gaussian import gauss_gamma, gauss_normal
from theory.special.noncentral_chi2 import gamma_ladder, poisson_tail_index

__all__ = ["rank_one_conditional"]


def _panel(low: mpmath.mpf, high: mpmath.mpf, rule, clustered: bool = False) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """(node, weight) pairs of the Gauss ``rule`` on [low, high]; ``clustered``: after x = low + (high − low)·
    sin(πw/2), which turns (high − x)^q into a power of (1 − w)²: smooth for the half-integer q met here."""
    span = high - low
    if not clustered:
        return [(low + span * (x + 1) / 2, span * w / 2) for x, w in rule]
    return [(low + span * mpmath.sinpi((x + 1) / 4), span * w * mpmath.pi / 4 * mpmath.cospi((x + 1) / 4)) for x, w in rule]


def rank_one_conditional(
    eps: mpmath.mpf, a1: mpmath.mpf, a2: mpmath.mpf, s: mpmath.mpf, others: int, rule, digits: int | None = None
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(F(ε | l), F'(ε | l)) for a rank-one target of singular value s, column variances a1 ≥ a2 > 0,
    N = ``others`` ≥ 2 (module docstring), with the Gauss–Legendre ``rule`` on every panel; the tails cut are
    below 10^−(``digits`` + 5) (``digits``: the working precision by default)."""
    digits = mpmath.mp.dps if digits is None else digits
    tolerance = mpmath.mpf(10) ** -(digits + 5)
    alpha, k = mpmath.mpf(others) / 2, mpmath.mpf(others - 1) / 2  # ζ ~ χ²_(N−1) = 2·Gamma(k)
    tail = mpmath.sqrt(2 * mpmath.log(10) * (digits + 5))  # Gaussian (and lower Poisson) tails beyond it are negligible
    omega_end = mpmath.sqrt(2 * k + 2 * tail * tail)  # √ζ: P(χ²_(N−1) > Ω²) is negligible beyond Ω
    reach = mpmath.sqrt(2 * eps)
    normal_rule, gamma_rule = gauss_normal(len(rule), mpmath.mp.prec), gauss_gamma(len(rule), k, mpmath.mp.prec)
    # p = √(2ε)·sin(πw/2), so y = 2ε − p² = 2ε·cos²(πw/2); panels in w end where y = a_2·16^i (y ≲ a_2 is a
    # second scale: there the ζ-range shrinks and F ~ y^(N−1/2) turns into y^(N/2+k))
    levels = [mpmath.mpf(0)]
    while a2 * 16 ** (len(levels) - 1) < 2 * eps:
        levels.append(a2 * 16 ** (len(levels) - 1))
    corners = sorted({mpmath.mpf(1)} | {2 * mpmath.acos(mpmath.sqrt(level / (2 * eps))) / mpmath.pi for level in levels} | {mpmath.mpf(0)})
    cdf = density = mpmath.mpf(0)
    for w_low, w_high in zip(corners, corners[1:]):
        for w, weight_w in _panel(w_low, w_high, rule):
            p, y = reach * mpmath.sinpi(w / 2), 2 * eps * mpmath.cospi(w / 2) ** 2
            nodes = _theta_nodes(p, a2, s, tail, rule, normal_rule)
            if not nodes:  # p beyond s by more than the Gaussian's window
                continue
            rates = [(s * mpmath.cos(theta)) ** 2 / (2 * a1) for theta, _ in nodes]  # Poisson means μ(θ)
            low = max(0, int(mpmath.floor(min(rates) - tail * mpmath.sqrt(min(rates)))))  # P(X ≤ μ − t) ≤ e^(−t²/2μ)
            high = max(low, poisson_tail_index(max(rates), tolerance))
            ladder = _zeta_average(y, a1, a2, alpha + low, k, high - low, omega_end, rule, gamma_rule)
            weight_p = weight_w * reach * mpmath.pi / 2 * mpmath.cospi(w / 2)
            for (_, kernel), mu in zip(nodes, rates):
                first, last = _poisson_window(mu, tail, low, high)
                poisson = [mpmath.exp(first * mpmath.log(mu) - mu - mpmath.loggamma(first + 1)) if mu > 0 else mpmath.mpf(first == 0)]
                for j in range(first, last):
                    poisson.append(poisson[-1] * mu / (j + 1))
                cdf += weight_p * kernel * mpmath.fdot(poisson, ladder[0][first - low : last - low + 1])
                density += weight_p * kernel * mpmath.fdot(poisson, ladder[1][first - low : last - low + 1]) / a1  # ∂_ε = 2∂_y; ∂_y P(a, y/2a_1) = ρ_a/2a_1
    return 2 * cdf, 2 * density


def _poisson_window(mu: mpmath.mpf, tail: mpmath.mpf, low: int, high: int) -> tuple[int, int]:
    """The orders j ∈ [low, high] outside which Poisson(μ) has mass below e^(−tail²/2) on either side:
    P(X ≤ μ − x) ≤ e^(−x²/2μ) and P(X ≥ μ + x) ≤ e^(−x²/(2(μ + x/3))) (Bernstein), solved for x."""
    upper = tail * tail / 6 + mpmath.sqrt(tail**4 / 36 + tail * tail * mu)
    first = max(low, int(mpmath.floor(mu - tail * mpmath.sqrt(mu))))
    return min(first, high), max(first, min(high, int(mpmath.ceil(mu + upper))))


def _zeta_average(y, a1, a2, alpha, k, top, omega_end, rule, gamma_rule) -> tuple[list[mpmath.mpf], list[mpmath.mpf]]:
    """([G(y)], [∂G/∂y·2a_1]) for the orders α … α + ``top``: E_ζ of the Gamma ladder at (y − a_2ζ)/(2a_1),
    ζ ~ χ²_(N−1) = 2·Gamma(k). When the cut ζ = y/a_2 (beyond it the ladder vanishes) lies past every node of
    the Gauss rule of Gamma(k) (``gamma_rule``), by that rule; otherwise in ω = √ζ (density
    ω^(2k−1)e^(−ω²/2)·2^(1−k)/Γ(k)) over equal panels of length ≤ 2 up to the law's negligible tail Ω or to the cut,
    a last panel ending at the cut clustered there (the ladder vanishes like a power)."""
    cut = mpmath.sqrt(y / a2)
    if y / a2 > 2 * gamma_rule[-1][0]:  # every node of the Gamma rule below the cut
        nodes = [(2 * xi, weight) for xi, weight in gamma_rule]
    else:
        end = min(cut, omega_end)
        pieces = int(mpmath.ceil(end / 2))  # equal panels of length ≤ 2: the cut never sits just past a break
        ends = [end * i / pieces for i in range(pieces + 1)]
        norm = (1 - k) * mpmath.log(2) - mpmath.loggamma(k)
        nodes = [
            (omega * omega, weight * mpmath.exp(norm + (2 * k - 1) * mpmath.log(omega) - omega * omega / 2))
            for low, high in zip(ends, ends[1:])
            for omega, weight in _panel(low, high, rule, clustered=high == cut)
        ]
    cdfs, densities = [mpmath.mpf(0)] * (top + 1), [mpmath.mpf(0)] * (top + 1)
    for zeta, mass in nodes:
        ladder = gamma_ladder(alpha, (y - a2 * zeta) / (2 * a1), top)
        for j in range(top + 1):
            cdfs[j] += mass * ladder[0][j]
            densities[j] += mass * ladder[1][j]
    return cdfs, densities


def _theta_nodes(p, a2, s, tail, rule, normal_rule) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """(θ, weight) with Σ weight·H(θ) ≈ ∫ (dθ/π) φ_(a_2)(p − s sin θ) H(θ) for smooth H. Where the Gaussian's
    window |s sin θ − p| < Z·√a_2 stays clear of the arcsine edges ±s (by another window), E_ν[H/(π√(s² − σ²))]
    at σ = p + √a_2·ν by the Gauss rule of the normal law (``normal_rule``); otherwise over the window in θ, in
    panels of 2.5·√a_2 in s·sin θ (regular in θ at the edges)."""
    root = mpmath.sqrt(a2)
    if s - abs(p) > 2 * tail * root:
        return [
            (mpmath.asin((p + root * nu) / s), weight / (mpmath.pi * mpmath.sqrt(s * s - (p + root * nu) ** 2)))
            for nu, weight in normal_rule
        ]
    low_end, high_end = max(-s, p - tail * root), min(s, p + tail * root)
    if low_end >= high_end:
        return []
    breaks, sigma = [mpmath.asin(low_end / s)], low_end
    while sigma < high_end:
        sigma = min(sigma + 5 * root / 2, high_end)
        breaks.append(mpmath.asin(sigma / s))
    scale = 1 / (root * mpmath.sqrt(2 * mpmath.pi) * mpmath.pi)
    nodes = []
    for low, high in zip(breaks, breaks[1:]):
        for theta, weight in _panel(low, high, rule):
            gap = (p - s * mpmath.sin(theta)) / root
            nodes.append((theta, weight * scale * mpmath.exp(-gap * gap / 2)))
    return nodes
