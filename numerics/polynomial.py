"""Polynomial potentials K(w) from a sympy expression, as a JAX loss, so that sampling can be
checked against the exact theory of the same K (REFERENCES §4).

This is the one place ``numerics`` touches sympy, and only to lambdify.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax
import jax.numpy as jnp

from numerics.models import Batch, Loss


def polynomial_potential(expression: str, variables: Sequence[str] | None = None) -> tuple[Loss, list[str]]:
    """``(loss, variables)`` with ``loss(w, batch) = K(w)`` for a 1-D array w in the order of ``variables``.

    The batch is ignored: K is a population loss, so the tempered posterior is ∝ exp(−nβ·K(w)).
    Variables default to the expression's free symbols in alphabetical order.
    """
    import sympy

    try:
        expr = sympy.sympify(expression)
    except (sympy.SympifyError, TypeError, SyntaxError) as error:
        raise ValueError(f"cannot read the polynomial {expression!r}: {error}") from None
    names = sorted(str(s) for s in expr.free_symbols) if variables is None else list(variables)
    symbols = sympy.symbols(names) if names else ()
    symbols = (symbols,) if isinstance(symbols, sympy.Symbol) else tuple(symbols)
    if not names:
        raise ValueError(f"the polynomial {expression!r} has no variables")
    extra = {str(s) for s in expr.free_symbols} - set(names)
    if extra:
        raise ValueError(f"the polynomial {expression!r} uses variables {sorted(extra)} not listed in {names}")
    if not expr.is_polynomial(*symbols):
        raise ValueError(f"{expression!r} is not a polynomial in {names}")
    function = sympy.lambdify(symbols, expr, modules="jax")

    def loss(w: jax.Array, batch: Batch = None) -> jax.Array:
        return jnp.asarray(function(*[w[i] for i in range(len(names))]), dtype=w.dtype)

    return loss, names
