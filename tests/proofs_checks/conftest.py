import pytest

from proofs_checks.cli import app


@pytest.fixture
def sltv(capsys):
    """Run the ``sltv`` app in-process; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_info:
            app(list(args))
        captured = capsys.readouterr()
        return exit_info.value.code, captured.out, captured.err

    return run
