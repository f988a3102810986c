"""Exact finite-n thermodynamics of the two-layer linear model with one hidden unit, or one input (output);
targets of rank ≤ 1 with H ≥ 2 and both sides ≥ 2 go through ``theory.two_layer.pfaffian``, and two inputs
(outputs) with H ≥ 2 and a rank-2 target through ``theory.two_layer.wishart``.

Model (docs/theory/two-layer.md): K(A, B) = ½‖B·A − M‖_F² with A: H×N_in ~ N(0, s_a) and B: N_out×H ~ N(0, s_b)
entrywise, M = N_out×N_in with singular values s_1, s_2, …. Integrating B out exactly,

  Z(n) = E_A[ det(I + n s_b AᵀA)^(−N_out/2) · exp(−(n/2)·tr(M (I + n s_b AᵀA)^(−1) Mᵀ)) ].

For H = 1 write A = aᵀ, a = r·θ with r² ~ s_a·χ²_{N_in} and θ uniform on the sphere. With c = n·s_b,
D = 1 + c r² and u = θᵀMᵀMθ, the integrand is D^(−N_out/2)·exp(−(n/2)‖M‖² + β u), β = n c r²/(2D), so Z is a
one-dimensional integral over r of the angular (Bingham) average E_θ[e^(βu)] = 1F1(½; N_in/2; βs²) for one
non-zero singular value (Kummer's function), e^(βσ)·I0(βδ) for two with N_in = 2 (σ, δ = (s_1² ± s_2²)/2), and
a one-dimensional contour integral (``theory.special.bingham``) for any other sizes and singular values.

The moments of K come from the Gaussian conditional law of B given A (rows b_i ~ N(nΣ(Ma)_i, Σ),
Σ = s_b/D): with Q = ‖Ma‖² = r²u,
  E[K | a] = ½[‖M‖² − c(1 + D)Q/D² + N_out s_b r²/D],   Var[K | a] = ½ N_out s_b² r⁴/D² + s_b Q/D³,
which are linear in u, so E_θ[e^(βu) u^j] for j = 0, 1, 2 (derivatives of the Bingham function in β) give
I_0, I_1, I_2 exactly.

Any hidden size H with N_in = 1: A is a column a ∈ R^H and M a column of norm s; B enters K only through
v = B·a ~ N(0, s_b‖a‖² I), so the model is the H = 1 model with r² = ‖a‖² ~ s_a·χ²_H and u = s². (The
conditional moments above hold for any H with W = AᵀA in place of r²: E[K|A] = ½[Σ_j w_j/(1 + cλ_j)² +
N_out s_b Σ_j λ_j/(1 + cλ_j)], λ_j the eigenvalues of W, w_j the diagonal of MᵀM in its eigenbasis.)

Transposition (A ↔ Bᵀ, N_in ↔ N_out, s_a ↔ s_b) leaves Z unchanged and is used to
reach the closed forms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import mpmath

from theory.precision import input_precision, refined, with_precision_contract
from theory.special.bingham import bingham_moments
from theory.thermodynamics import ThermoPoint, thermo_from_moments
from theory.two_layer.pfaffian import pfaffian_thermodynamics
from theory.two_layer.wishart import bessel_i012, wishart_moments
from theory.validation import positive_int, prior_pair, real_number

__all__ = ["two_layer_thermodynamics"]


def _angular_moments(beta: mpmath.mpf, squares: Sequence[mpmath.mpf], dim: int) -> tuple[mpmath.mpf, ...]:
    """(g, m_0, m_1, m_2) with E_θ[e^(βu) u^j] = e^g·m_j, j = 0, 1, 2, for u = Σ_i s_i² θ_i², θ uniform on
    S^(dim−1): closed forms for one non-zero s_i² or two with dim = 2, ``theory.special.bingham`` otherwise. The
    exponential factor e^g is returned as its exponent so that the caller folds it into its own exponential
    (one exp per evaluation instead of two)."""
    zero = mpmath.mpf(0)
    if not squares:
        return zero, mpmath.mpf(1), zero, zero
    if len(squares) == 1 and dim == 1:  # u = s² exactly
        (s2,) = squares
        return beta * s2, mpmath.mpf(1), s2, s2 * s2
    if len(squares) == 1 and dim == 2:  # u = s² cos²φ = σ + δ cos 2φ with σ = δ = s²/2: the Bessel form below
        squares = [squares[0], mpmath.mpf(0)]
    elif len(squares) == 1:
        (s2,) = squares
        half, h = mpmath.mpf(1) / 2, mpmath.mpf(dim) / 2
        moments = (s2**j * mpmath.rf(half, j) / mpmath.rf(h, j) * mpmath.hyp1f1(half + j, h + j, beta * s2) for j in range(3))
        return (zero, *moments)
    if dim != 2 or len(squares) > 2:  # the general Bingham average: a 1-D contour integral
        return bingham_moments(beta, squares, dim)
    high, low = max(squares), min(squares)
    sigma, delta = (high + low) / 2, (high - low) / 2  # δ ≥ 0: the scaled Bessel functions take x ≥ 0
    x = beta * delta  # u = σ + δ cos 2φ, φ uniform
    i0, i1, i2 = bessel_i012(x)  # scaled by e^(−x): the exponent g takes it back
    return beta * sigma + x, i0, sigma * i0 + delta * i1, sigma**2 * i0 + 2 * sigma * delta * i1 + delta**2 * (i0 + i2) / 2


PIECE_DYNAMIC_RANGE = 120  # a quadrature piece spans at most e^120 of the integrand: tanh–sinh resolves smooth
# pieces of that range at no extra degree, and fewer pieces is what makes a point fast (10 made 3× as many)


def _scan(log_f, low: mpmath.mpf, high: mpmath.mpf, digits: int, cut: mpmath.mpf) -> tuple[set[mpmath.mpf], mpmath.mpf]:
    """Breakpoints that keep every piece gentle for tanh-sinh, and the maximum of log f.

    Scan log f on a log-spaced grid over [low, high] and cut wherever it has changed by PIECE_DYNAMIC_RANGE
    since the last cut, inside the region where f is within e^(−cut) of its maximum (plus the maximiser). The scan only
    places cuts and a scale, so it runs at low precision; ``digits`` must still exceed the digits that
    cancel inside log f (≈ log10 n)."""
    with mpmath.workdps(digits):
        grid = [low * (high / low) ** (mpmath.mpf(k) / 160) for k in range(161)]
        values = [log_f(r) for r in grid]
        top = max(values)
        cuts = {grid[values.index(top)]}
        last = None
        for r, value in zip(grid, values):
            if value < top - cut:
                continue
            if last is None or abs(value - last) >= PIECE_DYNAMIC_RANGE:
                cuts.add(r)
                last = value
        return {+c for c in cuts}, +top


def _moments(n, squares, n_in, n_out, s_a, s_b, refine, radial_dof):
    """(log L, I_0/L, n·I_1/L, n²·I_2/L): the moment integrals scaled by L = the integrand's maximum (and by
    powers of n), because mpmath's quadrature stops on an absolute tolerance and would accept any answer for a
    tiny integral.
    r² ~ s_a·χ²_{radial_dof}: N_in for H = 1, H for N_in = 1 (the module docstring)."""
    c = n * s_b
    frob = sum(squares, mpmath.mpf(0))
    half_dim = mpmath.mpf(radial_dof) / 2
    normaliser = 2 / ((2 * s_a) ** half_dim * mpmath.gamma(half_dim))
    memo: dict[mpmath.mpf, tuple[mpmath.mpf, ...]] = {}
    log_scale = mpmath.mpf(0)

    # constants of the integrand, hoisted out of it (it runs ~10⁴ times per point)
    half_nc, half_frob, inv_2sa = n * c / 2, frob / 2, 1 / (2 * s_a)
    half_nout_sb, half_nout_sb2, half_c = n_out * s_b / 2, n_out * s_b**2 / 2, c / 2
    odd_out, half_out = n_out % 2, n_out // 2
    n2 = n * n

    def integrand(r: mpmath.mpf) -> tuple[mpmath.mpf, ...]:
        if r in memo:
            return memo[r]
        r2 = r * r
        D = 1 + c * r2
        inv_D = 1 / D
        r2_D = r2 * inv_D
        g, a0, a1, a2 = _angular_moments(half_nc * r2_D, squares, n_in)
        weight = normaliser * mpmath.exp(g - r2 * inv_2sa - n * half_frob - log_scale) * inv_D**half_out
        if odd_out:
            weight *= mpmath.sqrt(inv_D)  # D^(−N_out/2) without a fractional power
        if radial_dof > 1:
            weight *= r ** (radial_dof - 1)
        mean0, mean1 = half_frob + half_nout_sb * r2_D, -half_c * (1 + D) * r2_D * inv_D
        var0, var1 = half_nout_sb2 * r2_D * r2_D, s_b * r2_D * inv_D * inv_D
        values = (  # moments of nK rather than K: all three O(1), as the quadrature's absolute tolerance needs
            weight * a0,
            n * weight * (mean0 * a0 + mean1 * a1),
            n2 * weight * ((var0 + mean0 * mean0) * a0 + (var1 + 2 * mean0 * mean1) * a1 + mean1 * mean1 * a2),
        )
        memo[r] = values
        return values

    # the integrand changes character at r ~ (n s_b)^(−1/2) (D ≈ 1 below, D ≈ c r² above) and decays on the
    # prior's scale √s_a; for a non-zero target it also climbs steeply (by ~n s²) towards its maximum: split at
    # all of these, and let tanh-sinh resolve each gentle piece
    scale, spread = 1 / mpmath.sqrt(c), mpmath.sqrt(s_a)
    points = {scale / 8, scale * 8, spread * 8} | ({spread} if spread > 8 * scale else set())
    digits = 20 + int(mpmath.log10(n + 10))
    cut = 3 * mpmath.mp.dps + 30  # far beyond the digits kept: pieces below e^(−cut) of the peak do not matter
    cuts, log_scale = _scan(lambda r: mpmath.log(integrand(r)[0]), scale / 64, spread * 16, digits, cut)
    memo.clear()  # the scan ran unscaled and at low precision
    points = [mpmath.mpf(0), *sorted(points | cuts), mpmath.inf]
    if refine:
        points = refined(points)
    # a special function per node (Kummer, Bessel, Bingham) makes an evaluation expensive: then Gauss–Legendre
    # in log r, which needs ~3× fewer nodes on these power-law-like pieces, repays the ~0.1 s it takes mpmath
    # to generate its nodes at each new precision; with a trivial angular part tanh–sinh is faster overall
    expensive = len(squares) > 1 or (len(squares) == 1 and n_in > 1)
    return (log_scale, *(_integrate(lambda r, j=j: integrand(r)[j], points, expensive) for j in range(3)))


def _integrate(f, points: list[mpmath.mpf], log_gauss: bool) -> mpmath.mpf:
    """∫ f over consecutive points: tanh–sinh, or (``log_gauss``) Gauss–Legendre in t = log r on every finite
    piece away from 0 (∫ f(r) dr = ∫ f(e^t) e^t dt) and tanh–sinh on the first and last pieces."""
    if not log_gauss:
        return mpmath.quad(f, points)
    total = mpmath.mpf(0)
    for a, b in zip(points, points[1:]):
        if a > 0 and mpmath.isfinite(b):
            total += mpmath.quad(lambda t: f(mpmath.exp(t)) * mpmath.exp(t), [mpmath.log(a), mpmath.log(b)], method="gauss-legendre")
        else:
            total += mpmath.quad(f, [a, b])
    return total


GUARD_DIGITS = 5  # the contract's runs work at dps + 5 and dps + 10 digits (plus log10 n + 5 for the moments'
# cancellation), so both keep ≥ 5 digits of margin over the dps compared; 10 cost ~20% more time on the 1-D paths
# and far more on the 2-D Wishart integral


def _thermo_point(size: mpmath.mpf, moments, dps: int, shown: object) -> ThermoPoint:
    """The ThermoPoint at n = ``size`` under the precision contract, from ``moments(n, refine)`` =
    (log L, I_0/L, n·I_1/L, n²·I_2/L) of either path (``_moments`` or ``wishart_moments``)."""

    def compute(refine: bool) -> list[mpmath.mpf]:
        n = mpmath.mpf(size)
        log_scale, i0, i1, i2 = moments(n, refine)
        z, lam, heat = thermo_from_moments(n, i0, i1 / n, i2 / (n * n))
        return [-log_scale - mpmath.log(z), lam, heat]

    extra = int(mpmath.log10(size + 10)) + 5  # the moments cancel ~log10(n) digits at large n
    (free_energy, lam, heat), digits = with_precision_contract(compute, dps, f"two-layer model at n = {shown}", guard=GUARD_DIGITS, extra=extra)
    return ThermoPoint(mpmath.mpf(size), free_energy, lam, heat, digits)


def two_layer_thermodynamics(
    n: object,
    singular_values: Sequence[object],
    inputs: int,
    hidden: int,
    outputs: int,
    prior_var: object | tuple[object, object] = 1,
    dps: int = 30,
) -> ThermoPoint:
    """F(n), λ_eff(n) and C(n) of the two-layer linear model at ``dps`` significant digits (precision contract).

    Args:
        n: sample size (> 0; any real, e.g. ``"1e12"``).
        singular_values: the target's singular values (at most min(inputs, outputs); missing ones are 0).
        inputs, hidden, outputs: N_in, H, N_out. Exact evaluation covers hidden = 1 with any sizes and singular
            values (three or more non-zero ones through ``theory.special.bingham``); a target of rank ≤ 1 with any sizes
            (for H ≥ 2 and both sides ≥ 2 a Pfaffian, ``theory.two_layer.pfaffian``: about a second per point for
            the zero target, tens of seconds for rank one); and any target when inputs ≤ 2 or outputs ≤ 2 (with 2
            on the smaller side, H ≥ 2 and rank 2 a 2-D integral, ``theory.two_layer.wishart``, about a minute per
            point at 6–10 digits); other cases (rank ≥ 2, H ≥ 2, both sides ≥ 3) raise ``ValueError``.
        prior_var: s_a = s_b, or the pair (s_a, s_b), of the Gaussian priors on A and B.
        dps: significant digits to guarantee.
    """
    case = _validated(n, singular_values, inputs, hidden, outputs, prior_var, dps)
    return _regime(case)(case)


class _Case(NamedTuple):
    """The validated inputs of ``two_layer_thermodynamics`` (mpf at the input precision); ``shown`` is n as given."""

    size: mpmath.mpf
    shown: object
    inputs: int
    hidden: int
    outputs: int
    s_a: mpmath.mpf
    s_b: mpmath.mpf
    values: list[mpmath.mpf]
    dps: int

    @property
    def nonzero(self) -> list[mpmath.mpf]:
        return [s for s in self.values if s != 0]

    def transposed(self) -> _Case:
        """K is symmetric under transposing the model (inputs ↔ outputs, s_a ↔ s_b)."""
        return self._replace(inputs=self.outputs, outputs=self.inputs, s_a=self.s_b, s_b=self.s_a)


def _regime(case: _Case) -> Callable[[_Case], ThermoPoint]:
    """The case table of the docstring, one named function per regime."""
    side = min(case.inputs, case.outputs)
    if case.hidden > 1 and len(case.nonzero) <= 1 and side > 1:
        return pfaffian_regime
    if case.hidden > 1 and side == 2:
        return wishart_regime
    return radial_regime  # hidden = 1, or a side of 1


def _validated(n: object, singular_values: Sequence[object], inputs: int, hidden: int, outputs: int, prior_var: object, dps: int) -> _Case:
    n_in, h, n_out = positive_int(inputs, "inputs"), positive_int(hidden, "hidden"), positive_int(outputs, "outputs")
    with mpmath.workdps(input_precision(dps)):
        size = real_number(n, "n")
        s_a, s_b = prior_pair(prior_var)
        s_a, s_b = real_number(s_a, "prior variance s_a"), real_number(s_b, "prior variance s_b")
        if isinstance(singular_values, (str, bytes)) or len(singular_values) > min(n_in, n_out):
            raise ValueError(
                f"singular_values {singular_values!r} must be a list of at most min(inputs, outputs) = {min(n_in, n_out)} numbers"
            )
        if len(singular_values) == 0:
            raise ValueError("singular_values is empty: give the target's singular values (e.g. [0] for the zero target)")
        values = [real_number(s, f"singular_values[{i}]") for i, s in enumerate(singular_values)]
    if size == 0:
        raise ValueError(f"n must be positive, got {n!r}")
    if s_a == 0 or s_b == 0:
        raise ValueError(f"prior variances must be positive, got {prior_var!r}")
    rank = sum(1 for s in values if s != 0)
    if h > 1 and rank >= 2 and min(n_in, n_out) > 2:
        raise ValueError(
            f"hidden = {h} with inputs = {n_in}, outputs = {n_out} and a target of rank {rank}: exact "
            "evaluation with hidden > 1 covers targets of rank ≤ 1 at any sizes, and any target when inputs ≤ 2 "
            "or outputs ≤ 2; use the sampling layer (two_layer_gibbs) for the rest"
        )
    return _Case(size, n, n_in, h, n_out, s_a, s_b, values, dps)


def pfaffian_regime(case: _Case) -> ThermoPoint:
    """Hidden ≥ 2, a target of rank ≤ 1, both sides ≥ 2: Pfaffians of 2-D integrals (``theory.two_layer.pfaffian``)."""
    nonzero = case.nonzero
    return pfaffian_thermodynamics(case.size, nonzero[0] if nonzero else 0, case.inputs, case.hidden, case.outputs, case.s_a,
                                   case.s_b, case.dps, case.shown)  # fmt: skip


def wishart_regime(case: _Case) -> ThermoPoint:
    """Hidden ≥ 2, a side of 2 (the smaller, made the input side), any target: a 2-D integral over the 2×2 Wishart
    spectrum (``theory.two_layer.wishart``)."""
    if case.inputs > case.outputs:
        case = case.transposed()
    s1, s2 = (sorted(case.values, reverse=True) + [mpmath.mpf(0)] * 2)[:2]

    def moments(m: mpmath.mpf, refine: bool) -> tuple[mpmath.mpf, ...]:
        return wishart_moments(m, mpmath.mpf(s1), mpmath.mpf(s2), case.hidden, case.outputs, mpmath.mpf(case.s_a),
                               mpmath.mpf(case.s_b), refine)  # fmt: skip

    return _thermo_point(case.size, moments, case.dps, case.shown)


def radial_regime(case: _Case) -> ThermoPoint:
    """Hidden = 1 (any sizes and singular values) or a side of 1 (any hidden): a radial integral over ‖a‖ of the
    Bingham average (the module docstring); the smaller side is the input side where that helps (a side of 1 with
    hidden ≥ 2; the Bessel form when it is 2 with two or more non-zero values)."""
    if (case.hidden > 1 or len(case.nonzero) >= 2) and case.inputs > case.outputs:
        case = case.transposed()
    radial_dof = case.inputs * case.hidden  # one of the two is 1

    def moments(m: mpmath.mpf, refine: bool) -> tuple[mpmath.mpf, ...]:  # at the contract's working precision
        squares = [s * s for s in case.nonzero]
        return _moments(m, squares, case.inputs, case.outputs, mpmath.mpf(case.s_a), mpmath.mpf(case.s_b), refine, radial_dof)

    return _thermo_point(case.size, moments, case.dps, case.shown)
