"""Oracle price paths: one price per simulated step, as a float numpy array in USD.

Every generator takes a seeded ``numpy.random.Generator`` (or a seed), so a path is reproducible. Prices are
floored at ``floor`` (default one cent) since the program rejects non-positive oracle prices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["crash", "jump_diffusion", "random_walk", "replay", "as_rng"]


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator, a seed, or None (seed 0)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


def _check_common(steps: int, start: float) -> None:
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
    if not np.isfinite(start) or start <= 0:
        raise ValueError(f"start must be > 0, got {start!r}")


def random_walk(steps: int, start: float, volatility: float = 0.8, drift: float = 0.0,
                rng: np.random.Generator | int | None = None, dt: float = 1.0, floor: float = 0.01) -> np.ndarray:
    """Geometric Brownian motion: ``volatility`` and ``drift`` are annualised fractions, ``dt`` seconds a step.

    ``p[0] = start``; ``p[t+1] = p[t] * exp((drift - vol²/2) dt' + vol sqrt(dt') z)`` with ``dt' = dt / 1 year``.
    """
    _check_common(steps, start)
    if volatility < 0:
        raise ValueError(f"volatility must be >= 0, got {volatility!r}")
    gen = as_rng(rng)
    years = dt / 31_536_000.0
    shocks = gen.standard_normal(steps - 1)
    log_steps = (drift - 0.5 * volatility**2) * years + volatility * np.sqrt(years) * shocks
    path = start * np.exp(np.concatenate([[0.0], np.cumsum(log_steps)]))
    return np.maximum(path, floor)


def crash(steps: int, start: float, size: float = 0.3, begin: int = 0, duration: int = 3600,
          volatility: float = 0.0, rng: np.random.Generator | int | None = None, dt: float = 1.0,
          recovery: float = 0.0, floor: float = 0.01) -> np.ndarray:
    """A fall of ``size`` (0.3 = -30%) spread linearly in log price over ``duration`` steps from step ``begin``.

    An optional GBM noise of annualised ``volatility`` rides on top; ``recovery`` (a fraction of the fall) is
    regained linearly over the following ``duration`` steps.
    """
    _check_common(steps, start)
    if not 0 <= size < 1:
        raise ValueError(f"size must be in [0, 1), got {size!r}")
    if duration < 1 or begin < 0:
        raise ValueError(f"duration must be >= 1 and begin >= 0, got duration={duration!r}, begin={begin!r}")
    if not 0 <= recovery <= 1:
        raise ValueError(f"recovery must be in [0, 1], got {recovery!r}")
    t = np.arange(steps, dtype=np.float64)
    fall = np.log1p(-size)
    progress = np.clip((t - begin) / duration, 0.0, 1.0)
    log_price = fall * progress
    if recovery > 0:
        back = np.clip((t - begin - duration) / duration, 0.0, 1.0)
        log_price -= fall * recovery * back
    path = start * np.exp(log_price)
    if volatility > 0:
        noise = random_walk(steps, 1.0, volatility, 0.0, rng, dt, floor=0.0)
        path = path * noise
    return np.maximum(path, floor)


def jump_diffusion(steps: int, start: float, volatility: float = 0.8, jump_rate: float = 2.0,
                   jump_mean: float = -0.05, jump_std: float = 0.05,
                   rng: np.random.Generator | int | None = None, dt: float = 1.0, floor: float = 0.01) -> np.ndarray:
    """GBM plus Poisson jumps: ``jump_rate`` jumps a day, each a log move ~ N(``jump_mean``, ``jump_std``)."""
    _check_common(steps, start)
    if jump_rate < 0 or jump_std < 0:
        raise ValueError(f"jump_rate and jump_std must be >= 0, got {jump_rate!r}, {jump_std!r}")
    gen = as_rng(rng)
    base = random_walk(steps, start, volatility, 0.0, gen, dt, floor=0.0)
    jumps = gen.poisson(jump_rate * dt / 86_400.0, steps - 1)
    sizes = gen.normal(jump_mean, jump_std, steps - 1) * (jumps > 0)
    path = base * np.exp(np.concatenate([[0.0], np.cumsum(sizes)]))
    return np.maximum(path, floor)


def replay(series: pd.Series | np.ndarray, steps: int | None = None, dt: float = 1.0,
           floor: float = 0.01) -> np.ndarray:
    """Replay observed prices: a pandas Series indexed by time is sampled every ``dt`` seconds (last value
    carried forward); an array or a Series without a DatetimeIndex is taken one value per step.
    ``steps`` truncates (or, for a time index, sets the number of samples)."""
    if isinstance(series, pd.Series) and isinstance(series.index, pd.DatetimeIndex):
        if series.empty:
            raise ValueError("series must not be empty")
        start = series.index[0]
        count = steps or int((series.index[-1] - start).total_seconds() // dt) + 1
        grid = start + pd.to_timedelta(np.arange(count) * dt, unit="s")
        values = series.sort_index().reindex(grid, method="ffill").to_numpy(dtype=np.float64)
    else:
        values = np.asarray(series, dtype=np.float64)
        if steps is not None:
            values = values[:steps]
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("series must be non-empty and finite")
    return np.maximum(values, floor)
