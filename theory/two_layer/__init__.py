"""The two-layer linear family B·A: exact finite-n thermodynamics and the volume function, with their reductions.

| module | what | regime |
| --- | --- | --- |
| ``thermodynamics`` | F(n), λ_eff(n), C(n) — the public ``two_layer_thermodynamics`` dispatches | hidden 1, one input/output, rank ≤ 1 |
| ``pfaffian`` | Z(n) as a Pfaffian over the Wishart spectrum, inverted by Talbot's rule | target of rank ≤ 1, any sizes |
| ``wishart`` | moment integrals over the 2 × 2 Wishart spectrum | two inputs, any hidden ≥ 2 |
| ``volume`` | V(ε) = prior mass of {K < ε} — the public ``two_layer_volume`` dispatches | every case below |
| ``hidden_one`` | V(ε) for hidden = 1 | |
| ``two_sided`` / ``two_sided_rank_one`` | V(ε) on a side of 2 with a non-zero target | |

The learning coefficient of the family is reduced-rank regression's (``theory.reduced_rank``).
"""

from theory._lazy import lazy_exports

_EXPORTS = {
    "two_layer_thermodynamics": "thermodynamics",
    "two_layer_volume": "volume",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["two_layer_thermodynamics", "two_layer_volume"]
