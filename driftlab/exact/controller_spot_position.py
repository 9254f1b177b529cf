"""A user's spot position: open bids/asks and balance updates with cumulative deposits and withdraw limits.

Functions mutate the ``SpotPosition``/``User``/``SpotMarket`` dataclasses in place as the program does.

program: controller/spot_position.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .controller_spot_balance import update_spot_balances
from .enums import AssetTier, MarketStatus, PositionDirection, SpotBalanceType, SpotOperation
from .errors import DailyWithdrawLimit, MarketWithdrawPaused, ProtectedAssetTierViolation
from .safe_math import I64, cast, safe_add, safe_sub
from .spot_withdraw import check_withdraw_limits

if TYPE_CHECKING:
    from .state import SpotMarket, SpotPosition, User

__all__ = [
    "decrease_spot_open_bids_and_asks",
    "increase_spot_open_bids_and_asks",
    "update_spot_balances_and_cumulative_deposits",
    "update_spot_balances_and_cumulative_deposits_with_limits",
]


def increase_spot_open_bids_and_asks(spot_position: SpotPosition, direction: PositionDirection,
                                     base_asset_amount_unfilled: int, update: bool) -> None:
    """Add an order's unfilled size to open bids (long) or subtract it from open asks (short), if ``update``.

    program: controller/spot_position.rs::increase_spot_open_bids_and_asks
    """
    if not update:
        return
    amount = cast(base_asset_amount_unfilled, I64)
    if direction == PositionDirection.Long:
        spot_position.open_bids = safe_add(spot_position.open_bids, amount, I64)
    else:
        spot_position.open_asks = safe_sub(spot_position.open_asks, amount, I64)


def decrease_spot_open_bids_and_asks(spot_position: SpotPosition, direction: PositionDirection,
                                     base_asset_amount_unfilled: int, update: bool) -> None:
    """Remove an order's unfilled size from open bids (floored at 0) or asks (capped at 0), if ``update``.

    program: controller/spot_position.rs::decrease_spot_open_bids_and_asks
    """
    if not update:
        return
    amount = cast(base_asset_amount_unfilled, I64)
    if direction == PositionDirection.Long:
        spot_position.open_bids = max(safe_sub(spot_position.open_bids, amount, I64), 0)
    else:
        spot_position.open_asks = min(safe_add(spot_position.open_asks, amount, I64), 0)


def update_spot_balances_and_cumulative_deposits(token_amount: int, update_direction: SpotBalanceType,
                                                 spot_market: SpotMarket, spot_position: SpotPosition,
                                                 is_leaving_drift: bool,
                                                 cumulative_deposit_delta: int | None) -> None:
    """``update_spot_balances``, then move ``cumulative_deposits`` by the delta (default ``token_amount``).

    Deposits add to ``cumulative_deposits``, borrows/withdrawals subtract (i64).
    program: controller/spot_position.rs::update_spot_balances_and_cumulative_deposits
    """
    update_spot_balances(token_amount, update_direction, spot_market, spot_position, is_leaving_drift)
    delta = cast(token_amount if cumulative_deposit_delta is None else cumulative_deposit_delta, I64)
    if update_direction == SpotBalanceType.Deposit:
        spot_position.cumulative_deposits = safe_add(spot_position.cumulative_deposits, delta, I64)
    else:
        spot_position.cumulative_deposits = safe_sub(spot_position.cumulative_deposits, delta, I64)


def update_spot_balances_and_cumulative_deposits_with_limits(token_amount: int, update_direction: SpotBalanceType,
                                                             spot_market: SpotMarket, user: User) -> None:
    """A deposit or withdrawal leaving Drift, with the market's guards.

    Opens the user's position if needed, updates it (``is_leaving_drift = True``), then requires: withdraw
    limits hold (``DailyWithdrawLimit``), the market is Active/ReduceOnly/Settlement and withdrawals are not
    paused (``MarketWithdrawPaused``), and a Protected-tier asset is not left borrowed
    (``ProtectedAssetTierViolation``).
    program: controller/spot_position.rs::update_spot_balances_and_cumulative_deposits_with_limits
    """
    spot_position_index = user.force_get_spot_position_index(spot_market.market_index)

    update_spot_balances_and_cumulative_deposits(token_amount, update_direction, spot_market,
                                                 user.spot_positions[spot_position_index], True, None)

    if not check_withdraw_limits(spot_market, user, token_amount):
        raise DailyWithdrawLimit(f"Spot Market {spot_market.market_index} has hit daily withdraw limit. "
                                 f"Attempted withdraw amount of {token_amount}")

    if spot_market.status not in (MarketStatus.Active, MarketStatus.ReduceOnly, MarketStatus.Settlement):
        raise MarketWithdrawPaused(f"Spot Market {spot_market.market_index} withdraws are currently paused, "
                                   "market not active or in settlement")

    if spot_market.is_operation_paused(SpotOperation.Withdraw):
        raise MarketWithdrawPaused(f"Spot Market {spot_market.market_index} withdraws are currently paused")

    if (spot_market.asset_tier == AssetTier.Protected
            and user.spot_positions[spot_position_index].balance_type == SpotBalanceType.Borrow):
        raise ProtectedAssetTierViolation(
            f"Spot Market {spot_market.market_index} has Protected status and cannot be borrowed")
