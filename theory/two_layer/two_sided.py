"""V(ε) of the two-layer linear model with two inputs, hidden H ≥ 2 and a non-zero target: the conditional law
given the 2×2 Wishart spectrum, inverted on a parabola through its saddle point (or, for a rank-one target where a
column is narrow, by real quadrature), integrated over the spectrum.

Model as in ``theory.two_layer`` (docs/theory/two-layer.md), transposed if needed so that N_in = 2, with N = N_out ≥ 2
and M = diag(s1, s2) (N × 2, s1 ≥ s2 ≥ 0). Rescaling A and B shows that only v = s_a·s_b matters. Given A, the
N rows of B·A are independent N(0, v·W), W = AᵀA/s_a ~ Wishart_2(H, I) with eigenvalues l1 ≥ l2 and
eigenvectors at an angle φ that is uniform and independent of l: in W's eigenbasis the two columns y_j of B·A
are independent N(0, a_j·I_N), a_j = v·l_j, and 2K = Σ_j ‖y_j − m_j‖², m_j the columns of M·R(φ), with
‖m_{1,2}‖² = σ ± δ cos 2φ (σ, δ = (s1² ± s2²)/2). So, as in ``theory.two_layer.wishart``,

  G(n | l) = E_φ[E[e^(−nK) | l, φ]] = (D1·D2)^(−N/2) exp(−(n/2)σ(1/D1 + 1/D2)) I_0((n/2)δ(1/D2 − 1/D1)),

D_j = 1 + n·a_j, and F(ε | l) = P(K < ε | l) and its density are the Bromwich integrals

  F(ε | l) = (1/2πi) ∫_Γ e^(nε) G(n | l) dn/n,   F'(ε | l) = (1/2πi) ∫_Γ e^(nε) G(n | l) dn,

Γ upwards to the right of n = 0 and of the singular points n = −1/a_j of G. Talbot's contour (used for the zero
target) fails here: where a column is narrow (a_j ≪ ε), K given l sits near c = ½‖m_j‖² > ε, G grows like
e^(−nc) along the contour's left part and the sum cancels all its digits. Instead Γ is the parabola
n(y) = n* + iy − c·y² through the saddle point n* > 0 of nε + log G(n) − log n (convex in log n; a
golden-section search), which first rises vertically — where the integrand falls like a Gaussian of the width
set by the curvature there — and bends left only for |y| ≳ 1/a_2, where G has left its e^(−nc) regime and the
contour passes clear of the essential singular point n = −1/a_2: c = min(1, (n*·a_2)²)/(4n*) (Weideman &
Trefethen 2007 use c = 1/(4n*), a parabola scaled by its vertex; bending so at once where ε > ‖M‖²/2 returned
10⁵⁰⁰ for a narrow column).
By symmetry f = (1/π)∫_0^∞ Re[e^(nε) F̂(n)(1 + 2icy)] dy, summed by the trapezoidal rule, whose error falls
exponentially in the width of the strip where the integrand is analytic (the step is a fraction of
min(n*, the width)); the sum stops when eight terms in a row fall below the digits asked. When ε exceeds E[K | l] =
N(a1 + a2)/2 + σ the saddle lies at n* ∈ (−1/a_1, 0) and the same integral, now left of the pole at 0, gives
F − 1 (the residue G(0) = 1): 1 − F is then computed without cancellation. Checked against the Poisson mixture
(a non-central χ²_2N) at l1 = l2 to 22–27 digits, from a_j = 10⁻⁵ (F = 10⁻¹³⁹⁶⁵) to a_j = 10.

V(ε) = E_l[F(ε | l)] and V'(ε) = E_l[F'(ε | l)] over the eigenvalue density (Muirhead 1982, Thm 3.2.18)
∝ (l1 l2)^((H−3)/2)(l1 − l2)e^(−(l1+l2)/2). With u = l1 + l2 and t = √(1 − v²), v = (l1 − l2)/u, it factorises:
u ~ χ²_(2H) and t has density (H − 1)t^(H−2) on (0, 1), with l1 = u(1 + √(1 − t²))/2 and
l2 = u·t²/(2(1 + √(1 − t²))). Gauss–Legendre panels: in log u, ratio 4, outwards from u = 2H until the
remaining prior mass (times the bound below) is negligible; in t, ratio 2 down from 1 to below the scales
t² ~ 4f/(v·u) (f = ε, s1², s2²) at which a_2 crosses ε or s_k², then one panel to 0. When 2ε < s2², K < ε needs
(y_j·m̂_j − ‖m_j‖)² < 2ε, so F(ε | l) ≤ ½exp(−(s2 − √(2ε))²/(2a_j)) (‖m_j‖ ≥ s2), and panels where this bound
times their prior mass is negligible are skipped.

A rank-one target (s2 = 0): the angle-averaged transform then mixes delays over all of [0, s1²/2] (an arcsine
law), and the parabola cannot bend before |y| ~ 1/a_2 — thousands of nodes where a_2 is small (nor can it
above s1²/2: bending at once passed near the essential singular point n = −1/a_2 and returned 10⁵⁰⁰). There (a_2 < ε/16) the law is computed by real quadrature instead (``theory.two_layer.two_sided_rank_one``;
the two methods agree to 12–18 digits where both apply). K < ε needs the coordinates g of the two columns along
the target's output direction to reach within √(2ε) of s1·(cos φ, sin φ), so ‖g‖ > s1 − √(2ε) with
‖g‖² ≤ a_1·χ²_2: F(ε | l) ≤ exp(−(s1 − √(2ε))²/(2a_1)). It stops the u-range below; a node whose prior weight
times this bound (and its ε-derivative) is below 10⁻⁴ of the digits asked is skipped (at most 10⁴ nodes in all),
and a u-panel whose prior mass times the bound is far below the total takes that many fewer digits.
"""

from __future__ import annotations

import mpmath

from theory.quadrature.gauss_legendre import gauss_legendre
from theory.two_layer.two_sided_rank_one import rank_one_conditional

__all__ = ["two_sided_target_volume"]

_MAX_NODES = 20000  # per Bromwich integral; reached only where the parabola does not fit the integrand


def _log_transform(n, a1, a2, sigma, delta, half_n):
    """log G(n | l) (module docstring) at real or complex n, with a_j = v·l_j."""
    d1, d2 = 1 + n * a1, 1 + n * a2
    i1, i2 = 1 / d1, 1 / d2
    return -half_n * (mpmath.log(d1) + mpmath.log(d2)) - n * sigma * (i1 + i2) / 2 + mpmath.log(mpmath.besseli(0, n * delta * (i2 - i1) / 2))


def _saddle(objective, low: mpmath.mpf, high: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(x, objective''(x)) at the minimum of a convex ``objective`` on [low, high], by golden-section search
    to ~10⁻⁵ of the bracket (any vertex near the saddle serves: the step adapts to the curvature found)."""
    ratio = (mpmath.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = objective(a), objective(b)
    for _ in range(24):
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = objective(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = objective(b)
    x, step = (low + high) / 2, mpmath.mpf(10) ** -3
    return x, (objective(x + step) - 2 * objective(x) + objective(x - step)) / step**2


def _conditional(eps, a1, a2, sigma, delta, half_n, digits: int, what: str) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(F(ε | l), F'(ε | l)) for a1 ≥ a2 > 0 by the parabolic Bromwich contour (module docstring)."""
    upper = eps > half_n * (a1 + a2) + sigma  # beyond E[K | l]: the saddle is at negative n, and 1 − F is summed
    with mpmath.workdps(15):
        if upper:  # n = −z/a1, z = 1/(1 + e^(−x)) ∈ (0, 1)

            def vertex(x):
                return -1 / (a1 * (1 + mpmath.exp(-x)))

            low, high = mpmath.mpf(-40), mpmath.mpf(40)
        else:

            def vertex(x):
                return mpmath.exp(x)

            low, high = mpmath.log(1 / eps) - 10, mpmath.log(1 / eps) + mpmath.log(1 + 1 / min(a2, eps)) + 10

        def objective(x):
            n = vertex(x)
            return n * eps + mpmath.re(_log_transform(n, a1, a2, sigma, delta, half_n)) - mpmath.log(abs(n))

        x, curvature = _saddle(objective, low, high)
        derivative = (vertex(x + mpmath.mpf(10) ** -3) - vertex(x - mpmath.mpf(10) ** -3)) / (2 * mpmath.mpf(10) ** -3)
        width = abs(derivative) / mpmath.sqrt(max(curvature, mpmath.mpf(10) ** -6))  # the Gaussian width in y
    saddle = vertex(mpmath.mpf(x))
    reach = abs(saddle)
    bend = min(1, (reach * a2) ** 2) / (4 * reach)  # vertical until |y| ~ 1/a_2: e^(−nc) and the essential point −1/a_2
    step = 4 * mpmath.pi * min(width, reach) / (mpmath.log(10) * (digits + 8))
    base = saddle * eps + mpmath.re(_log_transform(saddle, a1, a2, sigma, delta, half_n))
    cdf = density = mpmath.mpf(0)
    tolerance, quiet = mpmath.mpf(10) ** (-digits - 8), 0
    for k in range(_MAX_NODES):
        y = k * step
        n = saddle + 1j * y - bend * y * y
        value = mpmath.exp(n * eps + _log_transform(n, a1, a2, sigma, delta, half_n) - base) * (1 + 2j * bend * y)
        share = step if k else step / 2
        density += share * mpmath.re(value)
        cdf += share * mpmath.re(value / n)
        quiet = quiet + 1 if abs(value) < tolerance * abs(density) and abs(value / n) < tolerance * abs(cdf) else 0
        if quiet == 8:  # eight small terms in a row: |I_0| of a complex argument can dip near a zero of J_0
            scale = mpmath.exp(base) / mpmath.pi
            return (1 + cdf * scale if upper else cdf * scale), density * scale
    raise ValueError(
        f"{what}: the conditional law given s_b·l = ({mpmath.nstr(a1, 5)}, {mpmath.nstr(a2, 5)}) did not converge in "
        f"{_MAX_NODES} nodes of its Bromwich integral (a column far narrower than the ball around the target)"
    )


def _panel(low: mpmath.mpf, high: mpmath.mpf, rule) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """(node, weight) pairs of the Gauss–Legendre ``rule`` on [low, high]."""
    half, mid = (high - low) / 2, (high + low) / 2
    return [(mid + half * x, half * w) for x, w in rule]


def two_sided_target_volume(
    eps: mpmath.mpf, hidden: int, others: int, s1: mpmath.mpf, s2: mpmath.mpf, variance: mpmath.mpf, refine: bool, dps: int, what: str
) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(V(ε), V'(ε)) for two inputs, ``hidden`` = H ≥ 2, ``others`` = N ≥ 2 outputs, target diag(s1, s2) with
    s1 ≥ s2 ≥ 0, s1 > 0, and s_a·s_b = ``variance`` (module docstring), at the current working precision;
    ``dps`` (the digits to be guaranteed) sets the Gauss rule, ``refine`` the precision contract's second one."""

    def rule(digits_asked: int):
        count = 4 + (4 * digits_asked) // 5
        return gauss_legendre(count + count // 3 if refine else count, mpmath.mp.prec + 20)

    gauss = rule(dps)
    h = mpmath.mpf(hidden)
    sigma, delta, half_n = (s1 * s1 + s2 * s2) / 2, (s1 * s1 - s2 * s2) / 2, mpmath.mpf(others) / 2
    negligible = mpmath.mpf(10) ** -(dps + 5)
    reach, reach_one = s2 - mpmath.sqrt(2 * eps), s1 - mpmath.sqrt(2 * eps)  # > 0: the bounds below apply
    rank_one = s2 == 0  # where a column is narrow: theory.two_layer.two_sided_rank_one
    narrow_rank_one = rank_one and reach_one > 0  # the rank-one bound applies
    log_norm = -h * mpmath.log(2) - mpmath.loggamma(h)  # u^(H−1) e^(−u/2)/(2^H Γ(H))
    scales = [f for f in (eps, s1 * s1, s2 * s2) if f > 0]
    digits = mpmath.mp.dps

    def bound(widest: mpmath.mpf, widest_a1: mpmath.mpf = mpmath.inf) -> mpmath.mpf:
        """Upper bound on F(ε | l) when a_2 ≤ ``widest`` and a_1 ≤ ``widest_a1`` (1 where none applies)."""
        if reach > 0:
            return mpmath.exp(-reach * reach / (2 * widest)) / 2
        return mpmath.exp(-reach_one * reach_one / (2 * widest_a1)) if narrow_rank_one else mpmath.mpf(1)

    def conditional(a1: mpmath.mpf, a2: mpmath.mpf, slack: int, reference: mpmath.mpf, weight: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """F(ε | l) and F'(ε | l), to ``slack`` fewer digits than asked where their prior weight is that small;
        (0, 0) where the node's prior ``weight`` times the rank-one bound exp(−(s − √(2ε))²/(2a_1)) (and its
        ε-derivative, for F') falls below 10⁻⁴·``negligible`` times the ``reference`` total: fewer than 10⁴ nodes
        are skipped so, at most that share of V in all."""
        if narrow_rank_one and reference > 0:
            steepness = 1 + reach_one / (a1 * mpmath.sqrt(2 * eps))
            if weight * bound(mpmath.inf, a1) * steepness < negligible * reference / 10**4:
                return mpmath.mpf(0), mpmath.mpf(0)
        if rank_one and a2 < eps / 16:
            return rank_one_conditional(eps, a1, a2, s1, others, rule(max(2, dps - slack)), max(5, digits - slack))
        return _conditional(eps, a1, a2, sigma, delta, half_n, max(5, digits - slack), what)

    def over_t(u: mpmath.mpf, reference: mpmath.mpf, slack: int, prior: mpmath.mpf) -> list[mpmath.mpf]:
        """(E_t[F], E_t[F']) at fixed u; the panels below one whose bound (times the t-mass below it) falls under
        ``negligible`` times ``reference`` (or the running total) are dropped: at most that share at every u."""
        floor = min(mpmath.mpf(1) / 8, min(2 * mpmath.sqrt(f / (variance * u)) for f in scales) / 4)
        totals, high = [mpmath.mpf(0)] * 2, mpmath.mpf(1)
        while high > 0:
            low = high / 2 if high > floor else mpmath.mpf(0)
            for t, w in _panel(low, high, gauss):
                root = mpmath.sqrt(1 - t * t)
                a1, a2 = variance * u * (1 + root) / 2, variance * u * t * t / (2 * (1 + root))
                weight = w * (h - 1) * t ** (hidden - 2)
                for j, value in enumerate(conditional(a1, a2, slack, reference, prior * weight)):
                    totals[j] += weight * value
            if low > 0 and bound(variance * u * low * low / 2) * low ** (hidden - 1) < negligible * max(reference, totals[0]):
                break
            high = low
        return totals

    def over_u(low: mpmath.mpf, high: mpmath.mpf, reference: mpmath.mpf, cap: mpmath.mpf = mpmath.inf) -> list[mpmath.mpf]:
        """(E[F], E[F']) over u ∈ [low, high]; where ``cap`` bounds this panel's share of V far below the
        ``reference`` total, its laws need that many fewer digits (two kept in reserve for V')."""
        slack = max(0, int(mpmath.floor(mpmath.log10(reference / cap))) - 2) if 0 < cap < reference else 0
        sums = [mpmath.mpf(0)] * 2
        for y, w in _panel(mpmath.log(low), mpmath.log(high), gauss):
            u = mpmath.exp(y)
            prior = w * mpmath.exp(log_norm + h * y - u / 2)  # u^(H−1) e^(−u/2) du = u^H e^(−u/2) dy
            for j, value in enumerate(over_t(u, reference, slack, prior)):
                sums[j] += prior * value
        return sums

    start = 2 * h
    volume, slope = over_u(start, 4 * start, mpmath.mpf(0))
    high = 4 * start
    while mpmath.gammainc(h, high / 2, mpmath.inf, regularized=True) >= negligible * volume:  # prior mass above
        part = over_u(high, 4 * high, volume, mpmath.gammainc(h, high / 2, mpmath.inf, regularized=True))
        volume, slope, high = volume + part[0], slope + part[1], 4 * high
    low = start
    # below `low`: prior mass ≤ P(u < low), and a_2 ≤ a_1 ≤ v·low for the bound
    while (cap := mpmath.gammainc(h, 0, low / 2, regularized=True) * bound(variance * low, variance * low)) >= negligible * volume:
        part = over_u(low / 4, low, volume, cap)
        volume, slope, low = volume + part[0], slope + part[1], low / 4
    return volume, slope
