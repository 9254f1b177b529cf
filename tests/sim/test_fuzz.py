"""Seeded fuzz: 10^4 steps of random trading and random actions, every invariant checked after every step."""

from __future__ import annotations

import numpy as np
import pytest

from driftlab.params import SOL_PERP, ExchangeParams, LiquidationParams
from driftlab.sim import JitMakerPolicy, Simulation, TakerPolicy, paths

STEPS = 10_000


@pytest.mark.slow
def test_invariants_hold_over_ten_thousand_random_steps() -> None:
    rng = np.random.default_rng(20240601)
    market = SOL_PERP.__class__(**{**SOL_PERP.__dict__, "amm_base_reserve": 20_000.0, "imf_factor": 0.001})
    path = paths.jump_diffusion(STEPS, 25.0, volatility=4.0, jump_rate=30.0, jump_mean=-0.05, jump_std=0.06, rng=rng)
    sim = Simulation(market, path, exchange=ExchangeParams(liquidation=LiquidationParams(liquidation_duration=20)),
                     seed=rng, amm_fee_pool=500.0,
                     taker_policy=TakerPolicy(trade_probability=0.02, order_leverage=(2.0, 9.0), max_leverage=9.5,
                                              close_probability=0.2, stop_loss=0.3),
                     jit_maker_policy=JitMakerPolicy(spread=0.001, max_base=20.0, participation=0.5),
                     settle_interval=300, check_invariants="full")
    sim.add_insurance_staker(200.0)
    liquidator = sim.add_liquidator(50_000.0)
    sim.add_jit_maker(20_000.0)
    takers = sim.add_takers(rng.uniform(20.0, 2_000.0, 24))
    actions = {"deposit": 0, "order": 0, "cancel": 0}
    for _ in range(STEPS):
        u = rng.random()
        if u < 0.01:  # a random deposit
            sim.deposit(int(rng.choice(takers)), float(rng.uniform(1, 500)))
            actions["deposit"] += 1
        elif u < 0.03:  # a random order, any size and side, maybe reduce-only
            account = int(rng.choice(takers))
            if sim.exchange.accounts[account].user.status == 0:
                sim.place_order(account, 0, float(rng.normal(0, 30)), reduce_only=bool(rng.random() < 0.3))
                actions["order"] += 1
        elif u < 0.035:
            sim.cancel_orders(int(rng.choice(takers)))
            actions["cancel"] += 1
        sim.step()  # raises InvariantViolation on any breach
    events = sim.events()["event"].value_counts().to_dict()
    assert min(actions.values()) > 0
    for kind in ("fill", "liquidate_perp", "settle_pnl", "funding", "order_rejected"):
        assert events.get(kind, 0) > 0, (kind, events)
    assert sim.exchange.accounts[liquidator].user.status == 0

