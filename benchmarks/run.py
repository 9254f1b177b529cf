"""``make bench``: throughput of the human layer against a Python loop over the exact layer; then, each against
its goal, the median widget update time (every panel in driftlab.widgets), the time to execute every notebook
(two at a time), and the ``import driftlab`` time.

Every figure is measured in this run (best of a few repeats, wall clock); nothing is compared with a stored
number, so a slow machine gives slower figures, never a failure. Run: ``python benchmarks/run.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

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


def bench_auction_price() -> tuple[str, float, float]:
    """The JIT auction price at 1e6 slots (human, one call) vs calculate_auction_price per slot (exact, a loop)."""
    import driftlab.auction as auction
    import driftlab.exact as ex

    slots = np.arange(N_VECTOR) % 300  # slots 0..299 since the order: during and after a 255-slot auction
    vector = best_time(lambda: auction.auction_price(slots, 100.0, 101.0, 255, direction="long", tick_size=0.01))

    order = ex.Order(order_type=ex.OrderType.Market, direction=ex.PositionDirection.Long, slot=0,
                     auction_start_price=100 * ex.PRICE_PRECISION, auction_end_price=101 * ex.PRICE_PRECISION,
                     auction_duration=255)
    loop_slots = [int(s) for s in slots[:N_LOOP]]

    def loop() -> None:
        for slot in loop_slots:
            ex.calculate_auction_price(order, slot, 10_000, None, False)

    per_call = best_time(loop, repeats=2) / N_LOOP
    return "auction: price over slots (calculate_auction_price)", vector, per_call * N_VECTOR


def bench_maker_scoring() -> tuple[str, float, float, int]:
    """A month of snapshots (30 days x 48) of 50 makers' ladders scored under march-2023: the vectorised engine
    on the whole month vs the plain per-snapshot loop (driftlab.maker.reference_snapshot_score) on 60 snapshots,
    scaled to the month. Points = orders."""
    import driftlab.maker as mk

    book = mk.synthetic_book(mk.random_profiles(50, seed=1), days=30, snapshots_per_day=48, seed=2)
    vector = best_time(lambda: mk.score_book(book, "march-2023").snapshot_scores())
    n_snapshots = int(book["snapshot"].nunique())
    sample = [list(zip(g["maker"], g["side"], g["price"], g["size"], strict=True))
              for _, g in book[book["snapshot"] < 60].groupby("snapshot")]

    def loop() -> None:
        for orders in sample:
            mk.reference_snapshot_score(orders, "march-2023")

    per_snapshot = best_time(loop, repeats=2) / len(sample)
    return "maker: a month, 50 makers (score_book)", vector, per_snapshot * n_snapshots, len(book)


def bench_spot_borrow_rate() -> tuple[str, float, float]:
    """The borrow rate curve at 1e6 utilizations (human, one call) vs calculate_borrow_rate per utilization."""
    import driftlab.exact as ex
    import driftlab.spot as spot

    utilization = np.linspace(0.0, 1.0, N_VECTOR)
    vector = best_time(lambda: spot.borrow_rate(utilization, 0.8, 0.05, 1.0, 0.005))

    market = ex.SpotMarket(optimal_utilization=800_000, optimal_borrow_rate=50_000, max_borrow_rate=1_000_000,
                           min_borrow_rate=1)
    loop_utilization = [int(u) for u in np.linspace(0, 1_000_000, N_LOOP)]

    def loop() -> None:
        for u in loop_utilization:
            ex.calculate_borrow_rate(market, u)

    per_call = best_time(loop, repeats=2) / N_LOOP
    return "spot: borrow rate curve (calculate_borrow_rate)", vector, per_call * N_VECTOR


def bench_funding_rate() -> tuple[str, float, float]:
    """The funding rate for 1e6 mark/oracle TWAP pairs (human, one call) vs the program's integer rate per pair:
    the /5000 offset, the tier clamp (PerpMarket::get_max_price_divergence_for_funding_rate) and the period
    scaling, as controller/funding.rs::update_funding_rate computes them."""
    import driftlab.exact as ex
    import driftlab.funding as funding

    rng = np.random.default_rng(0)
    oracle = rng.uniform(1.0, 100_000.0, N_VECTOR)
    mark = oracle * (1 + rng.normal(0.0, 0.02, N_VECTOR))
    vector = best_time(lambda: funding.funding_rate(mark, oracle, tier="A"))

    market = ex.PerpMarket(contract_tier=ex.ContractTier.A)
    pairs = [(int(m * ex.PRICE_PRECISION), int(o * ex.PRICE_PRECISION)) for m, o in zip(mark[:N_LOOP],
                                                                                        oracle[:N_LOOP], strict=True)]
    period_adjustment = ex.safe_div(24 * 3600, max(3600, 3600))

    def loop() -> None:
        for mark_twap, oracle_twap in pairs:
            spread = ex.safe_sub(mark_twap, oracle_twap, ex.I64)
            spread = ex.safe_add(spread, ex.safe_div(abs(oracle_twap), ex.FUNDING_RATE_OFFSET_DENOMINATOR), ex.I64)
            bound = market.get_max_price_divergence_for_funding_rate(oracle_twap)
            clamped = min(max(spread, -bound), bound)
            ex.safe_div(ex.safe_mul(clamped, ex.FUNDING_RATE_BUFFER, ex.I128), period_adjustment)

    per_call = best_time(loop, repeats=2) / N_LOOP
    return "funding: rate from mark/oracle TWAPs (tier A)", vector, per_call * N_VECTOR


def bench_margin_curve() -> tuple[str, float, float]:
    """Perp margin ratios for 1e6 position sizes (human, one call: initial and maintenance with the IMF premium)
    vs PerpMarket::get_margin_ratio per size (calculate_size_premium_liability_weight inside), both margins."""
    import driftlab.exact as ex
    import driftlab.margin as margin

    sizes = np.logspace(-2, 7, N_VECTOR)
    vector = best_time(lambda: (margin.margin_ratio(sizes, 0.1, 0.0005), margin.margin_ratio(sizes, 0.05, 0.0005)))

    market = ex.PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500, imf_factor=500)
    loop_sizes = [int(s * ex.BASE_PRECISION) for s in np.logspace(-2, 7, N_LOOP)]
    initial, maintenance = ex.MarginRequirementType.Initial, ex.MarginRequirementType.Maintenance

    def loop() -> None:
        for size in loop_sizes:
            market.get_margin_ratio(size, initial, False)
            market.get_margin_ratio(size, maintenance, False)

    per_call = best_time(loop, repeats=2) / N_LOOP
    return "margin: IMF margin-ratio curves (get_margin_ratio)", vector, per_call * N_VECTOR


SIM_ACCOUNTS = 1_000
SIM_STEPS = 3_600  # one simulated hour of 1-second steps; a day is 24 times as many


def bench_sim_accounts() -> tuple[str, float, float, int]:
    """driftlab.sim: 1,000 accounts (997 takers, a liquidator, an IF staker, a keeper) for an hour of 1-second
    steps on a random walk, invariants checked every step. The "exact loop" is the naive alternative to the
    vectorised liquidation screen: the exact maintenance-margin calculation for every account at every step
    (timed on 200 accounts, scaled), plus the same run. Points = account-steps."""
    from driftlab.params import SOL_PERP
    from driftlab.sim import Simulation, TakerPolicy, paths

    def build() -> Simulation:
        sim = Simulation(SOL_PERP, paths.random_walk(SIM_STEPS, 25.0, 0.8, rng=1), seed=1, amm_fee_pool=10_000.0,
                         taker_policy=TakerPolicy(trade_probability=1 / 14_400))
        sim.add_insurance_staker(100_000.0)
        sim.add_liquidator(1_000_000.0)
        sim.add_takers(np.full(SIM_ACCOUNTS - 3, 1_000.0))
        return sim

    vector = best_time(lambda: build().run(), repeats=1)
    sim = build()
    sim.run(60)
    accounts = list(range(min(200, len(sim.exchange.accounts))))

    def loop() -> None:
        for account in accounts:
            sim.exchange.is_liquidatable(account)

    per_check = best_time(loop, repeats=2) / len(accounts)
    account_steps = SIM_ACCOUNTS * SIM_STEPS
    return ("sim: 1,000 accounts, 1 h of 1 s steps", vector, vector + per_check * account_steps, account_steps)


BENCHMARKS: list[Callable[[], tuple[Any, ...]]] = [bench_amm_price_impact, bench_auction_price,
                                                  bench_maker_scoring, bench_spot_borrow_rate,
                                                  bench_funding_rate, bench_margin_curve, bench_sim_accounts]


def import_time() -> float:
    """Seconds to ``import driftlab`` in a fresh interpreter, less the interpreter's own start-up."""
    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = min(run("pass") for _ in range(3))
    with_import = min(run("import driftlab, driftlab.amm") for _ in range(3))
    return max(with_import - bare, 0.0)


WIDGET_GOAL_S = 0.050  # one control change: compute + chart + the chart's Vega-Lite spec
NOTEBOOKS_GOAL_S = 60.0  # every notebook executed, two at a time on the 2-core machines
IMPORT_GOAL_S = 0.3


def panel_factories() -> list[tuple[str, Callable[[], Any]]]:
    """Every ``driftlab.widgets.*_explorer`` / ``*_panel`` factory (no required arguments), by name."""
    import inspect

    from driftlab import widgets

    found = []
    for name, fn in sorted(vars(widgets).items()):
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != widgets.__name__:
            continue
        required = [p for p in inspect.signature(fn).parameters.values() if p.default is p.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if name.endswith(("_explorer", "_panel")) and not required:
            found.append((name, fn))
    return found


def widget_update_times(rounds: int = 4) -> list[tuple[str, float]]:
    """Median seconds for one control change on each panel: the change runs ``panel.update()`` (compute and
    chart), then ``panel.chart.to_dict()`` builds the spec the front end receives. Each slider in turn walks
    ``2 * rounds`` steps to values not visited before (a panel that caches its runs gets no hits); each dropdown
    cycles through its options."""
    import contextlib
    import io
    import statistics

    results = []
    for name, factory in panel_factories():
        with contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints the chart's repr
            panel = factory()
            times = []
            for control in panel.controls.values():
                start_value = control.value
                if hasattr(control, "options"):
                    options = [o[1] if isinstance(o, tuple) else o for o in control.options]
                    others = [o for o in options if o != start_value] or [start_value]
                    values = [others[k % len(others)] for k in range(2 * rounds)]
                else:
                    step = control.step or (control.max - control.min) / 100
                    up = [start_value + k * step for k in range(1, 2 * rounds + 1)]
                    values = up if up[-1] <= control.max else [start_value - k * step for k in range(1, 2 * rounds + 1)]
                for value in values:
                    start = time.perf_counter()
                    control.value = value  # the observer runs panel.update()
                    panel.chart.to_dict()
                    times.append(time.perf_counter() - start)
                control.value = start_value
        results.append((name, statistics.median(times)))
    return results


def notebook_times() -> tuple[float, list[Any]]:
    """Every notebook executed in fresh kernels of this venv, two at a time (tools/nbexec.py): wall time, runs."""
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import nbexec

    with tempfile.TemporaryDirectory(prefix="bench-notebooks-") as scratch:
        start = time.perf_counter()
        runs = nbexec.execute(nbexec.notebooks(), jupyter=Path(sys.executable).parent / "jupyter",
                              out_dir=Path(scratch), jobs=2)
        return time.perf_counter() - start, runs


def verdict(measured: float, goal: float) -> str:
    return "ok" if measured <= goal else "MISSES the goal"


def main() -> None:
    print(f"{'benchmark':48s} {'vectorised':>12s} {'exact loop':>12s} {'points/s':>12s} {'ratio':>8s}")
    for bench in BENCHMARKS:
        name, vector, loop, *points = bench()  # an optional 4th value: the points, when not N_VECTOR
        n_points = points[0] if points else N_VECTOR
        print(f"{name:48s} {vector:11.4f}s {loop:11.2f}s {n_points / vector:12.3g} {loop / vector:7.0f}x")
    print(f"(exact loop: {N_LOOP} calls timed, scaled to {N_VECTOR} points; maker: a plain per-snapshot loop on "
          "60 snapshots, scaled to the month)")
    print("(sim: points = account-steps; its exact loop = the run plus an exact margin check per account-step; "
          "a simulated day is 24x the hour)")

    print(f"\n{'goal vs measured':48s} {'goal':>12s} {'measured':>12s}")
    for name, seconds in widget_update_times():
        print(f"{'widget update (median): ' + name:48s} {WIDGET_GOAL_S * 1e3:9.0f} ms {seconds * 1e3:9.1f} ms  "
              f"{verdict(seconds, WIDGET_GOAL_S)}")
    wall, runs = notebook_times()
    for run in runs:
        print(f"{'  notebook ' + run.notebook.name:48s} {'':12s} {run.seconds:10.1f} s  "
              f"{'' if run.ok else 'FAILED'}")
    print(f"{f'all {len(runs)} notebooks, 2 at a time (wall clock)':48s} {NOTEBOOKS_GOAL_S:10.0f} s {wall:10.1f} s  "
          f"{verdict(wall, NOTEBOOKS_GOAL_S)}")
    seconds = import_time()
    print(f"{'import driftlab (+ driftlab.amm)':48s} {IMPORT_GOAL_S:10.1f} s {seconds:10.3f} s  "
          f"{verdict(seconds, IMPORT_GOAL_S)}")


if __name__ == "__main__":
    main()
