"""Deep linear networks W_L ⋯ W_1 at a true product of rank r: λ of Aoyagi (2024); sampled at a rank-r teacher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jax

import numerics
import theory
from proofs_checks.families.base import Family, Samplable

if TYPE_CHECKING:
    from proofs_checks.spec import Spec


def _sample(spec: Spec, seed: int) -> Samplable:
    """A rank-r teacher and n noise-free examples, both drawn with ``seed``; n from [sampler] (default 10,000)."""
    widths, n = list(spec.model["widths"]), int(spec.sampler.get("n", 10_000))
    key_teacher, key_data = jax.random.split(jax.random.key(seed))
    teacher = numerics.deep_linear_teacher(key_teacher, widths, spec.model["rank"])
    data = numerics.teacher_student_data(key_data, numerics.deep_linear_apply, teacher, n, widths[0])
    return Samplable(numerics.mse_loss(numerics.deep_linear_apply), teacher, data, n)


FAMILY = Family(
    name="deep_linear",
    summary="a deep linear network (widths input → output, rank of the true product)",
    fields=frozenset({"widths", "rank"}),
    required=frozenset({"widths", "rank"}),
    theory=lambda spec: theory.deep_linear(spec.model["widths"], spec.model["rank"]),
    sample=_sample,
)
