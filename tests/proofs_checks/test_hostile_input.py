"""Hostile and careless input, as a property: every command, given a malformed, boundary or hostile value in one
place, answers with exactly one ``sltv: error:`` line and exit code 2 — no traceback, no side effect, no hang.

Each case is a command line that would run if the value were sensible, with one value replaced; hypothesis
draws the replacement from the kind of value the option takes (numbers, lists, counts, digits, paths, text).
"""

import signal
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proofs_checks.cli import app

SECONDS = 30  # a refusal is immediate; this bound catches a hang

BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "1e400", "-1e400", "-1", "abc", "", "1e-400"]
BAD_POSITIVE = BAD_NUMBERS + ["0", "-0"]
BAD_LISTS = ["", ",", "1,,2", "nan,1", "1,inf", "a,b"]
PAYLOADS = [
    "__import__('os').system('touch PWNED')", "open('PWNED', 'w')", "().__class__.__bases__", "x.__class__",
    "lambda: 1", "[x for x in y]", "x**(10**10)", "10**10**10", "(x + y + z)**100000", "exec('1')", "x; import os",
    "x if y else z", "x[0]", "f(x)", "'x'", "1e100000000*x", "x**y", "x/y", "x**-1",
]  # fmt: skip


def numbers(bad: list[str]) -> st.SearchStrategy[str]:
    finite_bad = st.floats(max_value=0, allow_nan=False).map(repr) if "0" in bad else st.just("nan")
    return st.one_of(st.sampled_from(bad), finite_bad)


def counts(low: int, high: int | None = None) -> st.SearchStrategy[str]:
    """Integers outside [low, high], and text that is no integer."""
    above = st.nothing() if high is None else st.integers(min_value=high + 1, max_value=max(10**30, high + 1))
    return st.one_of(st.integers(max_value=low - 1), above, st.sampled_from(["1.5", "x", ""])).map(str)


def expressions() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.builds(lambda f, a: f"{f}({a!r})", st.sampled_from(["os.system", "eval", "open", "__import__", "getattr"]), st.text(max_size=10)),
        st.builds(lambda k: f"x**{k}*y**2", st.integers(1001, 10**20)),
        st.builds(lambda name: f"x**2 + {name}", st.sampled_from(["__class__", "__builtins__", "_" * 2 + "x"])),
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "a-folder").mkdir()
    (folder / "binary.toml").write_bytes(struct.pack("8d", *range(8)) + b"\xff\xfe")
    (folder / "a-file").write_text("not a folder")
    (folder / "empty.npz").write_bytes(b"")
    np.save(folder / "vector.npy", np.ones(5))
    np.savez(folder / "matrix.npz", weight=np.eye(4), bias=np.zeros(4))
    (folder / "sweep.toml").write_text(
        '[sweep]\ntask = "two-layer-exact"\n[base]\nsingular_values = ["0.1"]\ninputs = 1\nhidden = 1\noutputs = 1\n'
        'n = "10"\ndps = 5\n'
    )
    return folder


def paths_in(folder: Path) -> st.SearchStrategy[str]:
    return st.sampled_from([str(folder / "missing.toml"), str(folder / "a-folder"), str(folder / "binary.toml"), ""])


def files_out(folder: Path) -> st.SearchStrategy[str]:
    return st.sampled_from([str(folder / "a-file" / "below-a-file"), str(folder / "missing" / "x" / "out.xml"), str(folder / "a-folder")])


def folders_out(folder: Path) -> st.SearchStrategy[str]:  # a missing folder is created: only a file in the way fails
    return st.sampled_from([str(folder / "a-file"), str(folder / "a-file" / "below-a-file")])


SPEC = "examples/dln_spec.toml"
FEP = ["free-energy", "polynomial", "x**2*y**2", "--box", "-1,1", "--n", "10"]
FE2 = ["free-energy", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--singular-values", "0.1", "--n", "10"]
VOP = ["volume", "polynomial", "x**2*y**2", "--box", "-1,1", "--eps", "0.1"]
VO2 = ["volume", "two-layer", "--inputs", "2", "--hidden", "1", "--outputs", "2", "--eps", "0.1"]
LLP = ["llc", "polynomial", "x**2"]
LOR = ["lora", "--inputs", "8", "--hidden", "2", "--alpha", "0.4"]
GT2 = ["gibbs", "two-layer", "--inputs", "2", "--outputs", "2", "--hidden", "1", "--singular-values", "0.5", "--n", "10"]
CASES = {  # name: (command line, option whose value is replaced or None for the trailing argument, strategy)
    "rlct regular --dim": (["rlct", "regular"], "--dim", lambda f: counts(1)),
    "rlct monomial --exponents": (["rlct", "monomial"], "--exponents", lambda f: st.sampled_from(BAD_LISTS + ["-1", "0", "1,-2"])),
    "rlct reduced-rank --rank": (["rlct", "reduced-rank", "--inputs", "3", "--outputs", "3", "--hidden", "2"], "--rank", lambda f: counts(0, 2)),
    "rlct deep-linear --widths": (["rlct", "deep-linear", "--rank", "1", "--brute-force"], "--widths",
                                  lambda f: st.one_of(st.sampled_from(BAD_LISTS + ["0,2", "-1,2", "5"]), st.integers(21, 60).map(lambda k: ",".join(["3"] * k)))),
    "rlct polynomial": (["rlct", "polynomial"], None, lambda f: expressions()),
    "free-energy polynomial K": (["free-energy", "polynomial", "--box", "-1,1", "--n", "10"], None, lambda f: expressions()),
    "free-energy polynomial --n": (FEP, "--n", lambda f: numbers(BAD_POSITIVE)),
    "free-energy polynomial --box": (FEP, "--box", lambda f: st.sampled_from(BAD_LISTS + ["1,-1", "1,1", "-1e400,1", "0"])),
    "free-energy polynomial --prior-var": (FEP[:3] + ["--n", "10"], "--prior-var", lambda f: numbers(BAD_POSITIVE)),
    "free-energy polynomial --dps": (FEP, "--dps", lambda f: counts(1, 1000)),
    "free-energy two-layer --n": (FE2, "--n", lambda f: numbers(BAD_POSITIVE)),
    "free-energy two-layer --singular-values": (FE2, "--singular-values", lambda f: st.sampled_from(BAD_LISTS + ["-1", "inf", "0.1,0.1,0.1"])),
    "free-energy two-layer --prior-var": (FE2, "--prior-var", lambda f: numbers(BAD_POSITIVE)),
    "free-energy two-layer --inputs": (FE2, "--inputs", lambda f: counts(1)),
    "free-energy two-layer --dps": (FE2, "--dps", lambda f: counts(1, 1000)),
    "volume polynomial --eps": (VOP, "--eps", lambda f: numbers(BAD_POSITIVE)),
    "volume polynomial K": (["volume", "polynomial", "--box", "-1,1", "--eps", "0.1"], None, lambda f: expressions()),
    "volume two-layer --eps": (VO2, "--eps", lambda f: numbers(BAD_POSITIVE)),
    "volume two-layer --singular-values": (VO2, "--singular-values", lambda f: st.sampled_from(BAD_LISTS + ["-1"])),
    "llc polynomial K": (["llc", "polynomial"], None, lambda f: expressions()),
    "llc polynomial --nbeta": (LLP, "--nbeta", lambda f: numbers(BAD_POSITIVE)),
    "llc polynomial --eps": (LLP, "--eps", lambda f: numbers(BAD_POSITIVE)),
    "llc polynomial --gamma": (LLP, "--gamma", lambda f: numbers([v for v in BAD_NUMBERS if v != "1e-400"])),  # it underflows to γ = 0, allowed
    "llc polynomial --chains": (LLP, "--chains", lambda f: counts(1, 1024)),
    "llc polynomial --steps": (LLP, "--steps", lambda f: counts(1, 10_000_000)),
    "llc polynomial --at": (LLP, "--at", lambda f: st.sampled_from(BAD_LISTS + ["1,2", "1e400"])),
    "llc polynomial --n": (LLP, "--n", lambda f: counts(2, 10_000_000)),
    "llc deep-linear --widths": (["llc", "deep-linear", "--rank", "1"], "--widths", lambda f: st.sampled_from(BAD_LISTS + ["0,2", "100000,100000,100000"])),
    "llc network --params": (["llc", "network", "--data", "missing.npz"], "--params", lambda f: st.one_of(paths_in(f), st.just(str(f / "empty.npz")))),
    "gibbs two-layer --n": (GT2, "--n", lambda f: numbers(BAD_POSITIVE + ["1e13"])),
    "gibbs two-layer --spectrum": (GT2[:-2] + ["--n", "10"], "--spectrum", lambda f: st.sampled_from(
        ["powerlaw", "powerlaw:alpha=x", "alpha=0.4", "powerlaw:alpha=-1", "powerlaw:alpha=nan", "powerlaw:beta=1", ""])),
    "gibbs two-layer --singular-values": (GT2[:-2] + ["--n", "10"], "--singular-values", lambda f: st.sampled_from(BAD_LISTS + ["-1", "1,1,1"])),
    "gibbs two-layer --inputs": (GT2, "--inputs", lambda f: counts(1, 65_536)),
    "gibbs two-layer --chains": (GT2, "--chains", lambda f: counts(4, 1024)),
    "gibbs two-layer --sweeps": (GT2, "--sweeps", lambda f: counts(4, 1_000_000)),
    "gibbs two-layer --prior-var": (GT2, "--prior-var", lambda f: numbers(BAD_POSITIVE)),
    "gibbs deep-linear --widths": (["gibbs", "deep-linear", "--rank", "1", "--n", "10"], "--widths", lambda f: st.sampled_from(BAD_LISTS + ["0,2", "5", "100000,100000,100000"])),
    "gibbs deep-linear --rank": (["gibbs", "deep-linear", "--widths", "3,2,3", "--n", "10"], "--rank", lambda f: counts(0, 2)),
    "certify": (["certify"], None, paths_in),
    "check SPEC": (["check", "--claimed", "1"], None, paths_in),
    "check --claimed": (["check", SPEC], "--claimed", lambda f: st.sampled_from([v for v in BAD_POSITIVE if "e" not in v] + ["1e999999999", "__import__('os')", "1/0", "x"])),
    "sweep FILE": (["sweep"], None, paths_in),
    "sweep --out": (["sweep", "{files}/sweep.toml"], "--out", folders_out),
    "regress --junit": (["regress"], "--junit", files_out),
    "regress --baseline": (["regress"], "--baseline", paths_in),
    "regress --z": (["regress"], "--z", lambda f: numbers(BAD_POSITIVE)),
    "regress --workers": (["regress"], "--workers", lambda f: counts(1, 1024)),
    "regress --address": (["regress"], "--address", lambda f: st.just("10.0.0.1:1")),
    "report --out": (["report", "gap"], "--out", folders_out),
    "report gap --n-max": (["report", "gap"], "--n-max", lambda f: numbers(BAD_POSITIVE)),
    "report gap --s": (["report", "gap"], "--s", lambda f: st.sampled_from(BAD_LISTS + ["-1", "0", "inf"])),
    "report lora --alpha": (["report", "lora", "--inputs", "8", "--hidden", "2"], "--alpha", lambda f: numbers(BAD_POSITIVE)),
    "report lora-map --dims": (["report", "lora-map"], "--dims", lambda f: st.sampled_from(BAD_LISTS + ["1", "0,64", "100000"])),
    "lora --alpha": (["lora", "--inputs", "8", "--hidden", "2"], "--alpha", lambda f: numbers(BAD_POSITIVE)),
    "lora --hidden": (["lora", "--inputs", "8", "--alpha", "0.4"], "--hidden", lambda f: counts(1, 7)),
    "lora --noise": (LOR, "--noise", lambda f: numbers(BAD_POSITIVE)),
    "lora --inputs": (["lora", "--hidden", "2", "--alpha", "0.4"], "--inputs", lambda f: counts(3, 65_536)),
    "lora --n-max": (LOR, "--n-max", lambda f: numbers(BAD_POSITIVE + ["1e13"])),
    "lora --per-decade": (LOR, "--per-decade", lambda f: counts(1, 20)),
    "lora --tolerance": (LOR, "--tolerance", lambda f: numbers(BAD_POSITIVE + ["1", "2"])),
    "lora --matrix": (["lora", "--hidden", "2"], "--matrix", lambda f: st.one_of(paths_in(f), st.sampled_from(
        [str(f / "vector.npy"), f"{f / 'matrix.npz'}:nope", str(f / "empty.npz"), f"{f / 'matrix.npz'}:bias"]))),
    "report modular-addition --p": (["report", "modular-addition"], "--p", lambda f: st.sampled_from(["0", "1", "4", "-3", "1009", "x", ""])),
    "report modular-addition --betas": (["report", "modular-addition"], "--betas", lambda f: st.sampled_from(BAD_LISTS + ["0,1", "1,1"])),
    "report --from": (["report", "sweep"], "--from", paths_in),
    "compare gap --n-max": (["compare", "gap"], "--n-max", lambda f: numbers(BAD_POSITIVE)),
    "compare gap --dps": (["compare", "gap"], "--dps", lambda f: counts(1, 1000)),
    "compare gap --per-decade": (["compare", "gap"], "--per-decade", lambda f: counts(1, 100)),
    "compare gap --tolerance": (["compare", "gap"], "--tolerance", lambda f: numbers(BAD_POSITIVE + ["1", "2"])),
}


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no answer within {SECONDS} s")


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_bad_value_is_one_error_line_and_exit_2(name, data, files, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the examples are read from the repository
    line, option, strategy = CASES[name]
    value = data.draw(strategy(files), label=name)
    line = [part.replace("{files}", str(files)) for part in line]
    args = [*line, value] if option is None else [*line, option, value]
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        with pytest.raises(SystemExit) as exit_info:
            app(args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2, (args, out, err)
    assert err.startswith("sltv: error: ") and err.count("\n") == 1 and "Traceback" not in err, (args, err)
    assert not Path("PWNED").exists()
