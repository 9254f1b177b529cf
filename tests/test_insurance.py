"""Human-layer insurance fund (driftlab.insurance): the docs' staking example, agreement with the exact layer
(shares and payouts round against the staker, by less than one unit), broadcasting and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.insurance as ins
import driftlab.spot as spot
from driftlab.exact import InsuranceFund, InsuranceFundStake, PoolBalance, SpotMarket, UserStats

USD = ex.QUOTE_PRECISION
CI = ex.SPOT_CUMULATIVE_INTEREST_PRECISION
SB = ex.SPOT_BALANCE_PRECISION


def test_constants_are_the_programs() -> None:
    assert ins.UNSTAKING_PERIOD == ex.THIRTEEN_DAY
    assert ins.MAX_SETTLE_APR == ex.MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT / ex.PERCENTAGE_PRECISION
    assert ins.MAX_SETTLE_APR_GOV == ex.MAX_APR_PER_REVENUE_SETTLE_TO_INSURANCE_FUND_VAULT_GOV / 1e6


def test_conversions_by_hand() -> None:
    assert ins.shares_for_amount(10, 1000, 1000) == 10
    assert ins.shares_for_amount(5, 0, 0) == 5  # the first staker: one share per token
    assert ins.amount_for_shares(10, 1000, 2000) == 20
    assert ins.amount_for_shares(2, 3, 100) == pytest.approx(66.666666)  # the program: 66
    assert ins.share_price(1000, 2000) == 2.0 and ins.share_price(0, 5) == 0.0


def docs_fund() -> tuple[SpotMarket, InsuranceFundStake, int]:
    """drift-docs-digest.md §(g) "Insurance fund", insurance-fund-staking.mdx: the fund holds $5000 (another
    staker's), you stake $10,000; revenue settles daily with half for the protocol."""
    market = SpotMarket(decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                        deposit_balance=1_000_000 * SB, revenue_pool=PoolBalance(scaled_balance=300 * SB),
                        insurance_fund=InsuranceFund(revenue_settle_period=86_400, total_factor=100_000,
                                                     user_factor=50_000, unstaking_period=ex.THIRTEEN_DAY))
    ex.add_insurance_fund_stake(5_000 * USD, 0, InsuranceFundStake.new("other", 0, 0), UserStats(), market, 0, False)
    you = InsuranceFundStake.new("you", 0, 0)
    ex.add_insurance_fund_stake(10_000 * USD, 5_000 * USD, you, UserStats(), market, 0, False)
    return market, you, 15_000 * USD


def test_docs_staking_example() -> None:
    market, you, vault = docs_fund()
    fund = market.insurance_fund
    assert you.if_shares == 10_000 * USD and fund.total_shares == 15_000 * USD  # 66.6% of the fund
    # revenue: the docs' $30 needs $300 in the revenue pool (a settlement takes at most a tenth of it) and a
    # settle period long enough for the 1000%-APR cap ($15,000 * 10 / 365 = $410.96 a day)
    assert ins.settle_amount(300.0, 15_000.0, 86_400) == 30.0
    assert ins.settle_amount(300.0, 15_000.0, 3_600) == pytest.approx(15_000 * 10 / 8_760)  # hourly: capped
    settled = ex.settle_revenue_to_insurance_fund(1_000_000 * USD, vault, market, 86_400, True)
    assert settled == 30 * USD
    # half ($15) buys protocol shares at the old price: 15,000 shares; the other $15 lifts every share
    assert fund.total_shares == 15_015 * USD and fund.user_shares == 15_000 * USD
    vault += settled
    mine = ex.if_shares_to_vault_amount(you.if_shares, fund.total_shares, vault)
    # the docs say you receive 66.6% of $15 = $10; the program pays 10000/15015 of it: $9.99
    assert mine == 10_009_990_009
    price, total, new_vault = ins.share_price_after_settle(30.0, 15_000.0, 15_000.0, 0.1, 0.05)
    assert (total, new_vault) == (pytest.approx(15_015.0), 15_030.0)
    assert 10_000 * price == pytest.approx(mine / USD, abs=1e-6)
    assert ins.amount_for_shares(10_000.0, total, new_vault) * USD - mine < 1


def test_loss_and_unstake_wait() -> None:
    market, you, vault = docs_fund()
    fund = market.insurance_fund
    vault -= 3_000 * USD  # the fund pays a $3000 bankruptcy
    assert ex.calculate_share_price(fund.total_shares, vault) == 800_000  # $0.80 a share
    assert ins.share_price(15_000.0, 12_000.0) == 0.8
    ex.request_remove_insurance_fund_stake(you.if_shares, vault, you, UserStats(), market, 100)
    assert you.last_withdraw_request_value == 8_000 * USD
    with pytest.raises(ex.TryingToRemoveLiquidityTooFast):
        ex.remove_insurance_fund_stake(vault, you, UserStats(), market, 100 + ex.THIRTEEN_DAY - 1)
    # the fund recovers $1500 during the wait: the gain stays in the fund, the payout is the requested value
    paid = ex.remove_insurance_fund_stake(vault + 1_500 * USD, you, UserStats(), market, 100 + ex.THIRTEEN_DAY)
    assert paid == 8_000 * USD
    assert ins.unstake_payout(10_000.0, 15_000.0, 12_000.0, 13_500.0) == pytest.approx(8_000.0)
    # a further loss during the wait would have been borne
    assert ins.unstake_payout(10_000.0, 15_000.0, 12_000.0, 9_000.0) == pytest.approx(6_000.0)


def test_staker_apr_from_repeated_settlements() -> None:
    # $10 of revenue each hour into a $15,000 fund, half to the protocol: each hour the share price rises by
    # 5 / (15000 + 5); 8760 settlements a year
    apr = ins.staker_apr(10.0, 15_000.0, 0.1, 0.05)
    assert apr == pytest.approx(8_760 * 5 / 15_005)
    price, _, _ = ins.share_price_after_settle(10.0, 15_000.0, 15_000.0, 0.1, 0.05)
    assert apr == pytest.approx(8_760 * (price - 1))
    assert spot.apr_to_apy(apr, 8_760) > apr
    # the 1000% cap: at most vault * 10 / 8760 a settlement
    assert ins.staker_apr(1e9, 15_000.0, 0.1, 0.1) == pytest.approx(10.0)


# --------------------------------------------------------------------------- agreement with the program

amounts = st.integers(0, 10**15)
positive = st.integers(1, 10**15)


@given(amount=amounts, total=positive, vault=positive)
def test_shares_round_against_the_staker(amount: int, total: int, vault: int) -> None:
    exact = ex.vault_amount_to_if_shares(amount, total, vault)
    human = ins.shares_for_amount(amount, total, vault)
    # get_proportion truncates: the program mints at most the fair number, less by under one share
    assert exact <= human * (1 + 1e-15) and human - exact < 1 + 1e-15 * human


@given(total=positive, vault=st.integers(0, 2**63), data=st.data())
def test_payouts_round_against_the_staker(total: int, vault: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, total))
    exact = ex.if_shares_to_vault_amount(n, total, vault)
    human = ins.amount_for_shares(n, total, vault)
    assert exact <= human * (1 + 1e-15) and human - exact < 1 + 1e-15 * human
    assume(vault * USD // total < 2**64)  # the program's share price is a u64 (CastingFailure beyond)
    price = ex.calculate_share_price(total, vault)
    human_price = ins.share_price(total, vault) * USD
    assert price <= human_price + 1e-12 * human_price and human_price - price < 1 + 1e-12 * human_price


@given(n=positive, extra=amounts, vault=positive, value_f=st.floats(0.0, 1.0))
def test_forfeited_shares_round_against_the_staker(n: int, extra: int, vault: int, value_f: float) -> None:
    total = n + extra
    value = int(vault * n / total * value_f)  # the value fixed at the request, at most today's worth
    assume(value < vault)
    market = SpotMarket(insurance_fund=InsuranceFund(total_shares=total))
    stake = InsuranceFundStake(if_shares=n, last_withdraw_request_shares=n, last_withdraw_request_value=value)
    exact = ex.calculate_if_shares_lost(stake, market, vault)
    human = ins.shares_forfeited_on_cancel(n, value, total, vault)
    # the shares kept, value * (T - n) / (V - value), truncate: the staker loses at most one share more. The
    # program compares its truncated worth with the value, so right at the boundary it may forfeit nothing
    # where the smooth worth is a hair above the value.
    kept_exact, kept_human = n - exact, n - human
    if exact == 0:
        assert human <= 1 + 1e-12 * n or ex.if_shares_to_vault_amount(n, total, vault) <= value
    else:
        assert kept_exact <= kept_human * (1 + 1e-12) + 1e-9 and kept_human - kept_exact < 1 + 1e-12 * kept_human


@given(pool=st.integers(0, 10**13), vault=st.integers(1, 10**13), period=st.sampled_from([1, 3_600, 86_400,
                                                                                          10**8]),
       user=st.integers(0, 1_000_000), protocol=st.integers(0, 1_000_000), total=positive)
def test_settlement_agrees_with_the_program(pool: int, vault: int, period: int, user: int, protocol: int,
                                            total: int) -> None:
    assume(0 < user + protocol <= 1_000_000)
    market = SpotMarket(decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                        deposit_balance=(pool + 10**13) * 1000, revenue_pool=PoolBalance(scaled_balance=pool * 1000),
                        insurance_fund=InsuranceFund(revenue_settle_period=period, total_factor=user + protocol,
                                                     user_factor=user, total_shares=total, user_shares=1))
    settled = ex.settle_revenue_to_insurance_fund(pool + 10**13, vault, market, 0, False)
    human = ins.settle_amount(pool / 1e6, vault / 1e6, period) * 1e6
    # pool // 10 and floor(floor(vault * 1e7 / 1e6) / k) each truncate once: below the smooth cap by < 1 unit
    assert settled <= human + 1e-9 * human and human - settled < 1 + 1e-9 * human
    price, shares, _ = ins.share_price_after_settle(settled, total, vault, (user + protocol) / 1e6, user / 1e6)
    # the protocol's amount truncates (< 1 token unit, worth < total/vault shares), then its shares (< 1 share)
    minted_exact = market.insurance_fund.total_shares - total
    assert shares - total - (1 + total / vault) - 1e-9 * shares < minted_exact <= shares - total + 1e-9 * shares


def test_broadcasting_and_bad_input() -> None:
    out = ins.amount_for_shares(np.array([1.0, 2.0, 3.0]), 10.0, np.array([[10.0], [20.0]]))
    assert out.shape == (2, 3) and np.allclose(out[1], [2, 4, 6])
    for call, message in (
            (lambda: ins.amount_for_shares(11, 10, 100), "shares must be <= total_shares"),
            (lambda: ins.shares_for_amount(1, 10, 0), "vault must be > 0 while shares are outstanding to mint"),
            (lambda: ins.shares_for_amount(-1, 10, 10), "amount"),
            (lambda: ins.share_price_after_settle(1, 1, 1, 0.1, 0.2), "user_factor must be <= total_factor"),
            (lambda: ins.share_price_after_settle(1, 1, 1, 0.0, 0.0), "total_factor"),
            (lambda: ins.settle_amount(1, 1, 0), "revenue_settle_period"),
            (lambda: ins.staker_apr(1, 0, 0.1, 0.1), "vault")):
        with pytest.raises(ValueError, match=message):
            call()
