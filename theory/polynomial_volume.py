"""The volume function V(ε) = prior mass of {K < ε} of a polynomial loss in one or two variables.

One variable: {x : K(x) < ε} is a union of intervals between the real roots of K − ε, so V(ε) is a sum of
prior masses (box lengths, or Gaussian erf differences) and, by the coarea formula, V'(ε) = Σ_r φ(r)/|K'(r)|
over the roots r where K − ε changes sign.

Two variables: for each x the same holds in y, so

  V(ε) = ∫ φ(x) · P_y{K(x, y) < ε} dx,    V'(ε) = ∫ φ(x) · Σ_r φ(y_r)/|∂_y K(x, y_r)| dx,

with y_r the sign-changing roots of K(x, ·) − ε. The inner functions are smooth in x except where the real
roots in y change: where two of them merge (roots of the discriminant of K − ε in y), where one escapes to
infinity (roots of the leading coefficient in y), or where one crosses an edge of the box (roots of
K(x, low) − ε and K(x, high) − ε). These breakpoints are found exactly by sympy (resultants over the
rationals) and evaluated to the working precision; between them the quadrature meets smooth functions with at
worst square-root endpoint behaviour (Gauss–Legendre after a cosine substitution, on pieces graded
geometrically towards every breakpoint). Roots in y come from ``mpmath.polyroots`` at doubled precision; which
intervals lie in {K < ε} is decided by evaluating K at their midpoints, so a root mistaken for complex (or
the reverse) can only misplace an interval narrower than the roots' accuracy.

The local scaling exponent d log V/d log ε = ε·V'(ε)/V(ε) tends to λ as ε → 0 (with a (m−1)·log correction:
V(ε) ~ c·ε^λ·(log 1/ε)^(m−1); Watanabe 2009, §2.4). Results pass the precision contract
(:mod:`theory.precision`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

import mpmath
import sympy
from mpmath.libmp import NoConvergence

from theory.polynomial import Exponent, collapse_first, horner, polynomial_loss, real_roots_between, univariate
from theory.precision import refined, with_precision_contract
from theory.thermodynamics import VolumePoint
from theory.validation import polynomial_prior, real_number

__all__ = ["polynomial_volume"]


class _Prior(NamedTuple):
    """The one-dimensional prior factor of a coordinate at the working precision: uniform on (low, high), or
    N(0, variance) on the line (low, high = ∓∞)."""

    low: mpmath.mpf
    high: mpmath.mpf
    variance: mpmath.mpf | None

    def density(self, x: mpmath.mpf) -> mpmath.mpf:
        if self.variance is None:
            return 1 / (self.high - self.low)
        return mpmath.exp(-x * x / (2 * self.variance)) / mpmath.sqrt(2 * mpmath.pi * self.variance)

    def mass(self, a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
        if self.variance is None:
            return (b - a) / (self.high - self.low)
        scale = mpmath.sqrt(2 * self.variance)
        if a > 0:  # both tails from the same side keep the digits of a small mass
            return (mpmath.erfc(a / scale) - mpmath.erfc(b / scale)) / 2
        if b < 0:
            return (mpmath.erfc(-b / scale) - mpmath.erfc(-a / scale)) / 2
        return (mpmath.erf(b / scale) - mpmath.erf(a / scale)) / 2


def _priors(ranges: list[tuple[Fraction, Fraction]] | None, variance: Fraction | None, dim: int) -> list[_Prior]:
    """The prior factors of the ``dim`` coordinates, read at the current working precision."""
    real = lambda v: mpmath.mpf(v.numerator) / v.denominator  # noqa: E731
    if ranges is None:
        return [_Prior(-mpmath.inf, mpmath.inf, real(variance))] * dim
    return [_Prior(real(low), real(high), None) for low, high in ranges]


def _sublevel(coefficients: Sequence[mpmath.mpf], level: mpmath.mpf, prior: _Prior) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(P{p < level}, Σ_r φ(r)/|p'(r)|) for the univariate polynomial p (coefficients constant first) under
    the one-dimensional ``prior``: intervals between real roots of p − level, tested at their midpoints."""
    shifted = [coefficients[0] - level, *coefficients[1:]]
    while len(shifted) > 1 and shifted[-1] == 0:
        shifted.pop()
    low, high = prior.low, prior.high
    candidates: list[mpmath.mpf] = []
    if len(shifted) > 1:
        tolerance = mpmath.mpf(10) ** (-mpmath.mp.dps // 2)
        with mpmath.workprec(2 * mpmath.mp.prec):
            try:
                roots = mpmath.polyroots(list(reversed(shifted)), maxsteps=200, extraprec=mpmath.mp.prec, cleanup=True)
            except NoConvergence:  # Durand–Kerner stalls on a multiple root
                raise _critical(level) from None
        candidates = sorted(+r.real for r in map(mpmath.mpc, roots) if abs(r.imag) <= tolerance * (1 + abs(r)) and low < r.real < high)

    derivative = [k * c for k, c in enumerate(shifted)][1:]
    edges = [low, *candidates, high]
    inside = []
    for a, b in zip(edges, edges[1:]):
        if mpmath.isinf(a) and mpmath.isinf(b):
            mid = mpmath.mpf(0)
        elif mpmath.isinf(a):
            mid = b - 1 - abs(b)
        elif mpmath.isinf(b):
            mid = a + 1 + abs(a)
        else:
            mid = (a + b) / 2
        inside.append(horner(shifted, mid) < 0)
    mass = sum((prior.mass(a, b) for (a, b), yes in zip(zip(edges, edges[1:]), inside) if yes), mpmath.mpf(0))
    density = mpmath.mpf(0)
    for root, before, after in zip(candidates, inside, inside[1:]):
        if before != after:  # a sign change of p − level: a boundary point of the sublevel set
            slope = horner(derivative, root)
            if slope == 0:
                raise _critical(level)
            density += prior.density(root) / abs(slope)
    return mass, density


def _critical(level: mpmath.mpf) -> ValueError:
    return ValueError(
        f"eps = {mpmath.nstr(level, 15)} is a critical value of K (K − ε has a multiple real root), where V'(ε) and "
        "the exponent are infinite: move ε off it"
    )


def _breakpoints(expr: sympy.Expr, x: sympy.Symbol, y: sympy.Symbol, level: sympy.Rational, y_box) -> list[sympy.Expr]:
    """Polynomials in x whose real roots are where the real roots in y of K − ε merge, escape or cross a box edge."""
    poly = sympy.Poly(expr - level, y)
    polys = [poly.LC()]
    if poly.degree() >= 2:
        polys.append(sympy.discriminant(poly.as_expr(), y))
    if y_box is not None:
        polys += [expr.subs(y, edge) - level for edge in y_box]
    return [sympy.expand(p) for p in polys if sympy.expand(p).free_symbols]


def polynomial_volume(
    K: object | Sequence[object],
    eps: object,
    box: Sequence[object] | None = None,
    prior_var: object | None = None,
    variables: Sequence[str] | None = None,
    dps: int = 15,
) -> VolumePoint:
    """V(ε) = prior mass of {K < ε} and d log V/d log ε for a polynomial loss in one or two variables
    (module docstring), to ``dps`` digits under the precision contract.

    Args:
        K: a polynomial (sympy expression or string), or the list f_1..f_r meaning K = Σ f_i².
        eps: the level ε > 0 (any real, e.g. ``"1e-12"``; read exactly as a decimal).
        box, prior_var: the uniform prior on a box, or the Gaussian prior N(0, σ² I), as in
            ``polynomial_thermodynamics``.
        variables: variable order (default: sorted names).
        dps: significant digits to guarantee.
    """
    loss = polynomial_loss(K, variables, require_zero=False)
    if loss.dim > 2:
        raise ValueError(f"K has {loss.dim} variables; the volume function covers d ≤ 2")
    ranges, variance = polynomial_prior(box, prior_var, loss.dim)
    real_number(eps, "eps", positive=True)
    if isinstance(eps, mpmath.mpf):  # its exact binary value
        mantissa, exponent = eps.man_exp
        level_q = sympy.Integer(mantissa) * sympy.Integer(2) ** exponent
    else:  # the decimal as written: "0.1" is 1/10
        level_q = sympy.Rational(str(eps))

    def coefficients(terms: dict[Exponent, mpmath.mpf], x: mpmath.mpf | None) -> list[mpmath.mpf]:
        """K as a polynomial in its last variable (the first one, if any, set to x), constant first."""
        return univariate(terms if x is None else collapse_first(terms, x))

    if loss.dim == 1:

        def compute(refine: bool) -> list[mpmath.mpf]:
            terms = {e: mpmath.mpf(c.numerator) / c.denominator for e, c in loss.terms.items()}
            (prior,) = _priors(ranges, variance, 1)
            volume, density = _sublevel(coefficients(terms, None), mpmath.mpf(level_q.p) / level_q.q, prior)
            return _point(volume, density, level_q)

    else:
        x, y = loss.variables
        breaking = _breakpoints(loss.expr, x, y, level_q, None if ranges is None else ranges[1])

        def compute(refine: bool) -> list[mpmath.mpf]:
            eps_value = mpmath.mpf(level_q.p) / level_q.q
            terms = {e: mpmath.mpf(c.numerator) / c.denominator for e, c in loss.terms.items()}
            outer, inner_prior = _priors(ranges, variance, 2)
            memo: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}

            def inner(t: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
                if t not in memo:
                    mass, density = _sublevel(coefficients(terms, t), eps_value, inner_prior)
                    weight = outer.density(t)
                    memo[t] = (weight * mass, weight * density)
                return memo[t]

            cuts = real_roots_between(breaking, x, outer.low, outer.high)
            if ranges is None:  # the Gaussian's own scale, and tails that start well clear of every breakpoint
                spread = mpmath.sqrt(outer.variance)
                reach = max([8 * spread, *(2 * abs(c) + spread for c in cuts)])
                cuts = sorted(set(cuts) | {mpmath.mpf(0), -reach, reach})
            points = _graded(sorted({outer.low, *cuts, outer.high}), mpmath.sqrt(eps_value) / 64)
            if refine:
                points = refined(points)
            return _point(*(_integrate(lambda t, j=j: inner(t)[j], points) for j in range(2)), level_q)

    (volume, exponent), digits = with_precision_contract(compute, dps, f"volume of {{K < {eps}}}", guard=5)
    return VolumePoint(mpmath.mpf(level_q.p) / level_q.q, volume, exponent, digits)


def _graded(points: Sequence[mpmath.mpf], finest: mpmath.mpf) -> list[mpmath.mpf]:
    """The breakpoints with every finite piece also cut geometrically (ratio 4) towards both of its ends, down
    to the scale ``finest`` = √ε/64: near a singular point the inner functions change on scales ε^(1/(2k))
    (for x²y², at |x| ~ √ε), which a piece must not straddle unresolved."""
    out = set(points)
    for a, b in zip(points, points[1:]):
        if mpmath.isinf(a) or mpmath.isinf(b):
            continue
        step = (b - a) / 4
        while step > finest:
            out |= {a + step, b - step}
            step /= 4
    return sorted(out)


def _integrate(f, points: Sequence[mpmath.mpf]) -> mpmath.mpf:
    """∫ f over consecutive points by Gauss–Legendre. On a finite piece [a, b] the substitution
    x = a + (b − a)(1 − cos φ)/2 turns the square-root behaviour at breakpoints (merging roots give
    1/√(x − a) in V') into a smooth integrand, and keeps every node a finite distance from the breakpoint,
    where the roots in y could not be resolved (tanh–sinh's nodes would come within 10^(−dps) of it).
    mpmath's quadrature stops on an absolute tolerance, so f is first divided by its size (the largest
    sampled |f|·length of a piece): V(ε) is often tiny, and a tiny integral would be accepted to any error."""
    pieces = []
    for a, b in zip(points, points[1:]):
        if mpmath.isinf(a) or mpmath.isinf(b):
            end = b if mpmath.isinf(a) else a
            pieces.append(((a, b), [end + (1 if mpmath.isinf(b) else -1)], None))
        else:
            half = (b - a) / 2
            pieces.append(((a, b), [a + half * k / 4 for k in (1, 2, 3, 5, 6, 7)], half))
    size = max(abs(f(x)) * (2 * half if half is not None else 1) for _, samples, half in pieces for x in samples)
    size = size if size > 0 else mpmath.mpf(1)
    total = mpmath.mpf(0)
    for (a, b), _, half in pieces:
        if half is None:
            total += mpmath.quad(lambda x: f(x) / size, [a, b], method="gauss-legendre")
        else:
            total += mpmath.quad(lambda phi: f(a + half * (1 - mpmath.cos(phi))) * half * mpmath.sin(phi) / size, [0, mpmath.pi], method="gauss-legendre")
    return total * size


def _point(volume: mpmath.mpf, density: mpmath.mpf, level: sympy.Rational) -> list[mpmath.mpf]:
    if volume == 0:
        raise ValueError(f"the set {{K < {level}}} has zero prior mass: ε is below the minimum of K")
    return [volume, mpmath.mpf(level.p) / level.q * density / volume]

