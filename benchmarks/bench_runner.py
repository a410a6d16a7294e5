"""Time a 100 x 100 grid of RMSProp settings as one batched run versus one run per setting.

Run by hand from the repository root: ``.venv/bin/python benchmarks/bench_runner.py``.
The grid is (learning_rate, beta) on the elongated quadratic, 500 steps from w0 = (1, 1).
Looping over all 10,000 settings would take minutes, so the loop is timed on a random sample
of settings and extrapolated to the whole grid. Both are timed recording every step (the
default: params, grads, v and effective learning rate are each 500 x 10,000 x 2 floats, so
most of the batched time is spent writing fresh memory) and recording only the first and last
step (``record_every=STEPS``).
"""

import time

import numpy as np
from results_file import save

from rmsprop_lib.objectives import elongated_quadratic
from rmsprop_lib.optimizers.rmsprop import rmsprop
from rmsprop_lib.runner import run

STEPS = 500
LEARNING_RATES = np.logspace(-3, 0, 100)
BETAS = np.linspace(0.5, 0.999, 100)
LOOP_SAMPLE = 100
REPEATS = 3
EPS = 1e-8


def best_time(function, repeats: int) -> float:
    """The fastest of ``repeats`` wall-clock timings (the machine is shared)."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def time_grid(record_every: int) -> tuple[float, float]:
    """Seconds for the whole grid as one batched run, and (estimated) as one run per setting."""
    objective = elongated_quadratic(condition_number=10.0)
    rates, betas = (grid.ravel() for grid in np.meshgrid(LEARNING_RATES, BETAS, indexing="ij"))
    w0 = np.ones((rates.size, 2))
    grid = rmsprop(learning_rate=rates[:, None], beta=betas[:, None], eps=EPS)
    batched = best_time(lambda: run(grid, objective, w0, STEPS, record_every=record_every), REPEATS)

    sample = np.random.default_rng(0).choice(rates.size, LOOP_SAMPLE, replace=False)

    def loop_over_sample() -> None:
        for index in sample:
            optimizer = rmsprop(learning_rate=rates[index], beta=betas[index], eps=EPS)
            run(optimizer, objective, w0[index], STEPS, record_every=record_every)

    return batched, best_time(loop_over_sample, 1) * rates.size / LOOP_SAMPLE


def main() -> None:
    settings = LEARNING_RATES.size * BETAS.size
    print(f"{settings} (learning_rate, beta) settings x {STEPS} steps, elongated quadratic")
    print(f"loop estimated from {LOOP_SAMPLE} settings; batched: best of {REPEATS}")
    print("records                      batched   loop (all)   speed-up")
    rows = []
    for record_every, label in ((1, "every step"), (STEPS, "first and last step")):
        batched, loop = time_grid(record_every)
        print(f"{label:<26} {batched:8.3f} s {loop:9.1f} s {loop / batched:9.0f}x")
        rows.append(
            {"records": label, "batched_s": batched, "loop_s": loop, "speedup": loop / batched}
        )
    save("runner", rows, settings=settings, steps=STEPS, loop_sample=LOOP_SAMPLE)


if __name__ == "__main__":
    main()
