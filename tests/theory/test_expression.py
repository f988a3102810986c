"""The safe expression reader against sympy's own (eval-based) parser on trusted text, and against hostile text."""

import os
import time

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import parse_expr

from theory.expression import MAX_DEGREE, MAX_TERMS, read_expression, read_rational

TRUSTED = ["x**2*y**2 + x**6", "(y**2 - x**3)**2", "3*x/2 - y", "-x + +y", "0.25*x**4", "1e-3*x**2 + 2**10*y", "((x))**3"]


@pytest.mark.parametrize("text", TRUSTED)
def test_reads_what_sympy_reads(text):
    """Independent reference: sympy's parse_expr (which evals, so only on trusted text), with exact numbers."""
    x, y = sympy.symbols("x y", real=True)
    expected = sympy.nsimplify(parse_expr(text, local_dict={"x": x, "y": y}), rational=True)
    assert sympy.expand(read_expression(text) - expected) == 0


def test_numbers_are_exact_and_caret_is_power():
    assert read_expression("0.1*x^2") == sympy.Rational(1, 10) * sympy.Symbol("x", real=True) ** 2
    assert read_rational("5/2") == sympy.Rational(5, 2) and read_rational(0.1) == sympy.Rational(1, 10)
    for bad in ["x", "1/0", "2**0.5"]:
        with pytest.raises(ValueError, match="the number"):
            read_rational(bad)


PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "lambda: open('{marker}', 'w')",
    "[open('{marker}', 'w') for _ in 'a']",
    "(open('{marker}', 'w'))",
    "x if open('{marker}', 'w') else y",
    "(m := open('{marker}', 'w'))",
    "'{marker}'",
    "x**(10**10)",
    "10**10**10",
    "(x + y + z)**1000",
    "2**100000",
    "1e100000000*x",
    "x" + "+x" * 20_000,
    "-(" * 200 + "x" + ")" * 200,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_refused_without_side_effect(payload, tmp_path):
    marker = tmp_path / "PWNED"
    start = time.perf_counter()
    with pytest.raises(ValueError) as error:
        read_expression(payload.format(marker=marker), what="the loss K")
    assert time.perf_counter() - start < 2
    assert "\n" not in str(error.value) and "the loss K" in str(error.value)
    assert not marker.exists() and not os.path.exists("PWNED")


def test_bounds_are_stated():
    with pytest.raises(ValueError, match=f"at most {MAX_DEGREE}"):
        read_expression(f"x**{MAX_DEGREE + 1}")
    with pytest.raises(ValueError, match=f"at most {MAX_TERMS}"):
        read_expression("(a + b + c + d)**60")
    assert read_expression(f"x**{MAX_DEGREE}").as_poly().degree() == MAX_DEGREE
    with pytest.raises(ValueError, match="not a declared variable|among the declared"):
        read_expression("x*z", ["x", "y"])


IDENTIFIERS = st.sampled_from(["os", "sys", "eval", "exec", "open", "getattr", "__import__", "x", "breakpoint"])


@given(
    st.one_of(
        st.builds(lambda f, a: f"{f}({a!r})", IDENTIFIERS, st.text(max_size=20)),
        st.builds(lambda o, a: f"({o}).{a}", st.sampled_from(["x", "1", "()", "''"]), st.sampled_from(["__class__", "real", "mro"])),
        st.builds(lambda k: f"x**{k}", st.integers(MAX_DEGREE + 1, 10**30)),
        st.builds(lambda a, b: f"{a}[{b}]", IDENTIFIERS, st.integers()),
        st.builds(lambda s: repr(s), st.text(max_size=20)),
    )
)
@settings(max_examples=150, deadline=2000)
def test_property_hostile_forms_are_refused(text):
    with pytest.raises(ValueError):
        read_expression(text)
