"""Liquidation sizing, fees, pacing and checks: how much is taken, at what price, and who gets what.

Weights are in SPOT_WEIGHT_PRECISION / MARGIN_PRECISION (1e4), fees and liquidation multipliers in
LIQUIDATION_FEE_PRECISION (1e6; a multiplier is ``1e6 +/- fee``), prices in PRICE_PRECISION (1e6), margin
shortages in QUOTE_PRECISION (1e6), token amounts in each token's own decimals. The functions that run the
margin calculation take the same market maps and oracle map as
``calculate_margin_requirement_and_total_collateral_and_liability_info`` (see ``margin.py``).

program: math/liquidation.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import margin as margin_math
from .constants import (
    AMM_RESERVE_PRECISION_I128,
    BASE_PRECISION,
    FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO,
    LIQUIDATION_FEE_INCREASE_PER_SLOT,
    LIQUIDATION_FEE_PRECISION,
    LIQUIDATION_FEE_PRECISION_U128,
    LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO,
    LIQUIDATION_PCT_PRECISION,
    PRICE_PRECISION,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO,
    QUOTE_PRECISION,
    SPOT_WEIGHT_PRECISION_U128,
)
from .enums import LiquidationMultiplierType, MarketType, OrderType, PositionDirection, SpotBalanceType
from .errors import (
    CantResolvePerpBankruptcy,
    DriftError,
    InvalidLiquidation,
    LiquidationDoesntSatisfyLimitPrice,
    UserIsBeingLiquidated,
)
from .margin_calculation import MarginContext
from .safe_math import (
    I128,
    U32,
    U64,
    U128,
    cast,
    checked,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
)
from .spot_balance import get_token_amount
from .spot_swap import calculate_swap_price

if TYPE_CHECKING:
    from .state import PerpMarket, SpotMarket, User

LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS = 1_500  # u64, ~10 minutes of slots


def _pow10(exponent: int) -> int:
    """``10_u128.pow(exponent)``."""
    return checked(10**exponent, U128)


def _decimal_scales(larger_decimals: int, smaller_decimals: int) -> tuple[int, int]:
    """``(10^(a-b), 1)`` when ``a > b``, else ``(1, 10^(b-a))``: the program's (numerator, denominator) scales."""
    if larger_decimals > smaller_decimals:
        return _pow10(larger_decimals - smaller_decimals), 1
    return 1, _pow10(smaller_decimals - larger_decimals)


def calculate_base_asset_amount_to_cover_margin_shortage(
    margin_shortage: int,
    margin_ratio: int,
    liquidation_fee: int,
    if_liquidation_fee: int,
    oracle_price: int,
    quote_oracle_price: int,
) -> int:
    """Perp base to close so the freed margin, net of liquidator and IF fees, covers the shortage (AMM precision).

    ``base = S * 1e9 / (P * Pq / 1e6 * (100*mr - lf) / 1e6 - P * iff / 1e6)``; u64::MAX when ``P == 0`` or
    ``100*mr <= lf`` (closing frees nothing).
    program: math/liquidation.rs::calculate_base_asset_amount_to_cover_margin_shortage
    """
    margin_ratio = safe_mul(margin_ratio, LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO, U32)
    if oracle_price == 0 or margin_ratio <= liquidation_fee:
        return U64.max
    numerator = safe_mul(margin_shortage, PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO, U128)
    price = cast(oracle_price, U128)
    freed_per_base = safe_div(
        safe_mul(safe_div(safe_mul(price, cast(quote_oracle_price, U128), U128), PRICE_PRECISION),
                 safe_sub(margin_ratio, liquidation_fee, U32), U128),
        LIQUIDATION_FEE_PRECISION_U128)
    if_fee_per_base = safe_div(safe_mul(price, if_liquidation_fee, U128), LIQUIDATION_FEE_PRECISION_U128)
    return cast(safe_div(numerator, safe_sub(freed_per_base, if_fee_per_base, U128)), U64)


def calculate_liability_transfer_to_cover_margin_shortage(
    margin_shortage: int,
    asset_weight: int,
    asset_liquidation_multiplier: int,
    liability_weight: int,
    liability_liquidation_multiplier: int,
    liability_decimals: int,
    liability_price: int,
    if_liquidation_fee: int,
) -> int:
    """Liability tokens to transfer so the margin shortage is covered (liability token precision, at least 1).

    With ``lwc = 10*lw`` and ``awc = 10*aw*alm/llm``:
    ``x = S * 10^(dec-6) * 1e6 * 1e4 * 10 / (Pl*(lwc - awc) - Pl*iff/1e6*lw*10)``; u128::MAX when
    ``aw >= lw`` or ``awc >= lwc`` (no transfer can help).
    program: math/liquidation.rs::calculate_liability_transfer_to_cover_margin_shortage
    """
    if asset_weight >= liability_weight:
        return U128.max
    numerator_scale, denominator_scale = _decimal_scales(liability_decimals, 6)
    liability_weight_component = safe_mul(liability_weight, 10, U128)
    asset_weight_component = safe_div(
        safe_mul(safe_mul(asset_weight, 10, U128), asset_liquidation_multiplier, U128),
        liability_liquidation_multiplier)
    if asset_weight_component >= liability_weight_component:
        return U128.max
    numerator = safe_mul(safe_mul(margin_shortage, numerator_scale, U128),
                         PRICE_PRECISION * SPOT_WEIGHT_PRECISION_U128 * 10, U128)
    price = cast(liability_price, U128)
    denominator = safe_sub(
        safe_mul(price, safe_sub(liability_weight_component, asset_weight_component, U128), U128),
        safe_mul(safe_mul(safe_div(safe_mul(price, if_liquidation_fee, U128), LIQUIDATION_FEE_PRECISION_U128),
                          liability_weight, U128), 10, U128),
        U128)
    return max(safe_div(safe_div(numerator, denominator), denominator_scale), 1)


def calculate_liability_transfer_implied_by_asset_amount(
    asset_amount: int,
    asset_liquidation_multiplier: int,
    asset_decimals: int,
    asset_price: int,
    liability_liquidation_multiplier: int,
    liability_decimals: int,
    liability_price: int,
) -> int:
    """Liability tokens worth ``asset_amount`` at the liquidation prices, rounded up twice.

    ``ceil(ceil(A * 10^(ld-ad) * Pa * llm / (Pl * alm)) / 10^(ad-ld))``.
    program: math/liquidation.rs::calculate_liability_transfer_implied_by_asset_amount
    """
    numerator_scale, denominator_scale = _decimal_scales(liability_decimals, asset_decimals)
    numerator = safe_mul(safe_mul(safe_mul(asset_amount, numerator_scale, U128), cast(asset_price, U128), U128),
                         liability_liquidation_multiplier, U128)
    denominator = safe_mul(cast(liability_price, U128), asset_liquidation_multiplier, U128)
    return safe_div_ceil(safe_div_ceil(numerator, denominator), denominator_scale)


def calculate_asset_transfer_for_liability_transfer(
    asset_amount: int,
    asset_liquidation_multiplier: int,
    asset_decimals: int,
    asset_price: int,
    liability_amount: int,
    liability_liquidation_multiplier: int,
    liability_decimals: int,
    liability_price: int,
) -> int:
    """Asset tokens the liquidator receives for ``liability_amount`` (floor, at least 1).

    ``t = max(L * 10^(ad-ld) * Pl * alm / (Pa * llm) / 10^(ld-ad), 1)``; when ``|t - asset_amount|`` is worth
    less than $1 at ``Pa`` the whole ``asset_amount`` is transferred instead.
    program: math/liquidation.rs::calculate_asset_transfer_for_liability_transfer
    """
    numerator_scale, denominator_scale = _decimal_scales(asset_decimals, liability_decimals)
    numerator = safe_mul(safe_mul(safe_mul(liability_amount, numerator_scale, U128),
                                  cast(liability_price, U128), U128), asset_liquidation_multiplier, U128)
    denominator = safe_mul(cast(asset_price, U128), liability_liquidation_multiplier, U128)
    asset_transfer = max(safe_div(safe_div(numerator, denominator), denominator_scale), 1)

    value_numerator_scale, value_denominator_scale = _decimal_scales(asset_decimals, 6)
    asset_delta = abs(asset_transfer - asset_amount)
    asset_value_delta = safe_div(
        safe_mul(safe_div(safe_mul(asset_delta, cast(asset_price, U128), U128), PRICE_PRECISION),
                 value_numerator_scale, U128),
        value_denominator_scale)
    if asset_value_delta < QUOTE_PRECISION:
        asset_transfer = asset_amount
    return asset_transfer


def is_cross_margin_being_liquidated(
    user: User,
    market_map: Any,
    spot_market_map: Any,
    oracle_map: Any,
    liquidation_margin_buffer_ratio: int,
) -> bool:
    """Whether the cross account is below maintenance plus the liquidation buffer.

    ``not can_exit_cross_margin_liquidation()`` of the liquidation-mode margin calculation.
    program: math/liquidation.rs::is_cross_margin_being_liquidated
    """
    calculation = margin_math.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, market_map, spot_market_map, oracle_map, MarginContext.liquidation(liquidation_margin_buffer_ratio))
    return not calculation.can_exit_cross_margin_liquidation()


def validate_user_not_being_liquidated(
    user: User,
    market_map: Any,
    spot_market_map: Any,
    oracle_map: Any,
    liquidation_margin_buffer_ratio: int,
) -> None:
    """Clear a liquidation flag the account has recovered from, else raise ``UserIsBeingLiquidated``.

    Mutates ``user`` as the program does (``exit_cross_margin_liquidation`` / ``exit_isolated_margin_liquidation``).
    program: math/liquidation.rs::validate_user_not_being_liquidated
    """
    if not user.is_being_liquidated():
        return
    calculation = margin_math.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, market_map, spot_market_map, oracle_map, MarginContext.liquidation(liquidation_margin_buffer_ratio))
    if user.is_cross_margin_being_liquidated():
        if calculation.can_exit_cross_margin_liquidation():
            user.exit_cross_margin_liquidation()
        else:
            raise UserIsBeingLiquidated("cross margin still below the liquidation requirement")
    else:
        being_liquidated = [p.market_index for p in user.perp_positions if p.is_isolated() and p.is_being_liquidated()]
        for perp_market_index in being_liquidated:
            if calculation.can_exit_isolated_margin_liquidation(perp_market_index):
                user.exit_isolated_margin_liquidation(perp_market_index)
            else:
                raise UserIsBeingLiquidated(f"isolated position {perp_market_index} still below requirement")


def is_isolated_margin_being_liquidated(
    user: User,
    market_map: Any,
    spot_market_map: Any,
    oracle_map: Any,
    perp_market_index: int,
    liquidation_margin_buffer_ratio: int,
) -> bool:
    """Whether an isolated perp position is below maintenance plus the liquidation buffer.

    program: math/liquidation.rs::is_isolated_margin_being_liquidated
    """
    calculation = margin_math.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, market_map, spot_market_map, oracle_map, MarginContext.liquidation(liquidation_margin_buffer_ratio))
    return not calculation.can_exit_isolated_margin_liquidation(perp_market_index)


def calculate_liquidation_multiplier(liquidation_fee: int, multiplier_type: LiquidationMultiplierType) -> int:
    """``1e6 + fee`` (Premium) or ``1e6 - fee`` (Discount), LIQUIDATION_FEE_PRECISION, u32.

    program: math/liquidation.rs::calculate_liquidation_multiplier
    """
    if multiplier_type == LiquidationMultiplierType.Premium:
        return safe_add(LIQUIDATION_FEE_PRECISION, liquidation_fee, U32)
    return safe_sub(LIQUIDATION_FEE_PRECISION, liquidation_fee, U32)


def calculate_funding_rate_deltas_to_resolve_bankruptcy(loss: int, market: PerpMarket) -> int:
    """Cumulative funding-rate change that spreads a perp bankruptcy loss over all open base.

    ``ceil(|loss| * 1e9 / (|long| + |short|)) * 1000`` (FUNDING_RATE_PRECISION per base);
    ``CantResolvePerpBankruptcy`` when no base is open.
    program: math/liquidation.rs::calculate_funding_rate_deltas_to_resolve_bankruptcy
    """
    total_base_asset_amount = safe_add(abs(market.amm.base_asset_amount_long),
                                       abs(market.amm.base_asset_amount_short), I128)
    if total_base_asset_amount == 0:
        raise CantResolvePerpBankruptcy("total base asset amount is 0")
    delta = safe_div_ceil(safe_mul(abs(loss), AMM_RESERVE_PRECISION_I128, I128), total_base_asset_amount)
    return safe_mul(delta, FUNDING_RATE_TO_QUOTE_PRECISION_PRECISION_RATIO, I128)


def calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy(borrow: int, spot_market: SpotMarket) -> int:
    """Cut in cumulative deposit interest that spreads a spot bankruptcy over all depositors.

    ``ceil(cumulative_deposit_interest * borrow / total_deposits)``; 0 when there are no deposits.
    program: math/liquidation.rs::calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy
    """
    total_deposits = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
    numerator = safe_mul(spot_market.cumulative_deposit_interest, borrow, U128)
    try:
        return safe_div_ceil(numerator, total_deposits)
    except DriftError:
        return 0


def validate_transfer_satisfies_limit_price(
    asset_transfer: int,
    liability_transfer: int,
    asset_decimals: int,
    liability_decimals: int,
    limit_price: int | None,
) -> None:
    """Check the transfer's price (asset per liability, 1e6) is at least the liquidator's ``limit_price``.

    ``swap_price = asset * 1e6 / 10^ad * 10^ld / liability >= limit_price``, else
    ``LiquidationDoesntSatisfyLimitPrice``; no limit (None) always passes.
    program: math/liquidation.rs::validate_transfer_satisfies_limit_price
    """
    if limit_price is None:
        return
    swap_price = calculate_swap_price(asset_transfer, liability_transfer, asset_decimals, liability_decimals)
    if not swap_price >= cast(limit_price, U128):
        raise LiquidationDoesntSatisfyLimitPrice(f"transfer price {swap_price} < limit price {limit_price}")


def calculate_max_pct_to_liquidate(
    user: User,
    margin_shortage: int,
    slot: int,
    initial_pct_to_liquidate: int,
    liquidation_duration: int,
) -> int:
    """Share of the margin shortage (LIQUIDATION_PCT_PRECISION, 1e4) a liquidator may free in this slot.

    Shortages under $50 may be liquidated at once (1e4). Otherwise
    ``pct = min(slots_elapsed * 1e4 / duration + initial_pct, 1e4)`` (1e4 if the duration is 0),
    ``freeable = (S + freed) * pct / 1e4 - freed`` (floored at 0) and the result is ``freeable * 1e4 / S``.
    program: math/liquidation.rs::calculate_max_pct_to_liquidate
    """
    if margin_shortage < 50 * QUOTE_PRECISION:
        return LIQUIDATION_PCT_PRECISION
    slots_elapsed = safe_sub(slot, user.last_active_slot, U64)
    scaled = safe_mul(slots_elapsed, LIQUIDATION_PCT_PRECISION, U128)
    pct_freeable = safe_div(scaled, liquidation_duration) if liquidation_duration != 0 else LIQUIDATION_PCT_PRECISION
    pct_freeable = min(safe_add(pct_freeable, initial_pct_to_liquidate, U128), LIQUIDATION_PCT_PRECISION)
    total_margin_shortage = safe_add(margin_shortage, user.liquidation_margin_freed, U128)
    max_margin_freed = safe_div(safe_mul(total_margin_shortage, pct_freeable, U128), LIQUIDATION_PCT_PRECISION)
    margin_freeable = max(max_margin_freed - user.liquidation_margin_freed, 0)
    return safe_div(safe_mul(margin_freeable, LIQUIDATION_PCT_PRECISION, U128), margin_shortage)


def calculate_perp_if_fee(
    margin_shortage: int,
    user_base_asset_amount: int,
    margin_ratio: int,
    liquidator_fee: int,
    oracle_price: int,
    quote_oracle_price: int,
    max_if_liquidation_fee: int,
) -> int:
    """Insurance-fund fee on a perp liquidation (LIQUIDATION_FEE_PRECISION), what margin is left after the shortage.

    ``min(max_if, (100*mr - lf - S * 1e9 / base * 1e6 / (P * Pq / 1e6)) * 19 / 20)`` with saturating
    subtractions; 0 when a price or the base is 0 or ``100*mr <= lf``.
    program: math/liquidation.rs::calculate_perp_if_fee
    """
    margin_ratio = safe_mul(margin_ratio, LIQUIDATION_FEE_TO_MARGIN_PRECISION_RATIO, U32)
    if oracle_price == 0 or quote_oracle_price == 0 or margin_ratio <= liquidator_fee or user_base_asset_amount == 0:
        return 0
    price = safe_div(safe_mul(cast(oracle_price, U128), cast(quote_oracle_price, U128), U128), PRICE_PRECISION)
    shortage_pct = safe_div(
        safe_mul(safe_div(safe_mul(margin_shortage, BASE_PRECISION, U128), user_base_asset_amount),
                 PRICE_PRECISION, U128),
        price)
    shortage_pct = min(shortage_pct, U32.max)  # cast::<u32>().unwrap_or(u32::MAX)
    implied_if_fee = max(max(margin_ratio - liquidator_fee, 0) - shortage_pct, 0)
    implied_if_fee = safe_div(safe_mul(implied_if_fee, 19, U32), 20)
    return min(max_if_liquidation_fee, implied_if_fee)


def calculate_spot_if_fee(
    margin_shortage: int,
    token_amount: int,
    asset_weight: int,
    asset_liquidation_multiplier: int,
    liability_weight: int,
    liability_liquidation_multiplier: int,
    liability_decimals: int,
    liability_price: int,
    max_if_fee: int,
) -> int:
    """Insurance-fund fee on a spot liquidation (LIQUIDATION_FEE_PRECISION), capped at ``max_if_fee``.

    With weights scaled to 1e6 (``lw' = 100*lw``, ``aw' = 100*aw``):
    ``(lw' - aw'*alm/llm - S * 1e6 * 10^dec / tokens / Pl) * 1e6 / lw'`` (saturating); 0 when ``aw >= lw``,
    the price, the token amount or ``llm`` is 0.
    program: math/liquidation.rs::calculate_spot_if_fee
    """
    if (asset_weight >= liability_weight or liability_price == 0 or token_amount == 0
            or liability_liquidation_multiplier == 0):
        return 0
    token_precision = _pow10(liability_decimals)
    weight_scale = LIQUIDATION_FEE_PRECISION_U128 // SPOT_WEIGHT_PRECISION_U128
    liability_weight_scaled = safe_mul(liability_weight, weight_scale, U128)
    asset_weight_scaled = safe_mul(asset_weight, weight_scale, U128)
    asset_component = safe_div(safe_mul(asset_weight_scaled, asset_liquidation_multiplier, U128),
                               liability_liquidation_multiplier)
    shortage_component = safe_div(
        safe_div(safe_mul(safe_mul(margin_shortage, LIQUIDATION_FEE_PRECISION_U128, U128), token_precision, U128),
                 token_amount),
        cast(liability_price, U128))
    implied = max(max(liability_weight_scaled - asset_component, 0) - shortage_component, 0)
    implied_if_fee = safe_div(safe_mul(implied, LIQUIDATION_FEE_PRECISION_U128, U128), liability_weight_scaled)
    implied_if_fee = min(implied_if_fee, U32.max)  # cast::<u32>().unwrap_or(u32::MAX)
    return min(max_if_fee, implied_if_fee)


def get_liquidation_order_params(
    market_index: int,
    existing_direction: PositionDirection,
    base_asset_amount: int,
    oracle_price: int,
    liquidation_fee: int,
) -> Any:
    """Reduce-only limit order that closes a perp position at ``oracle +/- oracle * liquidation_fee / 1e6``.

    The order goes against ``existing_direction``; buying back a short pays up to the premium, selling a long
    accepts down to the discount.
    program: math/liquidation.rs::get_liquidation_order_params
    """
    from .state import OrderParams

    direction = PositionDirection.Short if existing_direction == PositionDirection.Long else PositionDirection.Long
    price = cast(abs(oracle_price), U128)
    fee = safe_div(safe_mul(price, liquidation_fee, U128), LIQUIDATION_FEE_PRECISION_U128)
    if direction == PositionDirection.Long:
        limit_price = cast(safe_add(price, fee, U128), U64)
    else:
        limit_price = cast(safe_sub(price, fee, U128), U64)
    return OrderParams(market_index=market_index, direction=direction, price=limit_price,
                       order_type=OrderType.Limit, market_type=MarketType.Perp,
                       base_asset_amount=base_asset_amount, reduce_only=True)


def get_liquidation_fee(
    base_liquidation_fee: int,
    max_liquidation_fee: int,
    last_active_user_slot: int,
    current_slot: int,
) -> int:
    """Liquidator fee after the grace period: ``min(base + slots_elapsed * 1, max)`` (LIQUIDATION_FEE_PRECISION).

    Within LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS (1500) of ``last_active_user_slot`` it is ``base``; after
    that every elapsed slot, grace period included, adds LIQUIDATION_FEE_INCREASE_PER_SLOT.
    program: math/liquidation.rs::get_liquidation_fee
    """
    slots_elapsed = safe_sub(current_slot, last_active_user_slot, U64)
    if slots_elapsed < LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS:
        return base_liquidation_fee
    increase = min(safe_mul(slots_elapsed, LIQUIDATION_FEE_INCREASE_PER_SLOT, U64), U32.max)
    liquidation_fee = min(base_liquidation_fee + increase, U32.max)
    return min(liquidation_fee, max_liquidation_fee)


def validate_swap_within_liquidation_boundaries(
    asset_transfer: int,
    liability_transfer: int,
    asset_decimals: int,
    liability_decimals: int,
    asset_price: int,
    liability_price: int,
    asset_liquidation_multiplier: int,
    liability_liquidation_multiplier: int,
) -> None:
    """Check a liquidation swap gives the user at least the worst price the liquidation multipliers allow.

    ``L * 1e6 / 10^ld * 10^ad / A >= Pa * 1e6 * llm / Pl / alm``, else ``InvalidLiquidation``.
    program: math/liquidation.rs::validate_swap_within_liquidation_boundaries
    """
    asset_precision = _pow10(asset_decimals)
    liability_precision = _pow10(liability_decimals)
    swap_price = safe_div(
        safe_mul(safe_div(safe_mul(liability_transfer, PRICE_PRECISION, U128), liability_precision),
                 asset_precision, U128),
        asset_transfer)
    worst_case_price = safe_div(
        safe_div(safe_mul(safe_mul(cast(asset_price, U128), PRICE_PRECISION, U128),
                          liability_liquidation_multiplier, U128),
                 cast(liability_price, U128)),
        asset_liquidation_multiplier)
    if not swap_price >= worst_case_price:
        raise InvalidLiquidation(f"swap price {swap_price} < worst case price {worst_case_price}")


__all__ = [
    "LIQUIDATION_FEE_ADJUST_GRACE_PERIOD_SLOTS",
    "calculate_asset_transfer_for_liability_transfer",
    "calculate_base_asset_amount_to_cover_margin_shortage",
    "calculate_cumulative_deposit_interest_delta_to_resolve_bankruptcy",
    "calculate_funding_rate_deltas_to_resolve_bankruptcy",
    "calculate_liability_transfer_implied_by_asset_amount",
    "calculate_liability_transfer_to_cover_margin_shortage",
    "calculate_liquidation_multiplier",
    "calculate_max_pct_to_liquidate",
    "calculate_perp_if_fee",
    "calculate_spot_if_fee",
    "get_liquidation_fee",
    "get_liquidation_order_params",
    "is_cross_margin_being_liquidated",
    "is_isolated_margin_being_liquidated",
    "validate_swap_within_liquidation_boundaries",
    "validate_transfer_satisfies_limit_price",
    "validate_user_not_being_liquidated",
]
