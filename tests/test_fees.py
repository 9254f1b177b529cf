"""Human-layer fees (driftlab.fees): the program's test numbers, the docs' examples, agreement with the exact layer
within the program's rounding, broadcasting, bad input.

Rounding (all amounts in 1e-6 USD units): the program rounds the taker fee up (< 1 unit), then applies the market's
fee adjustment with another rounding (< 1 unit, after scaling the first error by at most 2), and doubles it in
high-leverage mode: the fee is within 6 units. Shares (referee, referrer, filler size reward, rebate) are floored:
< 1 unit plus their share of the fee's error. The filler's time reward floors a fourth root to a hundredth of its
base: < ``multiplier x 100`` units (multiplier in 1000ths: ``m/10``) plus 1.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.fees as fees

U = ex.QUOTE_PRECISION


def test_program_test_numbers() -> None:
    # programs/drift/src/math/fees/tests.rs::calculate_fee_for_taker_and_maker (FeeStructure::test_default:
    # 10 bps taker, 6 bps maker rebate, 10% referrer / referee), $100 notional
    no_filler = fees.fill_fees(100.0, taker_rate=0.001, maker_rebate_rate=0.0006, reward_filler=False)
    assert (no_filler.taker_fee, no_filler.maker_rebate, no_filler.fee_to_market) == \
        (pytest.approx(0.1), pytest.approx(0.06), pytest.approx(0.04))
    # ::referrer: the referee pays 90% of the fee
    test_default = dataclasses.replace(fees.PROGRAM_FEES, referrer_share=0.1, referee_discount=0.1)
    referred = fees.fill_fees(100.0, taker_rate=0.001, maker_rebate_rate=0.0006, referred=True,
                              reward_filler=False, schedule=test_default)
    assert referred.taker_fee == pytest.approx(0.09) and referred.referrer_reward == pytest.approx(0.01)
    # ::time_reward_time_passed: filler share 100%, 60 slots: $0.01 * 60**0.25 = 0.027832; the program's integer
    # fourth root floors 278.3 to 278: 27_800 units
    all_to_filler = dataclasses.replace(fees.PROGRAM_FEES, filler_share=1.0)
    reward = fees.filler_reward(0.1, 60, schedule=all_to_filler)
    assert reward == pytest.approx(0.01 * 60**0.25) and abs(reward * U - 27_800) < 100
    # ::filler_size_reward: a 10% share binds when the time base is huge
    assert fees.filler_reward(0.1, 0, schedule=dataclasses.replace(fees.PROGRAM_FEES, filler_time_reward=1e10)) == \
        pytest.approx(0.01)


def test_filler_multiplier_program_numbers() -> None:
    # programs/drift/src/math/matching/tests.rs::filler_multiplier_maker_long / _short, oracle $34
    maker = np.array([34.0, 34.0 - 0.0034, 40.0, 30.0])
    assert np.allclose(fees.filler_multiplier(maker, 34.0, "long"), [2.0, 1.9, 100.0, 1.0])
    assert np.allclose(fees.filler_multiplier(np.array([30.0, 40.0, 34.0034, 33.9966]), 34.0, "short"),
                       [100.0, 1.0, 1.9, 2.1])


def test_docs_staking_examples() -> None:
    # drift-docs-digest §g (trading-fees page, 2026): "A Tier 3 taker (0.0275%) with 20% staking discount pays
    # 0.022% effective fee." "A maker (-0.0025% rebate) with 20% staking gets -0.003% rebate."
    rates = fees.fee_tier(15e6, 50_000.0, schedule=fees.DOCS_FEES_2026)  # tier 3 (> $10M), Elite (50k DRIFT)
    assert rates.tier == 2
    assert rates.taker_rate == pytest.approx(0.00022) and rates.maker_rebate_rate == pytest.approx(0.00003)


def test_program_default_tiers() -> None:
    # FeeStructure::perps_default: 10/9/8/7/6/5 bps (the inline comments' 8, 6, ... bps are stale: §H row 19)
    volumes = np.array([0.0, 2e6, 10e6, 20e6, 80e6, 200e6, 1e9])
    rates = fees.fee_tier(volumes)
    assert list(rates.tier) == [0, 1, 2, 3, 4, 5, 5]
    assert np.allclose(rates.taker_rate * 1e4, [10, 9, 8, 7, 6, 5, 5])
    assert np.allclose(rates.maker_rebate_rate * 1e4, 2.0)
    hlm = fees.fee_tier(1e9, 300_000.0, high_leverage=True)
    assert hlm.tier == 0 and hlm.taker_rate == pytest.approx(0.001)


@settings(max_examples=300, deadline=None)
@given(volume=st.integers(0, 3 * 10**14), stake=st.integers(0, 3 * 10**11))
def test_fee_tier_within_one_numerator_unit_of_the_exact_layer(volume: int, stake: int) -> None:
    # the program works in numerators over 1e5 and rounds the discounted fee up / the rebate down: < 1 unit apart
    stats = ex.UserStats(taker_volume_30d=volume, if_staked_gov_token_amount=stake)
    tier = ex.determine_perp_fee_tier(stats, ex.FeeStructure())
    rates = fees.fee_tier(volume / U, stake / U)
    assert abs(rates.taker_rate * 1e5 - tier.fee_numerator) < 1
    assert abs(rates.maker_rebate_rate * 1e5 - tier.maker_rebate_numerator) < 1
    assert tier.fee_numerator == ex.FeeStructure().fee_tiers[rates.tier].fee_numerator or stake >= 999 * U


@settings(max_examples=300, deadline=None)
@given(quote=st.integers(0, 10**13), volume=st.integers(0, 3 * 10**14), stake=st.integers(0, 3 * 10**11),
       maker_volume=st.integers(0, 3 * 10**14), referred=st.booleans(), adjustment=st.integers(-100, 100),
       hlm=st.booleans(), slots=st.integers(0, 10**5), multiplier=st.sampled_from([0, 1000, 1500, 2000, 50_000, 10**5]))
def test_match_fees_agree_with_the_exact_layer(quote: int, volume: int, stake: int, maker_volume: int,
                                               referred: bool, adjustment: int, hlm: bool, slots: int,
                                               multiplier: int) -> None:
    structure = ex.FeeStructure()
    taker = ex.UserStats(taker_volume_30d=volume, if_staked_gov_token_amount=stake)
    maker = ex.UserStats(maker_volume_30d=maker_volume)
    try:
        program = ex.calculate_fee_for_fulfillment_with_match(
            taker, maker, quote, structure, 0, slots, multiplier, referred, None, ex.MarketType.Perp, adjustment, hlm,
            None)
    except ex.MathError:  # the market's share would be negative (u64): the program refuses the fill
        assume(False)
        return
    taker_tier = ex.determine_user_fee_tier(taker, structure, ex.MarketType.Perp, hlm)
    maker_tier = ex.determine_user_fee_tier(maker, structure, ex.MarketType.Perp, False)
    human = fees.fill_fees(quote / U, taker_rate=taker_tier.fee_numerator / 1e5,
                           maker_rebate_rate=maker_tier.maker_rebate_numerator / 1e5, referred=referred,
                           reward_filler=multiplier != 0, slots_since_order=slots,
                           filler_multiplier=max(multiplier, 1) / 1000, fee_adjustment=adjustment / 100,
                           high_leverage=hlm)
    fee_error = 6 + 1e-12 * quote
    time_error = max(multiplier, 1000) / 10 + 1
    bounds = {
        "taker_fee": fee_error + 1, "referee_discount": 1 + fee_error, "referrer_reward": 1 + fee_error,
        "maker_rebate": 3 + 1e-12 * quote, "filler_reward": max(1 + fee_error, time_error),
    }
    bounds["fee_to_market"] = sum(bounds.values()) - bounds["referee_discount"]
    exact = {"taker_fee": program.user_fee, "referee_discount": program.referee_discount,
             "referrer_reward": program.referrer_reward, "maker_rebate": program.maker_rebate,
             "filler_reward": program.filler_reward, "fee_to_market": program.fee_to_market}
    for name, bound in bounds.items():
        assert abs(getattr(human, name) * U - exact[name]) <= bound, name


@settings(max_examples=200, deadline=None)
@given(quote=st.integers(0, 10**13), volume=st.integers(0, 3 * 10**14), referred=st.booleans(),
       adjustment=st.integers(-100, 100), hlm=st.booleans(), slots=st.integers(0, 10**5), filler=st.booleans())
def test_amm_fees_agree_with_the_exact_layer(quote: int, volume: int, referred: bool, adjustment: int, hlm: bool,
                                             slots: int, filler: bool) -> None:
    structure = ex.FeeStructure()
    taker = ex.UserStats(taker_volume_30d=volume)
    program = ex.calculate_fee_for_fulfillment_with_amm(taker, quote, structure, 0, slots, filler, referred, None, 0,
                                                        False, adjustment, hlm, None)
    tier = ex.determine_user_fee_tier(taker, structure, ex.MarketType.Perp, hlm)
    human = fees.fill_fees(quote / U, taker_rate=tier.fee_numerator / 1e5, counterparty="amm", referred=referred,
                           reward_filler=filler, slots_since_order=slots, fee_adjustment=adjustment / 100,
                           high_leverage=hlm)
    fee_error = 7 + 1e-12 * quote
    assert abs(human.taker_fee * U - program.user_fee) <= fee_error
    assert abs(human.filler_reward * U - program.filler_reward) <= max(1 + fee_error, 101)
    assert abs(human.fee_to_market * U - program.fee_to_market) <= 3 * fee_error + 101
    assert human.maker_rebate == 0 and program.maker_rebate == 0


def test_fill_fees_broadcast_over_notional_and_tiers() -> None:
    rates = fees.fee_tier(np.array([[0.0], [50e6]]))
    result = fees.fill_fees(np.array([1_000.0, 10_000.0, 100_000.0]), taker_rate=rates.taker_rate,
                            maker_rebate_rate=rates.maker_rebate_rate)
    assert np.shape(result.taker_fee) == (2, 3)
    assert np.allclose(result.taker_fee[0], [1.0, 10.0, 100.0]) and np.allclose(result.taker_fee[1], [0.7, 7, 70])
    # the split adds up: the taker's fee = market + filler + referrer + maker rebate
    total = result.fee_to_market + result.filler_reward + result.referrer_reward + result.maker_rebate
    assert np.allclose(total, result.taker_fee)
    assert isinstance(fees.fill_fees(100.0, taker_rate=0.001).taker_fee, float)


@pytest.mark.parametrize("call, name", [
    (lambda: fees.fee_tier(-1.0), "volume_30d"),
    (lambda: fees.fee_tier(1.0, np.nan), "staked"),
    (lambda: fees.fill_fees(-1.0, taker_rate=0.001), "notional"),
    (lambda: fees.fill_fees(1.0, taker_rate=0.5), "taker_rate"),
    (lambda: fees.fill_fees(1.0, taker_rate=0.001, fee_adjustment=2.0), "fee_adjustment"),
    (lambda: fees.fill_fees(1.0, taker_rate=0.001, counterparty="dex"), "counterparty"),
    (lambda: fees.filler_reward(1.0, -1), "slots_since_order"),
    (lambda: fees.filler_multiplier(0.0, 1.0, "long"), "maker_price"),
    (lambda: fees.filler_multiplier(1.0, 1.0, "bid"), "maker_direction"),
    (lambda: fees.FeeSchedule("x", (1.0,), (1.0, 2.0), (), (), (0.0,)), "schedule"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
