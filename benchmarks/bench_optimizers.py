"""Time one RMSProp step on 10 million float64 parameters; compare with torch.optim.RMSprop.

Run by hand from the repository root: ``python benchmarks/bench_optimizers.py``
(options ``--size N``, ``--repeats R``). Prints the median of R timed steps, after one warm-up.
The library's step is pure (it allocates the new params and state); torch updates in place.
Both use PyTorch's default arithmetic (eps outside the square root, no momentum). torch is not a
dependency of the project: without it the script says so and times the library alone. With it,
torch is timed with its default thread count and with one thread (NumPy's ufuncs use one).

Each row records the median and the fastest of the timed steps; the record also keeps the
machine's load average before and after (1 minute), since a busy machine slows every row.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
from results_file import save

from rmsprop_lib.optimizers.rmsprop import rmsprop

LEARNING_RATE, BETA, EPS = 0.01, 0.99, 1e-8


def timed_seconds(step: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, fastest) wall time of ``step()`` over ``repeats`` runs, after one warm-up run."""
    step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def time_rmsprop_lib(size: int, repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(0)
    params, grads = rng.standard_normal(size), rng.standard_normal(size)
    optimizer = rmsprop(learning_rate=LEARNING_RATE, beta=BETA, eps=EPS)
    state = optimizer.step(params, grads, optimizer.init(params))[1]  # a non-zero V_T
    return timed_seconds(lambda: optimizer.step(params, grads, state), repeats)


def time_torch(size: int, repeats: int, threads: int | None = None) -> tuple[float, float] | None:
    """(median, fastest) seconds of torch.optim.RMSprop.step, or None without torch."""
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
        return timed_seconds(optimizer.step, repeats)
    finally:
        torch.set_num_threads(default_threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    ours = time_rmsprop_lib(args.size, args.repeats)
    print(
        f"rmsprop_lib rmsprop step, {args.size:,} float64 params: {ours[0] * 1e3:7.1f} ms (median)"
    )
    rows = [_row("rmsprop_lib", 1, ours)]
    theirs = time_torch(args.size, args.repeats)
    if theirs is None:
        print("torch is absent: no comparison (torch is not a dependency of rmsprop_lib)")
    else:
        import torch

        single = time_torch(args.size, args.repeats, threads=1)
        threads = torch.get_num_threads()
        print(
            f"torch {torch.__version__} RMSprop.step, {threads} threads: {theirs[0] * 1e3:7.1f} ms"
        )
        print(f"torch {torch.__version__} RMSprop.step, 1 thread:  {single[0] * 1e3:7.1f} ms")
        ratios = f"{ours[0] / theirs[0]:.2f} ({threads} threads), {ours[0] / single[0]:.2f} (1)"
        print(f"ratio rmsprop_lib / torch: {ratios}")
        torch_name = f"torch {torch.__version__} RMSprop"
        rows.append(_row(torch_name, threads, theirs))
        if threads != 1:
            rows.append(_row(torch_name, 1, single))
    load = {"before": load_before, "after": os.getloadavg()[0]}
    print(f"load average (1 minute) before and after: {load['before']:.1f}, {load['after']:.1f}")
    save("optimizers", rows, size=args.size, repeats=args.repeats, load_average=load)


def _row(implementation: str, threads: int, seconds: tuple[float, float]) -> dict:
    median, fastest = seconds
    return {
        "implementation": implementation,
        "threads": threads,
        "median_ms": median * 1e3,
        "fastest_ms": fastest * 1e3,
    }


if __name__ == "__main__":
    main()
