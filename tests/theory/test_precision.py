"""The precision contract's two evaluations: in two processes where forking is safe, with the same results."""

import subprocess
import sys
import textwrap
import time

import mpmath
import pytest
import sympy

import theory
from theory import precision

SCRIPT = textwrap.dedent(
    """
    import os, sys, mpmath
    from theory import precision
    assert "jax" not in sys.modules
    mpmath.mp.dps = 15
    def compute(refine):
        if sys.argv[1] == "raise" and not refine:
            raise ValueError("bad input in the first evaluation")
        return [mpmath.pi, mpmath.mpf(os.getpid())]
    try:
        values, digits = precision.with_precision_contract(lambda refine: compute(refine)[:1], 20, "pi")
        print(mpmath.nstr(values[0], 20), os.getpid())
        print(*(mpmath.nstr(v, 15) for v in precision.with_precision_contract(lambda r: compute(r)[1:], 10, "pid")[0]))
    except precision.PrecisionError as error:
        print("PrecisionError", error.reached)
    except ValueError as error:
        print("ValueError", error)
    """
)


def _run(mode: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, check=True).stdout.split("\n")


@pytest.mark.skipif(sys.platform != "linux", reason="the evaluations run in parallel only on Linux")
def test_the_two_evaluations_run_in_two_processes_and_agree_with_a_serial_run(monkeypatch):
    lines = _run("values")
    with mpmath.workdps(30):
        assert lines[0].split()[0] == mpmath.nstr(+mpmath.pi, 20)
    # the first evaluation ran in a child: its pid differs from the caller's, so the two "agree" to no digits
    assert lines[1].startswith("PrecisionError")
    monkeypatch.setattr(precision, "_can_fork", lambda: False)
    with mpmath.workdps(30):
        values, digits = precision.with_precision_contract(lambda refine: [mpmath.pi], 20, "pi")
        assert mpmath.nstr(values[0], 20) == lines[0].split()[0] and digits == 20


@pytest.mark.skipif(sys.platform != "linux", reason="the evaluations run in parallel only on Linux")
def test_an_error_in_the_child_is_raised_in_the_caller():
    assert _run("raise")[0] == "ValueError bad input in the first evaluation"


def test_no_fork_once_jax_is_imported(monkeypatch):
    monkeypatch.setitem(sys.modules, "jax", object())
    assert not precision._can_fork()


# --- the contract's hole: equal zeros, infinities and NaNs are not agreement (tiny n, ε beyond the loss) ---------


def test_zeros_infinities_and_nans_agree_to_no_digit():
    zero, inf, nan = mpmath.mpf(0), mpmath.inf, mpmath.nan
    assert precision.agreeing_digits(zero, zero) == 0
    assert precision.agreeing_digits(inf, inf) == 0 and precision.agreeing_digits(-inf, -inf) == 0
    assert precision.agreeing_digits(nan, nan) == 0 and precision.agreeing_digits(nan, mpmath.mpf(1)) == 0
    assert precision.agreeing_digits(mpmath.mpf("0.5"), mpmath.mpf("0.5")) > 100


def test_a_value_that_is_zero_at_both_precisions_is_refused():
    with pytest.raises(precision.PrecisionError, match="underflowed, cancelled or overflowed"):
        precision.with_precision_contract(lambda refine: [mpmath.mpf(1), 1 - mpmath.mpf(1)], 10, "a cancelling value")


def test_dps_is_bounded():
    with pytest.raises(ValueError, match=f"at most {precision.MAX_DPS}"):
        precision.with_precision_contract(lambda refine: [mpmath.mpf(1)], precision.MAX_DPS + 1, "anything")


TINY_N = "1e-30"  # F = n·E[K] − n²·Var[K]/2 + …: n·E[K] is F to 30 digits, and λ_eff = n·E_n[K] likewise
FREE_ENERGY_PATHS = {  # name: (thermodynamics at n, E[K] under the prior by hand)
    "polynomial, box": (lambda n: theory.polynomial_thermodynamics("x**2*y**2", n, box=["-1", "1"], dps=15), "1/9"),
    "polynomial, Gaussian": (lambda n: theory.polynomial_thermodynamics("x**2 + y**4", n, prior_var="1", dps=15), "4"),
    "two-layer 1×1×1": (lambda n: theory.two_layer_thermodynamics(n, ["0.5"], 1, 1, 1, "1", 15), "0.625"),  # ½(1 + s²)
    "two-layer hidden one 3×1×3": (lambda n: theory.two_layer_thermodynamics(n, ["1", "0", "0"], 3, 1, 3, "1", 15), "5"),
    "two-layer Pfaffian 3×2×3": (lambda n: theory.two_layer_thermodynamics(n, ["0", "0", "0"], 3, 2, 3, "1", 15), "9"),
    "fibred x²(y² + 1/100)": (lambda n: theory.fibred_quadratic_thermodynamics("y**2 + 1/100", n, dps=15), "1.01"),
}


@pytest.mark.parametrize("name", FREE_ENERGY_PATHS)
def test_tiny_n_keeps_its_digits_or_is_refused(name):
    """Before the fix, Z = 1 at both precisions gave F = 0.0 "to 15 digits" where F ≈ n·E[K]."""
    compute, mean_loss = FREE_ENERGY_PATHS[name]
    try:
        point = compute(TINY_N)
    except precision.PrecisionError:
        return  # refusing is allowed; a number without its digits is not
    expected = mpmath.mpf(TINY_N) * mpmath.mpf(sympy.Rational(mean_loss))
    for value in (point.free_energy, point.lambda_eff):
        assert value != 0 and precision.agreeing_digits(value, expected) >= point.digits


VOLUME_PATHS = {  # V = 1 − (a tiny mass) or exactly 1: the exponent d log V/d log ε cancels to nothing
    "polynomial, box, ε above max K": lambda: theory.polynomial_volume("x**2*y**2", "2", box=["-1", "1"], dps=15),
    "two-layer 3×1×3": lambda: theory.two_layer_volume("1e90", 3, 1, 3, "0", "1", 15),
    "fibred": lambda: theory.fibred_quadratic_volume("y**2 + 1/100", "1e90", dps=15),
}


@pytest.mark.parametrize("name", VOLUME_PATHS)
def test_a_volume_whose_exponent_cancels_is_refused(name):
    with pytest.raises(precision.PrecisionError):
        VOLUME_PATHS[name]()


ORPHAN_SCRIPT = textwrap.dedent('''
    import multiprocessing, threading, time, mpmath
    from theory import precision
    def report():
        time.sleep(1)
        print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    threading.Thread(target=report, daemon=True).start()
    precision.with_precision_contract(lambda refine: [mpmath.mpf(1)] if refine else time.sleep(120), 5, "slow")
''')


@pytest.mark.skipif(not precision._can_fork(), reason="the evaluations run in one process here")
def test_the_forked_evaluation_dies_with_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_SCRIPT], stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert children, "the contract started no child"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False
