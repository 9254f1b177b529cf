"""The Simulation's interface: parameter checks, metrics in natural units, the progress bar, partial runs."""

from __future__ import annotations

import numpy as np
import pytest

from driftlab.params import SOL_PERP
from driftlab.sim import Simulation, TakerPolicy


def _sim(steps: int = 30, **kwargs) -> Simulation:
    sim = Simulation(SOL_PERP, np.full(steps, 25.0), amm_fee_pool=500.0, **kwargs)
    sim.add_insurance_staker(1_234.5)
    return sim


def test_metrics_are_in_natural_units() -> None:
    result = _sim().run()
    m = result.metrics
    assert len(m) == 30 and (m["market"] == 0).all()
    assert m["oracle"].iloc[0] == 25.0 and m["insurance_fund"].iloc[0] == pytest.approx(1_234.5)
    assert m["band_low"].iloc[0] == pytest.approx(22.5) and m["band_high"].iloc[0] == pytest.approx(27.5)
    assert m["fee_pool"].iloc[0] + m["pnl_pool"].iloc[0] + m["revenue_pool"].iloc[0] == pytest.approx(500.0)
    assert (m["bid"] <= m["ask"]).all()
    summary = result.summary()
    assert summary["insurance_fund_solvent"] and summary["bankruptcies"] == 0
    assert result.stats["accounts"] == 2 and result.stats["steps"] == 30  # the keeper and the staker


def test_partial_runs_continue_and_stop_at_the_path_end() -> None:
    sim = _sim(steps=20)
    sim.run(5)
    assert sim.step_index == 5
    result = sim.run()
    assert sim.step_index == 20 and len(result.metrics) == 20
    with pytest.raises(ValueError, match="steps"):
        sim.run(1)


def test_progress_bar_outside_a_notebook() -> None:
    result = _sim(steps=10).run(progress=True)
    assert len(result.metrics) == 10


@pytest.mark.parametrize("kwargs, name", [
    ({"check_invariants": "sometimes"}, "check_invariants"),
    ({"dt": 0}, "dt"),
    ({"settle_interval": -1}, "settle_interval"),
    ({"liquidator_slippage": 2.0}, "liquidator_slippage"),
    ({"settle_min_pnl": -1.0}, "settle_min_pnl"),
])
def test_bad_simulation_arguments(kwargs, name) -> None:
    with pytest.raises(ValueError, match=name):
        Simulation(SOL_PERP, np.full(5, 25.0), **kwargs)


def test_paths_must_match_the_markets() -> None:
    with pytest.raises(ValueError, match="paths"):
        Simulation(SOL_PERP, {1: np.full(5, 25.0)})


@pytest.mark.parametrize("kwargs, name", [({"trade_probability": 2.0}, "trade_probability"),
                                          ({"order_leverage": (3.0, 1.0)}, "order_leverage"),
                                          ({"stop_loss": 1.5}, "stop_loss")])
def test_bad_policy(kwargs, name) -> None:
    with pytest.raises(ValueError, match=name):
        TakerPolicy(**kwargs)
