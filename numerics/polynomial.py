"""Polynomial potentials K(w) from a sympy expression, as a JAX loss, so that sampling can be
checked against the exact theory of the same K (Watanabe 2009, ch. 7; docs/references.md).

This is the one place ``numerics`` touches sympy, and only to lambdify.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp

from numerics.models import Batch, Loss

if TYPE_CHECKING:
    import sympy


def polynomial_potential(expression: sympy.Expr, variables: Sequence[str] | None = None) -> tuple[Loss, list[str]]:
    """``(loss, variables)`` with ``loss(w, batch) = K(w)`` for a 1-D array w in the order of ``variables``.

    The batch is ignored: K is a population loss, so the tempered posterior is ∝ exp(−nβ·K(w)).
    Variables default to the expression's free symbols in alphabetical order. ``numerics`` reads no text:
    a loss written as text becomes an expression through the safe reader, ``theory.read_expression``
    (sympy's own ``sympify`` would ``eval`` it).
    """
    import sympy

    if not isinstance(expression, sympy.Expr):
        raise ValueError(
            f"the polynomial must be a sympy expression, got {expression!r}; read text with "
            "theory.read_expression, e.g. polynomial_potential(read_expression('x**2 + y**2'))"
        )
    expr = expression
    names = sorted(str(s) for s in expr.free_symbols) if variables is None else [str(v).strip() for v in variables]
    by_name = {s.name: s for s in expr.free_symbols}
    symbols = tuple(by_name.get(name, sympy.Symbol(name)) for name in names)
    if not names:
        raise ValueError(f"the polynomial {expression!r} has no variables")
    extra = {str(s) for s in expr.free_symbols} - set(names)
    if extra:
        raise ValueError(f"the polynomial {expression!r} uses variables {sorted(extra)} not listed in {names}")
    if not expr.is_polynomial(*symbols):
        raise ValueError(f"{expression!r} is not a polynomial in {names}")
    function = sympy.lambdify(symbols, expr, modules="jax")

    def loss(w: jax.Array, batch: Batch = None) -> jax.Array:
        if jnp.shape(w) != (len(names),):  # shapes are static: this runs once, when the loss is traced
            raise ValueError(f"K takes a point of shape ({len(names)},) for variables {names}, got shape {jnp.shape(w)}")
        return jnp.asarray(function(*[w[i] for i in range(len(names))]), dtype=w.dtype)

    return loss, names
