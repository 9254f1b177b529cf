"""How much of a taker's order the AMM fills itself during a JIT auction.

The AMM joins a maker's fill when that reduces its inventory (``AMM::amm_wants_to_jit_make``): a quarter of the
maker's size (all of it when the AMM's open bids and asks are imbalanced 1.5:1 or more), scaled by
``amm_jit_intensity`` (capped at 100%), never more than its inventory, at most half the maker's size, shrunk further
when the fill price is more than 5 bps through the oracle (a likely wash), standardised to the order step size.

program: math/amm_jit.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .amm import calculate_market_open_bids_asks
from .constants import AMM_RESERVE_PRECISION, PERCENTAGE_PRECISION
from .enums import PositionDirection
from .orders import standardize_base_asset_amount
from .safe_math import U64, U128, cast, safe_div, safe_mul

if TYPE_CHECKING:
    from .state import PerpMarket

__all__ = ["calculate_amm_jit_liquidity", "calculate_clamped_jit_base_asset_amount", "calculate_jit_base_asset_amount"]


def calculate_jit_base_asset_amount(market: PerpMarket, maker_base_asset_amount: int, auction_price: int,
                                    valid_oracle_price: int | None, taker_direction: PositionDirection) -> int:
    """The AMM's JIT size for a maker fill of ``maker_base_asset_amount`` at ``auction_price``.

    ``max = maker/2``, times ``(opposite_spread_price - |price - oracle|) / opposite_spread_price`` when the price is
    over 5 bps through the oracle against the taker; 0 without a valid oracle. Then ``maker`` (imbalanced book:
    ``max(bids, asks) / min(bids, asks) >= 1.5``) or ``maker/4``, clamped by intensity and inventory, capped at
    ``max``, standardised down to the step size.
    program: math/amm_jit.rs::calculate_jit_base_asset_amount
    """
    max_jit_amount = safe_div(maker_base_asset_amount, 2)
    if valid_oracle_price is None:
        max_jit_amount = 0
    else:
        baseline_price = cast(valid_oracle_price, U64)
        five_bps_of_baseline = baseline_price // 2000
        is_long = taker_direction == PositionDirection.Long
        if (is_long and auction_price < baseline_price - five_bps_of_baseline) or (
                not is_long and auction_price > min(baseline_price + five_bps_of_baseline, U64.max)):
            opposite_spread = market.amm.short_spread if is_long else market.amm.long_spread
            opposite_spread_price = safe_div(safe_mul(opposite_spread, baseline_price, U64), PERCENTAGE_PRECISION)
            price_difference = abs(cast(auction_price, U64) - valid_oracle_price)
            scale_numerator = max(opposite_spread_price - price_difference, 0)
            max_jit_amount = safe_div(safe_mul(max_jit_amount, scale_numerator, U64), max(opposite_spread_price, 1))
    if max_jit_amount == 0:
        return 0

    max_bids, max_asks = calculate_market_open_bids_asks(market.amm)
    max_bids, max_asks = abs(max_bids), abs(max_asks)
    numerator = safe_mul(max(max_bids, max_asks), AMM_RESERVE_PRECISION, U128)
    denominator = min(max_bids, max_asks)
    ratio = numerator // denominator if denominator != 0 else U128.max  # safe_div(..).unwrap_or(u128::MAX)
    amm_is_imbalanced = ratio >= 15 * (AMM_RESERVE_PRECISION // 10)

    jit_base_asset_amount = maker_base_asset_amount if amm_is_imbalanced else safe_div(maker_base_asset_amount, 4)
    if jit_base_asset_amount == 0:
        return 0
    jit_base_asset_amount = calculate_clamped_jit_base_asset_amount(market, jit_base_asset_amount)
    jit_base_asset_amount = min(jit_base_asset_amount, max_jit_amount)
    return standardize_base_asset_amount(jit_base_asset_amount, market.amm.order_step_size)


def calculate_clamped_jit_base_asset_amount(market: PerpMarket, jit_base_asset_amount: int) -> int:
    """``min(jit * min(amm_jit_intensity, 100) / 100, |base_asset_amount_with_amm|)``: never flip the AMM's side.

    program: math/amm_jit.rs::calculate_clamped_jit_base_asset_amount
    """
    scaled = cast(jit_base_asset_amount * min(market.amm.amm_jit_intensity, 100) // 100, U64)
    max_amm_base_asset_amount = cast(abs(market.amm.base_asset_amount_with_amm), U64)
    return min(scaled, max_amm_base_asset_amount)


def calculate_amm_jit_liquidity(market: PerpMarket, taker_direction: PositionDirection, maker_price: int,
                                valid_oracle_price: int | None, base_asset_amount: int, taker_base_asset_amount: int,
                                maker_base_asset_amount: int, taker_has_limit_price: bool) -> int:
    """The AMM's JIT size for a fill, or 0 when it does not want to make or will fill the rest next round anyway.

    A taker without a limit price whose maker covers only part of the order leaves the AMM to fill the remainder
    after the auction, so the AMM does not JIT.
    program: math/amm_jit.rs::calculate_amm_jit_liquidity
    """
    amm_will_fill_next_round = not taker_has_limit_price and maker_base_asset_amount < taker_base_asset_amount
    if amm_will_fill_next_round:
        return 0
    if not market.amm.amm_wants_to_jit_make(taker_direction):
        return 0
    return calculate_jit_base_asset_amount(market, base_asset_amount, maker_price, valid_oracle_price,
                                           taker_direction)


