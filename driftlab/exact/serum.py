"""Prices and sizes in an external order book's lot units (Serum / OpenBook style markets).

program: math/serum.rs
"""

from __future__ import annotations

from .constants import PRICE_TO_QUOTE_PRECISION_RATIO
from .enums import PositionDirection
from .safe_math import U64, U128, cast, checked, safe_div, safe_div_ceil

__all__ = [
    "calculate_price_from_serum_limit_price",
    "calculate_serum_limit_price",
    "calculate_serum_max_coin_qty",
    "calculate_serum_max_native_pc_quantity",
]


def calculate_serum_max_coin_qty(base_asset_amount: int, coin_lot_size: int) -> int:
    """Whole coin lots in ``base_asset_amount``. program: math/serum.rs::calculate_serum_max_coin_qty"""
    return safe_div(base_asset_amount, coin_lot_size)


def calculate_serum_limit_price(limit_price: int, pc_lot_size: int, coin_decimals: int, coin_lot_size: int,
                                direction: PositionDirection) -> int:
    """A PRICE_PRECISION limit in the book's lots: ``price * coin_lot / (pc_lot * 10^decimals)``.

    Bids round down, asks round up (``safe_div_ceil``). program: math/serum.rs::calculate_serum_limit_price
    """
    coin_precision = 10**coin_decimals
    numerator = checked(safe_div(limit_price, PRICE_TO_QUOTE_PRECISION_RATIO) * coin_lot_size, U128)
    denominator = checked(pc_lot_size * coin_precision, U128)
    if direction == PositionDirection.Long:
        return cast(safe_div(numerator, denominator), U64)
    return cast(safe_div_ceil(numerator, denominator), U64)


def calculate_serum_max_native_pc_quantity(serum_limit_price: int, serum_coin_qty: int, pc_lot_size: int) -> int:
    """Quote to deposit for a bid: ``(pc_lot + pc_lot/2500) * price * qty * 10004 / 10000`` (u64, checked).

    program: math/serum.rs::calculate_serum_max_native_pc_quantity
    """
    value = checked(pc_lot_size + pc_lot_size // 2500, U64)
    value = checked(value * serum_limit_price, U64)
    value = checked(value * serum_coin_qty, U64)
    value = checked(value * 10004, U64)
    return value // 10000


def calculate_price_from_serum_limit_price(limit_price: int, pc_lot_size: int, coin_decimals: int,
                                           coin_lot_size: int) -> int:
    """The inverse: lots back to PRICE_PRECISION, ``price * pc_lot * 10^decimals * 1 / coin_lot``.

    program: math/serum.rs::calculate_price_from_serum_limit_price
    """
    coin_precision = 10**coin_decimals
    value = checked(limit_price * checked(pc_lot_size * coin_precision, U128), U128)
    value = checked(value * PRICE_TO_QUOTE_PRECISION_RATIO, U128)
    return cast(safe_div(value, coin_lot_size), U64)
