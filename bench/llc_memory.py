"""Peak memory of SGLD on a 10M-parameter deep linear network with 4 chains (target: within 4 GB).

Runs a few SGLD steps (full λ̂ runs of this size take hours on 2 CPU cores; memory does not grow with the
number of steps, because ``run_chains`` keeps only scalar records per step) and prints the process's
peak resident memory.

    python bench/llc_memory.py [--width 1000] [--layers 10] [--steps 4]
"""

from __future__ import annotations

import argparse
import math
import resource
import time

import jax

from numerics import (
    LocalPosterior,
    deep_linear_apply,
    deep_linear_teacher,
    mse_loss,
    run_chains,
    sgld,
    teacher_student_data,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--layers", type=int, default=10)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    widths = [args.width] * (args.layers + 1)
    teacher = deep_linear_teacher(jax.random.key(0), widths, 10)
    data = teacher_student_data(jax.random.key(1), deep_linear_apply, teacher, args.n, args.width)
    params = sum(w.size for w in teacher)
    posterior = LocalPosterior(mse_loss(deep_linear_apply), data, teacher, args.n / math.log(args.n), 1.0)
    start = time.perf_counter()
    trace = run_chains(sgld(posterior, 1e-7, 500), jax.random.key(2), teacher, args.chains, args.steps)
    jax.block_until_ready(trace.positions)
    seconds = time.perf_counter() - start
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"DLN {args.layers} layers of width {args.width}: {params / 1e6:.1f}M parameters, {args.chains} chains, "
          f"{args.steps} steps in {seconds:.1f} s; peak resident memory {peak_gib:.2f} GiB (target ≤ 4 GB)")  # fmt: skip


if __name__ == "__main__":
    main()
