"""Position accounting on a fill: entry and break-even amounts, realised P&L, the market's long/short totals.

Functions mutate the ``PerpPosition``, ``PerpMarket`` and ``User`` dataclasses as the program mutates its
accounts and return what the program returns.

program: controller/position.rs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .constants import MAX_BASE_ASSET_AMOUNT_WITH_AMM, PERP_DECIMALS
from .enums import PositionDirection, PositionUpdateType, SwapDirection
from .errors import (
    InvalidAmmDetected,
    InvalidPerpPositionDetected,
    InvalidPositionLastFundingRate,
    MaxNumberOfPositions,
    UserHasNoPositionInMarket,
)
from .orders import is_multiple_of_step_size
from .position import get_new_position_amounts, get_position_update_type
from .safe_math import I64, I128, U32, cast, safe_add, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import AMM, PerpMarket, PerpPosition, User


@dataclass
class PositionDelta:
    """A fill's change to a position: quote (negative when buying) and base (positive when buying).

    program: controller/position.rs::PositionDelta
    """

    quote_asset_amount: int = 0  # i64
    base_asset_amount: int = 0  # i64
    remainder_base_asset_amount: int | None = None  # Option<i64> (v2.136.0; removed by v2.161.0)

    def get_delta_base_abs(self) -> int:
        """``|base_asset_amount|``. program: PositionDelta::get_delta_base_abs"""
        return abs(self.base_asset_amount)

    def get_delta_base_with_remainder_abs(self) -> int:
        """``|base_asset_amount + remainder_base_asset_amount|`` (the remainder when present).

        program (v2.136.0): controller/position.rs::PositionDelta::get_delta_base_with_remainder_abs
        """
        if self.remainder_base_asset_amount is None:
            return abs(self.base_asset_amount)
        return abs(safe_add(self.base_asset_amount, self.remainder_base_asset_amount, I64))


def add_new_position(user_positions: list[PerpPosition], market_index: int) -> int:
    """Put an empty position for ``market_index`` in the first available slot and return its index.

    The slot keeps its ``max_margin_ratio`` if it last held the same market. No free slot is
    ``MaxNumberOfPositions``.
    program: controller/position.rs::add_new_position
    """
    from .state import PerpPosition

    for index, old_position in enumerate(user_positions):
        if old_position.is_available():
            max_margin_ratio = old_position.max_margin_ratio if old_position.market_index == market_index else 0
            user_positions[index] = PerpPosition(market_index=market_index, max_margin_ratio=max_margin_ratio)
            return index
    raise MaxNumberOfPositions("no available perp position slot")


def get_position_index(user_positions: list[PerpPosition], market_index: int) -> int:
    """Index of the (non-available) position for ``market_index``, else ``UserHasNoPositionInMarket``.

    program: controller/position.rs::get_position_index
    """
    for index, position in enumerate(user_positions):
        if position.is_for(market_index):
            return index
    raise UserHasNoPositionInMarket(f"no position in market {market_index}")


def update_position_and_market(position: PerpPosition, market: PerpMarket, delta: PositionDelta) -> int:
    """Apply a fill to a position and the market's aggregates; returns the realised P&L (quote, i64).

    Open/Increase: entry and break-even amounts grow by ``delta_quote``, no P&L. Reduce/Close: both shrink
    pro rata, ``amount - amount * |delta_base| / |base|`` (truncated toward zero), and
    ``pnl = (entry - new_entry) + delta_quote``. Flip: the new entry and break-even are the part of the fill beyond
    the old size, ``delta_quote - delta_quote * |base| / |delta_base|``, and ``pnl = entry + delta_quote - new``.
    ``market.amm.quote_asset_amount`` and the long/short base, entry and break-even totals move with it; user
    counts change on Open/Close. The position's funding rate must equal the market's for its side
    (``InvalidPositionLastFundingRate``); it is reset to 0 on Close and to the new side's rate otherwise. A
    position off the step size is ``InvalidPerpPositionDetected``. A zero-base delta only moves the quote amount.
    Mutates ``position`` and ``market``.
    program: controller/position.rs::update_position_and_market
    """
    if delta.base_asset_amount == 0:
        update_quote_asset_amount(position, market, delta.quote_asset_amount)
        return delta.quote_asset_amount

    update_type = get_position_update_type(position, delta)
    new_base_asset_amount, new_quote_asset_amount = get_new_position_amounts(position, delta)

    if update_type in (PositionUpdateType.Open, PositionUpdateType.Increase):
        new_quote_entry_amount = safe_add(position.quote_entry_amount, delta.quote_asset_amount, I64)
        new_quote_break_even_amount = safe_add(position.quote_break_even_amount, delta.quote_asset_amount, I64)
        pnl = 0
    elif update_type in (PositionUpdateType.Reduce, PositionUpdateType.Close):
        current_base = position.get_base_asset_amount_abs()
        delta_base = delta.get_delta_base_abs()
        entry_removed = cast(safe_div(safe_mul(position.quote_entry_amount, delta_base, I128), current_base), I64)
        new_quote_entry_amount = safe_sub(position.quote_entry_amount, entry_removed, I64)
        break_even_removed = cast(safe_div(safe_mul(position.quote_break_even_amount, delta_base, I128),
                                           current_base), I64)
        new_quote_break_even_amount = safe_sub(position.quote_break_even_amount, break_even_removed, I64)
        pnl = safe_add(safe_sub(position.quote_entry_amount, new_quote_entry_amount, I64), delta.quote_asset_amount,
                       I64)
    else:
        current_base = position.get_base_asset_amount_abs()
        delta_base = delta.get_delta_base_abs()
        closing_part = cast(safe_div(safe_mul(delta.quote_asset_amount, current_base, I128), delta_base), I64)
        new_quote_break_even_amount = safe_sub(delta.quote_asset_amount, closing_part, I64)
        new_quote_entry_amount = new_quote_break_even_amount
        pnl = safe_add(position.quote_entry_amount,
                       safe_sub(delta.quote_asset_amount, new_quote_break_even_amount, I64), I64)

    if update_type == PositionUpdateType.Open:
        if position.quote_asset_amount == 0 and position.base_asset_amount == 0:
            market.number_of_users = safe_add(market.number_of_users, 1, U32)
        market.number_of_users_with_base = safe_add(market.number_of_users_with_base, 1, U32)
    elif update_type == PositionUpdateType.Close:
        if new_base_asset_amount == 0 and new_quote_asset_amount == 0:
            market.number_of_users = max(market.number_of_users - 1, 0)
        market.number_of_users_with_base = max(market.number_of_users_with_base - 1, 0)

    amm = market.amm
    amm.quote_asset_amount = safe_add(amm.quote_asset_amount, delta.quote_asset_amount, I128)

    _update_amm_long_short(amm, position, update_type, delta.base_asset_amount, delta.quote_asset_amount,
                           new_base_asset_amount, new_quote_entry_amount, new_quote_break_even_amount)

    if update_type == PositionUpdateType.Close:
        position.last_cumulative_funding_rate = 0
    elif update_type != PositionUpdateType.Reduce:
        if new_base_asset_amount > 0:
            position.last_cumulative_funding_rate = cast(amm.cumulative_funding_rate_long, I64)
        else:
            position.last_cumulative_funding_rate = cast(amm.cumulative_funding_rate_short, I64)

    if not is_multiple_of_step_size(abs(position.base_asset_amount), amm.order_step_size):
        raise InvalidPerpPositionDetected(
            f"update_position_and_market left invalid position before {position.base_asset_amount} "
            f"after {new_base_asset_amount}")

    position.base_asset_amount = new_base_asset_amount
    position.quote_asset_amount = new_quote_asset_amount
    position.quote_entry_amount = new_quote_entry_amount
    position.quote_break_even_amount = new_quote_break_even_amount
    return pnl


def _update_amm_long_short(amm: AMM, position: PerpPosition, update_type: PositionUpdateType, base_delta: int,
                           quote_delta: int, new_base: int, new_quote_entry_amount: int,
                           new_quote_break_even_amount: int) -> None:
    """The AMM's long/short base, entry and break-even totals for one position update, then the check that the
    position's funding rate is the market's (``InvalidPositionLastFundingRate``). Shared by v2.161.0's
    ``update_position_and_market`` and v2.136.0's ``update_lp_market_position`` (driftlab.exact.controller_lp).
    program: controller/position.rs::update_position_and_market
    """
    if update_type in (PositionUpdateType.Open, PositionUpdateType.Increase):
        if new_base > 0:
            amm.base_asset_amount_long = safe_add(amm.base_asset_amount_long, base_delta, I128)
            amm.quote_entry_amount_long = safe_add(amm.quote_entry_amount_long, quote_delta, I128)
            amm.quote_break_even_amount_long = safe_add(amm.quote_break_even_amount_long, quote_delta,
                                                        I128)
        else:
            amm.base_asset_amount_short = safe_add(amm.base_asset_amount_short, base_delta, I128)
            amm.quote_entry_amount_short = safe_add(amm.quote_entry_amount_short, quote_delta, I128)
            amm.quote_break_even_amount_short = safe_add(amm.quote_break_even_amount_short,
                                                         quote_delta, I128)
    elif update_type in (PositionUpdateType.Reduce, PositionUpdateType.Close):
        entry_change = safe_sub(position.quote_entry_amount, new_quote_entry_amount, I64)
        break_even_change = safe_sub(position.quote_break_even_amount, new_quote_break_even_amount, I64)
        if position.base_asset_amount > 0:
            amm.base_asset_amount_long = safe_add(amm.base_asset_amount_long, base_delta, I128)
            amm.quote_entry_amount_long = safe_sub(amm.quote_entry_amount_long, entry_change, I128)
            amm.quote_break_even_amount_long = safe_sub(amm.quote_break_even_amount_long, break_even_change, I128)
        else:
            amm.base_asset_amount_short = safe_add(amm.base_asset_amount_short, base_delta, I128)
            amm.quote_entry_amount_short = safe_sub(amm.quote_entry_amount_short, entry_change, I128)
            amm.quote_break_even_amount_short = safe_sub(amm.quote_break_even_amount_short, break_even_change,
                                                         I128)
    elif new_base > 0:
        amm.base_asset_amount_short = safe_sub(amm.base_asset_amount_short, position.base_asset_amount, I128)
        amm.base_asset_amount_long = safe_add(amm.base_asset_amount_long, new_base, I128)
        amm.quote_entry_amount_short = safe_sub(amm.quote_entry_amount_short, position.quote_entry_amount, I128)
        amm.quote_entry_amount_long = safe_add(amm.quote_entry_amount_long, new_quote_entry_amount, I128)
        amm.quote_break_even_amount_short = safe_sub(amm.quote_break_even_amount_short,
                                                     position.quote_break_even_amount, I128)
        amm.quote_break_even_amount_long = safe_add(amm.quote_break_even_amount_long, new_quote_break_even_amount,
                                                    I128)
    else:
        amm.base_asset_amount_long = safe_sub(amm.base_asset_amount_long, position.base_asset_amount, I128)
        amm.base_asset_amount_short = safe_add(amm.base_asset_amount_short, new_base, I128)
        amm.quote_entry_amount_long = safe_sub(amm.quote_entry_amount_long, position.quote_entry_amount, I128)
        amm.quote_entry_amount_short = safe_add(amm.quote_entry_amount_short, new_quote_entry_amount, I128)
        amm.quote_break_even_amount_long = safe_sub(amm.quote_break_even_amount_long,
                                                    position.quote_break_even_amount, I128)
        amm.quote_break_even_amount_short = safe_add(amm.quote_break_even_amount_short,
                                                     new_quote_break_even_amount, I128)

    if position.get_direction() == PositionDirection.Long and position.base_asset_amount != 0:
        if position.last_cumulative_funding_rate != amm.cumulative_funding_rate_long:
            raise InvalidPositionLastFundingRate(
                f"position.last_cumulative_funding_rate {position.last_cumulative_funding_rate} "
                f"market.amm.cumulative_funding_rate_long {amm.cumulative_funding_rate_long}")
    elif position.get_direction() == PositionDirection.Short:
        if position.last_cumulative_funding_rate != cast(amm.cumulative_funding_rate_short, I64):
            raise InvalidPositionLastFundingRate(
                f"position.last_cumulative_funding_rate {position.last_cumulative_funding_rate} "
                f"market.amm.cumulative_funding_rate_short {amm.cumulative_funding_rate_short}")



def update_quote_asset_and_break_even_amount(position: PerpPosition, market: PerpMarket, delta: int) -> None:
    """Add ``delta`` to the position's quote amount and, if it holds base, its break-even amount.

    program: controller/position.rs::update_quote_asset_and_break_even_amount
    """
    update_quote_asset_amount(position, market, delta)
    update_quote_break_even_amount(position, market, delta)


def update_quote_asset_amount(position: PerpPosition, market: PerpMarket, delta: int) -> None:
    """``position.quote_asset_amount += delta`` and the market's ``quote_asset_amount`` with it.

    A position going from empty to non-empty (or back) adds (removes) one ``number_of_users``.
    program: controller/position.rs::update_quote_asset_amount
    """
    if delta == 0:
        return
    if position.quote_asset_amount == 0 and position.base_asset_amount == 0:
        market.number_of_users = safe_add(market.number_of_users, 1, U32)
    position.quote_asset_amount = safe_add(position.quote_asset_amount, delta, I64)
    market.amm.quote_asset_amount = safe_add(market.amm.quote_asset_amount, delta, I128)
    if position.quote_asset_amount == 0 and position.base_asset_amount == 0:
        market.number_of_users = max(market.number_of_users - 1, 0)


def update_quote_break_even_amount(position: PerpPosition, market: PerpMarket, delta: int) -> None:
    """``position.quote_break_even_amount += delta`` and the market's long or short total (no-op when flat).

    program: controller/position.rs::update_quote_break_even_amount
    """
    if delta == 0 or position.base_asset_amount == 0:
        return
    position.quote_break_even_amount = safe_add(position.quote_break_even_amount, delta, I64)
    amm = market.amm
    if position.get_direction() == PositionDirection.Long:
        amm.quote_break_even_amount_long = safe_add(amm.quote_break_even_amount_long, delta, I128)
    else:
        amm.quote_break_even_amount_short = safe_add(amm.quote_break_even_amount_short, delta, I128)


def update_settled_pnl(user: User, position_index: int, delta: int) -> None:
    """Add ``delta`` to the user's and the position's settled P&L.

    program: controller/position.rs::update_settled_pnl
    """
    update_user_settled_pnl(user, delta)
    update_position_settled_pnl(user.perp_positions[position_index], delta)


def update_position_settled_pnl(position: PerpPosition, delta: int) -> None:
    """``position.settled_pnl += delta`` (i64). program: controller/position.rs::update_position_settled_pnl"""
    position.settled_pnl = safe_add(position.settled_pnl, delta, I64)


def update_user_settled_pnl(user: User, delta: int) -> None:
    """``user.settled_perp_pnl += delta`` (i64). program: controller/position.rs::update_user_settled_pnl"""
    user.settled_perp_pnl = safe_add(user.settled_perp_pnl, delta, I64)


def increase_open_bids_and_asks(
    position: PerpPosition, direction: PositionDirection, base_asset_amount_unfilled: int, update: bool
) -> None:
    """A new order adds its size to ``open_bids`` (long) or subtracts it from ``open_asks`` (short).

    program: controller/position.rs::increase_open_bids_and_asks
    """
    if not update:
        return
    if direction == PositionDirection.Long:
        position.open_bids = safe_add(position.open_bids, cast(base_asset_amount_unfilled, I64), I64)
    else:
        position.open_asks = safe_sub(position.open_asks, cast(base_asset_amount_unfilled, I64), I64)


def decrease_open_bids_and_asks(
    position: PerpPosition, direction: PositionDirection, base_asset_amount_unfilled: int, update: bool
) -> None:
    """Undo ``increase_open_bids_and_asks``, flooring bids at 0 and capping asks at 0.

    program: controller/position.rs::decrease_open_bids_and_asks
    """
    if not update:
        return
    if direction == PositionDirection.Long:
        position.open_bids = max(safe_sub(position.open_bids, cast(base_asset_amount_unfilled, I64), I64), 0)
    else:
        position.open_asks = min(safe_add(position.open_asks, cast(base_asset_amount_unfilled, I64), I64), 0)


def _calculate_quote_asset_amount_surplus(position_direction: PositionDirection, quote_asset_swapped: int,
                                         base_asset_amount: int, fill_price: int) -> tuple[int, int]:
    """A fill at ``fill_price`` instead of the swap's quote: ``(quote at fill_price, surplus to the AMM)``.

    program: controller/position.rs::calculate_quote_asset_amount_surplus (private)
    """
    from .orders import calculate_quote_asset_amount_for_maker_order

    quote_asset_amount = calculate_quote_asset_amount_for_maker_order(base_asset_amount, fill_price, PERP_DECIMALS,
                                                                      position_direction)
    if position_direction == PositionDirection.Long:
        surplus = safe_sub(cast(quote_asset_amount, I64), cast(quote_asset_swapped, I64), I64)
    else:
        surplus = safe_sub(cast(quote_asset_swapped, I64), cast(quote_asset_amount, I64), I64)
    return quote_asset_amount, surplus


def update_position_with_base_asset_amount(base_asset_amount: int, direction: PositionDirection,
                                           market: PerpMarket, user: User, position_index: int,
                                           fill_price: int | None) -> tuple[int, int, int]:
    """Fill ``base_asset_amount`` against the AMM: swap, update the position and market, move the spread reserves.

    Returns ``(quote_asset_amount, quote_asset_amount_surplus, pnl)``. With ``fill_price`` (a post-only maker
    order filled by the AMM) the quote is the maker quote at that price and the surplus its gap to the swap.
    ``base_asset_amount_with_amm`` moves by the fill (``InvalidAmmDetected`` past
    MAX_BASE_ASSET_AMOUNT_WITH_AMM). Mutates ``market`` and ``user``.
    program: controller/position.rs::update_position_with_base_asset_amount
    """
    from .controller_amm import swap_base_asset, update_spread_reserves
    from .orders import get_position_delta_for_fill

    swap_direction = SwapDirection.Remove if direction == PositionDirection.Long else SwapDirection.Add
    quote_asset_swapped, quote_asset_amount_surplus = swap_base_asset(market, base_asset_amount, swap_direction)
    if fill_price is not None:
        quote_asset_amount, quote_asset_amount_surplus = _calculate_quote_asset_amount_surplus(
            direction, quote_asset_swapped, base_asset_amount, fill_price)
    else:
        quote_asset_amount = quote_asset_swapped
    position_delta = get_position_delta_for_fill(base_asset_amount, quote_asset_amount, direction)
    pnl = update_position_and_market(user.perp_positions[position_index], market, position_delta)
    amm = market.amm
    amm.base_asset_amount_with_amm = safe_add(amm.base_asset_amount_with_amm,
                                              cast(position_delta.base_asset_amount, I128), I128)
    if not abs(amm.base_asset_amount_with_amm) <= MAX_BASE_ASSET_AMOUNT_WITH_AMM:
        raise InvalidAmmDetected(f"market.amm.base_asset_amount_with_amm={amm.base_asset_amount_with_amm} cannot "
                                 "exceed MAX_BASE_ASSET_AMOUNT_WITH_AMM")
    update_spread_reserves(market)
    return quote_asset_amount, quote_asset_amount_surplus, pnl


__all__ = [
    "PositionDelta",
    "update_position_with_base_asset_amount",
    "add_new_position",
    "decrease_open_bids_and_asks",
    "get_position_index",
    "increase_open_bids_and_asks",
    "update_position_and_market",
    "update_position_settled_pnl",
    "update_quote_asset_amount",
    "update_quote_asset_and_break_even_amount",
    "update_quote_break_even_amount",
    "update_settled_pnl",
    "update_user_settled_pnl",
]
