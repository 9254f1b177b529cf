"""Order math: size and price standardisation (more arrives with the orders mechanic).

program: math/orders.rs
"""

from __future__ import annotations

from .errors import MathError
from .safe_math import I128, U64, checked, safe_sub, signum


def standardize_base_asset_amount_with_remainder_i128(base_asset_amount: int, step_size: int) -> tuple[int, int]:
    """Round toward zero to a multiple of ``step_size``; the remainder keeps the amount's sign.

    program: math/orders.rs::standardize_base_asset_amount_with_remainder_i128
    """
    if step_size == 0:
        raise MathError("step_size is zero")
    remainder = checked((abs(base_asset_amount) % step_size) * signum(base_asset_amount), I128)
    return safe_sub(base_asset_amount, remainder, I128), remainder


def standardize_base_asset_amount(base_asset_amount: int, step_size: int) -> int:
    """Round down to a multiple of ``step_size``. program: math/orders.rs::standardize_base_asset_amount"""
    if step_size == 0:
        raise MathError("step_size is zero")
    return safe_sub(base_asset_amount, base_asset_amount % step_size, U64)


def standardize_base_asset_amount_ceil(base_asset_amount: int, step_size: int) -> int:
    """Round up to a multiple of ``step_size``. program: math/orders.rs::standardize_base_asset_amount_ceil"""
    if step_size == 0:
        raise MathError("step_size is zero")
    remainder = base_asset_amount % step_size
    if remainder == 0:
        return base_asset_amount
    return safe_sub(checked(base_asset_amount + step_size, U64), remainder, U64)


def is_multiple_of_step_size(base_asset_amount: int, step_size: int) -> bool:
    """Whether ``base_asset_amount`` is a whole number of steps. program: math/orders.rs::is_multiple_of_step_size"""
    if step_size == 0:
        raise MathError("step_size is zero")
    return base_asset_amount % step_size == 0
