"""Regular models: d parameters, Fisher information of full rank, λ = d/2 and m = 1 (Watanabe 2009, §1.4)."""

from __future__ import annotations

import theory
from proofs_checks.families.base import Family

FAMILY = Family(
    name="regular",
    summary="a regular model in dim parameters",
    fields=frozenset({"dim"}),
    required=frozenset({"dim"}),
    theory=lambda spec: theory.regular(spec.model["dim"]),
)
