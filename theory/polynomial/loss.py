"""Polynomial losses: parsing, translation to the point of interest, and the exponent/coefficient table.

A loss is given as a polynomial K (sympy expression or string) or as a list f_1, …, f_r meaning
K = Σ f_i². It is studied near a point ``at`` (default the origin): K is translated so that the point
becomes 0, and K(at) must vanish (otherwise ``at`` is not a zero of the loss and λ is not defined there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy

from theory.expression import MAX_TERMS, read_expression, read_rational

__all__ = ["PolynomialLoss", "collapse_first", "horner", "polynomial_loss", "real_roots_between", "univariate"]

Exponent = tuple[int, ...]


@dataclass(frozen=True)
class PolynomialLoss:
    """K translated to the origin, its support ``terms`` {exponent: coefficient} and, for sums of squares, the f_i."""

    expr: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    terms: dict[Exponent, Fraction]
    squares: tuple[sympy.Expr, ...] | None  # (f_1, …, f_r) when K = Σ f_i² was given, else None

    @property
    def dim(self) -> int:
        return len(self.variables)


def _to_expr(value: object) -> sympy.Expr:
    if isinstance(value, sympy.Expr):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"a polynomial must be a sympy expression or a non-empty string, got {value!r}")
    return read_expression(value, what="the polynomial")


def _expanded_terms(expr: sympy.Expr) -> list[sympy.Expr]:
    return list(sympy.Add.make_args(sympy.expand(expr)))


def _check_size(parts: list[sympy.Expr], is_list: bool, at: object) -> None:
    """Refuse, before expanding, a sum of squares or a translation whose expansion would exceed MAX_TERMS
    (the text itself is bounded by the reader; squaring and translating multiply its terms)."""
    if is_list:
        terms = sum(len(_expanded_terms(p)) ** 2 for p in parts)
        if terms > MAX_TERMS:
            raise ValueError(f"K = Σ f_i² would have up to {terms} terms once expanded (at most {MAX_TERMS})")
    if at is not None:
        for part in parts:
            terms = 0
            for term in _expanded_terms(part):
                powers = term.as_powers_dict()
                terms += math.prod(int(e) + 1 for base, e in powers.items() if base.is_Symbol and e.is_Integer)
            if terms > MAX_TERMS:
                raise ValueError(f"K translated to at = {list(at)} would have up to {terms} terms (at most {MAX_TERMS})")


def _coordinate(value: object) -> sympy.Rational:
    try:
        return read_rational(value, what="a coordinate of at")
    except ValueError:
        raise ValueError(f"at must be rational numbers, got {value!r}") from None


def polynomial_loss(
    K: object | Sequence[object],
    variables: Sequence[str | sympy.Symbol] | None = None,
    at: Sequence[object] | None = None,
    require_zero: bool = True,
) -> PolynomialLoss:
    """Parse K (or the list f_1..f_r with K = Σ f_i²), translate ``at`` to the origin and tabulate its terms.

    Raises ``ValueError`` for text that is not a polynomial in ``variables``, an ``at`` of the wrong length,
    or (with ``require_zero``) a point that is not a zero of K.
    """
    names = None if variables is None else [str(v).strip() for v in variables]
    symbols = {name: sympy.Symbol(name, real=True) for name in names or []}
    is_list = isinstance(K, (list, tuple))
    parts = [_to_expr(part) for part in (K if is_list else [K])]
    if is_list and not parts:
        raise ValueError("the list of components f_i (K = Σ f_i²) is empty")
    _check_size(parts, is_list, at)
    free = set().union(*(p.free_symbols for p in parts))
    if names is None:
        ordered = sorted(free, key=lambda s: s.name)
        if not ordered:
            raise ValueError(f"K = {K!r} has no variables")
    else:
        if len(set(names)) != len(names) or not all(names):
            raise ValueError(f"variables {names} must be distinct non-empty names")
        by_name = {s.name: s for s in free}
        unknown = sorted(set(by_name) - set(names))
        if unknown:
            raise ValueError(f"K uses {', '.join(unknown)}, which is not among the variables {names}")
        ordered = [by_name.get(name, symbols[name]) for name in names]
    real = [sympy.Symbol(s.name, real=True) for s in ordered]
    parts = [p.subs(dict(zip(ordered, real)), simultaneous=True) for p in parts]

    if at is not None:
        if isinstance(at, (str, bytes)) or len(at) != len(real):
            raise ValueError(f"at {at!r} must have one coordinate per variable ({len(real)} expected)")
        point = [_coordinate(a) for a in at]
        parts = [p.subs({x: x + a for x, a in zip(real, point)}, simultaneous=True) for p in parts]

    expr = sympy.expand(sum((p**2 for p in parts), sympy.Integer(0)) if is_list else parts[0])
    try:
        poly = sympy.Poly(expr, *real)
    except sympy.PolynomialError:
        raise ValueError(f"K = {expr} is not a polynomial in {', '.join(map(str, real))}") from None
    if not all(c.is_Rational for c in poly.coeffs()):
        raise ValueError(f"K = {expr} must have rational coefficients")
    terms = {tuple(int(e) for e in monom): Fraction(int(c.p), int(c.q)) for monom, c in poly.terms() if c != 0}
    if not terms:
        raise ValueError("K is identically zero: every point is a zero, there is no singularity to measure")
    constant = terms.get((0,) * len(real), Fraction(0))
    if constant != 0 and require_zero:
        where = "the origin" if at is None else f"at = {list(at)}"
        raise ValueError(f"K does not vanish at {where} (K = {constant} there): it is not a zero of the loss")
    squares = tuple(sympy.expand(p) for p in parts) if is_list else None
    return PolynomialLoss(expr, tuple(real), terms, squares)


def collapse_first(terms: dict[Exponent, mpmath.mpf], value: mpmath.mpf) -> dict[Exponent, mpmath.mpf]:
    """Substitute the first variable: a polynomial in the remaining ones."""
    out: dict[Exponent, mpmath.mpf] = {}
    for exponent, coefficient in terms.items():
        rest = exponent[1:]
        out[rest] = out.get(rest, mpmath.mpf(0)) + coefficient * value ** exponent[0]
    return out


def univariate(terms: dict[Exponent, mpmath.mpf]) -> list[mpmath.mpf]:
    """Coefficients, constant first, of a polynomial in one variable."""
    degree = max(e[0] for e in terms)
    coefficients = [mpmath.mpf(0)] * (degree + 1)
    for (e,), c in terms.items():
        coefficients[e] += c
    return coefficients


def horner(coefficients: Sequence, y):
    """The polynomial with these coefficients (constant first, at least one) at y, in the coefficients' own
    arithmetic (mpmath's mpf, or gmpy2's MPFR in the quadrature's inner loop)."""
    value = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        value = value * y + c
    return value


def real_roots_between(polys: Sequence[sympy.Expr], x: sympy.Symbol, low: mpmath.mpf, high: mpmath.mpf) -> list[mpmath.mpf]:
    """The distinct real roots in [low, high] of univariate polynomials in x, isolated exactly by sympy and
    evaluated to the working precision (+10 digits): breakpoints for quadrature, multiple roots included."""
    roots: set[mpmath.mpf] = set()
    for p in polys:
        for root in sympy.Poly(p, x).real_roots():
            value = mpmath.mpf(sympy.Float(root.evalf(mpmath.mp.dps + 10), mpmath.mp.dps + 10))
            if low <= value <= high:
                roots.add(value)
    return sorted(roots)
