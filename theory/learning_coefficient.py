"""The exact learning coefficient: the type every other layer is measured against.

Watanabe (2009), *Algebraic Geometry and Statistical Learning Theory*: the Bayesian free energy is
F_n = n·L_n(w0) + λ·log n − (m−1)·log log n + O_p(1), where λ (the real log canonical threshold, RLCT)
is minus the largest pole of the zeta function ζ(z) = ∫ K(w)^z φ(w) dw and m is that pole's order.

λ is always held as an exact :class:`sympy.Rational`, never a float.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

import sympy

from theory.expression import read_rational

__all__ = ["LearningCoefficient", "Status"]


class Status(str, enum.Enum):
    """What a :class:`LearningCoefficient` asserts about the true λ."""

    EXACT = "exact"
    UPPER_BOUND = "upper_bound"  # the true λ is at most this value
    LOWER_BOUND = "lower_bound"  # the true λ is at least this value


@dataclass(frozen=True)
class LearningCoefficient:
    """An exact learning coefficient λ with its multiplicity m.

    Attributes:
        lam: λ as an exact positive rational.
        multiplicity: m ≥ 1, the order of the largest pole of the zeta function.
        status: whether ``lam`` is the exact value or only a bound on it.
        method: how the value was obtained (a formula, an algorithm).
        source: the citation for the method.
    """

    lam: sympy.Rational
    multiplicity: int
    status: Status = Status.EXACT
    method: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        lam = _exact(self.lam)
        if not (lam is not None and lam.is_Rational and lam > 0):
            raise ValueError(f"learning coefficient must be a positive rational, got {self.lam!r}")
        if isinstance(self.multiplicity, bool) or not isinstance(self.multiplicity, int) or self.multiplicity < 1:
            raise ValueError(f"multiplicity must be an integer ≥ 1, got {self.multiplicity!r}")
        object.__setattr__(self, "lam", sympy.Rational(lam))
        object.__setattr__(self, "status", Status(self.status))

    def as_dict(self) -> dict[str, object]:
        """The machine-readable form used by ``sltv rlct --json``: λ as an exact string and as a float."""
        return {
            "lambda": str(self.lam),
            "lambda_float": float(self.lam),
            "multiplicity": self.multiplicity,
            "status": self.status.value,
            "method": self.method,
            "source": self.source,
        }


def _exact(value: object) -> sympy.Rational | None:
    """The value as an exact sympy number (text through the safe reader, never eval), or None (a float is not
    exact: 0.5 must be written 1/2)."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, Fraction) or (isinstance(value, int) and not isinstance(value, bool)):
        return sympy.Rational(value.numerator, value.denominator)
    try:
        return read_rational(value, what="the learning coefficient") if isinstance(value, str) else None
    except ValueError:
        return None
