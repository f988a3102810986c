"""Speed against devinterp 1.3.2 (PyTorch, CPU) on identical SGLD work.

Installs torch 2.13.0 and devinterp 1.3.2 into a separate virtual environment (``bench/.devinterp-venv``,
created on first use), then runs both tools on the same deep linear network, data, chains, steps, batch,
ε, γ and nβ, and prints wall times and ratios: slt-verifier including JIT compilation (first call) and in
steady state (second call with the same shapes).

    python bench/vs_devinterp.py [--widths 10,10,10,10] [--n 10000] [--chains 4] [--steps 2000]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jax
import numpy as np

from numerics import (
    LocalPosterior,
    deep_linear_apply,
    deep_linear_teacher,
    mse_loss,
    run_chains,
    sgld,
    teacher_student_data,
)

VENV = Path(__file__).resolve().parent / ".devinterp-venv"

TORCH_SIDE = r'''
import sys, time, numpy as np, torch
from torch.utils.data import DataLoader, TensorDataset
from devinterp.slt.sampler import estimate_learning_coeff
from devinterp.optim.sgld import SGLD
torch.set_num_threads(2)
f = np.load(sys.argv[1]); chains, steps, batch, eps, gamma, nbeta = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
layers = [torch.nn.Linear(w.shape[1], w.shape[0], bias=False) for w in [f[k] for k in sorted(k for k in f.files if k.startswith("w"))]]
for layer, k in zip(layers, sorted(k for k in f.files if k.startswith("w"))):
    layer.weight.data = torch.tensor(f[k])
model = torch.nn.Sequential(*layers)
loader = DataLoader(TensorDataset(torch.tensor(f["x"]), torch.tensor(f["y"])), batch_size=batch, shuffle=True)
def evaluate(model, data):
    x, y = data
    return 0.5 * ((y - model(x)) ** 2).sum(dim=1).mean(), {}
start = time.perf_counter()
llc = estimate_learning_coeff(model, loader, evaluate=evaluate, sampling_method=SGLD,
    optimizer_kwargs=dict(lr=eps, localization=gamma, nbeta=nbeta), num_chains=chains, num_draws=steps,
    num_burnin_steps=0, num_steps_bw_draws=1, cores=1, seed=0, device="cpu", verbose=False)
print(time.perf_counter() - start, float(llc))
'''


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "torch==2.13.0", "devinterp==1.3.2"], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="10,10,10,10")
    parser.add_argument("--rank", type=int, default=2)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--steps", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--eps", type=float, default=1e-5)
    parser.add_argument("--gamma", type=float, default=1.0)
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    nbeta = args.n / math.log(args.n)
    teacher = deep_linear_teacher(jax.random.key(0), widths, args.rank)
    data = teacher_student_data(jax.random.key(1), deep_linear_apply, teacher, args.n, widths[0])
    params = sum(w.size for w in teacher)
    print(f"DLN {widths} ({params} parameters), n = {args.n}, {args.chains} chains × {args.steps} steps, batch {args.batch}, "
          f"ε = {args.eps}, γ = {args.gamma}, nβ = {nbeta:.1f}")  # fmt: skip

    posterior = LocalPosterior(mse_loss(deep_linear_apply), data, teacher, nbeta, args.gamma)
    timings, estimates = [], []
    sampler = sgld(posterior, args.eps, args.batch)  # one sampler: the second run reuses its compiled steps
    for _ in range(2):
        start = time.perf_counter()
        trace = run_chains(sampler, jax.random.key(2), teacher, args.chains, args.steps)
        timings.append(time.perf_counter() - start)
        estimates.append(nbeta * float(trace.info["loss"].mean() - posterior.full_loss(teacher)))
    print(f"slt-verifier (jax {jax.__version__}): first call {timings[0]:.2f} s (with JIT), steady state {timings[1]:.2f} s, "
          f"λ̂ (all draws, as devinterp averages them) = {estimates[1]:.2f}")  # fmt: skip

    python = ensure_venv()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dln.npz"
        np.savez(path, x=np.asarray(data["x"]), y=np.asarray(data["y"]),
                 **{f"w{i:02d}": np.asarray(w) for i, w in enumerate(teacher)})  # fmt: skip
        script = Path(folder) / "torch_side.py"
        script.write_text(TORCH_SIDE)
        out = subprocess.run(
            [str(python), str(script), str(path), str(args.chains), str(args.steps), str(args.batch), str(args.eps),
             str(args.gamma), str(nbeta)],  # fmt: skip
            check=True, capture_output=True, text=True,
        ).stdout.split()
    devinterp_seconds = float(out[-2])
    print(f"devinterp 1.3.2 (torch 2.13.0, CPU): {devinterp_seconds:.2f} s, λ̂ = {float(out[-1]):.2f}")
    print(f"speed-up: {devinterp_seconds / timings[1]:.1f}× steady state, {devinterp_seconds / timings[0]:.1f}× including JIT")


if __name__ == "__main__":
    main()
