"""Reduced-rank regression (the two-layer linear network): Aoyagi & Watanabe (2005).

Model y = B·A·x + noise with x ∈ R^M (inputs), y ∈ R^N (outputs), A: H×M, B: N×H (H hidden units), and a
true product B0·A0 of rank r ≤ min(M, N, H). Aoyagi, M. & Watanabe, S. (2005), "Stochastic complexities of
reduced rank regression in Bayesian estimation", Neural Networks 18(7):924–933, Main Theorem:

- Case 1, N+r ≤ M+H and M+r ≤ N+H and H+r ≤ M+N:
    M+N+H+r even: λ = [2(H+r)(M+N) − (M−N)² − (H+r)²]/8, m = 1;
    M+N+H+r odd:  λ = [2(H+r)(M+N) − (M−N)² − (H+r)² + 1]/8, m = 2;
- Case 2, M+H < N+r: λ = (HM − Hr + Nr)/2, m = 1;
- Case 3, N+H < M+r: λ = (HN − Hr + Mr)/2, m = 1;
- Case 4, M+N < H+r: λ = MN/2, m = 1.
"""

from __future__ import annotations

import sympy

from theory.learning_coefficient import LearningCoefficient, Status
from theory.validation import nonnegative_int, positive_int

__all__ = ["reduced_rank"]

_SOURCE = "Aoyagi & Watanabe (2005), Neural Networks 18(7):924-933, Main Theorem"


def reduced_rank(inputs: int, outputs: int, hidden: int, rank: int) -> LearningCoefficient:
    """Exact (λ, m) of reduced-rank regression with M = ``inputs``, N = ``outputs``, H = ``hidden``, r = ``rank``."""
    M = positive_int(inputs, "inputs")
    N = positive_int(outputs, "outputs")
    H = positive_int(hidden, "hidden")
    r = nonnegative_int(rank, "rank")
    if r > min(M, N, H):
        raise ValueError(f"rank {r} exceeds the smallest width min(inputs, outputs, hidden) = {min(M, N, H)}")

    if M + H < N + r:
        lam, m, case = sympy.Rational(H * M - H * r + N * r, 2), 1, "case 2 (M+H < N+r)"
    elif N + H < M + r:
        lam, m, case = sympy.Rational(H * N - H * r + M * r, 2), 1, "case 3 (N+H < M+r)"
    elif M + N < H + r:
        lam, m, case = sympy.Rational(M * N, 2), 1, "case 4 (M+N < H+r)"
    else:
        numerator = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2
        if (M + N + H + r) % 2 == 0:
            lam, m, case = sympy.Rational(numerator, 8), 1, "case 1, M+N+H+r even"
        else:
            lam, m, case = sympy.Rational(numerator + 1, 8), 2, "case 1, M+N+H+r odd"
    return LearningCoefficient(lam, m, Status.EXACT, method=f"reduced-rank regression, {case}", source=_SOURCE)
