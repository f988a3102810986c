"""The precision contract: a result claims d digits only after a second, more precise evaluation agrees.

Every arbitrary-precision function in ``theory`` computes its result twice: at working precision d + g
decimal digits (g guard digits) on its standard quadrature subdivision, and at d + 2g digits on a refined
subdivision (every interval split again) or with a different quadrature rule on the same intervals. It
returns the result only if the two agree to d significant digits; otherwise it raises :class:`PrecisionError`
saying how many digits were reached. Changing both the precision and the nodes catches rounding errors and
quadrature that missed a feature of the integrand (a second run on the same nodes would repeat the same
miss); it is the numerical analyst's standard evidence, not a proof.

The two evaluations are independent, so on a machine with two or more cores they run at the same time: the
first in a forked child process, the second in the caller. This is done only where forking is safe and cheap:
on Linux, and not once JAX (a multithreaded runtime) has been imported into the process; elsewhere they run one
after the other, with the same results. The child is killed by the kernel when its parent dies (a command killed
by a time-out leaves no evaluation running).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence

import mpmath

__all__ = ["MAX_DPS", "PrecisionError", "agreeing_digits", "check_dps", "refined", "with_precision_contract"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
MAX_DPS = 1_000  # digits a caller may ask for: the quadratures' cost grows like dps² to dps³, and past ~1000
# digits a single point takes hours; no question this tool answers needs more


def check_dps(dps: object) -> int:
    """``dps`` itself when it is a positive integer of at most :data:`MAX_DPS`; otherwise a ``ValueError`` naming it."""
    if isinstance(dps, bool) or not isinstance(dps, int) or not 1 <= dps <= MAX_DPS:
        raise ValueError(f"dps must be a positive integer of at most {MAX_DPS} (digits to guarantee), got {dps!r}")
    return dps


class PrecisionError(ArithmeticError):
    """The two evaluations did not agree to the digits requested."""

    def __init__(self, requested: int, reached: int, what: str) -> None:
        super().__init__(
            f"{what}: only {reached} significant digits agree between two working precisions, "
            f"{requested} were requested; ask for fewer digits, or a smaller n (at very small n, where "
            "Z = 1 − O(n) cancels digits, a larger one)"
        )
        self.requested = requested
        self.reached = reached


def agreeing_digits(a: mpmath.mpf, b: mpmath.mpf) -> int:
    """Number of significant decimal digits to which ``a`` and ``b`` agree (large when equal and nonzero).

    Two zeros, two infinities or NaNs agree to no digit: a value that cancelled or underflowed to 0 at both
    working precisions carries no digits at either, and an overflow carries none either."""
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)) or (a == 0 and b == 0):
        return 0
    if a == b:
        return 10**6
    scale = max(abs(a), abs(b))
    return max(0, int(mpmath.floor(-mpmath.log10(abs(a - b) / scale))))


def input_precision(dps: object) -> int:
    """Working digits for reading decimal inputs such as n = "31.6228": far beyond what the contract works
    at, so that an input that binary floating point cannot represent exactly (0.01, 31.6228) is not rounded
    to 53 bits before the computation starts (that would cap every result near 17 correct digits)."""
    return check_dps(dps) + 80


def with_precision_contract(
    compute: Callable[[bool], Sequence[mpmath.mpf]], dps: int, what: str, guard: int = 10, extra: int = 0
) -> tuple[list[mpmath.mpf], int]:
    """Run ``compute(refine=False)`` at dps + guard + extra digits and ``compute(refine=True)`` at
    dps + 2·guard + extra digits; return (values, digits guaranteed) when they agree to ``dps`` digits.

    ``extra`` adds working digits for computations known to cancel (e.g. log10 n digits for moments at large n).
    The returned values are those of the more precise run, rounded to ``dps`` digits.
    """
    check_dps(dps)
    child = _start_in_child(compute, False, dps + guard + extra)
    first = None if child is not None else _evaluate(compute, False, dps + guard + extra)
    second = _evaluate(compute, True, dps + 2 * guard + extra)
    if child is not None:
        first = _result_of_child(*child, compute, dps + guard + extra)
    digits = min(agreeing_digits(a, b) for a, b in zip(first, second))
    if digits < dps:
        empty = [i for i, (a, b) in enumerate(zip(first, second)) if not mpmath.isfinite(a) or (a == 0 and b == 0)]
        if empty:
            raise PrecisionError(dps, 0, f"{what} (value {empty[0]} is {mpmath.nstr(second[empty[0]], 3)} at both working "
                                 "precisions: it underflowed, cancelled or overflowed, so no digit of it is known)")
        raise PrecisionError(dps, digits, what)
    with mpmath.workdps(dps):
        return [+value for value in second], dps


def _evaluate(compute: Callable[[bool], Sequence[mpmath.mpf]], refine: bool, digits: int) -> list[mpmath.mpf]:
    with mpmath.workdps(digits):
        return [+value for value in compute(refine)]  # numbers at this precision (a constant such as pi is not one)


def _can_fork() -> bool:
    """Whether the first evaluation may run in a forked child: Linux, two or more cores, and no JAX in the
    process (forking a multithreaded runtime can deadlock the child)."""
    return sys.platform == "linux" and (os.cpu_count() or 1) >= 2 and "jax" not in sys.modules


def _start_in_child(compute: Callable[[bool], Sequence[mpmath.mpf]], refine: bool, digits: int) -> tuple | None:
    """Start ``compute(refine)`` at ``digits`` in a forked child process; None where that is not possible."""
    if not _can_fork():
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    parent = os.getpid()

    def work() -> None:
        _die_with_parent(parent)
        try:
            sender.send(("values", _evaluate(compute, refine, digits)))
        except BaseException as error:  # handed to the parent, which raises it
            sender.send(("error", error))
        finally:  # no exit handlers or stdio flush: a lock held by another thread at the fork (a progress bar's
            os._exit(0)  # refresh) would stay held in the child forever

    process = context.Process(target=work, daemon=True)
    process.start()
    sender.close()
    return process, receiver


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this (forked) process when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``), so that
    a killed or timed-out command leaves no evaluation running; exit at once if the parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc-like: the check below still catches a parent gone before now
        pass
    if os.getppid() != parent:
        os._exit(0)


def _result_of_child(process, receiver, compute: Callable[[bool], Sequence[mpmath.mpf]], digits: int) -> list[mpmath.mpf]:
    """The child's values; its exception is raised here; if it died without answering, the evaluation is
    repeated in this process."""
    try:
        kind, payload = receiver.recv()
    except EOFError:
        kind, payload = "lost", None
    finally:
        receiver.close()
        process.join(timeout=10)
        if process.is_alive():  # it has answered (or died): nothing is lost
            process.kill()
            process.join()
    if kind == "error":
        raise payload
    if kind == "lost":
        return _evaluate(compute, False, digits)
    return payload


def refined(points: Iterable[mpmath.mpf]) -> list[mpmath.mpf]:
    """The breakpoints with every finite interval split once more (at the geometric mean of a wide positive
    interval, else at the midpoint), for the second run of the contract."""
    points = list(points)
    out = [points[0]]
    for a, b in zip(points, points[1:]):
        if mpmath.isfinite(a) and mpmath.isfinite(b):
            out.append(mpmath.sqrt(a * b) if a > 0 and b > 4 * a else (a + b) / 2)
        elif mpmath.isfinite(a):
            out.append(2 * a + 1)
        out.append(b)
    return out
