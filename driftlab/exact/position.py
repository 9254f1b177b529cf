"""Value of a perp position: on the AMM curve (swap it closed), at the oracle, at the expiry price.

program: math/position.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .amm import calculate_quote_asset_amount_swapped, calculate_swap_output
from .constants import (
    AMM_RESERVE_PRECISION_I128,
    BASE_PRECISION,
    MAX_PREDICTION_MARKET_PRICE_U128,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO_I128,
)
from .enums import ContractType, PositionUpdateType, SwapDirection
from .pnl import calculate_pnl
from .safe_math import I64, I128, U128, cast, safe_add, safe_div, safe_mul, signum

if TYPE_CHECKING:
    from .controller_position import PositionDelta
    from .state import AMM, PerpPosition


def swap_direction_to_close_position(base_asset_amount: int) -> SwapDirection:
    """Closing a long (``base >= 0``) adds base to the pool (Add); closing a short removes it (Remove).

    program: math/position.rs::swap_direction_to_close_position
    """
    return SwapDirection.Add if base_asset_amount >= 0 else SwapDirection.Remove


def calculate_base_asset_value(base_asset_amount: int, amm: AMM) -> int:
    """Quote received (long) or paid (short) for swapping ``|base_asset_amount|`` closed on the AMM curve.

    ``new_quote = sqrt_k**2 / (bar +/- |base|)``, value = ``calculate_quote_asset_amount_swapped(qar, new_quote)``
    (without spread). Zero base is worth zero.
    program: math/position.rs::calculate_base_asset_value
    """
    if base_asset_amount == 0:
        return 0
    swap_direction = swap_direction_to_close_position(base_asset_amount)
    new_quote_asset_reserve, _ = calculate_swap_output(abs(base_asset_amount), amm.base_asset_reserve,
                                                       swap_direction, amm.sqrt_k)
    return calculate_quote_asset_amount_swapped(amm.quote_asset_reserve, new_quote_asset_reserve, swap_direction,
                                                amm.peg_multiplier)


def calculate_base_asset_value_and_pnl(base_asset_amount: int, quote_asset_amount: int, amm: AMM) -> tuple[int, int]:
    """``(value, pnl)`` of a position on the AMM curve; pnl = ``calculate_pnl(value, quote_asset_amount, dir)``.

    program: math/position.rs::calculate_base_asset_value_and_pnl
    """
    if base_asset_amount == 0:
        return 0, 0
    swap_direction = swap_direction_to_close_position(base_asset_amount)
    base_asset_value = calculate_base_asset_value(base_asset_amount, amm)
    return base_asset_value, calculate_pnl(base_asset_value, quote_asset_amount, swap_direction)


def calculate_base_asset_value_with_oracle_price(base_asset_amount: int, oracle_price: int) -> int:
    """``|base| * max(oracle, 0) / 1e9`` (quote precision, truncated).

    program: math/position.rs::calculate_base_asset_value_with_oracle_price
    """
    if base_asset_amount == 0:
        return 0
    price = oracle_price if oracle_price > 0 else 0
    return safe_div(safe_mul(abs(base_asset_amount), price, U128), PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO)


def calculate_perp_liability_value(base_asset_amount: int, oracle_price: int, contract_type: ContractType) -> int:
    """Liability value at the oracle; a prediction-market short is worth ``|base| * (1 - price)``.

    Non-prediction: ``calculate_base_asset_value_with_oracle_price``. Prediction: long ``|base| * |p| / 1e9``,
    short ``|base| * saturating(1e6 - |p|) / 1e9``.
    program: math/position.rs::calculate_perp_liability_value
    """
    if contract_type != ContractType.Prediction:
        return calculate_base_asset_value_with_oracle_price(base_asset_amount, oracle_price)
    price_u128 = cast(abs(oracle_price), U128)
    if base_asset_amount < 0:
        price_u128 = max(MAX_PREDICTION_MARKET_PRICE_U128 - price_u128, 0)
    return safe_div(safe_mul(abs(base_asset_amount), price_u128, U128), BASE_PRECISION)


def calculate_base_asset_value_and_pnl_with_oracle_price(
    market_position: PerpPosition, oracle_price: int
) -> tuple[int, int]:
    """``(|value|, value + quote_asset_amount)`` with ``value = base * max(oracle, 0) / 1e9`` (signed, truncated).

    program: math/position.rs::calculate_base_asset_value_and_pnl_with_oracle_price
    """
    if market_position.base_asset_amount == 0:
        return 0, market_position.quote_asset_amount
    price = oracle_price if oracle_price > 0 else 0
    value = safe_div(safe_mul(market_position.base_asset_amount, price, I128), AMM_RESERVE_PRECISION_I128)
    return abs(value), safe_add(value, market_position.quote_asset_amount, I128)


def calculate_base_asset_value_with_expiry_price(market_position: PerpPosition, expiry_price: int) -> int:
    """``base * expiry_price / 1e9`` as i64 (signed, truncated toward zero).

    program: math/position.rs::calculate_base_asset_value_with_expiry_price
    """
    if market_position.base_asset_amount == 0:
        return 0
    value = safe_mul(market_position.base_asset_amount, expiry_price, I128)
    return cast(safe_div(value, PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO_I128), I64)


def get_position_update_type(position: PerpPosition, delta: PositionDelta) -> PositionUpdateType:
    """Open (flat before), Increase (same sign), Reduce (smaller opposite), Close (equal), Flip (larger).

    program: math/position.rs::get_position_update_type
    """
    if position.base_asset_amount == 0:
        return PositionUpdateType.Open
    position_base = position.base_asset_amount
    delta_base = delta.base_asset_amount
    if signum(position_base) == signum(delta_base):
        return PositionUpdateType.Increase
    if abs(position_base) > abs(delta_base):
        return PositionUpdateType.Reduce
    if abs(position_base) == abs(delta_base):
        return PositionUpdateType.Close
    return PositionUpdateType.Flip


def get_new_position_amounts(position: PerpPosition, delta: PositionDelta) -> tuple[int, int]:
    """``(base + delta_base, quote + delta_quote)`` in i64. program: math/position.rs::get_new_position_amounts"""
    new_quote_asset_amount = safe_add(position.quote_asset_amount, delta.quote_asset_amount, I64)
    new_base_asset_amount = safe_add(position.base_asset_amount, delta.base_asset_amount, I64)
    return new_base_asset_amount, new_quote_asset_amount


__all__ = [
    "calculate_base_asset_value",
    "calculate_base_asset_value_and_pnl",
    "calculate_base_asset_value_and_pnl_with_oracle_price",
    "calculate_base_asset_value_with_expiry_price",
    "calculate_base_asset_value_with_oracle_price",
    "calculate_perp_liability_value",
    "swap_direction_to_close_position",
    "get_new_position_amounts",
    "get_position_update_type",
]
