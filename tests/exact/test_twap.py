"""Oracle and mark TWAPs, their volatility stats and the MM oracle (math/amm.rs, state/oracle.rs).

Fidelity numbers come from the program's tests (cited per test); the rest are hand-computed cases, the
program's errors and invariants of the TWAP update.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    HistoricalOracleData,
    MMOraclePriceData,
    OraclePriceData,
    OracleValidity,
    PositionDirection,
    TwapPeriod,
)

P = PRICE_PRECISION
R = AMM_RESERVE_PRECISION


def oracle(price: int, confidence: int, delay: int) -> OraclePriceData:
    return OraclePriceData(price=price, confidence=confidence, delay=delay, has_sufficient_number_of_data_points=True)


def mm_oracle(price: int, confidence: int, delay: int, mm_delay: int) -> MMOraclePriceData:
    """The tests' ``MMOraclePriceData::new(price, mm_delay, 1, Valid, data)`` (MM price equal to the oracle)."""
    data = oracle(price, confidence, delay)
    return MMOraclePriceData.new(data.price, mm_delay, 1, OracleValidity.Valid, data)


# ----------------------------------------------------------------------------------------------- program tests


def test_calc_delayed_mark_twap() -> None:
    # programs/drift/src/math/amm/tests.rs::calc_delayed_mark_twap_tests
    prev = 1656682258
    now = prev + 60
    amm = AMM(base_asset_reserve=2 * R, quote_asset_reserve=2 * R, peg_multiplier=P, base_spread=655,
              max_spread=65535, mark_std=P, last_bid_price_twap=21999 * P, last_ask_price_twap=22001 * P,
              last_mark_price_twap=22000 * P, last_mark_price_twap_ts=prev - 3600, funding_period=3600,
              historical_oracle_data=HistoricalOracleData(last_oracle_price=22850 * P,
                                                          last_oracle_price_twap=22900 * P,
                                                          last_oracle_price_twap_ts=prev))
    px = 22850 * P
    amm.peg_multiplier = px
    ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Long, None)
    assert amm.last_bid_price_twap == 22850013657
    assert amm.last_mark_price_twap == 22850013657
    assert amm.last_ask_price_twap == 22850013657
    assert amm.last_mark_price_twap - amm.historical_oracle_data.last_oracle_price_twap == -49986343


def test_calc_mark_std() -> None:
    # programs/drift/src/math/amm/tests.rs::calc_mark_std_tests
    prev = 1656682258
    now = prev + 60
    amm = AMM(base_asset_reserve=2 * R, quote_asset_reserve=2 * R, peg_multiplier=P, base_spread=65535, mark_std=P,
              last_mark_price_twap_ts=prev,
              historical_oracle_data=HistoricalOracleData(last_oracle_price=P, last_oracle_price_twap=P,
                                                          last_oracle_price_twap_5min=P))
    ex.update_amm_mark_std(amm, now, P * 23, 0, 0)
    assert amm.mark_std == 23_000_000
    amm.mark_std = P
    amm.last_mark_price_twap_ts = now - 60
    ex.update_amm_mark_std(amm, now, P * 2, 0, 0)
    assert amm.mark_std == 2_000_000

    hist = amm.historical_oracle_data
    px = P
    stop_time = now + 3600 * 2
    while now <= stop_time:
        now += 1
        if now % 15 == 0:
            px = px * 1012 // 1000
            hist.last_oracle_price = hist.last_oracle_price * 10119 // 10000
        else:
            px = px * 100000 // 100133
            hist.last_oracle_price = hist.last_oracle_price * 100001 // 100133
        ex.update_oracle_price_twap(amm, now, mm_oracle(hist.last_oracle_price, 0, 2, 3), None, None)
        amm.peg_multiplier = px
        ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Long, None)
    assert (now, px) == (1656689519, 39397)
    assert hist.last_oracle_price_twap == 40194
    assert amm.last_mark_price_twap == 39449
    assert hist.last_oracle_price_twap_5min == 46930
    assert amm.last_mark_price_twap_5min == 46051
    assert amm.last_bid_price_twap == 39449
    assert amm.last_ask_price_twap == 39449
    assert amm.mark_std == 6676

    assert amm.reserve_price() == 39397
    amm.peg_multiplier = 31_986_658
    assert amm.reserve_price() == 31986658
    hist.last_oracle_price = 31986658
    stop_time = now + 3600 * 2
    while now <= stop_time:
        now += 1
        if now % 15 == 0:
            px = 31_986_658
            hist.last_oracle_price = px - 1_000_000
            amm.peg_multiplier = px
            bid, ask = amm.bid_ask_price(amm.reserve_price())
            assert bid <= px <= ask
            ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Long, None)
        if now % 189 == 0:
            px = 31_883_651
            amm.peg_multiplier = px
            hist.last_oracle_price = px + 1_000_000
            bid, ask = amm.bid_ask_price(amm.reserve_price())
            assert bid <= px <= ask
            ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Short, None)
    assert (now, px) == (1656696720, 31986658)
    assert amm.mark_std == 13244

    stop_time = now + 3600 * 2
    while now <= stop_time:
        now += 1
        if now % 2 == 1:
            px = 31_986_658
            amm.peg_multiplier = px
            hist.last_oracle_price = px - 1_000_000
            ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Long, None)
        if now % 2 == 0:
            px = 31_883_651
            amm.peg_multiplier = px
            hist.last_oracle_price = px + 1_000_000
            ex.update_mark_twap_from_estimates(amm, now, px, PositionDirection.Short, None)
            mark_twap = amm.last_mark_price_twap
            ex.update_amm_oracle_std(amm, now, px + 1_000_000, mark_twap, mark_twap)
    assert (now, px) == (1656703921, 31986658)
    assert amm.mark_std == 68672
    assert amm.oracle_std == 965665


def test_update_mark_twap() -> None:
    # programs/drift/src/math/amm/tests.rs::update_mark_twap_tests
    now = 1
    mm = mm_oracle(40_021_280, P // 100, 1, 3)
    amm = AMM(quote_asset_reserve=2 * R, base_asset_reserve=2 * R, peg_multiplier=40 * PEG_PRECISION,
              base_spread=800, max_spread=10000, last_mark_price_twap=40 * P, last_bid_price_twap=40 * P - 1,
              last_ask_price_twap=40 * P, last_mark_price_twap_ts=0, funding_period=3600,
              historical_oracle_data=HistoricalOracleData(last_oracle_price=40 * P, last_oracle_price_twap=40 * P,
                                                          last_oracle_price_twap_ts=0))
    ex.update_oracle_price_twap(amm, now, mm, None, None)
    assert amm.historical_oracle_data.last_oracle_price == 40_021_280
    trade_price = 40_051_280
    old_mark_twap = amm.last_mark_price_twap
    new_mark_twap = ex.update_mark_twap_from_estimates(amm, now, trade_price, PositionDirection.Long, None)
    assert (old_mark_twap, new_mark_twap) == (40_000_000, 40_000_010)
    assert amm.last_ask_price_twap == 40_000_015
    assert amm.last_bid_price_twap == 40_000_005

    while now < 3600:
        now += 1
        ex.update_oracle_price_twap(amm, now, mm, None, None)
        ex.update_mark_twap_from_estimates(amm, now, trade_price, PositionDirection.Long, None)
    assert (amm.last_bid_price_twap + amm.last_ask_price_twap) // 2 == amm.last_mark_price_twap
    assert amm.historical_oracle_data.last_oracle_price_twap == 40008161
    assert amm.last_bid_price_twap == 40014547
    assert amm.last_mark_price_twap == 40024054
    assert amm.last_ask_price_twap == 40033561
    assert amm.mark_std == 27230
    assert amm.oracle_std == 3120

    mm = mm_oracle(39_991_280, P // 80, 14, 15)
    while now <= 3600 * 2:
        now += 1
        ex.update_oracle_price_twap(amm, now, mm, None, None)
        if now % 200 == 0:
            ex.update_mark_twap_from_estimates(amm, now, 39_971_280, PositionDirection.Short, None)
    assert amm.last_bid_price_twap == 39_989_386
    assert amm.last_ask_price_twap == 40_000_774
    assert (amm.last_bid_price_twap + amm.last_ask_price_twap) // 2 == amm.last_mark_price_twap
    assert amm.historical_oracle_data.last_oracle_price_twap == 39_998_518
    assert amm.last_mark_price_twap == 39995080
    assert amm.oracle_std == 7240
    assert amm.mark_std == 24457


def test_calc_oracle_twap() -> None:
    # programs/drift/src/math/amm/tests.rs::calc_oracle_twap_tests
    prev = 1656682258
    now = prev + 3600
    amm = AMM(base_asset_reserve=2 * R, quote_asset_reserve=2 * R, peg_multiplier=PEG_PRECISION, mark_std=P,
              last_mark_price_twap_ts=prev, funding_period=3600,
              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=32 * P,
                                                          last_oracle_price_twap_ts=prev))
    hist = amm.historical_oracle_data
    ex.update_oracle_price_twap(amm, now, mm_oracle(34 * P, P // 100, 1, 2), None, None)
    assert hist.last_oracle_price_twap == 34 * P - P // 100  # 33990000

    amm.last_mark_price_twap_ts = now - 60
    hist.last_oracle_price_twap_ts = now - 60
    mm = mm_oracle(31 * P, 0, 2, 3)
    ex.update_oracle_price_twap(amm, now, mm, None, None)
    assert hist.last_oracle_price_twap == 33940167
    assert hist.last_oracle_price_twap_5min == 33392001
    assert amm.oracle_std == 2_990_000

    ex.update_oracle_price_twap(amm, now + 60 * 5, mm, None, None)
    assert hist.last_oracle_price_twap == 33695154
    assert hist.last_oracle_price_twap_5min == 31 * P
    assert amm.oracle_std == 2940167

    ex.update_oracle_price_twap(amm, now + 60 * 5 + 60, mm_oracle(32 * P, 0, 2, 3), None, None)
    assert hist.last_oracle_price_twap_5min == 31200001
    assert amm.oracle_std == 1695154


def _thirteen_dollar_amm(prev: int) -> AMM:
    return AMM(quote_asset_reserve=200 * R, base_asset_reserve=200 * R, peg_multiplier=13 * PEG_PRECISION,
               last_mark_price_twap=13 * P, last_bid_price_twap=13 * P, last_ask_price_twap=13 * P,
               last_mark_price_twap_ts=prev, funding_period=3600,
               historical_oracle_data=HistoricalOracleData(last_oracle_price=13 * P, last_oracle_price_twap=13 * P,
                                                           last_oracle_price_twap_5min=13 * P,
                                                           last_oracle_price_twap_ts=prev))


def test_calc_oracle_twap_clamp_update() -> None:
    # programs/drift/src/math/amm/tests.rs::calc_oracle_twap_clamp_update_tests (a 10x jump, clamped by 1/3)
    prev = 1667387000
    now = prev + 1
    amm = _thirteen_dollar_amm(prev)
    mm = mm_oracle(130 * P + 873, P // 10, 1, 2)
    hist = amm.historical_oracle_data
    for until, (twap, twap_5min, normalised) in [
        (prev + 3600, (18_143_130, 23_536_961, 24_188_600)),
        (prev + 3600 * 2, (25_322_529, 32_850_803, 33_760_245)),
        (prev + 3600 * 10, (129_282_724, 129_900_874, 129_900_873)),
    ]:
        while now < until:
            ex.update_oracle_price_twap(amm, now, mm, None, None)
            now += 1
        assert hist.last_oracle_price_twap == twap
        assert hist.last_oracle_price_twap_5min == twap_5min
        assert amm.last_oracle_normalised_price == normalised


def test_last_oracle_conf_update() -> None:
    # programs/drift/src/math/amm/tests.rs::test_last_oracle_conf_update
    prev = 1667387000
    now = prev + 1
    amm = _thirteen_dollar_amm(prev)
    ex.update_oracle_price_twap(amm, now, mm_oracle(130 * P + 873, P // 10, 1, 2), None, None)
    assert amm.last_oracle_conf_pct == 7692  # 0.1e6 * 1e6 / 13e6
    tight = mm_oracle(130 * P + 873, 1, 5, 2)
    ex.update_oracle_price_twap(amm, now, tight, None, None)
    assert amm.last_oracle_conf_pct == 7692  # same second: no decay
    ex.update_oracle_price_twap(amm, now + 1, tight, None, None)
    assert amm.last_oracle_conf_pct == 7692 - 7692 // 20  # 7308 (the test's comment says 7287)
    ex.update_oracle_price_twap(amm, now + 60, tight, None, None)
    assert amm.last_oracle_conf_pct == 7307 - 7307 // 5 + 1  # 5847


def test_oracle_mark_divergence() -> None:
    # programs/drift/src/math/oracle/tests.rs::calculate_oracle_valid: 33 vs 32 -> 3.03%, below the 10% floor
    amm = AMM(historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=32 * P))
    assert ex.calculate_oracle_twap_5min_price_spread_pct(amm, 33 * P) == 30303
    rails = ex.PriceDivergenceGuardRails(mark_oracle_percent_divergence=1, oracle_twap_5min_percent_divergence=10)
    assert ex.is_oracle_mark_too_divergent(30303, rails) is False
    # the guard-rail setting cannot lower the threshold below 10%, only raise it
    assert ex.is_oracle_mark_too_divergent(100_001, rails) is True
    assert ex.is_oracle_mark_too_divergent(-100_001, rails) is True
    assert ex.is_oracle_mark_too_divergent(100_000, rails) is False
    wide = ex.PriceDivergenceGuardRails(mark_oracle_percent_divergence=200_000)
    assert ex.is_oracle_mark_too_divergent(150_000, wide) is False


# ------------------------------------------------------------------------------------------- hand-computed


def test_sanitize_new_price_by_hand() -> None:
    # band = twap / den (den 3 by default): 90 -> +-30
    assert ex.sanitize_new_price(100, 90, None) == 100
    assert ex.sanitize_new_price(200, 90, None) == 120
    assert ex.sanitize_new_price(10, 90, None) == 60
    assert ex.sanitize_new_price(200, 90, 10) == 99  # tier A: 10%
    assert ex.sanitize_new_price(200, 90, 0) == 200  # denominator 0: no clamp
    assert ex.sanitize_new_price(200, 0, None) == 200  # no twap yet
    # the band truncates toward zero: 100 / 3 = 33
    assert ex.sanitize_new_price(1000, 100, None) == 133
    assert ex.sanitize_new_price(-1000, 100, None) == 67


def test_normalise_oracle_price_by_hand() -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=40 * PEG_PRECISION)  # reserve $40
    # reserve above oracle: oracle + conf, but not past reserve - 2.5 bps (40e6 - 10000)
    assert ex.normalise_oracle_price(amm, oracle(39_000_000, 500_000, 0), None) == 39_500_000
    assert ex.normalise_oracle_price(amm, oracle(39_000_000, 5_000_000, 0), None) == 39_990_000
    # reserve below oracle: oracle - conf, not below reserve + 2.5 bps
    assert ex.normalise_oracle_price(amm, oracle(41_000_000, 500_000, 0), 40_000_000) == 40_500_000
    assert ex.normalise_oracle_price(amm, oracle(41_000_000, 5_000_000, 0), 40_000_000) == 40_010_000
    # an oracle already within 2.5 bps of the reserve price is kept
    assert ex.normalise_oracle_price(amm, oracle(39_995_000, 5_000_000, 0), None) == 39_995_000


def test_estimate_best_bid_ask_by_hand() -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=100 * PEG_PRECISION, base_spread=1000,
              long_spread=500, short_spread=800, order_tick_size=1,
              historical_oracle_data=HistoricalOracleData(last_oracle_price=100 * P))
    # AMM bid/ask from the spreads: 100 * (1 - 0.0008) = 99.92, 100 * (1 + 0.0005) = 100.05
    assert amm.bid_ask_price(amm.reserve_price()) == (99_920_000, 100_050_000)
    # a long at 100.20: bid estimate = max(oracle - min(1000, 800/2, premium), amm bid) = 99.9996 -> 99.9996
    assert ex.estimate_best_bid_ask_price(amm, 100_200_000, PositionDirection.Long) == (99_999_600, 100_200_000)
    # a short at 99.80: ask estimate = min(oracle + min(1000, 500/2, 200000), amm ask) = 100.00025
    assert ex.estimate_best_bid_ask_price(amm, 99_800_000, PositionDirection.Short) == (99_800_000, 100_000_250)
    # no direction: the trade price within the AMM's bid/ask
    assert ex.estimate_best_bid_ask_price(amm, 101 * P, None) == (100_050_000, 100_050_000)


def test_mm_oracle_selection() -> None:
    exchange = OraclePriceData(price=100 * P, confidence=10_000, delay=5, has_sufficient_number_of_data_points=True)
    # MM price 0.5% away and fresher: used, confidence widened by the gap
    mm = MMOraclePriceData.new(100_500_000, 2, 7, OracleValidity.Valid, exchange)
    assert mm.get_price() == 100_500_000
    assert mm.get_confidence() == 10_000 + 500_000
    assert mm.get_delay() == 2
    assert mm.get_mm_exchange_diff_bps() == 5_000
    assert mm.get_safe_oracle_price_data().sequence_id == 7
    assert mm.is_enabled() and mm.is_mm_oracle_as_recent() and not mm.is_mm_exchange_diff_bps_high()
    # more than 1% away: the exchange price
    far = MMOraclePriceData.new(101_500_000, 2, 7, OracleValidity.Valid, exchange)
    assert far.get_price() == 100 * P and far.is_mm_exchange_diff_bps_high()
    # staler than the exchange oracle, or too volatile, or zero: the exchange price
    assert MMOraclePriceData.new(100_500_000, 6, 7, OracleValidity.Valid, exchange).get_price() == 100 * P
    assert MMOraclePriceData.new(100_500_000, 2, 7, OracleValidity.TooVolatile, exchange).get_price() == 100 * P
    assert MMOraclePriceData.new(0, 2, 7, OracleValidity.Valid, exchange).get_price() == 100 * P
    # stale-for-AMM is still usable for the MM price
    assert MMOraclePriceData.new(100_500_000, 2, 7, OracleValidity.StaleForAMM, exchange).get_price() == 100_500_000
    # with close sequence ids the ids decide, not the delays
    seq = OraclePriceData(price=100 * P, confidence=0, delay=50, sequence_id=1_000_000)
    assert MMOraclePriceData.new(100_100_000, 1, 999_999, OracleValidity.Valid, seq).get_price() == 100 * P
    assert MMOraclePriceData.new(100_100_000, 99, 1_000_001, OracleValidity.Valid, seq).get_price() == 100_100_000


def test_intensity_and_volume_by_hand() -> None:
    amm = AMM(long_intensity_volume=3600, short_intensity_volume=7200, volume_24h=86_400, last_trade_ts=100)
    amm.update_volume_24h(1000, PositionDirection.Long, 1000)  # 900 s later
    assert amm.long_intensity_volume == 3600 * 2700 // 3600 + 1000
    assert amm.short_intensity_volume == 7200 * 2700 // 3600
    assert amm.volume_24h == 86_400 * (86_400 - 900) // 86_400 + 1000
    assert amm.last_trade_ts == 1000


def test_tier_parameters() -> None:
    market = ex.PerpMarket()
    expected = {ex.ContractTier.A: (10, 1), ex.ContractTier.B: (5, 1), ex.ContractTier.C: (2, 2),
                ex.ContractTier.Speculative: (None, 10), ex.ContractTier.HighlySpeculative: (None, 50),
                ex.ContractTier.Isolated: (None, 50)}
    for tier, (denominator, multiplier) in expected.items():
        market.contract_tier = tier
        assert market.get_sanitize_clamp_denominator() == denominator
        assert market.get_max_confidence_interval_multiplier() == multiplier


# ------------------------------------------------------------------------------------------------ errors


def test_estimate_best_bid_ask_rejects_bad_oracle() -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=PEG_PRECISION)
    with pytest.raises(ex.InvalidOracle):
        ex.estimate_best_bid_ask_price(amm, P, PositionDirection.Long)  # last_oracle_price 0
    amm.historical_oracle_data.last_oracle_price = -1
    with pytest.raises(ex.CastingFailure):
        ex.estimate_best_bid_ask_price(amm, P, PositionDirection.Long)


def test_update_mark_twap_rejects_crossed_prices() -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=PEG_PRECISION, funding_period=3600,
              last_bid_price_twap=P, last_ask_price_twap=P)
    with pytest.raises(ex.InvalidMarkTwapUpdateDetected):
        ex.update_mark_twap(amm, 10, P + 1, P, None, None)


def test_spread_pct_division_by_zero() -> None:
    with pytest.raises(ex.MathError):
        ex.calculate_oracle_twap_5min_price_spread_pct(AMM(), 0)
    mm = mm_oracle(P, 0, 0, 1)
    with pytest.raises(ex.MathError):
        ex.calculate_oracle_reserve_price_spread_pct(AMM(), mm, 0)


def test_oracle_twap_ignores_non_positive_prices() -> None:
    amm = _thirteen_dollar_amm(0)
    before = (amm.historical_oracle_data.last_oracle_price_twap, amm.historical_oracle_data.last_oracle_price_twap_ts)
    data = oracle(-5 * P, 0, 0)
    mm = MMOraclePriceData.new(-5 * P, 1, 1, OracleValidity.Valid, data)
    assert ex.update_oracle_price_twap(amm, 100, mm, None, None) == before[0]
    assert (amm.historical_oracle_data.last_oracle_price_twap,
            amm.historical_oracle_data.last_oracle_price_twap_ts) == before


# ------------------------------------------------------------------------------------------------ properties

prices = st.integers(1, 10**12)


@given(prices, prices, st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from([3600, 1800, 300, 0]),
       st.sampled_from(list(TwapPeriod)))
def test_oracle_twap_lies_between_old_twap_and_price(
    price: int, last_twap: int, last_ts: int, elapsed: int, period: int, twap_period: TwapPeriod
) -> None:
    amm = AMM(funding_period=period, last_mark_price_twap_ts=0,
              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=last_twap,
                                                          last_oracle_price_twap_5min=last_twap,
                                                          last_oracle_price_twap_ts=last_ts))
    new = ex.calculate_new_oracle_price_twap(amm, last_ts + elapsed, price, twap_period)
    assert min(price, last_twap) - 1 <= new <= max(price, last_twap) + 1


@given(prices, prices, st.integers(-10**6, 10**6), st.integers(1, 5000))
def test_calculate_new_twap_bounded(price: int, last_twap: int, dt: int, period: int) -> None:
    new = ex.calculate_new_twap(price, 10**7 + dt, last_twap, 10**7, period)
    assert min(price, last_twap) - 1 <= new <= max(price, last_twap) + 1


@given(prices, prices, st.one_of(st.none(), st.integers(1, 20)))
def test_sanitised_price_within_band(price: int, twap: int, denominator: int | None) -> None:
    out = ex.sanitize_new_price(price, twap, denominator)
    band = twap // (3 if denominator is None else denominator)
    assert twap - band <= out <= twap + band or out == price
    assert min(price, twap) <= out <= max(price, twap)
    if abs(price - twap) <= band:
        assert out == price


@given(prices, prices, st.integers(0, 3600), st.integers(0, 3600))
def test_mark_twap_update_between_old_twaps_and_prices(bid: int, spread: int, last_ts_gap: int, elapsed: int) -> None:
    ask = bid + spread % (bid // 10 + 1)
    last = bid + spread % 1000
    amm = AMM(funding_period=3600, last_bid_price_twap=last, last_ask_price_twap=last + 1,
              last_mark_price_twap=last, last_mark_price_twap_5min=last, last_mark_price_twap_ts=1000,
              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_ts=1000 - last_ts_gap % 60))
    capped_bid = ex.sanitize_new_price(bid, last, None)
    capped_ask = ex.sanitize_new_price(ask, last + 1, None)
    if capped_bid > capped_ask:
        with pytest.raises(ex.InvalidMarkTwapUpdateDetected):
            ex.update_mark_twap(amm, 1000 + elapsed, bid, ask, None, None)
        return
    mid = ex.update_mark_twap(amm, 1000 + elapsed, bid, ask, None, None)
    assert min(capped_bid, last) - 1 <= amm.last_bid_price_twap <= max(capped_bid, last) + 1
    assert min(capped_ask, last + 1) - 1 <= amm.last_ask_price_twap <= max(capped_ask, last + 1) + 1
    assert mid == (amm.last_bid_price_twap + amm.last_ask_price_twap) // 2 == amm.last_mark_price_twap
    assert amm.last_mark_price_twap_ts == 1000 + elapsed


@given(st.integers(0, 10**6), st.integers(1, 10**9), st.integers(0, 10**5), st.integers(-100, 100))
def test_conf_pct_decays_slowly(conf: int, reserve: int, last_pct: int, dt: int) -> None:
    amm = AMM(last_oracle_conf_pct=last_pct, historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_ts=0))
    new = amm.get_new_oracle_conf_pct(conf, reserve, dt)
    assert new >= conf * 10**6 // reserve
    # at most a fifth of the previous value is shed per update
    assert new >= last_pct - last_pct // 5
    if dt <= 0:
        assert new >= last_pct


def test_update_mark_twap_crank_uncrosses_toward_the_oracle() -> None:
    def amm_at_100() -> AMM:  # zero spreads: the AMM quotes $100 both ways
        return AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=100 * PEG_PRECISION,
                   funding_period=3600, last_bid_price_twap=100 * P, last_ask_price_twap=100 * P,
                   last_mark_price_twap=100 * P, last_mark_price_twap_5min=100 * P, last_mark_price_twap_ts=0,
                   historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=100 * P))

    # a book bid of $100.50 crosses the AMM ask; basis 0 and bid >= oracle ($100): the bid drops to the ask
    amm = amm_at_100()
    ex.update_mark_twap_crank(amm, 3600, oracle(100 * P, 0, 0), 100_500_000, None, None)
    assert (amm.last_bid_price_twap, amm.last_ask_price_twap) == (100 * P, 100 * P)
    # with the oracle at $101 the same bid is below oracle + basis: the ask rises to the bid instead
    amm = amm_at_100()
    ex.update_mark_twap_crank(amm, 3600, oracle(101 * P, 0, 0), 100_500_000, None, None)
    # weighted_average(100.5, 100, 3600, 1): no bias when the old TWAP's weight is 1
    expected = (100_500_000 * 3600 + 100 * P) // 3601
    assert (amm.last_bid_price_twap, amm.last_ask_price_twap) == (expected, expected)
    # uncrossed: the better of book and AMM on each side
    amm = amm_at_100()
    ex.update_mark_twap_crank(amm, 3600, oracle(100 * P, 0, 0), 99 * P, 101 * P, None)
    assert (amm.last_bid_price_twap, amm.last_ask_price_twap) == (100 * P, 100 * P)


def test_oracle_reserve_spread_by_hand() -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=40 * PEG_PRECISION)
    mm = mm_oracle(39 * P, 0, 0, 1)
    assert ex.calculate_oracle_reserve_price_spread(amm, mm, None) == (39 * P, P)
    assert ex.calculate_oracle_reserve_price_spread_pct(amm, mm, None) == 25_000  # 1/40
    assert ex.calculate_oracle_reserve_price_spread_pct(amm, mm_oracle(41 * P, 0, 0, 1), None) == -25_000


def test_drawdown_guard_by_hand() -> None:
    market = ex.PerpMarket(contract_tier=ex.ContractTier.A)
    market.amm.net_revenue_since_last_funding = -10_000 * P  # the tier A/B floor: -$25 * 400
    market.amm.total_fee_minus_distributions = 400_000 * P  # -2.5% of the fee pool
    assert market.has_too_much_drawdown() is True
    market.amm.total_fee_minus_distributions = 600_000 * P  # -1.67%
    assert market.has_too_much_drawdown() is False
    market.amm.total_fee_minus_distributions = 400_000 * P
    market.amm.net_revenue_since_last_funding = -9_999 * P  # above the absolute floor
    assert market.has_too_much_drawdown() is False
    market.contract_tier = ex.ContractTier.C  # floor -$5000, limit -4%
    market.amm.net_revenue_since_last_funding = -10_000 * P
    assert market.has_too_much_drawdown() is False
    market.amm.total_fee_minus_distributions = 200_000 * P
    assert market.has_too_much_drawdown() is True
    market.amm.total_fee_minus_distributions = -5  # divided by max(tfmd, 1): -1e16 % -> blocked
    assert market.has_too_much_drawdown() is True


def test_price_divergence_for_settle_pnl_by_hand() -> None:
    market = ex.PerpMarket(contract_tier=ex.ContractTier.A,
                           amm=AMM(historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=100 * P)))
    assert market.is_price_divergence_ok_for_settle_pnl(100_400_000) is True  # 40 bps < 50 bps
    assert market.is_price_divergence_ok_for_settle_pnl(100_500_000) is False  # 50 bps
    market.amm.mark_std = 2 * P  # 2% of min(price, twap)
    assert market.is_price_divergence_ok_for_settle_pnl(100 * P) is False
    market.contract_tier = ex.ContractTier.Speculative  # 250 bps, std below 10%
    assert market.is_price_divergence_ok_for_settle_pnl(102 * P) is True


@given(st.integers(1, 10**9), st.integers(1, 10**9), st.integers(0, 10**7), st.integers(1, 10**9),
       st.integers(1, 7200), st.sampled_from([None, 10, 5, 2]))
def test_oracle_twap_update_between_old_twap_and_sanitised_price(
    price: int, old_twap: int, conf: int, peg: int, elapsed: int, clamp: int | None
) -> None:
    amm = AMM(base_asset_reserve=R, quote_asset_reserve=R, peg_multiplier=peg, funding_period=3600,
              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=old_twap,
                                                          last_oracle_price_twap_5min=old_twap,
                                                          last_oracle_price_twap_ts=1000))
    mm = mm_oracle(price, conf, 0, 1)
    sanitised = ex.sanitize_new_price(ex.normalise_oracle_price(amm, mm.get_exchange_oracle_price_data(), None),
                                      old_twap, clamp)
    new = ex.update_oracle_price_twap(amm, 1000 + elapsed, mm, None, clamp)
    assert amm.last_oracle_normalised_price == sanitised
    for twap in (new, amm.historical_oracle_data.last_oracle_price_twap_5min):
        assert min(old_twap, sanitised) - 1 <= twap <= max(old_twap, sanitised) + 1
