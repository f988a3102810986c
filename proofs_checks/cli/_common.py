"""What every ``sltv`` command shares: the error contract, list parsing, JSON or human output."""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import mpmath
import typer
from rich.console import Console
from rich.progress import Progress

import theory
from proofs_checks import SCHEMA_VERSION
from theory.precision import PrecisionError

USER_ERROR_EXIT_CODE = 2
MAX_WORKERS = 1_024  # parallel jobs
MAX_DECIMAL = 1e300  # the largest magnitude a decimal option takes: beyond it, no computation here is meaningful

# typer ≥ 0.20 vendors click, older releases use the click package: find the base classes either way.
_ClickException: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")

stdout = Console(highlight=False, soft_wrap=True)


class UserError(_ClickException):  # type: ignore[valid-type,misc]
    """A mistake in the user's input: reported as one line on stderr with exit code 2."""

    exit_code = USER_ERROR_EXIT_CODE


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report a ``ValueError`` raised by the API on the user's input as a :class:`UserError`."""
    try:
        yield
    except ValueError as error:
        raise UserError(str(error)) from None


def int_list(text: str, option: str) -> list[int]:
    """Parse ``"5,3,4,6"`` into ``[5, 3, 4, 6]``; anything else is a :class:`UserError` naming the option."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise UserError(f"{option} expects a comma-separated list of integers such as 5,3,4,6, got {text!r}") from None


def float_list(text: str, option: str) -> list[float]:
    """Parse ``"0.1,0.03"`` into ``[0.1, 0.03]``; anything else, NaN and ±inf included, is a :class:`UserError`
    naming the option."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise UserError(f"{option} expects comma-separated numbers such as 0.1,0.03, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise UserError(f"{option} expects finite numbers, got {text!r}")
    return values


def decimal_list(text: str, option: str) -> list[str]:
    """Split ``"1e2,1e4"`` into decimal strings, kept as text so that the theory layer reads them exactly;
    anything that is not a number is a :class:`UserError` naming the option."""
    parts = [p.strip() for p in text.split(",")]
    for part in parts:
        try:
            value = mpmath.mpf(part)
        except (ValueError, TypeError):
            raise UserError(f"{option} expects comma-separated numbers such as 1e2,1e4 or 0.1,0, got {text!r}") from None
        if not mpmath.isfinite(value) or abs(value) > MAX_DECIMAL:
            raise UserError(f"{option} expects finite numbers of magnitude at most {MAX_DECIMAL:g}, got {part!r}")
    return parts


def read_text(path: Path, what: str) -> str:
    """The text of a user's file; an unreadable or binary file is a ``ValueError`` naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {what} {str(path)!r}: {getattr(error, 'strerror', None) or error}") from None


def writable_folder(path: Path, option: str) -> Path:
    """Create the output folder ``path`` now, before any work, and prove it writable by writing a scratch file
    there; anything else is a :class:`UserError` naming the option (a report is not computed for minutes only
    to fail at the end)."""
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {str(path)!r} exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise UserError(f"{option} {str(path)!r} cannot be written: {error.strerror or error}") from None
    return path


def writable_file(path: Path, option: str) -> Path:
    """Check now that the file ``path`` can be written (its folder exists and takes a scratch file, and it is not
    a folder); a :class:`UserError` naming the option otherwise."""
    if path.is_dir() or not path.name:
        raise UserError(f"{option} {str(path)!r} is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"{option} {str(path)!r}: the folder {str(folder)!r} does not exist")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise UserError(f"{option} {str(path)!r} cannot be written: {error.strerror or error}") from None
    if path.exists() and not os.access(path, os.W_OK):
        raise UserError(f"{option} {str(path)!r} cannot be written: permission denied")
    return path


def polynomial_options(box: str | None, variables: str | None) -> tuple[list[str] | None, list[str] | None]:
    """The ``--box low,high`` bounds and the ``--vars x,y`` order of the polynomial commands."""
    bounds = None if box is None else decimal_list(box, "--box")
    if bounds is not None and len(bounds) != 2:
        raise UserError(f"--box takes two numbers low,high, got {box!r}")
    return bounds, None if variables is None else variables.split(",")


def newton_slt(expression: str, names: list[str] | None) -> tuple[theory.LearningCoefficient | None, dict[str, object], str]:
    """(learning coefficient or None, its JSON, its one-line description): the Newton-polyhedron λ at the
    origin, or why there is none (K does not vanish there, …)."""
    try:
        lc = theory.newton_rlct(expression, names).coefficient
    except ValueError as error:
        return None, {"unavailable": str(error)}, str(error)
    slt = {"lambda": str(lc.lam), "multiplicity": lc.multiplicity, "status": lc.status.value}
    return lc, slt, f"λ = {lc.lam}, m = {lc.multiplicity} ({lc.status.value})"


def prior_variances(text: str) -> str | tuple[str, str]:
    """``--prior-var``: s_a = s_b, or the pair 'sa,sb' of the two-layer commands."""
    variances = decimal_list(text, "--prior-var")
    if len(variances) not in (1, 2):
        raise UserError(f"--prior-var takes one or two numbers, got {text!r}")
    return variances[0] if len(variances) == 1 else (variances[0], variances[1])


def progress_bar(*columns: Any) -> Progress:
    """A transient progress bar on stderr, shown only on a terminal (piped or captured stderr then holds nothing
    but the one-line error contract)."""
    console = Console(stderr=True)
    return Progress(*columns, console=console, transient=True, disable=not console.is_terminal)


def exact_points(compute: Callable[[str], Any], values: list[str], name: str = "n") -> list[Any]:
    """``compute(value)`` for each value, with a transient progress bar on a terminal's stderr (an exact point can
    take a minute); a ``ValueError`` or a failed precision contract is a :class:`UserError`."""
    points = []
    with progress_bar() as bar, user_errors():
        task = bar.add_task("exact points", total=len(values))
        try:
            for value in values:
                bar.update(task, description=f"{name} = {value}")
                points.append(compute(value))
                bar.advance(task)
        except PrecisionError as error:
            raise UserError(str(error)) from None
    return points


ExecutorOption = Annotated[str, typer.Option("--executor", help="local (processes) or ray.")]
WorkersOption = Annotated[int, typer.Option("--workers", help="Parallel jobs (local processes, or CPUs of a local Ray).")]
AddressOption = Annotated[str | None, typer.Option("--address", help="Ray cluster address (default: start a local one).")]


def executor_from_options(kind: str, workers: int, address: str | None):
    """The executor the options ask for; a bad choice is a :class:`UserError`."""
    from proofs_checks.executor import make_executor

    if not 1 <= workers <= MAX_WORKERS:
        raise UserError(f"--workers must be from 1 to {MAX_WORKERS}, got {workers}")
    if address is not None and kind != "ray":
        raise UserError(f"--address {address!r} is for --executor ray; the {kind!r} executor takes no address")
    try:
        return make_executor(kind, workers, address)
    except ValueError as error:
        raise UserError(str(error)) from None


def emit(payload: dict[str, Any], as_json: bool, render: Callable[[], None]) -> None:
    """Print exactly one JSON object on stdout when ``as_json``, otherwise the human rendering.

    Every object carries ``schema_version`` (``proofs_checks.SCHEMA_VERSION``). JSON has no NaN or infinity: a non-finite number is written as ``null`` and its place and value are listed
    under ``"non_finite"`` (e.g. ``{"llc.rhat": "nan"}``), so that a reader sees why it is missing."""
    if as_json:
        non_finite: dict[str, str] = {}
        clean = {"schema_version": SCHEMA_VERSION, **json_ready(payload, "", non_finite)}
        if non_finite:
            clean["non_finite"] = non_finite
        sys.stdout.write(json.dumps(clean, allow_nan=False) + "\n")
    else:
        render()


def json_ready(value: Any, path: str, non_finite: dict[str, str]) -> Any:
    """``value`` with every non-finite float replaced by None, recording its path and value in ``non_finite``."""
    if isinstance(value, dict):
        return {key: json_ready(item, f"{path}.{key}" if path else str(key), non_finite) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item, f"{path}[{i}]", non_finite) for i, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        non_finite[path] = str(value)
        return None
    return value


INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, the shell's convention


class SltvTyper(typer.Typer):
    """A :class:`typer.Typer` whose user errors are one line on stderr and exit code 2, never a traceback."""

    def __call__(self, args: list[str] | None = None) -> None:  # type: ignore[override]
        command = typer.main.get_command(self)
        try:
            result = command.main(args=args, prog_name="sltv", standalone_mode=False)
        except typer.Abort:
            sys.stderr.write("sltv: aborted\n")
            sys.exit(1)
        except _ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # the help text has been printed: nothing went wrong
                sys.exit(0)
            message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
            sys.stderr.write(f"sltv: error: {message}\n")
            sys.exit(USER_ERROR_EXIT_CODE if isinstance(error, (UserError, _UsageError)) else error.exit_code)  # type: ignore[attr-defined]
        if result == INTERRUPTED_EXIT_CODE:  # Ctrl-C: Typer turns KeyboardInterrupt into exit code 130
            sys.stderr.write("sltv: interrupted; a report or sweep keeps its finished jobs in its cache, so running it again resumes\n")
        sys.exit(result if isinstance(result, int) else 0)
