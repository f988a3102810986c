"""Exact finite-n thermodynamics from the moments of the loss under e^(−nK)·φ.

For a loss K ≥ 0 and a prior density φ (Watanabe 2009, ch. 6; docs/references.md):

  Z(n) = ∫ e^(−nK) φ,   F(n) = −log Z(n),
  λ_eff(n) = dF/d log n = n·E_n[K],
  C(n) = Var_n[n·K] = n²·(E_n[K²] − E_n[K]²) = λ_eff − dλ_eff/d log n,

where E_n is the expectation under e^(−nK)φ/Z. All three come from the moment integrals
I_j = ∫ K^j e^(−nK) φ, j = 0, 1, 2, never from finite differences of F. The volume function
V(ε) = ∫_{K<ε} φ, the other exact quantity of the theory layer, is returned as a :class:`VolumePoint`.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

__all__ = ["ThermoPoint", "VolumePoint", "thermo_from_moments"]


def _decimals(point: object, argument: str, values: tuple[str, ...]) -> dict[str, object]:
    """The point's fields as decimal strings: its argument (n or ε) to 17 digits, its values to the
    ``digits`` the precision contract guarantees, and ``digits`` itself."""
    digits = point.digits  # type: ignore[attr-defined]
    shown = {name: mpmath.nstr(getattr(point, name), digits, strip_zeros=False) for name in values}
    return {argument: mpmath.nstr(getattr(point, argument), 17), **shown, "digits": digits}


@dataclass(frozen=True)
class ThermoPoint:
    """Arbitrary-precision thermodynamics at one n; ``digits`` is the number of significant digits guaranteed
    by the precision contract (:mod:`theory.precision`)."""

    n: mpmath.mpf
    free_energy: mpmath.mpf
    lambda_eff: mpmath.mpf
    heat_capacity: mpmath.mpf
    digits: int

    def as_dict(self) -> dict[str, object]:
        """Decimal strings with ``digits`` significant digits, as ``sltv free-energy --json`` prints them."""
        return _decimals(self, "n", ("free_energy", "lambda_eff", "heat_capacity"))

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "ThermoPoint":
        """The inverse of :meth:`as_dict` (the decimal strings carry the guaranteed digits)."""
        with mpmath.workdps(int(data["digits"]) + 10):
            values = [mpmath.mpf(str(data[k])) for k in ("n", "free_energy", "lambda_eff", "heat_capacity")]
        return cls(*values, int(data["digits"]))


@dataclass(frozen=True)
class VolumePoint:
    """V(ε) = prior mass of {K < ε} and its local scaling exponent d log V / d log ε (→ λ as ε → 0, with a
    (m−1)·log-correction: V(ε) ~ c·ε^λ·(log 1/ε)^(m−1); Watanabe 2009, §2.4), to ``digits`` digits."""

    eps: mpmath.mpf
    volume: mpmath.mpf
    exponent: mpmath.mpf
    digits: int

    def as_dict(self) -> dict[str, object]:
        """Decimal strings with ``digits`` significant digits, as ``sltv volume --json`` prints them."""
        return _decimals(self, "eps", ("volume", "exponent"))


def thermo_from_moments(n: mpmath.mpf, i0: mpmath.mpf, i1: mpmath.mpf, i2: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
    """(Z, λ_eff, C) from I_0 = Z, I_1 = ∫K e^(−nK)φ, I_2 = ∫K² e^(−nK)φ at the current working precision."""
    if not i0 > 0:
        raise ArithmeticError(f"partition function underflowed or vanished (Z = {i0})")
    mean = i1 / i0
    return i0, n * mean, n * n * (i2 / i0 - mean * mean)
