"""Check resolution-of-singularities certificates: a hand derivation of (λ, m), obligation by obligation.

A certificate gives a loss K in variables w, a prior φ (a polynomial, default 1) and charts (g_i, B_i):
polynomial maps w = g_i(u) with closed rational boxes B_i. It proves the local learning coefficient at the
origin when (Watanabe 2009, Thm 2.3 and chs. 6–7; docs/references.md):

(a) ``loss``: K∘g_i = u^(2k)·b(u) with b > 0 on the whole closed box (checking b(0) ≠ 0 alone accepts false
    certificates);
(b) ``jacobian``: |det g_i'|·φ∘g_i = |u^h|·c(u) with c ≠ 0 on the box;
(c) ``injective``: g_i is injective off a null set — stated when det g_i' is not identically zero;
(d) ``cover``: the images g_i(B_i) cover a neighbourhood of the origin.

Then λ = min over charts and over the j with 0 ∈ B_i,j of (h_j+1)/(2k_j), and m is the largest number of j
attaining it in one chart. Positivity in (a) and (b) is proved with exact rational interval arithmetic
(:mod:`proofs_checks.intervals`). The cover (d) is proved for toric charts (declared ``rays``, optionally
recentred by ``shift``) of a regular fan covering the orthant: in d = 2 for any such fan, in any d for the
blow-up of a point. Other charts are checked on a sample and reported as ``checked_numerically``, never as
proved. A subset of verified charts proves only an upper bound on λ.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np
import sympy
from scipy.optimize import least_squares

from proofs_checks.intervals import Box, Terms, evaluate, prove_positive
from theory.expression import read_expression, read_rational
from theory.learning_coefficient import LearningCoefficient, Status

__all__ = ["Certificate", "Chart", "CertificateReport", "check_certificate", "load_certificate", "parse_certificate"]

PROVED, FAILED, UNDECIDED, STATED, NUMERIC = "proved", "failed", "undecided", "stated", "checked_numerically"
_STATUS_OF_PROOF = {"proved": PROVED, "refuted": FAILED, "undecided": UNDECIDED}
_SOURCE = "Watanabe (2009), Algebraic Geometry and Statistical Learning Theory, Thm 2.3 (resolution of singularities)"


# ---------------------------------------------------------------------------------------------- the format
@dataclass(frozen=True)
class Chart:
    name: str
    variables: tuple[sympy.Symbol, ...]
    map: tuple[sympy.Expr, ...]
    box: Box
    rays: tuple[tuple[int, ...], ...] | None = None  # toric chart: w_i = Π_j (u_j + shift_j)^(rays[j][i])
    shift: tuple[Fraction, ...] | None = None


@dataclass(frozen=True)
class Certificate:
    loss: sympy.Expr
    variables: tuple[sympy.Symbol, ...]
    prior: sympy.Expr
    charts: tuple[Chart, ...]
    claim: sympy.Rational | None = None


def _fraction(value: object, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{where}: {value!r} is not a rational number")
    try:
        exact = read_rational(value, what=where)
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a rational number") from None
    return Fraction(int(exact.p), int(exact.q))


def _expr(text: object, symbols: dict[str, sympy.Symbol], where: str) -> sympy.Expr:
    if not isinstance(text, (str, int)) or isinstance(text, bool):
        raise ValueError(f"{where}: expected an expression string, got {text!r}")
    try:
        return read_expression(text, symbols, what=where)  # the declared names, as real symbols like ``symbols``
    except ValueError as error:
        raise ValueError(f"{error}; it must be a polynomial in {', '.join(symbols) or 'no variables'}") from None


def _names(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.isidentifier() for v in value):
        raise ValueError(f"{where} must be a non-empty list of variable names, got {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{where} has repeated names: {value!r}")
    return value


def parse_certificate(data: dict) -> Certificate:
    """Build a :class:`Certificate` from the parsed TOML/JSON table; ``ValueError`` names any malformed field."""
    if not isinstance(data, dict):
        raise ValueError("a certificate must be a table with loss, variables and charts")
    unknown = sorted(set(data) - {"loss", "variables", "prior", "charts", "claim"})
    if unknown:
        raise ValueError(f"unknown certificate field(s): {', '.join(unknown)}")
    for key in ("loss", "variables", "charts"):
        if key not in data:
            raise ValueError(f"certificate is missing '{key}'")
    names = _names(data["variables"], "variables")
    symbols = {n: sympy.Symbol(n, real=True) for n in names}
    loss = _expr(data["loss"], symbols, "loss")
    prior = _expr(data.get("prior", "1"), symbols, "prior")
    for what, expr in (("loss", loss), ("prior", prior)):
        if not expr.is_polynomial(*symbols.values()):
            raise ValueError(f"{what} {expr} must be a polynomial in {', '.join(names)}")
    charts_data = data["charts"]
    if not isinstance(charts_data, list) or not charts_data:
        raise ValueError("charts must be a non-empty list of tables")
    charts = tuple(_parse_chart(c, i, len(names), symbols) for i, c in enumerate(charts_data))
    claim = None if "claim" not in data else sympy.Rational(str(_fraction(data["claim"], "claim")))
    return Certificate(loss, tuple(symbols.values()), prior, charts, claim)


def _parse_chart(data: object, index: int, d: int, symbols: dict[str, sympy.Symbol]) -> Chart:
    where = f"charts[{index}]"
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be a table")
    unknown = sorted(set(data) - {"name", "variables", "map", "box", "rays", "shift"})
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    names = _names(data.get("variables"), f"{where}.variables")
    if len(names) != d:
        raise ValueError(f"{where}.variables has {len(names)} names; the loss has {d} variables")
    clash = sorted(set(names) & set(symbols))
    if clash:
        raise ValueError(f"{where}.variables reuse the loss variables {', '.join(clash)}: use new names")
    chart_symbols = {n: sympy.Symbol(n, real=True) for n in names}
    maps = data.get("map")
    if not isinstance(maps, list) or len(maps) != d:
        raise ValueError(f"{where}.map must list {d} expressions, one per loss variable")
    mapped = tuple(_expr(m, chart_symbols, f"{where}.map[{i}]") for i, m in enumerate(maps))
    for i, m in enumerate(mapped):
        if not m.is_polynomial(*chart_symbols.values()):
            raise ValueError(f"{where}.map[{i}] = {m} must be a polynomial in the chart variables")
    box = data.get("box")
    if not isinstance(box, list) or len(box) != d or not all(isinstance(b, list) and len(b) == 2 for b in box):
        raise ValueError(f"{where}.box must list {d} intervals [low, high]")
    parsed_box = tuple((_fraction(a, f"{where}.box"), _fraction(b, f"{where}.box")) for a, b in box)
    for j, (a, b) in enumerate(parsed_box):
        if not a < b:
            raise ValueError(f"{where}.box[{j}] = [{a}, {b}] is empty: low must be below high")
    rays = data.get("rays")
    if rays is not None:
        if (
            not isinstance(rays, list)
            or len(rays) != d
            or not all(isinstance(r, list) and len(r) == d and all(type(x) is int and x >= 0 for x in r) for r in rays)
        ):
            raise ValueError(f"{where}.rays must list {d} rays of {d} non-negative integers each")
        rays = tuple(tuple(r) for r in rays)
    shift = data.get("shift")
    if shift is not None:
        if rays is None:
            raise ValueError(f"{where}.shift is only meaningful for a toric chart with rays")
        if not isinstance(shift, list) or len(shift) != d:
            raise ValueError(f"{where}.shift must list {d} numbers")
        shift = tuple(_fraction(s, f"{where}.shift") for s in shift)
    return Chart(str(data.get("name", f"chart {index + 1}")), tuple(chart_symbols.values()), mapped, parsed_box, rays, shift)


def load_certificate(path: str | Path) -> Certificate:
    """Read a certificate from a ``.toml`` or ``.json`` file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"certificate file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {error}") from None
    return parse_certificate(data)


# ---------------------------------------------------------------------------------------------- the checks
@dataclass(frozen=True)
class Obligation:
    name: str
    status: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass(frozen=True)
class ChartReport:
    name: str
    loss_exponents: tuple[int, ...]  # k: K∘g = u^(2k)·b
    jacobian_exponents: tuple[int, ...]  # h: |det g'|·φ∘g = |u^h|·c
    candidates: tuple[sympy.Rational | None, ...]  # (h_j+1)/(2k_j) for the j with 0 ∈ box and k_j > 0
    obligations: tuple[Obligation, ...]

    @property
    def verified(self) -> bool:
        return all(o.status in (PROVED, STATED) for o in self.obligations)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "verified": self.verified,
            "k": list(self.loss_exponents),
            "h": list(self.jacobian_exponents),
            "candidates": [None if c is None else str(c) for c in self.candidates],
            "obligations": [o.as_dict() for o in self.obligations],
        }


@dataclass(frozen=True)
class CertificateReport:
    status: str  # proved, upper_bound, rejected
    coefficient: LearningCoefficient | None
    charts: tuple[ChartReport, ...]
    cover: Obligation
    claim: sympy.Rational | None = None
    claim_verdict: str | None = None
    failed: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        lc = self.coefficient
        return {
            "status": self.status,
            "lambda": None if lc is None else str(lc.lam),
            "lambda_float": None if lc is None else float(lc.lam),
            "multiplicity": None if lc is None else lc.multiplicity,
            "claim": None if self.claim is None else str(self.claim),
            "claim_verdict": self.claim_verdict,
            "failed_obligations": list(self.failed),
            "cover": self.cover.as_dict(),
            "charts": [c.as_dict() for c in self.charts],
        }


def _terms(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> Terms:
    poly = sympy.Poly(sympy.expand(expr), *variables)
    terms = {}
    for monom, coefficient in poly.terms():
        if not coefficient.is_Rational:
            raise ValueError(f"coefficient {coefficient} of {expr} is not rational")
        if coefficient != 0:
            terms[tuple(int(e) for e in monom)] = Fraction(int(coefficient.p), int(coefficient.q))
    return terms


def _split_monomial(terms: Terms, box: Box) -> tuple[tuple[int, ...], Terms]:
    """u^e · rest with e_j the smallest power of u_j, taken out only where 0 ∈ box_j (elsewhere u_j^e_j ≠ 0)."""
    d = len(box)
    powers = tuple(min(m[j] for m in terms) if box[j][0] <= 0 <= box[j][1] else 0 for j in range(d))
    return powers, {tuple(a - b for a, b in zip(m, powers)): c for m, c in terms.items()}


def _format_point(point: Sequence[Fraction], variables: Sequence[sympy.Symbol]) -> str:
    return ", ".join(f"{v} = {p}" for v, p in zip(variables, point))


def _positivity(name: str, terms: Terms, box: Box, u: Sequence[sympy.Symbol], proved: str, failed: str) -> Obligation:
    """The obligation "``terms`` > 0 on the closed box", proved or refuted exactly (messages take
    ``{boxes}`` and ``{witness}``)."""
    proof = prove_positive(terms, box)
    status = _STATUS_OF_PROOF[proof.verdict]
    detail = {
        PROVED: proved.format(boxes=proof.boxes),
        FAILED: failed.format(witness=_format_point(proof.witness or (), u)),
        UNDECIDED: f"not decided within {proof.boxes} boxes",
    }[status]
    return Obligation(name, status, detail)


def _check_chart(cert: Certificate, chart: Chart) -> ChartReport:
    u, box, d = chart.variables, chart.box, len(chart.variables)
    obligations: list[Obligation] = []
    substitution = dict(zip(cert.variables, chart.map))

    if chart.rays is not None:
        shift = chart.shift or (Fraction(0),) * d
        toric = [
            sympy.Mul(*((u[j] + sympy.Rational(shift[j].numerator, shift[j].denominator)) ** chart.rays[j][i] for j in range(d)))
            for i in range(d)
        ]
        same = all(sympy.expand(a - b) == 0 for a, b in zip(chart.map, toric))
        obligations.append(Obligation(
            "toric_map",
            PROVED if same else FAILED,
            "map is the monomial map of the declared rays" if same else f"map {list(chart.map)} is not the toric map {toric} of the declared rays",
        ))

    # (a) K∘g = u^(2k)·b with b > 0 on the closed box
    pulled = _terms(cert.loss.subs(substitution, simultaneous=True), u)
    if not pulled:
        raise ValueError(f"chart {chart.name!r}: K∘g is identically zero")
    powers, b = _split_monomial(pulled, box)
    k = tuple(p // 2 for p in powers)
    odd = [str(u[j]) for j, p in enumerate(powers) if p % 2]
    if odd:
        obligations.append(Obligation("loss", FAILED, f"K∘g has an odd power of {', '.join(odd)}: it changes sign in the box"))
    else:
        obligations.append(_positivity(
            "loss", b, box, u,
            proved="b > 0 on the whole closed box (exact interval bisection, {boxes} boxes)",
            failed="b ≤ 0 at {witness} inside the box",
        ))

    # (b) |det g'|·φ∘g = |u^h|·c with c ≠ 0 on the box; (c) injectivity off a null set
    jacobian = sympy.Matrix([[sympy.diff(g, v) for v in u] for g in chart.map]).det()
    weighted = _terms(sympy.expand(jacobian * cert.prior.subs(substitution, simultaneous=True)), u)
    if not weighted:
        obligations.append(Obligation("jacobian", FAILED, "det g'·φ∘g vanishes identically"))
        obligations.append(Obligation("injective", FAILED, "det g' ≡ 0: g is nowhere a local diffeomorphism"))
        h = (0,) * d
    else:
        h, c = _split_monomial(weighted, box)
        sign = 1 if evaluate(c, tuple((low + high) / 2 for low, high in box)) > 0 else -1
        obligations.append(_positivity(
            "jacobian", {m: sign * coef for m, coef in c.items()}, box, u,
            proved=f"c keeps one sign ({'+' if sign > 0 else '-'}) on the closed box ({{boxes}} boxes)",
            failed="c vanishes or changes sign: sign·c ≤ 0 at {witness}",
        ))
        obligations.append(Obligation("injective", STATED, f"det g' = {sympy.factor(jacobian)} is not identically zero"))

    candidates = tuple(
        sympy.Rational(h[j] + 1, 2 * k[j]) if k[j] > 0 and box[j][0] <= 0 <= box[j][1] else None for j in range(d)
    )
    return ChartReport(chart.name, k, h, candidates, tuple(obligations))


# ---------------------------------------------------------------------------------------------- the cover
def _fan_problem(cones: set[tuple[tuple[int, ...], ...]], d: int) -> tuple[bool | None, str]:
    """(True, "") for a regular fan whose support is R^d_≥0; (False, why) if it is not; (None, why) if undecided."""
    for cone in cones:
        if abs(sympy.Matrix(cone).det()) != 1:
            return False, f"cone {list(cone)} is not regular (|det| ≠ 1)"
    if d == 1:
        return (True, "") if cones == {((1,),)} else (False, "in one variable the only cone is the ray (1)")
    if d == 2:
        rays = sorted({r for cone in cones for r in cone}, key=lambda r: Fraction(r[1], r[0]) if r[0] else math.inf)
        if rays[0] != (1, 0) or rays[-1] != (0, 1):
            return False, "the fan must run from ray (1, 0) to ray (0, 1)"
        consecutive = {tuple(sorted(pair)) for pair in zip(rays, rays[1:])}
        if {tuple(sorted(c)) for c in cones} != consecutive:
            return False, "the cones are not the consecutive pairs of rays: they overlap or leave a gap"
        return True, ""
    ones = (1,) * d
    units = [tuple(int(i == j) for i in range(d)) for j in range(d)]
    blow_up = {tuple(sorted([ones] + [e for e in units if e != skip])) for skip in units}
    if {tuple(sorted(c)) for c in cones} == blow_up:
        return True, ""
    return None, f"in d = {d} only the blow-up of a point is recognised as a complete regular fan"


def _min_abs_monomial(cell: Box, exponents: Sequence[int]) -> Fraction:
    value = Fraction(1)
    for (a, b), e in zip(cell, exponents):
        if e:
            low = Fraction(0) if a <= 0 <= b else min(abs(a), abs(b))
            value *= low**e
    return value


def _cone_preimage_covered(cone: tuple[tuple[int, ...], ...], boxes: list[Box]) -> Fraction | None:
    """δ > 0 such that every u ∈ [−1,1]^d with |g(u)_i| < δ lies in the union of ``boxes``; None if none found.

    Grid cells of the unit box not inside any box must map outside the δ-cube: some coordinate
    |Π_j u_j^(ray_j[i])| is at least δ on the whole cell (exact, since the minimum of a monomial's absolute
    value on a box is the product of per-variable minima). Cells that fail are bisected a few times.
    """
    d = len(cone)
    cuts = [sorted({Fraction(-1), Fraction(1)} | {x for b in boxes for x in b[j] if -1 < x < 1}) for j in range(d)]
    pending = [(cell, 0) for cell in product(*[list(zip(c, c[1:])) for c in cuts])]
    delta = Fraction(1)
    while pending:
        cell, depth = pending.pop()
        if any(all(b[j][0] <= cell[j][0] and cell[j][1] <= b[j][1] for j in range(d)) for b in boxes):
            continue
        mu = max(_min_abs_monomial(cell, [cone[j][i] for j in range(d)]) for i in range(d))
        if mu > 0:
            delta = min(delta, mu)
        elif depth < 6:
            widest = max(range(d), key=lambda j: cell[j][1] - cell[j][0])
            a, b = cell[widest]
            for half in ((a, (a + b) / 2), ((a + b) / 2, b)):
                pending.append((cell[:widest] + (half,) + cell[widest + 1 :], depth + 1))
        else:
            return None
    return delta


def _toric_cover(cert: Certificate) -> Obligation | None:
    """The exact cover proof for toric charts; None where the fan is not of a recognised complete kind."""
    d = len(cert.variables)
    cones: dict[tuple[tuple[int, ...], ...], list[Box]] = {}
    for chart in cert.charts:
        order = sorted(range(d), key=lambda j: chart.rays[j])
        cone = tuple(chart.rays[j] for j in order)
        shift = chart.shift or (Fraction(0),) * d
        cones.setdefault(cone, []).append(tuple((chart.box[j][0] + shift[j], chart.box[j][1] + shift[j]) for j in order))
    complete, why = _fan_problem(set(cones), d)
    if complete is None:
        return None
    if not complete:
        return Obligation("cover", FAILED, why)
    deltas = []
    for cone, boxes in cones.items():
        delta = _cone_preimage_covered(cone, boxes)
        if delta is None:
            return Obligation("cover", FAILED, f"the boxes of cone {list(cone)} leave points arbitrarily close to the origin uncovered")
        deltas.append(delta)
    return Obligation(
        "cover",
        PROVED,
        f"regular fan covering the orthant; every cone's boxes contain its preimage of (−δ, δ)^{d}, δ = {min(deltas)}",
    )


def _numeric_cover(cert: Certificate, seed: int = 0, targets: int = 200) -> Obligation:
    """Sample the cube (−1/10, 1/10)^d and look for a preimage of each point in some chart box."""
    d = len(cert.variables)
    rng = np.random.default_rng(seed)
    maps = [sympy.lambdify([chart.variables], list(chart.map), "numpy") for chart in cert.charts]
    samples = []
    for chart, g in zip(cert.charts, maps):
        low = np.array([float(a) for a, _ in chart.box])
        high = np.array([float(b) for _, b in chart.box])
        u = rng.uniform(low, high, size=(4000, d))
        samples.append((u, np.array(g(u.T), dtype=float).T, low, high, g))
    missed = 0
    for x in rng.uniform(-0.1, 0.1, size=(targets, d)):
        found = False
        for u, images, low, high, g in samples:
            start = u[np.argmin(np.linalg.norm(images - x, axis=1))]
            fit = least_squares(
                lambda v: np.array(g(v), dtype=float) - x, start, bounds=(low, high), xtol=1e-15, ftol=1e-15, gtol=1e-15
            )
            if np.linalg.norm(fit.fun) < 1e-9:
                found = True
                break
        missed += not found
    if missed:
        return Obligation("cover", FAILED, f"{missed} of {targets} sampled points of (−0.1, 0.1)^{d} have no preimage in any box")
    return Obligation("cover", NUMERIC, f"all {targets} sampled points of (−0.1, 0.1)^{d} have a preimage (not a proof)")


def check_certificate(cert: Certificate) -> CertificateReport:
    """Check every obligation of every chart and the cover; derive (λ, m) and the status."""
    reports = tuple(_check_chart(cert, chart) for chart in cert.charts)
    cover = None
    if all(chart.rays is not None for chart in cert.charts) and all(r.obligations[0].status == PROVED for r in reports):
        cover = _toric_cover(cert)
    if cover is None:
        cover = _numeric_cover(cert)
    failed = tuple(
        f"{report.name}: {o.name} ({o.detail})" for report in reports for o in report.obligations if o.status in (FAILED, UNDECIDED)
    ) + ((f"cover ({cover.detail})",) if cover.status in (FAILED, UNDECIDED) else ())

    verified = [r for r in reports if r.verified]
    if not verified:
        return CertificateReport("rejected", None, reports, cover, cert.claim, _claim_verdict(cert.claim, None, "rejected"), failed)
    values = [c for r in verified for c in r.candidates if c is not None]
    if not values:
        raise ValueError("no chart has a variable with k_j > 0 whose box contains 0: the certificate resolves no zero")
    lam = min(values)
    multiplicity = max(r.candidates.count(lam) for r in verified)
    status = "proved" if len(verified) == len(reports) and cover.status == PROVED else "upper_bound"
    coefficient = LearningCoefficient(
        lam,
        multiplicity,
        Status.EXACT if status == "proved" else Status.UPPER_BOUND,
        method=f"resolution certificate, {len(verified)} of {len(reports)} charts verified, cover {cover.status}",
        source=_SOURCE,
    )
    return CertificateReport(status, coefficient, reports, cover, cert.claim, _claim_verdict(cert.claim, lam, status), failed)


def _claim_verdict(claim: sympy.Rational | None, lam: sympy.Rational | None, status: str) -> str | None:
    if claim is None:
        return None
    if status == "rejected":
        return "not supported: the certificate proves nothing"
    if status == "proved":
        return "proved" if claim == lam else f"contradicted: the certificate proves λ = {lam}"
    return f"not proved; consistent with the upper bound λ ≤ {lam}" if claim <= lam else f"refuted: exceeds the proved upper bound λ ≤ {lam}"
