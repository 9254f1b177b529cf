"""Insurance-fund stakers through the simulator: stake, revenue settled hourly, request, wait, unstake."""

from __future__ import annotations

import dataclasses

import numpy as np

from driftlab.params import SOL_PERP, USDC_SPOT
from driftlab.sim import Simulation


def test_stake_request_wait_unstake_conserves_tokens() -> None:
    usdc = dataclasses.replace(USDC_SPOT, unstaking_period=30)
    sim = Simulation(SOL_PERP, np.full(100, 25.0), [usdc], check_invariants="full")
    staker = sim.add_insurance_staker(1_000.0)
    exchange = sim.exchange
    stake = exchange.accounts[staker].stake
    assert stake is not None and stake.if_shares == 1_000_000_000  # the first stake mints shares 1:1
    fund = exchange.spot_markets[0].insurance_fund
    assert fund.total_shares == fund.user_shares == stake.if_shares
    sim.run(10)
    sim.request_unstake(staker)
    assert sim.unstake(staker) == 0  # too early: refused
    sim.run(40)
    paid = sim.unstake(staker)
    # the request value is min(amount(shares), vault - 1): one unit stays in the fund
    assert paid == 999.999999
    assert exchange.insurance_vault[0] == 1 and fund.user_shares == 0
    assert exchange.vault[0] + exchange.insurance_vault[0] == exchange.external_in[0]
    sim.run(10)  # and the invariants still hold afterwards
