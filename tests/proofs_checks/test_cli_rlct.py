"""``sltv rlct``: JSON shape, human output, help, and the user-error contract (one line, exit 2)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from theory import deep_linear, reduced_rank

JSON_KEYS = {"schema_version", "lambda", "lambda_float", "multiplicity", "status", "method", "source"}


def test_deep_linear_json_is_one_object_matching_the_api(sltv):
    code, out, err = sltv("rlct", "deep-linear", "--widths", "784,100,100,100,10", "--rank", "2", "--json")
    assert code == 0 and err == ""
    payload = json.loads(out)  # the whole of stdout is one JSON document
    assert set(payload) == JSON_KEYS
    expected = deep_linear([784, 100, 100, 100, 10], 2)
    assert payload["lambda"] == str(expected.lam) == "2347/2"
    assert payload["lambda_float"] == 1173.5
    assert payload["multiplicity"] == expected.multiplicity
    assert payload["status"] == "exact"
    assert "Aoyagi (2024)" in payload["source"]


@pytest.mark.parametrize(
    ("args", "lam", "m"),
    [
        (["regular", "--dim", "7"], "7/2", 1),
        (["monomial", "--exponents", "1,2"], "1/4", 1),
        (["monomial", "--exponents", "1,1", "--prior-exponents", "0,2"], "1/2", 1),
        (["reduced-rank", "--inputs", "10", "--outputs", "10", "--hidden", "5", "--rank", "2"], "29", 2),
        (["deep-linear", "--widths", "2,2,2,2", "--rank", "0", "--brute-force"], "3/2", 3),
    ],
)
def test_every_subcommand_json(sltv, args, lam, m):
    code, out, _ = sltv("rlct", *args, "--json")
    payload = json.loads(out)
    assert code == 0 and (payload["lambda"], payload["multiplicity"]) == (lam, m)


def test_human_output_is_readable(sltv):
    code, out, _ = sltv("rlct", "reduced-rank", "--inputs", "5", "--outputs", "5", "--hidden", "3", "--rank", "0")
    assert code == 0
    assert "λ = 13/2" in out and "(≈ 6.5)" in out and "m = 2" in out and "status: exact" in out
    assert str(reduced_rank(5, 5, 3, 0).method) in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rlct", "deep-linear", "--widths", "5,3,x", "--rank", "1"], "--widths expects a comma-separated list"),
        (["rlct", "deep-linear", "--widths", "5,3,4", "--rank", "9"], "rank 9 exceeds the smallest width 3"),
        (["rlct", "deep-linear", "--widths", "5,0,4", "--rank", "0"], "widths[1] must be a positive integer, got 0"),
        (["rlct", "deep-linear", "--widths", "5,3", "--rank", "0"], "at least two layers"),
        (["rlct", "deep-linear", "--widths", "", "--rank", "0"], "--widths expects"),
        (["rlct", "deep-linear", "--widths", "5,3,4"], "Missing option '--rank'"),
        (["rlct", "reduced-rank", "--inputs", "2", "--outputs", "2", "--hidden", "2", "--rank", "3"], "rank 3"),
        (["rlct", "reduced-rank", "--inputs", "0", "--outputs", "2", "--hidden", "2", "--rank", "0"], "inputs"),
        (["rlct", "regular", "--dim", "x"], "--dim"),
        (["rlct", "regular", "--dim", "-3"], "dim must be a positive integer, got -3"),
        (["rlct", "monomial", "--exponents", "0,0"], "all zero"),
        (["rlct", "monomial", "--exponents", "1,2", "--prior-exponents", "1"], "one entry per exponent"),
        (["rlct", "monomial", "--exponents", "1;2"], "--exponents expects"),
        (["rlct", "bogus"], "No such command 'bogus'"),
        (["--bogus"], "No such option"),
    ],
)
def test_user_errors_are_one_line_on_stderr_with_exit_code_2(sltv, args, message):
    code, out, err = sltv(*args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sltv: error: ")
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["rlct"],
        ["rlct", "regular"],
        ["rlct", "monomial"],
        ["rlct", "reduced-rank"],
        ["rlct", "deep-linear"],
        ["rlct", "polynomial"],
        ["certify"],
        ["free-energy"],
        ["free-energy", "two-layer"],
        ["free-energy", "polynomial"],
    ],
)
def test_help_on_every_command(sltv, command):
    code, out, _ = sltv(*command, "--help")
    assert code == 0 and "Usage:" in out and "--help" in out


def test_version(sltv):
    code, out, _ = sltv("--version")
    assert code == 0 and out.startswith("sltv (slt-verifier) ")


def test_installed_console_script_runs_and_keeps_the_error_contract():
    script = shutil.which("sltv", path=str(Path(sys.executable).parent))
    assert script is not None, "the sltv console script is not installed next to this interpreter"
    ok = subprocess.run([script, "rlct", "regular", "--dim", "4", "--json"], capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["lambda"] == "2"
    bad = subprocess.run([script, "rlct", "regular", "--dim", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.strip().count("\n") == 0


def test_polynomial_json_adds_the_faces(sltv):
    code, out, _ = sltv("rlct", "polynomial", "(x-y)**2", "--json")
    payload = json.loads(out)
    assert code == 0 and JSON_KEYS <= set(payload)
    assert (payload["lambda"], payload["status"]) == ("1", "upper_bound")
    assert payload["faces"]["hit"]["codimension"] == 1
    verdicts = {face["polynomial"]: face["verdict"] for face in payload["faces"]["compact"]}
    assert verdicts == {"x**2": "non_degenerate", "y**2": "non_degenerate", "x**2 - 2*x*y + y**2": "degenerate"}


def test_polynomial_options_and_human_output(sltv):
    code, out, _ = sltv("rlct", "polynomial", "x**2 + y**4", "--vars", "x,y", "--prior-exponents", "0,2")
    assert code == 0 and "λ = 5/4" in out and "status: exact" in out and "Compact faces" in out
    code, out, _ = sltv("rlct", "polynomial", "(x-1)**2*y**2", "--at", "1,0", "--json")
    assert code == 0 and (json.loads(out)["lambda"], json.loads(out)["multiplicity"]) == ("1/2", 2)
    code, out, _ = sltv("rlct", "polynomial", "x*y", "x**3+y**3", "--sum-of-squares", "--json")
    assert code == 0 and json.loads(out)["lambda"] == "1/2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x*y"], "takes negative values"),
        (["x**2+"], "cannot parse"),
        (["x**2", "y**2"], "--sum-of-squares"),
        (["x**2", "--at", "a"], "at must be rational"),
        (["x**2", "--vars", "y"], "K uses x"),
        (["x**2*y**2", "--prior-exponents", "0,x"], "--prior-exponents expects"),
    ],
)
def test_polynomial_user_errors(sltv, args, message):
    code, out, err = sltv("rlct", "polynomial", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err
