"""The README stays true: its set-up commands match CI, its examples run and print what it shows."""

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _fenced_blocks(text: str = README) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order: fences alternate opening and closing."""
    blocks, language, body = [], None, []
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if language is None:
                language, body = line[3:].strip(), []
            else:
                blocks.append((language, "".join(body)))
                language = None
        elif language is not None:
            body.append(line)
    return blocks


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _fenced_blocks() if lang == language]


def test_readme_opens_with_the_install_and_test_commands_ci_runs():
    install, test = _blocks("bash")[:2]
    assert README.index("```bash") < README.index("## ")  # the two commands come first
    assert "python3 -m venv .venv" in install and "pip install -e '.[dev]'" in install and "sltv " in install
    test_command = test.strip()
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci_script.splitlines(), f"{test_command!r} is not a line of .ci/run"


def test_python_examples_run_as_doctests():
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(_blocks("python")):
        runner.run(parser.get_doctest(block, {}, f"README block {number}", "README.md", 0))
    assert runner.summarize(verbose=False).failed == 0


def test_python_examples_in_docs_run_as_doctests():
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for number, (language, block) in enumerate(_fenced_blocks(page.read_text())):
            if language == "python":
                runner.run(parser.get_doctest(block, {}, f"{page.name} block {number}", str(page), 0))
    assert runner.summarize(verbose=False).failed == 0


def _console_examples() -> list[tuple[str, str, str]]:
    """(page, command, expected output) of every ``$ sltv …`` line in a console block of the README or a docs page."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [
        (str(page.relative_to(ROOT)), command, expected)
        for page in pages
        for language, body in _fenced_blocks(page.read_text())
        if language == "console"
        for command, expected in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n)*)", body, flags=re.M)
    ]


@pytest.mark.parametrize(("page", "command", "expected"), _console_examples())
def test_console_examples_print_what_the_readme_and_the_docs_show(page: str, command: str, expected: str):
    args = shlex.split(command)
    assert args[0] == "sltv", f"{page}: {command}"
    sltv = Path(sys.executable).parent / "sltv"
    result = subprocess.run([str(sltv), *args[1:]], capture_output=True, text=True, cwd=ROOT)
    assert (result.stdout + result.stderr) == expected, f"{page}: {command}"


def test_first_command_output_matches_the_readme(tmp_path):
    install = _blocks("bash")[0]
    args = shlex.split(install.split("&&")[-1])
    shown = _blocks("")[0]  # the plain block right after the commands shows its output
    sltv = str(Path(sys.executable).parent / "sltv")
    result = subprocess.run([sltv, *args[1:]], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == shown
