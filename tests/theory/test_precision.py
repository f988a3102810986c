"""The precision contract's two evaluations: in two processes where forking is safe, with the same results."""

import subprocess
import sys
import textwrap

import mpmath
import pytest

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
