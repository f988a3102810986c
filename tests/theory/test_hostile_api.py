"""The theory API refuses empty, unbounded and out-of-range input with a ValueError naming it."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import theory


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: theory.two_layer_thermodynamics(10, [], 2, 1, 2), "singular_values is empty"),
        (lambda: theory.two_layer_volume("0.1", 2, 1, 2, []), "singular_value is empty"),
        (lambda: theory.two_layer_thermodynamics("1e400", ["0.1"], 2, 1, 2), "outside the range"),
        (lambda: theory.polynomial_thermodynamics("x**2", 10, prior_var="1e400"), "outside the range"),
        (lambda: theory.polynomial_thermodynamics("x**2", 10, box=["-1e999999999", "1"]), "box must be a number"),
        (lambda: theory.polynomial_thermodynamics("x**2", "-3", box=["-1", "1"]), "n must be a finite"),
        (lambda: theory.fibred_quadratic_thermodynamics("y**2", "nan"), "n must be"),
        (lambda: theory.polynomial_thermodynamics("x**2", 10, box=["-1", "1"], dps=10**6), "at most 1000"),
        (lambda: theory.deep_linear([3] * 40, 1, method="brute_force"), "limited to 20 widths"),
        (lambda: theory.newton_rlct("__import__('os').system('true')"), "a function call is not allowed"),
        (lambda: theory.LearningCoefficient("__import__('os')", 1), "positive rational"),
    ],
)
def test_theory_refuses(call, message):
    with pytest.raises(ValueError, match=message):
        call()


BAD_VALUES = st.sampled_from([float("nan"), float("inf"), -float("inf"), -1, 0, "abc", "1e400", "-2", None, "", [], True])
PUBLIC = {  # each takes the bad value in one numeric place; the error must name that place
    "two_layer_thermodynamics n": (lambda v: theory.two_layer_thermodynamics(v, ["0.1"], 1, 1, 1, dps=5), "n"),
    "two_layer_thermodynamics prior_var": (lambda v: theory.two_layer_thermodynamics(10, ["0.1"], 1, 1, 1, prior_var=v, dps=5), "prior"),
    "two_layer_volume eps": (lambda v: theory.two_layer_volume(v, 1, 1, 1, "0.1", dps=5), "eps"),
    "polynomial_thermodynamics n": (lambda v: theory.polynomial_thermodynamics("x**2", v, box=["-1", "1"], dps=5), "n"),
    "polynomial_volume eps": (lambda v: theory.polynomial_volume("x**2", v, box=["-1", "1"], dps=5), "eps"),
    "fibred n": (lambda v: theory.fibred_quadratic_thermodynamics("y**2", v, dps=5), "n"),
    "regular dim": (lambda v: theory.regular(v), "d"),
    "reduced_rank rank": (lambda v: theory.reduced_rank(3, 3, 2, v), "rank"),
    "deep_linear widths": (lambda v: theory.deep_linear([3, v, 3], 1), "widths"),
}


@pytest.mark.parametrize("name", PUBLIC)
@settings(max_examples=12, deadline=None)
@given(value=BAD_VALUES)
def test_property_public_functions_name_the_bad_value(name, value):
    call, place = PUBLIC[name]
    assume(not (name == "reduced_rank rank" and value == 0))  # rank 0 is a true rank
    with pytest.raises(ValueError, match=place):
        call(value)
