"""A stop-loss: a reduce-only trigger-market order waits, triggers when the oracle crosses, then auctions on
oracle offsets (``OracleTriggerMarket``) and closes the position against the AMM."""

from __future__ import annotations

import numpy as np

import driftlab.exact as ex
from driftlab.params import SOL_PERP
from driftlab.sim import Simulation


def test_stop_loss_triggers_and_closes() -> None:
    path = np.concatenate([np.full(20, 25.0), np.linspace(25.0, 23.0, 40), np.full(200, 23.0)])
    sim = Simulation(SOL_PERP, path, amm_fee_pool=1_000.0, check_invariants="full")
    sim.add_liquidator(100_000.0)
    taker = sim.add_takers([1_000.0])[0]
    sim.open_position(taker, 0, 40.0)
    placed = sim.place_order(taker, 0, -40.0, reduce_only=True, order_type=ex.OrderType.TriggerMarket,
                             trigger_price=24 * ex.PRICE_PRECISION, trigger_condition=ex.OrderTriggerCondition.Below)
    assert placed is not None
    sim.run(25)
    assert sim.exchange.accounts[taker].user.orders[placed].status == ex.OrderStatus.Open  # still waiting
    result = sim.run()
    events = result.events
    trigger = events.query("event == 'trigger'")
    assert len(trigger) == 1 and trigger["oracle"].iloc[0] < 24 * ex.PRICE_PRECISION
    order = sim.exchange.accounts[taker].user.orders[placed]
    assert order.is_bit_flag_set(ex.OrderBitFlag.OracleTriggerMarket)
    closes = events.query("event == 'fill' and user == @taker and direction == 'Short'")
    assert closes["base"].sum() == 40 * ex.BASE_PRECISION
    assert sim.exchange.accounts[taker].user.perp_positions[0].base_asset_amount == 0
