"""Exact finite-n thermodynamics of polynomial losses in d ≤ 3 variables, by nested graded Gauss–Legendre quadrature.

Z(n) = ∫ e^(−nK) φ over a box with the uniform prior, or over R^d with the Gaussian prior N(0, σ² I). The
moments are integrated in the scaled form J_j = ∫ (nK)^j e^(−nK) φ, all of the size of Z, so that
λ_eff = J_1/J_0 and C = J_2/J_0 − (J_1/J_0)² (Watanabe 2009, ch. 6; docs/references.md) lose no digits to their smallness.

The integrand concentrates near the zero set of K on scales n^(−1/(2k)); quadrature must be told where:

- innermost variable: for fixed outer coordinates the exponent p(y) = nK + (prior) is a univariate
  polynomial. Where it is quadratic with p₂ > 0 (x²y², (x − y)², any K quadratic in one of its variables,
  which is then taken innermost) the three moments are taken in closed form through erf
  (:func:`_quadratic_moments`). Otherwise its real
  critical points split the range into pieces on which p is monotone. On each piece, from its lower end
  (value m), breakpoints sit where p − m crosses a ladder of levels (1, 8, 24, 64, refined where the local
  order of p − m calls for it: :func:`_ladder`), up to the cut p = min p + cut, beyond which e^(−p) is below
  e^(−cut) of its maximum; where the upper end is a local maximum, from there downwards too (p is flat at both
  ends). The integrand thus falls by a bounded factor across every interval whatever the local order of p
  (y², y⁶, or a box edge where p' ≠ 0), and the intervals shrink to the width of a minimum by themselves.
  The crossings are solved in double precision (they only place breakpoints); the integrand is evaluated at
  working precision. Where the inner minimum is above the lowest exponent met so far + cut, the point is
  skipped as negligible;
- outer variables: cuts at the centres where the inner integral changes shape, and geometrically (ratio 2)
  from n^(−1/2)/16 away from each, which resolves every scale n^(−1/(2k)) and the power laws between them
  (24 Gauss–Legendre nodes integrate x^(−α) on [a, 2a] to about 37 digits). For d = 2 the centres are the
  exact real roots of LC_y(K) (the degree in y drops), disc_y of the square-free part of K (a zero of K(x, ·)
  appears), disc_y(∂_y K) (critical points of K(x, ·) merge) and, at each finite edge b of the y-range,
  K(x, b) and ∂_y K(x, b) (the valley of K meets the edge, as the diagonal of (x − y)² does at the corners);
  more cuts go where a critical value of the inner exponent crosses a level (:func:`_critical_value_cuts`:
  the sub-dominant e^(−n x⁶) barrier term of (y² − x³)²); for d = 3 the origin (translate the loss to put its
  singular point there). Every interval whose error estimate, from the Legendre coefficients of the values at
  its nodes, is above the requested digits is then bisected;
- a Gauss–Legendre rule on every interval (12 nodes up to 12 requested digits, 24 up to 30, else 48), with one
  exponential per node for all three moments. The innermost sums run in MPFR through gmpy2 (mpmath's own
  backend) at the working precision, about ten times faster per operation than mpf objects;
- symmetry: where the integrand is even in a variable (only even powers of it in K, and a range symmetric
  about 0) the integral over it is twice that over [0, high]; for a monomial-like loss on a symmetric box
  this halves the work at every level (x⁴ + y⁴: four times less);
- a loss whose expanded terms can cancel (mixed signs or odd powers, as (x − y)² = x² − 2xy + y²) loses
  about log10(n·Σ|c|R^e) digits to evaluating nK near its zero set; the working precision is raised by as
  much (:func:`_cancellation_digits`).

Every result passes the precision contract (:mod:`theory.precision`): a second run at higher precision, with
a third more nodes on the same intervals at both levels (a different rule), must agree; where the quadrature
is inadequate a PrecisionError says so.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import gmpy2
import mpmath
import numpy as np
import scipy.optimize
import sympy

from theory.polynomial.loss import (
    Exponent,
    PolynomialLoss,
    collapse_first,
    horner,
    polynomial_loss,
    real_roots_between,
    univariate,
)
from theory.precision import input_precision, with_precision_contract
from theory.quadrature.gauss_legendre import gauss_legendre, node_count
from theory.thermodynamics import ThermoPoint, thermo_from_moments
from theory.validation import polynomial_prior, real_number

__all__ = ["polynomial_thermodynamics"]

_CUT = 60  # e^(−60) ≈ 1e-26 relative, deepened below by the working precision
_LEVELS = (1.0, 8.0, 24.0, 64.0)  # the ladder of levels for a minimum of order 2 or 3 (see _ladder)
_QUARTIC_LEVELS = (0.25,)  # added where q ~ t^k with k ≥ 3.5 below level 1
_STEEP_LEVELS = (0.05, 0.5, 4.0)  # added where k ≥ 4.5 anywhere along the ladder
_LINEAR_LEVELS = (4.0, 12.0, 40.0)  # added where k < 1.75 along the ladder (an edge where p' ≠ 0, or where q bends)


def _real_roots(coefficients: Sequence[float], low: float, high: float) -> list[float]:
    """The distinct real roots in (low, high) of a polynomial (constant first), in double precision: used
    only as cuts."""
    trimmed = list(coefficients)
    while len(trimmed) > 1 and trimmed[-1] == 0:
        trimmed.pop()
    if len(trimmed) < 2:
        return []
    scale = max(abs(c) for c in trimmed)
    roots = np.roots([c / scale for c in reversed(trimmed)])
    return sorted({float(r.real) for r in roots if abs(r.imag) <= 1e-9 * (1 + abs(r)) and low < r.real < high})


def _to_mpfr(x: mpmath.mpf) -> gmpy2.mpfr:
    """An mpf as an MPFR number (exact when the context has at least mpmath's precision)."""
    sign, mantissa, exponent, _ = x._mpf_
    return gmpy2.mul_2exp(gmpy2.mpfr(-mantissa if sign else mantissa), exponent)


def _to_mpf(x: gmpy2.mpfr) -> mpmath.mpf:
    mantissa, exponent = x.as_mantissa_exp()
    return mpmath.mpf((int(mantissa), int(exponent)))


def _taylor(p: Sequence[gmpy2.mpfr], y0: gmpy2.mpfr, sign: int) -> list[gmpy2.mpfr]:
    """Coefficients (constant first) of q(t) = p(y0 + sign·t), by repeated synthetic division."""
    a = list(p)
    for i in range(len(a) - 1):
        for j in range(len(a) - 2, i - 1, -1):
            a[j] += y0 * a[j + 1]
    return [c if sign > 0 or k % 2 == 0 else -c for k, c in enumerate(a)]


def _crossing(q: Sequence[float], level: float, length: float) -> float | None:
    """The t in (0, length) where q(t) = level, for q increasing there with q(0) = 0 (coefficients constant
    first): Newton's method on log q against log t, exact for a monomial and quick for sums of them,
    safeguarded by bisection on log t. None if q stays below ``level`` (rounding at the piece's end)."""
    dq = [k * c for k, c in enumerate(q)][1:]

    def h(s: float) -> tuple[float, float]:
        t = math.exp(s)
        value = derivative = 0.0
        for c in reversed(q):
            value = value * t + c
        for c in reversed(dq):
            derivative = derivative * t + c
        if value <= 0:
            return -math.inf, 0.0
        return math.log(value / level), t * derivative / value

    lo, hi = math.log(length) - 80, math.log(length)
    if h(hi)[0] < 0:
        return None
    s = hi
    for _ in range(100):
        f, slope = h(s)
        if f > 0:
            hi = s
        else:
            lo = s
        newton = s - f / slope if slope > 0 and math.isfinite(f) else None
        if newton is not None and abs(newton - s) < 1e-12:
            break
        s = newton if newton is not None and lo < newton < hi else (lo + hi) / 2
    return math.exp(s)


def _slope(q: Sequence[float], t: float) -> float:
    """d log q / d log t at t > 0 (k for q = c·t^k): the local order of q."""
    value = derivative = 0.0
    for k in range(len(q) - 1, 0, -1):
        value = value * t + q[k]
        derivative = derivative * t + k * q[k]
    return derivative / value if value > 0 else 0.0


def _ladder(q: Sequence[float], length: float, top: float, bottom: float = 0.0) -> list[float]:
    """The distances t in (0, length) at which q (increasing, q(0) = 0, coefficients constant first) crosses
    the levels of a ladder between ``bottom`` and ``top``, graded to the local order k = d log q/d log t.

    Over an interval where q rises from L to L + Δ the integrand e^(−q) falls by e^(−Δ) and weighs e^(−L).
    With 24 Gauss–Legendre nodes the ladder 1, 8, 24, 64 integrates e^(−t^k) to ~1e-38 relative for k = 2
    and 3 (measured against mpmath.quad at 70 digits; 12 and 48 nodes reach ~1e-18 and ~1e-72). The first
    interval [0, level 1] needs finer levels where q is steeper there: 0.25 where k ≥ 3.5 below level 1 (k = 4:
    3e-38) and 0.05, 0.5, 4 where k ≥ 4.5 anywhere (k = 6, 8: 2e-39, 1e-35; also where k grows from 2 to 6
    between levels 1 and 8); where q is nearly linear (k < 1.75: an edge of the range where p' ≠ 0, or a piece
    that bends, as y⁴ + a·y beyond its minimum) e^(−t) falls too fast across the wide upper intervals and 4, 12,
    40 are added (6e-36). k is sampled at 24 points, geometric in t, from level 0.05 to level 64 (or ``top``)."""
    found: dict[float, float | None] = {}

    def at(level: float) -> float | None:
        if level not in found:
            found[level] = _crossing(q, level, length)
        return found[level]

    levels = {*_LEVELS, min(1.0, top / 2)}
    lowest, probe = at(min(0.05, top / 20)), at(min(1.0, top / 2))
    highest = at(min(top, _LEVELS[-1])) or length  # q may stop short of ``top`` by rounding at the end
    if lowest is not None and highest > lowest:  # k along the ladder, in 24 steps
        steps = [lowest * (highest / lowest) ** (k / 23) for k in range(24)]
        slopes = [_slope(q, t) for t in steps]
        if max((k for t, k in zip(steps, slopes) if probe is None or t <= probe), default=0.0) >= 3.5:
            levels.update(_QUARTIC_LEVELS)
        if max(slopes) >= 4.5:
            levels.update(_STEEP_LEVELS)
        if min(slopes) < 1.75:
            levels.update(_LINEAR_LEVELS)
    return sorted(t for t in (at(level) for level in levels if bottom < level < top) if t is not None)


def _local(p: Sequence[gmpy2.mpfr], start: gmpy2.mpfr, stop: gmpy2.mpfr, rising: bool) -> tuple[list[float], float, int]:
    """q(t) = |p(start ± t) − p(start)| on the monotone piece from ``start`` towards ``stop`` (p increasing away
    from ``start`` when ``rising``), in double precision: (coefficients constant first, length, direction)."""
    sign = 1 if stop > start else -1
    direction = 1.0 if rising else -1.0
    return [0.0, *(direction * float(c) for c in _taylor(p, start, sign)[1:])], float(abs(stop - start)), sign


def _crossings(
    p: Sequence[gmpy2.mpfr], start: gmpy2.mpfr, stop: gmpy2.mpfr, rising: bool, top: float, bottom: float = 0.0
) -> list[gmpy2.mpfr]:
    """The points between ``start`` and ``stop`` at which q = |p − p(start)| crosses the levels of
    :func:`_ladder` between ``bottom`` and ``top``."""
    q, length, sign = _local(p, start, stop, rising)
    return [start + sign * gmpy2.mpfr(t) for t in _ladder(q, length, top, bottom)]


def _crossing_point(p: Sequence[gmpy2.mpfr], start: gmpy2.mpfr, stop: gmpy2.mpfr, level: float) -> list[gmpy2.mpfr]:
    """The point between ``start`` and ``stop``, where p rises away from ``start``, at which p − p(start) = level
    (none if rounding keeps it below ``level``)."""
    q, length, sign = _local(p, start, stop, True)
    return [start + sign * gmpy2.mpfr(t) for t in [_crossing(q, level, length)] if t is not None]


def _stations(p: Sequence[gmpy2.mpfr], low: gmpy2.mpfr, high: gmpy2.mpfr) -> tuple[list[gmpy2.mpfr], list[gmpy2.mpfr]]:
    """The ends of [low, high] and the real critical points of p between them, with p's values there: p is
    monotone between consecutive stations, so its minimum on [low, high] is the least value."""
    derivative = [float(k * c) for k, c in enumerate(p)][1:]
    stations = [low, *(gmpy2.mpfr(y) for y in _real_roots(derivative, float(low), float(high))), high]
    return stations, [horner(p, y) for y in stations]


def _inner_intervals(
    p: Sequence[gmpy2.mpfr],
    stations: Sequence[gmpy2.mpfr],
    values: Sequence[gmpy2.mpfr],
    edges: Sequence[gmpy2.mpfr],
    cut: float,
    floor: float,
) -> list[tuple[gmpy2.mpfr, gmpy2.mpfr]]:
    """Intervals for ∫ e^(−p(y)) dy between the first and last station, only where p ≤ floor + cut. On each
    monotone piece of p they are level-graded from its lower end and, where its upper end is a local maximum
    (a station other than the ``edges`` of the range: p is flat there too), from that end down as well."""
    intervals = []
    for i in range(len(stations) - 1):
        (lower, v_lower), (upper, v_upper) = sorted([(stations[i], values[i]), (stations[i + 1], values[i + 1])], key=lambda sv: sv[1])
        headroom = cut - float(v_lower - floor)
        if headroom <= 0:
            continue
        rise = float(v_upper - v_lower)
        points = [lower, *_crossings(p, lower, upper, True, min(rise, headroom))]
        if rise <= headroom:
            points.append(upper)
            if upper not in edges:  # a local maximum: graded down to where it lies below floor + the last level
                height = float(v_upper - floor)
                points += _crossings(p, upper, lower, False, rise, bottom=height - _LEVELS[-1])
        else:
            points += _crossing_point(p, lower, upper, headroom)
        points.sort()
        intervals += zip(points, points[1:])
    return intervals


@functools.lru_cache(maxsize=32)
def _mpfr_pairs(count: int, prec: int) -> tuple[tuple[gmpy2.mpfr, gmpy2.mpfr, gmpy2.mpfr], ...]:
    """The Gauss–Legendre nodes ±x as (x, x², w) for x > 0, in MPFR (the rules used have no node at 0)."""
    with gmpy2.context(precision=prec):
        return tuple((_to_mpfr(x), _to_mpfr(x * x), _to_mpfr(w)) for x, w in gauss_legendre(count, prec) if x > 0)


def _even_odd(p: Sequence[gmpy2.mpfr], centre: gmpy2.mpfr, half: gmpy2.mpfr) -> tuple[list[gmpy2.mpfr], list[gmpy2.mpfr]]:
    """P(x) = p(centre + half·x) = E(x²) + x·O(x²): the coefficients of E and O, so that one pass of Horner in
    x² serves the two nodes ±x."""
    shifted = _taylor(p, centre, 1)
    scale = gmpy2.mpfr(1)
    for k in range(len(shifted)):
        shifted[k] *= scale
        scale *= half
    return shifted[0::2], shifted[1::2]  # p has at least three coefficients


@functools.lru_cache(maxsize=32)
def _coefficient_weights(count: int, prec: int) -> tuple[tuple[mpmath.mpf, ...], ...]:
    """Weights turning values at the N Gauss–Legendre nodes into the Legendre coefficients a_0, a_(N−2),
    a_(N−1) of their interpolant: a_k = (2k + 1)/2 · Σ_i w_i P_k(x_i) f(x_i) (exact for degree < N)."""
    nodes = gauss_legendre(count, prec)
    with mpmath.workprec(prec):
        return tuple(
            tuple((2 * k + 1) * w * mpmath.legendre(k, x) / 2 for x, w in nodes) for k in (0, len(nodes) - 2, len(nodes) - 1)
        )


def _adaptive(
    f: Callable, cuts: Sequence[mpmath.mpf], count: int, smallest: mpmath.mpf, tolerance: mpmath.mpf
) -> list[mpmath.mpf]:
    """∫ f (a triple) over [cuts[0], cuts[−1]]: a Gauss–Legendre rule of ``count`` nodes on every interval
    between the cuts, and every interval whose error estimate exceeds ``tolerance`` times the running total
    bisected until none does (or it is narrower than ``smallest``).

    The estimate: if the Legendre coefficients of f on an interval decay geometrically, a_k ≈ a_0 r^k, the
    N-node rule's error is about (b − a)·a_(2N) ≈ (b − a)·a_(N−1)²/a_0; it is conservative when they decay
    more slowly, as for a sub-dominant term e^(−n x⁶) of the inner integral that log f does not show.
    """
    nodes = gauss_legendre(count, mpmath.mp.prec)
    weights = _coefficient_weights(count, mpmath.mp.prec)

    def rule(a: mpmath.mpf, b: mpmath.mpf) -> tuple[list[mpmath.mpf], list[mpmath.mpf]]:
        half, centre = (b - a) / 2, (a + b) / 2
        values = [f(centre + half * x) for x, _ in nodes]
        integral, error = [], []
        for j in range(3):
            column = [v[j] for v in values]
            mean, *tail = (mpmath.fdot(w, column) for w in weights)
            last = max(abs(c) for c in tail)
            integral.append(2 * half * mean)
            error.append(2 * half * last * last / max(abs(mean), last) if last else mpmath.mpf(0))
        return integral, error

    intervals = {(a, b): rule(a, b) for a, b in zip(cuts, cuts[1:])}
    while True:
        totals = [mpmath.fsum(integral[j] for integral, _ in intervals.values()) for j in range(3)]
        limits = [tolerance * abs(t) for t in totals]
        poor = [
            (a, b)
            for (a, b), (_, error) in intervals.items()
            if b - a > smallest and any(e > limit for e, limit in zip(error, limits))
        ]
        if not poor:
            return totals
        for a, b in poor:
            middle = (a + b) / 2
            del intervals[(a, b)]
            intervals[(a, middle)], intervals[(middle, b)] = rule(a, middle), rule(middle, b)


def _cancellation_digits(terms: dict[Exponent, Fraction], reach: Sequence[float], n: mpmath.mpf) -> int:
    """Working digits lost in evaluating nK from its expanded coefficients where the integrand lives (nK of
    order 1): none when every term is a positive coefficient times even powers, so that no term cancels
    another; else log10 of the largest size of the terms, n·Σ|c|·Π R_i^(e_i) (R_i the reach of variable i), as
    for (x − y)² = x² − 2xy + y² near the diagonal."""
    if all(c > 0 and all(e % 2 == 0 for e in exponent) for exponent, c in terms.items()):
        return 0
    size = sum(abs(float(c)) * math.prod(r**e for r, e in zip(reach, exponent)) for exponent, c in terms.items())
    return max(0, math.ceil(math.log10(float(n) * size))) + 2


def _graded(low: mpmath.mpf, high: mpmath.mpf, centres: dict[mpmath.mpf, mpmath.mpf]) -> list[mpmath.mpf]:
    """Cuts on [low, high]: the centres, and from each of them geometrically (ratio 2) outwards, from the
    centre's finest step to halfway to the next centre (or all the way to an edge of the range)."""
    points = sorted({low, high, *centres})
    cuts = set(points)
    for a, b in zip(points, points[1:]):
        reach = (b - a) / 2 if a in centres and b in centres else b - a
        for centre, sign in ((a, 1), (b, -1)):
            step = centres.get(centre)
            while step is not None and step < reach:
                cuts.add(centre + sign * step)
                step *= 2
    return sorted(cuts)


def _exponent_table(terms: dict[Exponent, mpmath.mpf], n: mpmath.mpf, quadratic: mpmath.mpf) -> np.ndarray:
    """For d = 2, the coefficients of x^i y^j in p(x, y) = nK(x, y) + (x² + y²)/(2σ²), in double precision."""
    degree_x = max(max(e[0] for e in terms), 2)
    degree_y = max(max(e[1] for e in terms), 2)
    table = np.zeros((degree_x + 1, degree_y + 1))
    for (i, j), c in terms.items():
        table[i, j] += float(n * c)
    table[0, 2] += float(quadratic)
    table[2, 0] += float(quadratic)
    return table


def _flat_reach(table: np.ndarray, centre: float, y_range: tuple[float, float], cut: float, change: float = 1e-3) -> float:
    """The largest X such that, for |x − centre| ≤ X, p(x, y) differs from p(centre, y) by at most ``change``
    wherever e^(−p(centre, y)) is within e^(−cut) of its maximum, and by at most cut/2 anywhere in the range.

    There the inner integral, and the moments, change by a factor within e^(±change) and are analytic in x: with
    p(centre + u, y) − p(centre, y) = Σ_(k≥1) u^k r_k(y) the change is at most D(X) = Σ_k X^k max|r_k|, and on
    |u| ≤ ρX, ρ = change^(−1/k_min), still O(1); 24 Gauss–Legendre nodes integrate such a function on
    [centre, centre + X] to far below 1e-35, so the geometric cuts of :func:`_graded` start at X, not at
    n^(−1/2)/16 (the cusp at x = 0, n = 10¹²: X ≈ 3e-4, twelve intervals fewer on each side)."""
    degree_x = table.shape[0] - 1
    shifted = np.zeros_like(table)  # coefficients of u^k y^j in p(centre + u, y)
    for i in range(degree_x + 1):
        for k in range(i + 1):
            shifted[k] += math.comb(i, k) * centre ** (i - k) * table[i]
    low, high = y_range
    inner = shifted[0]
    derivative = list(np.arange(1, len(inner)) * inner[1:])
    stations = [low, *_real_roots(derivative, low, high), high]
    values = np.polyval(inner[::-1], stations)
    top = float(values.min()) + cut
    shifted_inner = list(inner)
    shifted_inner[0] -= top
    ends = [y for y, v in zip(stations, values) if v <= top] + _real_roots(shifted_inner, low, high)
    relevant = max(abs(y) for y in ends)
    whole = max(abs(low), abs(high))
    powers = np.arange(table.shape[1])
    near = [float(np.abs(shifted[k]) @ relevant**powers) for k in range(1, degree_x + 1)]
    far = [float(np.abs(shifted[k]) @ whole**powers) for k in range(1, degree_x + 1)]

    def within(x: float) -> bool:
        return sum(c * x ** (k + 1) for k, c in enumerate(near)) <= change and sum(c * x ** (k + 1) for k, c in enumerate(far)) <= cut / 2

    lo, hi = -80.0, 0.0  # bisection on log10 X
    for _ in range(60):
        middle = (lo + hi) / 2
        lo, hi = (middle, hi) if within(10**middle) else (lo, middle)
    return 10**lo


def _critical_value_cuts(
    terms: dict[Exponent, mpmath.mpf],
    n: mpmath.mpf,
    quadratic: mpmath.mpf,
    y_range: tuple[mpmath.mpf, mpmath.mpf],
    cuts: Sequence[mpmath.mpf],
    cut: float,
    samples: int = 8,
) -> list[mpmath.mpf]:
    """For d = 2, cuts in x where a critical value c_i(x) of the inner exponent p_x(y) = nK(x, y) + (prior)
    (a local minimum or maximum over y, or the value at an edge of the y-range), measured from the lowest of
    them all, crosses the levels 1, 4, 8, 16, 24, 40, 64.

    The inner integral is a sum of terms ~e^(−c_i(x)); a sub-dominant one can fall by e^(−100) across an
    interval of the geometric cuts (e^(−n x⁶) for the cusp (y² − x³)², where n x⁶ crosses 1 … 64 for x in
    [n^(−1/6), 2n^(−1/6)]), which bisection would otherwise find one failed rule at a time. The c_i are
    sampled in double precision at ``samples`` points per interval and a cut is put where one crosses a level
    (linear interpolation between samples with the same number of critical points): breakpoints only, the
    adaptive rule still checks every interval."""
    table = _exponent_table(terms, n, quadratic)
    degree_x = table.shape[0] - 1
    low, high = float(y_range[0]), float(y_range[1])
    points = [float(a) + (float(b) - float(a)) * k / samples for a, b in zip(cuts, cuts[1:]) for k in range(samples)]
    points.append(float(cuts[-1]))
    curves = []
    for x in points:
        p = np.power(x, np.arange(degree_x + 1)) @ table  # the prior's x² term included
        stations = [low, *_real_roots(list(np.arange(1, len(p)) * p[1:]), low, high), high]
        curves.append(np.polyval(p[::-1], stations))
    floor = min(float(c.min()) for c in curves)
    out = []
    for (x0, c0), (x1, c1) in zip(zip(points, curves), zip(points[1:], curves[1:])):
        if len(c0) != len(c1):
            continue
        for v0, v1 in zip(c0 - floor, c1 - floor):
            for level in (1.0, 4.0, 8.0, 16.0, 24.0, 40.0, 64.0):
                if min(v0, v1) < level < max(v0, v1) and level < cut:
                    out.append(mpmath.mpf(x0 + (level - v0) / (v1 - v0) * (x1 - x0)))
    return out


def _outer_features(loss: PolynomialLoss, y_range: tuple | None) -> list[sympy.Expr]:
    """For d = 2, polynomials in x whose real roots are where ∫ e^(−nK(x, y)) dy changes shape or peaks:
    LC_y(K), disc_y of the square-free part of K (a zero of K(x, ·) appears), disc_y(∂_y K), the resultant in
    y of ∂_x K and ∂_y K freed of their common factor (the isolated critical points of K, where e^(−nK) has a
    peak of width ~n^(−1/2) that is no zero of K when min K ≠ 0), and K(x, b), ∂_y K(x, b), ∂_x K(x, b) at
    each finite edge b of the y-range."""
    x, y = loss.variables
    derivative = sympy.diff(loss.expr, y)
    across = sympy.diff(loss.expr, x)
    polys = [sympy.Poly(loss.expr, y).LC()]
    for p in (sympy.sqf_part(loss.expr), derivative):
        if sympy.degree(p, y) >= 2:
            polys.append(sympy.discriminant(p, y))
    if derivative != 0 and across != 0:
        common = sympy.gcd(across, derivative)
        a, b = sympy.cancel(across / common), sympy.cancel(derivative / common)
        if max(sympy.degree(a, y), sympy.degree(b, y)) >= 1:
            polys.append(sympy.resultant(a, b, y))
    for edge in y_range or ():
        on_edge = loss.expr.subs(y, edge)
        polys += [on_edge, derivative.subs(y, edge), sympy.diff(on_edge, x)]
    return [p for p in map(sympy.expand, polys) if p.free_symbols]


def _quadratic_innermost(loss: PolynomialLoss, ranges: list | None) -> tuple[PolynomialLoss, list | None]:
    """The loss (and box) with a variable in which K is quadratic moved innermost, if the last one is not:
    the integral does not depend on the order, and a quadratic inner polynomial is integrated in closed form."""
    degrees = [sympy.degree(loss.expr, v) for v in loss.variables]
    if len(degrees) < 2 or degrees[-1] == 2 or 2 not in degrees:
        return loss, ranges
    move = max(i for i, degree in enumerate(degrees) if degree == 2)
    order = [i for i in range(len(degrees)) if i != move] + [move]
    names = [loss.variables[i].name for i in order]
    return polynomial_loss(loss.expr, names, require_zero=False), None if ranges is None else [ranges[i] for i in order]


def _quadratic_moments(
    p: Sequence[gmpy2.mpfr], nk: Sequence[gmpy2.mpfr], low: gmpy2.mpfr, high: gmpy2.mpfr
) -> tuple[gmpy2.mpfr, gmpy2.mpfr, gmpy2.mpfr] | None:
    """∫ (1, nK, (nK)²) e^(−p) dy over [low, high] in closed form when p = p₂y² + p₁y + p₀ with p₂ > 0 (nK
    quadratic too), or None where the closed form would cancel more than 4 digits (quadrature then).

    With v = −p₁/(2p₂), u = √p₂ (y − v) and p = u² + c, every moment is e^(−c)/√p₂ times a combination of
    M_m = ∫ u^m e^(−u²) du: M₀ = (√π/2)(erf u_b − erf u_a) (taken through erfc on one side of 0),
    M₁ = (e_a − e_b)/2 and M_m = (u_a^(m−1) e_a − u_b^(m−1) e_b)/2 + (m − 1)/2 · M_(m−2), e = e^(−u²).
    """
    alpha = p[2]
    root = gmpy2.sqrt(alpha)
    vertex = -p[1] / (2 * alpha)
    c = horner(p, vertex)
    ua, ub = root * (low - vertex), root * (high - vertex)
    if ua >= 0:
        difference, size = gmpy2.erfc(ua) - gmpy2.erfc(ub), gmpy2.erfc(ua)
    elif ub <= 0:
        difference, size = gmpy2.erfc(-ub) - gmpy2.erfc(-ua), gmpy2.erfc(-ub)
    else:
        difference = size = gmpy2.erf(ub) - gmpy2.erf(ua)
    if difference <= 0 or size > 1e4 * difference:
        return None
    half_root_pi = gmpy2.sqrt(gmpy2.const_pi()) / 2
    ea, eb = gmpy2.exp(-ua * ua), gmpy2.exp(-ub * ub)
    moments, sizes = [half_root_pi * difference, (ea - eb) / 2], [float(half_root_pi * difference), float(ea + eb) / 2]
    for m in range(2, 5):
        ta, tb = ua ** (m - 1) * ea, ub ** (m - 1) * eb
        moments.append((ta - tb) / 2 + (m - 1) * moments[m - 2] / 2)
        sizes.append(float(abs(ta) + abs(tb)) / 2 + (m - 1) * sizes[m - 2] / 2)
    # nK = A u² + B u + C in the variable u
    a_coefficient = nk[2] / alpha
    b_coefficient = (2 * nk[2] * vertex + nk[1]) / root
    c_coefficient = horner(nk, vertex)
    combinations = [
        [(1, 0)],
        [(a_coefficient, 2), (b_coefficient, 1), (c_coefficient, 0)],
        [(a_coefficient**2, 4), (2 * a_coefficient * b_coefficient, 3), (b_coefficient**2 + 2 * a_coefficient * c_coefficient, 2),
         (2 * b_coefficient * c_coefficient, 1), (c_coefficient**2, 0)],
    ]  # fmt: skip
    scale = gmpy2.exp(-c) / root
    out = []
    for terms in combinations:
        value = sum((w * moments[m] for w, m in terms), gmpy2.mpfr(0))
        size = sum(abs(float(w)) * sizes[m] for w, m in terms)
        if value == 0 or size > 1e4 * abs(float(value)):
            return None
        out.append(scale * value)
    return out[0], out[1], out[2]


class _Integrator:
    """Nested quadrature of (e^(−E), nK e^(−E), (nK)² e^(−E)) with E = nK + (Gaussian prior exponent)."""

    def __init__(self, terms, n, ranges, gaussian_var, refine, dps, centres, tolerance):
        self.n, self.refine, self.centres, self.tolerance = n, refine, centres, tolerance
        self.count = node_count(dps, refine)
        self.loss = {e: mpmath.mpf(c.numerator) / c.denominator for e, c in terms.items()}
        self.quadratic = mpmath.mpf(0) if gaussian_var is None else 1 / (2 * gaussian_var)
        self.cut = _CUT + 2.3 * mpmath.mp.dps
        if gaussian_var is not None:  # beyond ±L the prior alone is below e^(−cut)
            reach = mpmath.sqrt(2 * gaussian_var * self.cut)
            ranges = [(-reach, reach)] * len(ranges)
        self.ranges = ranges
        self.d = len(ranges)
        self.finest = n ** (-mpmath.mpf(1) / 2) / 16
        self.lowest = math.inf  # the lowest exponent E met so far: where the inner floor is above it + cut, skip

    def integrate(self, terms: dict[Exponent, mpmath.mpf], level: int, offset: mpmath.mpf = mpmath.mpf(0)) -> list[mpmath.mpf]:
        """The triple of integrals over the variables from ``level`` on, the outer ones fixed in ``terms``;
        ``offset`` is the prior exponent of the fixed outer variables."""
        low, high = self.ranges[level]
        if level == self.d - 1:
            return self._innermost(terms, low, high, offset)

        fold = low == -high and all(exponent[0] % 2 == 0 for exponent in terms)
        factor = 2 if fold else 1

        def g(x: mpmath.mpf) -> list[mpmath.mpf]:
            prior = self.quadratic * x * x
            weight = factor * mpmath.exp(-prior)
            return [weight * v for v in self.integrate(collapse_first(terms, x), level + 1, offset + prior)]

        if fold:  # the integrand is even in x: twice the integral over [0, high]
            low = mpmath.mpf(0)
        centres = {c: self.finest for c in self.centres.get(level, [mpmath.mpf(0)]) if low <= c <= high}
        if self.d == 2:
            table, y_range = _exponent_table(terms, self.n, self.quadratic), tuple(map(float, self.ranges[1]))
            centres = {c: max(step, mpmath.mpf(_flat_reach(table, float(c), y_range, self.cut))) for c, step in centres.items()}
        cuts = _graded(low, high, centres)
        if self.d == 2:
            cuts = sorted({*cuts, *_critical_value_cuts(terms, self.n, self.quadratic, self.ranges[1], cuts, self.cut)})
        return _adaptive(g, cuts, self.count, self.finest / 2**20, self.tolerance)

    def _innermost(self, terms, low, high, offset) -> list[mpmath.mpf]:
        """∫ (1, nK, (nK)²) e^(−p) dy in MPFR: in closed form for a quadratic p, else as Σ over the
        level-graded intervals of Gauss–Legendre sums, the two nodes ±x of each pair from one Horner pass."""
        loss = univariate(terms) if terms else [mpmath.mpf(0)]
        loss += [mpmath.mpf(0)] * max(0, 3 - len(loss))
        with gmpy2.context(precision=mpmath.mp.prec):
            nk = [_to_mpfr(self.n * c) for c in loss]
            p = list(nk)
            p[2] += _to_mpfr(self.quadratic)
            fold = low == -high and not any(p[1::2])  # p even and the range symmetric: twice ∫ over [0, high]
            factor = 2 if fold else 1
            stations, values = _stations(p, gmpy2.mpfr(0) if fold else _to_mpfr(low), _to_mpfr(high))
            lowest = float(min(values))
            floor = min(lowest, self.lowest - float(offset))  # the lowest exponent met anywhere so far
            self.lowest = min(self.lowest, lowest + float(offset))
            if lowest - floor >= self.cut:  # negligible beside a point met before
                return [mpmath.mpf(0)] * 3
            if len(p) == 3 and p[2] > 0:
                exact = _quadratic_moments(p, nk, _to_mpfr(low), _to_mpfr(high))
                if exact is not None:
                    return [_to_mpf(v) for v in exact]
            edges = (stations[-1],) if fold else (stations[0], stations[-1])  # 0 is a critical point of an even p
            intervals = _inner_intervals(p, stations, values, edges, float(self.cut), floor)
            pairs = _mpfr_pairs(self.count, mpmath.mp.prec)
            j0 = j1 = j2 = gmpy2.mpfr(0)
            box = self.quadratic == 0  # then the exponent is nK itself
            for a, b in intervals:
                half, centre = (b - a) / 2, (a + b) / 2
                even, odd = _even_odd(p, centre, half)
                loss_even, loss_odd = (even, odd) if box else _even_odd(nk, centre, half)
                s0 = s1 = s2 = gmpy2.mpfr(0)
                for x, xx, w in pairs:
                    e_part, o_part = horner(even, xx), x * horner(odd, xx)
                    if box:
                        k_plus, k_minus = e_part + o_part, e_part - o_part
                        e_plus, e_minus = w * gmpy2.exp(-k_plus), w * gmpy2.exp(-k_minus)
                    else:
                        e_plus, e_minus = w * gmpy2.exp(-(e_part + o_part)), w * gmpy2.exp(o_part - e_part)
                        k_even, k_odd = horner(loss_even, xx), x * horner(loss_odd, xx)
                        k_plus, k_minus = k_even + k_odd, k_even - k_odd
                    ek_plus, ek_minus = e_plus * k_plus, e_minus * k_minus
                    s0 += e_plus + e_minus
                    s1 += ek_plus + ek_minus
                    s2 += ek_plus * k_plus + ek_minus * k_minus
                j0 += half * s0
                j1 += half * s1
                j2 += half * s2
            return [_to_mpf(factor * j0), _to_mpf(factor * j1), _to_mpf(factor * j2)]


def _loss_floor(loss: PolynomialLoss, ranges: list | None, gaussian: Fraction | None) -> Fraction:
    """A reference level m ≈ min K (0 when min K ≤ 0), exact where it is the constant term: the least value on a
    41^d grid over the box (±10σ for a Gaussian prior), polished by L-BFGS-B (unbounded for a Gaussian prior).
    The thermodynamics of K − m, which has min ≈ 0, give those of K exactly: Z = e^(−nm)·Z', F = nm + F',
    λ_eff = nm + λ'_eff, C = C'. Without the shift, e^(−nK) underflows MPFR's exponent range (~e^(−7·10⁸))
    and C = E[(nK)²] − E[nK]² cancels 2·log10(n·min K) digits."""
    f = sympy.lambdify(loss.variables, loss.expr, "numpy")
    if ranges is not None:
        bounds = [(float(a), float(b)) for a, b in ranges]
    else:
        reach = 10 * math.sqrt(float(gaussian))
        bounds = [(-reach, reach)] * loss.dim
    grid = np.meshgrid(*(np.linspace(a, b, 41) for a, b in bounds), indexing="ij")
    values = np.broadcast_to(np.asarray(f(*grid), dtype=float), grid[0].shape)
    start = [axis.flat[int(np.argmin(values))] for axis in grid]
    polished = scipy.optimize.minimize(lambda v: float(f(*v)), start, method="L-BFGS-B", bounds=bounds if ranges is not None else None)
    least = min(float(values.min()), float(polished.fun))
    if not least > 0:
        return Fraction(0)
    constant = loss.terms.get((0,) * loss.dim, Fraction(0))
    return constant if abs(least - float(constant)) <= 1e-9 * max(1.0, abs(least)) else Fraction(least)


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
        variables: variable order (default: sorted names); the last is integrated innermost, unless K is
            quadratic in another one and not in the last, which is then moved innermost (closed form).
        dps: significant digits to guarantee (precision contract).
    """
    loss = polynomial_loss(K, variables, require_zero=False)
    d = loss.dim
    if d > 3:
        raise ValueError(f"K has {d} variables; exact quadrature covers d ≤ 3")
    with mpmath.workdps(input_precision(dps)):
        size = real_number(n, "n", positive=True)
    ranges, gaussian = polynomial_prior(box, prior_var, d)
    floor = _loss_floor(loss, ranges, gaussian)
    if size * floor < 1:  # n·m below 1 costs no digits; realizable losses (m = 0 up to rounding) stay as given
        floor = Fraction(0)
    if floor:  # K − m: the same thermodynamics shifted by n·m, computed where e^(−n(K − m)) is of order one
        loss = polynomial_loss(loss.expr - sympy.Rational(floor.numerator, floor.denominator), [v.name for v in loss.variables], require_zero=False)
    loss, ranges = _quadratic_innermost(loss, ranges)
    features = _outer_features(loss, None if ranges is None else ranges[1]) if d == 2 else []

    reach = [float(max(abs(a), abs(b))) for a, b in ranges] if ranges is not None else [20 * math.sqrt(gaussian)] * d
    extra = _cancellation_digits(loss.terms, reach, size)

    def run(refine: bool) -> list[mpmath.mpf]:
        if ranges is not None:
            real_ranges = [(mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(b.numerator) / b.denominator) for a, b in ranges]
            log_density = -sum(mpmath.log(b - a) for a, b in real_ranges)
            variance = None
        else:
            variance = mpmath.mpf(gaussian.numerator) / gaussian.denominator
            real_ranges = [(-mpmath.inf, mpmath.inf)] * d
            log_density = -d * mpmath.log(2 * mpmath.pi * variance) / 2
        centres = {0: real_roots_between(features, loss.variables[0], *real_ranges[0])} if features else {}
        tolerance = 1000 * mpmath.eps * mpmath.mpf(10) ** extra  # the digits added for cancellation are not asked of the rule
        integrator = _Integrator(loss.terms, size, real_ranges, variance, refine, dps, centres, tolerance)
        j0, j1, j2 = integrator.integrate(integrator.loss, 0)
        z, lam, heat = thermo_from_moments(mpmath.mpf(1), j0, j1, j2)  # the J_j already carry the powers of n
        shift = size * floor.numerator / floor.denominator  # n·m (module: _loss_floor)
        return [shift - (mpmath.log(z) + log_density), shift + lam, heat]

    (free_energy, lam, heat), digits = with_precision_contract(
        run, dps, f"polynomial loss at n = {n}", guard=5, extra=extra
    )
    return ThermoPoint(size, free_energy, lam, heat, digits)
