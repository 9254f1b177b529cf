"""Parameter sweeps and Monte Carlo over ``concurrent.futures.Executor``: a local process pool, or Dask.

Pass nothing and a ``ProcessPoolExecutor`` is made (and shut down) for the call; pass ``executor=`` any
``concurrent.futures.Executor``; or pass ``client=`` a ``dask.distributed.Client`` and its
``client.get_executor()`` is used, so the same call runs on a Dask cluster. Each run is
``runner(scenario)`` (default ``run_crash_summary``), a top-level function of a picklable scenario; the result
is a DataFrame, one row per run, with the varied parameters and the seed beside the summary. Runs are
independent and seeded, so the table does not depend on the executor or the number of workers.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from .scenario import CrashScenario, run_crash_summary

__all__ = ["grid", "monte_carlo", "sweep"]


def grid(**values: Iterable[Any]) -> list[dict[str, Any]]:
    """Every combination of the given values: ``grid(crash_size=[.2, .3], imf_factor=[0, 1e-3])``."""
    names = list(values)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(list(values[n]) for n in names))]


def _map(runner: Callable[[Any], dict[str, Any]], scenarios: list[Any], executor: Executor | None, client: Any,
         max_workers: int | None) -> list[dict[str, Any]]:
    if client is not None:
        if executor is not None:
            raise ValueError("pass either executor or client, not both")
        return list(client.get_executor().map(runner, scenarios))
    if executor is not None:
        return list(executor.map(runner, scenarios))
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return list(pool.map(runner, scenarios))


def sweep(points: Mapping[str, Iterable[Any]] | list[dict[str, Any]], base: CrashScenario | None = None, *,
          seeds: Iterable[int] = (0,), executor: Executor | None = None, client: Any = None,
          max_workers: int | None = None,
          runner: Callable[[Any], dict[str, Any]] = run_crash_summary) -> pd.DataFrame:
    """Run ``base.with_(**point)`` for every point (a list of dicts, or a dict of value lists for a full grid)
    and every seed; a row per run with the point's values, ``seed`` and the runner's summary."""
    base = base or CrashScenario()
    point_list = grid(**points) if isinstance(points, Mapping) else list(points)
    if not point_list:
        raise ValueError("points must not be empty")
    specs = [(point, int(seed)) for point in point_list for seed in seeds]
    scenarios = [base.with_(**point, seed=seed) for point, seed in specs]
    results = _map(runner, scenarios, executor, client, max_workers)
    return pd.DataFrame([{**point, "seed": seed, **result} for (point, seed), result in zip(specs, results,
                                                                                             strict=True)])


def monte_carlo(base: CrashScenario | None = None, runs: int = 8, seed: int = 0, *,
                executor: Executor | None = None, client: Any = None, max_workers: int | None = None,
                runner: Callable[[Any], dict[str, Any]] = run_crash_summary) -> pd.DataFrame:
    """``runs`` runs of ``base`` with seeds spawned from ``seed`` (``numpy.random.SeedSequence``)."""
    if not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be an integer >= 1, got {runs!r}")
    children = np.random.SeedSequence(seed).spawn(runs)
    seeds = [int(child.generate_state(1)[0]) for child in children]
    return sweep([{}], base, seeds=seeds, executor=executor, client=client, max_workers=max_workers, runner=runner)
