"""Talbot's contour rule for the inverse Laplace transform at t = 1, with its weights formed once.

f(1) ≈ Σ_k Re[w_k · F(z_k)] for F the Laplace transform of f and F analytic off the negative real axis, to geometric
accuracy in the number of nodes (Talbot 1979, IMA J. Appl. Math. 23; the fixed-Talbot parameters of Abate & Valkó
2004, Int. J. Numer. Meth. Eng. 60). mpmath's ``FixedTalbot`` chooses the nodes; this module keeps them with their
weights, so that a caller inverting many transforms pays one pass over the nodes for each.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import mpmath
from mpmath.calculus.inverselaplace import FixedTalbot

__all__ = ["talbot_rule"]


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
