"""Spot swaps: the price of a swap, which margin check it needs, and its price bands.

program: math/spot_swap.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import PRICE_PRECISION, SPOT_WEIGHT_PRECISION_U128
from .enums import MarginRequirementType, PositionDirection
from .orders import calculate_fill_price, validate_fill_price_within_price_bands
from .safe_math import I128, U64, U128, cast, checked, safe_add, safe_div, safe_mul
from .spot_balance import get_strict_token_value, get_token_value

if TYPE_CHECKING:
    from .state import SpotMarket, StrictOraclePrice


def calculate_swap_price(amount_out: int, amount_in: int, out_decimals: int, in_decimals: int) -> int:
    """Price of ``amount_out`` per ``amount_in`` (PRICE_PRECISION): ``out * 1e6 / 10^out_dec * 10^in_dec / in``.

    program: math/spot_swap.rs::calculate_swap_price
    """
    scaled = safe_div(safe_mul(amount_out, PRICE_PRECISION, U128), checked(10**out_decimals, U128))
    return safe_div(safe_mul(scaled, checked(10**in_decimals, U128), U128), amount_in)


def select_margin_type_for_swap(
    in_market: SpotMarket,
    out_market: SpotMarket,
    in_strict_price: StrictOraclePrice,
    out_strict_price: StrictOraclePrice,
    in_token_amount_before: int,
    out_token_amount_before: int,
    in_token_amount_after: int,
    out_token_amount_after: int,
    strict_margin_type: MarginRequirementType,
) -> tuple[MarginRequirementType, bool]:
    """``(Maintenance, False)`` when the swap raises the two positions' Initial-weighted value, else
    ``(strict_margin_type, True)``.

    Each side contributes ``strict token value * weight / 1e4`` with the Initial asset weight for holdings and the
    Initial liability weight for borrows.
    program: math/spot_swap.rs::select_margin_type_for_swap
    """

    def contribution(market: SpotMarket, strict_price: StrictOraclePrice, token_amount: int) -> int:
        token_value = get_strict_token_value(token_amount, market.decimals, strict_price)
        if token_amount >= 0:
            weight = market.get_asset_weight(abs(token_amount), strict_price.current, MarginRequirementType.Initial)
        else:
            weight = market.get_liability_weight(abs(token_amount), MarginRequirementType.Initial)
        return safe_div(safe_mul(token_value, weight, I128), SPOT_WEIGHT_PRECISION_U128)

    before = safe_add(contribution(in_market, in_strict_price, in_token_amount_before),
                      contribution(out_market, out_strict_price, out_token_amount_before), I128)
    after = safe_add(contribution(in_market, in_strict_price, in_token_amount_after),
                     contribution(out_market, out_strict_price, out_token_amount_after), I128)
    if after > before:
        return MarginRequirementType.Maintenance, False
    return strict_margin_type, True


def validate_price_bands_for_swap(
    in_market: SpotMarket,
    out_market: SpotMarket,
    amount_in: int,
    amount_out: int,
    in_price: int,
    out_price: int,
    oracle_twap_5min_percent_divergence: int,
) -> None:
    """Check a swap's implied price against the oracle bands of the non-quote side (``PriceBandsBreached``).

    If the in-market has a margin ratio (is not the quote asset) the swap sells it: fill price = out value per
    ``amount_in``, direction Short; otherwise it buys the out-market: fill price = ``amount_in`` per
    ``amount_out``, direction Long. The band is that market's initial liability weight minus 1.
    program: math/spot_swap.rs::validate_price_bands_for_swap
    """
    in_market_margin_ratio = in_market.get_margin_ratio(MarginRequirementType.Initial)
    if in_market_margin_ratio != 0:
        out_value = cast(get_token_value(amount_out, out_market.decimals, out_price), U64)
        fill_price = calculate_fill_price(out_value, amount_in, in_market.get_precision())
        direction = PositionDirection.Short
        oracle_price = in_price
        oracle_twap_5min = in_market.historical_oracle_data.last_oracle_price_twap_5min
        margin_ratio = in_market_margin_ratio
    else:
        fill_price = calculate_fill_price(amount_in, amount_out, out_market.get_precision())
        direction = PositionDirection.Long
        oracle_price = out_price
        oracle_twap_5min = out_market.historical_oracle_data.last_oracle_price_twap_5min
        margin_ratio = out_market.get_margin_ratio(MarginRequirementType.Initial)
    validate_fill_price_within_price_bands(fill_price, oracle_price, oracle_twap_5min, margin_ratio,
                                           oracle_twap_5min_percent_divergence, False, direction)


__all__ = ["calculate_swap_price", "select_margin_type_for_swap", "validate_price_bands_for_swap"]
