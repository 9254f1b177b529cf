"""Who fills a taker order: maker eligibility, crossing, fill amounts, filler multiplier, fulfillment order.

Sources: programs/drift/src/math/matching/tests.rs and math/fulfillment/tests.rs (v2.161.0).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION_I64,
    PRICE_PRECISION_U64,
    FailedUnwrap,
    Order,
    OrderType,
    PerpFulfillmentMethodAMM,
    PerpFulfillmentMethodMatch,
    PositionDirection,
    SpotFulfillmentMethodExternalMarket,
    SpotFulfillmentMethodMatch,
    calculate_fill_for_matched_orders,
    calculate_filler_multiplier_for_matched_orders,
    determine_perp_fulfillment_methods,
    determine_spot_fulfillment_methods,
    do_orders_cross,
    is_maker_for_taker,
)

LONG, SHORT = PositionDirection.Long, PositionDirection.Short
U = PRICE_PRECISION_U64
KEY = ""  # Pubkey::default()


# --- math/matching/tests.rs ---------------------------------------------------------------------------------------


def test_is_maker_for_taker() -> None:
    # programs/drift/src/math/matching/tests.rs::is_maker_for_taker::*
    assert not is_maker_for_taker(Order(), Order(post_only=True), 0)  # taker_is_post_only
    market = Order(order_type=OrderType.Market)
    assert not is_maker_for_taker(market, market, 0)  # maker_is_market_order
    in_auction = Order(order_type=OrderType.Limit, auction_duration=10)
    assert not is_maker_for_taker(in_auction, market, 0)  # maker_is_limit_order_in_auction
    assert not is_maker_for_taker(in_auction, Order(order_type=OrderType.Limit, auction_duration=10), 0)
    post_only = Order(post_only=True, order_type=OrderType.Limit, slot=0)  # maker_is_post_only
    assert is_maker_for_taker(post_only, Order(order_type=OrderType.Market, slot=0), 1)
    assert is_maker_for_taker(post_only, Order(order_type=OrderType.Limit, auction_duration=10, slot=0), 1)
    rested = Order(order_type=OrderType.Limit, auction_duration=10)  # maker_is_resting_limit_order_after_auction
    assert rested.is_resting_limit_order(11) and is_maker_for_taker(rested, market, 11)
    taker = Order(order_type=OrderType.Limit, slot=11, auction_duration=10)
    assert not taker.is_resting_limit_order(11) and is_maker_for_taker(rested, taker, 11)
    taker = Order(order_type=OrderType.Limit, slot=0, auction_duration=10)  # maker_is_post_only_for_resting_taker
    assert taker.is_resting_limit_order(11)
    assert is_maker_for_taker(Order(slot=1, post_only=True, order_type=OrderType.Limit), taker, 11)
    maker = Order(order_type=OrderType.Limit, slot=1, auction_duration=10)  # maker_and_taker_resting_limit_orders
    assert not is_maker_for_taker(maker, Order(order_type=OrderType.Limit, slot=0, auction_duration=10), 15)
    assert is_maker_for_taker(maker, Order(order_type=OrderType.Limit, slot=2, auction_duration=10), 15)
    # same_slot_maker_taker_non_resting, same_slot_maker_taker_both_resting
    assert is_maker_for_taker(Order(order_type=OrderType.Limit, slot=0), Order(order_type=OrderType.Market), 0)
    assert is_maker_for_taker(Order(order_type=OrderType.Limit, slot=5, auction_duration=2),
                              Order(order_type=OrderType.Limit, slot=10, auction_duration=5), 20)


@pytest.mark.parametrize(("maker_price", "direction", "mult"), [
    # programs/drift/src/math/matching/tests.rs::{filler_multiplier_maker_long, filler_multiplier_maker_short}
    (34 * U, LONG, 2000), (34 * U - 34 * U // 10000, LONG, 1900), (40 * U, LONG, 100000), (30 * U, LONG, 1000),
    (30 * U, SHORT, 100000), (40 * U, SHORT, 1000), (34 * U + 34 * U // 10000, SHORT, 1900),
    (34 * U - 34 * U // 10000, SHORT, 2100),
])
def test_filler_multiplier(maker_price: int, direction: PositionDirection, mult: int) -> None:
    assert calculate_filler_multiplier_for_matched_orders(maker_price, direction, 34 * PRICE_PRECISION_I64) == mult


def test_fill_for_matched_orders() -> None:
    # math/matching.rs::calculate_fill_for_matched_orders: the smaller size at the maker's price, rounded for
    # the maker (a maker bid pays down, a maker ask receives up)
    assert calculate_fill_for_matched_orders(5, 1_500_000, 10, 9, LONG) == (5, 0)
    assert calculate_fill_for_matched_orders(5, 1_500_000, 10, 9, SHORT) == (5, 1)
    assert calculate_fill_for_matched_orders(2 * 10**9, 100 * U, 10**9, 9, SHORT) == (10**9, 100 * U)


@settings(max_examples=200, deadline=None)
@given(maker=st.integers(0, 10**12), taker=st.integers(0, 10**12), direction=st.sampled_from([LONG, SHORT]))
def test_do_orders_cross(maker: int, taker: int, direction: PositionDirection) -> None:
    # a maker bid crosses takers selling at or below it; a maker ask takers buying at or above it
    assert do_orders_cross(direction, maker, taker) == ((taker <= maker) if direction == LONG else (taker >= maker))


# --- math/fulfillment/tests.rs ------------------------------------------------------------------------------------


def _amm() -> AMM:
    """The AMM of every determine_perp_fulfillment_methods test: reserve, bid and ask all $100."""
    reserves = 100 * AMM_RESERVE_PRECISION
    return AMM(base_asset_reserve=reserves, quote_asset_reserve=reserves, sqrt_k=reserves,
               peg_multiplier=100 * PEG_PRECISION, order_step_size=10_000_000, order_tick_size=1, base_spread=100,
               max_base_asset_reserve=2**128 - 1)


def AMMFill(price: int | None = None) -> PerpFulfillmentMethodAMM:  # noqa: N802
    return PerpFulfillmentMethodAMM(price)


def Match(index: int, price: int) -> PerpFulfillmentMethodMatch:  # noqa: N802
    return PerpFulfillmentMethodMatch(KEY, index, price)


@pytest.mark.parametrize(("direction", "limit", "makers", "expected"), [
    # programs/drift/src/math/fulfillment/tests.rs::determine_perp_fulfillment_methods::<name>
    (LONG, 102, [103], [AMMFill()]),  # amm_available_and_taker_doesnt_cross_maker
    (LONG, 102, [99], [Match(0, 99 * U), AMMFill()]),  # amm_available_and_maker_better_than_amm
    (LONG, 102, [101], [AMMFill(101 * U), Match(0, 101 * U), AMMFill()]),  # amm_available_and_amm_better_than_maker
    (LONG, 102, [99, 101], [Match(0, 99 * U), AMMFill(101 * U), Match(1, 101 * U), AMMFill()]),  # maker_amm_maker_..
    (LONG, 102, [99, 99.5], [Match(0, 99 * U), Match(1, 99 * U + U // 2), AMMFill()]),  # maker_maker_amm_ask
    (LONG, 105, [102, 103], [AMMFill(102 * U), Match(0, 102 * U), AMMFill(103 * U), Match(1, 103 * U),
                             AMMFill()]),  # amm_maker_amm_maker_amm_ask
    (SHORT, 95, [101, 99], [Match(0, 101 * U), AMMFill(99 * U), Match(1, 99 * U), AMMFill()]),  # ..._bid
    (SHORT, 95, [102, 101], [Match(0, 102 * U), Match(1, 101 * U), AMMFill()]),  # maker_maker_amm_bid
    (SHORT, 95, [99, 98], [AMMFill(99 * U), Match(0, 99 * U), AMMFill(98 * U), Match(1, 98 * U),
                           AMMFill()]),  # amm_maker_amm_maker_amm_bid
    (LONG, 99, [101, 102], []),  # no_asks
    (SHORT, 105, [99, 98], []),  # no_bids
])
def test_determine_perp_fulfillment_methods(direction: PositionDirection, limit: int, makers: list[float],
                                            expected: list[object]) -> None:
    amm = _amm()
    info = [(KEY, i, int(p * U)) for i, p in enumerate(makers)]
    order = Order(direction=direction, price=limit * U)
    assert determine_perp_fulfillment_methods(order, info, amm, amm.reserve_price(), limit * U, True) == expected


def test_post_only_fulfillment() -> None:
    # programs/drift/src/math/fulfillment/tests.rs::determine_perp_fulfillment_methods::{
    # amm_available_and_maker_crosses, amm_available_and_maker_doesnt_cross}
    amm = _amm()
    bid = Order(post_only=True, direction=LONG, price=102 * U)
    assert determine_perp_fulfillment_methods(bid, [], amm, amm.reserve_price(), 102 * U, True) == [AMMFill()]
    bid.price = 99 * U
    assert determine_perp_fulfillment_methods(bid, [], amm, amm.reserve_price(), 99 * U, True) == []
    assert determine_perp_fulfillment_methods(bid, [], amm, amm.reserve_price(), 102 * U, False) == []
    with pytest.raises(FailedUnwrap):
        determine_perp_fulfillment_methods(bid, [], amm, amm.reserve_price(), None, True)


def test_fulfillment_caps_and_market_orders() -> None:
    # math/fulfillment.rs: at most 7 maker steps; without a limit price every maker crosses; no AMM: makers only
    amm = _amm()
    makers = [(KEY, i, 90 * U) for i in range(10)]
    methods = determine_perp_fulfillment_methods(Order(direction=LONG), makers, amm, amm.reserve_price(), None, True)
    assert methods == [Match(i, 90 * U) for i in range(7)] + [AMMFill()]
    methods = determine_perp_fulfillment_methods(Order(direction=LONG), [(KEY, 0, 101 * U)], amm,
                                                 amm.reserve_price(), None, False)
    assert methods == [Match(0, 101 * U)]


def test_spot_fulfillment() -> None:
    # math/fulfillment.rs::determine_spot_fulfillment_methods
    taker = Order(direction=LONG)
    assert determine_spot_fulfillment_methods(taker, [(KEY, 0, 99 * U)], 100 * U, True) == \
        [SpotFulfillmentMethodExternalMarket()]
    assert determine_spot_fulfillment_methods(taker, [(KEY, 0, 99 * U), (KEY, 1, 101 * U)], 100 * U, False) == \
        [SpotFulfillmentMethodMatch(KEY, 0)]
    assert determine_spot_fulfillment_methods(taker, [(KEY, 0, 99 * U)], None, False) == []
