"""Spot lending (math/spot_balance.rs, controller/spot_balance.rs): the program's test numbers, its errors, invariants.

Numbers are the assertions of protocol-v2 v2.161.0's Rust tests, cited per test; hand derivations are in comments.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    INTEREST_RATE_SEGMENT_AND_WEIGHTS,
    ONE_YEAR,
    QUOTE_PRECISION,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    HistoricalOracleData,
    MarketStatus,
    OracleSource,
    PerpPosition,
    PoolBalance,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
)

CI = SPOT_CUMULATIVE_INTEREST_PRECISION
SB = SPOT_BALANCE_PRECISION
Deposit, Borrow = SpotBalanceType.Deposit, SpotBalanceType.Borrow


def usdc_market(**overrides: object) -> SpotMarket:
    """The quote market most controller/spot_balance tests start from."""
    fields: dict[str, object] = dict(
        market_index=0, oracle_source=OracleSource.QuoteAsset, cumulative_deposit_interest=CI,
        cumulative_borrow_interest=CI, decimals=6, initial_asset_weight=10000, maintenance_asset_weight=10000,
        status=MarketStatus.Active)
    fields.update(overrides)
    return SpotMarket(**fields)  # type: ignore[arg-type]


def tokens(market: SpotMarket) -> tuple[int, int, int]:
    """(deposit, borrow, revenue pool) token amounts."""
    return (ex.get_token_amount(market.deposit_balance, market, Deposit),
            ex.get_token_amount(market.borrow_balance, market, Borrow),
            ex.get_token_amount(market.revenue_pool.scaled_balance, market, Deposit))


# ---------------------------------------------------------------------------------------------- balances


def test_bonk_round_trip() -> None:
    # programs/drift/src/math/spot_balance/tests.rs::bonk
    market = usdc_market(decimals=5)
    one_bonk = 10**5
    balance = ex.get_spot_balance(one_bonk, market, Deposit, False)
    assert balance == one_bonk * 10**14 // CI == 10**9
    assert ex.get_token_amount(balance, market, Deposit) == one_bonk


def test_deposit_rounds_down_and_borrow_rounds_up_by_hand() -> None:
    # 6 decimals: token = balance * ci / 1e13. balance 1e9 + 1 at ci = 1.5e10: 1.5e19 + 1.5e10 over 1e13
    # = 1500000.0015 -> deposit 1500000, borrow 1500001
    market = usdc_market(cumulative_deposit_interest=15 * CI // 10, cumulative_borrow_interest=15 * CI // 10)
    assert ex.get_token_amount(SB + 1, market, Deposit) == 1_500_000
    assert ex.get_token_amount(SB + 1, market, Borrow) == 1_500_001
    # back: 1_500_000 tokens * 1e13 / 1.5e10 = 1e9 exactly; round_up adds 1 to a non-zero balance only
    assert ex.get_spot_balance(1_500_000, market, Deposit, False) == SB
    assert ex.get_spot_balance(1_500_000, market, Borrow, True) == SB + 1
    assert ex.get_spot_balance(0, market, Borrow, True) == 0


def test_signed_token_amount_and_interest_tokens() -> None:
    assert ex.get_signed_token_amount(5, Deposit) == 5
    assert ex.get_signed_token_amount(5, Borrow) == -5
    # 2e9 scaled * 3e6 interest / 1e13 = 600 tokens (6 decimals)
    assert ex.get_interest_token_amount(2 * SB, usdc_market(), 3_000_000) == 600


def test_token_value_rounds_liabilities_down() -> None:
    # 1.5 tokens (6 decimals) at $2.000001: 1_500_000 * 2_000_001 / 1e6 = 3_000_001.5
    assert ex.get_token_value(1_500_000, 6, 2_000_001) == 3_000_001
    assert ex.get_token_value(-1_500_000, 6, 2_000_001) == -3_000_002
    strict = ex.StrictOraclePrice(current=2_000_001, twap_5min=1_900_000)
    assert ex.get_strict_token_value(1_500_000, 6, strict) == 2_850_000  # assets at the lower price
    assert ex.get_strict_token_value(-1_500_000, 6, strict) == -3_000_002  # liabilities at the higher one


def test_utilization_edges() -> None:
    assert ex.calculate_utilization(0, 0) == 0
    assert ex.calculate_utilization(0, 5) == 1_000_000
    assert ex.calculate_utilization(3, 1) == 333_333


# ---------------------------------------------------------------------------------------------- borrow rate

MULTI_STAGE = usdc_market(deposit_balance=1_000_000 * SB, deposit_token_twap=QUOTE_PRECISION // 2,
                          optimal_utilization=700_000, optimal_borrow_rate=100_000, max_borrow_rate=5_000_000)


@pytest.mark.parametrize(("utilization", "rate"), [
    # linear part: slope = 100000 * 1e6 / 700000 = 142857 (truncated), rate = U * 142857 / 1e6
    (0, 0), (350_000, 49_999), (700_000, 99_999),
    # above 70%: (R_max - R_opt) = 4.9e6 shared 50/100/150/200/250/250 per mille over the segments
    (850_000, 100_000 + 245_000),
    (900_000, 345_000 + 490_000),
    (950_000, 835_000 + 735_000),
    (985_000, 1_570_000 + 980_000 * 35_000 // 40_000),
    (990_000, 1_570_000 + 980_000),
    (995_000, 2_550_000 + 1_225_000),
    (1_000_000, 5_000_000),
])
def test_multi_stage_borrow_rate_curve(utilization: int, rate: int) -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_multi_stage_borrow_rate_curve
    # (70% / 10% / 500%: 0, 49999, 99999, 345000, 835000, 1570000, 2427500, 2550000, 3775000, 5000000)
    assert ex.calculate_borrow_rate(MULTI_STAGE, utilization) == rate


def test_multi_stage_curve_has_five_slope_jumps() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_multi_stage_borrow_rate_curve: over 0.5% steps the
    # rate never decreases, its step shrinks by at most 1, and the step grows by more than 1 exactly five times
    last_rate = last_delta = jumps = 0
    for i in range(201):
        rate = ex.calculate_borrow_rate(MULTI_STAGE, i * 5_000)
        delta = rate - last_rate
        assert rate >= last_rate
        assert delta >= max(last_delta - 1, 0)
        if delta > last_delta + 1 and last_delta != 0:
            jumps += 1
        last_rate, last_delta = rate, delta
    assert jumps == 5


def test_multi_stage_borrow_rate_curve_sol() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::test_multi_stage_borrow_rate_curve_sol: the market account
    # in that test (base64) decodes to optimal_utilization 800000, optimal_borrow_rate 20000, max 500000, min 0
    sol = SpotMarket(decimals=9, optimal_utilization=800_000, optimal_borrow_rate=20_000, max_borrow_rate=500_000)
    assert ex.calculate_borrow_rate(sol, 845_000) == 41_600  # 20000 + 24000 * 45000 / 50000
    assert ex.calculate_borrow_rate(sol, 985_000) == 248_000
    assert ex.calculate_borrow_rate(sol, 1_000_000) == 500_000
    assert abs(ex.calculate_borrow_rate(sol, 800_000) - 20_000) <= 1


def test_min_borrow_rate_is_in_half_percent_steps() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::check_spot_market_min_borrow_rate
    market = usdc_market(deposit_balance=100_000_000 * SB, deposit_token_twap=QUOTE_PRECISION // 2,
                         historical_oracle_data=HistoricalOracleData(
                             last_oracle_price=QUOTE_PRECISION, last_oracle_price_twap=QUOTE_PRECISION,
                             last_oracle_price_twap_5min=QUOTE_PRECISION))
    now = 30
    assert market.get_deposits() == 100_000_000 * QUOTE_PRECISION
    assert ex.calculate_accumulated_interest(market, now + 10_000) == ex.InterestAccumulated(0, 0)
    market.min_borrow_rate = 1
    assert ex.calculate_accumulated_interest(market, now + 10_000) == ex.InterestAccumulated(0, 0)  # no borrows
    market.borrow_balance = market.deposit_balance // 100
    assert market.get_min_borrow_rate() == 5_000
    # 1% utilization, rate 0.5%: cbi * 5000 * 10030 / ONE_YEAR / 1e6 + 1 = 15903; deposits get rate * 1%
    assert ex.calculate_accumulated_interest(market, now + 10_000) == ex.InterestAccumulated(15_903, 159)
    assert CI * 5_000 * 10_030 // ONE_YEAR // 10**6 + 1 == 15_903
    market.min_borrow_rate = 10
    assert ex.calculate_accumulated_interest(market, now + 10_000) == ex.InterestAccumulated(159_025, 1_590)
    assert ex.calculate_accumulated_interest(market, now + 1_000_000) == ex.InterestAccumulated(15_855_372, 158_553)
    market.min_borrow_rate = 200
    assert ex.calculate_accumulated_interest(market, now + 1_000_000) == ex.InterestAccumulated(317_107_433,
                                                                                                3_171_074)


def test_deposit_rate_takes_out_the_insurance_factor() -> None:
    # br * (1e6 - total_factor) * U / 1e6 / 1e6: 10% at 50% utilization with a 10% IF take -> 4.5%
    market = SpotMarket(insurance_fund=ex.InsuranceFund(total_factor=100_000))
    assert ex.calculate_deposit_rate(market, 500_000, 100_000) == 45_000


# ---------------------------------------------------------------------------------------------- accrual


def test_check_fee_collection_larger_nums() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::check_fee_collection_larger_nums
    market = usdc_market(status=MarketStatus.Initialized, deposit_balance=1_000_000 * SB,
                         deposit_token_twap=QUOTE_PRECISION // 2, optimal_utilization=500_000,
                         optimal_borrow_rate=20 * 10**6, max_borrow_rate=50 * 10**6)
    market.insurance_fund.user_factor = 90_000
    market.insurance_fund.total_factor = 100_000
    position = SpotPosition()

    ex.update_spot_balances(540_510 * QUOTE_PRECISION, Borrow, market, position, False)
    assert market.deposit_balance == 1_000_000 * SB
    assert market.borrow_balance == 540_510_000_000_001
    assert position.balance_type == Borrow and position.scaled_balance == 540_510_000_000_001

    ex.update_spot_market_cumulative_interest(market, None, 100)
    assert ex.calculate_borrow_rate(market, market.get_utilization()) == 20_173_678
    assert market.revenue_pool.scaled_balance == 3_457_492_406
    assert market.cumulative_deposit_interest == 10_000_311_188
    assert market.cumulative_borrow_interest == 10_000_639_702
    assert (market.last_interest_ts, market.last_twap_ts, market.utilization_twap) == (100, 100, 624)
    d1, b1, r1 = tokens(market)
    assert (d1, b1, r1) == (1_000_034_576_399, 540_544_576_533, 3_457_599)

    ex.update_spot_market_cumulative_interest(market, None, 7_500)
    assert (market.last_interest_ts, market.last_twap_ts, market.utilization_twap) == (7_500, 7_500, 46_964)
    assert market.cumulative_deposit_interest == 10_023_340_555
    assert market.cumulative_borrow_interest == 10_047_980_763
    assert market.revenue_pool.scaled_balance == 258_744_322_775
    d2, b2, r2 = tokens(market)
    assert (d2, b2, r2) == (1_002_593_403_746, 543_103_408_221, 259_348_246)
    assert (b2 - b1) - (d2 - d1) == 4_341

    now = 750 + 60 * 60 * 24 * 365
    ex.update_spot_market_cumulative_interest(market, None, now)
    assert market.get_utilization() == 961_580
    assert market.cumulative_deposit_interest == 108_608_729_074
    assert market.cumulative_borrow_interest == 212_759_822_472
    assert market.revenue_pool.scaled_balance == 101_141_669_831_135
    d3, b3, r3 = tokens(market)
    assert (d3, b3, r3) == (11_959_359_729_078, 11_499_881_164_435, 1_098_486_821_678)
    assert (b3 - b2, d3 - d2) == (10_956_777_756_214, 10_956_766_325_332)

    # only half of the depositors' available claim is settled to protect the vault
    market.insurance_fund.revenue_settle_period = 1
    settled = ex.settle_revenue_to_insurance_fund(d3, r3, market, now + 60, True)
    assert settled == 229_739_282_275
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (0, 0)
    assert r3 - settled == 868_747_539_403
    assert market.revenue_pool.scaled_balance == 79_996_002_243_946
    assert market.utilization_twap == 961_580
    d4, b4, r4 = tokens(market)
    assert d4 - b4 == 229_739_282_275
    assert r4 == 868_870_384_546


def test_check_fee_collection() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::check_fee_collection
    market = usdc_market(deposit_balance=SB, deposit_token_twap=QUOTE_PRECISION, optimal_utilization=500_000,
                         optimal_borrow_rate=20 * 10**6, max_borrow_rate=50 * 10**6)
    market.insurance_fund.user_factor = 900
    market.insurance_fund.total_factor = 1_000
    user = ex.User()
    user.spot_positions[1] = SpotPosition(market_index=1, balance_type=Deposit, scaled_balance=SB)

    ex.update_spot_balances_and_cumulative_deposits_with_limits(QUOTE_PRECISION // 8, Borrow, market, user)
    assert (user.total_deposits, user.total_withdraws) == (0, 0)
    assert (market.deposit_balance, market.borrow_balance, market.utilization_twap) == (SB, 125_000_001, 0)

    ex.update_spot_market_cumulative_interest(market, None, 100)
    assert market.revenue_pool.scaled_balance == 0
    assert market.cumulative_deposit_interest == 10_000_019_799
    assert market.cumulative_borrow_interest == 10_000_158_551
    assert (market.last_interest_ts, market.last_twap_ts, market.utilization_twap) == (100, 100, 143)
    assert tokens(market) == (1_000_001, 125_002, 0)

    ex.update_spot_market_cumulative_interest(market, None, 7_500)
    assert market.utilization_twap == 10_846
    assert market.cumulative_deposit_interest == 10_001_484_937
    assert market.cumulative_borrow_interest == 10_011_891_454
    d2, b2, _ = tokens(market)
    assert (d2, b2) == (1_000_148, 125_149)

    now = 750 + 60 * 60 * 24 * 365
    ex.update_spot_market_cumulative_interest(market, None, now)
    assert market.cumulative_deposit_interest == 16_257_818_378
    assert market.cumulative_borrow_interest == 60_112_684_636
    assert market.revenue_pool.scaled_balance == 385_045
    d3, b3, _ = tokens(market)
    if3 = ex.get_token_amount(market.revenue_pool.scaled_balance, market, Borrow)
    assert (d3, b3, if3) == (1_626_407, 751_409, 2_315)
    assert (b3 - b2) - (d3 - d2) == 1
    assert market.utilization_twap == 462_004

    market.insurance_fund.revenue_settle_period = 1
    settled = ex.settle_revenue_to_insurance_fund(d3, if3, market, now + 60, True)
    assert settled == 626
    assert (market.insurance_fund.user_shares, market.insurance_fund.total_shares) == (0, 0)
    assert market.revenue_pool.scaled_balance == 0
    assert market.utilization_twap == 462_005
    assert (market.borrow_token_twap, market.deposit_token_twap) == (751_409, 1_626_407)
    d4, b4, r4 = tokens(market)
    assert (d4 - b4, r4) == (874_373, 0)

    ex.update_spot_market_cumulative_interest(market, None, now + 60 + 60 * 60 * 24)
    d5, b5, _ = tokens(market)
    assert d5 - b5 == 874_373
    assert (market.borrow_token_twap, market.deposit_token_twap, market.utilization_twap) == (789_495, 1_663_868,
                                                                                             474_493)

    ex.update_spot_market_cumulative_interest(market, None, now + 60 * 60 * 24 * 365 * 150)
    d6, b6, _ = tokens(market)
    assert (d6, b6, d6 - b6) == (2_249_289_191, 2_248_415_015, 874_176)
    assert (market.deposit_token_twap, market.borrow_token_twap) == (2_249_289_190, 2_248_415_014)


def test_usdc_spot_market_twap() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::check_usdc_spot_market_twap
    price = QUOTE_PRECISION
    market = usdc_market(deposit_balance=100_000_000 * SB, deposit_token_twap=QUOTE_PRECISION // 2,
                         historical_oracle_data=HistoricalOracleData(
                             last_oracle_price=price, last_oracle_price_twap=price, last_oracle_price_twap_5min=price))
    oracle = ex.OraclePriceData(price=price, confidence=1, delay=0, has_sufficient_number_of_data_points=True)
    now = 30
    ex.update_spot_market_twap_stats(market, oracle, now)
    history = market.historical_oracle_data
    assert history.last_oracle_delay == 0
    assert (history.last_oracle_price_twap, history.last_oracle_price_twap_5min) == (1_000_001, 1_000_001)
    cur_time = 1_679_940_002
    now += cur_time
    ex.update_spot_market_twap_stats(market, oracle, now)
    assert history.last_oracle_price_twap_5min == 1_000_000
    while now < cur_time + 1000:
        now += 1
        ex.update_spot_market_twap_stats(market, oracle, now)
        ex.update_spot_market_twap_stats(market, oracle, now)
    # repeated updates in the same second distort the TWAP upward by the weighted-average bias
    assert (history.last_oracle_price_twap, history.last_oracle_price_twap_5min) == (1_000_001, 1_000_001)

    index = market.historical_index_data
    market.update_historical_index_price(None, None, 7_898)
    assert (index.last_index_price_twap_ts, index.last_index_price_twap, index.last_index_price_twap_5min) == (
        7_898, 0, 0)
    market.update_historical_index_price(price - 79_083, price + 9_174, 1_710_344_006)
    assert (index.last_index_price_twap_5min, index.last_index_price_twap) == (965_044, 965_044)
    market.update_historical_index_price(price - 7, price + 9, 1_710_344_006 + 150)
    assert index.last_index_price_twap_ts == 1_710_344_156
    assert (index.last_index_price_twap_5min, index.last_index_price_twap) == (982_521, 966_501)


def test_isolated_perp_position_balance() -> None:
    # programs/drift/src/controller/spot_balance/tests.rs::isolated_perp_position
    market = usdc_market(deposit_balance=100_000_000 * SB, deposit_token_twap=QUOTE_PRECISION // 2)
    position = PerpPosition(market_index=0, position_flag=ex.PositionFlag.IsolatedPosition)
    ex.update_spot_balances(QUOTE_PRECISION, Deposit, market, position, False)
    assert position.isolated_position_scaled_balance == SB
    assert position.get_isolated_token_amount(market) == QUOTE_PRECISION
    ex.update_spot_balances(QUOTE_PRECISION, Borrow, market, position, False)
    assert position.isolated_position_scaled_balance == 0
    with pytest.raises(ex.CantUpdateSpotBalanceType):
        ex.update_spot_balances(QUOTE_PRECISION, Borrow, market, position, False)


def test_withdrawal_larger_than_deposit_flips_to_borrow() -> None:
    # 1 token deposited at ci = 1: withdrawing 3 closes the deposit (whole balance) then borrows 2 (rounded up)
    market = usdc_market(deposit_balance=10 * SB)
    position = SpotPosition(scaled_balance=SB)
    ex.update_spot_balances(3 * QUOTE_PRECISION, Borrow, market, position, False)
    assert position.balance_type == Borrow
    assert position.scaled_balance == 2 * SB + 1
    assert (market.deposit_balance, market.borrow_balance) == (9 * SB, 2 * SB + 1)


def test_revenue_pool_transfers() -> None:
    market = usdc_market(deposit_balance=10 * SB, revenue_pool=PoolBalance(scaled_balance=2 * SB))
    position = SpotPosition(market_index=0)
    ex.transfer_revenue_pool_to_spot_balance(QUOTE_PRECISION, market, position)
    assert (market.revenue_pool.scaled_balance, position.scaled_balance, market.deposit_balance) == (SB, SB, 10 * SB)
    ex.transfer_spot_balance_to_revenue_pool(QUOTE_PRECISION, market, position)
    assert (market.revenue_pool.scaled_balance, position.scaled_balance) == (2 * SB, 0)


# ---------------------------------------------------------------------------------------------- errors


def test_errors_are_the_programs() -> None:
    with pytest.raises(ex.MathError):  # 19_u32.safe_sub(20)
        ex.get_token_amount(1, usdc_market(decimals=20), Deposit)
    with pytest.raises(ex.MathError):  # cumulative interest 0 divides by zero
        ex.get_spot_balance(1, SpotMarket(decimals=6), Deposit, False)
    with pytest.raises(ex.CastingFailure):
        ex.get_signed_token_amount(2**127, Borrow)
    with pytest.raises(ex.MathError):  # optimal utilization 0 and utilization 0: slope divides by zero
        ex.calculate_borrow_rate(SpotMarket(optimal_utilization=0), 0)
    with pytest.raises(ex.CantUpdateSpotBalanceType):
        PoolBalance().update_balance_type(Borrow)
    with pytest.raises(ex.UnequalMarketIndexForSpotTransfer):
        ex.transfer_spot_balances(1, usdc_market(), SpotPosition(market_index=0), SpotPosition(market_index=1))
    with pytest.raises(ex.CastingFailure):  # a negative price does not cast to u128
        ex.get_balance_value(SpotPosition(scaled_balance=SB), usdc_market(), ex.OraclePriceData(price=-1))


def test_optimal_utilization_above_first_kink_errors_above_optimal() -> None:
    # ../shared/reference/fidelity-notes.md: with U* = 90% > 85% the first segment (U* -> 85%) underflows.
    market = SpotMarket(optimal_utilization=900_000, optimal_borrow_rate=100_000, max_borrow_rate=1_000_000)
    assert ex.calculate_borrow_rate(market, 900_000) == 99_999  # slope 111111 (truncated) * 0.9
    with pytest.raises(ex.MathError):
        ex.calculate_borrow_rate(market, 950_000)


def test_borrow_leaving_drift_beyond_deposits_errors() -> None:
    market = usdc_market(deposit_balance=SB)
    with pytest.raises(ex.SpotMarketInsufficientDeposits):
        ex.update_spot_balances(2 * QUOTE_PRECISION, Borrow, market, SpotPosition(), True)


def test_tiny_borrow_in_a_high_decimal_market_records_no_debt() -> None:
    # get_spot_balance rounds up only a non-zero balance: 9 decimals, cbi = 1.05e10, 1 unit -> 1e10 / 1.05e10 = 0
    market = SpotMarket(decimals=9, cumulative_deposit_interest=CI, cumulative_borrow_interest=105 * CI // 100,
                        deposit_balance=SB)
    position = SpotPosition()
    ex.update_spot_balances(1, Borrow, market, position, False)
    assert position.balance_type == Borrow and position.scaled_balance == 0


# ---------------------------------------------------------------------------------------------- properties

segment_end = INTEREST_RATE_SEGMENT_AND_WEIGHTS[0][0]


@st.composite
def rate_markets(draw: st.DrawFn) -> SpotMarket:
    optimal_rate = draw(st.integers(0, 10**7))
    return SpotMarket(
        optimal_utilization=draw(st.integers(1, segment_end)), optimal_borrow_rate=optimal_rate,
        max_borrow_rate=draw(st.integers(optimal_rate, 2**32 - 1)), min_borrow_rate=draw(st.integers(0, 255)))


@given(rate_markets(), st.integers(0, 10**6), st.integers(0, 10**6))
def test_borrow_rate_monotone_and_bounded(market: SpotMarket, u1: int, u2: int) -> None:
    lo, hi = sorted((u1, u2))
    r_lo, r_hi = ex.calculate_borrow_rate(market, lo), ex.calculate_borrow_rate(market, hi)
    assert r_lo <= r_hi
    min_rate = market.min_borrow_rate * 5_000
    assert max(min_rate, 0) <= r_lo
    assert r_hi <= max(market.max_borrow_rate, min_rate)


@given(rate_markets())
def test_borrow_rate_reaches_max_within_truncation(market: SpotMarket) -> None:
    extra = market.max_borrow_rate - market.optimal_borrow_rate
    full = market.optimal_borrow_rate + sum(extra * w // 1000 for _, w in INTEREST_RATE_SEGMENT_AND_WEIGHTS)
    assert ex.calculate_borrow_rate(market, 10**6) == max(full, market.min_borrow_rate * 5_000)
    assert market.max_borrow_rate - 6 < full <= market.max_borrow_rate  # six truncations, each < 1


decimals = st.integers(0, 19)
interest = st.integers(CI, 50 * CI)


@given(st.integers(0, 2**64 - 1), decimals, interest, interest)
def test_token_amount_rounds_for_the_protocol(balance: int, dec: int, cdi: int, cbi: int) -> None:
    market = SpotMarket(decimals=dec, cumulative_deposit_interest=cdi, cumulative_borrow_interest=cbi)
    precision = 10 ** (19 - dec)
    deposit = ex.get_token_amount(balance, market, Deposit)
    borrow = ex.get_token_amount(balance, market, Borrow)
    assert deposit * precision <= balance * cdi < (deposit + 1) * precision  # floor
    assert (borrow - 1) * precision < balance * cbi <= borrow * precision  # ceiling


@given(st.integers(0, 2**64 - 1), decimals, interest, interest)
def test_round_trip_never_favours_the_user(balance: int, dec: int, cdi: int, cbi: int) -> None:
    market = SpotMarket(decimals=dec, cumulative_deposit_interest=cdi, cumulative_borrow_interest=cbi)
    # a deposit balance is worth tokens that buy back no more balance
    assert ex.get_spot_balance(ex.get_token_amount(balance, market, Deposit), market, Deposit, False) <= balance
    # a borrow balance owes tokens whose repayment (rounded up) covers the whole balance
    owed = ex.get_token_amount(balance, market, Borrow)
    assert ex.get_spot_balance(owed, market, Borrow, True) >= balance


@given(st.integers(1, 2**60), decimals, interest, interest)
def test_new_balances_never_favour_the_user(amount: int, dec: int, cdi: int, cbi: int) -> None:
    market = SpotMarket(decimals=dec, cumulative_deposit_interest=cdi, cumulative_borrow_interest=cbi)
    deposited = ex.get_spot_balance(amount, market, Deposit, False)
    assert ex.get_token_amount(deposited, market, Deposit) <= amount  # cannot withdraw more than deposited
    assume(amount * 10 ** (19 - dec) >= cbi)  # the tiny-borrow exception above: a zero balance is not rounded up
    borrowed = ex.get_spot_balance(amount, market, Borrow, True)
    assert ex.get_token_amount(borrowed, market, Borrow) >= amount  # owes at least what was borrowed


@st.composite
def lending_markets(draw: st.DrawFn) -> SpotMarket:
    optimal_rate = draw(st.integers(0, 10**6))
    deposits = draw(st.integers(1, 10**17))  # token amounts stay within i64, as the TWAP update requires
    cdi = draw(interest)
    return SpotMarket(
        decimals=draw(st.sampled_from([6, 8, 9])), cumulative_deposit_interest=cdi,
        cumulative_borrow_interest=draw(st.integers(cdi, 60 * CI)),
        optimal_utilization=draw(st.integers(1, segment_end)), optimal_borrow_rate=optimal_rate,
        max_borrow_rate=draw(st.integers(optimal_rate, 10**7)), min_borrow_rate=draw(st.integers(0, 20)),
        deposit_balance=deposits, borrow_balance=draw(st.integers(0, deposits)),
        insurance_fund=ex.InsuranceFund(total_factor=draw(st.integers(0, 10**6))))


@settings(max_examples=200)
@given(lending_markets(), st.lists(st.integers(0, 10**7), min_size=1, max_size=4))
def test_interest_indexes_never_decrease_and_accrual_is_funded(market: SpotMarket, steps: list[int]) -> None:
    assume(market.get_utilization() <= 10**6)
    now = 0
    for step in steps:
        if market.get_utilization() > 10**6:
            break  # borrows can outgrow deposits at full utilization; the dust bound below assumes U <= 100%
        now += step
        before = (market.cumulative_deposit_interest, market.cumulative_borrow_interest,
                  market.revenue_pool.scaled_balance)
        deposits, borrows = market.get_deposits(), market.get_borrows()
        rate = ex.calculate_borrow_rate(market, market.get_utilization()) if borrows else 0
        ex.update_spot_market_cumulative_interest(market, None, now)
        assert market.cumulative_deposit_interest >= before[0]
        assert market.cumulative_borrow_interest >= before[1]
        assert market.revenue_pool.scaled_balance >= before[2]
        # Depositors (revenue pool included) gain no more tokens than borrowers owe, up to dust: utilization is
        # taken from rounded token amounts (borrows up, deposits down), which can overstate it by about
        # 1/borrow_tokens, worth at most ~2 token units per 100% of interest accrued, plus two roundings.
        accrued = rate * step // (ONE_YEAR * 10**6)
        assert market.get_deposits() - deposits <= market.get_borrows() - borrows + 2 * accrued + 4


def test_dust_market_credits_depositors_more_than_borrowers_pay() -> None:
    # 2 scaled deposit units are 0 tokens and 1 borrow unit is 1 token (rounded up), so utilization reads 100%
    # and both indexes grow alike: depositors' claim grows by 2 * 3 index units, borrowers' by 1 * 4
    market = SpotMarket(decimals=6, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                        optimal_utilization=1, min_borrow_rate=1, deposit_balance=2, borrow_balance=1)
    assert market.get_utilization() == 10**6
    ex.update_spot_market_cumulative_interest(market, None, 2)
    assert (market.cumulative_deposit_interest - CI, market.cumulative_borrow_interest - CI) == (3, 4)
    assert 2 * 3 > 1 * 4


def test_update_spot_market_and_check_validity() -> None:
    # a $100 market with a fresh oracle passes for Liquidate (the action liquidations pass); with no action only
    # Valid passes, and with the program's default immediate override (0) a reading is always StaleForAMM
    def market() -> SpotMarket:
        return SpotMarket(market_index=1, decimals=9, cumulative_deposit_interest=CI, cumulative_borrow_interest=CI,
                          asset_tier=ex.AssetTier.Collateral, historical_oracle_data=HistoricalOracleData(
                              last_oracle_price=100 * QUOTE_PRECISION, last_oracle_price_twap=100 * QUOTE_PRECISION,
                              last_oracle_price_twap_5min=100 * QUOTE_PRECISION))
    rails = ex.OracleGuardRails().validity
    fresh = ex.OraclePriceData(price=100 * QUOTE_PRECISION, confidence=1, has_sufficient_number_of_data_points=True)
    checked = market()
    ex.update_spot_market_and_check_validity(checked, fresh, rails, 10, ex.DriftAction.Liquidate)
    assert checked.last_twap_ts == 10
    with pytest.raises(ex.InvalidOracle):
        ex.update_spot_market_and_check_validity(market(), fresh, rails, 10, None)
    volatile = ex.OraclePriceData(price=1000 * QUOTE_PRECISION, has_sufficient_number_of_data_points=True)
    with pytest.raises(ex.InvalidOracle):  # 10x the TWAP is TooVolatile (ratio 5)
        ex.update_spot_market_and_check_validity(market(), volatile, rails, 10, ex.DriftAction.Liquidate)
    ex.update_spot_market_and_check_validity(usdc_market(), volatile, rails, 10, None)  # the quote market is exempt
