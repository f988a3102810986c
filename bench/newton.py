"""Benchmark: Newton-polyhedron learning coefficients and certificate checking.

Run: python bench/newton.py   (prints seconds per case; targets: d ≤ 6 with ≤ 50 monomials under 1 s,
a d = 2 certificate of ~5 charts under 10 s)
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import sympy

from proofs_checks.certificates import check_certificate, load_certificate
from theory import newton_rlct

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _random_loss(rng: random.Random, d: int, monomials: int) -> sympy.Expr:
    xs = sympy.symbols(f"w0:{d}", real=True)
    top = 1
    while (top + 1) ** d < 2 * monomials + 1:  # enough distinct exponent vectors to draw from
        top += 1
    exponents: set[tuple[int, ...]] = set()
    while len(exponents) < monomials:
        exponent = tuple(2 * rng.randint(0, max(top, 4)) for _ in range(d))
        if any(exponent):
            exponents.add(exponent)
    return sum(rng.randint(1, 5) * sympy.Mul(*(x**e for x, e in zip(xs, exponent))) for exponent in exponents)


def main() -> None:
    rng = random.Random(0)
    for d in (2, 4, 6):
        times, faces = [], []
        for _ in range(5):
            K = _random_loss(rng, d, 50)
            start = time.perf_counter()
            analysis = newton_rlct(K)
            times.append(time.perf_counter() - start)
            faces.append(len(analysis.faces))
        print(f"newton_rlct d={d}, 50 monomials: worst {max(times):.3f} s, mean {sum(times) / 5:.3f} s, "
              f"compact faces {min(faces)}-{max(faces)}")
    for name in ("cusp.toml", "cusp_false.toml"):
        start = time.perf_counter()
        report = check_certificate(load_certificate(EXAMPLES / name))
        print(f"certificate {name} ({len(report.charts)} charts): {report.status} in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
