"""Sweeps and Monte Carlo through ``concurrent.futures.Executor``: a process pool, a thread pool, Dask."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from driftlab.sim import CrashScenario, monte_carlo, sweep
from driftlab.sim.sweep import grid

SMALL = CrashScenario(n_users=4, calm=5, crash_duration=60, after=10, crash_size=0.3, leverage=(5.0, 9.0),
                      insurance_fund=100.0)
COLUMNS = {"crash_size", "seed", "liquidations", "bankruptcies", "insurance_fund_end", "insurance_fund_solvent",
           "social_loss"}


def _stable(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["seconds", "account_steps_per_second"])


def test_grid_is_every_combination() -> None:
    assert grid(a=[1, 2], b=["x"]) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]


def test_sweep_with_the_default_process_pool_matches_a_thread_pool() -> None:
    points = {"crash_size": [0.1, 0.3]}
    by_processes = sweep(points, SMALL, max_workers=2)
    assert COLUMNS <= set(by_processes.columns) and len(by_processes) == 2
    assert list(by_processes["crash_size"]) == [0.1, 0.3]
    assert by_processes["liquidations"].iloc[1] >= by_processes["liquidations"].iloc[0]
    with ThreadPoolExecutor(2) as pool:
        by_threads = sweep(points, SMALL, executor=pool)
    pd.testing.assert_frame_equal(_stable(by_processes), _stable(by_threads))


def test_monte_carlo_seeds_are_spawned_and_reproducible() -> None:
    with ThreadPoolExecutor(2) as pool:
        first = monte_carlo(SMALL.with_(volatility=1.0), runs=3, seed=5, executor=pool)
        second = monte_carlo(SMALL.with_(volatility=1.0), runs=3, seed=5, executor=pool)
    assert first["seed"].nunique() == 3
    pd.testing.assert_frame_equal(_stable(first), _stable(second))


def test_bad_sweep_arguments() -> None:
    with pytest.raises(ValueError, match="points"):
        sweep([], SMALL)
    with pytest.raises(ValueError, match="runs"):
        monte_carlo(SMALL, runs=0)
    with pytest.raises(ValueError, match="either executor or client"):
        sweep([{}], SMALL, executor=ThreadPoolExecutor(1), client=object())


def test_sweep_on_a_dask_local_cluster() -> None:
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install "
                                      "driftlab[dask]); the dev lock includes it")
    points = {"crash_size": [0.1, 0.3]}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1")
        on_dask = sweep(points, SMALL, client=client)
    with ThreadPoolExecutor(2) as pool:
        local = sweep(points, SMALL, executor=pool)
    pd.testing.assert_frame_equal(_stable(on_dask), _stable(local))
