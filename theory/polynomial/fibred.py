"""Exact finite-n thermodynamics of K(x, y) = x²·g(y) with Gaussian priors N(0, σ²) on x and y.

Given y, x enters quadratically, so the x-integral is Gaussian (completing the square):
  ∫ e^(−n·x²·g) N(x; 0, σ²) dx = (1 + 2nσ²g)^(−1/2),
and under the tilted x-law E[x²] = σ²/(1 + 2nσ²g), E[x⁴] = 3σ⁴/(1 + 2nσ²g)². With w(y) = (1 + 2nσ²g(y))^(−1/2):
  I_0 = E_y[w],   I_1 = E_y[w·g·σ²/(1 + 2nσ²g)],   I_2 = E_y[w·3g²σ⁴/(1 + 2nσ²g)²],
one-dimensional Gaussian integrals (tanh–sinh quadrature, split at the prior's scale, at n^(−1/2) and at
the roots of g, real parts and widths of complex ones), evaluated under the precision contract. Then
Z = I_0, λ_eff = n·I_1/I_0 and C = n²·(I_2/I_0 − (I_1/I_0)²) (Watanabe 2009, ch. 6; docs/references.md). Example: g = y² + s² is the
polynomial side of the ``gap`` scenario, K = x²y² + s²x².
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy

from theory.expression import read_expression
from theory.precision import input_precision, refined, with_precision_contract
from theory.thermodynamics import ThermoPoint, VolumePoint, thermo_from_moments
from theory.validation import real_number

__all__ = ["fibred_quadratic_thermodynamics", "fibred_quadratic_volume"]


def _g(expression: str) -> tuple[sympy.Expr, list[mpmath.mpf]]:
    y = sympy.Symbol("y", real=True)
    try:
        g = read_expression(expression, what="g(y)")
    except ValueError as error:
        raise ValueError(f"cannot read g(y) = {expression!r}: {error}") from None
    if g.free_symbols - {y} or not g.is_polynomial(y):
        raise ValueError(f"g must be a polynomial in y alone, got {expression!r}")
    poly = sympy.Poly(g, y)
    if poly.degree() > 0 and (poly.LC() < 0 or poly.degree() % 2 == 1):
        raise ValueError(f"g(y) = {expression} takes negative values, so K = x²·g(y) is not a loss")
    features = []
    if poly.degree() > 0:
        for root in sympy.Poly(g, y).nroots(n=15):
            re, im = sympy.re(root), abs(sympy.im(root))
            features += [mpmath.mpf(str(re))] + ([mpmath.mpf(str(re - im)), mpmath.mpf(str(re + im))] if im else [])
    elif poly.LC() < 0:
        raise ValueError(f"g(y) = {expression} is negative")
    return g, features


def _fibre(g: str, value: object, prior_var: object, dps: int, name: str) -> tuple[Any, list[mpmath.mpf], mpmath.mpf, mpmath.mpf]:
    """(g as an mpmath function, its features, the positive input ``value``, σ²), inputs read at full precision."""
    expr, features = _g(g)
    with mpmath.workdps(input_precision(dps)):
        number, var = real_number(value, name, positive=True), real_number(prior_var, "prior_var", positive=True)
    values = sympy.lambdify(sympy.Symbol("y"), expr, modules="mpmath")
    if any(float(values(f)) < -1e-12 for f in features):
        raise ValueError(f"g(y) = {g} takes negative values, so K = x²·g(y) is not a loss")
    return values, features, number, var


def _gaussian_integrals(integrand, var: mpmath.mpf, width: mpmath.mpf, features: list[mpmath.mpf],
                        near: tuple[mpmath.mpf, ...], refine: bool) -> list[mpmath.mpf]:  # fmt: skip
    """∫ integrand(y)[j] dy over R for every component j, with breakpoints at the prior's scale σ, at ``width``
    and at each feature of g (± ``near``·width); the integrand runs once per node, shared by the components."""
    sigma = mpmath.sqrt(var)
    scales = {sigma, 4 * sigma, 8 * sigma, width, width / 8, 8 * width}
    points = {mpmath.mpf(0)} | scales | {-s for s in scales} | set(features)
    for f in features:
        points |= {f + k * width for k in near} | {f - k * width for k in near}
    breaks = [-mpmath.inf, *sorted(p for p in points if abs(p) < 16 * sigma), mpmath.inf]
    if refine:
        breaks = refined(breaks)
    memo: dict[mpmath.mpf, tuple[mpmath.mpf, ...]] = {}

    def cached(t: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
        if t not in memo:
            memo[t] = integrand(t)
        return memo[t]

    components = len(integrand(mpmath.mpf(0)))
    return [mpmath.quad(lambda t, j=j: cached(t)[j], breaks) for j in range(components)]


def fibred_quadratic_thermodynamics(g: str, n: object, prior_var: object = 1, dps: int = 30) -> ThermoPoint:
    """F(n), λ_eff(n) and C(n) of K = x²·g(y) with N(0, σ²) priors, to ``dps`` digits (precision contract)."""
    values, features, size, var = _fibre(g, n, prior_var, dps, "n")

    def compute(refine: bool) -> list[mpmath.mpf]:
        density = 1 / mpmath.sqrt(2 * mpmath.pi * var)

        def moments(t: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
            gy = values(t)
            d = 1 + 2 * size * var * gy
            w = density * mpmath.exp(-t * t / (2 * var)) / mpmath.sqrt(d)
            return w, w * gy * var / d, w * 3 * (gy * var / d) ** 2

        i0, i1, i2 = _gaussian_integrals(moments, var, 1 / mpmath.sqrt(size), features, (1,), refine)
        z, lam, heat = thermo_from_moments(size, i0, i1, i2)
        return [-mpmath.log(z), lam, heat]

    extra = int(mpmath.log10(size + 10)) + 5
    (free_energy, lam, heat), digits = with_precision_contract(compute, dps, f"x²·({g}) at n = {n}", extra=extra)
    return ThermoPoint(size, free_energy, lam, heat, digits)


def fibred_quadratic_volume(g: str, eps: object, prior_var: object = 1, dps: int = 30) -> VolumePoint:
    """V(ε) and d log V/d log ε for K = x²·g(y) with N(0, σ²) priors (precision contract).

    Given y, {x²g(y) < ε} is an interval in x, so V(ε) = E_y[erf(√(ε/(2σ²g)))] and
    V'(ε) = E_y[exp(−ε/(2σ²g)) / (σ·√(2π·ε·g))]; the exponent is ε·V'(ε)/V(ε).
    """
    values, features, level, var = _fibre(g, eps, prior_var, dps, "eps")
    sigma = mpmath.sqrt(var)

    def compute(refine: bool) -> list[mpmath.mpf]:
        density = 1 / mpmath.sqrt(2 * mpmath.pi * var)

        def parts(t: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
            gy = values(t)
            prior = density * mpmath.exp(-t * t / (2 * var))
            if gy <= 0:
                return prior, mpmath.mpf(0)
            return prior * mpmath.erf(mpmath.sqrt(level / (2 * var * gy))), prior * mpmath.exp(-level / (2 * var * gy)) / (
                sigma * mpmath.sqrt(2 * mpmath.pi * level * gy)
            )

        volume, slope = _gaussian_integrals(parts, var, mpmath.sqrt(level), features, (1, mpmath.mpf(1) / 8), refine)
        return [volume, level * slope / volume]

    (volume, exponent), digits = with_precision_contract(compute, dps, f"V(ε) of x²·({g}) at ε = {eps}")
    return VolumePoint(level, volume, exponent, digits)
