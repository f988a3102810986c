"""Learning coefficients from Newton polyhedra, with face-by-face non-degeneracy certificates.

For K = Σ_α c_α w^α near 0 and a prior ∝ Π |w_j|^(h_j), let P(K) = conv(supp K) + R^d_≥0 be the Newton
polyhedron and τ = h + 1. The Newton distance is t* = min{t : t·τ ∈ P(K)}; the candidate learning
coefficient is λ = 1/t* and its multiplicity is the codimension of the smallest face of P(K) containing t*·τ
(Varchenko 1976; Watanabe 2009, §7; S. Lin, arXiv:1003.5338 and PhD thesis, UC Berkeley 2011; docs/references.md).

λ = 1/t* is always an upper bound on the true λ at an interior zero. It is exact when K is non-degenerate:
no compact face σ of P(K) has a zero of its face polynomial K_σ = Σ_{α∈σ} c_α w^α in the real torus (R*)^d
(then the toric resolution of the normal fan turns K into a monomial times a unit). Known failures of the
bound are the standard ones (Watanabe 2009, §7.2): (x − y)² (degenerate edge: bound 1, truth 1/2).

Everything here is exact. Facets are proposed by Qhull on a truncation of P(K) and then recomputed and
verified in integer arithmetic; t* is cross-checked against an independent floating-point LP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy
from scipy.optimize import linprog
from scipy.spatial import ConvexHull

from theory.learning_coefficient import LearningCoefficient, Status
from theory.polynomial.loss import Exponent, PolynomialLoss, polynomial_loss
from theory.validation import nonnegative_int_list

__all__ = ["Face", "FaceHit", "NewtonAnalysis", "newton_rlct"]

_SOURCE = "Varchenko (1976); Lin (2011), arXiv:1003.5338; Watanabe (2009) ch. 7"

NON_DEGENERATE, DEGENERATE, UNDECIDED = "non_degenerate", "degenerate", "undecided"


@dataclass(frozen=True)
class Facet:
    """A facet {x : ⟨normal, x⟩ = offset} of P(K), normal ≥ 0, with the support points lying on it."""

    normal: tuple[int, ...]
    offset: int
    points: frozenset[Exponent]


@dataclass(frozen=True)
class Face:
    """A compact face of P(K) with its face polynomial and the non-degeneracy verdict."""

    points: tuple[Exponent, ...]
    dimension: int
    polynomial: str
    verdict: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "points": [list(p) for p in self.points],
            "dimension": self.dimension,
            "polynomial": self.polynomial,
            "verdict": self.verdict,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class FaceHit:
    """The smallest face of P(K) containing t*·τ: its support points, the tight facet normals, its codimension."""

    point: tuple[Fraction, ...]
    points: tuple[Exponent, ...]
    normals: tuple[tuple[int, ...], ...]
    codimension: int

    def as_dict(self) -> dict[str, object]:
        return {
            "point": [str(x) for x in self.point],
            "points": [list(p) for p in self.points],
            "tight_facet_normals": [list(n) for n in self.normals],
            "codimension": self.codimension,
        }


@dataclass(frozen=True)
class NewtonAnalysis:
    """The outcome of :func:`newton_rlct`: the value, how far it can be trusted, and the evidence."""

    coefficient: LearningCoefficient
    distance: Fraction  # t*
    reason: str
    hit: FaceHit
    faces: tuple[Face, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.coefficient.as_dict(),
            "newton_distance": str(self.distance),
            "reason": self.reason,
            "faces": {"hit": self.hit.as_dict(), "compact": [face.as_dict() for face in self.faces]},
        }


# ---------------------------------------------------------------- exact linear algebra on small integer data
def _rank(vectors: Sequence[Sequence[int]]) -> int:
    """Rank of integer vectors by fraction-free elimination (exact, no rationals needed)."""
    rows = [list(v) for v in vectors]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        top = rows[rank]
        for r in range(rank + 1, len(rows)):
            if rows[r][col] != 0:
                row = [top[col] * a - rows[r][col] * b for a, b in zip(rows[r], top)]
                divisor = math.gcd(*row) or 1
                rows[r] = [a // divisor for a in row]
        rank += 1
    return rank


def _primitive(vector: Sequence[int | Fraction]) -> tuple[int, ...]:
    denominators = math.lcm(*(Fraction(x).denominator for x in vector))
    ints = [int(Fraction(x) * denominators) for x in vector]
    divisor = math.gcd(*ints) or 1
    return tuple(x // divisor for x in ints)


def _hyperplane_normal(points: Sequence[Sequence[int]]) -> tuple[int, ...] | None:
    """The primitive integer normal of the hyperplane through d points in R^d, or None if they are degenerate."""
    d = len(points[0])
    rows = [[Fraction(a - b) for a, b in zip(p, points[0])] for p in points[1:]]
    pivots: list[int] = []
    r = 0
    for col in range(d):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][col] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                rows[i] = [a - rows[i][col] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(col)
        r += 1
    if r != d - 1:
        return None
    free = next(c for c in range(d) if c not in pivots)
    normal = [Fraction(0)] * d
    normal[free] = Fraction(1)
    for row, col in zip(rows, pivots):
        normal[col] = -row[free]
    return _primitive(normal)


def _affinely_independent(points: Sequence[Sequence[int]], d: int) -> list[Sequence[int]]:
    """Up to d points from ``points`` whose differences from the first are linearly independent."""
    chosen = [points[0]]
    for p in points[1:]:
        if len(chosen) == d:
            break
        candidate = [[a - b for a, b in zip(q, chosen[0])] for q in [*chosen[1:], p]]
        if _rank(candidate) == len(candidate):
            chosen.append(p)
    return chosen


def _dot(a: Sequence[int | Fraction], b: Sequence[int | Fraction]) -> int | Fraction:
    return sum(x * y for x, y in zip(a, b))


# ---------------------------------------------------------------- the polyhedron
def _facets(support: Sequence[Exponent]) -> list[Facet]:
    """All facets of P = conv(support) + R^d_≥0, verified exactly.

    Qhull runs on Q = conv(support ∪ {α + R·e_j}) ⊆ P. Every facet of P is a facet of Q with the same normal,
    and every facet of Q with a normal ≥ 0 is valid for P and (d−1)-dimensional, hence a facet of P.
    """
    d = len(support[0])
    if d == 1:
        low = min(a[0] for a in support)
        return [Facet((1,), low, frozenset(a for a in support if a[0] == low))]
    reach = max(1, max(max(a) for a in support))
    cloud = list(dict.fromkeys(
        [tuple(a) for a in support]
        + [tuple(x + (reach if i == j else 0) for i, x in enumerate(a)) for a in support for j in range(d)]
    ))
    lattice = np.array(cloud, dtype=np.int64)
    points = lattice.astype(float)
    hull = ConvexHull(points)
    facets: dict[tuple[int, ...], Facet] = {}
    for equation in np.unique(np.round(hull.equations, 9), axis=0):
        inward = -equation[:d]
        if np.any(inward < -1e-9):  # a negative component: an artificial facet of Q, on the far side
            continue
        near = [cloud[i] for i in np.flatnonzero(np.abs(points @ equation[:d] + equation[d]) < 1e-7 * reach)]
        normal = _hyperplane_normal(_affinely_independent(near, d))
        if normal is None:
            raise RuntimeError(f"Qhull facet {equation} is not spanned by lattice points of the cloud")
        if _dot(normal, inward) < 0:
            normal = tuple(-x for x in normal)
        offset = _dot(normal, near[0])
        if max(map(abs, normal)) * (reach + max(map(max, cloud))) * d < 2**62:  # int64 is exact here
            values = lattice @ np.array(normal, dtype=np.int64)
        else:
            values = [_dot(normal, p) for p in cloud]
        if min(normal) < 0 or min(values) < offset:
            raise RuntimeError(f"exact check of Qhull facet {normal}·x ≥ {offset} failed")
        facets.setdefault(normal, Facet(normal, offset, frozenset(a for a in support if _dot(normal, a) == offset)))
    return list(facets.values())


def _float_distance(support: Sequence[Exponent], tau: Sequence[int]) -> float:
    """t* = min t s.t. Σ c_α α ≤ t·τ, Σ c_α = 1, c ≥ 0, by a floating-point LP (an independent cross-check)."""
    d, k = len(tau), len(support)
    cost = np.zeros(k + 1)
    cost[-1] = 1.0
    a_ub = np.hstack([np.array(support, dtype=float).T, -np.array(tau, dtype=float)[:, None]])
    a_eq = np.hstack([np.ones((1, k)), np.zeros((1, 1))])
    result = linprog(cost, A_ub=a_ub, b_ub=np.zeros(d), A_eq=a_eq, b_eq=[1.0], bounds=[(0, None)] * (k + 1))
    if not result.success:
        raise RuntimeError(f"cross-check LP failed: {result.message}")
    return float(result.fun)


def _compact_faces(facets: Sequence[Facet], d: int) -> list[tuple[frozenset[Exponent], int]]:
    """(support points, dimension) of every compact face: intersections of facets with a positive normal."""
    seen = {f.points for f in facets}
    frontier = list(seen)
    while frontier:
        grown = []
        for points in frontier:
            for facet in facets:
                meet = points & facet.points
                if meet and meet not in seen:
                    seen.add(meet)
                    grown.append(meet)
        frontier = grown
    faces = []
    for points in seen:
        normals = [f.normal for f in facets if points <= f.points]
        if all(sum(column) > 0 for column in zip(*normals)):
            faces.append((points, d - _rank(normals)))
    return sorted(faces, key=lambda face: (face[1], sorted(face[0])))


# ---------------------------------------------------------------- non-degeneracy of one face
class _NegativeLoss(ValueError):
    pass


def _monomial(variables: Sequence[sympy.Symbol], exponent: Exponent) -> sympy.Expr:
    return sympy.Mul(*(x**e for x, e in zip(variables, exponent)))


def _format_polynomial(terms: dict[Exponent, Fraction], variables: Sequence[sympy.Symbol]) -> str:
    """``3*x**2*y - y**4``: terms in decreasing lexicographic order of exponents, as sympy would read them."""
    text = ""
    for exponent in sorted(terms, reverse=True):
        coefficient = terms[exponent]
        factors = [f"{v}" if e == 1 else f"{v}**{e}" for v, e in zip(variables, exponent) if e]
        magnitude = abs(coefficient)
        if magnitude != 1 or not factors:
            factors.insert(0, f"({magnitude})" if magnitude.denominator != 1 else str(magnitude))
        sign = "-" if coefficient < 0 else "+"
        text += (f" {sign} " if text else ("-" if sign == "-" else "")) + "*".join(factors)
    return text


def _edge_verdict(terms: dict[Exponent, Fraction], label: str) -> tuple[str, str]:
    """K_σ = w^(α0) · g(w^δ) on an edge; δ primitive, so w^δ ranges over all of R* on the torus."""
    points = sorted(terms)
    delta = _primitive([b - a for a, b in zip(points[0], points[-1])])
    base = min(points, key=lambda p: _dot(delta, p))
    z = sympy.Symbol("z")
    g = sympy.Poly(
        sum(sympy.Rational(c.numerator, c.denominator) * z ** int(_dot(delta, [a - b for a, b in zip(p, base)]) // _dot(delta, delta)) for p, c in terms.items()),
        z,
    )
    nonzero_roots = 0
    for factor, multiplicity in g.sqf_list()[1]:
        roots = factor.count_roots() - (1 if factor.eval(0) == 0 else 0)
        if roots and multiplicity % 2:
            raise _NegativeLoss(f"its face polynomial {label} changes sign on the torus")
        nonzero_roots += roots
    if g.LC() < 0:
        raise _NegativeLoss(f"its face polynomial {label} is negative on the torus")
    if nonzero_roots:
        return DEGENERATE, f"the face polynomial vanishes on the torus (g(z) = {g.as_expr()} has a real root, z = w^{list(delta)})"
    return NON_DEGENERATE, f"g(z) = {g.as_expr()} has no real root z ≠ 0 (exact root count)"


def _groebner_verdict(system: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol]) -> tuple[str, str]:
    t = sympy.Dummy("t")
    torus = 1 - t * sympy.Mul(*variables)
    basis = sympy.groebner([*system, torus], *variables, t, order="grevlex")
    if list(basis.exprs) == [1]:
        return NON_DEGENERATE, "no common zero in the complex torus (Gröbner basis is {1})"
    return UNDECIDED, "higher-dimensional face with zeros in the complex torus: real zeros not decided"


def _face(loss: PolynomialLoss, points: frozenset[Exponent], dimension: int, facets: Sequence[Facet]) -> Face:
    x = loss.variables
    terms = {p: loss.terms[p] for p in points}
    label = _format_polynomial(terms, x)
    if len(terms) == 1:
        (exponent, coefficient), = terms.items()
        if coefficient < 0 or any(e % 2 for e in exponent):
            raise _NegativeLoss(f"its leading monomial {label} takes negative values")
        verdict = (NON_DEGENERATE, "a single monomial with positive coefficient: no zero on the torus")
    elif all(c > 0 for c in terms.values()) and all(e % 2 == 0 for p in terms for e in p):
        verdict = (NON_DEGENERATE, "even monomials with positive coefficients: positive on the torus")
    elif dimension == 1:
        verdict = _edge_verdict(terms, label)
    elif loss.squares is not None:
        weight = [sum(column) for column in zip(*(f.normal for f in facets if points <= f.points))]
        initial = []
        for f in loss.squares:
            f_terms = sympy.Poly(f, *x).terms()
            order = min(_dot(weight, m) for m, _ in f_terms)
            initial.append((order, sum(c * _monomial(x, m) for m, c in f_terms if _dot(weight, m) == order)))
        lowest = min(order for order, _ in initial)
        verdict = _groebner_verdict([part for order, part in initial if order == lowest], x)
    else:
        polynomial = sum(sympy.Rational(c.numerator, c.denominator) * _monomial(x, p) for p, c in terms.items())
        gradient = [sympy.diff(polynomial, v) for v in x]
        verdict = _groebner_verdict([polynomial, *gradient], x)
    return Face(tuple(sorted(points)), dimension, label, *verdict)


# ---------------------------------------------------------------- the public function
def newton_rlct(
    K: object | Sequence[object],
    variables: Sequence[str] | None = None,
    prior_exponents: Sequence[int] | None = None,
    at: Sequence[object] | None = None,
) -> NewtonAnalysis:
    """The Newton-polyhedron learning coefficient of a polynomial loss, exact where non-degeneracy is certified.

    Args:
        K: a polynomial (sympy expression or string such as ``"x**2*y**2 + x**6"``), or a list f_1..f_r
            meaning K = Σ f_i².
        variables: variable order (default: sorted names).
        prior_exponents: h_j ≥ 0 for a prior ∝ Π |w_j|^(h_j) near the point (default 0).
        at: the zero of K to study (default the origin); K is translated there first.

    Returns:
        A :class:`NewtonAnalysis` whose coefficient has status ``exact`` when K is a monomial or every compact
        face is certified non-degenerate, and ``upper_bound`` otherwise (``reason`` names the face).

    Raises:
        ValueError: malformed K, a point that is not a zero, or a K that is negative somewhere near the point.
    """
    loss = polynomial_loss(K, variables, at)
    d = loss.dim
    hs = [0] * d if prior_exponents is None else nonnegative_int_list(prior_exponents, "prior_exponents")
    if len(hs) != d:
        raise ValueError(f"prior_exponents {hs} must have one entry per variable ({d}: {', '.join(map(str, loss.variables))})")
    tau = [h + 1 for h in hs]
    support = sorted(loss.terms)
    facets = _facets(support)

    distance = max(Fraction(f.offset, _dot(f.normal, tau)) for f in facets)
    if abs(float(distance) - _float_distance(support, tau)) > 1e-7 * max(1.0, float(distance)):
        raise RuntimeError(f"exact Newton distance {distance} disagrees with the LP cross-check")
    point = tuple(distance * t for t in tau)
    tight = [f for f in facets if _dot(f.normal, point) == f.offset]
    hit_points = frozenset.intersection(*(f.points for f in tight))
    codimension = _rank([f.normal for f in tight])
    hit = FaceHit(point, tuple(sorted(hit_points)), tuple(f.normal for f in tight), codimension)

    shown_K = "K = Σ f_i²" if loss.squares is not None else f"K = {loss.expr}"
    try:
        faces = tuple(_face(loss, points, dim, facets) for points, dim in _compact_faces(facets, d))
    except _NegativeLoss as error:
        raise ValueError(
            f"{shown_K} takes negative values arbitrarily close to the point ({error}); a loss must be ≥ 0 "
            "there — for a sign-changing f, pass K = f**2, or the list of components for K = Σ f_i²"
        ) from None

    degenerate = [f for f in faces if f.verdict == DEGENERATE]
    undecided = [f for f in faces if f.verdict == UNDECIDED]
    if len(support) == 1:
        status, reason = Status.EXACT, "K is a monomial: λ = 1/t* is exact"
    elif degenerate:
        status, reason = Status.UPPER_BOUND, f"degenerate face {degenerate[0].polynomial}: λ = 1/t* is only an upper bound"
    elif undecided:
        status, reason = Status.UPPER_BOUND, f"face {undecided[0].polynomial} undecided: λ = 1/t* is only an upper bound"
    else:
        status, reason = Status.EXACT, "every compact face is non-degenerate: λ = 1/t* is exact"
    coefficient = LearningCoefficient(
        1 / sympy.Rational(distance.numerator, distance.denominator),
        codimension,
        status,
        method=f"Newton polyhedron: t* = {distance}, λ = 1/t*, m = codimension of the face hit",
        source=_SOURCE,
    )
    return NewtonAnalysis(coefficient, distance, reason, hit, faces)
