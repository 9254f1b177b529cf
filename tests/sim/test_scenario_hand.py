"""A tiny market worked by hand: two users, one liquidation.

Market (``PerpMarketParams``): oracle $100, margin 10% initial / 5% maintenance, imf 0, liquidator fee 1%,
IF fee 1%, order step 0.001. Exchange: liquidation buffer 2%, taker fee 10 bps and maker rebate 2 bps
(``FeeStructure::perps_default`` tier 0). Accounts: A deposits $100, B (a JIT maker quoting at the oracle)
$10,000, a liquidator $100,000; the IF holds $1,000. The oracle is $100 for steps 0-9 and $83 from step 10.

Hand computation (quote in 1e6, base in 1e9; integer division truncates):

1. A buys 5 with a market order; B fills it inside the auction at its quote, the oracle, $100:
   quote = 5 * 100 = 500_000_000; A's fee = ceil(500e6 * 100 / 1e5) = 500_000; B's rebate = 500e6 * 20 / 1e5
   = 100_000. A: base 5e9, quote -500_500_000, entry -500_000_000. B: base -5e9, quote 500_100_000.
2. Step 10, oracle $83. A's position is worth 5 * 83 = 415e6; unrealised P&L 415e6 - 500.5e6 = -85.5e6.
   Maintenance requirement 415e6 * 5% = 20.75e6; with the 2% buffer 20.75e6 + 415e6 * 2% = 29.05e6.
   Collateral 100e6 - 85.5e6 = 14.5e6 (< 20.75e6: liquidatable); its buffer -85.5e6 * 2% = -1.71e6.
   Shortage = 29.05e6 - (14.5e6 - 1.71e6) = 16_260_000.
3. Fees: the liquidator fee is the base 1% (10_000 at 1e6; no grace period elapsed). IF fee: room =
   (700 * 100 - 10_000 - 16.26e6 * 1e9 / 5e9 * 1e6 / 83e6) * 19 / 20 = (70_000 - 10_000 - 39_180) * 19 / 20
   = 19_779, capped at if_liquidation_fee = 10_000.
4. Base to cover the shortage: 16.26e6 * 1e9 / (83e6 * (70_000 - 10_000) / 1e6 - 83e6 * 10_000 / 1e6)
   = 16.26e15 / (4_980_000 - 830_000) = 3_918_072_289, rounded up to the step: 3_919_000_000. The shortage is
   under $50, so all of it may go at once; the position is worth more than $50, so no more.
5. Transfer at the oracle: 3.919 * 83 = 325_277_000; liquidator fee = IF fee = 325_277_000 * 1% = 3_252_770.
   A: base 5e9 - 3.919e9 = 1_081_000_000; quote -500_500_000 + 325_277_000 - 2 * 3_252_770 = -181_728_540;
   entry -500e6 + 500e6 * 3919 / 5000 = -108_100_000. Liquidator: base 3_919_000_000, quote
   -325_277_000 + 3_252_770 = -322_024_230. The market books total_liquidation_fee = 3_252_770, and A, having
   had at least the base to cover liquidated, leaves liquidation.
"""

from __future__ import annotations

import numpy as np

from driftlab.params import ExchangeParams, LiquidationParams, PerpMarketParams
from driftlab.sim import JitMakerPolicy, Simulation

MARKET = PerpMarketParams(name="TINY-PERP", oracle_price=100.0, amm_base_reserve=10_000.0, margin_ratio_initial=0.1,
                          margin_ratio_maintenance=0.05, imf_factor=0.0, liquidator_fee=0.01, if_liquidation_fee=0.01,
                          base_spread=0.001, max_spread=0.05, order_step_size=0.001, min_order_size=0.001)


def _run() -> tuple[Simulation, int, int, int]:
    path = np.array([100.0] * 10 + [83.0] * 5)
    sim = Simulation(MARKET, path, exchange=ExchangeParams(liquidation=LiquidationParams(margin_buffer_ratio=0.02)),
                     seed=7, amm_fee_pool=1_000.0, jit_maker_policy=JitMakerPolicy(spread=0.0, max_base=5.0),
                     check_invariants="full")
    sim.add_insurance_staker(1_000.0)
    liquidator = sim.add_liquidator(100_000.0)
    a = sim.add_takers([100.0])[0]
    b = sim.add_jit_maker(10_000.0)
    assert sim.place_order(a, 0, 5.0) is not None
    sim.run(10)  # steps 0-9 at $100
    return sim, a, b, liquidator


def test_fill_with_the_jit_maker_at_the_oracle() -> None:
    sim, a, b, _ = _run()
    pa = sim.exchange.accounts[a].user.perp_positions[0]
    pb = sim.exchange.accounts[b].user.perp_positions[0]
    assert (pa.base_asset_amount, pa.quote_asset_amount, pa.quote_entry_amount) == (5_000_000_000, -500_500_000,
                                                                                   -500_000_000)
    assert (pb.base_asset_amount, pb.quote_asset_amount) == (-5_000_000_000, 500_100_000)
    fills = sim.events().query("event == 'fill'")
    assert list(fills["maker"]) == [b] and list(fills["price"]) == [100_000_000]


def test_one_liquidation_matches_the_hand_computation() -> None:
    sim, a, _, liquidator = _run()
    sim.run(1)  # step 10: the oracle is $83
    event = sim.events().query("event == 'liquidate_perp'")
    assert len(event) == 1
    row = event.iloc[0]
    assert (row["user"], row["liquidator"], row["step"]) == (a, liquidator, 10)
    assert row["margin_shortage"] == 16_260_000
    assert row["base"] == 3_919_000_000
    assert row["base_value"] == 325_277_000
    assert row["liquidator_fee"] == row["if_fee"] == 3_252_770
    user = sim.exchange.accounts[a].user
    pa = user.perp_positions[0]
    assert (pa.base_asset_amount, pa.quote_asset_amount, pa.quote_entry_amount) == (1_081_000_000, -181_728_540,
                                                                                   -108_100_000)
    pl = sim.exchange.accounts[liquidator].user.perp_positions[0]
    assert (pl.base_asset_amount, pl.quote_asset_amount) == (3_919_000_000, -322_024_230)
    assert sim.exchange.perp_markets[0].amm.total_liquidation_fee == 3_252_770
    assert not user.is_being_liquidated()
    # nothing else happens to A in the following steps at $83
    sim.run(4)
    assert len(sim.events().query("event == 'liquidate_perp'")) == 1
