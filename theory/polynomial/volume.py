"""The volume function V(ε) = prior mass of {K < ε} of a polynomial loss in one, two or three variables.

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

Three variables: for each x the (y, z) problem is the two-variable one with x as a parameter. Its breakpoints
in y are the real roots of the irreducible factors F(x, y) of the two-variable breakpoint polynomials, found
numerically at each x; the middle integral in turn is smooth in x except where those roots merge, escape,
cross a y-edge or cross each other: the real roots of disc_y F, LC_y F, F(x, edge) and res_y(F, G), found
exactly by sympy (:func:`_three_variable_breakpoints`). Both outer levels use a fixed cosine-substituted
Gauss–Legendre rule per graded piece, and the precision contract's second run is the error control. Roots of
univariate polynomials of degree > 2 come from numpy's companion matrix, polished by Newton's method at the
working precision (``mpmath.polyroots`` where that is not safe); degrees 1 and 2 in closed form.

The local scaling exponent d log V/d log ε = ε·V'(ε)/V(ε) tends to λ as ε → 0 (with a (m−1)·log correction:
V(ε) ~ c·ε^λ·(log 1/ε)^(m−1); Watanabe 2009, §2.4). Results pass the precision contract
(:mod:`theory.precision`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import NamedTuple

import mpmath
import numpy as np
import sympy
from mpmath.libmp import NoConvergence

from theory.polynomial.loss import (
    Exponent,
    PolynomialLoss,
    collapse_first,
    horner,
    polynomial_loss,
    real_roots_between,
    univariate,
)
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


def _real_roots(coefficients: Sequence[mpmath.mpf], low: mpmath.mpf, high: mpmath.mpf) -> list[mpmath.mpf]:
    """The real roots in (low, high) of a polynomial (constant first, leading coefficient non-zero), sorted:
    in closed form up to degree 2 (the quadratic formula in its cancellation-free form), else by numpy's
    companion-matrix roots polished by Newton (:func:`_polished_roots`) or, where that is not safe, by
    ``mpmath.polyroots`` at doubled precision, a root counted real when its imaginary part is below
    10^(−dps/2). Raises NoConvergence where Durand–Kerner stalls (a multiple root)."""
    degree = len(coefficients) - 1
    if degree == 0:
        roots: list[mpmath.mpf] = []
    elif degree == 1:
        roots = [-coefficients[0] / coefficients[1]]
    elif degree == 2:
        c, b, a = coefficients
        discriminant = b * b - 4 * a * c
        if discriminant < 0:
            roots = []
        else:
            q = -(b + (1 if b >= 0 else -1) * mpmath.sqrt(discriminant)) / 2
            roots = [q / a, c / q] if q != 0 else [mpmath.mpf(0)]
    else:
        roots = _polished_roots(coefficients)
        if roots is None:
            tolerance = mpmath.mpf(10) ** (-mpmath.mp.dps // 2)
            with mpmath.workprec(2 * mpmath.mp.prec):
                found = mpmath.polyroots(list(reversed(coefficients)), maxsteps=200, extraprec=mpmath.mp.prec, cleanup=True)
            roots = [+r.real for r in map(mpmath.mpc, found) if abs(r.imag) <= tolerance * (1 + abs(r))]
    return sorted(r for r in roots if low < r < high)


def _polished_roots(coefficients: Sequence[mpmath.mpf]) -> list[mpmath.mpf] | None:
    """The real roots of a polynomial (constant first) from numpy's companion-matrix roots in double precision
    (imaginary part below 1e-7), each polished by Newton's method to the working precision; None where that
    is not safe (coefficients beyond double range, a root Newton does not settle, i.e. a cluster of roots, or
    two roots polishing to the same point), for ``mpmath.polyroots`` to decide."""
    scale = max(abs(c) for c in coefficients)
    if not 1e-250 < scale < 1e250:
        return None
    found = np.roots([float(c / scale) for c in reversed(coefficients)])
    derivative = [k * c for k, c in enumerate(coefficients)][1:]
    roots = []
    for guess in found:
        if abs(guess.imag) > 1e-7 * (1 + abs(guess)):
            continue
        root = mpmath.mpf(float(guess.real))
        for _ in range(12):
            slope = horner(derivative, root)
            if slope == 0:
                return None
            step = horner(coefficients, root) / slope
            root -= step
            if abs(step) <= 4 * mpmath.eps * (1 + abs(root)):
                break
        else:
            return None
        if abs(root - float(guess.real)) > 1e-6 * (1 + abs(root)):
            return None
        roots.append(root)
    if len(set(roots)) < len(roots):
        return None
    return roots


def _sublevel(coefficients: Sequence[mpmath.mpf], level: mpmath.mpf, prior: _Prior) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(P{p < level}, Σ_r φ(r)/|p'(r)|) for the univariate polynomial p (coefficients constant first) under
    the one-dimensional ``prior``: intervals between real roots of p − level, tested at their midpoints."""
    shifted = [coefficients[0] - level, *coefficients[1:]]
    while len(shifted) > 1 and shifted[-1] == 0:
        shifted.pop()
    low, high = prior.low, prior.high
    try:
        candidates = _real_roots(shifted, low, high)
    except NoConvergence:  # Durand–Kerner stalls on a multiple root
        raise _critical(level) from None

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
    """V(ε) = prior mass of {K < ε} and d log V/d log ε for a polynomial loss in one, two or three variables
    (module docstring), to ``dps`` digits under the precision contract. Three variables take seconds to
    minutes at 6 to 8 digits (``bench/free_energy.py``).

    Args:
        K: a polynomial (sympy expression or string), or the list f_1..f_r meaning K = Σ f_i².
        eps: the level ε > 0 (any real, e.g. ``"1e-12"``; read exactly as a decimal).
        box, prior_var: the uniform prior on a box, or the Gaussian prior N(0, σ² I), as in
            ``polynomial_thermodynamics``.
        variables: variable order (default: sorted names).
        dps: significant digits to guarantee.
    """
    loss = polynomial_loss(K, variables, require_zero=False)
    if loss.dim > 3:
        raise ValueError(f"K has {loss.dim} variables; the volume function covers d ≤ 3")
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

    elif loss.dim == 3:
        compute = _three_variables(loss, ranges, variance, level_q, dps)

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


class _Slice(NamedTuple):
    """A factor F(x, y) of the breakpoint polynomials of the (y, z) problem, as a polynomial in y whose
    coefficients (constant first) are polynomials in x (constant first, exact): its real roots in y at a given
    x are breakpoints of the middle integral there."""

    coefficients: tuple[tuple[Fraction, ...], ...]

    def roots(self, x: mpmath.mpf, low: mpmath.mpf, high: mpmath.mpf) -> list[mpmath.mpf]:
        values = [horner([mpmath.mpf(c.numerator) / c.denominator for c in poly], x) for poly in self.coefficients]
        while len(values) > 1 and values[-1] == 0:
            values.pop()
        return _real_roots(values, low, high) if len(values) > 1 else []


def _irreducible_factors(polys: Sequence[sympy.Expr], gens: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    """The distinct non-constant irreducible factors over Q of the polynomials, each made monic."""
    factors: dict[sympy.Expr, None] = {}
    for p in polys:
        for factor, _ in sympy.factor_list(p, *gens)[1]:
            poly = sympy.Poly(factor, *gens)
            if poly.total_degree() > 0:
                factors[poly.monic().as_expr()] = None
    return list(factors)


def _three_variable_breakpoints(
    loss: PolynomialLoss, level: sympy.Rational, y_box: tuple | None, z_box: tuple | None
) -> tuple[list[_Slice], list[sympy.Expr]]:
    """For K(x, y, z): the factors F(x, y) whose real roots in y are the breakpoints of the middle integral at
    fixed x (the two-variable breakpoints of (y, z) ↦ K − ε, with x a parameter), and the polynomials in x
    whose real roots are where those change: where roots in y of one factor merge (disc_y F) or escape
    (LC_y F), cross a y-edge (F(x, edge)) or meet those of another factor (res_y(F, G)), and the factors free
    of y themselves."""
    x, y, z = loss.variables
    factors = _irreducible_factors(_breakpoints(loss.expr, y, z, level, z_box), (x, y))
    in_y = [F for F in factors if F.has(y)]
    outer = [F for F in factors if not F.has(y)]
    for F in in_y:
        poly = sympy.Poly(F, y)
        outer.append(poly.LC())
        if poly.degree() >= 2:
            outer.append(sympy.discriminant(F, y))
        outer += [F.subs(y, edge) for edge in y_box or ()]
    outer += [sympy.resultant(F, G, y) for F, G in itertools.combinations(in_y, 2)]
    slices = []
    for F in in_y:
        rows = reversed(sympy.Poly(F, y).all_coeffs())
        slices.append(_Slice(tuple(tuple(Fraction(int(c.p), int(c.q)) for c in reversed(sympy.Poly(row, x).all_coeffs())) for row in rows)))
    return slices, [p for p in map(sympy.expand, outer) if p.free_symbols]


def _three_variables(
    loss: PolynomialLoss, ranges: list | None, variance: Fraction | None, level: sympy.Rational, dps: int
) -> Callable[[bool], list[mpmath.mpf]]:
    """The contract's ``compute`` for K(x, y, z): V(ε) = ∫ φ(x) ∫ φ(y) P_z{K < ε} dy dx (and V'(ε) alike).

    The outer breakpoints in x are exact (:func:`_three_variable_breakpoints`); at each outer node the middle
    breakpoints in y are the numerical roots of the factors F(x, ·). Both levels use a fixed Gauss–Legendre
    rule after the cosine substitution on every graded piece (12 nodes up to 8 digits, 24 up to 16, else 48),
    with no error estimate of their own: the contract's second run, on halved pieces at higher precision,
    is the check. A piece between consecutive breakpoints where the set is empty at three sample points is
    empty throughout (the roots in y and z change their number only at breakpoints) and is skipped; where K
    is even in the variable (and the range symmetric) only [0, high] is integrated, twice. A Gaussian prior
    is cut where its tails hold below 10^(−dps−20) of its mass."""
    count = 12 if dps <= 8 else 24 if dps <= 16 else 48
    slices, outer_polys = _three_variable_breakpoints(
        loss, level, None if ranges is None else ranges[1], None if ranges is None else ranges[2]
    )

    def compute(refine: bool) -> list[mpmath.mpf]:
        eps_value = mpmath.mpf(level.p) / level.q
        terms = {e: mpmath.mpf(c.numerator) / c.denominator for e, c in loss.terms.items()}
        priors = _priors(ranges, variance, 3)
        finest = mpmath.sqrt(eps_value) / 64
        if variance is not None:
            spread = mpmath.sqrt(priors[0].variance)
            edge = spread * mpmath.sqrt(2 * (dps + 20) * mpmath.log(10))
        rule = _cosine_rule(count, mpmath.mp.prec)

        def integral(f, prior: _Prior, cuts: list[mpmath.mpf], even: bool) -> tuple[mpmath.mpf, mpmath.mpf]:
            """∫ f over the prior's range, graded towards the cuts; twice ∫ over [0, high] for an even f."""
            if variance is None:
                low, high = prior.low, prior.high
            else:
                high = max([edge, *(2 * abs(c) + spread for c in cuts)])
                low = -high
                cuts = cuts + [mpmath.mpf(0)] + ([-8 * spread, 8 * spread] if 8 * spread < high else [])
            even = even and low == -high
            if even:
                low = mpmath.mpf(0)
            points = sorted({low, high, *(c for c in cuts if low < c < high)})
            segments = [_graded([a, b], finest) for a, b in zip(points, points[1:])]
            mass, density = _piecewise(f, [refined(cuts) for cuts in segments] if refine else segments, rule)
            return (2 * mass, 2 * density) if even else (mass, density)

        def middle(x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            plane = collapse_first(terms, x)
            prior_y, prior_z = priors[1], priors[2]

            def inner(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
                mass, density = _sublevel(univariate(collapse_first(plane, y)), eps_value, prior_z)
                weight = prior_y.density(y)
                return weight * mass, weight * density

            cuts = [r for F in slices for r in F.roots(x, prior_y.low, prior_y.high)]
            mass, density = integral(inner, prior_y, cuts, all(e[0] % 2 == 0 for e in plane))
            weight = priors[0].density(x)
            return weight * mass, weight * density

        cuts = real_roots_between(outer_polys, loss.variables[0], priors[0].low, priors[0].high)
        return _point(*integral(middle, priors[0], cuts, all(e[0] % 2 == 0 for e in terms)), level)

    return compute


@functools.lru_cache(maxsize=16)
def _cosine_rule(count: int, prec: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """(fraction, weight) pairs such that ∫_a^b f ≈ (b − a) Σ weight · f(a + (b − a)·fraction): ``count``
    Gauss–Legendre nodes in φ ∈ (0, π) after x = a + (b − a)(1 − cos φ)/2, which makes the square-root
    behaviour of the inner functions at breakpoints smooth (see :func:`_integrate`)."""
    degree = {12: 3, 24: 4, 48: 5}[count]
    with mpmath.workprec(prec):
        nodes = mpmath.calculus.quadrature.GaussLegendre(mpmath.mp).calc_nodes(degree, prec)
        return tuple(((1 - mpmath.cos(mpmath.pi * (1 + t) / 2)) / 2, w * mpmath.pi / 4 * mpmath.sin(mpmath.pi * (1 + t) / 2)) for t, w in nodes)


def _piecewise(f, segments: Sequence[Sequence[mpmath.mpf]], rule) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Σ over the segments (the graded cuts between consecutive breakpoints) of the cosine rule applied to
    the pair f = (mass, density) on each piece; a segment where the mass vanishes at its quarter points is
    skipped as empty."""
    mass = density = mpmath.mpf(0)
    for cuts in segments:
        a, b = cuts[0], cuts[-1]
        if all(f(a + (b - a) * k / 4)[0] == 0 for k in (1, 2, 3)):
            continue
        for lo, hi in zip(cuts, cuts[1:]):
            width = hi - lo
            for fraction, weight in rule:
                m, d = f(lo + width * fraction)
                mass += width * weight * m
                density += width * weight * d
    return mass, density


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

