"""``driftlab.sim.Exchange``'s instructions against the program's own tests (protocol-v2 v2.161.0)."""

from __future__ import annotations

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION,
    LIQUIDATION_FEE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    QUOTE_PRECISION,
    HistoricalOracleData,
    MarketStatus,
    Order,
    OrderStatus,
    OrderType,
    PerpMarket,
    PerpPosition,
    PositionDirection,
)
from driftlab.params import USDC_SPOT
from driftlab.sim import Exchange


def test_liquidate_perp_program_case_successful_liquidation_long_perp() -> None:
    """controller/liquidation/tests.rs::successful_liquidation_long_perp: long 1 at quote -150, oracle $100,
    liquidator and IF fee 1%, buffer 10 (0.1%): the user ends at quote -51 (the $1 liquidator fee, no room
    for an IF fee), the liquidator long 1 at quote -99, total_liquidation_fee 0."""
    price = 100 * PRICE_PRECISION
    market = PerpMarket(
        amm=AMM(base_asset_reserve=100 * AMM_RESERVE_PRECISION, quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
                bid_base_asset_reserve=101 * AMM_RESERVE_PRECISION, bid_quote_asset_reserve=99 * AMM_RESERVE_PRECISION,
                ask_base_asset_reserve=99 * AMM_RESERVE_PRECISION, ask_quote_asset_reserve=101 * AMM_RESERVE_PRECISION,
                sqrt_k=100 * AMM_RESERVE_PRECISION, peg_multiplier=100 * PEG_PRECISION, max_slippage_ratio=50,
                max_fill_reserve_fraction=100, order_step_size=10_000_000, quote_asset_amount=-150 * QUOTE_PRECISION,
                base_asset_amount_with_amm=BASE_PRECISION, base_asset_amount_long=BASE_PRECISION,
                quote_entry_amount_long=-150 * QUOTE_PRECISION, quote_break_even_amount_long=-150 * QUOTE_PRECISION,
                oracle="oracle", order_tick_size=1,
                historical_oracle_data=HistoricalOracleData(last_oracle_price=price, last_oracle_price_twap=price,
                                                            last_oracle_price_twap_5min=price)),
        margin_ratio_initial=1000, margin_ratio_maintenance=500, number_of_users_with_base=1,
        status=MarketStatus.Initialized, liquidator_fee=LIQUIDATION_FEE_PRECISION // 100,
        if_liquidation_fee=LIQUIDATION_FEE_PRECISION // 100)
    state = ex.State(liquidation_margin_buffer_ratio=10, initial_pct_to_liquidate=ex.LIQUIDATION_PCT_PRECISION,
                     liquidation_duration=150)
    exchange = Exchange(state, {0: market}, {0: USDC_SPOT.to_exact(0)}, oracle_confidence=0.0)
    user = exchange.add_account("taker")
    liquidator = exchange.add_account("liquidator")
    exchange.deposit(liquidator, 0, 50 * QUOTE_PRECISION)
    account = exchange.accounts[user].user
    account.orders[0] = Order(market_index=0, status=OrderStatus.Open, order_type=OrderType.Limit,
                              direction=PositionDirection.Long, base_asset_amount=BASE_PRECISION, slot=0)
    account.perp_positions[0] = PerpPosition(market_index=0, base_asset_amount=BASE_PRECISION,
                                             quote_asset_amount=-150 * QUOTE_PRECISION,
                                             quote_entry_amount=-150 * QUOTE_PRECISION,
                                             quote_break_even_amount=-150 * QUOTE_PRECISION, open_orders=1,
                                             open_bids=BASE_PRECISION)
    account.open_orders = 1
    base = exchange.liquidate_perp(user, liquidator, 0, BASE_PRECISION)
    position = account.perp_positions[0]
    assert base == BASE_PRECISION
    assert (position.base_asset_amount, position.quote_asset_amount) == (0, -51 * QUOTE_PRECISION)
    assert (position.open_orders, position.open_bids) == (0, 0)
    liq = exchange.accounts[liquidator].user.perp_positions[0]
    assert (liq.base_asset_amount, liq.quote_asset_amount) == (BASE_PRECISION, -99 * QUOTE_PRECISION)
    assert market.amm.total_liquidation_fee == 0
