"""Exact finite-n thermodynamics of polynomial losses in d ≤ 3 variables, by adaptive nested quadrature.

Z(n) = ∫ e^(−nK) φ over a box with the uniform prior, or over R^d with the Gaussian prior N(0, σ² I). The
moments are integrated in the scaled form J_j = ∫ (nK)^j e^(−nK) φ, all of the size of Z, so that
λ_eff = J_1/J_0 and C = J_2/J_0 − (J_1/J_0)² (REFERENCES §1) lose no digits to their smallness.

The integrand concentrates near the zero set of K on scales n^(−1/(2k)); quadrature must be told where:

- innermost variable: for fixed outer coordinates the exponent p(y) = nK + (prior) is a univariate
  polynomial. Its real critical points split the line into monotone pieces; around each minimum y0 pieces
  are cut geometrically at the Taylor width w = min_j (j!/|p^(j)(y0)|)^(1/j); and the integration range is
  clipped to {p ≤ min p + cut} (found from the real roots of p − min p − cut), outside of which the
  integrand is below e^(−cut) of its maximum;
- outer variables: cuts at 0 and geometrically (ratio 4) from n^(−1/2)/64 outwards, which resolves every
  scale n^(−1/(2k)) and the power laws between them;
- every interval is bisected until the log of the integrand changes by at most 8 across it, and a
  Gauss–Legendre rule runs on each, one exponential per node for all three moments.

The grading assumes the singular behaviour sits at the origin (translate the loss otherwise); where the
quadrature is inadequate the precision contract's refined second run disagrees and a PrecisionError says so.

Every result passes the precision contract (:mod:`theory.precision`): a second run at higher precision with
every interval halved must agree.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import mpmath
import numpy as np

from theory.polynomial import Exponent, collapse_first, horner, polynomial_loss, univariate
from theory.precision import input_precision, refined, with_precision_contract
from theory.thermodynamics import ThermoPoint, thermo_from_moments
from theory.validation import polynomial_prior

__all__ = ["polynomial_thermodynamics"]

_CUT = 60  # e^(−60) ≈ 1e-26 relative, deepened below by the working precision


def _real_roots(coefficients: Sequence[mpmath.mpf], low: float, high: float) -> list[float]:
    """Real roots in (low, high) of a polynomial (constant first), in double precision: used only as cuts."""
    trimmed = list(coefficients)
    while len(trimmed) > 1 and trimmed[-1] == 0:
        trimmed.pop()
    if len(trimmed) < 2:
        return []
    scale = max(abs(c) for c in trimmed)
    roots = np.roots([float(c / scale) for c in reversed(trimmed)])
    return sorted(float(r.real) for r in roots if abs(r.imag) <= 1e-9 * (1 + abs(r)) and low < r.real < high)


def _inner_pieces(p: Sequence[mpmath.mpf], low: mpmath.mpf, high: mpmath.mpf, cut: float) -> list[list[mpmath.mpf]]:
    """Breakpoint lists for ∫ e^(−p(y)) dy on [low, high]: only where p ≤ min p + cut, graded at minima."""
    value = lambda y: horner(p, y) if mpmath.isfinite(y) else mpmath.inf  # noqa: E731  (p → +∞ at ±∞)
    derivative = [k * c for k, c in enumerate(p)][1:]
    critical = [mpmath.mpf(c) for c in _real_roots(derivative, float(low), float(high))]
    floor = min(value(y) for y in [low, high, *critical])
    shifted = list(p)
    shifted[0] -= floor + cut
    level = [mpmath.mpf(r) for r in _real_roots(shifted, float(low), float(high))]
    points = {low, high, *critical, *level}
    for y0 in critical:
        if value(y0) > floor + cut:
            continue
        widths = []
        for j in range(2, len(p)):  # p^(j)(y0)/j! = Σ_k C(k, j) p_k y0^(k−j)
            taylor = sum(mpmath.binomial(k, j) * p[k] * y0 ** (k - j) for k in range(j, len(p)))
            if taylor != 0:
                widths.append(abs(taylor) ** (-mpmath.mpf(1) / j))
        if widths:
            w = min(widths)
            points |= {y0 + sign * w * 4**k for sign in (-1, 1) for k in range(-2, 4)}
    ordered = sorted(y for y in points if low <= y <= high)
    pieces: list[list[mpmath.mpf]] = []
    for a, b in zip(ordered, ordered[1:]):
        # p is monotone between consecutive critical points, so its minimum on [a, b] is at an end
        if min(value(a), value(b)) >= floor + cut * 0.999:
            continue
        if pieces and pieces[-1][-1] == a:
            pieces[-1].append(b)
        else:
            pieces.append([a, b])
    return pieces


def _gentle(points: Sequence[mpmath.mpf], log_f, cut: float, limit: float = 8, depth: int = 14) -> list[list[mpmath.mpf]]:
    """Split [points] until log f changes by at most ``limit`` across every interval (bisecting, at most
    ``depth`` times); drop intervals where log f is below its maximum − cut at both ends (negligible)."""
    values = {x: log_f(x) for x in points}
    top = max(values.values())

    def split(a, b, level):
        fa, fb = values[a], values[b]
        if max(fa, fb) < top - cut:
            return None
        if abs(fa - fb) <= limit or level == depth:
            return [a, b]
        m = (a + b) / 2
        values[m] = log_f(m)
        left, right = split(a, m, level + 1), split(m, b, level + 1)
        if left is None or right is None:
            return left or right
        return left + right[1:]

    pieces: list[list[mpmath.mpf]] = []
    for a, b in zip(points, points[1:]):
        part = split(a, b, 0)
        if part is None:
            continue
        if pieces and pieces[-1][-1] == part[0]:
            pieces[-1].extend(part[1:])
        else:
            pieces.append(part)
    return pieces


def _gauss_legendre(pieces: Sequence[Sequence[mpmath.mpf]], f, refine: bool) -> list[mpmath.mpf]:
    """Σ over the intervals of the pieces of a Gauss–Legendre rule (24 or 48 nodes as the working
    precision grows) applied to the vector f (each interval halved again when ``refine``)."""
    nodes = _nodes(4 if mpmath.mp.dps <= 40 else 5, mpmath.mp.prec)  # 24 or 48 nodes
    totals = [mpmath.mpf(0)] * 3
    for piece in pieces:
        points = refined(piece) if refine else piece
        for a, b in zip(points, points[1:]):
            half, centre = (b - a) / 2, (a + b) / 2
            for x, w in nodes:
                values = f(centre + half * x)
                for j in range(3):
                    totals[j] += w * half * values[j]
    return totals


_GL = mpmath.calculus.quadrature.GaussLegendre(mpmath.mp)


@functools.lru_cache(maxsize=32)
def _nodes(degree: int, prec: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """Gauss–Legendre nodes and weights on [−1, 1] (3·2^(degree−1) of them) at ``prec`` bits, computed once."""
    return tuple(_GL.calc_nodes(degree, prec))


class _Integrator:
    """Nested quadrature of (e^(−E), nK e^(−E), (nK)² e^(−E)) with E = nK + (Gaussian prior exponent)."""

    def __init__(self, terms, n, ranges, gaussian_var, refine):
        self.n, self.refine = n, refine
        self.loss = {e: mpmath.mpf(c.numerator) / c.denominator for e, c in terms.items()}
        self.quadratic = mpmath.mpf(0) if gaussian_var is None else 1 / (2 * gaussian_var)
        self.cut = _CUT + 2.3 * mpmath.mp.dps
        if gaussian_var is not None:  # beyond ±L the prior alone is below e^(−cut)
            reach = mpmath.sqrt(2 * gaussian_var * self.cut)
            ranges = [(-reach, reach)] * len(ranges)
        self.ranges = ranges
        self.d = len(ranges)
        # outer variables: geometric grading (ratio 4) towards 0 from the box down to n^(−1/2)/64
        finest = n ** (-mpmath.mpf(1) / 2) / 64
        self.grading = [finest * 4**k for k in range(0, 200) if finest * 4**k < 1e6]

    def integrate(self, terms: dict[Exponent, mpmath.mpf], level: int) -> list[mpmath.mpf]:
        low, high = self.ranges[level]
        if level == self.d - 1:
            return self._innermost(terms, low, high)

        def g(x: mpmath.mpf) -> list[mpmath.mpf]:
            weight = mpmath.exp(-self.quadratic * x * x)
            return [weight * v for v in self.integrate(collapse_first(terms, x), level + 1)]

        cuts = {low, high} | {sign * c for c in self.grading for sign in (-1, 1) if low < sign * c < high}
        if low < 0 < high:
            cuts.add(mpmath.mpf(0))

        def log_g(x: mpmath.mpf) -> mpmath.mpf:
            with mpmath.workdps(15):  # only places cuts
                value = g(x)[0]
            return mpmath.log(value) if value > 0 else mpmath.mpf(-10**9)

        return _gauss_legendre(_gentle(sorted(cuts), log_g, self.cut), g, self.refine)

    def _innermost(self, terms, low, high) -> list[mpmath.mpf]:
        loss = univariate(terms) if terms else [mpmath.mpf(0)]
        exponent = [self.n * c for c in loss] + [mpmath.mpf(0)] * max(0, 3 - len(loss))
        exponent[2] += self.quadratic

        def f(y: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
            nk = self.n * horner(loss, y)
            e = mpmath.exp(-horner(exponent, y))
            return e, e * nk, e * nk * nk

        pieces = []
        for piece in _inner_pieces(exponent, low, high, float(self.cut)):
            pieces += _gentle(piece, lambda y: -horner(exponent, y), self.cut)
        return _gauss_legendre(pieces, f, self.refine)


def polynomial_thermodynamics(
    K: object | Sequence[object],
    n: object,
    box: Sequence[object] | None = None,
    prior_var: object | None = None,
    variables: Sequence[str] | None = None,
    dps: int = 30,
) -> ThermoPoint:
    """F(n), λ_eff(n) and C(n) of a polynomial loss K ≥ 0 in d ≤ 3 variables, to ``dps`` digits.

    Args:
        K: a polynomial (sympy expression or string), or the list f_1..f_r meaning K = Σ f_i².
        n: sample size > 0.
        box: (low, high) for every variable, or one (low, high) per variable: the uniform prior on the box.
        prior_var: σ² of the Gaussian prior N(0, σ² I) on R^d (instead of a box).
        variables: variable order (default: sorted names).
        dps: significant digits to guarantee (precision contract).
    """
    loss = polynomial_loss(K, variables, require_zero=False)
    d = loss.dim
    if d > 3:
        raise ValueError(f"K has {d} variables; exact quadrature covers d ≤ 3")
    with mpmath.workdps(input_precision(dps)):
        size = mpmath.mpf(str(n)) if not isinstance(n, mpmath.mpf) else n
    if not size > 0:
        raise ValueError(f"n must be positive, got {n!r}")
    ranges, gaussian = polynomial_prior(box, prior_var, d)

    def run(refine: bool) -> list[mpmath.mpf]:
        if ranges is not None:
            real_ranges = [(mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(b.numerator) / b.denominator) for a, b in ranges]
            log_density = -sum(mpmath.log(b - a) for a, b in real_ranges)
            variance = None
        else:
            variance = mpmath.mpf(gaussian.numerator) / gaussian.denominator
            real_ranges = [(-mpmath.inf, mpmath.inf)] * d
            log_density = -d * mpmath.log(2 * mpmath.pi * variance) / 2
        integrator = _Integrator(loss.terms, size, real_ranges, variance, refine)
        j0, j1, j2 = integrator.integrate(integrator.loss, 0)
        z, lam, heat = thermo_from_moments(mpmath.mpf(1), j0, j1, j2)  # the J_j already carry the powers of n
        return [-(mpmath.log(z) + log_density), lam, heat]

    (free_energy, lam, heat), digits = with_precision_contract(
        run, dps, f"polynomial loss at n = {n}", guard=5
    )
    return ThermoPoint(size, free_energy, lam, heat, digits)
