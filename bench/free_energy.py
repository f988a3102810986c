"""Benchmark: seconds per n of the exact free energies (precision contract included).

Run: python bench/free_energy.py   (issue targets, on 2 cores: 1×1×1 at 50 digits < 0.5 s per n; 2×1×2 at
30 digits < 2 s; a 2-D polynomial at 30 digits < 5 s per n. The contract's two evaluations run at once on two
cores where they can (theory.precision). x²y², (x − y)² and x² + y⁴ are quadratic in a variable, integrated
innermost in closed form; x⁴ + y⁴, x²y² + x⁶ + y⁶ and the cusp go through the level-graded quadrature. The
2-D Wishart integral of hidden ≥ 2 with two inputs and a rank-2 target runs at 6 digits; the Pfaffian paths
(hidden ≥ 2, targets of rank ≤ 1, any sizes) at the digits shown. Volume functions V(ε) of polynomials in
two and three variables and of the two-layer model with a target come first.)
"""

from __future__ import annotations

import time

from theory import polynomial_thermodynamics, polynomial_volume, two_layer_thermodynamics, two_layer_volume

CASES = [
    ("1x1x1, s = 0.5, 50 digits", dict(singular_values=["0.5"], inputs=1, hidden=1, outputs=1, dps=50)),
    ("1x1x1, s = 0, 50 digits", dict(singular_values=["0"], inputs=1, hidden=1, outputs=1, dps=50)),
    ("2x1x2, s = (0.1, 0), 30 digits", dict(singular_values=["0.1", "0"], inputs=2, hidden=1, outputs=2, dps=30)),
    ("2x1x2, s = (0.5, 0.3), 30 digits", dict(singular_values=["0.5", "0.3"], inputs=2, hidden=1, outputs=2, dps=30)),
    ("8x1x8, s = (0.2), 30 digits", dict(singular_values=["0.2"], inputs=8, hidden=1, outputs=8, dps=30)),
    ("1x4x3, s = (0.2), 30 digits", dict(singular_values=["0.2"], inputs=1, hidden=4, outputs=3, dps=30)),
    # three non-zero singular values: the Bingham function by Talbot's contour rule (theory.special.bingham)
    ("3x1x3, s = (1, 0.5, 0.2), 10 digits", dict(singular_values=["1", "0.5", "0.2"], inputs=3, hidden=1, outputs=3, dps=10)),
    ("3x1x3, s = (1, 0.5, 0.2), 30 digits", dict(singular_values=["1", "0.5", "0.2"], inputs=3, hidden=1, outputs=3, dps=30)),
]
WISHART = [  # hidden ≥ 2 with two inputs and a rank-2 target: a 2-D integral (theory.two_layer.wishart)
    ("2x2x2, s = (0.6, 0.3), 6 digits", dict(singular_values=["0.6", "0.3"], inputs=2, hidden=2, outputs=2, dps=6)),
]
PFAFFIAN = [  # hidden ≥ 2, targets of rank ≤ 1, any sizes: Pfaffians over the Wishart spectrum (theory.two_layer.pfaffian)
    ("3x3x3, s = 0, 30 digits", dict(singular_values=["0"], inputs=3, hidden=3, outputs=3, dps=30)),
    ("6x6x6, s = 0, 30 digits", dict(singular_values=["0"], inputs=6, hidden=6, outputs=6, dps=30)),
    ("10x10x10, s = 0, 15 digits", dict(singular_values=["0"], inputs=10, hidden=10, outputs=10, dps=15)),
    ("2x3x2, s = (0.5, 0), 15 digits", dict(singular_values=["0.5", "0"], inputs=2, hidden=3, outputs=2, dps=15)),
    ("3x3x3, s = (0.5), 8 digits", dict(singular_values=["0.5"], inputs=3, hidden=3, outputs=3, dps=8)),
    ("3x3x3, s = (0.5), 15 digits", dict(singular_values=["0.5"], inputs=3, hidden=3, outputs=3, dps=15)),
]


POLYNOMIALS = [
    ("x**4 on [-1, 1], 30 digits", "x**4", 30, ("1e2", "1e4", "1e12")),
    ("x**2*y**2 on [-1, 1]^2, 30 digits", "x**2*y**2", 30, ("1e2", "1e4", "1e8", "1e12")),
    ("(x-y)**2 on [-1, 1]^2, 30 digits", "(x-y)**2", 30, ("1e2", "1e4", "1e8", "1e12")),
    ("x**2+y**4 on [-1, 1]^2, 30 digits", "x**2+y**4", 30, ("1e2", "1e4", "1e8", "1e12")),
    ("x**4+y**4 on [-1, 1]^2, 30 digits", "x**4+y**4", 30, ("1e2", "1e4", "1e8", "1e12")),
    ("x2y2+x6+y6 on [-1, 1]^2, 30 digits", "x**2*y**2+x**6+y**6", 30, ("1e2", "1e4", "1e8", "1e12")),
    ("(y2-x3)**2 on [-1, 1]^2, 30 digits", "(y**2-x**3)**2", 30, ("1e2", "1e4", "1e8", "1e12")),
]

VOLUMES = [  # V(ε) of a polynomial in two and three variables (theory.polynomial.volume)
    ("V(eps) of x**2*y**2 on [-1, 1]^2, 15 digits", "x**2*y**2", 15, ("1e-2", "1e-6", "1e-12")),
    ("V(eps) of x**2*y**2 on [-1, 1]^2, 30 digits", "x**2*y**2", 30, ("1e-2", "1e-6", "1e-12")),
    ("V(eps) of x2+y2+z2 on [-1, 1]^3, 8 digits", "x**2+y**2+z**2", 8, ("1e-2", "1e-6", "1e-12")),
    ("V(eps) of x2y2z2 on [-1, 1]^3, 8 digits", "x**2*y**2*z**2", 8, ("1e-2", "1e-4", "1e-6")),
]

TWO_LAYER_VOLUMES = [  # V(ε) of the two-layer model with a target (theory.two_layer.volume)
    ("V(eps) 1x1x1, s = 0.5, 10 digits", dict(inputs=1, hidden=1, outputs=1, singular_value="0.5", dps=10), ("1e-3", "0.05", "1")),
    ("V(eps) 1x2x3, s = 0.5, 8 digits", dict(inputs=1, hidden=2, outputs=3, singular_value="0.5", dps=8), ("1e-3", "0.1")),
    ("V(eps) 3x1x2, s = 0.5, 15 digits", dict(inputs=3, hidden=1, outputs=2, singular_value="0.5", dps=15), ("1e-3", "0.05", "0.3", "10")),
    ("V(eps) 3x1x3, s = 0.5, 6 digits", dict(inputs=3, hidden=1, outputs=3, singular_value="0.5", dps=6), ("1e-3", "0.3")),
    ("V(eps) 2x1x2, s = 0.5, 15 digits", dict(inputs=2, hidden=1, outputs=2, singular_value="0.5", dps=15), ("1e-6", "0.05", "0.3", "10")),
    # out of the rank-1 model's reach: L0 = 0.3²/2 = 0.045
    ("V(eps) 2x1x2, s = (0.5, 0.3), 15 digits", dict(inputs=2, hidden=1, outputs=2, singular_value=["0.5", "0.3"], dps=15), ("0.0451", "0.05", "0.3", "10")),
    ("V(eps) 2x2x2, s = 0, 15 digits", dict(inputs=2, hidden=2, outputs=2, dps=15), ("10", "0.1", "1e-8")),
    ("V(eps) 2x1x3, s = (0.5, 0.3), 15 digits", dict(inputs=2, hidden=1, outputs=3, singular_value=["0.5", "0.3"], dps=15), ("0.0451", "0.1", "0.3")),
    # hidden = 1, any rank, both sides above 2: the law of u = ‖Mβ̂‖² by one contour integral (theory.two_layer.hidden_one)
    ("V(eps) 3x1x3, s = (1, 0.5), 15 digits", dict(inputs=3, hidden=1, outputs=3, singular_value=["1", "0.5"], dps=15), ("0.12501", "0.3", "0.9", "10")),
    ("V(eps) 3x1x4, s = (1, 0.6, 0.3), 10 digits", dict(inputs=3, hidden=1, outputs=4, singular_value=["1", "0.6", "0.3"], dps=10), ("0.23", "0.5", "3")),
    # hidden ≥ 2, a side of 2, rank 2: the conditional law on a saddle-point parabola over the Wishart spectrum
    ("V(eps) 2x2x2, s = (1, 0.8), 6 digits", dict(inputs=2, hidden=2, outputs=2, singular_value=["1", "0.8"], dps=6), ("0.05", "0.3")),
    # rank one: real quadrature where a column is narrow (theory.two_layer.two_sided_rank_one), the parabola elsewhere
    ("V(eps) 2x2x2, s = 1, 4 digits", dict(inputs=2, hidden=2, outputs=2, singular_value="1", dps=4), ("0.1", "0.3")),
    # zero target, both sides above 2: Talbot inversion of the Pfaffian Z(n) (theory.two_layer.pfaffian)
    ("V(eps) 3x3x4, s = 0, 12 digits", dict(inputs=3, hidden=3, outputs=4, dps=12), ("1e-8", "1e-3", "1", "10")),
]


def main() -> None:
    for name, K, dps, levels in VOLUMES:
        times = []
        for eps in levels:
            start = time.perf_counter()
            polynomial_volume(K, eps, box=(-1, 1), dps=dps)
            times.append(time.perf_counter() - start)
        print(f"{name:36s} seconds at eps = {', '.join(levels)}: {', '.join(f'{t:.2f}' for t in times)}")
    for name, kwargs, levels in TWO_LAYER_VOLUMES:
        times = []
        for eps in levels:
            start = time.perf_counter()
            two_layer_volume(eps, **kwargs)
            times.append(time.perf_counter() - start)
        print(f"{name:36s} seconds at eps = {', '.join(levels)}: {', '.join(f'{t:.2f}' for t in times)}")
    for name, K, dps, sizes in POLYNOMIALS:
        times = []
        for n in sizes:
            start = time.perf_counter()
            polynomial_thermodynamics(K, n, box=(-1, 1), dps=dps)
            times.append(time.perf_counter() - start)
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:36s} seconds at n = {', '.join(sizes)}: {shown}")
    for name, kwargs in CASES + PFAFFIAN:
        times = []
        for n in ("1e2", "1e4", "1e8"):
            start = time.perf_counter()
            two_layer_thermodynamics(n, **kwargs)
            times.append(time.perf_counter() - start)
        shown = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:36s} seconds at n = 1e2, 1e4, 1e8: {shown}")
    for name, kwargs in WISHART:
        times = []
        for n in ("1e1", "1e3"):
            start = time.perf_counter()
            two_layer_thermodynamics(n, **kwargs)
            times.append(time.perf_counter() - start)
        print(f"{name:36s} seconds at n = 1e1, 1e3: {', '.join(f'{t:.1f}' for t in times)}")


if __name__ == "__main__":
    main()
