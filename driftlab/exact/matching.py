"""Matching a taker with a maker order: who may make for whom, crossing, fill amounts, filler multiplier.

program: math/matching.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import BID_ASK_SPREAD_PRECISION_I128, TEN_BPS_I64
from .enums import PositionDirection
from .orders import calculate_quote_asset_amount_for_maker_order
from .safe_math import I64, I128, U64, cast, safe_add, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import Order


def is_maker_for_taker(maker_order: Order, taker_order: Order, slot: int) -> bool:
    """Whether ``maker_order`` may provide liquidity to ``taker_order`` at ``slot``.

    The taker must not be post-only and the maker must be a resting limit order; then a taker that is not resting
    (market order or limit in its auction) or a post-only maker always qualifies; two resting limit orders match
    only if the maker's auction ended first (``maker.slot + duration <= taker.slot + duration``).
    program: math/matching.rs::is_maker_for_taker
    """
    if taker_order.post_only or not maker_order.is_resting_limit_order(slot):
        return False
    if not taker_order.is_resting_limit_order(slot) or maker_order.post_only:
        return True
    return (safe_add(maker_order.slot, maker_order.auction_duration, U64)
            <= safe_add(taker_order.slot, taker_order.auction_duration, U64))


def are_orders_same_market_but_different_sides(maker_order: Order, taker_order: Order) -> bool:
    """Same market index and type, opposite directions.

    program: math/matching.rs::are_orders_same_market_but_different_sides
    """
    return (maker_order.market_index == taker_order.market_index
            and maker_order.market_type == taker_order.market_type
            and maker_order.direction != taker_order.direction)


def do_orders_cross(maker_direction: PositionDirection, maker_price: int, taker_price: int) -> bool:
    """A maker bid crosses a taker ask at or below it; a maker ask a taker bid at or above it.

    program: math/matching.rs::do_orders_cross
    """
    if maker_direction == PositionDirection.Long:
        return taker_price <= maker_price
    return taker_price >= maker_price


def calculate_fill_for_matched_orders(maker_base_asset_amount: int, maker_price: int, taker_base_asset_amount: int,
                                      base_decimals: int, maker_direction: PositionDirection) -> tuple[int, int]:
    """``(base, quote)`` of a match: the smaller size at the maker's price (quote rounded for the maker's side).

    program: math/matching.rs::calculate_fill_for_matched_orders
    """
    base_asset_amount = min(maker_base_asset_amount, taker_base_asset_amount)
    quote_asset_amount = calculate_quote_asset_amount_for_maker_order(base_asset_amount, maker_price, base_decimals,
                                                                      maker_direction)
    return base_asset_amount, quote_asset_amount


def calculate_filler_multiplier_for_matched_orders(maker_price: int, maker_direction: PositionDirection,
                                                   oracle_price: int) -> int:
    """Filler reward multiplier from the maker's price improvement over the oracle, 1x (1000) to 100x.

    ``pct = (oracle - maker) * 1e6 / oracle``; maker bid: ``2000 - pct``, maker ask: ``2000 + pct``, clamped to
    [1000, 100000].
    program: math/matching.rs::calculate_filler_multiplier_for_matched_orders
    """
    price_pct_diff = cast(safe_div(safe_mul(safe_sub(oracle_price, cast(maker_price, I64), I64),
                                            BID_ASK_SPREAD_PRECISION_I128, I128), oracle_price), I64)
    if maker_direction == PositionDirection.Long:
        multiplier = safe_add(-price_pct_diff, TEN_BPS_I64 * 2, I64)
    else:
        multiplier = safe_add(price_pct_diff, TEN_BPS_I64 * 2, I64)
    return cast(min(max(multiplier, TEN_BPS_I64), TEN_BPS_I64 * 100), U64)


__all__ = [
    "are_orders_same_market_but_different_sides",
    "calculate_fill_for_matched_orders",
    "calculate_filler_multiplier_for_matched_orders",
    "do_orders_cross",
    "is_maker_for_taker",
]
