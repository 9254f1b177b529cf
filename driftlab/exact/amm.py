"""The virtual AMM: constant-product swaps, reserve price, terminal state, concentration bounds, liquidity.

Reserves are in AMM_RESERVE_PRECISION (1e9), the peg in PEG_PRECISION (1e6), prices in PRICE_PRECISION (1e6).
``k = sqrt_k**2 = base_asset_reserve * quote_asset_reserve`` and the reserve price is
``quote_asset_reserve * peg_multiplier / base_asset_reserve``.

program: math/amm.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import (
    CONCENTRATION_PRECISION,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO,
    PRICE_TO_PEG_PRECISION_RATIO,
)
from .enums import PositionDirection, SwapDirection
from .errors import BnConversionError, InvalidConcentrationCoef, InvalidOracle, MathError, TradeSizeTooLarge
from .helpers import get_proportion_u128
from .orders import standardize_base_asset_amount
from .quote_asset import reserve_to_asset_amount
from .safe_math import I64, I128, U64, U128, cast, checked, safe_add, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import AMM


def calculate_price(quote_asset_reserve: int, base_asset_reserve: int, peg_multiplier: int) -> int:
    """Reserve price ``quote_asset_reserve * peg_multiplier / base_asset_reserve`` (PRICE_PRECISION, truncated).

    program: math/amm.rs::calculate_price
    """
    peg_quote_asset_amount = safe_mul(quote_asset_reserve, peg_multiplier, U128)
    price = safe_div(peg_quote_asset_amount * PRICE_TO_PEG_PRECISION_RATIO, base_asset_reserve)
    if price > U64.max:
        raise BnConversionError(f"price {price} does not fit u64")
    return price


def calculate_bid_ask_bounds(concentration_coef: int, sqrt_k: int) -> tuple[int, int]:
    """``(min_base_asset_reserve, max_base_asset_reserve) = (sqrt_k / coef, sqrt_k * coef)``, coef in 1e6.

    The concentration coefficient must exceed 1 (CONCENTRATION_PRECISION), else ``InvalidConcentrationCoef``.
    program: math/amm.rs::calculate_bid_ask_bounds
    """
    if not concentration_coef > CONCENTRATION_PRECISION:
        raise InvalidConcentrationCoef(f"concentration_coef={concentration_coef} <= {CONCENTRATION_PRECISION}")
    ask_bounded_base = get_proportion_u128(sqrt_k, concentration_coef, CONCENTRATION_PRECISION)
    bid_bounded_base = get_proportion_u128(sqrt_k, CONCENTRATION_PRECISION, concentration_coef)
    return bid_bounded_base, ask_bounded_base


def _calculate_market_open_bids_asks(
    base_asset_reserve: int, min_base_asset_reserve: int, max_base_asset_reserve: int
) -> tuple[int, int]:
    """``(max_bids, max_asks)``: base the AMM can still buy (``bar - min``) and sell (``-(max - bar)``).

    program: math/amm.rs::_calculate_market_open_bids_asks
    """
    max_asks = -(max_base_asset_reserve - base_asset_reserve) if base_asset_reserve < max_base_asset_reserve else 0
    max_bids = base_asset_reserve - min_base_asset_reserve if base_asset_reserve > min_base_asset_reserve else 0
    return cast(max_bids, I128), cast(max_asks, I128)


def calculate_market_open_bids_asks(amm: AMM) -> tuple[int, int]:
    """The AMM's open bids and asks from its reserves and bounds. program: math/amm.rs::calculate_market_open_bids_asks"""
    return _calculate_market_open_bids_asks(amm.base_asset_reserve, amm.min_base_asset_reserve,
                                            amm.max_base_asset_reserve)


def calculate_swap_output(
    swap_amount: int, input_asset_reserve: int, direction: SwapDirection, invariant_sqrt: int
) -> tuple[int, int]:
    """Constant-product swap: ``new_input = input +/- amount``, ``new_output = sqrt_k**2 / new_input`` (floor).

    Returns ``(new_output_asset_reserve, new_input_asset_reserve)``; removing more than the reserve is
    ``TradeSizeTooLarge``.
    program: math/amm.rs::calculate_swap_output
    """
    invariant = invariant_sqrt * invariant_sqrt
    if direction == SwapDirection.Remove and swap_amount > input_asset_reserve:
        raise TradeSizeTooLarge(f"{swap_amount} > {input_asset_reserve}")
    if direction == SwapDirection.Add:
        new_input_asset_reserve = safe_add(input_asset_reserve, swap_amount, U128)
    else:
        new_input_asset_reserve = safe_sub(input_asset_reserve, swap_amount, U128)
    new_output_asset_reserve = safe_div(invariant, new_input_asset_reserve)
    if new_output_asset_reserve > U128.max:
        raise BnConversionError(f"reserve {new_output_asset_reserve} does not fit u128")
    return new_output_asset_reserve, new_input_asset_reserve


def calculate_quote_asset_amount_swapped(
    quote_asset_reserve_before: int, quote_asset_reserve_after: int, swap_direction: SwapDirection,
    peg_multiplier: int,
) -> int:
    """Quote paid or received for a swap: ``|delta quote reserve| * peg / 1e9``.

    Buying base (Remove) adds one reserve unit before and one quote unit after the conversion, so the buyer
    never pays less than the curve price.
    program: math/amm.rs::calculate_quote_asset_amount_swapped
    """
    if swap_direction == SwapDirection.Add:
        change = safe_sub(quote_asset_reserve_before, quote_asset_reserve_after, U128)
    else:
        change = safe_add(safe_sub(quote_asset_reserve_after, quote_asset_reserve_before, U128), 1, U128)
    quote_asset_amount = reserve_to_asset_amount(change, peg_multiplier)
    if swap_direction == SwapDirection.Remove:
        quote_asset_amount = safe_add(quote_asset_amount, 1, U128)
    return quote_asset_amount


def calculate_terminal_reserves(amm: AMM) -> tuple[int, int]:
    """Reserves after every user closes: swap ``|base_asset_amount_with_amm|`` back into the pool.

    Returns ``(terminal_quote_asset_reserve, terminal_base_asset_reserve)``.
    program: math/amm.rs::calculate_terminal_reserves
    """
    direction = SwapDirection.Add if amm.base_asset_amount_with_amm > 0 else SwapDirection.Remove
    return calculate_swap_output(abs(amm.base_asset_amount_with_amm), amm.base_asset_reserve, direction, amm.sqrt_k)


def calculate_terminal_price_and_reserves(amm: AMM) -> tuple[int, int, int]:
    """``(terminal_price, terminal_quote_reserve, terminal_base_reserve)``.

    program: math/amm.rs::calculate_terminal_price_and_reserves
    """
    new_quote, new_base = calculate_terminal_reserves(amm)
    return calculate_price(new_quote, new_base, amm.peg_multiplier), new_quote, new_base


def calculate_amm_available_liquidity(amm: AMM, order_direction: PositionDirection) -> int:
    """Largest base one fill may take from the AMM, standardised down to the order step size.

    ``min(base_asset_reserve / max_fill_reserve_fraction, half the liquidity on the taker's side)``, where a
    long takes from ``(bar - min_bar) / 2`` and a short from ``(max_bar - bar) / 2``.
    program: math/amm.rs::calculate_amm_available_liquidity
    """
    if amm.max_fill_reserve_fraction == 0:
        raise MathError("max_fill_reserve_fraction is zero (the program panics dividing by it)")
    max_fill_size = cast(min(amm.base_asset_reserve // amm.max_fill_reserve_fraction, U64.max), U64)
    if order_direction == PositionDirection.Long:
        on_side = max(amm.base_asset_reserve - amm.min_base_asset_reserve, 0) // 2
    else:
        on_side = max(amm.max_base_asset_reserve - amm.base_asset_reserve, 0) // 2
    return standardize_base_asset_amount(min(max_fill_size, cast(on_side, U64)), amm.order_step_size)


def calculate_net_user_cost_basis(amm: AMM) -> int:
    """``quote_asset_amount + quote_asset_amount_with_unsettled_lp + net_unsettled_funding_pnl``.

    program: math/amm.rs::calculate_net_user_cost_basis
    """
    return checked(amm.quote_asset_amount + amm.quote_asset_amount_with_unsettled_lp
                   + amm.net_unsettled_funding_pnl, I128)


def calculate_net_user_pnl(amm: AMM, oracle_price: int) -> int:
    """Users' net P&L at the oracle: ``(baa_with_amm + baa_with_unsettled_lp) * oracle / 1e9 + cost basis``.

    A non-positive oracle price is ``InvalidOracle``.
    program: math/amm.rs::calculate_net_user_pnl
    """
    if not oracle_price > 0:
        raise InvalidOracle("oracle_price <= 0")
    net_base = safe_add(amm.base_asset_amount_with_amm, amm.base_asset_amount_with_unsettled_lp, I128)
    value = safe_div(safe_mul(net_base, oracle_price, I128), PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO)
    return safe_add(value, calculate_net_user_cost_basis(amm), I128)


def calculate_expiry_price(amm: AMM, target_price: int, total_excess_balance: int) -> int:
    """Settlement price of an expiring market: the target, moved so the users' net P&L is covered.

    ``best = -((quote_asset_amount - excess) * 1e9 / baa_with_amm)``; net longs settle at
    ``min(best, target) - 1``, net shorts at ``max(best, target) + 1``; a net position under one step settles at
    the target.
    program: math/amm.rs::calculate_expiry_price
    """
    if abs(amm.base_asset_amount_with_amm) < amm.order_step_size:
        return target_price
    numerator = safe_mul(safe_sub(amm.quote_asset_amount, total_excess_balance, I128),
                         PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO, I128)
    best_expiry_price = cast(-safe_div(numerator, amm.base_asset_amount_with_amm), I64)
    if amm.base_asset_amount_with_amm >= 0:
        return max(min(best_expiry_price, target_price) - 1, I64.min)
    return min(max(best_expiry_price, target_price) + 1, I64.max)


__all__ = [
    "calculate_amm_available_liquidity",
    "calculate_bid_ask_bounds",
    "calculate_expiry_price",
    "calculate_market_open_bids_asks",
    "_calculate_market_open_bids_asks",
    "calculate_net_user_cost_basis",
    "calculate_net_user_pnl",
    "calculate_price",
    "calculate_quote_asset_amount_swapped",
    "calculate_swap_output",
    "calculate_terminal_price_and_reserves",
    "calculate_terminal_reserves",
]
