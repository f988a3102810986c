"""Model specification files (TOML): one description of a model that every layer understands (DESIGN.md).

```toml
[model]
kind = "deep_linear"          # regular | reduced_rank | deep_linear | monomial | polynomial | network
widths = [5, 3, 4, 6]         # deep_linear: input → output
rank = 2
# regular: dim;  reduced_rank: inputs, outputs, hidden, rank;  monomial: exponents, prior_exponents
# polynomial: expression, variables, prior_exponents, at
# network: params (.npz/.safetensors), activation, loss = "mse" | "cross-entropy"

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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("regular", "reduced_rank", "deep_linear", "monomial", "polynomial", "network")
_FIELDS = {
    "regular": {"dim"},
    "reduced_rank": {"inputs", "outputs", "hidden", "rank"},
    "deep_linear": {"widths", "rank"},
    "monomial": {"exponents", "prior_exponents"},
    "polynomial": {"expression", "variables", "prior_exponents", "at"},
    "network": {"params", "activation", "loss"},
}
_REQUIRED = {
    "regular": {"dim"},
    "reduced_rank": {"inputs", "outputs", "hidden", "rank"},
    "deep_linear": {"widths", "rank"},
    "monomial": {"exponents"},
    "polynomial": {"expression"},
    "network": {"params"},
}
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
    if kind not in KINDS:
        raise ValueError(f"[model] kind must be one of {', '.join(KINDS)}, got {kind!r}")
    unknown = set(model) - _FIELDS[kind]
    if unknown:
        raise ValueError(f"[model] of kind {kind!r} does not take {sorted(unknown)}; it takes {sorted(_FIELDS[kind])}")
    missing = _REQUIRED[kind] - set(model)
    if missing:
        raise ValueError(f"[model] of kind {kind!r} needs {sorted(missing)}")
    data = dict(document.get("data", {}))
    if kind == "network" and "path" not in data:
        raise ValueError("a network model needs [data] path = \"FILE.npz\" with arrays x and y")
    sampler = dict(document.get("sampler", {}))
    unknown = set(sampler) - _SAMPLER_FIELDS
    if unknown:
        raise ValueError(f"[sampler] does not take {sorted(unknown)}; it takes {sorted(_SAMPLER_FIELDS)}")
    return Spec(kind, model, data, sampler, folder)


def load_spec(path: str | Path) -> Spec:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such spec file: {str(path)!r}")
    return parse_spec(path.read_text(), path.parent)
