"""Exact finite-n thermodynamics of the two-layer linear model with a zero target, at any sizes: a Pfaffian.

Model as in ``theory.two_layer`` (REFERENCES §5) with M = 0. Integrating B out,

  Z(n) = E_A[det(I + n s_b AAᵀ)^(−N_out/2)],

which depends on A only through the p = min(H, N_in) non-zero eigenvalues s_a·l_j of AAᵀ; l is the spectrum of
a real Wishart matrix W_p(q, I), q = max(H, N_in), with joint density on l_1 > … > l_p (Muirhead 1982,
Thm 3.2.18)

  c_(p,q) Π_j l_j^((q−p−1)/2) e^(−l_j/2) Π_(i<j) (l_i − l_j),   1/c_(p,q) = 2^(pq/2) Γ_p(q/2) Γ_p(p/2) / π^(p²/2),

Γ_p the multivariate Gamma function. With l = x² on 0 < x_1 < … < x_p, Π_(i<j)(x_j² − x_i²) = det[x_j^(2i)], so
the integrand of Z is det[φ_i(x_j)] with

  φ_i(x) = x^(2i)·w(x),  w(x) = 2 x^(q−p) e^(−x²/2) g(x),  g(x) = (1 + γx²)^(−N_out/2),  γ = n·s_a·s_b,

for i = 0 … p − 1, and de Bruijn's identity (de Bruijn 1955, "On some multiple integrals involving
determinants") turns the p-fold integral into a Pfaffian of two-dimensional ones:

  ∫_(x_1<…<x_p) det[φ_i(x_j)] dx = Pf(A),   A_ij = ∫∫_(x<y) (φ_i(x)φ_j(y) − φ_j(x)φ_i(y)) dx dy,

bordered for odd p by a last row and column a_i = ∫ φ_i (and 0 in the corner). Hence Z = c_(p,q)·√det A,
using Z > 0 and Pf² = det. The transpose of the model (N_in ↔ N_out, s_a ↔ s_b) has the same Z; the side
with the smaller p is used.

Moments, as in ``theory.two_layer``: given A, the law of B is Gaussian, and n·E[K | A] = Σ_j U(x_j),
n²·Var[K | A] = Σ_j (2/N_out)·U(x_j)² with U(x) = (N_out/2)·γx²/(1 + γx²). Replacing φ_i by φ_i·(1 + tU)
multiplies the integrand by Π_j (1 + tU(x_j)) and makes A(t) = A + tB + t²C (bilinear in the φ's); with
d log Pf = ½ tr(A⁻¹ dA),

  λ_eff = E_n[nK] = ½ tr(A⁻¹B),
  C(n) = Var_n[nK] = ½ tr(A⁻¹E) + tr(A⁻¹C) − ½ tr(A⁻¹BA⁻¹B),

where E comes from φ_i·(1 + tV), V = (1 + 2/N_out)·U², to first order (E_n[Σ_j V(x_j)] = ½ tr(A⁻¹E)); the
second derivative of Pf(A(t)) at t = 0 gives E_n[2Σ_(i<j) U(x_i)U(x_j)] = tr(A⁻¹C) − ½ tr(A⁻¹BA⁻¹B) + λ_eff².

Quadrature: A_ij = ∫ (φ_j Φ_i − φ_i Φ_j) with Φ_i(y) = ∫_0^y φ_i. Gauss–Legendre on panels in x: [0, x_s/2]
and geometric ones (ratio 2) from x_s/2 up to 1, x_s = γ^(−1/2) being the distance of g's poles ±i·x_s from
the real axis, then panels of width 1 until e^(−x²/2) has fallen below the working precision. The Φ_i at the
nodes come from the rule's cumulative weights (``theory.gauss_legendre``), with twice the nodes of the rule
for the digits asked, since cumulative integrals converge at half the rate.
"""

from __future__ import annotations

import mpmath

from theory.gauss_legendre import cumulative_weights, gauss_legendre, node_count
from theory.precision import with_precision_contract
from theory.thermodynamics import ThermoPoint

__all__ = ["zero_target_thermodynamics"]

GUARD_DIGITS = 5  # as in ``theory.two_layer``: the contract's runs keep ≥ 5 digits of margin over those compared


def _log_normaliser(p: int, q: int) -> mpmath.mpf:
    """log c_(p,q), the normalising constant of the ordered Wishart eigenvalues (module docstring)."""

    def log_multigamma(a: mpmath.mpf) -> mpmath.mpf:
        return p * (p - 1) / 4 * mpmath.log(mpmath.pi) + mpmath.fsum(mpmath.loggamma(a - mpmath.mpf(i) / 2) for i in range(p))

    half = mpmath.mpf(1) / 2
    return p * p / 2 * mpmath.log(mpmath.pi) - p * q / 2 * mpmath.log(2) - log_multigamma(q * half) - log_multigamma(p * half)


def _panels(gamma: mpmath.mpf, top_power: int, digits: int) -> list[mpmath.mpf]:
    """Breakpoints in x (module docstring): resolve g's scale x_s = γ^(−1/2), then e^(−x²/2)·x^top_power
    down to e^(−digits·log 10 − 10) of its peak."""
    points = [mpmath.mpf(0)]
    x = 1 / (2 * mpmath.sqrt(gamma))
    while x < 1:
        points.append(x)
        x *= 2
    end, bound = 1, digits * mpmath.log(10) + 10
    peak = top_power / 2 * (mpmath.log(top_power) - 1) if top_power else 0  # max of m log x − x²/2
    while top_power * mpmath.log(end) - mpmath.mpf(end) ** 2 / 2 > peak - bound or end * end < top_power:
        end += 1
    points += [mpmath.mpf(k) for k in range(max(1, int(points[-1]) + 1), end + 1)]
    return points


def _thermodynamics(p: int, q: int, n_out: int, gamma: mpmath.mpf, refine: bool, dps: int) -> tuple[mpmath.mpf, ...]:
    """(F, λ_eff, C) at the current working precision for the Wishart spectrum W_p(q) and N_out outputs,
    γ = n·s_a·s_b (module docstring); ``dps`` (the digits to be guaranteed) sets the rule, ``refine`` takes the
    precision contract's second rule."""
    count = 2 * node_count(dps, refine)
    prec = mpmath.mp.prec
    rule, cumulative = gauss_legendre(count, prec), cumulative_weights(count, prec)
    points = _panels(gamma, q - p + 4 * p, mpmath.mp.dps)
    half_out, exponent_g = mpmath.mpf(n_out) / 2, -mpmath.mpf(n_out) / 2
    squared = 1 + 2 / mpmath.mpf(n_out)
    size = p + p % 2
    zeros = lambda: [[mpmath.mpf(0)] * size for _ in range(size)]  # noqa: E731
    a, b, c, e = zeros(), zeros(), zeros(), zeros()
    # running Φ for the three families φ_i, U·φ_i, V·φ_i
    offsets = [[mpmath.mpf(0)] * p for _ in range(3)]
    for left, right in zip(points, points[1:]):
        half = (right - left) / 2
        xs = [left + half * (1 + t) for t, _ in rule]
        weights = [half * w for _, w in rule]
        families = [[], [], []]  # per node: [φ_0 … φ_(p−1)] times 1, U, V
        for x in xs:
            x2 = x * x
            d = 1 + gamma * x2
            base = 2 * x ** (q - p) * mpmath.exp(-x2 / 2) * d**exponent_g
            u = half_out * gamma * x2 / d
            powers = [base]
            for _ in range(p - 1):
                powers.append(powers[-1] * x2)
            families[0].append(powers)
            families[1].append([u * f for f in powers])
            families[2].append([squared * u * u * f for f in powers])
        # Φ at the nodes: the offset from earlier panels plus the within-panel cumulative integral
        running = [
            [[offsets[k][i] + half * mpmath.fdot(row, (values[i] for values in families[k])) for i in range(p)] for row in cumulative]
            for k in range(3)
        ]
        for k in range(3):
            for i in range(p):
                offsets[k][i] += mpmath.fdot(weights, (values[i] for values in families[k]))
        for node, weight in enumerate(weights):
            f0, f1, f2 = (families[k][node] for k in range(3))
            g0, g1, g2 = (running[k][node] for k in range(3))
            for i in range(p):
                for j in range(i + 1, p):
                    a[i][j] += weight * (f0[j] * g0[i] - f0[i] * g0[j])
                    b[i][j] += weight * (f0[j] * g1[i] - f1[i] * g0[j] + f1[j] * g0[i] - f0[i] * g1[j])
                    c[i][j] += weight * (f1[j] * g1[i] - f1[i] * g1[j])
                    e[i][j] += weight * (f0[j] * g2[i] - f2[i] * g0[j] + f2[j] * g0[i] - f0[i] * g2[j])
    if p % 2:  # the border: a_i = ∫ φ_i, and its t-derivatives
        for i in range(p):
            a[i][p], b[i][p], e[i][p] = offsets[0][i], offsets[1][i], offsets[2][i]
    # scaled by the masses m_i = ∫ φ_i on both sides (|A_ij|/(m_i m_j) ≤ 1): entries span hundreds of orders of
    # magnitude at large n, and mpmath's LU takes pivots that small against the norm for zeros; det and the
    # traces below are invariant under the scaling up to the factor Π m_i² of the determinant
    masses = offsets[0] + [mpmath.mpf(1)] * (size - p)
    for matrix in (a, b, c, e):
        for i in range(size):
            for j in range(i + 1, size):
                matrix[i][j] /= masses[i] * masses[j]
                matrix[j][i] = -matrix[i][j]
    a, b, c, e = (mpmath.matrix(m) for m in (a, b, c, e))
    determinant = mpmath.det(a)
    if not determinant > 0:
        raise ArithmeticError(f"the Pfaffian's determinant is {determinant}, not positive: working precision exhausted")
    inverse = a**-1
    xb = inverse * b
    trace = lambda m: mpmath.fsum(m[i, i] for i in range(size))  # noqa: E731
    lam = trace(xb) / 2
    heat = trace(inverse * e) / 2 + trace(inverse * c) - trace(xb * xb) / 2
    free_energy = -_log_normaliser(p, q) - mpmath.log(determinant) / 2 - mpmath.fsum(mpmath.log(m) for m in masses)
    return free_energy, lam, heat


def zero_target_thermodynamics(
    size: mpmath.mpf, inputs: int, hidden: int, outputs: int, s_a: mpmath.mpf, s_b: mpmath.mpf, dps: int, shown: object
) -> ThermoPoint:
    """F(n), λ_eff(n) and C(n) at n = ``size`` for the zero target, any sizes, under the precision contract.

    Of the model and its transpose, the side whose Wishart spectrum is shorter, p = min(H, N_in) or
    min(H, N_out), carries the Pfaffian. Working digits grow by p (the monomial basis x^(2i) loses about a
    digit per row: measured up to p = 12) and, for γ = n·s_a·s_b < 1, by log10(1/γ) (F ≈ n·E[K] is then small
    and log det cancels that many digits)."""
    p, q, n_out = min(hidden, inputs), max(hidden, inputs), outputs
    if min(hidden, outputs) < p:
        p, q, n_out = min(hidden, outputs), max(hidden, outputs), inputs

    def compute(refine: bool) -> tuple[mpmath.mpf, ...]:
        return _thermodynamics(p, q, n_out, mpmath.mpf(size) * s_a * s_b, refine, dps)

    gamma = size * s_a * s_b
    extra = p + max(0, int(-mpmath.log10(gamma)) + 1)
    values, digits = with_precision_contract(compute, dps, f"two-layer model at n = {shown}", guard=GUARD_DIGITS, extra=extra)
    return ThermoPoint(mpmath.mpf(size), *values, digits)
