"""Spot withdraw limits (math/spot_withdraw.rs, controller/spot_position.rs): program test numbers, errors, bounds."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    QUOTE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    AssetTier,
    MarketStatus,
    OracleSource,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
    User,
)

CI = SPOT_CUMULATIVE_INTEREST_PRECISION
SB = SPOT_BALANCE_PRECISION
U128_MAX = 2**128 - 1
Deposit, Borrow = SpotBalanceType.Deposit, SpotBalanceType.Borrow


def quote_market(**overrides: object) -> SpotMarket:
    fields: dict[str, object] = dict(
        market_index=0, oracle_source=OracleSource.QuoteAsset, cumulative_deposit_interest=CI,
        cumulative_borrow_interest=CI, decimals=6, initial_asset_weight=10000, maintenance_asset_weight=10000,
        deposit_balance=SB, deposit_token_twap=QUOTE_PRECISION // 2, status=MarketStatus.Active)
    fields.update(overrides)
    return SpotMarket(**fields)  # type: ignore[arg-type]


def sol_market(**overrides: object) -> SpotMarket:
    fields: dict[str, object] = dict(
        market_index=1, oracle_source=OracleSource.Pyth, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
        decimals=10, initial_asset_weight=8000, maintenance_asset_weight=9000, initial_liability_weight=12000,
        maintenance_liability_weight=11000, liquidator_fee=1000, status=MarketStatus.Active)
    fields.update(overrides)
    return SpotMarket(**fields)  # type: ignore[arg-type]


def user_with(*positions: SpotPosition, **fields: object) -> User:
    user = User(**fields)  # type: ignore[arg-type]
    for index, position in enumerate(positions):
        user.spot_positions[index] = position
    return user


def test_check_withdraw_limits() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_check_withdraw_limits
    assert ex.calculate_min_deposit_token_amount(QUOTE_PRECISION, 0) == QUOTE_PRECISION - QUOTE_PRECISION // 4
    # D = 1e6, borrow TWAP 5e5: min(max(D/3, 5e5 + D/5), D - D/14) = min(700000, 928572)
    assert ex.calculate_max_borrow_token_amount(QUOTE_PRECISION, QUOTE_PRECISION, QUOTE_PRECISION // 2, 0,
                                                U128_MAX, 0) == 700_000
    user = user_with(SpotPosition(market_index=0, balance_type=Deposit, scaled_balance=SB),
                     SpotPosition(market_index=1, balance_type=Deposit, scaled_balance=SB))
    assert ex.check_withdraw_limits(quote_market(), user, 0)
    sol = sol_market(deposit_balance=2 * SB, borrow_balance=SB, deposit_token_twap=28_000_000_000)
    assert not ex.check_withdraw_limits(sol, user, 10_000_000_000)
    assert not ex.check_withdraw_limits(sol, None, None)


def test_check_withdraw_limits_below_optimal_utilization() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_check_withdraw_limits_below_optimal_utilization
    sol = SpotMarket(
        market_index=1, cumulative_deposit_interest=1020 * CI // 1000, cumulative_borrow_interest=1222 * CI // 1000,
        optimal_utilization=700_000, optimal_borrow_rate=60_000, max_borrow_rate=1_000_000, decimals=9,
        deposit_balance=200_000 * SB, borrow_balance=100_000 * SB, deposit_token_twap=204_000_000_000_000,
        borrow_token_twap=122_200_000_000_000, utilization_twap=100_000, status=MarketStatus.Active)
    assert sol.get_utilization() == 599_019
    deposits = ex.get_token_amount(sol.deposit_balance, sol, Deposit)
    borrows = ex.get_token_amount(sol.borrow_balance, sol, Borrow)
    assert (deposits, borrows) == (204_000_000_000_000, 122_200_000_000_000)
    assert ex.calculate_min_deposit_token_amount(sol.deposit_token_twap, 0) == 153_000_000_000_000
    assert ex.calculate_max_borrow_token_amount(deposits, deposits, sol.borrow_token_twap, 0, U128_MAX,
                                                0) == 163_000_000_000_000
    # utilization ceiling max(70%, 10% + 90% / 2 = 55%) = 70%: floor 122.2e12 / 0.7, ceiling 0.7 * 204e12
    assert ex.calculate_token_utilization_limits(deposits, borrows, sol) == (174_571_428_571_428,
                                                                             142_800_000_000_000)
    assert ex.check_withdraw_limits(sol, None, None)

    sol.deposit_balance = 174_571_428_571_428 // 1020 * 1000
    sol.utilization_twap = 100_000
    deposits = ex.get_token_amount(sol.deposit_balance, sol, Deposit)
    assert ex.calculate_token_utilization_limits(deposits, borrows, sol) == (174_571_428_570_660,
                                                                             122_199_999_999_462)
    assert not ex.check_withdraw_limits(sol, None, None)


def test_check_withdraw_limits_above_optimal_utilization() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_check_withdraw_limits_above_optimal_utilization
    sol = SpotMarket(
        market_index=1, cumulative_deposit_interest=1020 * CI // 1000, cumulative_borrow_interest=1222 * CI // 1000,
        optimal_utilization=700_000, optimal_borrow_rate=60_000, max_borrow_rate=1_000_000, decimals=9,
        deposit_balance=200_000 * SB, borrow_balance=160_000 * SB, deposit_token_twap=204_000_000_000_000,
        borrow_token_twap=199_200_000_000_000, utilization_twap=929_000, status=MarketStatus.Active)
    assert sol.get_utilization() == 958_431
    deposits = ex.get_token_amount(sol.deposit_balance, sol, Deposit)
    borrows = ex.get_token_amount(sol.borrow_balance, sol, Borrow)
    assert (deposits, borrows) == (204_000_000_000_000, 195_520_000_000_000)
    assert ex.calculate_min_deposit_token_amount(sol.deposit_token_twap, 0) == 153_000_000_000_000
    assert ex.calculate_max_borrow_token_amount(deposits, deposits, sol.borrow_token_twap, 0, U128_MAX,
                                                0) == 189_428_571_428_572
    min_dep, max_bor = ex.calculate_token_utilization_limits(deposits, borrows, sol)
    assert (min_dep, max_bor) == (202_716_433_385_173, 196_758_000_000_000)
    assert not ex.check_withdraw_limits(sol, None, None)
    user = user_with(SpotPosition(market_index=0, balance_type=Deposit, scaled_balance=SB),
                     SpotPosition(market_index=1, balance_type=Deposit, scaled_balance=SB))
    assert ex.check_withdraw_limits(sol, user, None)  # a depositor is only held to the deposit floor
    sol.deposit_balance = min_dep // 1020 * 1000
    assert not ex.check_withdraw_limits(sol, None, None)


def test_daily_withdraw_limits() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_daily_withdraw_limits
    market = quote_market()
    sol = sol_market(deposit_balance=SB, borrow_balance=SB, deposit_token_twap=SB * 10)
    user = user_with(SpotPosition(market_index=0, balance_type=Deposit, scaled_balance=SB))

    trial_market, trial_user = copy.deepcopy(market), copy.deepcopy(user)
    with pytest.raises(ex.DailyWithdrawLimit):
        ex.update_spot_balances_and_cumulative_deposits_with_limits(QUOTE_PRECISION, Borrow, trial_market,
                                                                    trial_user)

    ex.update_spot_balances_and_cumulative_deposits_with_limits(QUOTE_PRECISION // 2, Borrow, market, user)
    assert user.spot_positions[0].scaled_balance == 499_999_999  # leaving Drift rounds the reduction up
    assert (market.deposit_token_twap, market.deposit_balance, market.borrow_balance) == (500_000, 499_999_999, 0)

    ex.update_spot_balances_and_cumulative_deposits_with_limits(125_000 - 2, Borrow, market, user)
    with pytest.raises(ex.DailyWithdrawLimit):
        ex.update_spot_balances_and_cumulative_deposits_with_limits(2, Borrow, copy.deepcopy(market),
                                                                    copy.deepcopy(user))
    assert (market.deposit_balance, user.spot_positions[0].scaled_balance) == (375_001_998, 375_001_998)

    old_twap = market.deposit_token_twap
    ex.update_spot_market_cumulative_interest(market, None, 3600)
    assert market.deposit_token_twap == 494_792
    ex.update_spot_market_cumulative_interest(market, None, 3600 * 24)
    assert market.deposit_token_twap == 379_991
    ex.update_spot_market_cumulative_interest(market, None, 3600 * 48 + 100)
    assert old_twap >= market.deposit_token_twap == 375_001

    ex.update_spot_balances_and_cumulative_deposits_with_limits(QUOTE_PRECISION * 100_000, Deposit, market, user)
    assert (market.deposit_balance, user.spot_positions[0].scaled_balance) == (100_000_375_001_998,
                                                                               100_000_375_001_998)
    assert user.spot_positions[1].scaled_balance == 0
    market.last_interest_ts = market.last_twap_ts = 0
    ex.update_spot_market_cumulative_interest(market, None, 3600)
    assert market.deposit_token_twap == 4_167_041_666
    ex.update_spot_market_cumulative_interest(market, None, 3600 * 44)
    assert market.deposit_token_twap == 99_999_755_926

    whale = user_with(SpotPosition(), SpotPosition(market_index=1, balance_type=Deposit, scaled_balance=50 * SB),
                      total_deposits=50 * 100 * QUOTE_PRECISION)
    sol.deposit_balance = 50 * SB
    sol.deposit_token_twap = 500 * SB
    sol.optimal_utilization = 1_000_000
    sol.optimal_borrow_rate = 200_000
    sol.max_borrow_rate = 1_000_000
    ex.update_spot_balances_and_cumulative_deposits_with_limits(QUOTE_PRECISION * 50, Borrow, market, whale)
    assert (whale.total_deposits, whale.total_withdraws) == (5_000_000_000, 0)
    assert (whale.spot_positions[0].market_index, whale.spot_positions[0].scaled_balance) == (0, 50_000_000_001)
    assert whale.spot_positions[0].balance_type == Borrow
    assert whale.spot_positions[1].scaled_balance == 50_000_000_000

    user.spot_positions[1].market_index = 1
    ex.update_spot_balances_and_cumulative_deposits_with_limits(100_000 * 100_000, Borrow, sol, user)
    assert user.spot_positions[1].balance_type == Borrow
    assert user.spot_positions[1].scaled_balance == 1_000_000_001
    assert ex.get_token_amount(user.spot_positions[1].scaled_balance, sol, Borrow) == 10_000_000_010

    with pytest.raises(ex.DailyWithdrawLimit):  # 80% utilization from 2% is too fast
        ex.update_spot_balances_and_cumulative_deposits_with_limits(100_000 * 100_000 * 40, Borrow,
                                                                    copy.deepcopy(sol), copy.deepcopy(user))
    ex.update_spot_balances_and_cumulative_deposits_with_limits(100_000 * 100_000 * 6, Borrow, sol, user)
    assert (sol.deposit_balance, sol.borrow_balance, sol.borrow_token_twap) == (50_000_000_000, 8_000_000_002, 0)

    ex.update_spot_market_cumulative_interest(sol, None, 3655 * 24)
    assert (sol.deposit_token_twap, sol.borrow_token_twap) == (500_007_120_768, 80_006_208_813)
    ex.update_spot_balances_and_cumulative_deposits_with_limits(100_000 * 100_000, Borrow, sol, user)
    ex.update_spot_balances_and_cumulative_deposits_with_limits(100_000 * 100_000 * 100, Deposit, sol, user)


def test_spot_market_max_borrow_fraction() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::check_spot_market_max_borrow_fraction
    market = quote_market(deposit_balance=100_000_000 * SB, max_token_borrows_fraction=1)
    assert market.get_deposits() == 100_000_000 * QUOTE_PRECISION
    market.validate_max_token_deposits_and_borrows(True)
    market.borrow_balance = market.deposit_balance
    market.validate_max_token_deposits_and_borrows(True)  # no deposit cap: the borrow cap is off too
    market.max_token_deposits = 100_000_000 * QUOTE_PRECISION
    with pytest.raises(ex.MaxBorrows):
        market.validate_max_token_deposits_and_borrows(True)
    for divisor in (100, 10_000 - 2):
        market.borrow_balance = market.deposit_balance // divisor
        with pytest.raises(ex.MaxBorrows):
            market.validate_max_token_deposits_and_borrows(True)
    for divisor in (10_000, 10_000 + 1, 100_000):  # at or below 1/10000 of the deposit cap
        market.borrow_balance = market.deposit_balance // divisor
        market.validate_max_token_deposits_and_borrows(True)


def test_deposit_cap() -> None:
    market = quote_market(deposit_balance=2 * SB, max_token_deposits=QUOTE_PRECISION)
    with pytest.raises(ex.MaxDeposit):
        market.validate_max_token_deposits_and_borrows(False)


def test_max_withdraw_for_a_deposit() -> None:
    # 10 tokens deposited, TWAP 10, 2 borrowed (TWAP 2), no guard: deposits may fall to 7.5 (the 75% floor),
    # so a holder of 5 may take 2.5 when leaving Drift; inside Drift it may take its 5 plus a new borrow of
    # min(max_borrow - 2, 10 - 2) with max_borrow = min(max(10/3, 2 + 10/5), 10 - 10/14) = 4
    market = quote_market(deposit_balance=10 * SB, borrow_balance=2 * SB, deposit_token_twap=10 * QUOTE_PRECISION,
                          borrow_token_twap=2 * QUOTE_PRECISION, optimal_utilization=800_000)
    assert ex.get_max_withdraw_for_market_with_token_amount(market, 5 * QUOTE_PRECISION, True) == 2_500_000
    assert ex.get_max_withdraw_for_market_with_token_amount(market, 5 * QUOTE_PRECISION, False) == 7_000_000


def test_vault_invariants() -> None:
    market = quote_market(deposit_balance=10 * SB, borrow_balance=4 * SB)
    assert ex.validate_spot_balances(market) == 6 * QUOTE_PRECISION
    assert ex.validate_spot_market_vault_amount(market, 6 * QUOTE_PRECISION) == 6 * QUOTE_PRECISION
    with pytest.raises(ex.SpotMarketVaultInvariantViolated):
        ex.validate_spot_market_vault_amount(market, 6 * QUOTE_PRECISION - 1)
    market.revenue_pool.scaled_balance = 11 * SB
    with pytest.raises(ex.SpotMarketVaultInvariantViolated):
        ex.validate_spot_balances(market)


def test_withdraw_guards() -> None:
    user = user_with(SpotPosition(market_index=0, balance_type=Deposit, scaled_balance=SB))
    with pytest.raises(ex.MarketWithdrawPaused):
        ex.update_spot_balances_and_cumulative_deposits_with_limits(
            1, Deposit, quote_market(status=MarketStatus.Initialized), copy.deepcopy(user))
    with pytest.raises(ex.MarketWithdrawPaused):
        ex.update_spot_balances_and_cumulative_deposits_with_limits(
            1, Deposit, quote_market(paused_operations=ex.SpotOperation.Withdraw), copy.deepcopy(user))
    protected = quote_market(asset_tier=AssetTier.Protected, deposit_balance=100 * SB,
                             deposit_token_twap=100 * QUOTE_PRECISION, withdraw_guard_threshold=10**12)
    with pytest.raises(ex.ProtectedAssetTierViolation):
        ex.update_spot_balances_and_cumulative_deposits_with_limits(2 * QUOTE_PRECISION, Borrow, protected,
                                                                    copy.deepcopy(user))


def test_cumulative_deposits_follow_the_direction() -> None:
    market = quote_market(deposit_balance=10 * SB)
    position = SpotPosition(scaled_balance=SB)
    ex.update_spot_balances_and_cumulative_deposits(3, Deposit, market, position, False, None)
    ex.update_spot_balances_and_cumulative_deposits(5, Borrow, market, position, False, 2)
    assert position.cumulative_deposits == 1


# ---------------------------------------------------------------------------------------------- properties

amounts = st.integers(0, 10**20)


@given(amounts, amounts)
def test_min_deposit_floor_is_between_zero_and_three_quarters_of_twap(twap: int, guard: int) -> None:
    floor = ex.calculate_min_deposit_token_amount(twap, guard)
    assert 0 <= floor <= twap - twap // 4
    assert ex.calculate_min_deposit_token_amount(twap, guard + 1) <= floor  # a larger guard never tightens


@given(amounts, amounts, amounts, amounts, st.integers(0, 1))
def test_max_borrow_is_at_least_the_guard_and_at_most_the_cap(deposits: int, deposit_twap: int, borrow_twap: int,
                                                              guard: int, pool_id: int) -> None:
    cap = ex.calculate_max_borrow_token_amount(deposits, deposit_twap, borrow_twap, guard, U128_MAX, pool_id)
    lesser = min(deposits, deposit_twap)
    assert cap >= guard
    assert cap <= max(guard, lesser)
    assert ex.calculate_max_borrow_token_amount(deposits, deposit_twap, borrow_twap, guard, 7, pool_id) <= 7
    assert ex.calculate_max_borrow_token_amount(deposits, deposit_twap, borrow_twap + 1, guard, U128_MAX,
                                                pool_id) >= cap
