"""Confront the SLT asymptotic with exact finite-n values: regime labels and the crossover n*.

For each n of a grid the exact λ_eff(n) = n·E_n[K] (arbitrary precision, ``theory``) is compared with the
SLT prediction λ_SLT(n) = λ − (m−1)/log n of the true model (Watanabe 2009, ch. 6; docs/references.md) and, when the
model is only *approximately* singular, with the prediction of the "apparent" model, the singular one it
resembles (a target's small singular values set to zero). The regime criterion, with tolerance δ
(default 5%):

- **SLT regime** when |λ_eff(n) − λ_SLT(n)| ≤ δ·λ;
- **pre-asymptotic** when, instead, λ_eff(n) is within δ·λ_apparent of the apparent model's prediction
  (the small singular values are still invisible: docs/theory/two-layer.md, "a singular value s is invisible until
  n ~ 1/s²") or, with no apparent model, whenever it is not in the SLT regime and n is below the last
  point that is;
- **crossover** otherwise (between the two, including the overshoot of λ_eff near n ~ few/s²).

n* is the first grid point from which every later point is in the SLT regime ("not reached in the grid"
when the last point is not); ``Comparison.crossover`` places it between that grid point and the one before,
interpolating the criterion's margin |λ_eff − λ_SLT| − δ·λ linearly in log n (:func:`crossing`; the grid bracket
bounds it). For sampled curves, :func:`windows` gives every run of n where a prediction holds, each boundary with
the interval of the crossings of the curve shifted by ±2 standard errors, and :func:`fit_slope` fits slopes with
confidence intervals (weighted least squares; Student-t). The O(1) remainder F(n) − (n·L0 + λ log n − (m−1) log log n) is reported
per point: in the SLT regime it settles to SLT's unpredicted constant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import mpmath

import theory

SLT, CROSSOVER, PRE_ASYMPTOTIC = "SLT regime", "crossover", "pre-asymptotic"


class Boundary(NamedTuple):
    """Where a curve crosses a level between grid points ``bracket`` = (n_k, n_(k+1)): ``n`` by linear interpolation in
    log n, and [low, high] the crossings of the curve shifted by ±2 standard errors (the sampling uncertainty; exact
    values have none). The bracket bounds the crossing of a curve that is monotone between the grid points."""

    n: float
    low: float
    high: float
    bracket: tuple[float, float]

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "low": self.low, "high": self.high, "bracket": list(self.bracket)}

    def __str__(self) -> str:
        sampled = "" if self.low == self.high else f"±2 se {self.low:.3g}–{self.high:.3g}, "
        return f"{self.n:.3g} ({sampled}grid {self.bracket[0]:.3g}–{self.bracket[1]:.3g})"


def crossing(ns: Sequence[float], excess: Sequence[float], errors: Sequence[float], k: int) -> Boundary:
    """Where ``excess`` (± ``errors``, its standard errors; zeros for exact values) crosses zero between grid points
    k and k+1 of ``ns``, whose signs differ (:class:`Boundary`)."""
    la, lb = math.log(ns[k]), math.log(ns[k + 1])

    def at(a: float, b: float) -> float:
        if a == b:
            return 0.5
        return min(1.0, max(0.0, a / (a - b)))

    central = at(excess[k], excess[k + 1])
    shifted = [at(excess[k] + s * errors[k], excess[k + 1] + s * errors[k + 1]) for s in (-2.0, 2.0)]
    low, high = min(shifted + [central]), max(shifted + [central])
    to_n = lambda u: math.exp(la + u * (lb - la))  # noqa: E731
    return Boundary(to_n(central), to_n(low), to_n(high), (float(ns[k]), float(ns[k + 1])))


@dataclass(frozen=True)
class ComparisonRow:
    n: mpmath.mpf
    exact: theory.ThermoPoint
    slt_lambda_eff: mpmath.mpf
    apparent_lambda_eff: mpmath.mpf | None
    remainder: mpmath.mpf  # F(n) − n L0 − λ log n + (m−1) log log n
    regime: str

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.exact.as_dict(),
            "slt_lambda_eff": mpmath.nstr(self.slt_lambda_eff, 12),
            "apparent_lambda_eff": None if self.apparent_lambda_eff is None else mpmath.nstr(self.apparent_lambda_eff, 12),
            "remainder": mpmath.nstr(self.remainder, 12),
            "regime": self.regime,
        }


@dataclass(frozen=True)
class Comparison:
    rows: list[ComparisonRow]
    truth: theory.LearningCoefficient
    apparent: theory.LearningCoefficient | None
    tolerance: float
    n_star: mpmath.mpf | None  # None: the SLT regime is not reached in the grid
    crossover: Boundary | None = None  # n* between the grid points around it (None: not reached, or at the grid's start)

    def as_dict(self) -> dict[str, Any]:
        return {
            "truth": self.truth.as_dict(),
            "apparent": None if self.apparent is None else self.apparent.as_dict(),
            "tolerance": self.tolerance,
            "n_star": None if self.n_star is None else mpmath.nstr(self.n_star, 8),
            "crossover": None if self.crossover is None else {**self.crossover.as_dict(), "kind": "interpolated in log n between exact points"},
            "rows": [r.as_dict() for r in self.rows],
            "kinds": {
                "free_energy, lambda_eff, heat_capacity": "arbitrary precision",
                "slt_lambda_eff, apparent_lambda_eff, remainder": "asymptotic",
                "truth, apparent": "exact learning coefficients",
            },
        }


def _lam(lc: theory.LearningCoefficient) -> float:
    return float(lc.lam)


def regimes(
    lambda_effs: Sequence[float], predicted: Sequence[float], lam: float, tolerance: float,
    apparent: Sequence[float] | None = None, apparent_lam: float | None = None,
) -> list[str]:  # fmt: skip
    """The regime label of every point of an increasing grid, by the criterion of the module docstring."""
    if not 0 < tolerance < 1:
        raise ValueError(f"the tolerance must lie strictly between 0 and 1, got {tolerance}")
    in_slt = [abs(e - p) <= tolerance * lam for e, p in zip(lambda_effs, predicted)]
    last_slt = max((i for i, ok in enumerate(in_slt) if ok), default=-1)
    labels = []
    for i, (e, ok) in enumerate(zip(lambda_effs, in_slt)):
        if ok:
            labels.append(SLT)
        elif apparent is not None:
            labels.append(PRE_ASYMPTOTIC if abs(e - apparent[i]) <= tolerance * apparent_lam else CROSSOVER)
        else:
            labels.append(PRE_ASYMPTOTIC if i < last_slt else CROSSOVER)
    return labels


def crossover_index(labels: Sequence[str]) -> int | None:
    """Index of the first point from which every later label is the SLT regime; None when the last is not."""
    if not labels or labels[-1] != SLT:
        return None
    index = len(labels) - 1
    while index > 0 and labels[index - 1] == SLT:
        index -= 1
    return index


def compare(
    points: Sequence[theory.ThermoPoint],
    truth: theory.LearningCoefficient,
    apparent: theory.LearningCoefficient | None = None,
    tolerance: float = 0.05,
    loss_at_truth: object = 0,
) -> Comparison:
    """Label exact points (increasing n > 1) against the SLT prediction of ``truth`` (and of ``apparent``)."""
    sizes = [p.n for p in points]
    if any(not b > a for a, b in zip(sizes, sizes[1:])) or not sizes or not sizes[0] > 1:
        raise ValueError("the points must have increasing n > 1")
    predicted = [theory.slt_lambda_eff(truth, n) for n in sizes]
    seeming = [theory.slt_lambda_eff(apparent, n) for n in sizes] if apparent is not None else None
    labels = regimes(
        [float(p.lambda_eff) for p in points], [float(x) for x in predicted], _lam(truth), tolerance,
        None if seeming is None else [float(x) for x in seeming], None if apparent is None else _lam(apparent),
    )  # fmt: skip
    rows = [
        ComparisonRow(p.n, p, pred, None if seeming is None else seeming[i],
                      p.free_energy - theory.slt_free_energy(truth, p.n, loss_at_truth), label)  # fmt: skip
        for i, (p, pred, label) in enumerate(zip(points, predicted, labels))
    ]
    index = crossover_index(labels)
    boundary = None
    if index:  # the SLT criterion's margin |λ_eff − λ_SLT| − δ·λ changes sign between index − 1 and index
        margin = [abs(float(p.lambda_eff) - float(q)) - tolerance * _lam(truth) for p, q in zip(points, predicted)]
        boundary = crossing([float(n) for n in sizes], margin, [0.0] * len(sizes), index - 1)
    return Comparison(rows, truth, apparent, tolerance, None if index is None else sizes[index], boundary)


MAX_GRID_N = 1e12  # the exact two-layer engine's reach at the default precision
MAX_PER_DECADE = 100


def log_grid(low: float, high: float, per_decade: int) -> list[str]:
    """n on a log grid, as decimal strings (exact inputs for theory); 1 < low < high ≤ :data:`MAX_GRID_N` and
    1 ≤ per_decade ≤ :data:`MAX_PER_DECADE`, else a ``ValueError``."""
    if not (1 < low < high <= MAX_GRID_N and 1 <= per_decade <= MAX_PER_DECADE):
        raise ValueError(f"need 1 < low < high ≤ {MAX_GRID_N:g} and 1 ≤ per_decade ≤ {MAX_PER_DECADE}, got {low}, {high}, {per_decade}")
    count = round(math.log10(high / low) * per_decade)
    return [mpmath.nstr(mpmath.mpf(low) * mpmath.mpf(10) ** (mpmath.mpf(k) / per_decade), 6) for k in range(count + 1)]


class Window(NamedTuple):
    """A run of n where a prediction holds; a missing boundary (None) means the run reaches the grid's edge."""

    start: Boundary | None
    end: Boundary | None
    first: float  # the first and last grid points inside
    last: float

    @property
    def decades(self) -> float:
        """log10(end/start) with the edge of the grid for a missing boundary (a lower bound then)."""
        low = self.start.n if self.start else self.first
        high = self.end.n if self.end else self.last
        return math.log10(high / low)

    def as_dict(self) -> dict[str, Any]:
        return {"start": None if self.start is None else self.start.as_dict(), "end": None if self.end is None else self.end.as_dict(),
                "first_inside": self.first, "last_inside": self.last, "decades": self.decades}  # fmt: skip

    def __str__(self) -> str:
        start = f"n = {self.start}" if self.start else f"the grid's start (n ≤ {self.first:.3g})"
        end = f"n = {self.end}" if self.end else f"the grid's end (n ≥ {self.last:.3g})"
        return f"from {start} to {end}"


def windows(ns: Sequence[float], misfit: Sequence[float], stderr: Sequence[float] | None, tolerance: float) -> list[Window]:
    """The runs of an increasing grid where |misfit| ≤ ``tolerance`` (misfit = (truth − prediction)/λ), each
    boundary interpolated in log n with its interval (:class:`Boundary`); ``stderr`` of the misfit (None: exact)."""
    errors = [0.0] * len(ns) if stderr is None else [float(e) for e in stderr]
    excess = [abs(m) - tolerance for m in misfit]
    inside = [e <= 0 for e in excess]
    runs, k = [], 0
    while k < len(ns):
        if not inside[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(ns) and inside[j + 1]:
            j += 1
        start = crossing(ns, excess, errors, k - 1) if k > 0 else None
        end = crossing(ns, excess, errors, j) if j + 1 < len(ns) else None
        runs.append(Window(start, end, float(ns[k]), float(ns[j])))
        k = j + 1
    return runs


class Slope(NamedTuple):
    """A fitted slope with its standard error and ``confidence`` interval (None when it cannot be estimated)."""

    value: float
    stderr: float | None
    interval: tuple[float, float] | None
    points: int
    confidence: float = 0.95

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "stderr": self.stderr, "interval": None if self.interval is None else list(self.interval),
                "points": self.points, "confidence": self.confidence, "kind": "fitted"}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Slope":
        """The inverse of :meth:`as_dict`."""
        interval = data["interval"]
        return cls(data["value"], data["stderr"], None if interval is None else tuple(interval), data["points"], data["confidence"])

    def __str__(self) -> str:
        if self.interval is None:
            return f"{self.value:.3f} (no interval: {self.points} points)"
        return f"{self.value:.3f} ({self.confidence:.0%} CI {self.interval[0]:.3f} to {self.interval[1]:.3f})"


def fit_slope(xs: Sequence[float], ys: Sequence[float], stderr: Sequence[float] | None = None, confidence: float = 0.95) -> Slope | None:
    """Weighted least-squares slope of ``ys`` on ``xs`` (weights 1/stderr² when given) with its interval: from the
    standard errors, widened by the residual scatter when it exceeds them (reduced χ² > 1), with normal quantiles;
    without standard errors, from the residual scatter with Student-t quantiles on (points − 2) degrees of freedom
    (no interval from two points). None below two points."""
    import numpy as np
    from scipy import stats

    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    weighted = stderr is not None and all(float(e) > 0 for e in stderr)
    w = 1 / np.asarray(stderr, dtype=float) ** 2 if weighted else np.ones_like(x)
    mx = np.sum(w * x) / np.sum(w)
    sxx = np.sum(w * (x - mx) ** 2)
    slope = float(np.sum(w * (x - mx) * (y - np.sum(w * y) / np.sum(w))) / sxx)
    dof = len(x) - 2
    residuals = y - (np.sum(w * y) / np.sum(w) + slope * (x - mx))
    if weighted:
        chi2 = float(np.sum(w * residuals**2) / dof) if dof > 0 else 1.0
        se = math.sqrt(max(1.0, chi2) / float(sxx))
    elif dof > 0:
        se = math.sqrt(float(np.sum(residuals**2)) / dof / sxx)
    else:
        return Slope(slope, None, None, len(x), confidence)
    # known standard errors: normal quantiles (the scatter already widened se); estimated scatter: Student-t
    quantile = stats.norm.ppf(0.5 + confidence / 2) if weighted else stats.t.ppf(0.5 + confidence / 2, dof)
    return Slope(slope, se, (float(slope - quantile * se), float(slope + quantile * se)), len(x), confidence)
