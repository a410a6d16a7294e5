"""Time one RMSProp step on 10 million float64 parameters; compare with torch.optim.RMSprop.

Run by hand from the repository root: ``python benchmarks/bench_optimizers.py``
(options ``--size N``, ``--repeats R``). Prints the median of R timed steps, after one warm-up.
The library's step is pure (it allocates the new params and state); torch updates in place.
Both use PyTorch's default arithmetic (eps outside the square root, no momentum). torch is not a
dependency of the project: without it the script says so and times the library alone. With it,
torch is timed with its default thread count and with one thread (NumPy's ufuncs use one).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from results_file import save

from rmsprop_lib.optimizers.rmsprop import rmsprop

LEARNING_RATE, BETA, EPS = 0.01, 0.99, 1e-8


def median_seconds(step: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``step()`` over ``repeats`` runs, after one untimed warm-up run."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_rmsprop_lib(size: int, repeats: int) -> float:
    rng = np.random.default_rng(0)
    params, grads = rng.standard_normal(size), rng.standard_normal(size)
    optimizer = rmsprop(learning_rate=LEARNING_RATE, beta=BETA, eps=EPS)
    state = optimizer.step(params, grads, optimizer.init(params))[1]  # a non-zero V_T
    return median_seconds(lambda: optimizer.step(params, grads, state), repeats)


def time_torch(size: int, repeats: int, threads: int | None = None) -> float | None:
    """Median seconds of torch.optim.RMSprop.step, or None when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    default_threads = torch.get_num_threads()
    torch.set_num_threads(threads or default_threads)
    generator = np.random.default_rng(0)
    param = torch.nn.Parameter(torch.from_numpy(generator.standard_normal(size)))
    param.grad = torch.from_numpy(generator.standard_normal(size))
    optimizer = torch.optim.RMSprop([param], lr=LEARNING_RATE, alpha=BETA, eps=EPS)
    try:
        return median_seconds(optimizer.step, repeats)
    finally:
        torch.set_num_threads(default_threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    ours = time_rmsprop_lib(args.size, args.repeats)
    print(f"rmsprop_lib rmsprop step, {args.size:,} float64 params: {ours * 1e3:7.1f} ms (median)")
    theirs = time_torch(args.size, args.repeats)
    rows = [{"implementation": "rmsprop_lib", "threads": 1, "median_ms": ours * 1e3}]
    if theirs is None:
        print("torch is absent: no comparison (torch is not a dependency of rmsprop_lib)")
        save("optimizers", rows, size=args.size, repeats=args.repeats)
        return
    import torch

    single = time_torch(args.size, args.repeats, threads=1)
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__} RMSprop.step, {threads} threads: {theirs * 1e3:7.1f} ms")
    print(f"torch {torch.__version__} RMSprop.step, 1 thread:  {single * 1e3:7.1f} ms")
    ratios = f"{ours / theirs:.2f} ({threads} threads), {ours / single:.2f} (1 thread)"
    print(f"ratio rmsprop_lib / torch: {ratios}")
    torch_name = f"torch {torch.__version__} RMSprop"
    rows.append({"implementation": torch_name, "threads": threads, "median_ms": theirs * 1e3})
    if threads != 1:
        rows.append({"implementation": torch_name, "threads": 1, "median_ms": single * 1e3})
    save("optimizers", rows, size=args.size, repeats=args.repeats)


if __name__ == "__main__":
    main()
