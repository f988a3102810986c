"""The volume function of the two-layer linear model with a zero target: V(ε) = prior mass of {K < ε}.

K = ½‖B·A‖² with A: H×N_in ~ N(0, s_a), B: N_out×H ~ N(0, s_b) entrywise (REFERENCES §5 with M = 0). With
H = 1, K = ½‖b‖²‖a‖²; with N_in = 1 and any H, K = ½‖B·a‖² and B·a | a ~ N(0, s_b‖a‖² I_{N_out}); N_out = 1
is the transpose of N_in = 1. In every case, with y = ‖a‖² ~ s_a·χ²_d (d = N_in·H) and α = N_out/2,

  V(ε) = E_y[P(α, ε/(s_b y))],     V'(ε) = E_y[ρ_α(ε/(s_b y)) / (s_b y)],

P the regularised lower incomplete gamma function (the χ²_{N_out} distribution function at 2ε/(s_b y)) and
ρ_α(x) = x^(α−1) e^(−x)/Γ(α) its derivative. The local exponent ε·V'(ε)/V(ε) tends to λ = min(d, N_out)/2,
with multiplicity 2 when d = N_out (V ~ c·ε^λ·(log 1/ε)^(m−1); Watanabe 2009, §2.4), the zero-target λ of
reduced-rank regression in these sizes (Aoyagi & Watanabe 2005).
"""

from __future__ import annotations

import mpmath

from theory.fibred_quadratic import VolumePoint
from theory.precision import input_precision, refined, with_precision_contract
from theory.validation import positive_int

__all__ = ["two_layer_volume"]


def _positive(value: object, name: str) -> mpmath.mpf:
    try:
        number = mpmath.mpf(str(value)) if not isinstance(value, mpmath.mpf) else value
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not (mpmath.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")
    return number


def two_layer_volume(
    eps: object, inputs: int, hidden: int, outputs: int, prior_var: object | tuple[object, object] = 1, dps: int = 15
) -> VolumePoint:
    """V(ε) and d log V/d log ε for the zero-target two-layer model (module docstring), precision contract.

    Covers hidden = 1 with any sizes, and any hidden size with inputs = 1 or outputs = 1; other sizes raise
    ``ValueError``. ``prior_var`` is s_a = s_b or the pair (s_a, s_b).
    """
    n_in, h, n_out = positive_int(inputs, "inputs"), positive_int(hidden, "hidden"), positive_int(outputs, "outputs")
    with mpmath.workdps(input_precision(dps)):
        level = _positive(eps, "eps")
        s_a, s_b = (prior_var, prior_var) if not isinstance(prior_var, (tuple, list)) else prior_var
        s_a, s_b = _positive(s_a, "prior variance s_a"), _positive(s_b, "prior variance s_b")
    if h > 1 and min(n_in, n_out) > 1:
        raise ValueError(
            f"hidden = {h} with inputs = {n_in} and outputs = {n_out}: the exact V(ε) covers hidden = 1, or inputs = 1 "
            "or outputs = 1"
        )
    if h > 1 and n_in > 1:  # transpose so that N_in = 1
        n_in, n_out, s_a, s_b = n_out, n_in, s_b, s_a
    dof, alpha = mpmath.mpf(n_in * h), mpmath.mpf(n_out) / 2

    def compute(refine: bool) -> list[mpmath.mpf]:
        eps_, sa, sb = mpmath.mpf(level), mpmath.mpf(s_a), mpmath.mpf(s_b)
        half = dof / 2
        log_norm = -half * mpmath.log(2 * sa) - mpmath.loggamma(half)
        memo: dict[mpmath.mpf, tuple[mpmath.mpf, mpmath.mpf]] = {}
        log_scale = mpmath.mpf(0)  # mpmath's quadrature stops on an absolute tolerance: integrate V/L, L ~ V

        def parts(y: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            if y not in memo:
                if y == 0:
                    memo[y] = (mpmath.mpf(0), mpmath.mpf(0))
                else:
                    prior = mpmath.exp(log_norm - log_scale + (half - 1) * mpmath.log(y) - y / (2 * sa))
                    x = eps_ / (sb * y)
                    density = mpmath.exp((alpha - 1) * mpmath.log(x) - x - mpmath.loggamma(alpha))
                    memo[y] = (prior * mpmath.gammainc(alpha, 0, x, regularized=True), prior * density / (sb * y))
            return memo[y]

        # the integrand changes character at y ~ ε/s_b (the ball's edge) and decays on the prior's scale s_a·d
        edge, spread = eps_ / sb, sa * dof
        points = {mpmath.mpf(0), edge / 64, edge * 64, spread / 8, spread * 8, spread * 64, mpmath.inf}
        x = edge / 64
        while x < spread * 64:
            points.add(x)
            x *= 16
        points = sorted(points, key=lambda p: (mpmath.isinf(p), p))
        finite = [p for p in points if 0 < p < mpmath.inf]
        log_scale = max(mpmath.log(parts(y)[0] * y) for y in finite)  # y·f(y) is the mass per unit of log y
        memo.clear()
        if refine:
            points = refined(points)
        volume = mpmath.quad(lambda y: parts(y)[0], points)
        slope = mpmath.quad(lambda y: parts(y)[1], points)
        return [volume * mpmath.exp(log_scale), eps_ * slope / volume]

    (volume, exponent), digits = with_precision_contract(compute, dps, f"V(ε) of the two-layer model at ε = {eps}")
    return VolumePoint(level, volume, exponent, digits)
