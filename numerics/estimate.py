"""``Estimate``: a sampled number with its uncertainty and the evidence for trusting it."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np


class Estimate(NamedTuple):
    """value ± stderr (standard error across healthy chains), per-chain values, R-hat, ESS, diagnostics.

    ``diagnostics["healthy"]`` is False when any chain was unhealthy or R-hat exceeds its threshold;
    ``diagnostics["warnings"]`` says why in words.
    """

    value: float
    stderr: float
    per_chain: np.ndarray
    rhat: float
    ess: float
    diagnostics: dict[str, Any]

    @property
    def healthy(self) -> bool:
        return bool(self.diagnostics.get("healthy", False))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; non-finite numbers become ``None``."""

        def clean(x: float) -> float | None:
            return float(x) if math.isfinite(float(x)) else None

        return {
            "value": clean(self.value),
            "stderr": clean(self.stderr),
            "per_chain": [clean(v) for v in np.asarray(self.per_chain, dtype=float)],
            "rhat": clean(self.rhat),
            "ess": clean(self.ess),
            "diagnostics": self.diagnostics,
            "kind": "sampled",
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Estimate":
        """The inverse of :meth:`as_dict` (``None`` back to NaN)."""
        number = lambda x: float("nan") if x is None else float(x)  # noqa: E731
        per_chain = np.asarray([number(v) for v in data["per_chain"]], dtype=float)
        return cls(number(data["value"]), number(data["stderr"]), per_chain, number(data["rhat"]), number(data["ess"]), data["diagnostics"])

    def __str__(self) -> str:
        return f"{self.value:.4g} ± {self.stderr:.2g}"
