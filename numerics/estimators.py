"""Thermodynamic estimators from sampled loss traces (Watanabe 2009, ch. 6; docs/references.md).

Every estimator takes traces of shape (chains, draws), drops the first ``burn_in`` draws explicitly,
computes one value per chain, leaves unhealthy chains out (``numerics.diagnostics``) and returns an
``Estimate`` whose standard error is the spread across healthy chains, std/√C.

- λ̂ (Lau et al. 2023, arXiv:2308.12108): λ̂(w*) = nβ·(E_β,γ[L_n(w)] − L_n(w*)).
- energy: E_β[n·L_n(w)].
- heat capacity: C = Var_β[nβ·L_n(w)], which → λ in the SLT regime (Watanabe 2009, ch. 6; docs/references.md); it needs the
  full-data loss (a minibatch loss would add the minibatch noise to the variance).
- multi-temperature λ (Watanabe 2013 JMLR 14; Wei, Murfet et al. 2022): E_β[n·L_n] = n·L_n(w0) + λ/β,
  so λ is the slope of a regression of E_β[n·L_n] on 1/β.
- free energy by thermodynamic integration: F(t) − F(0) = ∫₀ᵗ E_s[L_n] ds with t = nβ; or, from
  λ̂ measured on a ladder of temperatures, F(t) − F(t_1) = ∫ (s·L_n(w*) + λ̂(s)) d log s, since
  s·E_s[L_n] = s·L_n(w*) + λ̂(s) by the definition of λ̂.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from numerics.diagnostics import RHAT_THRESHOLD, chain_health, ess, rhat
from numerics.estimate import Estimate


def _after_burn_in(draws: np.ndarray, burn_in: int) -> np.ndarray:
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2:
        raise ValueError(f"traces must have shape (chains, draws), got {draws.shape}")
    if not 0 <= burn_in < draws.shape[1]:
        raise ValueError(
            f"burn_in must be between 0 and the number of draws {draws.shape[1]} (exclusive), got {burn_in}"
        )
    return draws[:, burn_in:]


def _summarise(statistic: np.ndarray, trace: np.ndarray, extra: dict[str, Any] | None = None) -> Estimate:
    """Combine per-chain statistics into an Estimate, leaving out unhealthy chains of ``trace``."""
    health = chain_health(trace)
    healthy = health["healthy_chains"]
    warnings_: list[str] = []
    if health["nan_chains"]:
        warnings_.append(f"chains {health['nan_chains']} produced NaN or infinite values and were left out")
    if health["diverged_chains"]:
        warnings_.append(f"chains {health['diverged_chains']} diverged and were left out")
    good = statistic[healthy]
    value = float(np.mean(good)) if len(good) else float("nan")
    stderr = float(np.std(good, ddof=1) / np.sqrt(len(good))) if len(good) > 1 else float("nan")
    r = rhat(trace[healthy]) if len(healthy) > 1 else float("nan")
    e = ess(trace[healthy]) if healthy else float("nan")
    if np.isfinite(r) and r > RHAT_THRESHOLD:
        warnings_.append(
            f"R-hat {r:.3f} > {RHAT_THRESHOLD}: the chains disagree (not mixed, or stuck in different places)"
        )
    if len(healthy) < 2:
        warnings_.append("fewer than two healthy chains: no standard error")
    diagnostics = {**health, **(extra or {}), "warnings": warnings_}
    diagnostics["healthy"] = (
        len(healthy) == health["chains"] and len(healthy) > 1 and not (np.isfinite(r) and r > RHAT_THRESHOLD)
    )
    return Estimate(value, stderr, statistic, r, e, diagnostics)


def _positive(value: float, name: str) -> None:
    if isinstance(value, bool) or not 0 < value < np.inf:
        raise ValueError(f"{name} must be positive and finite, got {value!r}")


def llc(losses: np.ndarray, loss_at_center: float, nbeta: float, burn_in: int = 0) -> Estimate:
    """λ̂ = nβ·(E[L_n(w)] − L_n(w*)), from per-step (minibatch or full) losses."""
    _positive(nbeta, "nbeta")
    if not np.isfinite(loss_at_center):
        raise ValueError(f"loss_at_center must be finite, got {loss_at_center!r}")
    trace = nbeta * (_after_burn_in(losses, burn_in) - loss_at_center)
    extra = {"nbeta": float(nbeta), "burn_in": int(burn_in), "loss_at_center": float(loss_at_center)}
    estimate = _summarise(trace.mean(axis=1), trace, extra)
    if np.isfinite(estimate.value) and estimate.value < 0:
        estimate.diagnostics["warnings"].append(
            "λ̂ < 0: the chains found lower loss than w*, which is then not a local minimum"
        )
        estimate.diagnostics["healthy"] = False
    return estimate


def energy(losses: np.ndarray, n: int, burn_in: int = 0) -> Estimate:
    """E_β[n·L_n(w)]."""
    _positive(n, "n")
    trace = n * _after_burn_in(losses, burn_in)
    return _summarise(trace.mean(axis=1), trace, {"n": int(n), "burn_in": int(burn_in)})


def heat_capacity(full_losses: np.ndarray, nbeta: float, burn_in: int = 0) -> Estimate:
    """C = Var_β[nβ·L_n(w)], one variance per chain, from full-data losses."""
    _positive(nbeta, "nbeta")
    trace = nbeta * _after_burn_in(full_losses, burn_in)
    if trace.shape[1] < 2:
        raise ValueError("the heat capacity needs at least two draws after burn-in")
    return _summarise(trace.var(axis=1, ddof=1), trace, {"nbeta": float(nbeta), "burn_in": int(burn_in)})


def agreement(first: Estimate, second: Estimate, z_threshold: float = 3.0) -> dict[str, Any]:
    """Whether two estimates of the same quantity (λ̂ from the energy and C from the variance) agree
    within ``z_threshold`` combined standard errors. Disagreement means the system is not in the SLT
    regime at this temperature (Watanabe 2009, ch. 6; docs/references.md), or the chains are not mixed."""
    scale = float(np.hypot(first.stderr, second.stderr))
    z = abs(first.value - second.value) / scale if scale > 0 else float("inf")
    return {"z": z, "agree": bool(z <= z_threshold), "threshold": z_threshold}


def _per_chain_means(traces: Sequence[np.ndarray], burn_in: int) -> tuple[np.ndarray, list[np.ndarray]]:
    kept = [_after_burn_in(t, burn_in) for t in traces]
    chains = {k.shape[0] for k in kept}
    if len(chains) != 1:
        raise ValueError(f"every temperature needs the same number of chains, got {sorted(chains)}")
    return np.stack([k.mean(axis=1) for k in kept], axis=1), kept


def multi_temperature_lambda(
    nbetas: Sequence[float], losses: Sequence[np.ndarray], n: int, burn_in: int = 0
) -> Estimate:
    """λ as the least-squares slope of E_β[n·L_n] against 1/β = n/(nβ), one regression per chain.

    ``losses[k]`` is the (chains, draws) loss trace at inverse temperature ``nbetas[k]``.
    """
    nbetas = np.asarray(nbetas, dtype=float)
    if nbetas.ndim != 1 or len(nbetas) < 2 or len(nbetas) != len(losses) or not np.all((nbetas > 0) & np.isfinite(nbetas)):
        raise ValueError(f"need at least two positive finite nbetas, one per loss trace, got {nbetas.tolist()}")
    if len(np.unique(nbetas)) < 2:
        raise ValueError(f"the nbetas must take at least two different values for a slope, got {nbetas.tolist()}")
    _positive(n, "n")
    means, kept = _per_chain_means(losses, burn_in)  # (chains, temperatures)
    x = n / nbetas
    design = np.stack([np.ones_like(x), x], axis=1)
    slopes = np.linalg.lstsq(design, (n * means).T, rcond=None)[0][1]
    trace = np.concatenate([nb * k for nb, k in zip(nbetas, kept)], axis=1)  # health over every temperature
    estimate = _summarise(slopes, trace, {"nbetas": nbetas.tolist(), "n": int(n), "burn_in": int(burn_in)})
    per_temperature = [rhat(nb * k) for nb, k in zip(nbetas, kept)]
    return estimate._replace(
        rhat=float(np.nanmax(per_temperature)) if np.any(np.isfinite(per_temperature)) else float("nan")
    )


def thermodynamic_integration(nbetas: Sequence[float], losses: Sequence[np.ndarray], burn_in: int = 0) -> Estimate:
    """F(t_max) − F(0) = ∫₀^t_max E_s[L_n] ds on the grid ``nbetas`` (increasing, t_max its last point).

    The integral runs in u = log s by the trapezoidal rule over s·E_s[L_n]; the piece [0, s_1] is
    s_1·E_{s_1}[L_n], exact to O(s_1²·Var_0[L_n]), so choose s_1 small. With the prior φ as the
    base measure, F(t) = −log ∫ exp(−t·L_n) φ.
    """
    nbetas = np.asarray(nbetas, dtype=float)
    if (
        nbetas.ndim != 1
        or len(nbetas) < 2
        or len(nbetas) != len(losses)
        or np.any(np.diff(nbetas) <= 0)
        or nbetas[0] <= 0
    ):
        raise ValueError(f"nbetas must be a positive increasing grid with one loss trace each, got {nbetas.tolist()}")
    means, kept = _per_chain_means(losses, burn_in)
    u = np.log(nbetas)
    integrand = nbetas * means  # s·E_s[L]
    per_chain = nbetas[0] * means[:, 0] + np.sum(0.5 * (integrand[:, 1:] + integrand[:, :-1]) * np.diff(u), axis=1)
    trace = np.concatenate([nb * k for nb, k in zip(nbetas, kept)], axis=1)
    return _summarise(
        per_chain, trace, {"nbetas": nbetas.tolist(), "burn_in": int(burn_in), "rule": "trapezoid in log nβ"}
    )


def free_energy_ladder(nbetas: Sequence[float], llcs: Sequence[Estimate], loss_at_center: float) -> list[Estimate]:
    """F(t_k) − F(t_1) for every rung t_k of an increasing ladder of nβ, from λ̂ measured at each rung.

    dF/dlog t = t·E_t[L_n] = t·L_n(w*) + λ̂(t), integrated by the trapezoidal rule in log t. The
    rungs are independent runs with equally many chains, so the c-th chain of each rung combines into
    one independent replicate of the integral: its spread gives the standard error. An estimate is
    healthy only if every rung it uses is.
    """
    nbetas = np.asarray(nbetas, dtype=float)
    if (
        nbetas.ndim != 1
        or len(nbetas) != len(llcs)
        or len(nbetas) < 2
        or nbetas[0] <= 0
        or np.any(np.diff(nbetas) <= 0)
    ):
        raise ValueError(f"nbetas must be a positive increasing ladder with one λ̂ each, got {nbetas.tolist()}")
    chains = {len(e.per_chain) for e in llcs}
    if len(chains) != 1:
        raise ValueError(f"every rung needs the same number of chains, got {sorted(chains)}")
    slopes = np.stack(
        [t * loss_at_center + np.asarray(e.per_chain, dtype=float) for t, e in zip(nbetas, llcs)]
    )  # (rungs, chains)
    steps = 0.5 * (slopes[1:] + slopes[:-1]) * np.diff(np.log(nbetas))[:, None]
    cumulative = np.vstack([np.zeros((1, slopes.shape[1])), np.cumsum(steps, axis=0)])
    estimates = []
    for k, per_chain in enumerate(cumulative):
        used = llcs[: k + 1]
        finite = per_chain[np.isfinite(per_chain)]
        value = float(finite.mean()) if len(finite) else float("nan")
        stderr = float(finite.std(ddof=1) / np.sqrt(len(finite))) if len(finite) > 1 else float("nan")
        healthy = all(e.healthy for e in used) and len(finite) > 1
        warnings_ = [w for e in used for w in e.diagnostics.get("warnings", [])]
        diagnostics = {
            "healthy": healthy,
            "warnings": warnings_,
            "nbetas": nbetas[: k + 1].tolist(),
            "rule": "trapezoid in log nβ",
        }
        rhats = [e.rhat for e in used if np.isfinite(e.rhat)]
        esses = [e.ess for e in used if np.isfinite(e.ess)]
        estimates.append(
            Estimate(
                value,
                stderr,
                per_chain,
                max(rhats, default=float("nan")),
                min(esses, default=float("nan")),
                diagnostics,
            )
        )
    return estimates


def excess_free_energy(nbetas: Sequence[float], llcs: Sequence[Estimate], prior_excess: float) -> list[Estimate]:
    """F(t_k) − t_k·L0 = ∫₀^t_k (E_s[K] − L0) ds at every rung t_k of an increasing ladder, from λ_eff(t_k) =
    t_k·(E_{t_k}[K] − L0) measured at each rung and the prior's excess E_0[K] − L0, known exactly.

    The piece [0, t_1] is the trapezoid in s, t_1·((E_0[K] − L0) + (E_{t_1}[K] − L0))/2, exact to O(t_1³)
    (E_s[K] = E_0[K] − s·Var_0[K] + O(s²)): choose t_1 ≪ 1/sd_0(K). The rest is ∫ λ_eff(s) d log s by the
    cumulative Simpson rule on the (possibly uneven) ladder in log s (scipy); ``diagnostics["quadrature_error"]``
    is |Simpson − trapezoid|, an estimate of the quadrature error that is conservative for Simpson's own. The
    rungs are independent runs with equally many chains: chain c of every rung makes one replicate of the
    integral, and their spread is the sampling error. An estimate is healthy only if every rung it uses is.
    """
    from scipy.integrate import cumulative_simpson, cumulative_trapezoid

    nbetas = np.asarray(nbetas, dtype=float)
    if nbetas.ndim != 1 or len(nbetas) != len(llcs) or len(nbetas) < 1 or nbetas[0] <= 0 or np.any(np.diff(nbetas) <= 0):
        raise ValueError(f"nbetas must be a positive increasing ladder with one λ_eff each, got {nbetas.tolist()}")
    if not 0 <= prior_excess < np.inf:
        raise ValueError(f"prior_excess = E_0[K] − L0 must be non-negative and finite, got {prior_excess!r}")
    chains = {len(e.per_chain) for e in llcs}
    if len(chains) != 1:
        raise ValueError(f"every rung needs the same number of chains, got {sorted(chains)}")
    integrand = np.stack([np.asarray(e.per_chain, dtype=float) for e in llcs])  # (rungs, chains)
    first = 0.5 * (nbetas[0] * prior_excess + integrand[0])
    u = np.log(nbetas)
    if len(nbetas) > 2:
        simpson = cumulative_simpson(integrand, x=u, axis=0, initial=0.0)
    else:
        simpson = cumulative_trapezoid(integrand, x=u, axis=0, initial=0.0)
    trapezoid = cumulative_trapezoid(integrand, x=u, axis=0, initial=0.0)
    estimates = []
    for k in range(len(nbetas)):
        per_chain = first + simpson[k]
        used = llcs[: k + 1]
        finite = per_chain[np.isfinite(per_chain)]
        quadrature = float(np.abs(np.mean(simpson[k] - trapezoid[k]))) if len(finite) else float("nan")
        diagnostics = {
            "healthy": all(e.healthy for e in used) and len(finite) > 1,
            "warnings": sorted({w for e in used for w in e.diagnostics.get("warnings", [])}),
            "rungs": k + 1,
            "first_rung": float(nbetas[0]),
            "rule": "trapezoid in s on [0, t_1], cumulative Simpson in log s above",
            "quadrature_error": quadrature,
        }
        rhats = [e.rhat for e in used if np.isfinite(e.rhat)]
        esses = [e.ess for e in used if np.isfinite(e.ess)]
        estimates.append(Estimate(
            float(finite.mean()) if len(finite) else float("nan"),
            float(finite.std(ddof=1) / np.sqrt(len(finite))) if len(finite) > 1 else float("nan"),
            per_chain, max(rhats, default=float("nan")), min(esses, default=float("nan")), diagnostics,
        ))  # fmt: skip
    return estimates


class LineFit(NamedTuple):
    """y = intercept + slope·x fitted to estimates, with standard errors; ``chi2_per_dof`` > 1 says the
    points scatter more than their errors, and the errors have been inflated by its square root."""

    slope: float
    slope_stderr: float
    intercept: float
    intercept_stderr: float
    chi2_per_dof: float
    points: int

    def as_dict(self) -> dict[str, Any]:
        return {
            key: (float(v) if np.isfinite(v) else None) if isinstance(v, float) else v
            for key, v in self._asdict().items()
        }


def line_fit(xs: Sequence[float], estimates: Sequence[Estimate]) -> LineFit:
    """Weighted least squares (weights 1/stderr²) of the estimates' values against ``xs``.

    The covariance is (XᵀWX)⁻¹ times max(1, χ²/dof) (the Birge ratio), so that a fit whose points
    disagree with a line beyond their errors gets a wider error, never a narrower one.
    """
    x = np.asarray(xs, dtype=float)
    y = np.asarray([e.value for e in estimates], dtype=float)
    se = np.asarray([e.stderr for e in estimates], dtype=float)
    if len(x) != len(y) or len(x) < 3 or len(np.unique(x)) < 2:
        raise ValueError(f"a line fit with an error needs at least three points at two or more x, got x = {x.tolist()}")
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(se)) or np.any(se <= 0):
        raise ValueError(f"every estimate needs a finite value and a positive standard error, got {list(zip(y, se))}")
    coefficients, covariance = np.polyfit(x, y, 1, w=1.0 / se, cov="unscaled")
    chi2 = float(np.sum(((y - np.polyval(coefficients, x)) / se) ** 2) / (len(x) - 2))
    covariance = covariance * max(1.0, chi2)
    return LineFit(float(coefficients[0]), float(np.sqrt(covariance[0, 0])), float(coefficients[1]),
                   float(np.sqrt(covariance[1, 1])), chi2, len(x))  # fmt: skip
