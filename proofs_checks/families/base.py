"""The interface every model family implements: what a spec of the family holds, what theory knows, how to sample it.

A family is a frozen ``Family`` value built once in its own module (``families/regular.py`` …) and listed in
``families/__init__.py``; spec parsing (``spec``), claims (``claims``), sampling (``sampling``) and the CLI loop over
that registry instead of testing ``kind`` strings. Adding a family is one module and one line in the registry — see
docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import theory
    from proofs_checks.spec import Spec


class Samplable(NamedTuple):
    """What ``numerics.estimate_llc`` needs: a loss ``loss(params, batch)``, the point w*, the data and n."""

    loss: Callable[..., Any]
    center: Any
    data: Any
    n: int


def _nothing_more(model: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """The default extra validation: none beyond the field names."""


@dataclass(frozen=True)
class Family:
    """One model family.

    - ``name``: the spec's ``[model] kind``; ``summary``: one line for help texts and errors;
    - ``fields`` / ``required``: the ``[model]`` keys it takes / needs; ``validate(model, data)`` raises a
      ``ValueError`` naming the offending value for anything else that is wrong;
    - ``theory(spec)``: the learning coefficient theory knows (exact or a bound), ``None`` when it knows none;
    - ``sample(spec, seed)``: the ``Samplable`` of the model, ``None`` for a family that is only decided exactly.
    """

    name: str
    summary: str
    fields: frozenset[str]
    required: frozenset[str]
    theory: Callable[[Spec], theory.LearningCoefficient | None]
    sample: Callable[[Spec, int], Samplable] | None = None
    validate: Callable[[Mapping[str, Any], Mapping[str, Any]], None] = field(default=_nothing_more)

    def samplable(self, spec: Spec, seed: int = 0) -> Samplable:
        if self.sample is None:
            raise ValueError(f"no sampled evidence for a {self.name} model: theory decides it exactly")
        return self.sample(spec, seed)
