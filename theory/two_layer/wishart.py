"""Moment integrals of the two-layer linear model with two inputs and any hidden size H ≥ 2 (2-D quadrature).

Model as in ``theory.two_layer`` (docs/theory/two-layer.md), after transposition so that N_in = 2. With B integrated out
everything depends on W = AᵀA, a 2×2 Wishart matrix with H degrees of freedom and scale s_a:

  Z = E_W[det(I + cW)^(−N_out/2) exp(−(n/2) Σ_j w_j/D_j)],   c = n·s_b,  D_j = 1 + c·λ_j,

λ_j the eigenvalues of W and w_j the diagonal of MᵀM in W's eigenbasis. Write W = R(φ) diag(λ_1, λ_2) R(φ)ᵀ:
φ is uniform and independent of the eigenvalues, and with MᵀM = diag(s_1², s_2²), w_{1,2} = σ ± δ cos 2φ
(σ, δ = (s_1² ± s_2²)/2). The φ-average is a Bessel function, E_φ[cos^k(2φ) e^(x cos 2φ)] = I_0(x), I_1(x),
(I_0(x) + I_2(x))/2 for k = 0, 1, 2, with x = (n/2)·δ·(1/D_2 − 1/D_1).

The conditional law of B given A is Gaussian (rows b_i with precision n·AAᵀ + I/s_b), so
  E[K | W] = ½[Σ_j w_j/D_j² + N_out s_b Σ_j λ_j/D_j],
  Var[K | W] = ½ N_out s_b² Σ_j λ_j²/D_j² + s_b Σ_j w_j λ_j/D_j³,
both linear in cos 2φ: the φ-averages above give Z, E[K] and E[K²] exactly. The eigenvalues have the density
(Muirhead 1982, *Aspects of Multivariate Statistical Theory*, Thm 3.2.18, m = 2)

  f(λ_1, λ_2) = √π / (2^H s_a^H Γ(H/2) Γ((H−1)/2)) · (λ_1 λ_2)^((H−3)/2) (λ_1 − λ_2) e^(−(λ_1+λ_2)/(2 s_a)),

λ_1 > λ_2 > 0. With λ_1 = r², λ_2 = q²r² (0 < q < 1) the limits are fixed and the weight is smooth:
dλ_1 dλ_2 f = 4 C_H r^(2H−1) q^(H−2) (1 − q²) e^(−r²(1+q²)/(2 s_a)) dr dq. Both directions are integrated by
tanh–sinh, split at the scales where D_j changes character (λ ~ 1/c) and where the prior decays (λ ~ s_a).
"""

from __future__ import annotations

import mpmath

from theory.precision import refined

__all__ = ["bessel_i012", "wishart_moments"]


def bessel_i012(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """e^(−x)·I_ν(x) for ν = 0, 1, 2 and x ≥ 0: the exponentially scaled modified Bessel functions, so that
    callers fold e^x into their own exponent.

    For large x, when e^(−2x) < 10^(−dps−5), the asymptotic series (DLMF 10.40.1)
      e^(−x) I_ν(x) = (2πx)^(−1/2) Σ_k (−1)^k a_k(ν)/x^k,  a_k(ν) = Π_(j=1..k) (4ν² − (2j−1)²) / (k!·8^k),
    whose terms fall to ~e^(−2x) (at k ≈ 2x) and which omits only an e^(−2x)-relative term: a few terms reach
    the working precision, several times faster than mpmath's general hypergeometric evaluation (which
    dominated the two-input paths at large n). Otherwise mpmath's besseli, times e^(−x).
    I_2 comes from the recurrence I_2 = I_0 − (2/x)·I_1, which loses < 1 digit for x > 1."""
    digits = mpmath.mp.dps + 5
    if x > mpmath.mpf(digits) * mpmath.ln10 / 2:
        tolerance = mpmath.mpf(10) ** -digits
        sums = []
        for four_nu2 in (0, 4):
            term, total, k = mpmath.mpf(1), mpmath.mpf(1), 0
            while abs(term) > tolerance:
                k += 1
                term *= -(four_nu2 - (2 * k - 1) ** 2) / (8 * k * x)
                total += term
            sums.append(total / mpmath.sqrt(2 * mpmath.pi * x))
        i0, i1 = sums
    else:
        scale = mpmath.exp(-x)
        i0, i1 = mpmath.besseli(0, x) * scale, mpmath.besseli(1, x) * scale
        if x <= 1:
            return i0, i1, mpmath.besseli(2, x) * scale
    return i0, i1, i0 - 2 * i1 / x


def _geometric(low: mpmath.mpf, high: mpmath.mpf, ratio: int = 4) -> set[mpmath.mpf]:
    points, x = set(), low
    while x < high:
        points.add(x)
        x *= ratio
    return points


def wishart_moments(n, s1, s2, hidden, n_out, s_a, s_b, refine):
    """(log L, I_0/L, n·I_1/L, n²·I_2/L) for N_in = 2, H = ``hidden`` ≥ 2 (module docstring): the moment
    integrals scaled by L, the integrand's largest value on a coarse grid, and by powers of n, so that each
    is O(1) for the quadrature's absolute tolerance."""
    c = n * s_b
    sigma, delta = (s1 * s1 + s2 * s2) / 2, (s1 * s1 - s2 * s2) / 2
    h = mpmath.mpf(hidden)
    constant = 4 * mpmath.sqrt(mpmath.pi) / ((2 * s_a) ** h * mpmath.gamma(h / 2) * mpmath.gamma((h - 1) / 2))
    half_n, half_nout, inv_2sa, n2 = n / 2, mpmath.mpf(n_out) / 2, 1 / (2 * s_a), n * n
    log_scale = mpmath.mpf(0)

    def point(r: mpmath.mpf, q: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
        r2 = r * r
        l1, l2 = r2, q * q * r2
        d1, d2 = 1 + c * l1, 1 + c * l2
        i1, i2 = 1 / d1, 1 / d2
        x = half_n * delta * (i2 - i1)
        b0, b1, second = bessel_i012(x)  # scaled by e^(−x), which the exponent takes back
        b2 = (b0 + second) / 2  # E_φ[cos²(2φ) e^(x cos 2φ)] = (I_0 + I_2)/2
        exponent = x - r2 * (1 + q * q) * inv_2sa - half_n * sigma * (i1 + i2) - half_nout * mpmath.log(d1 * d2) - log_scale
        weight = constant * r ** (2 * hidden - 1) * q ** (hidden - 2) * (1 - q * q) * mpmath.exp(exponent)
        mean0 = (sigma * (i1 * i1 + i2 * i2) + n_out * s_b * (l1 * i1 + l2 * i2)) / 2
        mean1 = delta * (i1 * i1 - i2 * i2) / 2
        var0 = n_out * s_b**2 * ((l1 * i1) ** 2 + (l2 * i2) ** 2) / 2 + s_b * sigma * (l1 * i1**3 + l2 * i2**3)
        var1 = s_b * delta * (l1 * i1**3 - l2 * i2**3)
        return (
            weight * b0,
            n * weight * (mean0 * b0 + mean1 * b1),
            n2 * weight * ((var0 + mean0 * mean0) * b0 + (var1 + 2 * mean0 * mean1) * b1 + mean1 * mean1 * b2),
        )

    scale, spread = 1 / mpmath.sqrt(c), mpmath.sqrt(s_a)
    with mpmath.workdps(20 + int(mpmath.log10(n + 10))):  # the largest value, on a coarse grid at low precision
        rs = [scale * (spread / scale) ** (mpmath.mpf(k) / 30) * mpmath.mpf(2) ** ((k - 15) / 5) for k in range(31)]
        qs = [mpmath.mpf(k) / 12 for k in range(1, 12)]
        log_scale = +max(mpmath.log(point(r, q)[0]) for r in rs for q in qs)

    outer = {mpmath.mpf(0), scale / 8, spread, spread * 8, mpmath.inf} | _geometric(scale / 8, spread * 8)
    outer_points = sorted(outer, key=lambda x: (mpmath.isinf(x), x))
    if refine:
        outer_points = refined(outer_points)
    outer_memo: dict[mpmath.mpf, tuple[mpmath.mpf, ...]] = {}

    def inner(r: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
        if r in outer_memo:
            return outer_memo[r]
        q0 = scale / r if r > 0 else mpmath.mpf(1)
        cuts = {mpmath.mpf(0), mpmath.mpf(1)} | {q for q in _geometric(q0 / 8, mpmath.mpf(1), 4) if 0 < q < 1}
        points = sorted(cuts)
        if refine:
            points = refined(points)
        memo: dict[mpmath.mpf, tuple[mpmath.mpf, ...]] = {}

        def cached(q: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
            if q not in memo:
                memo[q] = point(r, q)
            return memo[q]

        values = tuple(mpmath.quad(lambda q, j=j: cached(q)[j], points, method="gauss-legendre") for j in range(3))
        outer_memo[r] = values
        return values

    return (log_scale, *(mpmath.quad(lambda r, j=j: inner(r)[j], outer_points, method="gauss-legendre") for j in range(3)))
