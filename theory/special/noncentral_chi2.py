"""The regularized lower incomplete gamma function along a ladder of orders, and Poisson mixtures of it
(the non-central χ² distribution), at the working precision.

A non-central χ²_k(λ) variable, halved, is a Poisson(λ/2) mixture of Gamma(k/2 + j, 1) variables (Johnson,
Kotz & Balakrishnan 1995, §29.2), so with α = k/2, μ = λ/2 and x = X/2

  P(χ²_k(λ) ≤ X) = Σ_j e^(−μ) μ^j/j! · P(α + j, x),   its density (in x) Σ_j e^(−μ) μ^j/j! · ρ_(α+j)(x),

ρ_a(x) = x^(a−1)e^(−x)/Γ(a). The ladder P(α + j, x), j = 0 … J, is computed from one direct value at j = J
by the downward recurrence P(a, x) = P(a + 1, x) + ρ_(a+1)(x), ρ_a = ρ_(a+1)·a/x (DLMF 8.8.5), which adds
positive terms only and so loses no digits.
"""

from __future__ import annotations

import mpmath

__all__ = ["gamma_ladder", "poisson_gamma_mixture", "poisson_tail_index"]


def gamma_ladder(alpha: mpmath.mpf, x: mpmath.mpf, top: int) -> tuple[list[mpmath.mpf], list[mpmath.mpf]]:
    """([P(α + j, x)], [ρ_(α+j)(x)]) for j = 0 … ``top`` (all zero for x ≤ 0)."""
    if x <= 0:
        zeros = [mpmath.mpf(0)] * (top + 1)
        return zeros, list(zeros)
    cdf = mpmath.gammainc(alpha + top, 0, x, regularized=True)
    density = mpmath.exp((alpha + top - 1) * mpmath.log(x) - x - mpmath.loggamma(alpha + top))
    cdfs, densities = [cdf], [density]
    for j in range(top - 1, -1, -1):
        cdf += density
        density *= (alpha + j) / x
        cdfs.append(cdf)
        densities.append(density)
    return cdfs[::-1], densities[::-1]


def poisson_tail_index(mu: mpmath.mpf, tolerance: mpmath.mpf) -> int:
    """The least J ≥ μ with P(Poisson(μ) > J) < ``tolerance``: the tail beyond J is at most its first term
    times 1/(1 − μ/(J + 2)) (a geometric bound, the term ratios μ/(j + 1) falling)."""
    j = int(mpmath.floor(mu))
    term = mpmath.exp(j * mpmath.log(mu) - mu - mpmath.loggamma(j + 1)) if mu > 0 else mpmath.mpf(1)
    while True:
        term *= mu / (j + 1)  # P(Poisson = j + 1)
        if term / (1 - mu / (j + 2)) < tolerance:
            return j
        j += 1


def poisson_gamma_mixture(mu: mpmath.mpf, alpha: mpmath.mpf, x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(Σ_j Pois(j; μ)·P(α + j, x), Σ_j Pois(j; μ)·ρ_(α+j)(x)) to the working precision (module docstring)."""
    if mu == 0:
        cdfs, densities = gamma_ladder(alpha, x, 0)
        return cdfs[0], densities[0]
    # beyond J both the Poisson weights and the products weight·ρ_(α+j)(x) are below the working precision
    # relative to the sums (the density sum's terms keep growing until j ~ √(μx), so x enters J)
    width = mpmath.sqrt(2 * mpmath.log(10) * (mpmath.mp.dps + 10))
    top = int(mpmath.ceil(mu + x + 2 * width * mpmath.sqrt(mu + x + 1) + width**2))
    cdfs, densities = gamma_ladder(alpha, x, top)
    weight, total_cdf, total_density = mpmath.exp(-mu), mpmath.mpf(0), mpmath.mpf(0)
    for j in range(top + 1):
        total_cdf += weight * cdfs[j]
        total_density += weight * densities[j]
        weight *= mu / (j + 1)
    return total_cdf, total_density
