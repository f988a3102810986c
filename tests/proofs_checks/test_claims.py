"""``sltv check``: exact verdicts for catalogue models, bounds that never refute alone, sampled evidence."""

import json
from fractions import Fraction

import pytest

import theory
from proofs_checks.claims import check_claim, parse_claim
from proofs_checks.spec import parse_spec

CATALOGUE_SPECS = [
    ('kind = "regular"\ndim = 7', theory.regular(7)),
    ('kind = "reduced_rank"\ninputs = 10\noutputs = 10\nhidden = 5\nrank = 2', theory.reduced_rank(10, 10, 5, 2)),
    ('kind = "deep_linear"\nwidths = [5, 3, 4, 6]\nrank = 2', theory.deep_linear([5, 3, 4, 6], 2)),
    ('kind = "monomial"\nexponents = [1, 2]', theory.monomial([1, 2])),
    ('kind = "polynomial"\nexpression = "x**2*y**2 + x**6 + y**6"', None),  # certified exact: 1/2, m = 2
]


@pytest.mark.parametrize("model, lc", CATALOGUE_SPECS)
def test_true_values_are_consistent_and_off_by_a_half_refuted(model, lc):
    spec = parse_spec("[model]\n" + model)
    lam = Fraction(1, 2) if lc is None else Fraction(lc.lam.p, lc.lam.q)
    m = 2 if lc is None else lc.multiplicity
    assert check_claim(spec, lam, m).status == "consistent"
    assert check_claim(spec, lam).status == "consistent"
    for wrong in [lam + Fraction(1, 2), lam - Fraction(1, 2)]:
        if wrong > 0:
            verdict = check_claim(spec, wrong)
            assert verdict.status == "refuted" and verdict.evidence[0].kind == "exact"
    assert check_claim(spec, lam, m + 1).status == "refuted"


def test_a_bound_alone_never_refutes_a_claim_below_it():
    """(x − y)²: the Newton value 1 is only an upper bound (degenerate edge); the truth is 1/2."""
    spec = parse_spec('[model]\nkind = "polynomial"\nexpression = "(x - y)**2"\n[sampler]\nn = 10000')
    above = check_claim(spec, Fraction(3, 2))
    assert above.status == "refuted" and [e.kind for e in above.evidence] == ["upper_bound"]
    truth = check_claim(spec, Fraction(1, 2))
    assert truth.status in {"consistent", "undecided"}
    assert [e.kind for e in truth.evidence] == ["upper_bound", "sampled"]


def test_sampled_evidence_outside_the_slt_regime_is_undecided():
    """(x − y)² + y⁴/1000: λ = 1/2 + 1/4, but along y the loss is nearly flat at these nβ: the chains do
    not settle (R-hat) and λ̂ moves with nβ (measured 0.53, 0.68, 0.57 at 40,000 steps) instead of sitting
    on a plateau, so the sampled evidence must not decide the claim."""
    spec = parse_spec(
        '[model]\nkind = "polynomial"\nexpression = "(x - y)**2 + y**4/1000"\n'
        "[sampler]\nn = 10000\ntemperatures = [0.1, 1, 10]"
    )
    verdict = check_claim(spec, Fraction(3, 4))
    assert verdict.status == "undecided"
    assert "not from the SLT regime" in verdict.evidence[-1].statement


def test_cli_exit_codes_and_json(sltv, tmp_path):
    spec = tmp_path / "dln.toml"
    spec.write_text('[model]\nkind = "deep_linear"\nwidths = [5, 3, 4, 6]\nrank = 2\n')
    code, out, _ = sltv("check", str(spec), "--claimed", "10", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["status"] == "consistent" and payload["evidence"][0]["kind"] == "exact"
    code, out, _ = sltv("check", str(spec), "--claimed", "21/2")
    assert code == 1 and "refuted" in out


@pytest.mark.parametrize(
    "text, message",
    [
        ("[model]\nkind = 'tensor'", "kind must be one of"),
        ("[model]\nkind = 'deep_linear'\nwidths = [3, 2]", "needs ['rank']"),
        ("[model]\nkind = 'regular'\ndim = 3\nrank = 1", "does not take ['rank']"),
        ("[model]\nkind = 'network'\nparams = 'p.npz'", "needs [data] path"),
        ("[model\nkind = 'regular'", "not valid TOML"),
        ("[model]\nkind = 'regular'\ndim = 3\n[sampler]\nbeta = 1", "[sampler] does not take"),
    ],
)
def test_bad_specs_are_one_line_errors(sltv, tmp_path, text, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    code, out, err = sltv("check", str(spec), "--claimed", "1")
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


@pytest.mark.parametrize("claim", ["abc", "0", "-1/2", "1/0"])
def test_bad_claims(claim):
    with pytest.raises(ValueError, match="claimed λ"):
        parse_claim(claim)


def test_missing_spec_file(sltv, tmp_path):
    code, _, err = sltv("check", str(tmp_path / "nope.toml"), "--claimed", "1")
    assert code == 2 and "no such spec file" in err


def test_a_network_spec_is_decided_by_sampling_alone(tmp_path):
    """A saved 3-4-2 tanh network and its own (noise-free) outputs: no theory, so only sampled evidence."""
    import numpy as np

    rng = np.random.default_rng(0)
    w1, w2 = rng.standard_normal((4, 3)), rng.standard_normal((2, 4))
    x = rng.standard_normal((500, 3))
    np.savez(tmp_path / "params.npz", w0=w1, w1=w2)
    np.savez(tmp_path / "data.npz", x=x, y=np.tanh(x @ w1.T) @ w2.T)
    (tmp_path / "net.toml").write_text(
        '[model]\nkind = "network"\nparams = "params.npz"\nactivation = "tanh"\n'
        '[data]\npath = "data.npz"\n[sampler]\nsteps = 2000\nchains = 4\n'
    )
    from proofs_checks.spec import load_spec

    verdict = check_claim(load_spec(tmp_path / "net.toml"), Fraction(10))  # 20 parameters: λ ≤ 10
    assert [e.kind for e in verdict.evidence] == ["sampled"]
    assert verdict.status in {"consistent", "refuted", "undecided"}
    assert len(verdict.evidence[0].data["per_temperature"]) == 3
