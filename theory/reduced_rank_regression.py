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

from collections.abc import Sequence

import sympy

from theory.learning_coefficient import LearningCoefficient, Status
from theory.validation import nonnegative_int, positive_int

__all__ = ["reduced_rank", "reduced_rank_for_target"]

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


def reduced_rank_for_target(
    inputs: int, outputs: int, hidden: int, singular_values: Sequence[object]
) -> tuple[LearningCoefficient, sympy.Rational]:
    """(λ, m) and the minimal loss L0 = min ½‖B·A − M‖² for a target M with the given singular values.

    Rank r ≤ H: the realizable case, ``reduced_rank`` with L0 = 0. Rank r > H: the model cannot represent M;
    L0 = ½ Σ_{i>H} s_i² (Eckart–Young), attained where B·A = W0, the best rank-H approximation. When
    s_H > s_(H+1), W0 is unique and a non-degenerate minimum of ½‖W − M‖² on the manifold of rank-H matrices
    (dimension H(M+N−H)); the factorisation (A, B) ↦ B·A is a submersion onto that manifold near full-rank
    factors, so the minimising set is a smooth fibre with a non-degenerate normal Hessian: the regular case,
    λ = H(M+N−H)/2 (= ``reduced_rank(M, N, H, H)``) and m = 1 (in coordinates along and normal to the fibre K is
    a non-degenerate quadratic in the H(M+N−H) normal ones, whose zeta function has its largest pole at
    −codim/2, of order 1). Checked against the exact λ_eff(n) − n·L0 in the tests. With s_H = s_(H+1) the best fits form a continuum and no value is derived: ``ValueError``.
    """
    try:
        values = [sympy.Rational(str(s)) for s in singular_values]
    except (TypeError, ValueError, sympy.SympifyError):
        raise ValueError(f"singular values must be numbers, got {list(singular_values)!r}") from None
    if any(s < 0 for s in values):
        raise ValueError(f"singular values must be non-negative, got {list(singular_values)!r}")
    H = positive_int(hidden, "hidden")
    rank = sum(1 for s in values if s != 0)
    if rank <= H:
        return reduced_rank(inputs, outputs, H, rank), sympy.Rational(0)
    if rank > min(positive_int(inputs, "inputs"), positive_int(outputs, "outputs")):
        raise ValueError(f"{rank} non-zero singular values exceed min(inputs, outputs) = {min(inputs, outputs)}")
    ordered = sorted(values, reverse=True)
    if ordered[H - 1] == ordered[H]:
        raise ValueError(
            f"s_H = s_(H+1) = {ordered[H]} with hidden = {H}: the best rank-{H} fits form a continuum, "
            "so no learning coefficient is derived for this unrealizable target"
        )
    lc = reduced_rank(inputs, outputs, H, H)
    regular = LearningCoefficient(
        lc.lam, 1, Status.EXACT, method=f"unrealizable target of rank {rank} > H = {H}: regular around its best rank-{H} fit",
        source="derived: Eckart-Young best fit, regular normal directions (lambda = codim/2)",
    )
    return regular, sum(s * s for s in ordered[H:]) / 2
