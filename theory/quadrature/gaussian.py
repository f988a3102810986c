"""Gauss rules for the standard normal and the Gamma(k) laws at any precision (Golub & Welsch 1969).

The nodes of the m-point Gauss rule of a weight are the eigenvalues of its Jacobi matrix (the symmetric
tridiagonal matrix of the three-term recurrence of its orthonormal polynomials) and the weights are the squared
first components of the normalized eigenvectors, times the weight's total mass (here 1: the rules integrate
against probability densities). Recurrences (DLMF 18.9): probabilists' Hermite, weight e^(−x²/2)/√(2π):
diagonal 0, off-diagonal √j; generalized Laguerre, weight x^(k−1)e^(−x)/Γ(k): diagonal 2j + k,
off-diagonal √(j(j + k − 1)). Computed once per (count, k, prec) with mpmath's symmetric eigensolver.
"""

from __future__ import annotations

import functools

import mpmath

__all__ = ["gauss_gamma", "gauss_normal"]


def _golub_welsch(diagonal: list, off_diagonal: list, prec: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    with mpmath.workprec(prec + 20):
        size = len(diagonal)
        jacobi = mpmath.zeros(size, size)
        for j in range(size):
            jacobi[j, j] = diagonal[j]
        for j, value in enumerate(off_diagonal):
            jacobi[j, j + 1] = jacobi[j + 1, j] = value
        values, vectors = mpmath.eigsy(jacobi)
        pairs = sorted((values[j], vectors[0, j] ** 2) for j in range(size))
    with mpmath.workprec(prec):
        return tuple((+x, +w) for x, w in pairs)


@functools.lru_cache(maxsize=32)
def gauss_normal(count: int, prec: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """The ``count``-point Gauss rule of the standard normal law: E[f(Z)] ≈ Σ w·f(x)."""
    with mpmath.workprec(prec + 20):
        return _golub_welsch([mpmath.mpf(0)] * count, [mpmath.sqrt(j) for j in range(1, count)], prec)


@functools.lru_cache(maxsize=32)
def gauss_gamma(count: int, shape: mpmath.mpf, prec: int) -> tuple[tuple[mpmath.mpf, mpmath.mpf], ...]:
    """The ``count``-point Gauss rule of the Gamma(``shape``, 1) law: E[f(X)] ≈ Σ w·f(x)."""
    with mpmath.workprec(prec + 20):
        k = mpmath.mpf(shape)
        diagonal = [2 * j + k for j in range(count)]
        return _golub_welsch(diagonal, [mpmath.sqrt(j * (j + k - 1)) for j in range(1, count)], prec)
