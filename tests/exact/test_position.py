"""Position accounting (controller/position.rs, math/position.rs): entry, break-even and realised P&L.

Fidelity numbers come from the program's ``update_position_and_market`` tests (cited per case); the rest are
errors and invariants: realised P&L does not depend on how a close is split, and a full close realises exactly
the quote of the trades.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import AMM, BASE_PRECISION, PerpMarket, PerpPosition, PositionDelta, PositionUpdateType


def default_test_amm(**fields: int) -> AMM:
    """``AMM::default_test()`` (state/perp_market.rs) with the test's fields on top."""
    base = {
        "base_asset_reserve": 100 * 10**9,
        "quote_asset_reserve": 100 * 10**9,
        "sqrt_k": 100 * 10**9,
        "concentration_coef": ex.MAX_CONCENTRATION_COEFFICIENT,
        "order_step_size": 1,
        "order_tick_size": 1,
        "max_base_asset_reserve": 2**64 - 1,
        "terminal_quote_asset_reserve": 100 * 10**9,
        "peg_multiplier": ex.PEG_PRECISION,
        "max_fill_reserve_fraction": 1,
        "max_spread": 1000,
        "last_oracle_valid": True,
    }
    amm = AMM(**{**base, **fields})
    amm.historical_oracle_data.last_oracle_price = ex.PRICE_PRECISION
    return amm


def default_test_market(amm: AMM, **fields: int) -> PerpMarket:
    """``PerpMarket::default_test()``: margin ratios 10% / 5%."""
    return PerpMarket(amm=amm, margin_ratio_initial=1000, margin_ratio_maintenance=500, **fields)


POSITION_CASES = [
    # programs/drift/src/controller/position/tests.rs::increase_long_from_no_position
    (
        "increase_long_from_no_position",
        {},
        (1, -1),
        "default",
        {"cumulative_funding_rate_long": 1, "sqrt_k": 1, "order_step_size": 1},
        0,
        {
            "position.base_asset_amount": 1,
            "position.quote_asset_amount": -1,
            "position.quote_break_even_amount": -1,
            "position.quote_entry_amount": -1,
            "pnl": 0,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.base_asset_amount_with_amm": 0,
            "market.amm.quote_asset_amount": -1,
            "market.amm.quote_entry_amount_long": -1,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -1,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::increase_short_from_no_position
    (
        "increase_short_from_no_position",
        {},
        (-1, 1),
        "default_test",
        {"cumulative_funding_rate_short": 1},
        0,
        {
            "position.base_asset_amount": -1,
            "position.quote_asset_amount": 1,
            "position.quote_break_even_amount": 1,
            "position.quote_entry_amount": 1,
            "pnl": 0,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": 1,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 1,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 1,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::increase_long
    (
        "increase_long",
        {
            "base_asset_amount": 1,
            "quote_asset_amount": -1,
            "quote_break_even_amount": -2,
            "quote_entry_amount": -1,
            "last_cumulative_funding_rate": 1,
        },
        (1, -1),
        "default_test",
        {
            "base_asset_amount_with_amm": 1,
            "base_asset_amount_long": 1,
            "base_asset_amount_short": 0,
            "quote_asset_amount": -1,
            "quote_break_even_amount_long": -2,
            "quote_entry_amount_long": -1,
            "cumulative_funding_rate_long": 1,
        },
        1,
        {
            "position.base_asset_amount": 2,
            "position.quote_asset_amount": -2,
            "position.quote_break_even_amount": -3,
            "position.quote_entry_amount": -2,
            "pnl": 0,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 2,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -2,
            "market.amm.quote_entry_amount_long": -2,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -3,
            "market.amm.quote_break_even_amount_short": 0,
            "market.amm.base_asset_amount_with_amm": 1,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::increase_short
    (
        "increase_short",
        {
            "base_asset_amount": -1,
            "quote_asset_amount": 1,
            "quote_break_even_amount": 2,
            "quote_entry_amount": 1,
            "last_cumulative_funding_rate": 1,
        },
        (-1, 1),
        "default_test",
        {
            "base_asset_amount_short": -1,
            "base_asset_amount_long": 0,
            "quote_asset_amount": 1,
            "quote_entry_amount_short": 1,
            "quote_break_even_amount_short": 2,
            "cumulative_funding_rate_short": 1,
        },
        1,
        {
            "position.base_asset_amount": -2,
            "position.quote_asset_amount": 2,
            "position.quote_entry_amount": 2,
            "position.quote_break_even_amount": 3,
            "pnl": 0,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -2,
            "market.amm.quote_asset_amount": 2,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 2,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 3,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::reduce_long_profitable
    (
        "reduce_long_profitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -10,
            "quote_break_even_amount": -12,
            "last_cumulative_funding_rate": 1,
        },
        (-1, 5),
        "default_test",
        {
            "base_asset_amount_with_amm": 10,
            "base_asset_amount_long": 10,
            "base_asset_amount_short": 0,
            "quote_asset_amount": -10,
            "quote_entry_amount_long": -10,
            "quote_break_even_amount_long": -12,
            "cumulative_funding_rate_long": 1,
        },
        1,
        {
            "position.base_asset_amount": 9,
            "position.quote_asset_amount": -5,
            "position.quote_entry_amount": -9,
            "position.quote_break_even_amount": -11,
            "pnl": 4,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 9,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -5,
            "market.amm.quote_entry_amount_long": -9,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -11,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::reduce_long_unprofitable
    (
        "reduce_long_unprofitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -100,
            "quote_entry_amount": -100,
            "quote_break_even_amount": -200,
            "last_cumulative_funding_rate": 1,
        },
        (-1, 5),
        "default_test",
        {
            "base_asset_amount_with_amm": 10,
            "base_asset_amount_long": 10,
            "base_asset_amount_short": 0,
            "quote_asset_amount": -100,
            "quote_entry_amount_long": -100,
            "quote_break_even_amount_long": -200,
            "cumulative_funding_rate_long": 1,
        },
        1,
        {
            "position.base_asset_amount": 9,
            "position.quote_asset_amount": -95,
            "position.quote_entry_amount": -90,
            "position.quote_break_even_amount": -180,
            "pnl": -5,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 9,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -95,
            "market.amm.quote_entry_amount_long": -90,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -180,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::flip_long_to_short_profitable
    (
        "flip_long_to_short_profitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -10,
            "quote_break_even_amount": -12,
            "last_cumulative_funding_rate": 1,
        },
        (-11, 22),
        "default_test",
        {
            "base_asset_amount_with_amm": 10,
            "base_asset_amount_long": 10,
            "base_asset_amount_short": 0,
            "quote_asset_amount": -10,
            "quote_break_even_amount_long": -12,
            "quote_entry_amount_long": -10,
            "cumulative_funding_rate_short": 2,
            "cumulative_funding_rate_long": 1,
        },
        1,
        {
            "position.base_asset_amount": -1,
            "position.quote_asset_amount": 12,
            "position.quote_entry_amount": 2,
            "position.quote_break_even_amount": 2,
            "pnl": 10,
            "position.last_cumulative_funding_rate": 2,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": 12,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 2,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 2,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::flip_long_to_short_unprofitable
    (
        "flip_long_to_short_unprofitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -10,
            "quote_break_even_amount": -12,
            "last_cumulative_funding_rate": 1,
        },
        (-11, 10),
        "default",
        {
            "base_asset_amount_with_amm": 10,
            "base_asset_amount_long": 10,
            "base_asset_amount_short": 0,
            "quote_asset_amount": -10,
            "quote_break_even_amount_long": -12,
            "quote_entry_amount_long": -10,
            "cumulative_funding_rate_short": 2,
            "cumulative_funding_rate_long": 1,
            "order_step_size": 1,
        },
        1,
        {
            "position.base_asset_amount": -1,
            "position.quote_asset_amount": 0,
            "position.quote_break_even_amount": 1,
            "position.quote_entry_amount": 1,
            "pnl": -1,
            "position.last_cumulative_funding_rate": 2,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": 0,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 1,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 1,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::reduce_short_profitable
    (
        "reduce_short_profitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount": 100,
            "quote_break_even_amount": 200,
            "last_cumulative_funding_rate": 1,
        },
        (1, -5),
        "default_test",
        {
            "base_asset_amount_long": 0,
            "base_asset_amount_short": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount_short": 100,
            "quote_break_even_amount_short": 200,
            "cumulative_funding_rate_short": 1,
        },
        1,
        {
            "position.base_asset_amount": -9,
            "position.quote_asset_amount": 95,
            "position.quote_entry_amount": 90,
            "position.quote_break_even_amount": 180,
            "pnl": 5,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -9,
            "market.amm.quote_asset_amount": 95,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 90,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 180,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::decrease_short_unprofitable
    (
        "decrease_short_unprofitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount": 100,
            "quote_break_even_amount": 200,
            "last_cumulative_funding_rate": 1,
        },
        (1, -15),
        "default_test",
        {
            "base_asset_amount_long": 0,
            "base_asset_amount_short": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount_short": 100,
            "quote_break_even_amount_short": 200,
            "cumulative_funding_rate_short": 1,
        },
        1,
        {
            "position.base_asset_amount": -9,
            "position.quote_asset_amount": 85,
            "position.quote_entry_amount": 90,
            "position.quote_break_even_amount": 180,
            "pnl": -5,
            "position.last_cumulative_funding_rate": 1,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -9,
            "market.amm.quote_asset_amount": 85,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 90,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 180,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::flip_short_to_long_profitable
    (
        "flip_short_to_long_profitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount": 100,
            "quote_break_even_amount": 200,
            "last_cumulative_funding_rate": 1,
        },
        (11, -60),
        "default_test",
        {
            "base_asset_amount_with_amm": -10,
            "base_asset_amount_long": 0,
            "base_asset_amount_short": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount_short": 100,
            "quote_break_even_amount_short": 200,
            "cumulative_funding_rate_long": 2,
            "cumulative_funding_rate_short": 1,
        },
        1,
        {
            "position.base_asset_amount": 1,
            "position.quote_asset_amount": 40,
            "position.quote_break_even_amount": -6,
            "position.quote_entry_amount": -6,
            "pnl": 46,
            "position.last_cumulative_funding_rate": 2,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": 40,
            "market.amm.quote_entry_amount_long": -6,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -6,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::flip_short_to_long_unprofitable
    (
        "flip_short_to_long_unprofitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 100,
            "quote_break_even_amount": 200,
            "quote_entry_amount": 100,
            "last_cumulative_funding_rate": 1,
        },
        (11, -120),
        "default_test",
        {
            "base_asset_amount_with_amm": -10,
            "base_asset_amount_long": 0,
            "base_asset_amount_short": -10,
            "quote_asset_amount": 100,
            "quote_entry_amount_short": 100,
            "quote_break_even_amount_short": 200,
            "cumulative_funding_rate_long": 2,
            "cumulative_funding_rate_short": 1,
        },
        1,
        {
            "position.base_asset_amount": 1,
            "position.quote_asset_amount": -20,
            "position.quote_entry_amount": -11,
            "position.quote_break_even_amount": -11,
            "pnl": -9,
            "position.last_cumulative_funding_rate": 2,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -20,
            "market.amm.quote_entry_amount_long": -11,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -11,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_long_profitable
    (
        "close_long_profitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -10,
            "quote_break_even_amount": -12,
            "last_cumulative_funding_rate": 1,
        },
        (-10, 15),
        "default_test",
        {
            "base_asset_amount_with_amm": 11,
            "base_asset_amount_long": 11,
            "quote_asset_amount": -11,
            "quote_entry_amount_long": -11,
            "quote_break_even_amount_long": -13,
            "cumulative_funding_rate_long": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": 5,
            "position.quote_entry_amount": 0,
            "position.quote_break_even_amount": 0,
            "pnl": 5,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": 4,
            "market.amm.quote_entry_amount_long": -1,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -1,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_long_unprofitable
    (
        "close_long_unprofitable",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -10,
            "quote_break_even_amount": -12,
            "last_cumulative_funding_rate": 1,
        },
        (-10, 5),
        "default_test",
        {
            "base_asset_amount_with_amm": 11,
            "base_asset_amount_long": 11,
            "quote_asset_amount": -11,
            "quote_entry_amount_long": -11,
            "quote_break_even_amount_long": -13,
            "cumulative_funding_rate_long": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": -5,
            "position.quote_entry_amount": 0,
            "position.quote_break_even_amount": 0,
            "pnl": -5,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -6,
            "market.amm.quote_entry_amount_long": -1,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": -1,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_short_profitable
    (
        "close_short_profitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 10,
            "quote_entry_amount": 10,
            "quote_break_even_amount": 12,
            "last_cumulative_funding_rate": 1,
        },
        (10, -5),
        "default_test",
        {
            "base_asset_amount_short": -11,
            "quote_asset_amount": 11,
            "quote_entry_amount_short": 11,
            "quote_break_even_amount_short": 13,
            "cumulative_funding_rate_short": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": 5,
            "position.quote_break_even_amount": 0,
            "position.quote_entry_amount": 0,
            "pnl": 5,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": 6,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 1,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 1,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_short_unprofitable
    (
        "close_short_unprofitable",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 10,
            "quote_entry_amount": 10,
            "quote_break_even_amount": 12,
            "last_cumulative_funding_rate": 1,
        },
        (10, -15),
        "default_test",
        {
            "base_asset_amount_short": -11,
            "quote_asset_amount": 11,
            "quote_entry_amount_short": 11,
            "quote_break_even_amount_short": 13,
            "cumulative_funding_rate_short": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": -5,
            "position.quote_break_even_amount": 0,
            "position.quote_entry_amount": 0,
            "pnl": -5,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": -4,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 1,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 1,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_long_with_quote_break_even_amount_less_than_quote_asset_amount  # noqa: E501
    (
        "close_long_with_quote_break_even_amount_less_than_quote_asset_amount",
        {
            "base_asset_amount": 10,
            "quote_asset_amount": -10,
            "quote_entry_amount": -8,
            "quote_break_even_amount": -9,
            "last_cumulative_funding_rate": 1,
        },
        (-10, 5),
        "default",
        {
            "base_asset_amount_with_amm": 11,
            "base_asset_amount_long": 11,
            "quote_asset_amount": -11,
            "quote_entry_amount_long": -8,
            "quote_break_even_amount_long": -9,
            "cumulative_funding_rate_long": 1,
            "order_step_size": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": -5,
            "position.quote_entry_amount": 0,
            "position.quote_break_even_amount": 0,
            "pnl": -3,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 1,
            "market.amm.base_asset_amount_short": 0,
            "market.amm.quote_asset_amount": -6,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
    # programs/drift/src/controller/position/tests.rs::close_short_with_quote_break_even_amount_more_than_quote_asset_amount  # noqa: E501
    (
        "close_short_with_quote_break_even_amount_more_than_quote_asset_amount",
        {
            "base_asset_amount": -10,
            "quote_asset_amount": 10,
            "quote_entry_amount": 15,
            "quote_break_even_amount": 17,
            "last_cumulative_funding_rate": 1,
        },
        (10, -15),
        "default",
        {
            "base_asset_amount_short": -11,
            "quote_asset_amount": 11,
            "quote_entry_amount_short": 15,
            "quote_break_even_amount_short": 17,
            "cumulative_funding_rate_short": 1,
            "order_step_size": 1,
        },
        2,
        {
            "position.base_asset_amount": 0,
            "position.quote_asset_amount": -5,
            "position.quote_entry_amount": 0,
            "position.quote_break_even_amount": 0,
            "pnl": 0,
            "position.last_cumulative_funding_rate": 0,
            "market.number_of_users_with_base": 1,
            "market.amm.base_asset_amount_long": 0,
            "market.amm.base_asset_amount_short": -1,
            "market.amm.quote_asset_amount": -4,
            "market.amm.quote_entry_amount_long": 0,
            "market.amm.quote_entry_amount_short": 0,
            "market.amm.quote_break_even_amount_long": 0,
            "market.amm.quote_break_even_amount_short": 0,
        },
    ),
]


@pytest.mark.parametrize("case", POSITION_CASES, ids=[c[0] for c in POSITION_CASES])
def test_update_position_and_market_program_cases(case: tuple) -> None:
    _name, position_fields, (delta_base, delta_quote), amm_default, amm_fields, users_with_base, expected = (
        case
    )
    position = PerpPosition(**position_fields)
    amm = default_test_amm(**amm_fields) if amm_default == "default_test" else AMM(**amm_fields)
    market = default_test_market(amm, number_of_users_with_base=users_with_base)
    pnl = ex.update_position_and_market(
        position, market, PositionDelta(base_asset_amount=delta_base, quote_asset_amount=delta_quote)
    )
    got = {"pnl": pnl}
    for key in expected:
        if key == "pnl":
            continue
        obj, *path = key.split(".")
        value = {"position": position, "market": market}[obj]
        for attr in path:
            value = getattr(value, attr)
        got[key] = value
    assert got == expected


def test_position_entry_sim() -> None:
    # programs/drift/src/controller/position/tests.rs::test_position_entry_sim
    half = BASE_PRECISION // 2
    position = PerpPosition()
    market = default_test_market(
        AMM(cumulative_funding_rate_long=1, sqrt_k=1, order_step_size=BASE_PRECISION // 10)
    )
    pnl = ex.update_position_and_market(
        position, market, PositionDelta(base_asset_amount=half, quote_asset_amount=-99_345_000 // 2)
    )
    assert pnl == 0
    assert position.get_entry_price() == 99_345_000
    pnl = ex.update_position_and_market(
        position,
        market,
        PositionDelta(base_asset_amount=-BASE_PRECISION // 5, quote_asset_amount=99_245_000 // 5),
    )
    assert pnl == -20_000
    assert position.base_asset_amount == 300_000_000
    assert position.get_entry_price() == 99_345_000
    assert position.get_breakeven_price() == 99_345_000
    pnl = ex.update_position_and_market(
        position, market, PositionDelta(base_asset_amount=-BASE_PRECISION, quote_asset_amount=99_345_000)
    )
    assert pnl == 0
    assert position.base_asset_amount == -700_000_000
    assert position.get_entry_price() == 99_345_000
    assert position.get_breakeven_price() == 99_345_000


def test_position_update_types() -> None:
    long = PerpPosition(base_asset_amount=10)
    cases = {
        0: None,
        5: PositionUpdateType.Increase,
        -5: PositionUpdateType.Reduce,
        -10: PositionUpdateType.Close,
        -15: PositionUpdateType.Flip,
    }
    for delta_base, expected in cases.items():
        if expected is None:
            continue
        assert ex.get_position_update_type(long, PositionDelta(base_asset_amount=delta_base)) == expected
    assert (
        ex.get_position_update_type(PerpPosition(), PositionDelta(base_asset_amount=-3))
        == PositionUpdateType.Open
    )
    assert ex.get_new_position_amounts(
        PerpPosition(base_asset_amount=10, quote_asset_amount=-7),
        PositionDelta(quote_asset_amount=3, base_asset_amount=-4),
    ) == (6, -4)


def test_quote_only_delta_moves_quote() -> None:
    position = PerpPosition()
    market = default_test_market(default_test_amm())
    assert ex.update_position_and_market(position, market, PositionDelta(quote_asset_amount=-5)) == -5
    assert (position.quote_asset_amount, market.amm.quote_asset_amount, market.number_of_users) == (-5, -5, 1)
    ex.update_quote_asset_amount(position, market, 5)
    assert (position.quote_asset_amount, market.number_of_users) == (0, 0)


def test_position_prices_and_claimable_pnl() -> None:
    # long 2 base entered for $200 (entry $100), fees took $1 (break-even $100.50), $30 already realised
    position = PerpPosition(
        base_asset_amount=2 * BASE_PRECISION,
        quote_asset_amount=-171_000_000,
        quote_entry_amount=-200_000_000,
        quote_break_even_amount=-201_000_000,
    )
    assert position.get_entry_price() == 100_000_000
    assert position.get_breakeven_price() == 100_500_000
    assert position.get_cost_basis() == 85_500_000
    # at $120: upnl = 240 - 171 = 69; claimable = min(69, max(-171 + 200, 0) + excess)
    assert position.get_unrealized_pnl(120_000_000) == 69_000_000
    assert position.get_claimable_pnl(120_000_000, 0) == 29_000_000
    assert position.get_claimable_pnl(120_000_000, 10_000_000) == 39_000_000
    assert position.get_claimable_pnl(120_000_000, -(10**12)) == 29_000_000
    # losses are always claimable in full
    assert position.get_claimable_pnl(50_000_000, 0) == -71_000_000
    assert PerpPosition().get_entry_price() == 0


def test_position_slots() -> None:
    user = ex.User()
    with pytest.raises(ex.UserHasNoPositionInMarket):
        user.get_perp_position(3)
    position = user.force_get_perp_position_mut(3)
    position.base_asset_amount = 1
    assert user.get_perp_position(3) is position
    assert ex.get_position_index(user.perp_positions, 3) == 0
    for market_index in range(4, 11):
        user.force_get_perp_position_mut(market_index).base_asset_amount = 1
    with pytest.raises(ex.MaxNumberOfPositions):
        user.force_get_perp_position_mut(11)
    with pytest.raises(ex.InvalidPerpPosition):
        user.force_get_isolated_perp_position_mut(3)


def test_open_bids_and_asks() -> None:
    position = PerpPosition()
    ex.increase_open_bids_and_asks(position, ex.PositionDirection.Long, 5, True)
    ex.increase_open_bids_and_asks(position, ex.PositionDirection.Short, 7, True)
    ex.increase_open_bids_and_asks(position, ex.PositionDirection.Short, 7, False)
    assert (position.open_bids, position.open_asks) == (5, -7)
    ex.decrease_open_bids_and_asks(position, ex.PositionDirection.Long, 9, True)
    ex.decrease_open_bids_and_asks(position, ex.PositionDirection.Short, 9, True)
    assert (position.open_bids, position.open_asks) == (0, 0)


# ------------------------------------------------------------------------------------------------ errors


def test_stale_funding_rate_is_rejected() -> None:
    position = PerpPosition(
        base_asset_amount=10, quote_asset_amount=-10, quote_entry_amount=-10, last_cumulative_funding_rate=1
    )
    market = default_test_market(default_test_amm(cumulative_funding_rate_long=2, base_asset_amount_long=10))
    with pytest.raises(ex.InvalidPositionLastFundingRate):
        ex.update_position_and_market(
            position, market, PositionDelta(base_asset_amount=-1, quote_asset_amount=1)
        )
    short = PerpPosition(base_asset_amount=-10, last_cumulative_funding_rate=1)
    market = default_test_market(default_test_amm(cumulative_funding_rate_short=3))
    with pytest.raises(ex.InvalidPositionLastFundingRate):
        ex.update_position_and_market(
            short, market, PositionDelta(base_asset_amount=-1, quote_asset_amount=1)
        )


def test_position_off_the_step_size_is_rejected() -> None:
    # the program validates the position *before* the update against the step size
    position = PerpPosition(base_asset_amount=15, quote_asset_amount=-15, quote_entry_amount=-15)
    market = default_test_market(default_test_amm(order_step_size=10, base_asset_amount_long=15))
    with pytest.raises(ex.InvalidPerpPositionDetected):
        ex.update_position_and_market(
            position, market, PositionDelta(base_asset_amount=-5, quote_asset_amount=5)
        )
    # opening from zero is fine even with an odd delta: the old (zero) position is what is checked
    fresh = PerpPosition()
    ex.update_position_and_market(fresh, market, PositionDelta(base_asset_amount=7, quote_asset_amount=-7))
    assert fresh.base_asset_amount == 7


def test_overflow_is_math_error() -> None:
    position = PerpPosition(base_asset_amount=2**63 - 1, quote_asset_amount=-1, quote_entry_amount=-1)
    market = default_test_market(default_test_amm())
    with pytest.raises(ex.MathError):
        ex.update_position_and_market(
            position, market, PositionDelta(base_asset_amount=1, quote_asset_amount=-1)
        )


# ------------------------------------------------------------------------------------------------ properties

sizes = st.integers(1, 10**12)
quotes = st.integers(1, 10**12)


def _open(base: int, quote: int) -> tuple[PerpPosition, PerpMarket]:
    position = PerpPosition()
    market = default_test_market(default_test_amm())
    ex.update_position_and_market(
        position, market, PositionDelta(base_asset_amount=base, quote_asset_amount=quote)
    )
    return position, market


@given(
    sizes, quotes, st.booleans(), st.integers(1, 10**12 - 1), st.integers(0, 10**12), st.integers(0, 10**12)
)
def test_reduce_then_close_realises_the_same_pnl(
    size: int, entry: int, is_long: bool, cut: int, exit1: int, exit2: int
) -> None:
    sign = 1 if is_long else -1
    reduce_base = cut % size
    if reduce_base == 0:
        reduce_base = 1 if size > 1 else 0
    if reduce_base == 0:
        return
    pos_a, market_a = _open(sign * size, -sign * entry)
    pos_b, market_b = _open(sign * size, -sign * entry)
    once = ex.update_position_and_market(
        pos_a,
        market_a,
        PositionDelta(base_asset_amount=-sign * size, quote_asset_amount=sign * (exit1 + exit2)),
    )
    first = ex.update_position_and_market(
        pos_b, market_b, PositionDelta(base_asset_amount=-sign * reduce_base, quote_asset_amount=sign * exit1)
    )
    second = ex.update_position_and_market(
        pos_b,
        market_b,
        PositionDelta(base_asset_amount=-sign * (size - reduce_base), quote_asset_amount=sign * exit2),
    )
    assert first + second == once == sign * (exit1 + exit2) - sign * entry
    assert pos_a == pos_b
    assert pos_b.quote_entry_amount == pos_b.quote_break_even_amount == 0
    assert market_a.amm == market_b.amm


trades = st.lists(
    st.tuples(st.integers(-(10**6), 10**6).filter(bool), st.integers(1, 10**9)), min_size=1, max_size=8
)


@given(trades)
def test_full_close_realises_the_quote_of_the_trades(fills: list[tuple[int, int]]) -> None:
    position = PerpPosition()
    market = default_test_market(default_test_amm())
    realised = 0
    for base, price in fills:
        quote = -base * price // 1000  # paying for longs, receiving for shorts
        realised += ex.update_position_and_market(
            position, market, PositionDelta(base_asset_amount=base, quote_asset_amount=quote)
        )
        # the market's long/short books hold exactly this one position
        long_side = position.base_asset_amount > 0
        assert market.amm.base_asset_amount_long == (position.base_asset_amount if long_side else 0)
        assert market.amm.base_asset_amount_short == (0 if long_side else position.base_asset_amount)
        entry_side = market.amm.quote_entry_amount_long if long_side else market.amm.quote_entry_amount_short
        assert entry_side == position.quote_entry_amount
        assert market.amm.quote_asset_amount == position.quote_asset_amount
        # quote = entry + realised P&L while a position is open (no fees or funding here)
        if position.base_asset_amount != 0:
            assert position.quote_asset_amount == position.quote_entry_amount + realised
    if position.base_asset_amount != 0:
        closing_quote = position.base_asset_amount * 123
        realised += ex.update_position_and_market(
            position,
            market,
            PositionDelta(base_asset_amount=-position.base_asset_amount, quote_asset_amount=closing_quote),
        )
    assert position.base_asset_amount == 0
    assert position.quote_entry_amount == position.quote_break_even_amount == 0
    assert position.last_cumulative_funding_rate == 0
    assert realised == position.quote_asset_amount


@given(sizes, quotes, st.booleans(), st.integers(1, 10**12), quotes)
def test_flip_pnl_and_new_entry(size: int, entry: int, is_long: bool, extra: int, fill: int) -> None:
    sign = 1 if is_long else -1
    position, market = _open(sign * size, -sign * entry)
    delta = PositionDelta(base_asset_amount=-sign * (size + extra), quote_asset_amount=sign * fill)
    pnl = ex.update_position_and_market(position, market, delta)
    assert position.base_asset_amount == -sign * extra
    # the new entry is the part of the fill beyond the old size, rounded toward zero
    closing = ex.safe_div(sign * fill * size, size + extra)
    assert position.quote_entry_amount == sign * fill - closing
    assert pnl == -sign * entry + closing
    assert pnl + position.quote_entry_amount == position.quote_asset_amount
