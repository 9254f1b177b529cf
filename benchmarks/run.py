"""``make bench``: throughput of the human layer against a Python loop over the exact layer, and import time.

Every figure is measured in this run (best of a few repeats, wall clock); nothing is compared with a stored
number, so a slow machine gives slower figures, never a failure. Run: ``python benchmarks/run.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

N_VECTOR = 1_000_000  # points for the vectorised human layer
N_LOOP = 20_000  # calls of the exact function in the Python loop (scaled to N_VECTOR)


def best_time(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_amm_price_impact() -> tuple[str, float, float]:
    """Quote for 1e6 trade sizes (human) vs calculate_swap_output + calculate_quote_asset_amount_swapped."""
    import driftlab.amm as amm
    import driftlab.exact as ex

    sizes = np.linspace(-40.0, 40.0, N_VECTOR)
    vector = best_time(lambda: amm.quote_for_base(1_000.0, 1_000.0, sizes, 150.0))

    one = ex.AMM_RESERVE_PRECISION
    base = quote = sqrt_k = 1_000 * one
    peg = 150 * ex.PEG_PRECISION
    int_sizes = [int(s * one) for s in np.linspace(-40.0, 40.0, N_LOOP)]

    def loop() -> None:
        for size in int_sizes:
            if size == 0:
                continue
            direction = ex.SwapDirection.Remove if size > 0 else ex.SwapDirection.Add
            new_quote, _ = ex.calculate_swap_output(abs(size), base, direction, sqrt_k)
            ex.calculate_quote_asset_amount_swapped(quote, new_quote, direction, peg)

    per_call = best_time(loop, repeats=2) / N_LOOP
    return "amm: quote for a base size (price impact)", vector, per_call * N_VECTOR


BENCHMARKS: list[Callable[[], tuple[str, float, float]]] = [bench_amm_price_impact]


def import_time() -> float:
    """Seconds to ``import driftlab`` in a fresh interpreter, less the interpreter's own start-up."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = min(run("pass") for _ in range(3))
    with_import = min(run("import driftlab, driftlab.amm") for _ in range(3))
    return max(with_import - bare, 0.0)


def main() -> None:
    print(f"{'benchmark':48s} {'vectorised':>12s} {'exact loop':>12s} {'points/s':>12s} {'ratio':>8s}")
    for bench in BENCHMARKS:
        name, vector, loop = bench()
        print(f"{name:48s} {vector:11.4f}s {loop:11.2f}s {N_VECTOR / vector:12.3g} {loop / vector:7.0f}x")
    print(f"(exact loop: {N_LOOP} calls timed, scaled to {N_VECTOR} points)")
    print(f"import driftlab (+ driftlab.amm): {import_time():.3f} s (goal <= 0.3 s)")


if __name__ == "__main__":
    main()
