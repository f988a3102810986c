"""The Bingham average E_θ[e^(βu)] and its β-derivatives, for any dimension and any singular values.

For θ uniform on the sphere S^(d−1) and u = Σ_i λ_i θ_i² (λ_i ≥ 0, k of them non-zero), E_θ[e^(βu)] is the
confluent hypergeometric function of matrix argument 1F1(½; d/2; β·diag(λ)) (REFERENCES §5). It has the
one-dimensional contour representation

  E_θ[e^(βu)] = Γ(d/2) · (1/2πi) ∫_H e^z z^(−(d−k)/2) Π_i (z − βλ_i)^(−1/2) dz,

H a Hankel contour around (−∞, β·max λ]. Derivation: for g ~ N(0, I_d), ‖g‖² ~ χ²_d is independent of θ =
g/‖g‖, so E[(gᵀΛg)^j] = 2^j (d/2)_j E[u^j], and E[e^(t gᵀΛg)] = Π_i (1 − 2tλ_i)^(−1/2). Put t = β/(2z),
expand both sides in powers of β, and integrate term by term with Hankel's formula 1/Γ(a) =
(1/2πi) ∫_H e^z z^(−a) dz (DLMF 5.9.2): the j-th term becomes β^j E[u^j]/j!. The factor form above is
Π_i (1 − βλ_i/z)^(−1/2) · z^(−d/2) with principal branches, analytic off (−∞, β·max λ].

Shifting z = β·max λ + w turns the integral into an inverse Laplace transform at t = 1 of a function whose
singularities lie on the negative real axis,

  E_θ[e^(βu)] = Γ(d/2) · e^(β max λ) · L⁻¹[ w ↦ (β max λ + w)^(−(d−k)/2) Π_i (w + β(max λ − λ_i))^(−1/2) ](1),

which is what Talbot's contour rule resolves to geometric accuracy (Talbot 1979, IMA J. Appl. Math. 23;
the fixed-Talbot parameters of Abate & Valkó 2004, Int. J. Numer. Meth. Eng. 60, as implemented by mpmath's
``FixedTalbot``: about 2.4·dps nodes at 1.72·dps working digits). Writing the factors through the gaps
β(max λ − λ_i) instead of z − βλ_i avoids cancelling log10(β) digits at large β. The moments E_θ[e^(βu) u^j],
j = 1, 2, are β-derivatives: d/dβ multiplies the integrand by S_1 = Σ_i λ_i/(2(z − βλ_i)), and d²/dβ² by
S_1² + Σ_i λ_i²/(2(z − βλ_i)²).

Validity: every d ≥ 1, every λ ≥ 0 and β ≥ 0 — the representation is exact and the rule converges for any
function analytic off the negative axis and decaying at infinity, as this one does (like |w|^(−d/2)).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import mpmath
from mpmath.calculus.inverselaplace import FixedTalbot

__all__ = ["bingham_moments", "talbot_rule"]


class _TalbotRule(NamedTuple):
    """f(1) ≈ Σ_k Re[weights_k · F(nodes_k)] for F the Laplace transform of f, at ``dps_goal`` working digits."""

    nodes: list[mpmath.mpc]
    weights: list[mpmath.mpc]
    dps_goal: int


@functools.lru_cache(maxsize=16)
def talbot_rule(dps: int) -> _TalbotRule:
    """mpmath's fixed-Talbot nodes at t = 1 for ``dps`` target digits, with the weights of its time-domain sum
    (Abate & Valkó 2004, as documented in ``FixedTalbot.calc_time_domain_solution``: γ_0 = ½e^r,
    γ_k = e^(p_k)·[1 + iθ_k(1 + cot²θ_k) − i·cot θ_k], θ_k = kπ/M, all times 2/5) formed once, so that each β
    costs one pass over the nodes instead of three sums of complex exponentials."""
    with mpmath.workdps(dps):
        rule = FixedTalbot(mpmath.mp)
        rule.calc_laplace_parameter(1)  # raises mp.dps to rule.dps_goal; workdps restores it on exit
        with mpmath.workdps(rule.dps_goal):
            fifths = mpmath.mpf(2) / 5
            weights = [fifths * mpmath.exp(rule.delta[0]) / 2]
            for k in range(1, rule.degree):
                cot, theta = rule.cot_theta[k], rule.theta[k]
                weights.append(fifths * mpmath.exp(rule.delta[k]) * (1 + 1j * theta * (1 + cot**2) - 1j * cot))
    return _TalbotRule(list(rule.p), weights, rule.dps_goal)


def bingham_moments(beta: mpmath.mpf, squares: Sequence[mpmath.mpf], dim: int) -> tuple[mpmath.mpf, ...]:
    """(g, m_0, m_1, m_2) with E_θ[e^(βu) u^j] = e^g·m_j (j = 0, 1, 2), u = Σ_i squares_i·θ_i², θ uniform on
    S^(dim−1), at the current working precision (module docstring). ``squares`` are the non-zero λ_i
    (at most ``dim`` of them); e^g = e^(β max λ) is returned as its exponent for the caller to fold in."""
    if not squares:
        return mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)
    if len(squares) > dim:
        raise ValueError(f"{len(squares)} non-zero λ on the sphere S^{dim - 1}: at most {dim}")
    rule = talbot_rule(mpmath.mp.dps)
    top = max(squares)
    with mpmath.workdps(rule.dps_goal):
        shift = beta * top
        gaps = [beta * (top - s) for s in squares]
        halves = [s / 2 for s in squares]
        power = -mpmath.mpf(dim - len(squares)) / 2
        sums = [mpmath.mpf(0)] * 3
        for w, weight in zip(rule.nodes, rule.weights):
            f = weight * (shift + w) ** power if power else weight
            first = second = 0
            for gap, half in zip(gaps, halves):
                inverse = 1 / (w + gap)
                f *= mpmath.sqrt(inverse)
                term = half * inverse
                first += term
                second += 2 * term * term
            sums[0] += f.real
            sums[1] += (f * first).real
            sums[2] += (f * (first * first + second)).real
        norm = mpmath.gamma(mpmath.mpf(dim) / 2)
        moments = [norm * total for total in sums]
    return (+shift, *(+m for m in moments))
