"""Same seed, same run: the event log and the metrics are identical; another seed differs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from driftlab.params import SOL_PERP
from driftlab.sim import CrashScenario, JitMakerPolicy, Simulation, TakerPolicy, paths, run_crash


def _random_run(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sim = Simulation(SOL_PERP, paths.random_walk(600, 25.0, volatility=2.0, rng=rng), seed=rng, amm_fee_pool=1_000.0,
                     taker_policy=TakerPolicy(trade_probability=0.05, stop_loss=0.02),
                     jit_maker_policy=JitMakerPolicy(participation=0.5))
    sim.add_liquidator(100_000.0)
    sim.add_jit_maker(50_000.0)
    sim.add_takers(rng.uniform(100.0, 1_000.0, 12))
    result = sim.run()
    return result.events, result.metrics


def test_same_seed_same_log_and_metrics() -> None:
    events_a, metrics_a = _random_run(3)
    events_b, metrics_b = _random_run(3)
    assert len(events_a) > 50
    pd.testing.assert_frame_equal(events_a, events_b)
    pd.testing.assert_frame_equal(metrics_a, metrics_b)


def test_other_seed_other_log() -> None:
    events_a, _ = _random_run(3)
    events_c, _ = _random_run(4)
    assert not events_a.equals(events_c)


def test_crash_scenario_reproducible() -> None:
    scenario = CrashScenario(n_users=8, calm=10, crash_duration=120, after=30, volatility=0.5, seed=11)
    first, second = run_crash(scenario), run_crash(scenario)
    pd.testing.assert_frame_equal(first.events, second.events)
    assert first.summary() | {"seconds": 0, "account_steps_per_second": 0} == \
        second.summary() | {"seconds": 0, "account_steps_per_second": 0}
