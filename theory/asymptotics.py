"""SLT asymptotics of the free energy from a learning coefficient (Watanabe 2009, ch. 6; docs/references.md).

  F_SLT(n) = n·L0 + λ·log n − (m − 1)·log log n + c,
  λ_eff,SLT(n) = dF_SLT/d log n − n·L0 = λ − (m − 1)/log n,

with c the O(1) constant, which SLT does not predict: :func:`fit_constant` fits it to exact values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath

from theory.learning_coefficient import LearningCoefficient

__all__ = ["ConstantFit", "fit_constant", "slt_free_energy", "slt_lambda_eff"]


def _size(n: object) -> mpmath.mpf:
    value = mpmath.mpf(n)
    if not value > 1:
        raise ValueError(f"the SLT asymptotics need n > 1 (log log n must exist), got {n!r}")
    return value


def _lam(lc: LearningCoefficient) -> mpmath.mpf:
    return mpmath.mpf(lc.lam.p) / lc.lam.q


def slt_free_energy(lc: LearningCoefficient, n: object, loss_at_truth: object = 0, constant: object = 0) -> mpmath.mpf:
    """n·L0 + λ log n − (m−1) log log n + c."""
    size = _size(n)
    log_n = mpmath.log(size)
    return size * mpmath.mpf(loss_at_truth) + _lam(lc) * log_n - (lc.multiplicity - 1) * mpmath.log(log_n) + mpmath.mpf(constant)


def slt_lambda_eff(lc: LearningCoefficient, n: object, loss_at_truth: object = 0) -> mpmath.mpf:
    """dF_SLT/dlog n = n·L0 + λ − (m−1)/log n."""
    size = _size(n)
    return size * mpmath.mpf(loss_at_truth) + _lam(lc) - (lc.multiplicity - 1) / mpmath.log(size)


@dataclass(frozen=True)
class ConstantFit:
    """The least-squares constant c and the largest residual |F − F_SLT(c)| over the points used."""

    constant: mpmath.mpf
    max_residual: mpmath.mpf


def fit_constant(
    lc: LearningCoefficient, sizes: Sequence[object], free_energies: Sequence[object], loss_at_truth: object = 0
) -> ConstantFit:
    """Fit c in F(n) ≈ F_SLT(n) + c to exact values (least squares: the mean offset) and report the residual."""
    if len(sizes) != len(free_energies) or not sizes:
        raise ValueError(f"need matching, non-empty lists of n and F(n), got {len(sizes)} and {len(free_energies)}")
    offsets = [mpmath.mpf(f) - slt_free_energy(lc, n, loss_at_truth) for n, f in zip(sizes, free_energies)]
    constant = sum(offsets) / len(offsets)
    return ConstantFit(constant, max(abs(o - constant) for o in offsets))
