"""Conversions between quote reserves and quote amounts through the peg.

program: math/quote_asset.rs
"""

from __future__ import annotations

from .constants import AMM_TIMES_PEG_TO_QUOTE_PRECISION_RATIO
from .safe_math import U128, checked, safe_div


def reserve_to_asset_amount(quote_asset_reserve: int, peg_multiplier: int) -> int:
    """``quote_asset_reserve * peg / 1e9``: reserve units (1e9) to quote (1e6). program: math/quote_asset.rs"""
    return checked(quote_asset_reserve * peg_multiplier, U128) // AMM_TIMES_PEG_TO_QUOTE_PRECISION_RATIO


def asset_to_reserve_amount(quote_asset_amount: int, peg_multiplier: int) -> int:
    """``quote_asset_amount * 1e9 / peg``: quote (1e6) to reserve units (1e9). program: math/quote_asset.rs"""
    return safe_div(checked(quote_asset_amount * AMM_TIMES_PEG_TO_QUOTE_PRECISION_RATIO, U128), peg_multiplier)
