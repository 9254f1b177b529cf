"""Profit and loss of closing a position: exit value against entry value.

program: math/pnl.rs
"""

from __future__ import annotations

from .enums import SwapDirection
from .safe_math import I128, cast, safe_sub


def calculate_pnl(exit_value: int, entry_value: int, swap_direction_to_close: SwapDirection) -> int:
    """``exit - entry`` when closing sells base (Add: a long), ``entry - exit`` when it buys (Remove).

    program: math/pnl.rs::calculate_pnl
    """
    if swap_direction_to_close == SwapDirection.Add:
        return safe_sub(cast(exit_value, I128), cast(entry_value, I128), I128)
    return safe_sub(cast(entry_value, I128), cast(exit_value, I128), I128)


__all__ = ["calculate_pnl"]
