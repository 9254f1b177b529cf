"""Fees: tiers, stake discounts, filler rewards, referral caps, error cases and properties.

program_cases.json already holds every assertion of programs/drift/src/math/fees/tests.rs; the numbers below are
worked by hand from math/fees.rs and state/state.rs (FeeStructure::perps_default) at v2.161.0, each stating its
arithmetic.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftlab.exact import (
    MAX_REFERRER_REWARD_EPOCH_UPPER_BOUND,
    QUOTE_PRECISION_U64,
    CastingFailure,
    FeeStructure,
    FeeTier,
    MarketType,
    MathError,
    OrderFillerRewardStructure,
    UserFees,
    UserStats,
    calculate_fee_for_fulfillment_with_amm,
    calculate_fee_for_fulfillment_with_external_market,
    calculate_fee_for_fulfillment_with_match,
    calculate_filler_reward,
    calculate_maker_rebate,
    calculate_taker_fee,
    determine_user_fee_tier,
)

Q = QUOTE_PRECISION_U64
THOUSAND = 1000 * Q
PERP = MarketType.Perp


def tier_for(volume: int = 0, staked: int = 0, hlm: bool = False) -> FeeTier:
    stats = UserStats(taker_volume_30d=volume, if_staked_gov_token_amount=staked)
    return determine_user_fee_tier(stats, FeeStructure.perps_default(), PERP, hlm)


@pytest.mark.parametrize(("volume", "fee_numerator"), [
    # 30d volume thresholds 2M / 10M / 20M / 80M / 200M USDC, taker 10/9/8/7/6/5 bps (perps_default)
    (0, 100), (2_000_000 * Q - 1, 100), (2_000_000 * Q, 90), (10_000_000 * Q, 80), (20_000_000 * Q, 70),
    (80_000_000 * Q, 60), (200_000_000 * Q, 50), (10**15, 50),
])
def test_perp_volume_tiers(volume: int, fee_numerator: int) -> None:
    tier = tier_for(volume)
    assert (tier.fee_numerator, tier.fee_denominator, tier.maker_rebate_numerator) == (fee_numerator, 100_000, 20)


@pytest.mark.parametrize(("staked", "fee_numerator", "rebate_numerator"), [
    (999 * Q - 1, 100, 20),          # below 999 USDC: no benefit
    (999 * Q, 95, 21),               # 5%: 100 - ceil(100/20), 20 + 20/20
    (9_999 * Q, 90, 22),             # 10%: 100 - ceil(100/10), 20 + 20/10
    (49_999 * Q, 80, 24),            # 20%: 100 - ceil(100/5), 20 + 20/5
    (99_999 * Q, 70, 26),            # 30%: ceil(100*70/100), 20*130/100
    (249_995 * Q, 60, 28),           # 40%: ceil(100*60/100), 20*140/100
])
def test_stake_benefit(staked: int, fee_numerator: int, rebate_numerator: int) -> None:
    tier = tier_for(staked=staked)
    assert (tier.fee_numerator, tier.maker_rebate_numerator) == (fee_numerator, rebate_numerator)


def test_stake_fast_path_rounds_differently() -> None:
    # fee numerator 35 at 5%: fast path 35 - ceil(35/20) = 33, where ceil(35*95/100) = 34 would be the general path
    structure = FeeStructure(fee_tiers=[FeeTier(fee_numerator=35, maker_rebate_numerator=25)] + [FeeTier()] * 9)
    tier = determine_user_fee_tier(UserStats(if_staked_gov_token_amount=999 * Q), structure, PERP, False)
    assert tier.fee_numerator == 33 and tier.maker_rebate_numerator == 25 + 25 // 20


def test_high_leverage_mode_tier_and_double_fee() -> None:
    # HLM users always pay tier 0 (no stake benefit) and twice the taker fee
    assert tier_for(volume=10**15, staked=10**12, hlm=True).fee_numerator == 100
    fees = calculate_fee_for_fulfillment_with_amm(UserStats(taker_volume_30d=10**15), THOUSAND,
                                                  FeeStructure.perps_default(), 0, 0, False, False, None, 0,
                                                  False, 0, True, None)
    assert fees.user_fee == 2 * 1_000_000  # 2 x ceil(1e9 * 100 / 1e5)


def test_spot_uses_tier_zero() -> None:
    spot = FeeStructure.spot_default()
    tier = determine_user_fee_tier(UserStats(taker_volume_30d=10**15, if_staked_gov_token_amount=10**12), spot,
                                   MarketType.Spot, False)
    assert (tier.fee_numerator, tier.maker_rebate_numerator) == (100, 20)


def test_taker_fee_and_rebate_rounding() -> None:
    tier = FeeTier(fee_numerator=100, maker_rebate_numerator=20)
    assert calculate_taker_fee(1, tier, 0) == 1          # ceil(100/1e5)
    assert calculate_maker_rebate(4999, tier, 0) == 0    # floor(4999*20/1e5)
    assert calculate_taker_fee(THOUSAND, tier, 0) == 1_000_000
    assert calculate_taker_fee(THOUSAND, tier, -50) == 500_000       # f - f*50/100
    assert calculate_taker_fee(1_000_001, tier, 1) == 1_001 + 11     # ceil(1000.001) + ceil(1001/100)
    assert calculate_maker_rebate(1_000_001, tier, -1) == 200 - 2    # 200 - ceil(200/100)
    assert calculate_maker_rebate(THOUSAND, tier, 50) == 300_000     # 200000 + 200000*50/100


@pytest.mark.parametrize(("fee", "order_slot", "clock_slot", "multiplier", "reward"), [
    # size = fee/10; time = root4(max(1, slots) * 1e8) * 10_000 * clamp(mult, 1000, 100000)/1000 / 100
    (1_000_000, 0, 0, 0, 10_000),       # root4(1e8) = 100 -> 10_000 (< size 100_000)
    (1_000_000, 0, 16, 0, 20_000),      # root4(16e8) = 200
    (1_000_000, 5, 86, 0, 30_000),      # 81 slots: root4(81e8) = 300
    (1_000_000, 0, 1, 2000, 20_000),    # 2x multiplier
    (1_000_000, 0, 10**6, 0, 100_000),  # an old order: the size reward binds
    (1_000_000, 0, 0, 10**9, 100_000),  # multiplier capped at 100x: time 1e6, size binds
])
def test_filler_reward(fee: int, order_slot: int, clock_slot: int, multiplier: int, reward: int) -> None:
    structure = OrderFillerRewardStructure(reward_numerator=10, reward_denominator=100,
                                           time_based_reward_lower_bound=10_000)
    assert calculate_filler_reward(fee, order_slot, clock_slot, multiplier, structure) == reward


def test_filler_reward_clock_before_order_is_math_error() -> None:
    with pytest.raises(MathError):
        calculate_filler_reward(1, 10, 9, 0, FeeStructure().filler_reward_structure)


def test_referrer_reward_epoch_cap() -> None:
    # perps_default tier 0: referrer 15%, referee 5% of a $1 fee; the referrer may earn only 100 more this epoch
    referrer = UserStats(fees=UserFees(current_epoch_referrer_reward=MAX_REFERRER_REWARD_EPOCH_UPPER_BOUND - 100))
    fees = calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, FeeStructure.perps_default(), 0, 0, False,
                                                  True, referrer, 0, False, 0, False, None)
    assert (fees.user_fee, fees.referee_discount, fees.referrer_reward) == (950_000, 50_000, 100)
    assert fees.fee_to_market == 950_000 - 100
    fees = calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, FeeStructure.perps_default(), 0, 0, False,
                                                  True, None, 0, False, 0, False, None)
    assert fees.referrer_reward == 150_000  # no referrer stats: no cap


def test_amm_surplus_and_builder_fee() -> None:
    # taker vs AMM: fee_to_market adds the quote surplus; fee_to_market_for_lp excludes it; builder fee q*bps/1e5
    fees = calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, FeeStructure.perps_default(), 0, 0, False,
                                                  False, None, 5_000, False, 0, False, 10)
    assert (fees.user_fee, fees.fee_to_market, fees.fee_to_market_for_lp) == (1_000_000, 1_005_000, 1_000_000)
    assert fees.builder_fee == 100_000 and fees.maker_rebate == 0
    # post-only (the user made against the AMM): the market keeps surplus - rebate
    fees = calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, FeeStructure.perps_default(), 0, 0, False,
                                                  False, None, 300_000, True, 0, False, 10)
    assert (fees.user_fee, fees.maker_rebate, fees.fee_to_market, fees.builder_fee) == (0, 200_000, 100_000, None)


def test_fee_errors() -> None:
    structure = FeeStructure.perps_default()
    with pytest.raises(MathError):  # post-only surplus below the rebate (u64 underflow)
        calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, structure, 0, 0, False, False, None, 1, True,
                                               0, False, None)
    with pytest.raises(CastingFailure):  # negative surplus for a post-only fill
        calculate_fee_for_fulfillment_with_amm(UserStats(), THOUSAND, structure, 0, 0, False, False, None, -1, True,
                                               0, False, None)
    generous = FeeStructure(fee_tiers=[FeeTier(fee_numerator=10, maker_rebate_numerator=20)] + [FeeTier()] * 9)
    with pytest.raises(MathError):  # maker rebate above the taker fee: fee_to_market is a u64
        calculate_fee_for_fulfillment_with_match(UserStats(), UserStats(), THOUSAND, generous, 0, 0, 0, False, None,
                                                 PERP, 0, False, None)


def test_external_market_fees() -> None:
    # spot tier 0 is 10 bps: user_fee = max(fee, external fee + referrer rebate)
    spot = FeeStructure.spot_default()
    fees = calculate_fee_for_fulfillment_with_external_market(UserStats(), THOUSAND, spot, 0, 0, False, 1_200_000,
                                                              100_000, 0, 0)
    assert (fees.user_fee, fees.fee_to_market, fees.fee_pool_delta, fees.filler_reward) == (1_300_000, 100_000, 0, 0)
    # the filler is paid from the notional-based reward (10_000 here), capped by what the fee pool can cover
    fees = calculate_fee_for_fulfillment_with_external_market(UserStats(), THOUSAND, spot, 0, 0, True, 500_000, 0,
                                                              0, 0)
    assert (fees.user_fee, fees.filler_reward, fees.fee_to_market) == (1_000_000, 10_000, 490_000)


# --- properties ---------------------------------------------------------------------------------------------------

quotes = st.integers(0, 10**15)
adjustments = st.integers(-100, 100)


@settings(max_examples=400, deadline=None)
@given(q=quotes, adj=adjustments, volume=st.integers(0, 10**15), staked=st.integers(0, 10**12))
def test_fees_nonnegative_and_taker_above_rebate(q: int, adj: int, volume: int, staked: int) -> None:
    tier = tier_for(volume, staked)
    fee = calculate_taker_fee(q, tier, adj)
    rebate = calculate_maker_rebate(q, tier, adj)
    assert fee >= 0 and rebate >= 0
    assert fee >= rebate  # every perps_default tier charges more than it rebates, stake discounts included
    # taker fee rounds up, rebate down (before the adjustment)
    assert calculate_taker_fee(q, tier, 0) * tier.fee_denominator >= q * tier.fee_numerator
    assert calculate_maker_rebate(q, tier, 0) * tier.maker_rebate_denominator <= q * tier.maker_rebate_numerator


@settings(max_examples=300, deadline=None)
@given(q=st.integers(0, 10**13), adj=adjustments, slots=st.integers(0, 10**6), mult=st.integers(0, 10**6),
       referrer=st.booleans())
def test_match_fees_split_the_taker_fee(q: int, adj: int, slots: int, mult: int, referrer: bool) -> None:
    fees = calculate_fee_for_fulfillment_with_match(UserStats(), UserStats(), q, FeeStructure.perps_default(), 0,
                                                    slots, mult, referrer, None, PERP, adj, False, None)
    assert min(fees.user_fee, fees.maker_rebate, fees.filler_reward, fees.referrer_reward,
               fees.referee_discount, fees.fee_to_market) >= 0
    assert fees.user_fee == fees.fee_to_market + fees.filler_reward + fees.referrer_reward + fees.maker_rebate
    assert fees.user_fee >= fees.maker_rebate
