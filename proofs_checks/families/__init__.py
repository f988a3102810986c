"""The model-family registry: every family the spec's ``[model] kind`` can name, one module each.

| kind | theory | sampled |
| --- | --- | --- |
| ``regular`` | λ = d/2 | — |
| ``monomial`` | λ = min (h_j+1)/(2k_j) | — |
| ``polynomial`` | Newton polyhedron (exact or an upper bound) | the potential n·K |
| ``reduced_rank`` | Aoyagi & Watanabe (2005) | — |
| ``two_layer`` | reduced-rank λ at the target's rank; exact thermodynamics; Gibbs | SGLD at a teacher |
| ``deep_linear`` | Aoyagi (2024) | SGLD at a rank-r teacher |
| ``network`` | — | SGLD at saved weights on saved data |
| ``modular`` | — (mean field: a free energy per neuron) | SGLD at saved quadratic-network weights on the training pairs |

To add a family: write ``families/NAME.py`` with a ``FAMILY = Family(...)`` (``families.base``) and list it here.
"""

from __future__ import annotations

from proofs_checks.families import deep_linear, modular, monomial, network, polynomial, reduced_rank, regular, two_layer
from proofs_checks.families.base import Family, Samplable

FAMILIES: dict[str, Family] = {
    module.FAMILY.name: module.FAMILY for module in (regular, monomial, polynomial, reduced_rank, two_layer, deep_linear, network, modular)
}


def family(kind: object) -> Family:
    """The family named ``kind``; a ``ValueError`` listing the known kinds otherwise."""
    if not isinstance(kind, str) or kind not in FAMILIES:
        raise ValueError(f"[model] kind must be one of {', '.join(FAMILIES)}, got {kind!r}")
    return FAMILIES[kind]


__all__ = ["FAMILIES", "Family", "Samplable", "family"]
