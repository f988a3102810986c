"""Exact finite-n thermodynamics of the two-layer linear model with a target of rank ≤ 1, at any sizes: Pfaffians.

Model as in ``theory.two_layer`` (docs/theory/two-layer.md), first with M = 0. Integrating B out,

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
nodes come from the rule's cumulative weights (``theory.quadrature.gauss_legendre``), with twice the nodes of the rule
for the digits asked, since cumulative integrals converge at half the rate; these O(count²) sums per panel run
as integer (fixed-point) dot products.

A rank-one target M = s·u·vᵀ (v on the N_in side; N = N_in): with θ = Uᵀv uniform on S^(N−1) (U the
eigenvectors of AᵀA), (n/2)·tr(M(I + n s_b AᵀA)⁻¹Mᵀ) = β(1 − Σ_(j≤p) e_j θ_j²), β = n s²/2, e_j = γl_j/(1 + γl_j),
and the sphere average is the Bingham function of ``theory.special.bingham``,
  E_θ[e^(βΣ_j e_j θ_j²)] = Γ(N/2)·e^β·L⁻¹[w ↦ (β + w)^(−(N−p)/2) Π_j (w + β/D_j)^(−1/2)](1),   D_j = 1 + γl_j,
whose integrand is again a product over the eigenvalues. So Z = Γ(N/2)·Σ_k Re[c_k·(β + w_k)^(−(N−p)/2)·
c_(p,q) Pf A(w_k)] over the fixed-Talbot nodes w_k and weights c_k (``theory.special.bingham.talbot_rule``), with
φ_i(x)·(w + β/D(x))^(−1/2) in the Pfaffian. For the moments, n·E[K | A] = Q + Σ_j (U_j + β θ_j²/D_j²) with
Q = β Σ_(k>p) θ_k² over the N − p null directions, and n²·Var[K | A] = Σ_j (V_j + 2βγl_j θ_j²/D_j³); under
the contour θ_j² ↦ r_j = ½(w + β/D_j)^(−1), θ_j⁴ ↦ 3r_j², products of different θ² to products of r's, and a
null θ_k² ↦ r_0 = ½(β + w)^(−1) (each a derivative of the Bingham integrand in its λ). These marks enter
the Pfaffian's derivatives as U and V did; the moments are taken about the null part Q, which keeps them
O(λ) where β ≫ 1 (written about β they would cancel 2·log10 β digits in C).

The volume function V(ε) = P(K < ε) has Laplace transform ∫ e^(−nε) dV(ε) = Z(n), so V = L⁻¹[Z(n)/n] and
V' = L⁻¹[Z(n)]. Z continues analytically to complex n off the negative axis (for such n, 1 + γx² ≠ 0 on x ≥ 0
and g takes the principal branch), which is what Talbot's contour needs: mpmath's fixed Talbot rule (Abate &
Valkó 2004) evaluates the same Pfaffian at complex n, Pf itself (by elimination) rather than √det, whose
branch would be ambiguous. Near the negative axis g's branch point ±i·γ^(−1/2) approaches the real x-axis and
the panels are graded towards it.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable

import mpmath
from mpmath.libmp import to_fixed

from theory.precision import with_precision_contract
from theory.quadrature.gauss_legendre import cumulative_weights, gauss_legendre, node_count
from theory.quadrature.talbot import talbot_rule
from theory.thermodynamics import ThermoPoint, VolumePoint

__all__ = ["pfaffian_thermodynamics", "zero_target_volume"]

GUARD_DIGITS = 5  # as in ``theory.two_layer``: the contract's runs keep ≥ 5 digits of margin over those compared


def _log_normaliser(p: int, q: int) -> mpmath.mpf:
    """log c_(p,q), the normalising constant of the ordered Wishart eigenvalues (module docstring)."""

    def log_multigamma(a: mpmath.mpf) -> mpmath.mpf:
        return p * (p - 1) / 4 * mpmath.log(mpmath.pi) + mpmath.fsum(mpmath.loggamma(a - mpmath.mpf(i) / 2) for i in range(p))

    half = mpmath.mpf(1) / 2
    return p * p / 2 * mpmath.log(mpmath.pi) - p * q / 2 * mpmath.log(2) - log_multigamma(q * half) - log_multigamma(p * half)


def _panels(gamma: mpmath.mpf | mpmath.mpc, top_power: int, singular: list[mpmath.mpc]) -> list[mpmath.mpf]:
    """Breakpoints in x (module docstring): resolve g's scale x_s = |γ|^(−1/2), then e^(−x²/2)·x^top_power
    down to e^(−dps·log 10 − 10) of its peak at the working precision. A singular point x_b of the integrand (g's branch point
    i·γ^(−1/2) for complex γ, a Laplace variable's zero of w + β/D) can lie close to the real axis, at distance
    d from c = Re x_b: panels then shrink geometrically towards c, down to half-width d/4, so that x_b stays
    well outside every panel's Bernstein ellipse (parameter ≥ 4 + √17 ≈ 8.1 for the central panel)."""
    scale = 1 / mpmath.sqrt(abs(gamma))
    points = {mpmath.mpf(0)}
    x = scale / 2
    while x < 1:
        points.add(x)
        x *= 2
    for branch in singular:
        if abs(branch.imag) < abs(branch.real) / 2:
            centre, step = abs(branch.real), abs(branch.imag) / 4
            while step < centre / 2:
                points |= {centre - step, centre + step}
                step *= 2
    end, bound = 1, mpmath.mp.dps * mpmath.log(10) + 10
    peak = top_power / 2 * (mpmath.log(top_power) - 1) if top_power else 0  # max of m log x − x²/2
    while top_power * mpmath.log(end) - mpmath.mpf(end) ** 2 / 2 > peak - bound or end * end < top_power:
        end += 1
    points |= {mpmath.mpf(k) for k in range(max(1, int(max(points)) + 1), end + 1)}
    return sorted(points)


def _skew_matrices(
    p: int, q: int, gamma: mpmath.mpf | mpmath.mpc, singular: list[mpmath.mpc], count: int, factor: Callable,
    marks: Callable | None = None,
) -> tuple[list, ...]:  # fmt: skip
    """The bordered skew matrices of the module docstring for φ_i(x) = x^(2i)·2x^(q−p)e^(−x²/2)·factor(x²),
    scaled by |∫ φ_i|: A alone (``marks`` None), or A, B, C, E for marks(x²) = (σ, ω), the first- and
    second-order weights (U and V + U² for the zero target); and Σ log |∫ φ_i|. The panels are those of
    :func:`_panels` for γ and the integrand's ``singular`` points, with ``count`` nodes each (:func:`_rule_size`).

    S(f, h) = ∫ (h·F − f·H), F and H the running integrals, so that A = S(φ, φ), B = S(σφ, φ) + S(φ, σφ),
    C = S(σφ, σφ), E = S(ωφ, φ) + S(φ, ωφ); the border holds ∫ φ_i, ∫ σφ_i, 0 and ∫ ωφ_i."""
    prec = mpmath.mp.prec
    rule, rows = gauss_legendre(count, prec), _fixed_point_rows(count, prec)
    families = 1 if marks is None else 3
    size = p + p % 2
    pairs = [((0, 0),)] if families == 1 else [((0, 0),), ((1, 0), (0, 1)), ((1, 1),), ((2, 0), (0, 2))]
    matrices = [[[mpmath.mpf(0)] * size for _ in range(size)] for _ in pairs]
    masses = [[mpmath.mpf(0)] * p for _ in range(families)]  # ∫ φ_i times 1, σ, ω so far
    points = _panels(gamma, q + 3 * p, singular)  # beyond the top power x^(q+p−2) of the φ_i, with room for the marks
    for left, right in zip(points, points[1:]):
        half = (right - left) / 2
        weights = [half * w for _, w in rule]
        columns = [[[] for _ in range(p)] for _ in range(families)]  # columns[k][i]: φ_i times 1, σ, ω at the nodes
        for t, _ in rule:
            x = left + half * (1 + t)
            x2 = x * x
            value = 2 * x ** (q - p) * mpmath.exp(-x2 / 2) * factor(x2)
            factors = (1,) if marks is None else (1, *marks(x2))
            for i in range(p):
                for k, mark in enumerate(factors):
                    columns[k][i].append(value * mark)
                value *= x2
        running = [  # Φ at the nodes: the mass of earlier panels plus the within-panel cumulative integral
            [[masses[k][i] + half * c for c in _cumulative(columns[k][i], rows, prec)] for i in range(p)] for k in range(families)
        ]
        weighted = [[[w * v for w, v in zip(weights, column)] for column in family] for family in columns]
        for k in range(families):
            for i in range(p):
                masses[k][i] += mpmath.fsum(weighted[k][i])
        for matrix, terms in zip(matrices, pairs):
            for i in range(p):
                for j in range(i + 1, p):
                    for k, l in terms:  # ∫ (f_l,j·F_k,i − f_k,i·F_l,j) over the panel
                        matrix[i][j] += mpmath.fdot(weighted[l][j], running[k][i]) - mpmath.fdot(weighted[k][i], running[l][j])
    if p % 2:
        for matrix, border in zip(matrices, [0, 1, None, 2][: len(matrices)]):
            for i in range(p):
                matrix[i][p] = masses[border][i] if border is not None else mpmath.mpf(0)
    # scaled by |∫ φ_i| on both sides: entries span hundreds of orders of magnitude at large n, and pivots that
    # small against the norm would be taken for zeros; Pfaffians and the traces below are invariant under the
    # scaling up to the factor Π |∫ φ_i| of the Pfaffian
    scales = [abs(m) for m in masses[0]] + [mpmath.mpf(1)] * (size - p)
    for matrix in matrices:
        for i in range(size):
            for j in range(i + 1, size):
                matrix[i][j] /= scales[i] * scales[j]
                matrix[j][i] = -matrix[i][j]
    return (*matrices, mpmath.fsum(mpmath.log(m) for m in scales))


def _rule_size(dps: int, refine: bool) -> int:
    """Nodes per panel: twice ``theory.quadrature.gauss_legendre.node_count`` for ``dps`` guaranteed digits, since the
    running integrals (interpolation at the nodes) converge at half the rate of the rule itself."""
    return 2 * node_count(dps, refine)


@functools.lru_cache(maxsize=8)
def _fixed_point_rows(count: int, prec: int) -> tuple[tuple[int, ...], ...]:
    """``theory.quadrature.gauss_legendre.cumulative_weights`` as integers scaled by 2^prec."""
    return tuple(tuple(to_fixed(s._mpf_, prec) for s in row) for row in cumulative_weights(count, prec))


def _cumulative(values: list, rows: tuple[tuple[int, ...], ...], prec: int) -> list:
    """Σ_j S[k][j]·values[j] for every row k of the cumulative weights, in fixed point relative to max |values|
    (the absolute accuracy a quadrature on the panel has anyway): integer dot products, ~30 times faster than
    mpmath's on these O(count²) sums, which dominate a point."""
    scale = max(abs(v) for v in values)
    if scale == 0:
        return [mpmath.mpf(0)] * len(rows)
    parts = [[v.real for v in values], [v.imag for v in values]] if any(isinstance(v, mpmath.mpc) for v in values) else [values]
    sums = []
    for part in parts:
        fixed = [to_fixed((v / scale)._mpf_, prec) for v in part]
        sums.append([mpmath.mpf((sum(map(operator.mul, row, fixed)), -2 * prec)) * scale for row in rows])
    return sums[0] if len(sums) == 1 else [mpmath.mpc(a, b) for a, b in zip(*sums)]


def _pfaffian(matrix: list) -> mpmath.mpf | mpmath.mpc:
    """Pf of a skew-symmetric matrix of even size by elimination with pivoting (the Schur complement of each
    leading 2×2 block [[0, a], [−a, 0]]: Pf A = a·Pf(A₂₂ − A₂₁A₁₁⁻¹A₁₂); swapping two indices flips the sign)."""
    a = [[mpmath.mpmathify(v) for v in row] for row in matrix]
    size, value = len(a), mpmath.mpf(1)
    for k in range(0, size, 2):
        pivot = max(range(k + 1, size), key=lambda j: abs(a[k][j]))
        if pivot != k + 1:
            for row in a:
                row[k + 1], row[pivot] = row[pivot], row[k + 1]
            a[k + 1], a[pivot] = a[pivot], a[k + 1]
            value = -value
        top = a[k][k + 1]
        if top == 0:
            return mpmath.mpf(0)
        value *= top
        for i in range(k + 2, size):
            for j in range(k + 2, size):
                a[i][j] -= (a[i][k + 1] * a[k][j] - a[i][k] * a[k + 1][j]) / top
    return value


def _log_z(p: int, q: int, n_out: int, gamma: mpmath.mpf | mpmath.mpc, count: int) -> mpmath.mpf | mpmath.mpc:
    """log Z at γ, real or complex (off the negative axis): log c_(p,q) + log Pf(A) + Σ log |∫ φ_i|."""
    singular = [1j / mpmath.sqrt(gamma)] if isinstance(gamma, mpmath.mpc) else []
    a, log_scales = _skew_matrices(p, q, gamma, singular, count, lambda x2: (1 + gamma * x2) ** (-mpmath.mpf(n_out) / 2))
    pfaffian = _pfaffian(a)
    if pfaffian == 0:
        raise ArithmeticError("the Pfaffian vanished: working precision exhausted")
    return _log_normaliser(p, q) + mpmath.log(pfaffian) + log_scales


def _thermodynamics(p: int, q: int, n_out: int, gamma: mpmath.mpf, refine: bool, dps: int) -> tuple[mpmath.mpf, ...]:
    """(F, λ_eff, C) at the current working precision for the Wishart spectrum W_p(q) and N_out outputs,
    γ = n·s_a·s_b (module docstring); ``dps`` (the digits to be guaranteed) sets the rule, ``refine`` takes the
    precision contract's second rule."""
    half_out, squared = mpmath.mpf(n_out) / 2, 1 + 2 / mpmath.mpf(n_out)

    def marks(x2: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:  # U = (N_out/2)·γx²/D, and V + U² = (1 + 2/N_out)·U²
        u = half_out * gamma * x2 / (1 + gamma * x2)
        return u, squared * u * u

    factor = lambda x2: (1 + gamma * x2) ** (-half_out)  # noqa: E731
    a, b, c, e, log_scales = _skew_matrices(p, q, gamma, [], _rule_size(dps, refine), factor, marks)
    pfaffian, first, second = _pfaffian_moments(a, b, c, e)
    if not pfaffian > 0:
        raise ArithmeticError(f"the Pfaffian is {pfaffian}, not positive: working precision exhausted")
    return -_log_normaliser(p, q) - mpmath.log(pfaffian) - log_scales, first, second - first * first


def _pfaffian_moments(a: list, b: list, c: list, e: list) -> tuple[mpmath.mpf | mpmath.mpc, ...]:
    """(Pf A, m_1, m_2) for the family A(t) = A + tB + t²C (and E, first order only; module docstring):
    m_1 = ½ tr(A⁻¹B) = E[Σ_j σ_j], m_2 = ½ tr(A⁻¹E) + tr(A⁻¹C) − ½ tr(A⁻¹BA⁻¹B) + m_1² = E[(Σ_j σ_j)² + …]
    relative to Pf A (for the zero target: λ_eff = m_1 and C = m_2 − m_1²)."""
    inverse = mpmath.matrix(a) ** -1
    xb = inverse * mpmath.matrix(b)
    trace = lambda m: mpmath.fsum(m[i, i] for i in range(m.rows))  # noqa: E731
    first = trace(xb) / 2
    second = trace(inverse * mpmath.matrix(e)) / 2 + trace(inverse * mpmath.matrix(c)) - trace(xb * xb) / 2 + first * first
    return _pfaffian(a), first, second


def _rank_one_thermodynamics(
    p: int, q: int, n_in: int, n_out: int, gamma: mpmath.mpf, beta: mpmath.mpf, refine: bool, dps: int
) -> tuple[mpmath.mpf, ...]:
    """(F, λ_eff, C) for a rank-one target s·u·vᵀ (v on the N_in side), β = n·s²/2 (module docstring): Talbot's
    rule for the Bingham average over θ = Uᵀv, a Pfaffian with marks at each of its nodes w."""
    rule = talbot_rule(mpmath.mp.dps)
    count = _rule_size(dps, refine)
    half_out, two_over = mpmath.mpf(n_out) / 2, 2 / mpmath.mpf(n_out)
    null_power = -mpmath.mpf(n_in - p) / 2
    totals = [mpmath.mpf(0)] * 3
    with mpmath.workdps(rule.dps_goal):
        for w, weight in zip(rule.nodes, rule.weights):

            def factor(x2: mpmath.mpf, w: mpmath.mpc = w) -> mpmath.mpc:  # D^(−N_out/2)·(w + β/D)^(−1/2)
                d = 1 + gamma * x2
                return d ** (-half_out) / mpmath.sqrt(w + beta / d)

            def marks(x2: mpmath.mpf, w: mpmath.mpc = w) -> tuple[mpmath.mpc, mpmath.mpc]:
                d = 1 + gamma * x2
                u, r = half_out * gamma * x2 / d, 1 / (2 * (w + beta / d))  # θ_j² ↦ r, θ_j⁴ ↦ 3r²
                shrunk = beta * r / (d * d)
                sigma = u + shrunk
                omega = (1 + two_over) * u * u + 2 * u * shrunk + 3 * shrunk * shrunk + 2 * beta * gamma * x2 * r / d**3
                return sigma, omega

            root = mpmath.sqrt((-beta / w - 1) / gamma)  # where w + β/D(x) = 0
            a, b, c, e, log_scales = _skew_matrices(p, q, gamma, [root if root.real >= 0 else -root], count, factor, marks)
            pfaffian, first, second = _pfaffian_moments(a, b, c, e)
            f = weight * (beta + w) ** null_power * pfaffian * mpmath.exp(log_scales)
            null = beta * (n_in - p) / (2 * (beta + w))  # Q = β Σ_(k>p) θ_k² over the null directions ↦ β(N − p)·r_0
            first, second = null + first, null * null * (n_in - p + 2) / (n_in - p or 1) + 2 * null * first + second
            totals = [totals[0] + f.real, totals[1] + (f * first).real, totals[2] + (f * second).real]
        z = mpmath.gamma(mpmath.mpf(n_in) / 2) * mpmath.exp(_log_normaliser(p, q)) * totals[0]
        if not z > 0:
            raise ArithmeticError(f"the partition function came out as {z}: working precision exhausted")
        mean = totals[1] / totals[0]
        return -mpmath.log(z), mean, totals[2] / totals[0] - mean * mean


def _shorter_side(inputs: int, hidden: int, outputs: int) -> tuple[int, int, int, int]:
    """(p, q, N_in, N_out) for the model or its transpose, whichever has the shorter Wishart spectrum
    p = min(H, N_in) (the model itself on a tie)."""
    if min(hidden, outputs) < min(hidden, inputs):
        inputs, outputs = outputs, inputs
    return min(hidden, inputs), max(hidden, inputs), inputs, outputs


def pfaffian_thermodynamics(
    size: mpmath.mpf, singular_value: mpmath.mpf, inputs: int, hidden: int, outputs: int, s_a: mpmath.mpf, s_b: mpmath.mpf,
    dps: int, shown: object,
) -> ThermoPoint:  # fmt: skip
    """F(n), λ_eff(n) and C(n) at n = ``size`` for a target of rank ≤ 1 (``singular_value`` s ≥ 0), any sizes,
    under the precision contract.

    Of the model and its transpose, the side whose Wishart spectrum is shorter, p = min(H, N_in) or
    min(H, N_out), carries the Pfaffian. Working digits grow by p (the monomial basis x^(2i) loses about a
    digit per row: measured up to p = 12) and, for γ = n·s_a·s_b < 1, by log10(1/γ) (F ≈ n·E[K] is then small
    and log Pf cancels that many digits)."""
    p, q, n_in, n_out = _shorter_side(inputs, hidden, outputs)

    def compute(refine: bool) -> tuple[mpmath.mpf, ...]:
        n = mpmath.mpf(size)
        gamma = n * s_a * s_b
        if singular_value == 0:
            return _thermodynamics(p, q, n_out, gamma, refine, dps)
        return _rank_one_thermodynamics(p, q, n_in, n_out, gamma, n * mpmath.mpf(singular_value) ** 2 / 2, refine, dps)

    gamma = size * s_a * s_b
    extra = p + max(0, int(-mpmath.log10(gamma)) + 1)
    values, digits = with_precision_contract(compute, dps, f"two-layer model at n = {shown}", guard=GUARD_DIGITS, extra=extra)
    return ThermoPoint(mpmath.mpf(size), *values, digits)


def _volume(p: int, q: int, n_out: int, tau: mpmath.mpf, refine: bool, dps: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(V, τ·V'(τ)/V) at τ = ε/(s_a s_b) by inverting the Laplace transforms Z(γ)/γ of V and Z(γ) of V'
    (mpmath's fixed Talbot rule, which raises the working precision itself, to ~1.7× the current digits);
    ``dps`` (the digits to be guaranteed) sets the Gauss rule, ``refine`` the contract's second one."""
    count = _rule_size(dps, refine)
    memo: dict = {}

    def z(gamma):
        if gamma not in memo:  # both inversions evaluate Z at the same nodes
            memo[gamma] = mpmath.exp(_log_z(p, q, n_out, gamma, count))
        return memo[gamma]

    volume = mpmath.invertlaplace(lambda g: z(g) / g, tau, method="talbot")
    density = mpmath.invertlaplace(z, tau, method="talbot")
    return volume, tau * density / volume


def zero_target_volume(
    eps: mpmath.mpf, inputs: int, hidden: int, outputs: int, s_a: mpmath.mpf, s_b: mpmath.mpf, dps: int
) -> VolumePoint:
    """V(ε) = prior mass of {K < ε} and d log V/d log ε for the zero target, any sizes, under the precision
    contract: V and V' are the inverse Laplace transforms of Z(n)/n and Z(n), Z = E[e^(−nK)] being the Pfaffian
    above at complex n (g's principal branch: Z continues analytically off the negative axis, as Talbot's
    contour needs; Abate & Valkó 2004). With τ = ε/(s_a s_b) and γ = n·s_a·s_b, V depends on τ alone."""
    p, q, _, n_out = _shorter_side(inputs, hidden, outputs)

    def compute(refine: bool) -> tuple[mpmath.mpf, ...]:
        return _volume(p, q, n_out, mpmath.mpf(eps) / (s_a * s_b), refine, dps)

    values, digits = with_precision_contract(compute, dps, f"V(ε) of the two-layer model at ε = {mpmath.nstr(eps, 8)}", guard=GUARD_DIGITS, extra=p)
    return VolumePoint(mpmath.mpf(eps), *values, digits)
