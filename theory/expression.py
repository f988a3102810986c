"""The one safe reader of mathematical text: every loss, polynomial or g(y) the tool reads from a user goes
through :func:`read_expression`, never through ``eval`` (which sympy's ``sympify`` and ``parse_expr`` use).

Grammar (a whitelist over Python's own parser, ``ast.parse(mode="eval")``; ``^`` is read as ``**``)::

    expr   := number | name | expr (+ | - | * | /) expr | expr ** integer | (+ | -) expr | ( expr )
    number := a decimal literal: 3, 0.25, 1e-3 — read exactly (0.1 is the rational 1/10)
    name   := a declared variable (an identifier that is not a dunder name)

Nothing else is accepted: no attribute access, calls, subscripts, lambdas, comprehensions, strings,
comparisons or keywords. Every size a user controls is bounded before anything is built, so that reading —
and expanding the result afterwards — cannot hang: the text's length (:data:`MAX_LENGTH`), its nesting
(:data:`MAX_DEPTH`), the total degree (:data:`MAX_DEGREE`), the number of terms of the expanded polynomial
(:data:`MAX_TERMS`) and the digits of any number in it (:data:`MAX_DIGITS`), each tracked as an upper bound
through the operations. A refusal is a ``ValueError`` naming the text and the reason, and has no side effect.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

import sympy

__all__ = ["MAX_DEGREE", "MAX_DIGITS", "MAX_LENGTH", "MAX_TERMS", "read_expression", "read_rational"]

MAX_LENGTH = 10_000  # characters of text
MAX_DEPTH = 100  # nested operations
MAX_DEGREE = 1_000  # total degree: far past what any exact engine here integrates
MAX_TERMS = 10_000  # monomials of the expanded polynomial
MAX_DIGITS = 10_000  # decimal digits of a coefficient

_LITERAL = re.compile(r"^(?P<mantissa>[0-9_]*\.?[0-9_]*)(?:[eE](?P<exponent>[+-]?[0-9_]+))?$")


class _Read(NamedTuple):
    """A subexpression with upper bounds on its total degree, expanded term count and coefficient digits."""

    expr: sympy.Expr
    degree: int
    terms: int
    digits: int


def read_expression(text: object, variables: Iterable[str] | None = None, *, what: str = "the expression") -> sympy.Expr:
    """The sympy expression that ``text`` writes, read by the whitelisted grammar above.

    ``variables``: the names allowed (each becomes a real sympy Symbol); None allows any identifier that is
    not a dunder name. Numbers are exact rationals. ``what`` names the input in errors, e.g. "the loss K".
    Raises ``ValueError`` for anything outside the grammar or its bounds.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise ValueError(f"{what} must be text such as 'x**2*y**2', got {text!r}")
    source = str(text).replace("^", "**").strip()
    if not source:
        raise ValueError(f"{what} is empty")
    if len(source) > MAX_LENGTH:
        raise ValueError(f"{what} is {len(source)} characters long; at most {MAX_LENGTH} are read")
    allowed = None if variables is None else {str(name).strip() for name in variables}
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else str(error) or type(error).__name__
        raise ValueError(f"cannot parse {what} {_shown(text)}: {reason}") from None
    return _Reader(source, allowed, what, text).read(tree.body, 0).expr


def _shown(text: object) -> str:
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "…'"


class _Reader:
    """Turns a parsed tree into sympy node by node, refusing every node type outside the grammar."""

    def __init__(self, source: str, allowed: set[str] | None, what: str, text: object) -> None:
        self.source, self.allowed, self.what, self.text = source, allowed, what, text
        self.symbols: dict[str, sympy.Symbol] = {}

    def refuse(self, reason: str) -> ValueError:
        return ValueError(f"cannot parse {self.what} {_shown(self.text)}: {reason}")

    def read(self, node: ast.AST, depth: int) -> _Read:
        if depth > MAX_DEPTH:
            raise self.refuse(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.bounded(self.name(node.id), 1, 1, 1)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            operand = self.read(node.operand, depth + 1)
            return operand._replace(expr=-operand.expr) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            left, right = self.read(node.left, depth + 1), self.read(node.right, depth + 1)
            return self.binary(node.op, left, right)
        raise self.refuse(f"{_describe(node)} is not allowed: not a polynomial (only numbers, variables, + − * / ** and parentheses)")

    def bounded(self, expr: sympy.Expr | Callable[[], sympy.Expr], degree: int, terms: int, digits: int) -> _Read:
        """``expr`` with its size bounds, after refusing any bound above its limit; ``expr`` may be a function that
        builds it, called only once the bounds pass (building ``10**10**10`` would itself be the hang)."""
        for value, bound, name in [(degree, MAX_DEGREE, "total degree"), (terms, MAX_TERMS, "terms once expanded"),
                                   (digits, MAX_DIGITS, "digits in a coefficient")]:  # fmt: skip
            if value > bound:
                raise self.refuse(f"it would have up to {value} {name} (at most {bound})")
        return _Read(expr() if callable(expr) else expr, degree, terms, digits)

    def number(self, node: ast.Constant) -> _Read:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.refuse(f"{value!r} is not a number")
        if isinstance(value, int):
            return self.bounded(sympy.Integer(value), 0, 1, _digits_of_int(value))
        literal = (ast.get_source_segment(self.source, node) or repr(value)).replace("_", "")
        match = _LITERAL.match(literal)
        if match is None:
            raise self.refuse(f"{literal} is not a decimal number")
        digits = len(match["mantissa"]) + abs(int(match["exponent"] or 0))
        return self.bounded(lambda: sympy.Rational(literal), 0, 1, digits)

    def name(self, name: str) -> sympy.Symbol:
        if name.startswith("__") or name.endswith("__"):
            raise self.refuse(f"the name {name!r} is not allowed")
        if self.allowed is not None and name not in self.allowed:
            declared = ", ".join(sorted(self.allowed)) or "none"
            raise self.refuse(f"it uses {name}, not among the declared variables ({declared})")
        if name not in self.symbols:
            self.symbols[name] = sympy.Symbol(name, real=True)
        return self.symbols[name]

    def binary(self, op: ast.operator, a: _Read, b: _Read) -> _Read:
        if isinstance(op, ast.Add):
            return self.bounded(lambda: a.expr + b.expr, max(a.degree, b.degree), a.terms + b.terms, max(a.digits, b.digits) + 1)
        if isinstance(op, ast.Sub):
            return self.bounded(lambda: a.expr - b.expr, max(a.degree, b.degree), a.terms + b.terms, max(a.digits, b.digits) + 1)
        if isinstance(op, ast.Mult):
            digits = a.digits + b.digits + _digits_of_int(min(a.terms, b.terms))
            return self.bounded(lambda: a.expr * b.expr, a.degree + b.degree, a.terms * b.terms, digits)
        if isinstance(op, ast.Div):
            if b.degree > 0:
                raise self.refuse(f"division by {b.expr}, which is not a number")
            if b.expr == 0:
                raise self.refuse("division by zero")
            return self.bounded(lambda: a.expr / b.expr, a.degree, a.terms, a.digits + b.digits)
        return self.power(a, b)

    def power(self, base: _Read, exponent: _Read) -> _Read:
        k = exponent.expr
        if not k.is_Integer:
            raise self.refuse(f"the exponent {k} must be an integer")
        if k < 0 and base.degree > 0:
            raise self.refuse(f"the negative power {k} of {base.expr} is not a polynomial")
        if k < 0 and base.expr == 0:
            raise self.refuse("division by zero")
        power = min(abs(int(k)), 10 * MAX_DIGITS + 1)  # past the digit limit the exact size no longer matters
        variables = len(base.expr.free_symbols)
        terms = min(base.terms ** min(power, 64), math.comb(base.degree * power + variables, variables))
        digits = power * (base.digits + _digits_of_int(base.terms))
        return self.bounded(lambda: base.expr**k, base.degree * power, terms, digits)


def _digits_of_int(value: int) -> int:
    """An upper bound on the decimal digits of an integer, without converting it to text (Python caps that)."""
    return int(abs(value).bit_length() * 0.30103) + 1


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access", ast.Call: "a function call", ast.Subscript: "indexing", ast.Lambda: "lambda",
        ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension", ast.Compare: "a comparison", ast.BoolOp: "a boolean operator",
        ast.IfExp: "a conditional", ast.NamedExpr: "an assignment", ast.Starred: "unpacking", ast.JoinedStr: "a string",
    }  # fmt: skip
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        return f"the operator {type(node.op).__name__}"
    return names.get(type(node), type(node).__name__)


def read_rational(value: object, *, what: str = "the number") -> sympy.Rational:
    """An exact rational from a number or text such as '5/2', '0.1' or '1e-3' (read by :func:`read_expression`,
    no variables allowed); a float is taken at its shortest decimal representation. Raises ``ValueError``."""
    if isinstance(value, sympy.Rational):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be a finite number, got {value!r}")
        value = repr(value)
    number = read_expression(value, [], what=what)
    if not number.is_Rational:
        raise ValueError(f"{what} must be a rational number, got {value!r}")
    return number
