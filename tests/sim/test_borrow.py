"""Deposits, borrows and interest: a SOL depositor borrows USDC, interest accrues every step, the insurance
fund takes its share through the revenue pool, and the invariants (with rounding slack >= 0) hold."""

from __future__ import annotations

import dataclasses

import numpy as np

from driftlab.params import SOL_PERP, SOL_SPOT, USDC_SPOT
from driftlab.sim import Simulation


def test_borrow_accrues_interest_and_conserves_tokens() -> None:
    steps = 600
    # a new market's deposit TWAP starts at 0, so only the withdraw guard threshold lets anyone borrow at first
    usdc_params = dataclasses.replace(USDC_SPOT, withdraw_guard_threshold=5_000.0)
    sim = Simulation(SOL_PERP, np.full(steps, 25.0), [usdc_params, SOL_SPOT], spot_paths={1: np.full(steps, 25.0)},
                     check_invariants="full")
    lender = sim.add_account("lender", deposit=10_000.0)
    borrower = sim.add_account("borrower", deposit=100.0, market_index=1)  # 100 SOL = $2,500
    exchange = sim.exchange
    # too much: SOL's initial asset weight 80% of $2,500 = $2,000 of borrowing power
    assert sim.withdraw(borrower, 2_500.0) == 0
    assert exchange.events[-1]["reason"] == "InsufficientCollateral"
    assert exchange.token_amount(borrower, 0) == 0
    assert sim.withdraw(borrower, 1_500.0) == 1_500.0
    borrowed = -exchange.token_amount(borrower, 0)
    assert borrowed == 1_500_000_001  # a borrow's scaled balance rounds up: it reads one unit more
    usdc = exchange.spot_markets[0]
    utilization = usdc.get_utilization()
    assert utilization == 150_000  # 1,500 / 10,000
    sim.run()
    # borrowers owe more, lenders are owed more (borrow interest rounds up by one unit a step)
    assert -exchange.token_amount(borrower, 0) > borrowed
    assert exchange.token_amount(lender, 0) > 10_000 * 10**6
    assert usdc.cumulative_borrow_interest > usdc.cumulative_deposit_interest > 10**10
    # the vault still covers the claims (the invariant check ran every step)
    assert exchange.vault[0] - ex_claim(usdc) >= 0
    del lender


def ex_claim(spot) -> int:
    import driftlab.exact as ex

    return ex.validate_spot_market_vault_amount(spot, 10**18)
