"""Deep linear networks of any depth: Aoyagi (2024).

A network x ↦ W_L ⋯ W_1 x with widths H_1 (output), …, H_{L+1} (input), true product of rank r, and
M_s = H_s − r. Aoyagi, M. (2024), "Consideration on the learning efficiency of multiple-layered neural
networks with linear units", Neural Networks 172:106132, Theorem 1 (docs/references.md):
choose S ⊆ {1, …, L+1} with |S| = ℓ+1 such that

  (i)   max_{s∈S} M_s < min_{s∉S} M_s,
  (ii)  Σ_{s∈S} M_s ≥ ℓ · max_{s∈S} M_s,
  (iii) Σ_{s∈S} M_s < ℓ · min_{s∉S} M_s        ((i) and (iii) are vacuous when S is everything).

With Σ = Σ_{s∈S} M_s, M̄ = ⌈Σ/ℓ⌉ and a = Σ − (M̄ − 1)·ℓ:

  λ = [−r² + r(H_1 + H_{L+1})]/2 + a(ℓ−a)/(4ℓ) − [ℓ(ℓ−1)/4]·(Σ/ℓ)² + ½·Σ_{i<j∈S} M_i M_j,
  m = a(ℓ−a) + 1.

Condition (i) forces S to consist of the smallest M_s, so S is a prefix of the M_s in increasing order and
the greedy search over prefix lengths is O(L log L); :func:`admissible_index_sets` searches all subsets
instead (exponential in L, for checking the greedy choice). Widths are given input → output here and
reversed internally into Aoyagi's output-first order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from fractions import Fraction

import sympy

from theory.learning_coefficient import LearningCoefficient, Status
from theory.validation import nonnegative_int, positive_int_list

__all__ = ["deep_linear", "greedy_index_set", "admissible_index_sets"]

_SOURCE = "Aoyagi (2024), Neural Networks 172:106132, Theorem 1"
_METHODS = ("greedy", "brute_force")
MAX_BRUTE_FORCE_WIDTHS = 20


def _aoyagi_order(widths: Sequence[int], rank: int) -> tuple[list[int], int]:
    """Validate; return H_1..H_{L+1} (output first) and r."""
    hs = positive_int_list(widths, "widths")
    if len(hs) < 3:
        raise ValueError(
            f"widths {hs} describe {len(hs) - 1} layer(s); a deep linear network needs at least two layers "
            "(three widths: input, hidden…, output)"
        )
    r = nonnegative_int(rank, "rank")
    if r > min(hs):
        raise ValueError(f"rank {r} exceeds the smallest width {min(hs)} of widths {hs}")
    return hs[::-1], r


def _is_admissible(ms: Sequence[int], subset: Sequence[int]) -> bool:
    """Aoyagi's conditions (i)–(iii) for the 0-based index set ``subset`` of ``ms``."""
    ell = len(subset) - 1
    if ell < 1:
        return False
    inside = [ms[s] for s in subset]
    outside = [ms[s] for s in range(len(ms)) if s not in set(subset)]
    total = sum(inside)
    if total < ell * max(inside):
        return False
    if outside and not (max(inside) < min(outside) and total < ell * min(outside)):
        return False
    return True


def _greedy_zero_based(ms: Sequence[int]) -> tuple[int, ...]:
    order = sorted(range(len(ms)), key=ms.__getitem__)
    total = ms[order[0]]
    for size in range(2, len(ms) + 1):
        largest_inside = ms[order[size - 1]]
        total += largest_inside
        ell = size - 1
        if total < ell * largest_inside:
            continue
        if size < len(ms):
            smallest_outside = ms[order[size]]
            if not (largest_inside < smallest_outside and total < ell * smallest_outside):
                continue
        return tuple(sorted(order[:size]))
    raise RuntimeError(f"no admissible index set for M = {list(ms)}; Aoyagi (2024) guarantees one exists")


def greedy_index_set(widths: Sequence[int], rank: int) -> tuple[int, ...]:
    """Aoyagi's index set S, found among prefixes of the sorted M_s; 1-based indices in output-first order."""
    hs, r = _aoyagi_order(widths, rank)
    return tuple(s + 1 for s in _greedy_zero_based([h - r for h in hs]))


def admissible_index_sets(widths: Sequence[int], rank: int) -> list[tuple[int, ...]]:
    """Every S ⊆ {1..L+1} satisfying (i)–(iii), by exhaustive search (1-based, output-first order).

    The search visits all 2^(L+1) subsets, so it is refused above :data:`MAX_BRUTE_FORCE_WIDTHS` widths
    (2^20 ≈ 1e6 subsets, about 8 s on one core); the greedy search has no such limit."""
    if len(widths) > MAX_BRUTE_FORCE_WIDTHS:
        raise ValueError(
            f"the brute-force search visits 2^{len(widths)} index sets for {len(widths)} widths; it is limited to "
            f"{MAX_BRUTE_FORCE_WIDTHS} widths (use the greedy search, which Aoyagi (2024) shows finds the same set)"
        )
    hs, r = _aoyagi_order(widths, rank)
    ms = [h - r for h in hs]
    return [
        tuple(s + 1 for s in subset)
        for size in range(2, len(ms) + 1)
        for subset in itertools.combinations(range(len(ms)), size)
        if _is_admissible(ms, subset)
    ]


def _coefficient(hs: Sequence[int], r: int, subset: Sequence[int]) -> tuple[Fraction, int]:
    inside = [hs[s] - r for s in subset]
    ell = len(inside) - 1
    total = sum(inside)
    m_bar = -(-total // ell)  # ⌈Σ/ℓ⌉
    a = total - (m_bar - 1) * ell
    pair_sum = Fraction(total * total - sum(x * x for x in inside), 2)  # Σ_{i<j} M_i M_j
    lam = (
        Fraction(-r * r + r * (hs[0] + hs[-1]), 2)
        + Fraction(a * (ell - a), 4 * ell)
        - Fraction((ell - 1) * total * total, 4 * ell)
        + pair_sum / 2
    )
    return lam, a * (ell - a) + 1


def _format_index_set(indices: Iterable[int]) -> str:
    """``{1-4, 7}``: sorted indices with consecutive runs collapsed, readable for hundreds of layers."""
    runs: list[list[int]] = []
    for i in sorted(indices):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return "{" + ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs) + "}"


def deep_linear(widths: Sequence[int], rank: int, method: str = "greedy") -> LearningCoefficient:
    """Exact (λ, m) of a deep linear network with ``widths`` listed input → output and true rank ``rank``.

    Args:
        widths: layer widths, input first, output last; at least three (two layers).
        rank: rank r of the true product matrix, 0 ≤ r ≤ min(widths).
        method: ``"greedy"`` (sorted-prefix search, O(L log L)) or ``"brute_force"`` (all subsets; a check).
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    hs, r = _aoyagi_order(widths, rank)
    ms = [h - r for h in hs]
    if method == "greedy":
        subsets = [_greedy_zero_based(ms)]
    else:
        subsets = [tuple(s - 1 for s in S) for S in admissible_index_sets(widths, rank)]
        if not subsets:
            raise RuntimeError(f"no admissible index set for M = {ms}; Aoyagi (2024) guarantees one exists")
    values = {_coefficient(hs, r, subset) for subset in subsets}
    if len(values) > 1:
        raise RuntimeError(f"admissible index sets {subsets} give different (λ, m) = {sorted(values)}")
    lam, m = values.pop()
    shown = _format_index_set(s + 1 for s in subsets[0])
    return LearningCoefficient(
        sympy.Rational(lam.numerator, lam.denominator),
        m,
        Status.EXACT,
        method=f"deep linear network, {len(hs) - 1} layers, index set S = {shown} ({method} search)",
        source=_SOURCE,
    )
