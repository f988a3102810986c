"""Train a small network on a real data set and save its weights for ``sltv lora --matrix``.

    .venv/bin/pip install -e '.[examples]'        # scikit-learn, for its bundled digits data set
    .venv/bin/python examples/lora_digits.py --out digits_mlp.safetensors
    .venv/bin/sltv lora --matrix digits_mlp.safetensors:hidden.weight --hidden 8 --report digits-lora

The data are scikit-learn's handwritten digits (1,797 8×8 images, 10 classes; shipped inside the package, no
download: Alpaydin & Kaynak 1998, UCI). The network is 64 → 256 → 10 with ReLU, trained full-batch with AdamW on a
fixed 80% split; ``hidden.weight`` (256 × 64) is a genuinely trained weight matrix whose singular values the LoRA
analysis reads. Everything is seeded: the same command writes the same file.
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import numpy as np


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="digits_mlp.safetensors", help="where to write the weights")
    parser.add_argument("--hidden", type=int, default=256, help="hidden width")
    parser.add_argument("--steps", type=int, default=3000, help="full-batch AdamW steps")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from safetensors.numpy import save_file
    from sklearn.datasets import load_digits

    import numerics
    from numerics.training import adamw, train

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-3)
    order = np.random.default_rng(args.seed).permutation(len(x))
    cut = int(0.8 * len(x))
    train_set = {"x": jnp.asarray(x[order[:cut]]), "y": jnp.asarray(digits.target[order[:cut]])}
    test_set = {"x": jnp.asarray(x[order[cut:]]), "y": jnp.asarray(digits.target[order[cut:]])}
    apply = numerics.mlp_apply("relu")
    params = numerics.mlp_init(jax.random.key(args.seed), [64, args.hidden, 10])
    result = train(numerics.cross_entropy_loss(apply), params, train_set, args.steps, adamw(learning_rate=3e-3, weight_decay=1e-4))
    accuracy = {name: float(jnp.mean(jnp.argmax(apply(result.params, d["x"]), axis=1) == d["y"]))
                for name, d in [("train", train_set), ("test", test_set)]}  # fmt: skip
    hidden, out = result.params
    save_file({"hidden.weight": np.asarray(hidden["w"]), "hidden.bias": np.asarray(hidden["b"]),
               "out.weight": np.asarray(out["w"]), "out.bias": np.asarray(out["b"])}, args.out)  # fmt: skip
    print(f"trained 64 → {args.hidden} → 10 for {args.steps} steps ({result.seconds:.1f} s): final loss {result.final_loss:.4f}, "
          f"train accuracy {accuracy['train']:.3f}, test accuracy {accuracy['test']:.3f}; wrote {args.out}")  # fmt: skip
    return accuracy


if __name__ == "__main__":
    main()
