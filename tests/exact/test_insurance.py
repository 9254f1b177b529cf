"""Insurance fund (math/insurance.rs, controller/insurance.rs): stake sequences from the program's tests, errors,
and the rounding invariants (shares and payouts always round against the staker)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    QUOTE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    InsuranceFund,
    InsuranceFundStake,
    PoolBalance,
    SpotBalanceType,
    SpotMarket,
    UserStats,
)

CI = SPOT_CUMULATIVE_INTEREST_PRECISION
SB = SPOT_BALANCE_PRECISION
WEEK = 60 * 60 * 24 * 7


def if_market(**fund: int) -> SpotMarket:
    """The market of controller/insurance/tests.rs: cdi 1.111, an insurance fund with the given fields."""
    return SpotMarket(cumulative_deposit_interest=1111 * CI // 1000, insurance_fund=InsuranceFund(**fund))


def stake_with(shares: int) -> InsuranceFundStake:
    stake = InsuranceFundStake.new("", 0, 0)
    stake.if_shares = shares
    return stake


# ---------------------------------------------------------------------------------------------- math/insurance.rs


def test_conversions_by_hand() -> None:
    # 1000 tokens backing 1000 shares: 10 tokens buy 10 shares; after the vault doubles, 10 shares are 20 tokens
    assert ex.vault_amount_to_if_shares(10, 1000, 1000) == 10
    assert ex.if_shares_to_vault_amount(10, 1000, 2000) == 20
    # 2/3 of 100 tokens: get_proportion rounds the staker's amount down (66, not 67)
    assert ex.if_shares_to_vault_amount(2, 3, 100) == 66
    assert ex.vault_amount_to_if_shares(5, 0, 0) == 5  # the first staker gets one share per token
    assert ex.calculate_share_price(1000, 2000) == 2 * QUOTE_PRECISION
    assert ex.calculate_share_price(0, 2000) == 0


def test_if_shares_lost() -> None:
    # programs/drift/src/math/insurance/tests.rs::if_shares_lost_test (the last check of that test)
    market = if_market(total_shares=2000 * QUOTE_PRECISION, user_shares=1000 * QUOTE_PRECISION)
    stake = stake_with(100 * QUOTE_PRECISION)
    stake.last_withdraw_request_shares = 100 * QUOTE_PRECISION
    stake.last_withdraw_request_value = 100 * QUOTE_PRECISION - 1
    vault = 2100 * QUOTE_PRECISION * 10
    assert vault * 100 // 2000 == 1_050_000_000
    lost = ex.calculate_if_shares_lost(stake, market, vault)
    assert lost == 90_909_092
    assert 9_090_908 * vault // (market.insurance_fund.total_shares - lost) < stake.last_withdraw_request_value


# ---------------------------------------------------------------------------------------------- stake sequences


def test_basic_stake() -> None:
    # programs/drift/src/controller/insurance/tests.rs::basic_stake_if_test
    vault = 0
    stake, stats, market = InsuranceFundStake.new("", 0, 0), UserStats(), if_market()
    amount = QUOTE_PRECISION
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    assert stake.unchecked_if_shares() == amount
    vault += amount
    with pytest.raises(ex.InvalidIFUnstake):  # must request first
        ex.remove_insurance_fund_stake(vault, stake, stats, market, 0)
    assert (market.insurance_fund.total_shares, market.insurance_fund.shares_base) == (amount, 0)

    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares(), vault, stake, stats, market, 0)
    assert stake.last_withdraw_request_shares == stake.unchecked_if_shares()
    assert stake.last_withdraw_request_value == vault - 1  # never the whole vault
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, 0)
    assert returned == amount - 1
    vault -= returned
    assert (stake.unchecked_if_shares(), stake.cost_basis, stake.last_withdraw_request_shares,
            stake.last_withdraw_request_value) == (0, 1, 0, 0)
    assert (market.insurance_fund.total_shares, market.insurance_fund.shares_base, vault) == (0, 0, 1)

    ex.add_insurance_fund_stake(1234, vault, stake, stats, market, 0, False)
    assert stake.cost_basis == 1234
    # the leftover token is claimed by the protocol: one protocol share, then 1234 user shares
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (1234, 1235)


def test_basic_seeded_stake() -> None:
    # programs/drift/src/controller/insurance/tests.rs::basic_seeded_stake_if_test
    vault = 1000 * QUOTE_PRECISION
    stake, stats, market = InsuranceFundStake.new("", 0, 0), UserStats(), if_market()
    amount = QUOTE_PRECISION
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    assert market.insurance_fund.total_shares == 1001 * QUOTE_PRECISION
    assert market.insurance_fund.user_shares == QUOTE_PRECISION
    vault += amount
    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares(), vault, stake, stats, market, 0)
    assert stake.last_withdraw_request_value == 1_000_000
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, 0)
    assert returned == amount
    vault -= returned
    assert (stake.unchecked_if_shares(), stake.cost_basis, vault) == (0, 0, 1_000_000_000)
    assert stats.if_staked_quote_asset_amount == 0
    ex.add_insurance_fund_stake(1234, vault, stake, stats, market, 0, False)
    assert stake.cost_basis == 1234


def test_large_num_seeded_stake_with_revenue_settle() -> None:
    # programs/drift/src/controller/insurance/tests.rs::large_num_seeded_stake_if_test
    vault = 199_000_000 * QUOTE_PRECISION
    stake, stats = InsuranceFundStake.new("", 0, 0), UserStats()
    amount = 199_000_001
    market = SpotMarket(deposit_balance=100 * SB, cumulative_deposit_interest=1111 * CI // 1000,
                        insurance_fund=InsuranceFund(revenue_settle_period=1),
                        revenue_pool=PoolBalance(scaled_balance=100 * SB))
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    assert market.insurance_fund.total_shares == 199_000_199_000_001
    assert market.insurance_fund.user_shares == 199_000_001
    vault += amount
    spot_vault = ex.get_token_amount(market.deposit_balance, market, SpotBalanceType.Deposit)
    assert spot_vault == 111

    # with user stakers, at most a tenth of the revenue pool (111 tokens) per settle
    flow = ex.settle_revenue_to_insurance_fund(spot_vault, vault, market, 1, True)
    assert flow == 11
    assert market.revenue_pool.scaled_balance == 90_099_009_901
    assert ex.get_token_amount(market.deposit_balance, market, SpotBalanceType.Deposit) == 100
    vault += flow

    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares(), vault, stake, stats, market, 0)
    assert stake.last_withdraw_request_value == 199_000_001
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, 1)
    assert returned == amount
    vault -= returned
    assert (stake.unchecked_if_shares(), stake.cost_basis, vault) == (0, 0, 199_000_000_000_011)
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (0, 199_000_000_000_000)

    market.revenue_pool.scaled_balance = 100 * SB
    ex.add_insurance_fund_stake(199_033_744_205_760, vault, stake, stats, market, 20, False)
    assert stake.cost_basis == 199_033_744_205_760
    assert market.insurance_fund.user_shares == 199_033_744_205_748
    ex.add_insurance_fund_stake(199_033_744_205_760, vault, stake, stats, market, 30, False)
    assert stake.cost_basis == 398_067_488_411_520
    assert market.insurance_fund.user_shares == 597_134_982_544_960


@pytest.mark.parametrize("gains", [True, False])
def test_unstake_thirds_with_gains_or_losses(gains: bool) -> None:
    # programs/drift/src/controller/insurance/tests.rs::gains_stake_if_test and ::losses_stake_if_test
    vault = 0
    stake, stats, market = InsuranceFundStake.new("", 0, 0), UserStats(), if_market()
    amount = QUOTE_PRECISION
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    vault += amount
    vault += amount // 19 if gains else -(amount // 19)
    n_shares = stake.unchecked_if_shares()
    expected = (amount + amount // 19) // 3 - 1 if gains else (amount - amount // 19) // 3

    def unstake(shares: int) -> int:
        ex.request_remove_insurance_fund_stake(shares, vault, stake, stats, market, 0)
        return ex.remove_insurance_fund_stake(vault, stake, stats, market, 0)

    returned = unstake(n_shares // 3)
    assert returned == expected
    assert stake.unchecked_if_shares() == n_shares * 2 // 3 + 1
    vault -= returned
    returned = unstake(n_shares // 3)
    assert returned == expected
    assert stake.unchecked_if_shares() == n_shares // 3 + 1
    vault -= returned
    if gains:
        assert unstake(1) == 1  # not deducted from the vault in the program's test
        returned = unstake(n_shares // 3 - 1)
        assert returned == expected + 1
        assert vault - returned == 2
    else:
        assert unstake(1) == 0  # one share is worth less than a token after the loss
        assert stake.unchecked_if_shares() == n_shares // 3
        returned = unstake(n_shares // 3)
        assert returned == expected + 1
        assert (stake.cost_basis, stake.unchecked_if_shares()) == (52_632, 0)
        assert vault - returned == 1


def test_escrow_losses() -> None:
    # programs/drift/src/controller/insurance/tests.rs::escrow_losses_stake_if_test
    vault = 0
    stake, stats = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market(unstaking_period=WEEK)
    now = 7_842_193_748
    amount = QUOTE_PRECISION * 100_000
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    vault += amount
    vault -= amount // 19
    n_shares = stake.unchecked_if_shares()
    expected = (amount - amount // 19) // 3
    quote = ex.if_shares_to_vault_amount(n_shares // 3, market.insurance_fund.total_shares, vault)
    ex.request_remove_insurance_fund_stake(n_shares // 3, vault, stake, stats, market, now)
    assert stake.last_withdraw_request_shares == 33_333_333_333
    assert stake.last_withdraw_request_value == expected == quote == 31_578_947_368
    with pytest.raises(ex.TryingToRemoveLiquidityTooFast):
        ex.remove_insurance_fund_stake(vault, stake, stats, market, now + 60 * 60 * 24)
    vault -= vault // 2  # more losses during the wait are borne by the staker
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, now + WEEK + 3254)
    vault -= returned
    assert returned == 15_789_473_684 < expected - 1
    assert stake.unchecked_if_shares() == n_shares * 2 // 3 + 1
    assert (stake.cost_basis, vault) == (84_210_526_316, 31_578_947_369)


def test_escrow_gains() -> None:
    # programs/drift/src/controller/insurance/tests.rs::escrow_gains_stake_if_test
    vault = 0
    stake, stats = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market(unstaking_period=WEEK, total_shares=1, user_shares=0)
    now = 7_842_193_748
    amount = 100_000_384_939
    with pytest.raises(ex.InvalidIFForNewStakes):  # others hold shares of an empty vault
        ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    vault = 1
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    assert stake.unchecked_if_shares() == amount
    vault += amount
    vault += amount // 13 - 1
    assert vault == 107_692_722_242
    n_shares = stake.unchecked_if_shares()
    expected = vault * n_shares // market.insurance_fund.total_shares
    ex.request_remove_insurance_fund_stake(n_shares, vault, stake, stats, market, now)
    value_at_request = stake.last_withdraw_request_value
    assert value_at_request == 107_692_722_240
    with pytest.raises(ex.TryingToRemoveLiquidityTooFast):
        ex.remove_insurance_fund_stake(vault, stake, stats, market, now + 60 * 60 * 24)
    vault += vault // 412  # gains during the wait stay in the fund
    ideal = vault * n_shares // market.insurance_fund.total_shares
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, now + WEEK + 3254)
    assert (stake.last_withdraw_request_shares, stake.last_withdraw_request_value) == (0, 0)
    vault -= returned
    assert ideal - returned == 261_390_102
    assert returned == value_at_request == expected
    assert (stake.unchecked_if_shares(), vault) == (0, 261_390_104)


def test_drained_fund_rebases_on_new_add() -> None:
    # programs/drift/src/controller/insurance/tests.rs::drained_stake_if_test_rebase_on_new_add
    vault = 0
    stake, stats = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market(unstaking_period=WEEK, total_shares=100_000 * QUOTE_PRECISION,
                       user_shares=80_000 * QUOTE_PRECISION)
    orig = stake_with(80_000 * QUOTE_PRECISION)
    orig_stats = UserStats(if_staked_quote_asset_amount=80_000 * QUOTE_PRECISION)
    amount = 100_000_384_939
    with pytest.raises(ex.InvalidIFForNewStakes):
        ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    assert (stake.unchecked_if_shares(), market.insurance_fund.total_shares) == (0, 100_000_000_000)

    vault = 1
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    vault += amount
    # 1e11 shares on 1 token: expo = log10(1e11 / 10 / 1) = 10
    assert (market.insurance_fund.total_shares, market.insurance_fund.user_shares) == (1_000_003_849_400,
                                                                                       1_000_003_849_398)
    assert stake.unchecked_if_shares() == 1_000_003_849_390
    assert (market.insurance_fund.shares_base, stake.if_base, orig.if_base) == (10, 10, 0)
    assert orig.unchecked_if_shares() == 80_000_000_000

    expected_shares = ex.vault_amount_to_if_shares(1, market.insurance_fund.total_shares, vault)
    assert expected_shares == 10
    ex.add_insurance_fund_stake(1, vault, orig, orig_stats, market, 0, False)
    assert orig.if_base == 10
    assert orig.unchecked_if_shares() == 80_000_000_000 // 10_000_000_000 + expected_shares == 8 + 10


def test_drained_fund_rebases_on_old_remove_all() -> None:
    # programs/drift/src/controller/insurance/tests.rs::drained_stake_if_test_rebase_on_old_remove_all
    vault = 0
    market = if_market(total_shares=100_000 * QUOTE_PRECISION, user_shares=80_000 * QUOTE_PRECISION)
    stake = stake_with(80_000 * QUOTE_PRECISION)
    stats = UserStats(if_staked_quote_asset_amount=80_000 * QUOTE_PRECISION)
    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares(), vault, stake, stats, market, 0)
    assert ex.remove_insurance_fund_stake(vault, stake, stats, market, 0) == 0
    assert (market.insurance_fund.total_shares, market.insurance_fund.user_shares) == (20_000_000_000, 0)
    vault = 1
    ex.add_insurance_fund_stake(10_000_000_000_000, vault, stake, stats, market, 0, False)
    assert (market.insurance_fund.shares_base, market.insurance_fund.total_shares,
            market.insurance_fund.user_shares) == (9, 200_000_000_000_020, 200_000_000_000_000)


def test_drained_fund_rebases_on_old_remove_all_2() -> None:
    # programs/drift/src/controller/insurance/tests.rs::drained_stake_if_test_rebase_on_old_remove_all_2
    vault = 0
    market = if_market(total_shares=100_930_021_053, user_shares=83_021 * QUOTE_PRECISION + 135_723)
    stake = stake_with(80_000 * QUOTE_PRECISION)
    stats = UserStats(if_staked_quote_asset_amount=80_000 * QUOTE_PRECISION)
    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares() // 2, vault, stake, stats, market, 0)
    assert ex.remove_insurance_fund_stake(vault, stake, stats, market, 0) == 0
    fund = market.insurance_fund
    assert (fund.total_shares, fund.user_shares, fund.shares_base) == (60_930_021_053, 43_021_135_723, 0)

    vault = QUOTE_PRECISION
    unstake = stake.unchecked_if_shares() // 2
    assert unstake == 20_000_000_000
    ex.request_remove_insurance_fund_stake(unstake, vault, stake, stats, market, 10)
    # the rebase (expo 3) happens inside the request and scales the requested shares too
    assert stake.last_withdraw_request_shares == unstake // 1000
    assert (stake.unchecked_if_shares(), stake.last_withdraw_request_value, stake.last_withdraw_request_ts) == (
        40_000_000, 328_245, 10)
    assert (fund.total_shares, fund.user_shares, fund.shares_base) == (60_930_021, 43_021_135, 3)
    assert ex.if_shares_to_vault_amount(stake.unchecked_if_shares() // 2, fund.total_shares, vault) == 328_245
    user_before = ex.if_shares_to_vault_amount(fund.user_shares, fund.total_shares, vault)
    protocol_before = ex.if_shares_to_vault_amount(fund.total_shares - fund.user_shares, fund.total_shares, vault)
    assert (user_before, protocol_before) == (706_074, 293_925)
    assert user_before + protocol_before == vault - 1  # both round down

    vault *= 2
    protocol_after = ex.if_shares_to_vault_amount(fund.total_shares - fund.user_shares, fund.total_shares, vault)
    user_after = ex.if_shares_to_vault_amount(fund.user_shares, fund.total_shares, vault)
    returned = ex.remove_insurance_fund_stake(vault, stake, stats, market, 10)
    protocol_after_withdraw = ex.if_shares_to_vault_amount(fund.total_shares - fund.user_shares,
                                                           fund.total_shares, vault)
    assert (stake.unchecked_if_shares(), stake.if_base, returned) == (20_000_000, 3, 328_245)
    assert (fund.total_shares, fund.user_shares) == (40_930_021, 23_021_135)
    assert protocol_after == 2 * protocol_before
    assert user_after - 1 == 2 * user_before
    assert user_after + protocol_after == vault - 1
    assert protocol_after_withdraw == 875_097 > protocol_after

    ex.add_insurance_fund_stake(10_000_000_000_000, vault, stake, stats, market, 0, False)
    assert (fund.total_shares, fund.user_shares, fund.shares_base) == (204_650_145_930_021, 204_650_128_021_135, 3)


def test_multiple_stakes_and_rebase() -> None:
    # programs/drift/src/controller/insurance/tests.rs::multiple_if_stakes_and_rebase
    stake_1, stats_1 = InsuranceFundStake.new("", 0, 0), UserStats()
    stake_2, stats_2 = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market()
    amount = QUOTE_PRECISION * 100_000
    ex.add_insurance_fund_stake(amount, 0, stake_1, stats_1, market, 0, False)
    ex.add_insurance_fund_stake(amount, amount, stake_2, stats_2, market, 0, False)
    vault = QUOTE_PRECISION  # drained
    ex.request_remove_insurance_fund_stake(stake_1.unchecked_if_shares(), vault, stake_1, stats_1, market, 0)
    assert (stake_1.if_base, market.insurance_fund.shares_base) == (4, 4)
    returned = ex.remove_insurance_fund_stake(vault, stake_1, stats_1, market, 0)
    assert returned == 500_000
    vault -= returned
    assert stake_2.if_base == 0
    ex.request_remove_insurance_fund_stake(stake_2.unchecked_if_shares(), vault, stake_2, stats_2, market, 0)
    assert stake_2.if_base == 4
    assert stake_2.unchecked_if_shares() == market.insurance_fund.user_shares
    returned = ex.remove_insurance_fund_stake(vault, stake_2, stats_2, market, 0)
    assert returned == vault - 1
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (0, 0)


def test_multiple_stakes_rebase_and_admin_remove() -> None:
    # programs/drift/src/controller/insurance/tests.rs::multiple_if_stakes_and_rebase_and_admin_remove
    vault = 100 * QUOTE_PRECISION
    stake_1, stats_1 = InsuranceFundStake.new("", 0, 0), UserStats()
    stake_2, stats_2 = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market()
    returned = ex.admin_remove_insurance_fund_stake(vault, vault // 2, market, 1, "")
    assert returned == 50 * QUOTE_PRECISION
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (0, 50 * QUOTE_PRECISION)
    amount = QUOTE_PRECISION * 100_000
    ex.add_insurance_fund_stake(amount, vault, stake_1, stats_1, market, 0, False)
    vault += amount
    ex.add_insurance_fund_stake(amount, vault, stake_2, stats_2, market, 0, False)
    vault = QUOTE_PRECISION
    ex.request_remove_insurance_fund_stake(stake_1.unchecked_if_shares(), vault, stake_1, stats_1, market, 0)
    assert (stake_1.if_base, market.insurance_fund.shares_base) == (4, 4)
    returned = ex.remove_insurance_fund_stake(vault, stake_1, stats_1, market, 0)
    assert returned == 499_750
    vault -= returned
    ex.request_remove_insurance_fund_stake(stake_2.unchecked_if_shares(), vault, stake_2, stats_2, market, 0)
    assert stake_2.unchecked_if_shares() == market.insurance_fund.user_shares
    assert vault == 500_250
    fund = market.insurance_fund
    returned = ex.admin_remove_insurance_fund_stake(vault, fund.total_shares - fund.user_shares, market, 1, "")
    vault -= returned
    assert returned == 499
    assert fund.user_shares == fund.total_shares
    vault += 249
    returned = ex.remove_insurance_fund_stake(vault, stake_2, stats_2, market, 0)
    assert returned == 499_750
    vault -= returned
    assert (vault, fund.user_shares, fund.total_shares) == (250, 0, 0)
    assert ex.admin_remove_insurance_fund_stake(vault, 250, market, 1, "") == 250
    assert (fund.user_shares, fund.total_shares) == (0, 0)


def test_transfer_protocol_owned_stake() -> None:
    # programs/drift/src/controller/insurance/tests.rs::test_transfer_protocol_owned_stake
    vault = 199_000 * QUOTE_PRECISION
    stake, stats = InsuranceFundStake.new("", 0, 0), UserStats()
    market = if_market()
    fund = market.insurance_fund
    fund.total_shares = 42_210_407_198
    returned = ex.admin_remove_insurance_fund_stake(vault, fund.total_shares // 2, market, 1, "")
    vault -= returned
    assert returned == 99_500_000_000
    assert (fund.user_shares, fund.total_shares) == (0, 21_105_203_599)
    now = 6_969_696_969
    assert ex.transfer_protocol_insurance_fund_stake(vault, 0, stake, stats, market, now, "") == 0
    assert fund.user_shares == 0
    assert ex.transfer_protocol_insurance_fund_stake(vault, 1, stake, stats, market, now, "") == 4
    assert (fund.user_shares, fund.total_shares) == (1, 21_105_203_599)
    with pytest.raises(ex.InsufficientIFShares):
        ex.transfer_protocol_insurance_fund_stake(vault, fund.total_shares, stake, stats, market, now, "")
    transferred = ex.transfer_protocol_insurance_fund_stake(vault, fund.total_shares - fund.user_shares, stake,
                                                            stats, market, now, "")
    assert fund.total_shares == fund.user_shares
    assert transferred == 99_499_999_995
    assert stats.if_staked_quote_asset_amount == 99_500_000_000
    assert stake == InsuranceFundStake(if_shares=21_105_203_599)


def test_cancel_request_forfeits_gains() -> None:
    # if_shares_lost_test numbers (programs/drift/src/math/insurance/tests.rs) through the controller: the vault
    # rose from 1000 to 1100 since the request, so cancelling gives up 10_000_001 of the 100e6 requested shares
    market = if_market(total_shares=1000 * QUOTE_PRECISION, user_shares=1000 * QUOTE_PRECISION)
    stake = stake_with(100 * QUOTE_PRECISION)
    stake.last_withdraw_request_shares = 100 * QUOTE_PRECISION
    stake.last_withdraw_request_value = 100 * QUOTE_PRECISION - 1
    ex.cancel_request_remove_insurance_fund_stake(1100 * QUOTE_PRECISION, stake, UserStats(), market, 5)
    assert stake.unchecked_if_shares() == 100 * QUOTE_PRECISION - 10_000_001
    assert market.insurance_fund.total_shares == 1000 * QUOTE_PRECISION - 10_000_001
    assert (stake.last_withdraw_request_shares, stake.last_withdraw_request_value,
            stake.last_withdraw_request_ts) == (0, 0, 5)


# ---------------------------------------------------------------------------------------------- errors


def test_insurance_errors() -> None:
    with pytest.raises(ex.InvalidIFSharesDetected):
        ex.if_shares_to_vault_amount(11, 10, 100)
    with pytest.raises(ex.InvalidIFSharesDetected):
        ex.vault_amount_to_if_shares(5, 10, 0)
    with pytest.raises(ex.MathError):
        ex.calculate_rebase_info(100, 0)
    market = if_market(total_shares=100, user_shares=100)
    stake = stake_with(100)
    with pytest.raises(ex.InvalidIFUnstakeCancel):
        ex.cancel_request_remove_insurance_fund_stake(100, stake, UserStats(), market, 0)
    with pytest.raises(ex.InvalidInsuranceUnstakeSize):
        ex.request_remove_insurance_fund_stake(101, 100, stake, UserStats(), market, 0)
    ahead = stake_with(100)
    ahead.if_base = 1
    with pytest.raises(ex.InvalidIFRebase):
        ex.add_insurance_fund_stake(1, 100, ahead, UserStats(), market, 0, False)
    with pytest.raises(ex.InsufficientIFShares):
        ex.admin_remove_insurance_fund_stake(100, 1, market, 0, "")  # users own every share


def test_settle_errors() -> None:
    market = if_market(revenue_settle_period=1, total_factor=1, user_factor=2)
    with pytest.raises(ex.RevenueSettingsCannotSettleToIF):
        ex.settle_revenue_to_insurance_fund(0, 0, market, 0, True)
    market = if_market(revenue_settle_period=1)
    with pytest.raises(ex.NoRevenueToSettleToIF):
        ex.settle_revenue_to_insurance_fund(0, 0, market, 0, True)
    assert ex.settle_revenue_to_insurance_fund(0, 0, if_market(), 0, True) == 0  # settle period 0: nothing


def test_settle_caps_apr_for_stakers() -> None:
    # vault 1000 tokens, daily settles, 1000% max APR: 1000e6 * 1e7 / 1e6 / 365 = 27_397_260; pool 1e9 tokens
    # would allow a tenth (1e8), so the APR cap binds
    market = SpotMarket(decimals=6, cumulative_deposit_interest=CI, deposit_balance=2000 * SB,
                        revenue_pool=PoolBalance(scaled_balance=1000 * SB),
                        insurance_fund=InsuranceFund(revenue_settle_period=86_400, user_shares=1, total_shares=1))
    settled = ex.settle_revenue_to_insurance_fund(2000 * QUOTE_PRECISION, 1000 * QUOTE_PRECISION, market, 0, True)
    assert settled == 1000 * QUOTE_PRECISION * 10_000_000 // 10**6 // 365 == 27_397_260


# ---------------------------------------------------------------------------------------------- properties

sizes = st.integers(1, 10**18)


@given(st.integers(0, 10**18), sizes, sizes)
def test_minted_shares_never_exceed_the_fair_number(amount: int, total_shares: int, vault: int) -> None:
    shares = ex.vault_amount_to_if_shares(amount, total_shares, vault)
    assert shares * vault <= amount * total_shares
    # so the price of a share never falls when someone stakes
    assert (vault + amount) * total_shares >= vault * (total_shares + shares)


@given(sizes, sizes, sizes)
def test_redeemed_amount_never_exceeds_the_fair_value(n_shares: int, total_shares: int, vault: int) -> None:
    assume(n_shares <= total_shares)
    assume(vault < 2**64)
    amount = ex.if_shares_to_vault_amount(n_shares, total_shares, vault)
    assert amount * total_shares <= n_shares * vault


@given(st.integers(1, 10**15), st.integers(0, 10**15), st.integers(0, 10**15))
def test_stake_then_unstake_returns_at_most_the_stake(amount: int, others: int, gain: int) -> None:
    # another staker (or the protocol) holds ``others`` tokens worth of shares, then the fund gains ``gain``
    market = if_market()
    stats = UserStats()
    vault = 0
    if others:
        ex.add_insurance_fund_stake(others, 0, InsuranceFundStake.new("", 0, 0), UserStats(), market, 0, False)
        vault = others
    stake = InsuranceFundStake.new("", 0, 0)
    ex.add_insurance_fund_stake(amount, vault, stake, stats, market, 0, False)
    vault += amount
    ex.request_remove_insurance_fund_stake(stake.unchecked_if_shares(), vault, stake, stats, market, 0)
    value = stake.last_withdraw_request_value
    returned = ex.remove_insurance_fund_stake(vault + gain, stake, stats, market, 0)
    assert returned <= amount  # immediately, the stake is worth no more than what was put in
    assert returned == value  # gains after the request are not passed on


# ---------------------------------------------------------------------------------------------- other controller fns


def test_resolve_perp_pnl_deficit_by_hand() -> None:
    # users are up $500 (flat base, +500 quote), the P&L pool holds $100, imbalance tolerance $200: the excess
    # $300 is capped by this period's revenue withdraw room ($250) and paid into the P&L pool
    spot = SpotMarket(decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                      deposit_balance=1000 * SB)
    amm = ex.AMM(quote_asset_amount=500 * QUOTE_PRECISION, total_fee_minus_distributions=-1,
                 historical_oracle_data=ex.HistoricalOracleData(last_oracle_price=QUOTE_PRECISION,
                                                                last_oracle_price_twap_5min=QUOTE_PRECISION))
    market = ex.PerpMarket(amm=amm, pnl_pool=PoolBalance(scaled_balance=100 * SB),
                           unrealized_pnl_max_imbalance=200 * QUOTE_PRECISION,
                           insurance_claim=ex.InsuranceClaim(max_revenue_withdraw_per_period=250 * QUOTE_PRECISION,
                                                             quote_max_insurance=1000 * QUOTE_PRECISION))
    paid = ex.resolve_perp_pnl_deficit(0, 10_000 * QUOTE_PRECISION, spot, market, 7)
    assert paid == 250 * QUOTE_PRECISION
    assert market.amm.total_fee_minus_distributions == 250 * QUOTE_PRECISION - 1
    assert market.pnl_pool.scaled_balance == 350 * SB
    assert (market.insurance_claim.revenue_withdraw_since_last_settle, market.insurance_claim.quote_settled_insurance,
            market.insurance_claim.last_revenue_withdraw_ts) == (250 * QUOTE_PRECISION, 250 * QUOTE_PRECISION, 7)
    with pytest.raises(ex.NoAmmPerpPnlDeficit):  # the fee pool is no longer in deficit
        ex.resolve_perp_pnl_deficit(0, 10_000 * QUOTE_PRECISION, spot, market, 8)
    market.amm.total_fee_minus_distributions = -1
    with pytest.raises(ex.MaxRevenueWithdrawPerPeriodReached):  # the period's room is used up
        ex.resolve_perp_pnl_deficit(0, 10_000 * QUOTE_PRECISION, spot, market, 8)


def rebalance_markets() -> tuple[SpotMarket, SpotMarket]:
    quote = SpotMarket(market_index=0, decimals=6, insurance_fund=InsuranceFund(total_shares=1000))
    sol = SpotMarket(market_index=1, decimals=6, insurance_fund=InsuranceFund(total_shares=1000),
                     historical_oracle_data=ex.HistoricalOracleData(last_oracle_price_twap=2 * QUOTE_PRECISION))
    return quote, sol


def test_if_rebalance_swap_by_hand() -> None:
    # 100 quote tokens leave a 1000-token quote fund (100 protocol shares burnt), 50 tokens enter a 1000-token
    # fund (50 shares minted): both share prices stay at 1.0; the swap price 100 * 1e6 / 50 = $2 is the oracle
    quote, sol = rebalance_markets()
    config = ex.IfRebalanceConfig(total_in_amount=1000, epoch_max_in_amount=500, epoch_duration=100,
                                  out_market_index=1, max_slippage_bps=100)
    ex.handle_if_begin_swap(config, 1000, 1000, quote, sol, 100, 500)
    assert (config.epoch_start_ts, config.epoch_in_amount) == (500, 0)
    ex.handle_if_end_swap(config, 900, 1050, quote, sol, 100, 50, 2 * QUOTE_PRECISION, 501)
    assert (quote.insurance_fund.total_shares, sol.insurance_fund.total_shares) == (900, 1050)
    assert (config.current_in_amount, config.epoch_in_amount, config.current_out_amount) == (100, 100, 50)

    with pytest.raises(ex.InvalidIfRebalanceSwap):  # the oracle price may not exceed its TWAP
        ex.handle_if_end_swap(copy.deepcopy(config), 800, 1100, quote, sol, 100, 50, 2 * QUOTE_PRECISION + 1, 502)
    quote, sol = rebalance_markets()
    with pytest.raises(ex.InvalidIfRebalanceSwap):  # 600 > the epoch's 500
        ex.handle_if_end_swap(ex.IfRebalanceConfig(total_in_amount=1000, epoch_max_in_amount=500), 400, 1300,
                              quote, sol, 600, 300, 2 * QUOTE_PRECISION, 0)

    # 50 bought tokens can then move to the sol revenue pool, burning 50 protocol shares of the 1050-token fund
    quote, sol = rebalance_markets()
    sol.cumulative_deposit_interest = CI
    ex.transfer_protocol_if_shares_to_revenue_pool(config, sol, 1000, 50, 600)
    assert (sol.insurance_fund.total_shares, config.current_out_amount_transferred) == (950, 50)
    assert sol.revenue_pool.scaled_balance == 50 * SB // QUOTE_PRECISION
    with pytest.raises(ex.DefaultError):  # nothing left that was bought and not transferred
        ex.transfer_protocol_if_shares_to_revenue_pool(config, sol, 950, 1, 601)
