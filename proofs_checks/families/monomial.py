"""Normal-crossing losses K = Π w_j^(2k_j) with prior ∝ Π |w_j|^h_j: λ = min_j (h_j+1)/(2k_j) (Watanabe 2009, Thm 6.1)."""

from __future__ import annotations

import theory
from proofs_checks.families.base import Family

FAMILY = Family(
    name="monomial",
    summary="a normal-crossing loss K = Π w_j^(2 k_j) (exponents, prior_exponents)",
    fields=frozenset({"exponents", "prior_exponents"}),
    required=frozenset({"exponents"}),
    theory=lambda spec: theory.monomial(spec.model["exponents"], spec.model.get("prior_exponents")),
)
