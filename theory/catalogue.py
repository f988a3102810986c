"""Closed-form learning coefficients: regular models, normal-crossing monomials, disjoint blocks.

Formulas from Watanabe (2009), *Algebraic Geometry and Statistical Learning Theory*, ch. 2 and 7
(collected in docs/references.md):

- regular model in d parameters: λ = d/2, m = 1;
- normal crossing K = Π_j w_j^(2k_j) with prior ∝ Π_j |w_j|^(h_j) near 0:
  λ = min_j (h_j + 1)/(2k_j) over the j with k_j > 0, m = the number of j attaining the minimum;
- disjoint variable blocks, K = K_1(x) + K_2(y): λ = λ_1 + λ_2, m = m_1 + m_2 − 1;
- disjoint variable blocks, K = K_1(x)·K_2(y): λ = min_i λ_i, m = Σ of the m_i attaining it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from theory.learning_coefficient import LearningCoefficient, Status
from theory.validation import nonnegative_int_list, positive_int

__all__ = ["regular", "monomial", "block_sum", "block_product"]

_WATANABE_2009 = "Watanabe (2009), Algebraic Geometry and Statistical Learning Theory"


def regular(dim: int) -> LearningCoefficient:
    """A regular (identifiable, non-degenerate Fisher information) model in ``dim`` parameters: λ = d/2, m = 1."""
    d = positive_int(dim, "dim")
    return LearningCoefficient(
        sympy.Rational(d, 2), 1, Status.EXACT, method="regular model: λ = d/2", source=_WATANABE_2009
    )


def monomial(exponents: Sequence[int], prior_exponents: Sequence[int] | None = None) -> LearningCoefficient:
    """Normal crossing K = Π w_j^(2k_j), prior ∝ Π |w_j|^(h_j): λ = min_j (h_j+1)/(2k_j), m = #argmin.

    Args:
        exponents: k_j ≥ 0 (the loss is w_j^(2k_j)); at least one must be positive.
        prior_exponents: h_j ≥ 0, one per variable; default all zero (a prior density non-zero at 0).
    """
    ks = nonnegative_int_list(exponents, "exponents")
    hs = [0] * len(ks) if prior_exponents is None else nonnegative_int_list(prior_exponents, "prior_exponents")
    if len(hs) != len(ks):
        raise ValueError(f"prior_exponents {list(hs)} must have one entry per exponent ({len(ks)} expected)")
    if not any(ks):
        raise ValueError(f"exponents {list(ks)} are all zero: K = 1 has no zero to be singular at")
    ratios = [sympy.Rational(h + 1, 2 * k) for k, h in zip(ks, hs) if k > 0]
    lam = min(ratios)
    return LearningCoefficient(
        lam,
        ratios.count(lam),
        Status.EXACT,
        method="normal crossing: λ = min_j (h_j+1)/(2k_j), m = number of j attaining it",
        source=_WATANABE_2009,
    )


def _combined_status(parts: Sequence[LearningCoefficient]) -> Status:
    """Sums and minima of exact values and upper bounds are upper bounds (likewise lower); mixing both is not."""
    statuses = {p.status for p in parts} - {Status.EXACT}
    if len(statuses) > 1:
        raise ValueError("cannot combine an upper bound with a lower bound: the result bounds nothing")
    return statuses.pop() if statuses else Status.EXACT


def _blocks(parts: Sequence[LearningCoefficient]) -> list[LearningCoefficient]:
    parts = list(parts)
    if not parts:
        raise ValueError("at least one block is needed")
    for p in parts:
        if not isinstance(p, LearningCoefficient):
            raise ValueError(f"blocks must be LearningCoefficient values, got {p!r}")
    return parts


def block_sum(*parts: LearningCoefficient) -> LearningCoefficient:
    """K = K_1(x_1) + … + K_b(x_b) on disjoint variables: λ = Σ λ_i, m = Σ m_i − (b − 1)."""
    parts = _blocks(parts)
    return LearningCoefficient(
        sum((p.lam for p in parts), sympy.Integer(0)),
        sum(p.multiplicity for p in parts) - (len(parts) - 1),
        _combined_status(parts),
        method="disjoint blocks, K = Σ K_i: λ = Σ λ_i, m = Σ m_i − (b−1)",
        source=_WATANABE_2009,
    )


def block_product(*parts: LearningCoefficient) -> LearningCoefficient:
    """K = K_1(x_1) · … · K_b(x_b) on disjoint variables: λ = min λ_i, m = Σ of the m_i attaining the minimum."""
    parts = _blocks(parts)
    lam = min(p.lam for p in parts)
    return LearningCoefficient(
        lam,
        sum(p.multiplicity for p in parts if p.lam == lam),
        _combined_status(parts),
        method="disjoint blocks, K = Π K_i: λ = min λ_i, m = Σ m_i attaining it",
        source=_WATANABE_2009,
    )
