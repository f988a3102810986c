"""Thermodynamics of deep linear networks from exact-kernel Gibbs sampling: λ_eff(n), C(n) and F(n).

At each inverse temperature t = n (β = 1) of a ladder, chains of the blocked Gibbs sampler
(:mod:`numerics.samplers.gibbs`) give, with L0 = min K:
- λ_eff(n) = n·(E_n[K] − L0), the finite-n learning coefficient (→ λ as n → ∞ for a realizable target);
- C(n) = n²·Var_n[K], the heat capacity (→ λ as well, Watanabe 2013);
- F(n) − n·L0 = ∫₀ⁿ (E_t[K] − L0) dt by thermodynamic integration (``numerics.excess_free_energy``): the ladder
  runs log-spaced from t_1 = 10⁻²/(E_0[K] − L0) (E_0[K], the prior mean, is exact) to the largest n, with the
  requested n among its rungs; sampling and quadrature errors are reported separately.
Every rung runs the same chains side by side (one vmapped batch): half start from prior draws and half from a
best fit. The two halves must agree (:data:`MIXING_Z`): a rung where they do not is flagged as not mixed, and so is
an R-hat above 1.05; such numbers are reported, never averaged in silently.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from numerics.base import as_key
from numerics.chains import Progress, run_chains
from numerics.estimate import Estimate
from numerics.estimators import excess_free_energy, heat_capacity, llc
from numerics.samplers.gibbs import (
    GibbsState,
    LinearProblem,
    best_fit,
    check_widths,
    layer_variances,
    linear_gibbs,
    minimum_loss,
    prior_mean_loss,
    rotate_in,
)

MIXING_Z = 4.0  # prior-started and best-fit-started chains disagree when their λ_eff differ by more than 4 SE
FIRST_RUNG = 1e-2  # t_1·(E_0[K] − L0): the first rung sits where the prior is still the posterior
MAX_N = 1e12
MAX_SWEEPS = 1_000_000
MAX_CHAINS = 1_024
MAX_BATCH_BYTES = 2**30  # state bytes of one vmapped batch of chains (rungs beyond it run in turn)
RECORDS = 100  # records of the tracked product diagonal per chain (every sweeps // RECORDS sweeps)


class GibbsPoint(NamedTuple):
    """The sampled (exact-kernel) thermodynamics at one n."""

    n: float
    lambda_eff: Estimate  # n·(E_n[K] − L0)
    heat_capacity: Estimate  # n²·Var_n[K]
    excess_free_energy: Estimate | None  # F(n) − n·L0, sampling error in stderr; quadrature error in diagnostics
    mixing: dict[str, Any]  # prior-started vs best-fit-started chains: means, z, agree
    product_diagonal: tuple[np.ndarray, np.ndarray] | None = None  # E_n[(W_L⋯W_1)_ii], i < track, and its SEs

    @property
    def healthy(self) -> bool:
        parts = [self.lambda_eff, self.heat_capacity] + ([self.excess_free_energy] if self.excess_free_energy else [])
        return all(p.healthy for p in parts) and self.mixing["agree"]

    def warnings(self) -> list[str]:
        notes = list(self.lambda_eff.diagnostics["warnings"])
        if not self.mixing["agree"]:
            notes.append(
                f"chains started from the prior (λ_eff {self.mixing['prior']:.6g} ± {self.mixing['prior_stderr']:.2g}) and from the "
                f"best fit ({self.mixing['best_fit']:.6g} ± {self.mixing['best_fit_stderr']:.2g}) disagree (z = {self.mixing['z']:.1f}): "
                "not mixed; run more sweeps"
            )
        if self.excess_free_energy is not None and not self.excess_free_energy.healthy:
            notes.append("a rung of the thermodynamic-integration ladder below this n is unhealthy")
        return notes

    def as_dict(self) -> dict[str, Any]:
        fe = self.excess_free_energy
        return {
            "n": self.n,
            "lambda_eff": self.lambda_eff.as_dict(),
            "heat_capacity": self.heat_capacity.as_dict(),
            "excess_free_energy": None if fe is None else {**fe.as_dict(), "quadrature_error": fe.diagnostics["quadrature_error"]},
            "mixing": self.mixing,
            "product_diagonal": None if self.product_diagonal is None else {
                "value": self.product_diagonal[0].tolist(), "stderr": self.product_diagonal[1].tolist(),
                "kind": "sampled (exact kernel); standard error across chains",
            },
            "healthy": self.healthy,
            "warnings": self.warnings(),
            "kind": "sampled (exact kernel)",
        }


class GibbsResult(NamedTuple):
    points: list[GibbsPoint]  # one per requested n, in increasing n
    minimum_loss: float  # L0 (exact)
    prior_mean_loss: float  # E_0[K] (exact)
    ladder: list[float]  # every rung t that was sampled
    settings: dict[str, Any]
    seconds: float
    sweeps_per_second: float  # chain-sweeps per second over the whole batch

    @property
    def healthy(self) -> bool:
        return all(p.healthy for p in self.points)

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": [p.as_dict() for p in self.points],
            "minimum_loss": {"value": self.minimum_loss, "kind": "exact (Eckart–Young)"},
            "prior_mean_loss": {"value": self.prior_mean_loss, "kind": "exact"},
            "ladder": self.ladder,
            "settings": self.settings,
            "seconds": self.seconds,
            "sweeps_per_second": self.sweeps_per_second,
            "healthy": self.healthy,
        }


def _requested(ns: Sequence[float]) -> list[float]:
    values = [float(n) for n in ns]
    if not values:
        raise ValueError("give at least one n")
    for n in values:
        if not 0 < n <= MAX_N:
            raise ValueError(f"n must be positive and at most {MAX_N:g}, got {n!r}")
    return sorted(set(values))


def temperature_ladder(ns: Sequence[float], prior_excess: float, per_decade: int) -> list[float]:
    """Log-spaced rungs from t_1 = FIRST_RUNG/(E_0[K] − L0) to max(ns), ``per_decade`` per decade, with every n
    in ``ns`` a rung (grid points within a tenth of a step of one are dropped)."""
    if not 1 <= per_decade <= 100:
        raise ValueError(f"per_decade must be from 1 to 100, got {per_decade}")
    top = max(ns)
    first = min(FIRST_RUNG / max(prior_excess, 1e-300), min(ns))
    steps = max(1, math.ceil(per_decade * math.log10(top / first)))
    grid = np.geomspace(first, top, steps + 1)
    spacing = math.log(top / first) / steps
    keep = [t for t in grid if all(abs(math.log(t / n)) > 0.1 * spacing for n in ns)]
    return sorted(set(keep) | set(ns))


def _prior_draws(key: jax.Array, widths: Sequence[int], variances: Sequence[float], count: int) -> tuple[jax.Array, ...]:
    keys = jax.random.split(key, len(widths) - 1)
    return tuple(
        math.sqrt(v) * jax.random.normal(k, (count, fan_out, fan_in))
        for k, v, fan_in, fan_out in zip(keys, variances, widths[:-1], widths[1:])
    )


@functools.lru_cache(maxsize=8)
def _diagonal_recorder(track: int):
    """record(key, layers) → {"diagonal": (W_L⋯W_1)_ii for i < track}, at O(track·width) per layer, never the
    full product."""

    def record(key: jax.Array, layers: tuple[jax.Array, ...]) -> dict[str, jax.Array]:
        below = layers[0][:, :track]
        for w in layers[1:-1]:
            below = w @ below
        return {"diagonal": jnp.sum(layers[-1][:track] * below.T, axis=1)}

    return record


def _mixing(values: np.ndarray, half: int) -> dict[str, Any]:
    prior, fit = values[:half], values[half:]
    se = lambda x: float(np.std(x, ddof=1) / np.sqrt(len(x))) if len(x) > 1 else float("nan")  # noqa: E731
    scale = math.hypot(se(prior), se(fit))
    z = abs(float(prior.mean() - fit.mean())) / scale if scale > 0 else (0.0 if prior.mean() == fit.mean() else math.inf)
    return {
        "prior": float(prior.mean()), "prior_stderr": se(prior), "best_fit": float(fit.mean()), "best_fit_stderr": se(fit),
        "z": z, "agree": bool(z <= MIXING_Z), "threshold": MIXING_Z,
    }  # fmt: skip


def gibbs_thermodynamics(
    problem: LinearProblem,
    widths: Sequence[int],
    ns: Sequence[float],
    *,
    prior_var: float | Sequence[float] = 1.0,
    chains: int = 8,
    sweeps: int = 1_000,
    burn_in: int | None = None,
    free_energy: bool = True,
    per_decade: int = 4,
    track: int = 0,
    seed: int = 0,
    progress: Progress | None = None,
) -> GibbsResult:
    """λ_eff(n), C(n) and (``free_energy``) F(n) − n·L0 at every n of ``ns`` for the deep linear network with
    ``widths`` (input → output) on ``problem`` (``population_problem`` or ``data_problem``), Gaussian priors of
    variance ``prior_var`` (one, or one per layer) centred at 0.

    ``chains`` (even, ≥ 4) chains per rung, half from prior draws and half from the best fit; ``sweeps`` Gibbs
    sweeps each, of which the first ``burn_in`` (default half) are discarded. ``seed`` fixes every draw.

    ``track`` > 0 (a population problem in its singular basis, where T = diag(s)) also records, every
    :data:`RECORDS`-th of the sweeps, the first ``track`` diagonal entries of the product W_L⋯W_1: their posterior
    means (a singular direction i is "switched on" when E_n[W_ii] approaches s_i) with standard errors across chains.
    """
    sizes = check_widths(widths, problem)
    depth = len(sizes) - 1
    requested = _requested(ns)
    for value, name, top in [(chains, "chains", MAX_CHAINS), (sweeps, "sweeps", MAX_SWEEPS)]:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= top:
            raise ValueError(f"{name} must be an integer from 1 to {top}, got {value!r}")
    if chains < 4 or chains % 2:
        raise ValueError(f"chains must be even and at least 4 (half start from the prior, half from a best fit), got {chains}")
    burn_in = sweeps // 2 if burn_in is None else burn_in
    if isinstance(burn_in, bool) or not isinstance(burn_in, (int, np.integer)) or not 0 <= burn_in <= sweeps - 4:
        raise ValueError(f"burn_in must be an integer from 0 to sweeps − 4 = {sweeps - 4}, got {burn_in!r}")
    variances = layer_variances(prior_var, depth)
    if isinstance(track, bool) or not isinstance(track, (int, np.integer)) or not 0 <= track <= min(sizes[0], sizes[-1]):
        raise ValueError(f"track must be an integer from 0 to min(inputs, outputs) = {min(sizes[0], sizes[-1])}, got {track!r}")
    if track and not problem.diagonal:
        raise ValueError("track needs a population problem in its singular basis (population_problem with reduce=True)")
    every = max(1, sweeps // RECORDS)
    record = _diagonal_recorder(track) if track else None

    started = time.perf_counter()
    with jax.enable_x64(True):
        l0 = minimum_loss(problem, sizes)
        e0 = prior_mean_loss(problem, sizes, variances)
        ladder = temperature_ladder(requested, e0 - l0, per_decade) if free_energy else requested
        sampler = linear_gibbs(problem, sizes, 1.0, variances)
        half = chains // 2
        fit = [jnp.asarray(w) for w in best_fit(problem, sizes)]
        per_chain_bytes = 8 * sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) * 4  # state, draw and temporaries
        group = max(1, MAX_BATCH_BYTES // (per_chain_bytes * chains))
        losses: list[np.ndarray] = []
        diagonals: list[np.ndarray] = []
        total = len(ladder) * sweeps
        root = as_key(seed)
        for start in range(0, len(ladder), group):
            rungs = ladder[start : start + group]
            key = jax.random.fold_in(root, start)
            draws = _prior_draws(jax.random.fold_in(key, 1), sizes, variances, len(rungs) * half)
            layers = tuple(
                jnp.concatenate([d.reshape(len(rungs), half, *w.shape), jnp.broadcast_to(w, (len(rungs), half, *w.shape))], axis=1).reshape(-1, *w.shape)
                for d, w in zip(draws, fit)
            )
            nbetas = jnp.repeat(jnp.asarray(rungs), chains)
            done_before = start * sweeps
            report = None if progress is None else (lambda done, _, before=done_before, width=len(rungs): progress(before + done * width, total))
            trace = run_chains(sampler, key, None, len(rungs) * chains, sweeps, initial_state=GibbsState(layers, nbetas), progress=report,
                               record=record, record_every=every if track else None)  # fmt: skip
            losses.extend(np.asarray(trace.info["loss"], dtype=np.float64).reshape(len(rungs), chains, sweeps))
            if track:
                kept = np.asarray(trace.records["diagonal"], dtype=np.float64)[:, burn_in // every :]
                diagonals.extend(kept.mean(axis=1).reshape(len(rungs), chains, track))
    seconds = time.perf_counter() - started

    lambdas, capacities, mixings = [], [], []
    for t, loss in zip(ladder, losses):
        lam = llc(loss, l0, t, burn_in)
        lambdas.append(lam)
        capacities.append(heat_capacity(loss, t, burn_in))
        mixings.append(_mixing(np.asarray(lam.per_chain), half))
    excess = excess_free_energy(ladder, lambdas, e0 - l0) if free_energy else [None] * len(ladder)
    diagonal = [(d.mean(axis=0), d.std(axis=0, ddof=1) / math.sqrt(chains)) for d in diagonals] if track else [None] * len(ladder)
    points = [
        GibbsPoint(t, lambdas[k], capacities[k], excess[k], mixings[k], diagonal[k]) for k, t in enumerate(ladder) if t in set(requested)
    ]
    settings = {
        "widths": sizes, "prior_var": variances, "chains": chains, "sweeps": sweeps, "burn_in": burn_in,
        "free_energy": free_energy, "per_decade": per_decade if free_energy else None, "seed": seed, "track": track,
        "starts": f"{half} chains from prior draws, {half} from a best fit", "dtype": "float64",
    }  # fmt: skip
    return GibbsResult(points, l0, e0, [float(t) for t in ladder], settings, seconds, len(ladder) * chains * sweeps / seconds)


def local_learning_coefficient(
    problem: LinearProblem,
    widths: Sequence[int],
    center: Sequence[object],
    nbeta: float,
    gamma: float,
    *,
    chains: int = 8,
    sweeps: int = 500,
    burn_in: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> GibbsPoint:
    """The exact-kernel reference for SGLD's λ̂: λ = nβ·(E[K] − K(w*)) under the localized tempered posterior
    π(w) ∝ exp(−nβ·K(w) − (γ/2)·‖w − w*‖²) that SGLD samples (``numerics.posterior``), which for a linear
    network is Gibbs with Gaussian priors N(w*_l, I/γ). ``center`` holds the layers of w* (input first, the
    user's basis). Half the chains start at w*, half from prior draws around it; C = nβ²·Var[K] comes along."""
    sizes = check_widths(widths, problem)
    if not 0 < gamma < math.inf:
        raise ValueError(f"the exact-kernel reference needs a Gaussian localization, γ > 0 and finite, got {gamma!r}")
    if not 0 < nbeta < math.inf:
        raise ValueError(f"nbeta must be positive and finite, got {nbeta!r}")
    if isinstance(chains, bool) or not isinstance(chains, (int, np.integer)) or chains < 4 or chains % 2 or chains > MAX_CHAINS:
        raise ValueError(f"chains must be even, from 4 to {MAX_CHAINS}, got {chains!r}")
    if isinstance(sweeps, bool) or not isinstance(sweeps, (int, np.integer)) or not 8 <= sweeps <= MAX_SWEEPS:
        raise ValueError(f"sweeps must be an integer from 8 to {MAX_SWEEPS}, got {sweeps!r}")
    burn_in = sweeps // 2 if burn_in is None else burn_in
    half = chains // 2
    with jax.enable_x64(True):
        means = [np.asarray(w, dtype=np.float64) for w in center]
        sampler = linear_gibbs(problem, sizes, nbeta, 1.0 / gamma, means)
        start = [jnp.asarray(w) for w in rotate_in(problem, means)]
        root = as_key(seed)
        draws = _prior_draws(jax.random.fold_in(root, 1), sizes, [1.0 / gamma] * (len(sizes) - 1), half)
        layers = tuple(jnp.concatenate([w + d, jnp.broadcast_to(w, (half, *w.shape))]) for d, w in zip(draws, start))
        state = jax.vmap(sampler.init)(layers)
        trace = run_chains(sampler, root, None, chains, sweeps, initial_state=state, progress=progress)
        losses = np.asarray(trace.info["loss"], dtype=np.float64)
    loss_at_center = float(losses[half, 0])  # chain `half` starts at w*; a sweep records K where it started
    lam = llc(losses, loss_at_center, nbeta, burn_in)
    return GibbsPoint(float(nbeta), lam, heat_capacity(losses, nbeta, burn_in), None, _mixing(np.asarray(lam.per_chain), half))
