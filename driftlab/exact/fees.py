"""Trading fees: taker fees, maker rebates, referral split, filler rewards and fee tiers.

Amounts are in QUOTE_PRECISION (1e6). The taker fee rounds up (``ceil(q * fee_num / fee_den)``), the maker
rebate rounds down; a market's ``fee_adjustment`` (percent, -100..100) scales both, again rounding against the
user. Perp fee tiers come from 30-day taker + maker volume, improved by the staked governance-token discount.

program: math/fees.rs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .constants import (
    FEE_ADJUSTMENT_MAX,
    FIVE_MILLION_QUOTE,
    ONE_HUNDRED_MILLION_QUOTE,
    ONE_HUNDRED_THOUSAND_QUOTE,
    ONE_MILLION_QUOTE,
    ONE_THOUSAND_QUOTE,
    QUOTE_PRECISION_U64,
    TEN_BPS,
    TEN_MILLION_QUOTE,
    TEN_THOUSAND_QUOTE,
    TWENTY_FIVE_THOUSAND_QUOTE,
    TWO_HUNDRED_FIFTY_THOUSAND_QUOTE,
)
from .enums import MarketType
from .helpers import get_proportion_u128
from .safe_math import (
    I64,
    U32,
    U64,
    U128,
    cast,
    nth_root,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
)

if TYPE_CHECKING:
    from .state import FeeStructure, FeeTier, OrderFillerRewardStructure, UserStats


@dataclass
class FillFees:
    """program: math/fees.rs::FillFees"""

    user_fee: int = 0  # u64
    maker_rebate: int = 0  # u64
    fee_to_market: int = 0  # i64
    fee_to_market_for_lp: int = 0  # i64
    filler_reward: int = 0  # u64
    referrer_reward: int = 0  # u64
    referee_discount: int = 0  # u64
    builder_fee: int | None = None  # Option<u64>


@dataclass
class ExternalFillFees:
    """program: math/fees.rs::ExternalFillFees"""

    user_fee: int = 0  # u64
    fee_to_market: int = 0  # u64
    fee_pool_delta: int = 0  # i64
    filler_reward: int = 0  # u64


def _saturating_sub_u64(a: int, b: int) -> int:
    return max(a - b, 0)


def _saturating_add_u64(a: int, b: int) -> int:
    return min(a + b, U64.max)


def _builder_fee(quote_asset_amount: int, builder_fee_bps: int | None) -> int | None:
    if builder_fee_bps is None:
        return None
    return safe_div(safe_mul(quote_asset_amount, builder_fee_bps, U64), 100_000)


def calculate_fee_for_fulfillment_with_amm(user_stats: UserStats, quote_asset_amount: int,
                                           fee_structure: FeeStructure, order_slot: int, clock_slot: int,
                                           reward_filler: bool, reward_referrer: bool,
                                           referrer_stats: UserStats | None, quote_asset_amount_surplus: int,
                                           is_post_only: bool, fee_adjustment: int, user_high_leverage_mode: bool,
                                           builder_fee_bps: int | None) -> FillFees:
    """Fees for a fill against the AMM.

    Post-only (the user is the maker): ``maker_rebate``, ``fee = surplus - rebate``, filler reward from that fee,
    ``fee_to_market = fee - filler``. Taker: ``fee = taker fee`` (x2 in high-leverage mode), minus the referee
    discount; ``fee_to_market = fee - filler - referrer + surplus`` and ``fee_to_market_for_lp = fee_to_market -
    surplus``; ``builder_fee = q * bps / 1e5``.
    program: math/fees.rs::calculate_fee_for_fulfillment_with_amm
    """
    fee_tier = determine_user_fee_tier(user_stats, fee_structure, MarketType.Perp, user_high_leverage_mode)

    if is_post_only:
        maker_rebate = calculate_maker_rebate(quote_asset_amount, fee_tier, fee_adjustment)
        fee = safe_sub(cast(quote_asset_amount_surplus, U64), maker_rebate, U64)
        filler_reward = 0 if not reward_filler else calculate_filler_reward(
            fee, order_slot, clock_slot, 0, fee_structure.filler_reward_structure)
        fee_to_market = cast(safe_sub(fee, filler_reward, U64), I64)
        return FillFees(user_fee=0, maker_rebate=maker_rebate, fee_to_market=fee_to_market,
                        fee_to_market_for_lp=0, filler_reward=filler_reward, referrer_reward=0,
                        referee_discount=0, builder_fee=None)

    fee = calculate_taker_fee(quote_asset_amount, fee_tier, fee_adjustment)
    if user_high_leverage_mode:
        fee = safe_mul(fee, 2, U64)
    if reward_referrer:
        fee, referee_discount, referrer_reward = calculate_referee_fee_and_referrer_reward(
            fee, fee_tier, fee_structure.referrer_reward_epoch_upper_bound, referrer_stats)
    else:
        referee_discount, referrer_reward = 0, 0
    filler_reward = 0 if not reward_filler else calculate_filler_reward(
        fee, order_slot, clock_slot, 0, fee_structure.filler_reward_structure)
    fee_to_market = safe_add(cast(safe_sub(safe_sub(fee, filler_reward, U64), referrer_reward, U64), I64),
                             quote_asset_amount_surplus, I64)
    fee_to_market_for_lp = safe_sub(fee_to_market, quote_asset_amount_surplus, I64)
    return FillFees(user_fee=fee, maker_rebate=0, fee_to_market=fee_to_market,
                    fee_to_market_for_lp=fee_to_market_for_lp, filler_reward=filler_reward,
                    referrer_reward=referrer_reward, referee_discount=referee_discount,
                    builder_fee=_builder_fee(quote_asset_amount, builder_fee_bps))


def calculate_taker_fee(quote_asset_amount: int, fee_tier: FeeTier, fee_adjustment: int) -> int:
    """``ceil(q * fee_numerator / fee_denominator)``, then ``f - f*|a|/100`` (a < 0) or ``f + ceil(f*a/100)``.

    program: math/fees.rs::calculate_taker_fee
    """
    taker_fee = cast(safe_div_ceil(safe_mul(quote_asset_amount, fee_tier.fee_numerator, U128),
                                   fee_tier.fee_denominator), U64)
    if fee_adjustment < 0:
        taker_fee = _saturating_sub_u64(
            taker_fee, safe_div(safe_mul(taker_fee, abs(fee_adjustment), U64), FEE_ADJUSTMENT_MAX))
    elif fee_adjustment > 0:
        taker_fee = _saturating_add_u64(
            taker_fee, safe_div_ceil(safe_mul(taker_fee, fee_adjustment, U64), FEE_ADJUSTMENT_MAX))
    return taker_fee


def calculate_maker_rebate(quote_asset_amount: int, fee_tier: FeeTier, fee_adjustment: int) -> int:
    """``q * maker_rebate_numerator / maker_rebate_denominator`` (down), then ``r - ceil(r*|a|/100)`` (a < 0)
    or ``r + r*a/100``.

    program: math/fees.rs::calculate_maker_rebate
    """
    maker_fee = cast(safe_div(safe_mul(quote_asset_amount, fee_tier.maker_rebate_numerator, U128),
                              fee_tier.maker_rebate_denominator), U64)
    if fee_adjustment < 0:
        maker_fee = _saturating_sub_u64(
            maker_fee, safe_div_ceil(safe_mul(maker_fee, abs(fee_adjustment), U64), FEE_ADJUSTMENT_MAX))
    elif fee_adjustment > 0:
        maker_fee = _saturating_add_u64(
            maker_fee, safe_div(safe_mul(maker_fee, fee_adjustment, U64), FEE_ADJUSTMENT_MAX))
    return maker_fee


def calculate_referee_fee_and_referrer_reward(fee: int, fee_tier: FeeTier, referrer_reward_epoch_upper_bound: int,
                                              referrer_stats: UserStats | None) -> tuple[int, int, int]:
    """``(fee - referee_discount, referee_discount, referrer_reward)``.

    discount = ``get_proportion(fee, referee_fee_numerator, referee_fee_denominator)``; the reward is
    ``get_proportion(fee, referrer_reward_numerator, ...)`` capped by what the referrer may still earn this epoch
    (``upper_bound - current_epoch_referrer_reward``, saturating).
    program: math/fees.rs::calculate_referee_fee_and_referrer_reward
    """
    referee_discount = cast(get_proportion_u128(fee, fee_tier.referee_fee_numerator,
                                                fee_tier.referee_fee_denominator), U64)
    max_referrer_reward_from_fee = cast(get_proportion_u128(fee, fee_tier.referrer_reward_numerator,
                                                            fee_tier.referrer_reward_denominator), U64)
    referee_fee = safe_sub(fee, referee_discount, U64)
    if referrer_stats is not None:
        max_in_epoch = _saturating_sub_u64(referrer_reward_epoch_upper_bound,
                                           referrer_stats.fees.current_epoch_referrer_reward)
        referrer_reward = min(max_referrer_reward_from_fee, max_in_epoch)
    else:
        referrer_reward = max_referrer_reward_from_fee
    return referee_fee, referee_discount, referrer_reward


def calculate_filler_reward(fee: int, order_slot: int, clock_slot: int, multiplier: int,
                            filler_reward_structure: OrderFillerRewardStructure) -> int:
    """The keeper's reward: ``min(size reward, time reward)``.

    size = ``fee * reward_numerator / reward_denominator``; min_time = ``time_based_reward_lower_bound *
    clamp(multiplier, 1000, 100000) / 1000``; time = ``root4(max(1, clock_slot - order_slot) * 1e8) * min_time
    / 100`` (grows with the order's age).
    program: math/fees.rs::calculate_filler_reward
    """
    size_filler_reward = safe_div(safe_mul(fee, filler_reward_structure.reward_numerator, U64),
                                  filler_reward_structure.reward_denominator)
    multiplier_precision = TEN_BPS
    min_time_filler_reward = safe_div(
        safe_mul(filler_reward_structure.time_based_reward_lower_bound,
                 min(max(multiplier, multiplier_precision), multiplier_precision * 100), U128),
        multiplier_precision)
    slots_since_order = max(1, safe_sub(clock_slot, order_slot, U64))
    time_filler_reward = cast(safe_div(safe_mul(nth_root(safe_mul(slots_since_order, 100_000_000, U128), 4),
                                                min_time_filler_reward, U128), 100), U64)
    return min(size_filler_reward, time_filler_reward)


def calculate_fee_for_fulfillment_with_match(taker_stats: UserStats, maker_stats: UserStats | None,
                                             quote_asset_amount: int, fee_structure: FeeStructure, order_slot: int,
                                             clock_slot: int, filler_multiplier: int, reward_referrer: bool,
                                             referrer_stats: UserStats | None, market_type: MarketType,
                                             fee_adjustment: int, user_high_leverage_mode: bool,
                                             builder_fee_bps: int | None) -> FillFees:
    """Fees for a taker matched with a maker order.

    taker fee (taker's tier, x2 in high-leverage mode) less the referee discount; maker rebate from the maker's
    tier (the taker's when there is no maker); filler reward when ``filler_multiplier != 0``;
    ``fee_to_market = taker_fee - filler - referrer - rebate`` (u64: ``MathError`` if negative).
    program: math/fees.rs::calculate_fee_for_fulfillment_with_match
    """
    taker_fee_tier = determine_user_fee_tier(taker_stats, fee_structure, market_type, user_high_leverage_mode)
    maker_fee_tier = determine_user_fee_tier(maker_stats if maker_stats is not None else taker_stats,
                                             fee_structure, market_type, False)
    taker_fee = calculate_taker_fee(quote_asset_amount, taker_fee_tier, fee_adjustment)
    if user_high_leverage_mode:
        taker_fee = safe_mul(taker_fee, 2, U64)
    if reward_referrer:
        taker_fee, referee_discount, referrer_reward = calculate_referee_fee_and_referrer_reward(
            taker_fee, taker_fee_tier, fee_structure.referrer_reward_epoch_upper_bound, referrer_stats)
    else:
        referee_discount, referrer_reward = 0, 0
    maker_rebate = calculate_maker_rebate(quote_asset_amount, maker_fee_tier, fee_adjustment)
    filler_reward = 0 if filler_multiplier == 0 else calculate_filler_reward(
        taker_fee, order_slot, clock_slot, filler_multiplier, fee_structure.filler_reward_structure)
    fee_to_market = cast(safe_sub(safe_sub(safe_sub(taker_fee, filler_reward, U64), referrer_reward, U64),
                                  maker_rebate, U64), I64)
    return FillFees(user_fee=taker_fee, maker_rebate=maker_rebate, fee_to_market=fee_to_market,
                    fee_to_market_for_lp=0, filler_reward=filler_reward, referrer_reward=referrer_reward,
                    referee_discount=referee_discount,
                    builder_fee=_builder_fee(quote_asset_amount, builder_fee_bps))


def calculate_fee_for_fulfillment_with_external_market(user_stats: UserStats, quote_asset_amount: int,
                                                       fee_structure: FeeStructure, order_slot: int,
                                                       clock_slot: int, reward_filler: bool,
                                                       external_market_fee: int, unsettled_referrer_rebate: int,
                                                       fee_pool_amount: int, fee_adjustment: int) -> ExternalFillFees:
    """Fees for a spot fill on an external venue (Serum/Phoenix/OpenBook).

    ``user_fee = max(taker fee, external fee + referrer rebate)``; the filler reward is computed from the
    *quote amount* (not the fee) and capped at ``min(user_fee - ext_fee, max(fee_pool, user_fee - ext_fee -
    rebate))``; ``fee_to_market = user_fee - ext_fee - filler``; ``fee_pool_delta = fee_to_market - rebate``.
    program: math/fees.rs::calculate_fee_for_fulfillment_with_external_market
    """
    taker_fee_tier = determine_user_fee_tier(user_stats, fee_structure, MarketType.Spot, False)
    fee = calculate_taker_fee(quote_asset_amount, taker_fee_tier, fee_adjustment)
    fee_plus_referrer_rebate = safe_add(external_market_fee, unsettled_referrer_rebate, U64)
    user_fee = max(fee, fee_plus_referrer_rebate)
    if reward_filler:
        immediately_available_fee = safe_sub(user_fee, fee_plus_referrer_rebate, U64)
        eventual_available_fee = safe_sub(user_fee, external_market_fee, U64)
        available_fee = min(eventual_available_fee, max(fee_pool_amount, immediately_available_fee))
        filler_reward = min(calculate_filler_reward(quote_asset_amount, order_slot, clock_slot, 0,
                                                    fee_structure.filler_reward_structure), available_fee)
    else:
        filler_reward = 0
    fee_to_market = safe_sub(safe_sub(user_fee, external_market_fee, U64), filler_reward, U64)
    fee_pool_delta = safe_sub(cast(fee_to_market, I64), cast(unsettled_referrer_rebate, I64), I64)
    return ExternalFillFees(user_fee=user_fee, fee_to_market=fee_to_market, fee_pool_delta=fee_pool_delta,
                            filler_reward=filler_reward)


def determine_user_fee_tier(user_stats: UserStats, fee_structure: FeeStructure, market_type: MarketType,
                            user_high_leverage_mode: bool) -> FeeTier:
    """The user's fee tier: perp high-leverage users always tier 0; perps by volume and stake; spot tier 0.

    program: math/fees.rs::determine_user_fee_tier
    """
    if market_type == MarketType.Perp:
        if user_high_leverage_mode:
            return _copy_tier(fee_structure.fee_tiers[0])
        return determine_perp_fee_tier(user_stats, fee_structure)
    return determine_spot_fee_tier(user_stats, fee_structure)


def _copy_tier(tier: FeeTier) -> FeeTier:
    from dataclasses import replace

    return replace(tier)


PERP_FEE_TIER_VOLUME_THRESHOLDS: tuple[int, ...] = (
    ONE_MILLION_QUOTE * 2,
    FIVE_MILLION_QUOTE * 2,
    TEN_MILLION_QUOTE * 2,
    TEN_MILLION_QUOTE * 8,
    ONE_HUNDRED_MILLION_QUOTE * 2,
)  # VOLUME_THRESHOLDS: 30-day taker + maker volume below which tiers 0..4 apply
PERP_FEE_TIER_STAKE_THRESHOLDS: tuple[int, ...] = (
    ONE_THOUSAND_QUOTE - QUOTE_PRECISION_U64,
    TEN_THOUSAND_QUOTE - QUOTE_PRECISION_U64,
    TWENTY_FIVE_THOUSAND_QUOTE * 2 - QUOTE_PRECISION_U64,
    ONE_HUNDRED_THOUSAND_QUOTE - QUOTE_PRECISION_U64,
    TWO_HUNDRED_FIFTY_THOUSAND_QUOTE - QUOTE_PRECISION_U64 * 5,
)  # STAKE_THRESHOLDS: staked governance tokens below which benefits 0/5/10/20/30% apply (40% above)
PERP_FEE_TIER_STAKE_BENEFIT_FRAC: tuple[int, ...] = (0, 5, 10, 20, 30, 40)  # STAKE_BENEFIT_FRAC (percent)


def determine_perp_fee_tier(user_stats: UserStats, fee_structure: FeeStructure) -> FeeTier:
    """The perp fee tier by 30-day volume, with the stake discount applied.

    Tier index = first volume threshold (2M, 10M, 20M, 80M, 200M USDC) above the volume (5 beyond). Stake benefit
    b% from ``if_staked_gov_token_amount`` (thresholds 999, 9_999, 49_999, 99_999, 249_995 USDC -> 0/5/10/20/30,
    else 40). For b in 5/10/20 (d = 20/10/5): ``fee - ceil(fee/d)``, ``rebate + rebate/d``; otherwise
    ``ceil(fee*(100-b)/100)``, ``rebate*(100+b)/100``. The two paths round differently.
    program: math/fees.rs::determine_perp_fee_tier
    """
    total_30d_volume = user_stats.get_total_30d_volume()
    staked_gov_token_amount = user_stats.if_staked_gov_token_amount
    tier_length = len(PERP_FEE_TIER_VOLUME_THRESHOLDS)

    fee_tier_index = next((i for i, t in enumerate(PERP_FEE_TIER_VOLUME_THRESHOLDS) if total_30d_volume < t),
                          tier_length)
    stake_benefit_index = next(
        (i for i, t in enumerate(PERP_FEE_TIER_STAKE_THRESHOLDS) if staked_gov_token_amount < t), tier_length)
    stake_benefit = PERP_FEE_TIER_STAKE_BENEFIT_FRAC[stake_benefit_index]

    tier = _copy_tier(fee_structure.fee_tiers[fee_tier_index])
    if stake_benefit > 0:
        div_scalar = {5: 20, 10: 10, 20: 5}.get(stake_benefit)
        if div_scalar is not None:
            tier.fee_numerator = max(tier.fee_numerator - safe_div_ceil(tier.fee_numerator, div_scalar), 0)
            tier.maker_rebate_numerator = safe_add(tier.maker_rebate_numerator,
                                                   safe_div(tier.maker_rebate_numerator, div_scalar), U32)
        else:
            tier.fee_numerator = safe_div_ceil(safe_mul(tier.fee_numerator, 100 - stake_benefit, U32), 100)
            tier.maker_rebate_numerator = safe_div(safe_mul(tier.maker_rebate_numerator, 100 + stake_benefit, U32),
                                                   100)
    return tier


def determine_spot_fee_tier(user_stats: UserStats, fee_structure: FeeStructure) -> FeeTier:
    """Spot uses tier 0 for everyone. program: math/fees.rs::determine_spot_fee_tier"""
    return _copy_tier(fee_structure.fee_tiers[0])


__all__ = [
    "ExternalFillFees",
    "FillFees",
    "PERP_FEE_TIER_STAKE_BENEFIT_FRAC",
    "PERP_FEE_TIER_STAKE_THRESHOLDS",
    "PERP_FEE_TIER_VOLUME_THRESHOLDS",
    "calculate_fee_for_fulfillment_with_amm",
    "calculate_fee_for_fulfillment_with_external_market",
    "calculate_fee_for_fulfillment_with_match",
    "calculate_filler_reward",
    "calculate_maker_rebate",
    "calculate_referee_fee_and_referrer_reward",
    "calculate_taker_fee",
    "determine_perp_fee_tier",
    "determine_spot_fee_tier",
    "determine_user_fee_tier",
]
