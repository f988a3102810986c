"""Reduced-rank regression y = B·A·x at a true matrix of rank r: λ and m of Aoyagi & Watanabe (2005)."""

from __future__ import annotations

import theory
from proofs_checks.families.base import Family

FAMILY = Family(
    name="reduced_rank",
    summary="reduced-rank regression y = B·A·x (inputs, outputs, hidden, rank)",
    fields=frozenset({"inputs", "outputs", "hidden", "rank"}),
    required=frozenset({"inputs", "outputs", "hidden", "rank"}),
    theory=lambda spec: theory.reduced_rank(spec.model["inputs"], spec.model["outputs"], spec.model["hidden"], spec.model["rank"]),
)
