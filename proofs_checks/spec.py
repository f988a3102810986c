"""Model specification files (TOML): one description of a model that every layer understands.

```toml
[model]
kind = "deep_linear"          # a family of proofs_checks.families: regular, monomial, polynomial, reduced_rank, two_layer, deep_linear, network, modular
widths = [5, 3, 4, 6]         # deep_linear: input → output
rank = 2
# regular: dim;  reduced_rank: inputs, outputs, hidden, rank;  monomial: exponents, prior_exponents
# two_layer: inputs, outputs, hidden, singular_values, prior_var
# polynomial: expression, variables, prior_exponents, at
# network: params (.npz/.safetensors), activation, loss = "mse" | "cross-entropy"
# modular: p, params (arrays w and a of the quadratic network), train_fraction, data_seed

[data]                        # network models only
path = "data.npz"             # arrays x and y

[sampler]                     # optional: settings of the sampled evidence
n = 10000                     # sample size that sets nβ = n/log n (polynomials, teachers of catalogue models)
temperatures = [0.5, 1, 2]    # multiples of n/log n at which λ̂ is sampled
chains = 4
gamma = 1.0
```
Relative paths are read from the spec file's folder.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proofs_checks.families import family

_SAMPLER_FIELDS = {"n", "nbeta", "temperatures", "chains", "gamma", "steps", "batch", "seed"}


@dataclass(frozen=True)
class Spec:
    kind: str
    model: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    sampler: dict[str, Any] = field(default_factory=dict)
    folder: Path = Path(".")

    def path(self, value: str) -> Path:
        """A path from the spec, relative to the spec file's folder."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else self.folder / candidate


def parse_spec(text: str, folder: Path = Path(".")) -> Spec:
    """Parse a TOML model spec; every mistake is a ``ValueError`` that names the offending key or value."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"the spec is not valid TOML: {error}") from None
    return spec_from_tables(document, folder)


def spec_from_tables(document: dict[str, Any], folder: Path = Path(".")) -> Spec:
    """The same validation as ``parse_spec`` for tables that are already parsed (a sweep job's spec)."""
    unknown_tables = set(document) - {"model", "data", "sampler"}
    if unknown_tables:
        raise ValueError(f"unknown table(s) {sorted(unknown_tables)} in the spec; expected [model], [data], [sampler]")
    model = dict(document.get("model", {}))
    kind = model.pop("kind", None)
    model_family = family(kind)
    unknown = set(model) - model_family.fields
    if unknown:
        raise ValueError(f"[model] of kind {kind!r} does not take {sorted(unknown)}; it takes {sorted(model_family.fields)}")
    missing = model_family.required - set(model)
    if missing:
        raise ValueError(f"[model] of kind {kind!r} needs {sorted(missing)}")
    data = dict(document.get("data", {}))
    model_family.validate(model, data)
    sampler = dict(document.get("sampler", {}))
    unknown = set(sampler) - _SAMPLER_FIELDS
    if unknown:
        raise ValueError(f"[sampler] does not take {sorted(unknown)}; it takes {sorted(_SAMPLER_FIELDS)}")
    for key, value in sampler.items():
        _check_sampler_value(key, value)
    return Spec(kind, model, data, sampler, folder)


_SAMPLER_RANGES = {  # key: (integer?, lowest, highest) — the same bounds as the command line's options
    "n": (True, 2, 10_000_000), "chains": (True, 1, 1_024), "steps": (True, 1, 10_000_000), "batch": (True, 1, 10_000_000),
    "seed": (True, 0, 2**63 - 1), "nbeta": (False, 0, 1e300), "gamma": (False, 0, 1e300),
}  # fmt: skip


def _check_sampler_value(key: str, value: Any) -> None:
    """A [sampler] value of the right type, finite and within its range; ``temperatures`` a list of them."""
    if key == "temperatures":
        if not isinstance(value, list) or not value:
            raise ValueError(f"[sampler] temperatures must be a non-empty list of positive numbers, got {value!r}")
        for item in value:
            _check_number("temperatures", item, False, 0, 1e300)
        if len(set(value)) != len(value):
            raise ValueError(f"[sampler] temperatures must differ from each other, got {value!r}")
        return
    _check_number(key, value, *_SAMPLER_RANGES[key])


def _check_number(key: str, value: Any, integer: bool, low: float, high: float) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) or not low <= value <= high \
            or (not integer and key != "gamma" and value == 0):  # fmt: skip
        kind = "an integer" if integer else "a finite number"
        raise ValueError(f"[sampler] {key} must be {kind} from {low:g} to {high:g}{'' if integer or key == 'gamma' else ' (not 0)'}, got {value!r}")


def load_spec(path: str | Path) -> Spec:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such spec file: {str(path)!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the spec {str(path)!r}: {getattr(error, 'strerror', None) or error}") from None
    return parse_spec(text, path.parent)
