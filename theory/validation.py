"""Input checks shared by the theory layer: each raises ``ValueError`` naming the offending value."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from fractions import Fraction

import mpmath

from theory.expression import read_rational


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # ints, numpy and sympy integers; never floats or strings
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def positive_int(value: object, name: str) -> int:
    """``value`` as an ``int`` ≥ 1."""
    n = _as_int(value, name)
    if n < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return n


def nonnegative_int(value: object, name: str) -> int:
    """``value`` as an ``int`` ≥ 0."""
    n = _as_int(value, name)
    if n < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return n


def _int_list(values: object, name: str) -> list[object]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a list of integers, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty")
    return list(values)


def positive_int_list(values: object, name: str) -> list[int]:
    """A non-empty list of ints ≥ 1; the error names the first bad entry and its position."""
    return [positive_int(v, f"{name}[{i}]") for i, v in enumerate(_int_list(values, name))]


def nonnegative_int_list(values: object, name: str) -> list[int]:
    """A non-empty list of ints ≥ 0; the error names the first bad entry and its position."""
    return [nonnegative_int(v, f"{name}[{i}]") for i, v in enumerate(_int_list(values, name))]


MAX_MAGNITUDE = mpmath.mpf("1e100")  # the largest n, ε, variance or bound taken: the quadratures place their
# nodes from double-precision estimates of the integrand's scales, and no question here needs more


def real_number(value: object, name: str, positive: bool = False) -> mpmath.mpf:
    """``value`` as an mpmath number, finite, ≥ 0 (> 0 when ``positive``) and within 10^±100 of one when not
    zero, read from its decimal text at the current working precision (so "0.1" is not first rounded to a
    binary float)."""
    try:
        number = mpmath.mpf(str(value)) if not isinstance(value, mpmath.mpf) else value
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not (mpmath.isfinite(number) and (number > 0 if positive else number >= 0)):
        raise ValueError(f"{name} must be a finite {'positive' if positive else 'non-negative'} number, got {value!r}")
    if number != 0 and not 1 / MAX_MAGNITUDE <= number <= MAX_MAGNITUDE:
        raise ValueError(f"{name} = {value!r} is outside the range 1e-100 … 1e100 that the exact engines take")
    return number


def prior_pair(prior_var: object) -> tuple[object, object]:
    """(s_a, s_b) from one variance for both layers or the pair of them; anything else is a ValueError."""
    if not isinstance(prior_var, (tuple, list)):
        return prior_var, prior_var
    if len(prior_var) != 2:
        raise ValueError(f"prior_var must be one variance or the pair (s_a, s_b), got {prior_var!r}")
    return prior_var[0], prior_var[1]


def _fraction(value: object, name: str) -> Fraction:
    try:
        exact = read_rational(value if isinstance(value, (str, float)) else str(value), what=name)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    number = Fraction(int(exact.p), int(exact.q))
    if number != 0 and not Fraction(1, 10**100) <= abs(number) <= 10**100:
        raise ValueError(f"{name} = {value!r} is outside the range 1e-100 … 1e100 (in magnitude) that the exact engines take")
    return number


def polynomial_prior(
    box: Sequence[object] | None, prior_var: object | None, dim: int
) -> tuple[list[tuple[Fraction, Fraction]] | None, Fraction | None]:
    """(box ranges, None) for the uniform prior on a box — one (low, high) for every variable, or one pair per
    variable — or (None, σ²) for the Gaussian prior N(0, σ² I); exactly one of the two must be given."""
    if (box is None) == (prior_var is None):
        raise ValueError("give exactly one prior: box=(low, high) for the uniform prior, or prior_var for N(0, σ²I)")
    if box is None:
        variance = _fraction(prior_var, "prior_var")
        if not variance > 0:
            raise ValueError(f"prior_var must be positive, got {prior_var!r}")
        return None, variance
    bounds = [box] * dim if len(box) == 2 and not isinstance(box[0], (list, tuple)) else list(box)
    if len(bounds) != dim:
        raise ValueError(f"box {box!r} must be one (low, high) pair, or one per variable ({dim})")
    ranges = []
    for pair in bounds:
        low, high = (_fraction(v, "box") for v in pair)
        if not low < high:
            raise ValueError(f"box interval {pair!r} is empty: low must be below high")
        ranges.append((low, high))
    return ranges, None
