"""Chain diagnostics: R-hat and ESS (from arviz) and chain health.

A chain is *unhealthy* when its trace holds a non-finite value ("nan") or blows up ("diverged": some
draw of the monitored quantity exceeds ``DIVERGENCE_FACTOR`` × max(1, |median of the chain means|)).
Unhealthy chains are reported and left out of every average, never averaged in.
R-hat is the rank-normalised split R-hat of Vehtari et al. (2021, Bayesian Analysis 16), ESS their bulk ESS.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

DIVERGENCE_FACTOR = 100.0
RHAT_THRESHOLD = 1.05  # Vehtari et al. 2021 recommend 1.01 for final results; 1.05 flags clear disagreement


def rhat(draws: np.ndarray) -> float:
    """Split-R̂ of a (chains, draws) array; NaN with fewer than two chains or four draws."""
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2 or draws.shape[0] < 2 or draws.shape[1] < 4 or not np.all(np.isfinite(draws)):
        return float("nan")
    with warnings.catch_warnings():  # arviz announces its refactor with a FutureWarning at import
        warnings.simplefilter("ignore")
        import arviz

        return float(arviz.rhat(draws))


def ess(draws: np.ndarray) -> float:
    """Bulk effective sample size of a (chains, draws) array (all chains pooled)."""
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] < 4 or not np.all(np.isfinite(draws)):
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import arviz

        return float(arviz.ess(draws, method="bulk"))


def chain_health(draws: np.ndarray) -> dict[str, Any]:
    """Which chains of a (chains, draws) trace are healthy, and why the others are not."""
    draws = np.asarray(draws, dtype=float)
    finite = np.all(np.isfinite(draws), axis=1)
    nan_chains = [int(c) for c in np.flatnonzero(~finite)]
    diverged: list[int] = []
    if finite.any():
        scale = max(1.0, abs(float(np.median(draws[finite].mean(axis=1)))))
        peaks = np.where(finite, np.max(np.abs(np.where(np.isfinite(draws), draws, 0.0)), axis=1), 0.0)
        diverged = [int(c) for c in np.flatnonzero(finite & (peaks > DIVERGENCE_FACTOR * scale))]
    healthy = [c for c in range(draws.shape[0]) if c not in nan_chains and c not in diverged]
    return {"chains": int(draws.shape[0]), "healthy_chains": healthy, "nan_chains": nan_chains, "diverged_chains": diverged}
