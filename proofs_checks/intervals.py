"""Exact interval arithmetic over rationals, and a branch-and-bound proof that a polynomial is positive on a box.

Intervals have ``fractions.Fraction`` endpoints, so every enclosure is exact: a proof of positivity here has
no rounding error to doubt. Two enclosures of p = Σ c_α u^α on a box are intersected: the natural one (the
sum of the exact ranges of the monomials) and the mean-value form p(c) + Σ_j ∂_j p(box)·[−r_j, r_j] around
the centre c (Moore, Kearfott & Cloud 2009, *Introduction to Interval Analysis*, §6.1), which converges
quadratically and so survives the cancellation in expanded forms such as (1 + w)^6. Bisection of the
variables that occur in p then proves strict positivity on any closed box where it holds, and exact
corner/centre evaluations find a rational witness where it fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

Box = tuple[tuple[Fraction, Fraction], ...]
Terms = dict[tuple[int, ...], Fraction]


def _power_range(low: Fraction, high: Fraction, exponent: int) -> tuple[Fraction, Fraction]:
    if exponent == 0:
        return Fraction(1), Fraction(1)
    a, b = low**exponent, high**exponent
    if exponent % 2 == 0 and low < 0 < high:
        return Fraction(0), max(a, b)
    return min(a, b), max(a, b)


def polynomial_range(terms: Terms, box: Box) -> tuple[Fraction, Fraction]:
    """An exact enclosure [lo, hi] of the polynomial's values on the closed box."""
    lo = hi = Fraction(0)
    for exponent, coefficient in terms.items():
        m_lo, m_hi = Fraction(1), Fraction(1)
        for (a, b), e in zip(box, exponent):
            p_lo, p_hi = _power_range(a, b, e)
            candidates = (m_lo * p_lo, m_lo * p_hi, m_hi * p_lo, m_hi * p_hi)
            m_lo, m_hi = min(candidates), max(candidates)
        if coefficient >= 0:
            lo, hi = lo + coefficient * m_lo, hi + coefficient * m_hi
        else:
            lo, hi = lo + coefficient * m_hi, hi + coefficient * m_lo
    return lo, hi


def derivative(terms: Terms, j: int) -> Terms:
    """∂p/∂u_j of a polynomial given as {exponent: coefficient}."""
    result: Terms = {}
    for exponent, coefficient in terms.items():
        if exponent[j]:
            lowered = exponent[:j] + (exponent[j] - 1,) + exponent[j + 1 :]
            result[lowered] = result.get(lowered, Fraction(0)) + coefficient * exponent[j]
    return result


def _mean_value_lower_bound(terms: Terms, gradient: list[tuple[int, Terms]], box: Box) -> Fraction:
    centre = tuple((a + b) / 2 for a, b in box)
    bound = evaluate(terms, centre)
    for j, partial in gradient:
        radius = (box[j][1] - box[j][0]) / 2
        low, high = polynomial_range(partial, box)
        bound -= radius * max(abs(low), abs(high))
    return bound


def evaluate(terms: Terms, point: tuple[Fraction, ...]) -> Fraction:
    total = Fraction(0)
    for exponent, coefficient in terms.items():
        value = coefficient
        for x, e in zip(point, exponent):
            value *= x**e
        total += value
    return total


@dataclass(frozen=True)
class PositivityProof:
    """Outcome of :func:`prove_positive`: ``proved`` True/False, or None when the box budget ran out."""

    proved: bool | None
    boxes: int
    witness: tuple[Fraction, ...] | None = None  # a point of the box where the polynomial is ≤ 0

    @property
    def verdict(self) -> str:
        return {True: "proved", False: "refuted", None: "undecided"}[self.proved]


def prove_positive(terms: Terms, box: Box, max_boxes: int = 20000) -> PositivityProof:
    """Prove p > 0 on the whole closed box, or find a rational point where p ≤ 0, by exact bisection."""
    stack = [tuple((Fraction(a), Fraction(b)) for a, b in box)]
    used = [j for j in range(len(box)) if any(exponent[j] for exponent in terms)]
    gradient = [(j, derivative(terms, j)) for j in used]
    examined = 0
    while stack:
        current = stack.pop()
        examined += 1
        if examined > max_boxes:
            return PositivityProof(None, examined)
        low, _ = polynomial_range(terms, current)
        if low > 0 or _mean_value_lower_bound(terms, gradient, current) > 0:
            continue
        centre = tuple((a + b) / 2 for a, b in current)
        for point in (centre, *product(*current)):
            if evaluate(terms, point) <= 0:
                return PositivityProof(False, examined, point)
        if not used:  # a constant ≤ 0: the centre evaluation above already returned
            return PositivityProof(False, examined, centre)
        widest = max(used, key=lambda j: current[j][1] - current[j][0])
        a, b = current[widest]
        middle = (a + b) / 2
        stack.append(current[:widest] + ((a, middle),) + current[widest + 1 :])
        stack.append(current[:widest] + ((middle, b),) + current[widest + 1 :])
    return PositivityProof(True, examined)
