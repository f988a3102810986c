"""The LoRA question: does any truncation of a power-law spectrum describe the Bayesian free energy of a low-rank
factorisation, at realistic width and n?

Model: W = B·A with A: r × d_in, B: d_out × r (r < min(d_in, d_out), the LoRA rank), Gaussian priors N(0, v) on every
entry, and K(A, B) = ½‖B·A − M‖²_F/σ² for a target M with singular values s_1 ≥ s_2 ≥ …. Rescaling A, B by 1/√σ shows
that (M, σ, v) is the model (M/σ, 1, v/σ): only the spectrum in noise units s_i/σ matters, and F, λ_eff, C are exact
functions of it (the posterior is invariant under the rotations that diagonalise M).

The truth is the curve n ↦ F(n) with its derivatives λ_eff(n) = dF/dlog n = n·E_n[K] and C(n) = n²·Var_n[K], from
exact-kernel Gibbs sampling (``numerics.gibbs_thermodynamics``) or, where ``theory.two_layer_thermodynamics``
covers the case, from the exact engine. Three readings are kept apart: F itself, λ_eff = n·E_n[K] (which carries
n·L0 when r < rank M, L0 = ½Σ_{i>r} s_i²/σ² by Eckart–Young), and the excess λ_eff − n·L0.

SLT's predictions come from truncating the spectrum (Aoyagi & Watanabe 2005 for the realizable cases; the regular
value around the best rank-r fit for the rest, ``theory.reduced_rank_for_target``): for i0 = 0, 1, …, rank M,
declare s_i = 0 for i > i0 and the rest well separated; then F_i0(n) = n·L0(i0) + λ(i0)·log n − (m(i0) − 1)·log log n
with L0(i0) = ½Σ_{r<i≤i0} s_i²/σ² and λ(i0) = λ_AW(d_in, d_out, r, min(i0, r)) — for i0 > r the regular
r(d_in + d_out − r)/2 with m = 1. Truncation i0 = rank M is the unrealizable model's own SLT value.

Verdict at tolerance δ: truncation i0 describes the truth to first order at n when
|λ_eff(n) − n·L0(i0) − λ(i0)| ≤ δ·λ(i0) (the derivative of F against that of F_i0, both carrying their own linear
term). Its windows are the runs of n where that holds, with boundaries interpolated in log n and intervals from
±2 standard errors (``proofs_checks.comparison.windows``); unhealthy points are left out, never averaged in.
The claim under test — no truncation holds over a decade of n in the grid — holds when no window spans a decade.
The local exponent of the excess, d log(λ_eff − n·L0)/d log n, is fitted per decade with a confidence interval
against SLT's 0 (a plateau). The visibility threshold of singular value i is the n where the posterior mean of the
product's diagonal in M's singular basis reaches half the target, E_n[(B·A)_ii] = s_i/2; its prefactor n_i·s_i²/σ²
says how much later than SLT's heuristic n ~ 1/s² a direction switches on (it grows with d: a high-dimension effect).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import sympy

import theory
from numerics.spectra import fit_power_law, load_matrix, power_law, singular_values
from proofs_checks.comparison import Boundary, Slope, Window, crossing, fit_slope, windows

DEFAULT_TOLERANCE = 0.10
MAX_WIDTH = 65_536
MAX_N = 1e12
EXACT_MAX_WIDTH = 16  # the exact engine (``theory.two_layer_thermodynamics``) takes 5–60 s per n up to here
METHODS = ("auto", "exact", "gibbs")
SWITCH_ON = 0.5  # a direction is "on" once E_n[(B·A)_ii] ≥ s_i/2
Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoraModel:
    """The d_in × r × d_out linear model of the module docstring with a target spectrum (user units) and noise σ."""

    inputs: int
    outputs: int
    hidden: int
    singular_values: tuple[float, ...]  # largest first, at most min(inputs, outputs)
    noise: float = 1.0
    prior_var: float = 1.0
    source: dict[str, Any] = field(default_factory=lambda: {"kind": "singular values"})

    def __post_init__(self) -> None:
        for value, name in [(self.inputs, "inputs"), (self.outputs, "outputs"), (self.hidden, "hidden")]:
            _check_width(value, name)
        width = min(self.inputs, self.outputs)
        if self.hidden >= width:
            raise ValueError(
                f"hidden = {self.hidden} must be below min(inputs, outputs) = {width}: with r ≥ d the factorisation "
                "represents every target and there is no low-rank question"
            )
        values = np.asarray(self.singular_values, dtype=float)
        if values.ndim != 1 or not 1 <= len(values) <= width:
            raise ValueError(f"give from 1 to min(inputs, outputs) = {width} singular values, got {len(values)}")
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"singular values must be finite and non-negative, got {values[~np.isfinite(values) | (values < 0)][:3]}")
        if np.any(np.diff(values) > 0):
            raise ValueError("singular values must be given largest first")
        for value, name in [(self.noise, "noise σ"), (self.prior_var, "prior variance")]:
            if not 0 < value < math.inf:
                raise ValueError(f"the {name} must be positive and finite, got {value!r}")

    @property
    def scaled(self) -> np.ndarray:
        """s_i/σ, i = 1..min(d_in, d_out) (zeros beyond the given values): the spectrum the posterior sees."""
        width = min(self.inputs, self.outputs)
        values = np.zeros(width)
        values[: len(self.singular_values)] = np.asarray(self.singular_values) / self.noise
        return values

    @property
    def rank(self) -> int:
        return int(np.count_nonzero(self.scaled))

    @property
    def minimum_loss(self) -> float:
        """L0 = ½Σ_{i>r} s_i²/σ² (exact, Eckart–Young)."""
        return 0.5 * float(np.sum(self.scaled[self.hidden :] ** 2))

    @property
    def scaled_prior_var(self) -> float:
        """v/σ: the prior variance of the model in noise units (module docstring)."""
        return self.prior_var / self.noise

    def as_dict(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "outputs": self.outputs, "hidden": self.hidden, "noise": self.noise,
                "prior_var": self.prior_var, "singular_values": list(self.singular_values), "rank": self.rank,
                "minimum_loss": {"value": self.minimum_loss, "kind": "exact (Eckart–Young), in units of σ²"},
                "source": self.source}  # fmt: skip


def _check_width(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= MAX_WIDTH:
        raise ValueError(f"{name} must be an integer from 1 to {MAX_WIDTH}, got {value!r}")
    return int(value)


def power_law_model(inputs: int, outputs: int, hidden: int, alpha: float, scale: float = 1.0, noise: float = 1.0,
                    prior_var: float = 1.0) -> LoraModel:  # fmt: skip
    """Target spectrum s_i = scale·i^(−alpha), i = 1..min(inputs, outputs)."""
    if not 0 < alpha <= 100:
        raise ValueError(f"alpha must be in (0, 100], got {alpha!r}")
    if not 0 < scale <= 1e100:
        raise ValueError(f"the scale c must be positive (at most 1e100), got {scale!r}")
    width = min(_check_width(inputs, "inputs"), _check_width(outputs, "outputs"))  # before any array is built
    values = tuple(float(v) for v in scale * power_law(width, alpha))
    return LoraModel(inputs, outputs, hidden, values, noise, prior_var, {"kind": "power law", "alpha": alpha, "scale": scale})


def matrix_model(path: str, tensor: str | None, hidden: int, noise: float = 1.0, prior_var: float = 1.0,
                 bulk: tuple[int, int] | None = None) -> LoraModel:  # fmt: skip
    """The target is a user's weight matrix (``numerics.spectra.load_matrix``): its singular values, with a fitted
    power law (α, c and their intervals over the reported bulk) recorded in ``source``. A d_out × d_in matrix."""

    matrix = load_matrix(path, tensor)
    _check_width(matrix.shape[0], "the matrix's rows (d_out)"), _check_width(matrix.shape[1], "the matrix's columns (d_in)")
    values = singular_values(matrix)
    fit = fit_power_law(values, bulk)
    source = {"kind": "matrix", "path": str(path), "tensor": tensor, "shape": list(matrix.shape), "power_law": fit.as_dict()}
    return LoraModel(matrix.shape[1], matrix.shape[0], hidden, tuple(float(v) for v in values), noise, prior_var, source)


class Truncation(NamedTuple):
    """SLT's prediction when s_i → 0 for i > i0 (module docstring); ``lam`` exact, ``minimum_loss`` = L0(i0)."""

    i0: int
    lam: sympy.Rational
    multiplicity: int
    minimum_loss: float
    method: str

    def lambda_eff(self, n: float) -> float:
        """SLT's dF_i0/dlog n to first order: n·L0(i0) + λ(i0)."""
        return n * self.minimum_loss + float(self.lam)

    def as_dict(self) -> dict[str, Any]:
        return {"i0": self.i0, "lambda": str(self.lam), "lambda_float": float(self.lam), "multiplicity": self.multiplicity,
                "minimum_loss": self.minimum_loss, "method": self.method,
                "kinds": {"lambda, multiplicity": "exact", "minimum_loss": "exact (float64 sum)"}}  # fmt: skip


def truncations(model: LoraModel) -> list[Truncation]:
    """Every truncation i0 = 0..rank M with its exact λ, m and L0(i0)."""
    squares = np.concatenate([[0.0], np.cumsum(model.scaled[: model.rank] ** 2)])
    r = model.hidden
    out = []
    realizable = {k: theory.reduced_rank(model.inputs, model.outputs, r, k) for k in range(min(r, model.rank) + 1)}
    for i0 in range(model.rank + 1):
        if i0 <= r:
            lc = realizable[i0]
            out.append(Truncation(i0, lc.lam, lc.multiplicity, 0.0, lc.method))
        else:
            lam = theory.reduced_rank(model.inputs, model.outputs, r, r).lam
            out.append(Truncation(i0, lam, 1, 0.5 * float(squares[i0] - squares[r]), f"rank {i0} > r = {r}: regular around the best rank-{r} fit"))
    return out


class Value(NamedTuple):
    """A number with its standard error (0 for exact values) and, for F, a quadrature error."""

    value: float
    stderr: float
    quadrature: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "stderr": self.stderr, **({"quadrature_error": self.quadrature} if self.quadrature else {})}

    def __str__(self) -> str:
        if self.stderr == 0:
            return f"{self.value:.7g}"
        return f"{self.value:.6g} ± {self.stderr:.2g}" + (f" ± {self.quadrature:.1g}" if self.quadrature else "")


class CurvePoint(NamedTuple):
    """The truth at one n: F, λ_eff = n·E_n[K], its excess λ_eff − n·L0, C, and (Gibbs) the alignment
    E_n[(B·A)_ii]/s_i of the first r singular directions."""

    n: float
    free_energy: Value | None
    lambda_eff: Value
    excess: Value
    heat_capacity: Value
    alignment: tuple[np.ndarray, np.ndarray] | None
    healthy: bool
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n, "free_energy": None if self.free_energy is None else self.free_energy.as_dict(),
            "lambda_eff": self.lambda_eff.as_dict(), "excess_lambda_eff": self.excess.as_dict(),
            "heat_capacity": self.heat_capacity.as_dict(),
            "alignment": None if self.alignment is None else {"value": self.alignment[0].tolist(), "stderr": self.alignment[1].tolist()},
            "healthy": self.healthy, "warnings": self.warnings,
        }  # fmt: skip


class Curve(NamedTuple):
    points: list[CurvePoint]
    kind: str  # "sampled (exact kernel)" or "arbitrary precision"
    settings: dict[str, Any]
    seconds: float


def exact_applies(model: LoraModel) -> bool:
    """Whether ``theory.two_layer_thermodynamics`` covers the model (hidden 1, a target of rank ≤ 1, or a side ≤ 2)."""
    return model.hidden == 1 or model.rank <= 1 or min(model.inputs, model.outputs) <= 2


def choose_method(model: LoraModel, method: str) -> str:
    """``auto``: the exact engine where it applies and is affordable (min(d_in, d_out) ≤ :data:`EXACT_MAX_WIDTH`),
    else Gibbs; ``exact`` where it does not apply is a ``ValueError``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "exact" and not exact_applies(model):
        raise ValueError(f"the exact engine covers hidden = 1, targets of rank ≤ 1 or a side ≤ 2; this model has hidden = "
                         f"{model.hidden}, rank {model.rank}, sides {model.inputs}, {model.outputs}: use method 'gibbs'")  # fmt: skip
    if method == "auto":
        return "exact" if exact_applies(model) and min(model.inputs, model.outputs) <= EXACT_MAX_WIDTH else "gibbs"
    return method


def check_grid(ns: Sequence[float]) -> list[float]:
    values = [float(n) for n in ns]
    if len(values) < 2 or any(not 0 < n <= MAX_N for n in values) or any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"n must be at least two increasing values in (0, {MAX_N:g}], got {list(ns)!r}")
    return values


def n_grid(n_min: float, n_max: float, per_decade: int) -> list[float]:
    """Log grid from n_min to n_max with ``per_decade`` points per decade (both ends included)."""
    if not (0 < n_min < n_max <= MAX_N):
        raise ValueError(f"need 0 < n-min < n-max ≤ {MAX_N:g}, got n-min = {n_min!r}, n-max = {n_max!r}")
    if isinstance(per_decade, bool) or not isinstance(per_decade, int) or not 1 <= per_decade <= 20:
        raise ValueError(f"per-decade must be an integer from 1 to 20, got {per_decade!r}")
    count = max(1, round(per_decade * math.log10(n_max / n_min)))
    return [float(x) for x in np.geomspace(n_min, n_max, count + 1)]


def true_curve(
    model: LoraModel, ns: Sequence[float], *, method: str = "auto", chains: int = 8, sweeps: int = 400,
    burn_in: int | None = None, free_energy: bool = True, per_decade: int = 2, dps: int = 8, seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Curve:  # fmt: skip
    """The truth at every n (increasing): exact-kernel Gibbs (``chains`` × ``sweeps``, F by thermodynamic
    integration over a ladder with ``per_decade`` rungs per decade, alignment of the first r directions) or the
    exact engine at ``dps`` digits (no alignment)."""
    sizes = check_grid(ns)
    chosen = choose_method(model, method)
    l0 = model.minimum_loss
    started = time.perf_counter()
    points = []
    if chosen == "exact":
        values = [repr(float(s)) for s in model.scaled[: max(1, model.rank)]]
        for k, n in enumerate(sizes):
            p = theory.two_layer_thermodynamics(repr(n), values, model.inputs, model.hidden, model.outputs,
                                                repr(model.scaled_prior_var), dps)  # fmt: skip
            lam = float(p.lambda_eff)
            points.append(CurvePoint(n, Value(float(p.free_energy), 0.0), Value(lam, 0.0), Value(lam - n * l0, 0.0),
                                     Value(float(p.heat_capacity), 0.0), None, True, []))  # fmt: skip
            if progress:
                progress(k + 1, len(sizes))
        settings = {"method": "exact", "digits": dps}
        kind = "arbitrary precision"
    else:
        from numerics.gibbs_thermodynamics import gibbs_thermodynamics
        from numerics.samplers.gibbs import population_problem

        problem = population_problem(singular_values=model.scaled.tolist(), inputs=model.inputs, outputs=model.outputs)
        track = min(model.hidden, model.rank)
        result = gibbs_thermodynamics(
            problem, [model.inputs, model.hidden, model.outputs], sizes, prior_var=model.scaled_prior_var, chains=chains,
            sweeps=sweeps, burn_in=burn_in, free_energy=free_energy, per_decade=per_decade, track=track, seed=seed,
            progress=progress,
        )  # fmt: skip
        if abs(result.minimum_loss - l0) > 1e-9 * max(1.0, l0):
            raise AssertionError(f"L0 of the sampler {result.minimum_loss} differs from Eckart–Young {l0}")
        targets = model.scaled[:track]
        for p in result.points:
            fe = p.excess_free_energy
            free = None if fe is None else Value(fe.value + p.n * l0, fe.stderr, fe.diagnostics["quadrature_error"])
            alignment = None
            if track:
                alignment = (p.product_diagonal[0] / targets, p.product_diagonal[1] / targets)
            points.append(CurvePoint(p.n, free, Value(p.lambda_eff.value + p.n * l0, p.lambda_eff.stderr),
                                     Value(p.lambda_eff.value, p.lambda_eff.stderr),
                                     Value(p.heat_capacity.value, p.heat_capacity.stderr), alignment, p.healthy, p.warnings()))  # fmt: skip
        settings = {"method": "gibbs", **result.settings, "ladder_rungs": len(result.ladder),
                    "sweeps_per_second": result.sweeps_per_second}  # fmt: skip
        kind = "sampled (exact kernel)"
    return Curve(points, kind, settings, time.perf_counter() - started)


class Threshold(NamedTuple):
    """Where singular direction i switches on: E_n[(B·A)_ii] = s_i/2, with n·s_i²/σ² there (the prefactor)."""

    i: int
    s: float  # s_i/σ
    boundary: Boundary | None  # None: not crossed in the grid
    state: str  # "crossed", "on from the start", "not reached"

    @property
    def prefactor(self) -> tuple[float, float, float] | None:
        if self.boundary is None:
            return None
        b, s2 = self.boundary, self.s**2
        return b.n * s2, b.low * s2, b.high * s2

    def as_dict(self) -> dict[str, Any]:
        pre = self.prefactor
        return {"i": self.i, "s_over_noise": self.s, "state": self.state,
                "n": None if self.boundary is None else self.boundary.as_dict(),
                "prefactor": None if pre is None else {"value": pre[0], "low": pre[1], "high": pre[2]},
                "kind": "sampled (exact kernel), interpolated in log n"}  # fmt: skip


def visibility(curve: Curve, model: LoraModel) -> list[Threshold]:
    """The visibility threshold of each tracked direction (module docstring); healthy points only."""
    points = [p for p in curve.points if p.healthy and p.alignment is not None]
    if len(points) < 2:
        return []
    ns = [p.n for p in points]
    out = []
    for i in range(len(points[0].alignment[0])):
        values = [p.alignment[0][i] for p in points]
        errors = [p.alignment[1][i] for p in points]
        above = [v >= SWITCH_ON for v in values]
        # the last upward crossing: from there on the direction stays on
        index = max((k for k in range(len(ns) - 1) if not above[k] and above[k + 1]), default=None)
        if all(above):
            out.append(Threshold(i + 1, float(model.scaled[i]), None, "on from the start"))
        elif index is None or not all(above[index + 1 :]):
            out.append(Threshold(i + 1, float(model.scaled[i]), None, "not reached"))
        else:
            boundary = crossing(ns, [SWITCH_ON - v for v in values], errors, index)
            out.append(Threshold(i + 1, float(model.scaled[i]), boundary, "crossed"))
    return out


class Exponent(NamedTuple):
    """The local exponent d log(λ_eff − n·L0)/d log n fitted over a run of points spanning about a decade."""

    low: float
    high: float
    slope: Slope

    def as_dict(self) -> dict[str, Any]:
        return {"n_low": self.low, "n_high": self.high, **self.slope.as_dict(), "slt": 0.0,
                "consistent_with_plateau": self.consistent_with_plateau}  # fmt: skip

    @property
    def consistent_with_plateau(self) -> bool | None:
        interval = self.slope.interval
        return None if interval is None else bool(interval[0] <= 0.0 <= interval[1])


def local_exponents(curve: Curve) -> list[Exponent]:
    """d log(λ_eff − n·L0)/d log n over successive runs of healthy points that each span a decade (a run ends at the
    first point at least ten times its start, which also starts the next run): weighted least squares of
    log(λ_eff − n·L0) on log n, standard errors by the delta method, widened by the scatter when it exceeds them."""
    points = [p for p in curve.points if p.healthy and p.excess.value > 0]
    out, start = [], 0
    while start < len(points) - 1:
        end = start + 1
        while end < len(points) - 1 and points[end].n < 10 * points[start].n * (1 - 1e-9):
            end += 1
        run = points[start : end + 1]
        errors = [p.excess.stderr / p.excess.value for p in run]
        slope = fit_slope([math.log(p.n) for p in run], [math.log(p.excess.value) for p in run],
                          errors if all(e > 0 for e in errors) else None)  # fmt: skip
        if slope is not None:
            out.append(Exponent(run[0].n, run[-1].n, slope))
        start = end
    return out


class TruncationVerdict(NamedTuple):
    truncation: Truncation
    windows: list[Window]

    @property
    def decades(self) -> float:
        return max((w.decades for w in self.windows), default=0.0)

    def as_dict(self) -> dict[str, Any]:
        return {**self.truncation.as_dict(), "windows": [w.as_dict() for w in self.windows], "longest_window_decades": self.decades}


def verdicts(curve: Curve, cuts: Sequence[Truncation], tolerance: float) -> list[TruncationVerdict]:
    """Each truncation's windows of validity (module docstring) over the healthy points."""
    if not 0 < tolerance < 1:
        raise ValueError(f"the tolerance δ must lie in (0, 1), got {tolerance!r}")
    points = [p for p in curve.points if p.healthy]
    ns = [p.n for p in points]
    out = []
    for cut in cuts:
        lam = float(cut.lam)
        if lam == 0 or not points:
            out.append(TruncationVerdict(cut, []))
            continue
        misfit = [(p.lambda_eff.value - cut.lambda_eff(p.n)) / lam for p in points]
        errors = [p.lambda_eff.stderr / lam for p in points]
        out.append(TruncationVerdict(cut, windows(ns, misfit, errors, tolerance)))
    return out


@dataclass(frozen=True)
class LoraResult:
    model: LoraModel
    curve: Curve
    truncations: list[Truncation]
    verdicts: list[TruncationVerdict]
    exponents: list[Exponent]
    thresholds: list[Threshold]
    tolerance: float

    @property
    def holding(self) -> list[TruncationVerdict]:
        """Truncations that hold over at least one decade."""
        return [v for v in self.verdicts if v.decades >= 1.0]

    @property
    def claim_holds(self) -> bool:
        """The claim under test: no truncation describes the truth to first order over a decade of the grid."""
        return not self.holding

    def findings(self) -> list[str]:
        return findings(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.as_dict(), "tolerance": self.tolerance, "curve_kind": self.curve.kind,
            "curve": [p.as_dict() for p in self.curve.points], "settings": self.curve.settings, "seconds": self.curve.seconds,
            "truncations": [v.as_dict() for v in self.verdicts],
            "claim": {"statement": "no truncation of the spectrum describes λ_eff to first order over a decade of the grid",
                      "holds": self.claim_holds, "holding_truncations": [v.truncation.i0 for v in self.holding]},
            "local_exponents": [e.as_dict() for e in self.exponents],
            "visibility": [t.as_dict() for t in self.thresholds],
            "findings": self.findings(),
            "kinds": {"curve": self.curve.kind, "truncations": "exact learning coefficients; F_i0 asymptotic",
                      "windows": "boundaries interpolated in log n; intervals from ±2 standard errors",
                      "local_exponents": "fitted (weighted least squares per decade)",
                      "visibility": "sampled, interpolated in log n"},
        }  # fmt: skip


def run(model: LoraModel, ns: Sequence[float], *, tolerance: float = DEFAULT_TOLERANCE, **options: Any) -> LoraResult:
    """The whole analysis of the module docstring; ``options`` go to :func:`true_curve`."""
    if not 0 < tolerance < 1:
        raise ValueError(f"the tolerance δ must lie in (0, 1), got {tolerance!r}")
    curve = true_curve(model, ns, **options)
    cuts = truncations(model)
    return LoraResult(model, curve, cuts, verdicts(curve, cuts, tolerance), local_exponents(curve), visibility(curve, model), tolerance)


def _se_phrase(value: Value) -> str:
    return f"{value.value:.6g} (exact)" if value.stderr == 0 else f"{value.value:.6g} ± {value.stderr:.2g} (sampled)"


def findings(result: LoraResult) -> list[str]:
    """The answer in sentences, each number with its kind and uncertainty."""
    model, curve, delta = result.model, result.curve, result.tolerance
    ns = [p.n for p in curve.points]
    own = result.verdicts[-1]
    lines = []
    unhealthy = [p.n for p in curve.points if not p.healthy]
    if unhealthy:
        lines.append(f"{len(unhealthy)} of {len(ns)} points are unhealthy (n = {', '.join(f'{n:.3g}' for n in unhealthy)}) and are left "
                     "out of every verdict below.")  # fmt: skip
    if result.claim_holds:
        lines.append(f"The claim holds for this spectrum: no truncation i0 = 0..{model.rank} describes λ_eff(n) = n·E_n[K] "
                     f"to first order (within δ = {delta:.0%}) over a full decade of n in {ns[0]:.3g}–{ns[-1]:.3g}.")  # fmt: skip
    else:
        groups: list[list[TruncationVerdict]] = []
        for v in result.holding:
            if groups and v.truncation.i0 == groups[-1][-1].truncation.i0 + 1:
                groups[-1].append(v)
            else:
                groups.append([v])
        parts = []
        for group in groups:
            best = max(group, key=lambda v: v.decades)
            span = f"i0 = {group[0].truncation.i0}" + (f"–{group[-1].truncation.i0}" if len(group) > 1 else "")
            parts.append(f"{span} (longest: i0 = {best.truncation.i0}, λ = {best.truncation.lam} exact, "
                         + "; ".join(str(w) for w in best.windows if w.decades >= 1) + f", {best.decades:.2f} decades)")  # fmt: skip
        lines.append(f"The claim fails for this spectrum: {len(result.holding)} truncation(s) hold within δ = {delta:.0%} over at "
                     "least a decade: " + "; ".join(parts) + ".")  # fmt: skip
    if own.windows:
        lines.append(f"The unrealizable model's own SLT value (i0 = {own.truncation.i0}: λ = {own.truncation.lam}, the regular "
                     f"r(d_in + d_out − r)/2, exact; L0 = {model.minimum_loss:.6g}, exact) holds "
                     + "; ".join(str(w) for w in own.windows) + ".")  # fmt: skip
    else:
        lines.append(f"The unrealizable model's own SLT value (λ = {own.truncation.lam}, L0 = {model.minimum_loss:.6g}, exact) "
                     "does not hold at any n of the grid.")  # fmt: skip
    last = next((p for p in reversed(curve.points) if p.healthy), curve.points[-1])
    lines.append(f"At n = {last.n:.3g}{'' if last.healthy else ' (unhealthy)'}: λ_eff − n·L0 = {_se_phrase(last.excess)}, against λ = {own.truncation.lam}; "
                 f"λ_eff itself = {_se_phrase(last.lambda_eff)}, C = {_se_phrase(last.heat_capacity)}.")  # fmt: skip
    if result.exponents:
        moving = [e for e in result.exponents if e.consistent_with_plateau is False]
        steepest = max(result.exponents, key=lambda e: e.slope.value)
        lines.append(f"Local exponent d log(λ_eff − n·L0)/d log n (fitted over runs of a decade, 95% CI): largest {steepest.slope} on "
                     f"n = {steepest.low:.3g}–{steepest.high:.3g}; {len(moving)} of {len(result.exponents)} runs exclude SLT's 0 (a plateau).")  # fmt: skip
    crossed = [t for t in result.thresholds if t.prefactor is not None]
    if crossed:
        pre = [t.prefactor[0] for t in crossed]
        lines.append(f"Visibility thresholds (sampled): {len(crossed)} of {len(result.thresholds)} tracked directions switch on "
                     f"(E_n[(B·A)_ii] = s_i/2) in the grid, at n·s_i²/σ² from {min(pre):.3g} to {max(pre):.3g} (median "
                     f"{statistics.median(pre):.3g}); SLT's heuristic n ~ 1/s² would put it near 1; d_in = {model.inputs}, "
                     f"d_out = {model.outputs}.")  # fmt: skip
    source = model.source
    if source.get("kind") == "matrix":
        fit = source["power_law"]
        lines.append(f"The matrix's spectrum fits s_i ≈ c·i^(−α) with α = {fit['alpha']:.4f} (95% CI {fit['alpha_interval'][0]:.4f}–"
                     f"{fit['alpha_interval'][1]:.4f}), c = {fit['scale']:.4g} (fitted, i = {fit['bulk'][0]}..{fit['bulk'][1]}, "
                     f"R² = {fit['r_squared']:.3f}).")  # fmt: skip
    return lines


def lora_map(dims: Sequence[int] = (64, 256, 1024), ranks: Sequence[int] = (4, 16, 64), alphas: Sequence[float] = (0.3, 0.4, 0.5),
             ns: Sequence[float] | None = None, tolerance: float = DEFAULT_TOLERANCE, progress: Progress | None = None,
             **options: Any) -> list[dict[str, Any]]:  # fmt: skip
    """Where the claim holds and fails over square d × d power-law targets s_i = i^(−α) with rank r < d: one row per
    (d, r, α) with the claim's answer, the truncations that hold over a decade and their windows, the own SLT
    value's window, the largest local exponent and the median visibility prefactor. ``options`` go to :func:`run`."""
    ns = ns if ns is not None else n_grid(1, 1e8, 1)
    rows = []
    cases = [(d, r, a) for d in dims for r in ranks for a in alphas if r < d]
    for k, (d, r, alpha) in enumerate(cases):
        if progress:
            progress(f"case {k + 1}/{len(cases)}: d = {d}, r = {r}, α = {alpha:g}")
        result = run(power_law_model(d, d, r, alpha), ns, tolerance=tolerance, free_energy=False, **options)
        own = result.verdicts[-1]
        crossed = [t.prefactor[0] for t in result.thresholds if t.prefactor is not None]
        steepest = max(result.exponents, key=lambda e: e.slope.value) if result.exponents else None
        rows.append({
            "d": d, "r": r, "alpha": alpha, "claim_holds": result.claim_holds,
            "holding": [{"i0": v.truncation.i0, "lambda": str(v.truncation.lam), "windows": [w.as_dict() for w in v.windows]} for v in result.holding],
            "own_slt": {"lambda": str(own.truncation.lam), "windows": [w.as_dict() for w in own.windows]},
            "own_slt_from": own.windows[-1].start.n if own.windows and own.windows[-1].start else (own.windows[-1].first if own.windows else None),
            "largest_exponent": None if steepest is None else {**steepest.slope.as_dict(), "n_low": steepest.low},
            "median_prefactor": statistics.median(crossed) if crossed else None,
            "unhealthy": sum(not p.healthy for p in result.curve.points), "seconds": result.curve.seconds,
        })  # fmt: skip
    return rows
