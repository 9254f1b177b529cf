"""Fuel: points accrued per second on open interest, deposits, borrows and insurance stakes.

``bonus = |value| * seconds * boost / FUEL_WINDOW / 1e5`` (value in QUOTE_PRECISION, boost in tenths), nothing
for values under $1.

program: math/fuel.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import FUEL_WINDOW_U128, QUOTE_PRECISION, QUOTE_PRECISION_U64
from .safe_math import U64, U128, cast, safe_div, safe_mul

if TYPE_CHECKING:
    from .state import PerpMarket, SpotMarket


def _fuel(value: int, fuel_bonus_numerator: int, boost: int) -> int:
    """``|value| * numerator * boost / FUEL_WINDOW`` as u64, then ``/ (1e6 / 10)``."""
    scaled = safe_mul(safe_mul(abs(value), cast(fuel_bonus_numerator, U128), U128), boost, U128)
    return cast(safe_div(scaled, FUEL_WINDOW_U128), U64) // (QUOTE_PRECISION_U64 // 10)


def calculate_perp_fuel_bonus(perp_market: PerpMarket, base_asset_value: int, fuel_bonus_numerator: int) -> int:
    """Fuel for a perp position's notional: ``|value| * seconds * fuel_boost_position / FUEL_WINDOW / 1e5``.

    program: math/fuel.rs::calculate_perp_fuel_bonus
    """
    if abs(base_asset_value) < QUOTE_PRECISION:
        return 0
    return _fuel(base_asset_value, fuel_bonus_numerator, perp_market.fuel_boost_position)


def calculate_spot_fuel_bonus(spot_market: SpotMarket, signed_token_value: int, fuel_bonus_numerator: int) -> int:
    """Fuel for a spot deposit (``fuel_boost_deposits``) or borrow (``fuel_boost_borrows``) by its value.

    program: math/fuel.rs::calculate_spot_fuel_bonus
    """
    if abs(signed_token_value) < QUOTE_PRECISION:
        return 0
    boost = spot_market.fuel_boost_deposits if signed_token_value > 0 else spot_market.fuel_boost_borrows
    return _fuel(signed_token_value, fuel_bonus_numerator, boost)


def calculate_insurance_fuel_bonus(
    spot_market: SpotMarket, stake_amount: int, stake_amount_delta: int, fuel_bonus_numerator: int
) -> int:
    """Fuel for an insurance stake: ``(stake - |delta|)^+ * seconds * fuel_boost_insurance / FUEL_WINDOW / 1e5``.

    program: math/fuel.rs::calculate_insurance_fuel_bonus
    """
    staked = max(stake_amount - abs(stake_amount_delta), 0)
    return _fuel(staked, fuel_bonus_numerator, spot_market.fuel_boost_insurance)


__all__ = ["calculate_insurance_fuel_bonus", "calculate_perp_fuel_bonus", "calculate_spot_fuel_bonus"]
