"""Bankruptcy tests: an account (or an isolated position) with liabilities left and nothing to liquidate.

program: math/bankruptcy.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .enums import SpotBalanceType

if TYPE_CHECKING:
    from .state import User


def is_cross_margin_bankrupt(user: User) -> bool:
    """True when the cross account has a liability but no spot deposit and no cross perp exposure.

    Any spot deposit, cross perp base, positive quote or open perp order makes it not bankrupt; a spot borrow
    or a negative cross perp quote amount is the liability. Isolated perp positions are skipped.
    program: math/bankruptcy.rs::is_cross_margin_bankrupt
    """
    has_liability = False
    for spot_position in user.spot_positions:
        if spot_position.scaled_balance > 0:
            if spot_position.balance_type == SpotBalanceType.Deposit:
                return False
            has_liability = True
    for perp_position in user.perp_positions:
        if perp_position.is_isolated():
            continue
        if (perp_position.base_asset_amount != 0 or perp_position.quote_asset_amount > 0
                or perp_position.has_open_order()):
            return False
        if perp_position.quote_asset_amount < 0:
            has_liability = True
    return has_liability


def is_isolated_margin_bankrupt(user: User, market_index: int) -> bool:
    """True when the isolated position has no deposit, no base, no open order and a negative quote amount.

    Raises ``UserHasNoPositionInMarket`` / ``InvalidPerpPosition`` when there is no isolated position there.
    program: math/bankruptcy.rs::is_isolated_margin_bankrupt
    """
    perp_position = user.get_isolated_perp_position(market_index)
    if perp_position.isolated_position_scaled_balance > 0:
        return False
    return (perp_position.base_asset_amount == 0 and perp_position.quote_asset_amount < 0
            and not perp_position.has_open_order())


__all__ = ["is_cross_margin_bankrupt", "is_isolated_margin_bankrupt"]
