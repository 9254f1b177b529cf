"""Oracle paths: shapes, seeds, the crash's size and timing, replay of a pandas Series, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from driftlab.sim import paths


def test_random_walk_is_seeded_and_positive() -> None:
    a = paths.random_walk(1000, 25.0, 0.8, rng=1)
    assert a.shape == (1000,) and a[0] == 25.0 and np.all(a > 0)
    np.testing.assert_array_equal(a, paths.random_walk(1000, 25.0, 0.8, rng=1))
    assert not np.array_equal(a, paths.random_walk(1000, 25.0, 0.8, rng=2))
    np.testing.assert_array_equal(paths.random_walk(5, 10.0, 0.0), np.full(5, 10.0))


def test_crash_falls_by_its_size_over_its_duration() -> None:
    p = paths.crash(5000, 100.0, size=0.3, begin=100, duration=3600)
    assert p[100] == pytest.approx(100.0) and p[3700] == pytest.approx(70.0) and p[-1] == pytest.approx(70.0)
    assert np.all(np.diff(p) <= 1e-12)
    half = paths.crash(5000, 100.0, size=0.3, begin=0, duration=1000, recovery=0.5)
    assert half[2000] == pytest.approx(100.0 * 0.7**0.5)


def test_jump_diffusion_jumps() -> None:
    p = paths.jump_diffusion(86_400, 25.0, volatility=0.0, jump_rate=20.0, jump_mean=-0.05, jump_std=0.0, rng=3)
    jumps = np.count_nonzero(np.abs(np.diff(np.log(p))) > 1e-9)
    assert 5 <= jumps <= 40


def test_replay_series() -> None:
    index = pd.date_range("2024-01-01", periods=4, freq="10s")
    series = pd.Series([10.0, 11.0, 12.0, 13.0], index=index)
    p = paths.replay(series, dt=5.0)
    np.testing.assert_array_equal(p, [10.0, 10.0, 11.0, 11.0, 12.0, 12.0, 13.0])
    np.testing.assert_array_equal(paths.replay(np.array([1.0, 2.0, 3.0]), steps=2), [1.0, 2.0])


@pytest.mark.parametrize("call, name", [
    (lambda: paths.random_walk(0, 1.0), "steps"),
    (lambda: paths.random_walk(10, -1.0), "start"),
    (lambda: paths.crash(10, 1.0, size=1.5), "size"),
    (lambda: paths.crash(10, 1.0, duration=0), "duration"),
    (lambda: paths.replay(np.array([])), "series"),
])
def test_bad_input_names_the_parameter(call, name) -> None:
    with pytest.raises(ValueError, match=name):
        call()
