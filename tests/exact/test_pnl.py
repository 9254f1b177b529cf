"""Settling P&L against the market's pools (controller/amm.rs): fee pool, P&L pool, revenue pool.

Fidelity numbers come from programs/drift/src/controller/amm/tests.rs (cited per test); the rest are errors and
invariants (positive P&L is paid only from the P&L pool; quote is conserved across the pools).
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    QUOTE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    InsuranceClaim,
    PerpMarket,
    PoolBalance,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
)

Q = QUOTE_PRECISION
SBP = SPOT_BALANCE_PRECISION
R = AMM_RESERVE_PRECISION
NOW = 33928058


def tokens(balance: PoolBalance, spot_market: SpotMarket) -> int:
    return ex.get_token_amount(balance.balance(), spot_market, SpotBalanceType.Deposit)


def short_heavy_market(**amm_fields: int) -> PerpMarket:
    base = {"base_asset_reserve": 5122950819670000, "quote_asset_reserve": 488 * R, "sqrt_k": 500 * R,
            "peg_multiplier": 50000, "base_asset_amount_with_amm": -122950819670000,
            "total_fee_minus_distributions": 1000 * Q, "curve_update_intensity": 100}
    return PerpMarket(amm=AMM(**{**base, **amm_fields}))


def quote_market(**fields: int) -> SpotMarket:
    base = {"cumulative_deposit_interest": SPOT_CUMULATIVE_INTEREST_PRECISION,
            "cumulative_borrow_interest": SPOT_CUMULATIVE_INTEREST_PRECISION}
    return SpotMarket(**{**base, **fields})


# ----------------------------------------------------------------------------------------------- program tests


def test_update_pool_balances() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_test
    market = short_heavy_market()
    spot = quote_market(deposit_balance=10**19, deposit_token_twap=10**16)
    user = SpotPosition()
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), 100, NOW) == 0  # empty pool
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -100, NOW) == -100
    assert market.amm.fee_pool.balance() > 0
    assert (tokens(market.pnl_pool, spot), tokens(market.amm.fee_pool, spot)) == (99, 1)  # 1/100 to the AMM
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), 100, NOW) == 99
    assert (tokens(market.pnl_pool, spot), tokens(market.amm.fee_pool, spot)) == (0, 1)
    market.amm.total_fee_minus_distributions = 0
    ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -1, NOW)
    assert (tokens(market.pnl_pool, spot), tokens(market.amm.fee_pool, spot)) == (2, 0)
    market.amm.total_fee_minus_distributions = 90_000 * Q
    ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -(100_000 * Q), NOW)
    assert (tokens(market.pnl_pool, spot), tokens(market.amm.fee_pool, spot)) == (3_300_000_000 + 3, 33_333_333)
    market.amm.total_fee_minus_distributions = -8_008_123_456  # negative fee pool
    ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), 1_000_987_789, NOW)
    assert (tokens(market.pnl_pool, spot), tokens(market.amm.fee_pool, spot)) == (2_332_345_547, 0)


def test_update_pool_balances_high_util_borrow() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_test_high_util_borrow
    market = short_heavy_market()
    spot = quote_market(deposit_balance=10**19, borrow_balance=10**19, deposit_token_twap=10**16)
    user = SpotPosition()
    # 100% utilisation: a loss would have to be borrowed, so nothing settles
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -100, NOW) == 0
    spot.borrow_balance = 0
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -100, NOW) == -100
    spot.borrow_balance = 10**19
    ex.update_spot_balances(50, SpotBalanceType.Deposit, spot, user, False)
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -100, NOW) == -50
    ex.update_spot_balances(500, SpotBalanceType.Deposit, spot, user, False)
    assert ex.update_pool_balances(market, spot, user.get_signed_token_amount(spot), -100, NOW) == -100


def _fee_to_revenue_market(net_revenue: int) -> PerpMarket:
    market = short_heavy_market(total_exchange_fee=10 * Q, total_fee=10 * Q, total_mm_fee=990 * Q,
                                total_liquidation_fee=Q, net_revenue_since_last_funding=net_revenue)
    market.amm.fee_pool = PoolBalance(scaled_balance=50 * Q * SBP)
    market.pnl_pool = PoolBalance(scaled_balance=50 * Q * SBP)
    market.insurance_claim = InsuranceClaim(quote_max_insurance=0, max_revenue_withdraw_per_period=1000 * Q)
    return market


def test_update_pool_balances_fee_to_revenue() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_fee_to_revenue_test
    market = _fee_to_revenue_market(10_000 * Q)
    spot = quote_market(deposit_balance=100 * Q * SBP)
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.fee_pool.scaled_balance == 50_000_000_000_000_000  # under the $250 threshold
    assert market.pnl_pool.scaled_balance == 50_000_000_000_000_000
    assert spot.revenue_pool.scaled_balance == 0
    assert market.amm.total_fee_withdrawn == 0
    market.amm.fee_pool.scaled_balance = (ex.FEE_POOL_TO_REVENUE_POOL_THRESHOLD + 50 * Q) * SBP
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.pnl_pool.scaled_balance == 50_000_000_000_000_000
    assert market.amm.total_fee_withdrawn == 5_000_000
    assert spot.revenue_pool.scaled_balance == 5_000_000_000_000_000
    assert market.amm.fee_pool.scaled_balance == 295_000_000_000_000_000
    market.insurance_claim.quote_max_insurance = 1
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.total_fee_withdrawn == 5_000_001
    assert spot.revenue_pool.scaled_balance == 5_000_001_000_000_000
    market.insurance_claim.quote_max_insurance = 100_000_000
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.total_fee_withdrawn == 6_000_000
    assert spot.revenue_pool.scaled_balance == 6_000_000_000_000_000


def test_update_pool_balances_fee_to_revenue_low_amm_revenue() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_fee_to_revenue_low_amm_revenue_test
    market = _fee_to_revenue_market(Q)
    spot = quote_market(deposit_balance=100 * Q * SBP)
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.fee_pool.scaled_balance == 50_000_000_000_000_000
    assert spot.revenue_pool.scaled_balance == 0
    market.amm.fee_pool.scaled_balance = (ex.FEE_POOL_TO_REVENUE_POOL_THRESHOLD + 50 * Q) * SBP
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.pnl_pool.scaled_balance == 50_000_000_000_000_000
    assert market.amm.total_fee_withdrawn == 1_000_000  # capped by the hour's net revenue
    assert spot.revenue_pool.scaled_balance == 1_000_000_000_000_000
    assert market.amm.fee_pool.scaled_balance == 299_000_000_000_000_000
    market.insurance_claim.quote_max_insurance = 1
    market.amm.net_revenue_since_last_funding = 1
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.total_fee_withdrawn == 1_000_001
    assert spot.revenue_pool.scaled_balance == 1_000_001_000_000_000
    market.insurance_claim.quote_max_insurance = 100_000_000
    market.amm.net_revenue_since_last_funding = 100_000_000
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.total_fee_withdrawn == 6_000_000
    assert spot.revenue_pool.scaled_balance == 6_000_000_000_000_000


def test_update_pool_balances_revenue_to_fee_devnet_state() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_revenue_to_fee_devnet_state_test
    market = PerpMarket(
        amm=AMM(base_asset_reserve=916769960813655, quote_asset_reserve=932609131198775, sqrt_k=924655631391254,
                peg_multiplier=20242531, base_asset_amount_with_amm=7563264495267, quote_asset_amount=-90559143969,
                total_exchange_fee=18223810834, total_fee=130757047337, total_mm_fee=112696236155,
                total_fee_minus_distributions=338762376993, total_fee_withdrawn=161959731500,
                total_liquidation_fee=152847899222, total_social_loss=74768391959, curve_update_intensity=100,
                net_revenue_since_last_funding=229827181, fee_pool=PoolBalance(scaled_balance=1821 * SBP)),
        pnl_pool=PoolBalance(scaled_balance=381047 * SBP),
        insurance_claim=InsuranceClaim(quote_max_insurance=300000 * Q, max_revenue_withdraw_per_period=1000 * Q))
    spot = quote_market(deposit_balance=200 * SBP, revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    tfmd = market.amm.total_fee_minus_distributions
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.fee_pool.scaled_balance == 1821000000000
    assert market.pnl_pool.scaled_balance == 381047000000000
    assert spot.revenue_pool.scaled_balance == 100 * SBP
    assert market.amm.total_fee_withdrawn == 161959731500
    assert market.amm.total_fee_minus_distributions == tfmd
    assert market.insurance_claim.revenue_withdraw_since_last_settle == 0
    assert market.insurance_claim.last_revenue_withdraw_ts == 0


def test_update_pool_balances_revenue_to_fee_new_market() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_revenue_to_fee_new_market
    market = PerpMarket(
        amm=AMM(base_asset_reserve=6165301473685, quote_asset_reserve=6165301473685, sqrt_k=6165301473685,
                peg_multiplier=324000000, total_exchange_fee=26000, total_fee=26000,
                total_fee_minus_distributions=26000, curve_update_intensity=100),
        insurance_claim=InsuranceClaim(quote_max_insurance=5000 * Q, max_revenue_withdraw_per_period=50 * Q))
    spot = quote_market(deposit_balance=200 * SBP, revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    ex.update_pool_balances(market, spot, 0, 0, NOW)
    assert market.amm.fee_pool.scaled_balance == 50_000_000_000  # $50 pulled from the revenue pool
    assert market.pnl_pool.scaled_balance == 0
    assert spot.revenue_pool.scaled_balance == 50_000_000_000
    assert market.amm.total_fee_withdrawn == 0
    assert market.amm.total_fee_minus_distributions == 50_026_000
    assert market.insurance_claim.revenue_withdraw_since_last_settle == 50_000_000
    assert market.insurance_claim.last_revenue_withdraw_ts == NOW


def test_calculate_revenue_pool_transfer() -> None:
    # programs/drift/src/controller/amm/tests.rs::revenue_pool_transfer_tests::test_calculate_revenue_pool_transfer
    market = PerpMarket()
    spot = quote_market(deposit_balance=20020 * SBP, revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    claim = market.insurance_claim
    amm = market.amm

    def transfer(fee_pool_after: int, surplus: int) -> int:
        return ex.calculate_revenue_pool_transfer(market, spot, fee_pool_after, surplus)

    assert transfer(0, 0) == 0
    assert transfer(0, 1) == 0
    claim.max_revenue_withdraw_per_period = Q
    assert transfer(0, 1) == -1_000_000
    claim.max_revenue_withdraw_per_period = 100 * Q
    assert transfer(0, 1) == -100_000_000
    claim.max_revenue_withdraw_per_period = 1000 * Q
    assert transfer(0, 1) == -100_000_000  # the whole revenue pool
    assert transfer(0, 1000 * Q) == 0
    amm.net_revenue_since_last_funding = 1000 * Q
    amm.total_fee_withdrawn = 500 * Q
    amm.total_liquidation_fee = 300 * Q
    claim.quote_max_insurance = 100 * Q
    claim.quote_settled_insurance = 50 * Q
    claim.revenue_withdraw_since_last_settle = 200 * Q
    claim.max_revenue_withdraw_per_period = 500 * Q
    assert transfer(300 * Q, 1000 * Q) == 0
    claim.max_revenue_withdraw_per_period = 20 * Q
    claim.revenue_withdraw_since_last_settle = 0
    assert transfer(300 * Q, -500 * Q) == -20_000_000
    claim.max_revenue_withdraw_per_period = 0
    assert transfer(300 * Q, -500 * Q) == 0
    claim.max_revenue_withdraw_per_period = 20 * Q
    amm.total_social_loss = 100 * Q
    amm.total_exchange_fee = 3000 * Q
    assert transfer(500 * Q, 1000 * Q) == 20_000_000
    claim.max_revenue_withdraw_per_period = 1000 * Q
    assert transfer(500 * Q, 1000 * Q) == 150_000_000
    amm.total_liquidation_fee = 800 * Q
    assert transfer(500 * Q, 1000 * Q) > 0
    amm.total_liquidation_fee = 200 * Q
    assert transfer(500 * Q, 1000 * Q) == 500 * Q - 100 * Q - ex.FEE_POOL_TO_REVENUE_POOL_THRESHOLD
    amm.total_social_loss = 600 * Q
    assert transfer(500 * Q, 1000 * Q) == 0
    claim.max_revenue_withdraw_per_period = 40 * Q
    amm.total_social_loss = 100 * Q
    assert transfer(500 * Q, 1000 * Q) == 40_000_000
    claim.max_revenue_withdraw_per_period = 1000 * Q
    assert transfer(500 * Q, 1000 * Q) == 150_000_000
    spot.revenue_pool.scaled_balance = 15000 * SBP
    assert transfer(500 * Q, -1000 * Q) == -1_000_000_000
    claim.max_revenue_withdraw_per_period = 2000 * Q
    assert transfer(500 * Q, -1000 * Q) == -1_250_000_000


def _withdraw_ts_market(tfmd: int) -> PerpMarket:
    return PerpMarket(
        amm=AMM(net_revenue_since_last_funding=169 * Q, total_fee_minus_distributions=tfmd,
                total_exchange_fee=420420420420, fee_pool=PoolBalance(scaled_balance=81000 * SBP)),
        pnl_pool=PoolBalance(scaled_balance=10000 * SBP),
        insurance_claim=InsuranceClaim(max_revenue_withdraw_per_period=65_000_000, quote_max_insurance=1000))


@pytest.mark.parametrize("tfmd, deposits, revenue_after", [
    # programs/drift/src/controller/amm/tests.rs::revenue_pool_transfer_tests::test_update_postive_last_revenue_withdraw_ts  # noqa: E501
    (1420420420420, 20020, (10065000000000, 10065000000000, 10065000000000, 10065000169000)),
    # programs/drift/src/controller/amm/tests.rs::revenue_pool_transfer_tests::test_update_negative_last_revenue_withdraw_ts  # noqa: E501
    (-6969696969, 20020000, (9935000000000, 9935000000000, 9870000000000, None)),
])
def test_last_revenue_withdraw_ts(tfmd: int, deposits: int, revenue_after: tuple) -> None:
    market = _withdraw_ts_market(tfmd)
    spot = quote_market(deposit_balance=deposits * SBP, deposit_token_twap=deposits * Q,
                        revenue_pool=PoolBalance(scaled_balance=10000 * SBP), decimals=6,
                        insurance_fund=ex.InsuranceFund(revenue_settle_period=3600))
    assert ex.update_pool_balances(market, spot, 0, -100, 100) == -100
    assert market.insurance_claim.last_revenue_withdraw_ts == 100
    assert spot.revenue_pool.scaled_balance == revenue_after[0]
    # the revenue pool has not settled since: the per-period counter is not reset
    assert ex.update_pool_balances(market, spot, 0, -100, 10000) == -100
    assert market.insurance_claim.last_revenue_withdraw_ts == 100
    assert spot.revenue_pool.scaled_balance == revenue_after[1]
    spot.insurance_fund.last_revenue_settle_ts = 3600 + 100
    market.amm.net_revenue_since_last_funding = -169
    assert ex.update_pool_balances(market, spot, 0, -100, 10000) == -100
    assert spot.revenue_pool.scaled_balance == revenue_after[2]
    if revenue_after[3] is None:
        assert market.insurance_claim.last_revenue_withdraw_ts == 10000
        return
    assert market.insurance_claim.last_revenue_withdraw_ts == 100  # negative hourly revenue: nothing sent
    spot.insurance_fund.last_revenue_settle_ts = 3600 + 100
    market.amm.net_revenue_since_last_funding = 169
    assert ex.update_pool_balances(market, spot, 0, -100, 10000) == -100
    assert market.insurance_claim.last_revenue_withdraw_ts == 10000
    assert spot.revenue_pool.scaled_balance == revenue_after[3]


# ------------------------------------------------------------------------------------------------ errors


def test_clock_before_revenue_settle_is_rejected() -> None:
    market = _withdraw_ts_market(1420420420420)
    spot = quote_market(deposit_balance=20020 * SBP, deposit_token_twap=20020 * Q, decimals=6,
                        insurance_fund=ex.InsuranceFund(last_revenue_settle_ts=5000))
    with pytest.raises(ex.BlockchainClockInconsistency):
        ex.update_pool_balances(market, spot, 0, 0, 4999)


def test_withdrawn_above_period_max_is_casting_failure() -> None:
    market = PerpMarket(insurance_claim=InsuranceClaim(max_revenue_withdraw_per_period=10,
                                                       revenue_withdraw_since_last_settle=11))
    spot = quote_market(revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    with pytest.raises(ex.CastingFailure):
        ex.calculate_revenue_pool_transfer(market, spot, 0, -1000 * Q)


def test_settle_rev_pool_paused() -> None:
    market = PerpMarket(paused_operations=int(ex.PerpOperation.SettleRevPool),
                        insurance_claim=InsuranceClaim(max_revenue_withdraw_per_period=Q))
    spot = quote_market(revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    assert ex.calculate_revenue_pool_transfer(market, spot, 0, -1000 * Q) == 0


def _user_with_position(market_index: int, isolated_deposit: int = 0) -> ex.User:
    user = ex.User()
    user.perp_positions[0] = ex.PerpPosition(market_index=market_index, base_asset_amount=1,
                                             isolated_position_scaled_balance=isolated_deposit)
    return user


def test_update_pnl_pool_and_user_balance() -> None:
    market = PerpMarket(market_index=1, pnl_pool=PoolBalance(scaled_balance=50 * SBP))
    spot = quote_market(deposit_balance=100 * SBP, decimals=6)  # $1 is SBP at 6 decimals
    user = _user_with_position(1)
    # a profit larger than the pool cannot be settled here at all
    with pytest.raises(ex.InsufficientPerpPnlPool):
        ex.update_pnl_pool_and_user_balance(market, spot, user, 51 * Q)
    assert ex.update_pnl_pool_and_user_balance(market, spot, user, 20 * Q) == 20 * Q
    assert tokens(market.pnl_pool, spot) == 30 * Q
    assert user.get_quote_spot_position().get_signed_token_amount(spot) == 20 * Q
    assert ex.update_pnl_pool_and_user_balance(market, spot, user, -5 * Q) == -5 * Q
    assert tokens(market.pnl_pool, spot) == 35 * Q
    assert user.get_quote_spot_position().get_signed_token_amount(spot) == 15 * Q
    assert ex.update_pnl_pool_and_user_balance(market, spot, user, 0) == 0
    with pytest.raises(ex.UserHasNoPositionInMarket):
        ex.update_pnl_pool_and_user_balance(market, spot, ex.User(), Q)


def test_isolated_position_needs_collateral_for_losses() -> None:
    market = PerpMarket(market_index=1, pnl_pool=PoolBalance(scaled_balance=50 * SBP))
    spot = quote_market(deposit_balance=100 * SBP, decimals=6)  # $1 is SBP at 6 decimals
    user = _user_with_position(1, isolated_deposit=3 * SBP)
    user.perp_positions[0].position_flag = int(ex.PositionFlag.IsolatedPosition)
    with pytest.raises(ex.InsufficientCollateral):
        ex.update_pnl_pool_and_user_balance(market, spot, user, -4 * Q)
    assert ex.update_pnl_pool_and_user_balance(market, spot, user, -3 * Q) == -3 * Q
    assert user.perp_positions[0].isolated_position_scaled_balance == 0
    assert tokens(market.pnl_pool, spot) == 53 * Q


# ------------------------------------------------------------------------------------------------ properties


@given(st.integers(-10**9, 10**9), st.integers(0, 10**9), st.integers(0, 10**6), st.integers(-10**10, 10**10))
def test_pool_settlement_conserves_quote(pnl: int, pnl_pool: int, fee_pool: int, tfmd: int) -> None:
    market = short_heavy_market(total_fee_minus_distributions=tfmd, fee_pool=PoolBalance(scaled_balance=fee_pool * SBP))
    market.pnl_pool = PoolBalance(scaled_balance=pnl_pool * SBP)
    spot = quote_market(deposit_balance=10**19, deposit_token_twap=10**16)
    before = tokens(market.pnl_pool, spot) + tokens(market.amm.fee_pool, spot)
    settled = ex.update_pool_balances(market, spot, 0, pnl, NOW)
    after = tokens(market.pnl_pool, spot) + tokens(market.amm.fee_pool, spot)
    # what the user receives leaves the pools; what the user pays lands in them
    assert after == before - settled
    if pnl > 0:
        assert 0 <= settled <= min(pnl, before)
    else:
        assert pnl <= settled <= 0


# ------------------------------------------------------------------------------------------- expiry


def btc_future(**fields: int) -> PerpMarket:
    """``PerpMarket::default_btc_test()`` (state/perp_market.rs): users short 1 BTC entered at $19,000, oracle
    $19,400, expiring at ts 100."""
    hist = ex.HistoricalOracleData(last_oracle_price=19400 * Q, last_oracle_price_twap=19400 * Q,
                                   last_oracle_price_twap_5min=19400 * Q, last_oracle_price_twap_ts=1662800000)
    amm = AMM(base_asset_reserve=65 * R, quote_asset_reserve=63015384615, terminal_quote_asset_reserve=64 * R,
              sqrt_k=64 * R, peg_multiplier=19_400_000_000, concentration_coef=ex.MAX_CONCENTRATION_COEFFICIENT,
              max_base_asset_reserve=90 * R, min_base_asset_reserve=45 * R, base_asset_amount_with_amm=-R,
              base_asset_amount_short=-R, mark_std=Q, quote_asset_amount=19_000_000_000, historical_oracle_data=hist,
              last_mark_price_twap_ts=1662800000, curve_update_intensity=100, base_spread=250, max_spread=975,
              funding_period=3600, last_oracle_valid=True, order_step_size=1)
    return PerpMarket(amm=amm, margin_ratio_initial=1000, margin_ratio_maintenance=500, expiry_ts=100, **fields)


def usdc(**fields: int) -> SpotMarket:
    return quote_market(decimals=6, deposit_balance=1000 * SBP, **fields)


def test_settle_expired_market_by_hand() -> None:
    market = btc_future()
    ex.settle_expired_market(market, usdc(), 100)
    # best = -(19000e6 - 0) * 1e9 / -1e9 = $19,000; net short settles at max(best, target) + 1
    assert market.expiry_price == 19_400_000_001
    assert market.status == ex.MarketStatus.Settlement
    # the short closes at the expiry price: value = -1e9 * 19400000001 / 1e9, realising -$400.000001
    position = ex.PerpPosition(base_asset_amount=-R, quote_asset_amount=19_000 * Q, quote_entry_amount=19_000 * Q)
    value = ex.calculate_base_asset_value_with_expiry_price(position, market.expiry_price)
    assert value == -19_400_000_001
    pnl = ex.update_position_and_market(position, market, ex.PositionDelta(quote_asset_amount=value,
                                                                           base_asset_amount=R))
    assert pnl == -400_000_001


def test_settle_expired_market_moves_fee_budget_to_pnl_pool() -> None:
    market = btc_future()
    market.amm.total_fee_minus_distributions = 10 * Q
    market.amm.fee_pool.scaled_balance = 10 * SBP
    spot = usdc()
    sqrt_k = market.amm.sqrt_k
    ex.settle_expired_market(market, spot, 100)
    assert tokens(market.amm.fee_pool, spot) == 0
    assert tokens(market.pnl_pool, spot) == 10 * Q
    assert market.amm.sqrt_k > sqrt_k  # the budget buys a deeper curve
    assert 0 <= market.amm.total_fee_minus_distributions < 10 * Q


def test_settle_expired_market_errors() -> None:
    with pytest.raises(ex.MarketSettlementAttemptOnActiveMarket):
        market = btc_future()
        market.expiry_ts = 0
        ex.settle_expired_market(market, usdc(), 100)
    with pytest.raises(ex.MarketSettlementAttemptTooEarly):
        ex.settle_expired_market(btc_future(), usdc(), 99)
    market = btc_future()
    market.amm.base_asset_amount_with_unsettled_lp = 1
    with pytest.raises(ex.MarketSettlementRequiresSettledLP):
        ex.settle_expired_market(market, usdc(), 100)
    with pytest.raises(ex.UnsupportedSpotMarket):
        ex.settle_expired_market(btc_future(), quote_market(decimals=9), 100)
    market = btc_future()
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = 0
    with pytest.raises(ex.MarketSettlementTargetPriceInvalid):
        ex.settle_expired_market(market, usdc(), 100)


@pytest.mark.parametrize("target", [0, 1, 1_000_000])
def test_prediction_market_settles_at_its_outcome(target: int) -> None:
    # a prediction market resolved to NO (0 -> the smallest positive price 1) or YES ($1): with a funded pool
    # the expiry price is the target moved one unit against the users' net side
    market = btc_future()
    market.contract_type = ex.ContractType.Prediction
    market.amm.base_asset_amount_with_amm = 10 * R  # users net long 10 shares bought at $0.40
    market.amm.quote_asset_amount = -4 * Q
    price = max(target, 1)
    # best = -(-4e6 - 100e6) * 1e9 / 10e9 = $10.40, above any outcome: the longs settle at the outcome - 1
    assert ex.calculate_expiry_price(market.amm, price, 100 * Q) == price - 1
    # an unfunded market caps the longs' price at what the shorts paid in: -(-4e6 - 0) * 1e9 / 10e9 = $0.40
    assert ex.calculate_expiry_price(market.amm, 1_000_000, 0) == 400_000 - 1
    assert market.is_prediction_market()


def test_unrealized_pnl_max_imbalance_discounts_winners() -> None:
    # users short 1 BTC from $19,000 (PerpMarket::default_btc_test); at $17,501 they are up $1,499
    # (programs/drift/src/math/amm/tests.rs::calculate_net_user_pnl_test)
    market = btc_future(unrealized_pnl_initial_asset_weight=10_000, unrealized_pnl_maintenance_asset_weight=10_000,
                        unrealized_pnl_max_imbalance=1_000 * Q)
    market.amm.historical_oracle_data.last_oracle_price = 17_501 * Q
    assert ex.calculate_net_user_pnl(market.amm, 17_501 * Q) == 1_499 * Q
    initial = ex.MarginRequirementType.Initial
    # the pool can be short at most $1,000 of winners' P&L: initial weight scales by 1000 / 1499
    assert market.get_unrealized_asset_weight(50 * Q, initial) == 10_000 * 1_000 // 1_499
    assert market.get_unrealized_asset_weight(50 * Q, ex.MarginRequirementType.Maintenance) == 10_000
    assert market.get_unrealized_asset_weight(-50 * Q, initial) == ex.SPOT_WEIGHT_PRECISION
    # back at $19,400 the users are down $400: no discount
    market.amm.historical_oracle_data.last_oracle_price = 19_400 * Q
    assert market.get_unrealized_asset_weight(50 * Q, initial) == 10_000


def test_update_pool_balances_revenue_to_fee() -> None:
    # programs/drift/src/controller/amm/tests.rs::update_pool_balances_revenue_to_fee_test
    market = short_heavy_market(total_exchange_fee=10 * Q, total_fee=10 * Q, total_mm_fee=990 * Q,
                                total_fee_minus_distributions=-(10_000 * Q),
                                fee_pool=PoolBalance(scaled_balance=50 * SBP))
    market.pnl_pool = PoolBalance(scaled_balance=50 * SBP)
    now = NOW
    spot = quote_market(deposit_balance=200 * SBP, revenue_pool=PoolBalance(scaled_balance=100 * SBP), decimals=6)
    assert ex.settle_revenue_to_insurance_fund(0, 0, spot, now + 3600, True) == 0
    spot.insurance_fund.revenue_settle_period = 1
    spot.revenue_pool.scaled_balance = 0
    assert ex.settle_revenue_to_insurance_fund(200_000_000, 0, spot, now + 1, False) == 0
    spot.revenue_pool.scaled_balance = 100 * SBP
    now += 2
    tfmd = market.amm.total_fee_minus_distributions

    def state() -> tuple[int, int, int, int, int]:
        return (market.amm.fee_pool.scaled_balance, market.pnl_pool.scaled_balance, spot.revenue_pool.scaled_balance,
                market.amm.total_fee_minus_distributions, market.amm.total_fee_withdrawn)

    ex.update_pool_balances(market, spot, 0, 0, now)
    assert state() == (5 * SBP, 95 * SBP, 100 * SBP, tfmd, 0)
    assert market.insurance_claim.revenue_withdraw_since_last_settle == 0
    assert market.insurance_claim.last_revenue_withdraw_ts == 0

    market.insurance_claim.max_revenue_withdraw_per_period = 100_000_000 * 2
    ex.update_pool_balances(market, spot, 0, 0, now)
    assert state() == (105 * SBP, 95 * SBP, 0, -9_900_000_000, 0)
    assert market.insurance_claim.revenue_withdraw_since_last_settle == 100_000_000
    assert market.insurance_claim.last_revenue_withdraw_ts == now
    assert ex.get_token_amount(spot.deposit_balance, spot, SpotBalanceType.Deposit) == 200_000_000
    ex.update_pool_balances(market, spot, 0, 0, now)  # only the fee pool -> P&L pool step
    assert state() == (5 * SBP, 195 * SBP, 0, -9_900_000_000, 0)
    ex.update_pool_balances(market, spot, 0, 0, now)
    assert state() == (5 * SBP, 195 * SBP, 0, -9_900_000_000, 0)

    assert spot.deposit_balance == 200 * SBP
    spot.revenue_pool.scaled_balance = 9_900_000_001_000
    backup = (copy.deepcopy(market), copy.deepcopy(spot))
    with pytest.raises(ex.DriftError):  # a revenue pool above the deposits
        ex.update_pool_balances(market, spot, 0, 0, now)
    market, spot = backup
    spot.deposit_balance += 9_900_000_001_000
    vault_amount = ex.get_token_amount(spot.deposit_balance, spot, SpotBalanceType.Deposit)
    assert (spot.deposit_balance, vault_amount) == (10_100_000_001_000, 10_100_000_001)

    ex.update_pool_balances(market, spot, 0, 0, now)
    assert state() == (105_000_000_000, 195_000_000_000, 9_800_000_001_000, -9_800_000_000, 0)
    claim = market.insurance_claim
    assert claim.revenue_withdraw_since_last_settle == claim.max_revenue_withdraw_per_period
    assert claim.last_revenue_withdraw_ts == now
    ex.update_pool_balances(market, spot, 0, 0, now)
    assert state() == (5_000_000_000, 295_000_000_000, 9_800_000_001_000, -9_800_000_000, 0)
    ex.update_pool_balances(market, spot, 0, 0, now)  # the period's allowance is used up: nothing moves
    assert state() == (5_000_000_000, 295_000_000_000, 9_800_000_001_000, -9_800_000_000, 0)

    assert spot.insurance_fund.last_revenue_settle_ts == 33928059
    spot.insurance_fund.total_factor = 1
    spot.insurance_fund.revenue_settle_period = 1
    assert ex.settle_revenue_to_insurance_fund(vault_amount, 0, spot, now + 3600, True) == 9_800_000_001
    assert spot.deposit_balance == 300_000_000_000
    assert spot.revenue_pool.scaled_balance == 0
    assert spot.insurance_fund.last_revenue_settle_ts == now + 3600

    spot.revenue_pool.scaled_balance = 9_800_000_001_000
    backup = (copy.deepcopy(market), copy.deepcopy(spot))
    with pytest.raises(ex.DriftError):
        ex.update_pool_balances(market, spot, 0, 0, now + 3600)
    market, spot = backup
    spot.deposit_balance += 9_800_000_000_001
    assert market.insurance_claim.last_revenue_withdraw_ts == 33928060
    with pytest.raises(ex.BlockchainClockInconsistency):  # the clock is before the revenue settle
        ex.update_pool_balances(market, spot, 0, 0, now)
    ex.update_pool_balances(market, spot, 0, 0, now + 3600)
    assert market.insurance_claim.last_revenue_withdraw_ts == 33931660
    assert spot.insurance_fund.last_revenue_settle_ts == 33931660
    assert state() == (205_000_000_000, 295_000_000_000, 9_600_000_001_000, -9_600_000_000, 0)
    claim = market.insurance_claim
    assert claim.revenue_withdraw_since_last_settle == claim.max_revenue_withdraw_per_period
