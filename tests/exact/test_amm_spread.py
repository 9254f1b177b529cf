"""AMM spreads (math/amm_spread.rs): the program's test numbers not in program_cases.json, hand-computed cases,
the program's errors, and invariants of the spread pipeline."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import AMM_RESERVE_PRECISION, PEG_PRECISION, PositionDirection

ONE = AMM_RESERVE_PRECISION
U64_MAX = 2**64 - 1
Long, Short = PositionDirection.Long, PositionDirection.Short


def market(**amm_fields: int) -> ex.PerpMarket:
    return ex.PerpMarket(amm=ex.AMM(**amm_fields))


def ask_bid_prices(m: ex.PerpMarket) -> tuple[int, int]:
    bar_l, qar_l = ex.calculate_spread_reserves(m, Long)
    bar_s, qar_s = ex.calculate_spread_reserves(m, Short)
    peg = m.amm.peg_multiplier
    return ex.calculate_price(qar_l, bar_l, peg), ex.calculate_price(qar_s, bar_s, peg)


# ----------------------------------------------------------------------------- the program's own numbers


@pytest.mark.parametrize(("offset", "ask", "bid"), [(0, 1_027_584, 999_500), (1000, 1_028_775, 1_000_500),
                                                    (-1000, 1_026_488, 998_500)])
def test_spread_reserve_prices(offset: int, ask: int, bid: int) -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_spread_tests (l_price / s_price)
    m = market(base_asset_reserve=2 * ONE, quote_asset_reserve=2 * ONE, sqrt_k=2 * ONE, peg_multiplier=PEG_PRECISION,
               long_spread=27270, short_spread=500, max_spread=50_000, curve_update_intensity=200,
               reference_price_offset=offset)
    assert ask_bid_prices(m) == (ask, bid)
    # the ask is 2.76% over the reserve price although long_spread is 2.727%: the divisor 1e6 / (s/2) is quantised
    assert ask > 1_000_000 * (1_000_000 + 27270 + offset) // 1_000_000


def test_spread_reserve_directions() -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_spread_tests (qar/bar inequalities per offset)
    m = market(base_asset_reserve=2 * ONE, quote_asset_reserve=2 * ONE, sqrt_k=2 * ONE, peg_multiplier=PEG_PRECISION,
               long_spread=27270, short_spread=500)
    m.amm.reference_price_offset = 1000  # offset above the short spread: the bid moves above the reserve price
    bar_s, qar_s = ex.calculate_spread_reserves(m, Short)
    assert qar_s > 2 * ONE and bar_s < 2 * ONE


def test_max_reference_price_offset_from_intensity() -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_spread_tests (get_max_reference_price_offset)
    amm = ex.AMM(max_spread=1000, curve_update_intensity=100)
    assert amm.get_max_reference_price_offset() == 0
    amm.curve_update_intensity = 110
    assert amm.get_max_reference_price_offset() == 500
    amm.curve_update_intensity = 200
    assert amm.get_max_reference_price_offset() == 10_000
    amm.max_spread = 50_000
    assert amm.get_max_reference_price_offset() == 25_000


@pytest.mark.parametrize(("peg", "ask", "bid"), [(PEG_PRECISION // 30, 50_001, 33_000),
                                                 (PEG_PRECISION - PEG_PRECISION // 1000, 1_000_000, 949_981)])
def test_prediction_market_spread_reserves_are_clamped(peg: int, ask: int, bid: int) -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_prediction_market_spread_tests_low_price / _high_price
    m = ex.PerpMarket(amm=ex.AMM(base_asset_reserve=2 * ONE, quote_asset_reserve=2 * ONE, sqrt_k=2 * ONE,
                                 peg_multiplier=peg, long_spread=10_000, short_spread=10_000, base_spread=10_000,
                                 max_spread=100_000, curve_update_intensity=100),
                      contract_type=ex.ContractType.Prediction)
    assert ask_bid_prices(m) == (ask, bid)  # ask held at >= $0.05, bid at <= $0.95 (and ask <= $1)


@pytest.mark.parametrize(("args", "whole", "times_250"), [
    ((941291801615, 443370320987941, 435296619793629, 453513306290427, 250, 300_000), 140, 35_226),
    ((450_000_000, ONE, ONE // 10, ONE * 19 // 10, 250, 300_000), 601, 150_250),
    ((450_000_000, ONE + 450_000_000, ONE // 10, ONE * 19 // 10, 250, 300_000), 1200, 300_000),
])
def test_inventory_scale_multiples(args: tuple[int, ...], whole: int, times_250: int) -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_spread_inventory_scale_2_tests
    iscale = ex.calculate_spread_inventory_scale(*args)
    assert iscale // 1_000_000 == whole
    assert 250 * iscale // 1_000_000 == times_250


@pytest.mark.parametrize(("reserves", "expected"), [
    ((11 * ONE, 7 * ONE, 14 * ONE), (4_000_000_000, -3_000_000_000)),  # calculate_spread_inventory_tests
    ((10 * ONE, 0, 100_000 * ONE), (10_000_000_000, -99_990_000_000_000)),  # calculate_vol_spread_tests
    ((10 * ONE, 7 * ONE, 13 * ONE), (3_000_000_000, -3_000_000_000)),  # calculate_vol_oracle_reserve_price_...
])
def test_open_bids_asks_used_by_inventory_scale(reserves: tuple[int, int, int], expected: tuple[int, int]) -> None:
    # programs/drift/src/math/amm_spread/tests.rs (the tests named per case)
    assert ex._calculate_market_open_bids_asks(*reserves) == expected


def test_vol_spread_follows_intensity() -> None:
    # programs/drift/src/math/amm_spread/tests.rs::calculate_vol_spread_tests: short volume is 3x long volume
    long_v, short_v = ex.calculate_long_short_vol_spread(0, 34562304, 680_000, 226_666, 10_000 * 10**6,
                                                         30_000 * 10**6, 40_000 * 10**6)
    assert short_v >= long_v * 3


# ----------------------------------------------------------------------------- hand-computed cases


def test_trade_to_price_by_hand() -> None:
    # sqrt_k = 100 (k = 1e22), peg $1, bar = 100: a $4 limit needs bar = sqrt(1e22 / 4) = 50 -> long 50;
    # a $0.25 limit needs sqrt(4e22) = 200 -> short 100.
    amm = ex.AMM(sqrt_k=100 * ONE, base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE,
                 peg_multiplier=PEG_PRECISION)
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 4_000_000, Long) == (50 * ONE, Long)
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 250_000, Long) == (100 * ONE, Short)
    # peg 2: a $8 limit is the same curve point as $4 at peg 1
    amm.peg_multiplier = 2 * PEG_PRECISION
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 8_000_000, Long) == (50 * ONE, Long)


def test_trade_to_price_starts_from_the_spread_reserve() -> None:
    # with base_spread > 0 the distance is measured from the ask (Long) / bid (Short) base reserve; the returned
    # direction is the way to trade, whatever direction was passed
    amm = ex.AMM(sqrt_k=100 * ONE, base_asset_reserve=100 * ONE, peg_multiplier=PEG_PRECISION, base_spread=1,
                 ask_base_asset_reserve=80 * ONE, bid_base_asset_reserve=120 * ONE)
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 4_000_000, Long) == (30 * ONE, Long)
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 4_000_000, Short) == (70 * ONE, Long)
    assert ex.get_spread_reserves(amm, Short) == (120 * ONE, 0)


def test_trade_to_price_saturates_at_u64_max() -> None:
    # sqrt_k = 2^80, peg 1e-6, limit 1e-6: new bar = sqrt(2^160 * 1e6 / 1 * 1 / 1e6) = 2^80 > u64::MAX from an
    # empty reserve; the program returns u64::MAX
    amm = ex.AMM(sqrt_k=2**80, peg_multiplier=1)
    assert ex.calculate_base_asset_amount_to_trade_to_price(amm, 1, Long) == (U64_MAX, Short)


def test_spread_reserves_by_hand() -> None:
    # long 3%: s/2 = 15000, divisor 1e6 / 15000 = 66 (truncated), delta = 2e9 / 66 = 30303030;
    # quote 2030303030, base 4e18 / 2030303030 = 1970149254 -> ask 1.030532 (3.05%, not 3%)
    m = market(quote_asset_reserve=2 * ONE, sqrt_k=2 * ONE, peg_multiplier=PEG_PRECISION, long_spread=30_000,
               short_spread=30_000)
    assert ex.calculate_spread_reserves(m, Long) == (1_970_149_254, 2_030_303_030)
    # short 3%: s = -30000, divisor -66, delta = -30303030; quote 1969696970, base 2030769230 -> bid 0.969926
    assert ex.calculate_spread_reserves(m, Short) == (2_030_769_230, 1_969_696_970)
    assert ask_bid_prices(m) == (1_030_532, 969_926)
    # |s| <= 1 moves nothing
    m.amm.long_spread = 1
    assert ex.calculate_spread_reserves(m, Long) == (2 * ONE, 2 * ONE)


def test_max_target_spread_by_hand() -> None:
    # max(max_spread, |pct|, min(max(2 * conf, max_std * 1e6 / price), 1e6))
    assert ex.calculate_max_target_spread(1_000_000, 0, 0, 0, 0, 20_000) == 20_000
    assert ex.calculate_max_target_spread(1_000_000, -30_000, 0, 0, 0, 20_000) == 30_000
    assert ex.calculate_max_target_spread(1_000_000, 0, 20_000, 0, 0, 20_000) == 40_000
    assert ex.calculate_max_target_spread(1_000_000, 0, 0, 100_000, 5, 20_000) == 100_000
    assert ex.calculate_max_target_spread(1_000_000, 0, 0, 0, 5_000_000, 20_000) == 1_000_000  # capped at 100%
    assert ex.calculate_max_target_spread(1_000_000, 3_000_000, 0, 0, 0, 20_000) == 3_000_000  # |pct| is not


def test_cap_ties_scale_the_short_side() -> None:
    # long == short goes to the short branch: short = ceil(600 * 1000 / 1200) = 500, long = 500
    assert ex.cap_to_max_spread(600, 600, 1000) == (500, 500)
    # 601 vs 600: long is larger, long = ceil(601000 / 1201) = ceil(500.4) = 501, short = 1000 - 501
    assert ex.cap_to_max_spread(601, 600, 1000) == (501, 499)


def test_cap_saturating_product_can_flip_the_sides() -> None:
    # long * max = 2^70 saturates at u64::MAX: long = ceil((2^64 - 1) / (2^40 + 2^39)) = 11184811 and the
    # smaller short side receives the remaining 1062557013 of max = 2^30 (program quirk at absurd sizes)
    assert ex.cap_to_max_spread(2**40, 2**39, 2**30) == (11_184_811, 1_062_557_013)


def test_revenue_retreat_beyond_25k_loss_skips_the_product() -> None:
    # base_spread * |rev| would overflow u64 at -$25,000 but below -$25,000 the program takes max_spread / 10
    assert ex.calculate_spread_revenue_retreat_amount(2**32 - 1, 30_000, -25_000_000_001) == 3000
    assert ex.calculate_spread_revenue_retreat_amount(1000, 30_000, -25_000_001) == 1000  # 1000 * 25.000001 / 25


# ----------------------------------------------------------------------------- errors


def test_trade_to_price_errors() -> None:
    amm = ex.AMM(sqrt_k=100 * ONE, peg_multiplier=PEG_PRECISION)
    with pytest.raises(ex.InvalidOrderLimitPrice):
        ex.calculate_base_asset_amount_to_trade_to_price(amm, 0, Long)
    # sqrt_k^2 * 1e6 leaves U192 (MathError)
    with pytest.raises(ex.MathError):
        ex.calculate_base_asset_amount_to_trade_to_price(ex.AMM(sqrt_k=2**87, peg_multiplier=1), 1, Long)
    # sqrt_k^2 itself overflows U192 before the limit price is validated
    with pytest.raises(ex.MathError):
        ex.calculate_base_asset_amount_to_trade_to_price(ex.AMM(sqrt_k=2**96), 0, Long)


def test_cap_total_overflow_is_math_error() -> None:
    with pytest.raises(ex.MathError):
        ex.cap_to_max_spread(U64_MAX, 1, 10)


def test_vol_spread_errors() -> None:
    with pytest.raises(ex.MathError):  # division by a zero reserve price
        ex.calculate_long_short_vol_spread(0, 0, 1, 1, 0, 0, 0)
    with pytest.raises(ex.MathError):  # oracle_std + mark_std overflows u64
        ex.calculate_long_short_vol_spread(0, 1, U64_MAX, 1, 0, 0, 0)
    with pytest.raises(ex.CastingFailure):  # the side's vol spread does not fit u64
        ex.calculate_long_short_vol_spread(0, 1, 2**63 - 1, 2**63 - 1, 1, 1, 1)


def test_inventory_ratio_cast_failure() -> None:
    # max_bar - bar = 2^127 does not fit i128
    with pytest.raises(ex.CastingFailure):
        ex.calculate_inventory_liquidity_ratio(1, 0, 0, 2**127)
    with pytest.raises(ex.CastingFailure):
        ex.calculate_inventory_liquidity_ratio_for_reference_price_offset(1, 0, 0, 2**127)
    assert ex.calculate_inventory_liquidity_ratio(1, 0, 0, 2**127 - 1) == 1_000_000  # min side 0 -> 100%


def test_inventory_scale_errors_only_with_inventory() -> None:
    with pytest.raises(ex.MathError):  # max_spread * 1e6 overflows u64
        ex.calculate_spread_inventory_scale(1, 2 * ONE, ONE, 3 * ONE, 1, U64_MAX)
    assert ex.calculate_spread_inventory_scale(0, 2 * ONE, ONE, 3 * ONE, 1, U64_MAX) == 1_000_000


def test_leverage_scale_errors() -> None:
    with pytest.raises(ex.CastingFailure):
        ex.calculate_spread_leverage_scale(2**127, 0, 1, 0, 1, 1)
    with pytest.raises(ex.MathError):  # max(0, i128::MAX) + 1 overflows (a panic in the program)
        ex.calculate_spread_leverage_scale(ONE, ONE, 1, 0, 1, 2**127 - 1)


def test_leverage_scale_fails_instead_of_capping_with_a_tiny_fee_pool() -> None:
    # users long 40,000 base at $1000 ($40M, nothing in the curve's net value), fee pool $0.000001:
    # leverage = 4e13 * 1e6 / 2 = 2e19 > u64::MAX, so the cast fails before the 10x cap applies
    args = (ONE, ONE, PEG_PRECISION, 40_000 * ONE, 1000 * 10**6, 1)
    with pytest.raises(ex.CastingFailure):
        ex.calculate_spread_leverage_scale(*args)
    assert ex.calculate_spread_leverage_scale(*args[:5], 10**6) == 10_000_000  # a $1 pool: capped at 10x
    spread_args = [1000, 0, 0, 200_000, ONE, ONE, PEG_PRECISION, 40_000 * ONE, 1000 * 10**6, 1, 0,
                   100_000 * ONE, 0, 200_000 * ONE, 0, 0, 0, 0, 0, 0]
    with pytest.raises(ex.CastingFailure):  # so does calculate_spread (it calls the scale when the pool is > 0)
        ex.calculate_spread(*spread_args)


def test_revenue_retreat_overflow() -> None:
    with pytest.raises(ex.MathError):
        ex.calculate_spread_revenue_retreat_amount(2**32 - 1, 30_000, -25_000_000_000)


def test_max_target_spread_errors() -> None:
    with pytest.raises(ex.MathError):
        ex.calculate_max_target_spread(0, 0, 0, 0, 0, 0)
    with pytest.raises(ex.MathError):
        ex.calculate_max_target_spread(1, 0, 2**63, 0, 0, 0)


def test_calculate_spread_u32_cast_failure() -> None:
    # an oracle-reserve gap of 2^40 (1e6 %) makes the max target spread 2^40; the short side (2^40, x10 for an
    # empty fee pool) is capped with a saturated product, so the long side keeps 2^40 - 1677722 > u32::MAX
    args = [0, 2**40, 0, 0, ONE, ONE, PEG_PRECISION, 0, 1_000_000, 0, 0, ONE, 0, 2 * ONE, 0, 0, 0, 0, 0, 0]
    with pytest.raises(ex.CastingFailure):
        ex.calculate_spread(*args)


def test_spread_reserve_errors() -> None:
    m = market(quote_asset_reserve=2 * ONE, sqrt_k=2 * ONE, peg_multiplier=PEG_PRECISION)
    m.amm.long_spread = 2_000_002  # s/2 = 1000001 -> divisor 1e6 / 1000001 = 0
    with pytest.raises(ex.MathError):
        ex.calculate_spread_reserves(m, Long)
    m.amm.long_spread = 2**31  # u32 -> i32
    with pytest.raises(ex.CastingFailure):
        ex.calculate_spread_reserves(m, Long)
    m.amm.short_spread, m.amm.reference_price_offset = 2**31 - 1, -1  # -2^31: abs() overflows
    with pytest.raises(ex.MathError):
        ex.calculate_spread_reserves(m, Short)
    m.amm.quote_asset_reserve, m.amm.short_spread, m.amm.reference_price_offset = 0, 0, 0
    with pytest.raises(ex.MathError):  # k / 0
        ex.calculate_spread_reserves(m, Short)
    prediction = ex.PerpMarket(amm=ex.AMM(quote_asset_reserve=ONE, sqrt_k=ONE),
                               contract_type=ex.ContractType.Prediction)
    with pytest.raises(ex.MathError):  # peg 0 in the prediction bounds
        ex.calculate_spread_reserves(prediction, Long)


def test_reference_price_offset_errors() -> None:
    twaps = (4216 * 10_000, 4217 * 10_000, 4216 * 10_000, 4217 * 10_000)
    with pytest.raises(ex.MathError):  # negative max offset: clamp(1, -1) panics in the program
        ex.calculate_reference_price_offset(1_000_000, 1, 10, 1, *twaps, -1)
    with pytest.raises(ex.CastingFailure):  # reserve price above i64::MAX
        ex.calculate_reference_price_offset(2**63, 1, 10, 1, *twaps, 2500)
    with pytest.raises(ex.CastingFailure):  # |liquidity_fraction| above i64::MAX, signs agree
        ex.calculate_reference_price_offset(4216 * 10_000, 1, 2**63, 1, *twaps, 2500)
    # signs disagree: the fraction is never cast and the offset is 0
    assert ex.calculate_reference_price_offset(4216 * 10_000, 1, -(2**63), 1, *twaps, 2500) == 0
    # the offset does not fit i32: price $1, marks 100% over the oracles, fraction 1e12, max offset 2^40 -> 2^40
    with pytest.raises(ex.CastingFailure):
        ex.calculate_reference_price_offset(1_000_000, 1, 10**12, 1, 10**6, 2 * 10**6, 10**6, 2 * 10**6, 2**40)


# ----------------------------------------------------------------------------- properties

spreads_u32 = st.integers(min_value=0, max_value=1_000_000)
spread_args = st.fixed_dictionaries({
    "base_spread": spreads_u32,
    "pct": st.integers(min_value=-1_000_000, max_value=1_000_000),
    "conf": st.integers(min_value=0, max_value=100_000),
    "max_spread": spreads_u32,
    "qar": st.integers(min_value=ONE, max_value=10**15),
    "tqar": st.integers(min_value=ONE, max_value=10**15),
    "peg": st.integers(min_value=1, max_value=10**11),
    "baa": st.integers(min_value=-(10**14), max_value=10**14),
    "price": st.integers(min_value=1, max_value=10**11),
    # a fee pool of at least $1 (or none): a positive pool of a few micro-dollars makes the program's leverage
    # scale overflow u64 (see test_leverage_scale_fails_instead_of_capping_with_a_tiny_fee_pool)
    "tfmd": st.one_of(st.integers(min_value=-(10**12), max_value=0), st.integers(min_value=10**6, max_value=10**12)),
    "rev": st.integers(min_value=-(10**11), max_value=10**10),
    "bar": st.integers(min_value=ONE, max_value=10**15),
    "min_frac": st.integers(min_value=0, max_value=1200),
    "max_frac": st.integers(min_value=800, max_value=3000),
    "std_frac": st.tuples(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000)),
    "volumes": st.tuples(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=10**13),
                         st.integers(min_value=0, max_value=10**13)),
    "adj": st.integers(min_value=-128, max_value=127),
})


def _spread_call(a: dict) -> tuple[tuple[int, int], int, tuple[int, int]]:
    mark_std, oracle_std = (a["price"] * f // 1000 for f in a["std_frac"])
    long_v, short_v, vol_24h = a["volumes"]
    args = (a["base_spread"], a["pct"], a["conf"], a["max_spread"], a["qar"], a["tqar"], a["peg"], a["baa"],
            a["price"], a["tfmd"], a["rev"], a["bar"], a["bar"] * a["min_frac"] // 1000,
            a["bar"] * a["max_frac"] // 1000, mark_std, oracle_std, long_v, short_v, vol_24h, a["adj"])
    result = ex.calculate_spread(*args)
    max_target = ex.calculate_max_target_spread(a["price"], a["pct"], a["conf"], mark_std, oracle_std,
                                                a["max_spread"])
    vol = ex.calculate_long_short_vol_spread(a["conf"], a["price"], mark_std, oracle_std, long_v, short_v, vol_24h)
    return result, max_target, vol


@given(spread_args)
def test_spread_sides_are_non_negative_and_capped(a: dict) -> None:
    (long_spread, short_spread), max_target, _ = _spread_call(a)
    assert long_spread >= 0 and short_spread >= 0
    assert long_spread + short_spread <= max_target


@given(spread_args)
def test_each_side_keeps_half_the_base_spread_unless_capped(a: dict) -> None:
    (long_spread, short_spread), max_target, (long_vol, short_vol) = _spread_call(a)
    half_base = a["base_spread"] // 2
    if long_spread < half_base or short_spread < half_base:
        assert long_spread + short_spread == max_target  # only the cap takes a side below base_spread / 2
    if long_spread + short_spread < max_target:  # cap not binding: each side is at least its starting point
        assert long_spread >= max(half_base, long_vol)
        assert short_spread >= max(half_base, short_vol)


@given(st.integers(min_value=0, max_value=2**40), st.integers(min_value=0, max_value=2**40),
       st.integers(min_value=0, max_value=2**40))
def test_cap_preserves_the_total_when_capping(long_spread: int, short_spread: int, max_spread: int) -> None:
    new_long, new_short = ex.cap_to_max_spread(long_spread, short_spread, max_spread)
    if long_spread + short_spread > max_spread:
        assert new_long + new_short == max_spread
        if max(long_spread, short_spread) * max_spread <= U64_MAX:  # no saturation: the order of the sides holds
            if long_spread > short_spread:
                assert new_long >= new_short
            elif long_spread < short_spread:
                assert new_long <= new_short
    else:
        assert (new_long, new_short) == (long_spread, short_spread)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=ONE, max_value=10**15),
       st.integers(min_value=0, max_value=2000), st.integers(min_value=1000, max_value=3000))
def test_inventory_ratio_bounded_and_monotone(baa: int, bar: int, min_frac: int, max_frac: int) -> None:
    lo, hi = bar * min_frac // 1000, bar * max_frac // 1000
    ratio = ex.calculate_inventory_liquidity_ratio(baa, bar, lo, hi)
    assert 0 <= ratio <= 1_000_000
    assert ex.calculate_inventory_liquidity_ratio(abs(baa) + ONE, bar, lo, hi) >= ratio
    avg_ratio = ex.calculate_inventory_liquidity_ratio_for_reference_price_offset(baa, bar, lo, hi)
    assert 0 <= avg_ratio <= ratio  # the average side is at least the thinner side


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=ONE, max_value=10**15),
       st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=1_000_000))
def test_inventory_scale_bounds(baa: int, bar: int, directional: int, max_spread: int) -> None:
    scale = ex.calculate_spread_inventory_scale(baa, bar, bar // 2, bar * 2, directional, max_spread)
    assert 1_000_000 <= scale <= max(10_000_000, max_spread * 1_000_000 // max(directional, 1))


@given(st.integers(min_value=ONE, max_value=10**15), st.integers(min_value=ONE, max_value=10**15),
       st.integers(min_value=1, max_value=10**11), st.integers(min_value=-(10**15), max_value=10**15),
       st.integers(min_value=1, max_value=10**11), st.integers(min_value=-(10**12), max_value=10**12))
def test_leverage_scale_bounds(qar: int, tqar: int, peg: int, baa: int, price: int, tfmd: int) -> None:
    try:
        scale = ex.calculate_spread_leverage_scale(qar, tqar, peg, baa, price, tfmd)
    except (ex.MathError, ex.CastingFailure):
        # the program adds 1e6 + leverage + 1 in u64 before capping at 10x: it fails once the leverage nears 2^64
        excess = baa * price // 10**9 - (qar - tqar) * peg // 10**9
        assert excess * 10**6 // (max(tfmd, 0) + 1) > 2**63
        return
    assert 1_000_001 <= scale <= 10_000_000


@given(st.integers(min_value=0, max_value=1_000_000), st.integers(min_value=0, max_value=10**7),
       st.integers(min_value=-(10**11), max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_revenue_retreat_grows_with_losses(base_spread: int, max_spread: int, rev: int, extra_loss: int) -> None:
    retreat = ex.calculate_spread_revenue_retreat_amount(base_spread, max_spread, rev)
    assert 0 <= retreat <= max_spread // 10
    assert ex.calculate_spread_revenue_retreat_amount(base_spread, max_spread, rev - extra_loss) >= retreat
    if rev >= -25_000_000:
        assert retreat == 0


twap = st.integers(min_value=1, max_value=10**11)


@given(twap, st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=-(10**6), max_value=10**6),
       twap, twap, twap, twap, st.integers(min_value=0, max_value=100_000))
def test_reference_offset_bounded_and_follows_inventory(price: int, funding: int, fraction: int, oracle_fast: int,
                                                        mark_fast: int, oracle_slow: int, mark_slow: int,
                                                        max_offset: int) -> None:
    offset = ex.calculate_reference_price_offset(price, funding, fraction, 0, oracle_fast, mark_fast, oracle_slow,
                                                 mark_slow, max_offset)
    assert abs(offset) <= max_offset
    assert offset * fraction >= 0  # never leans against the AMM's inventory


@given(st.integers(min_value=0, max_value=100_000), twap, st.integers(min_value=0, max_value=10**10),
       st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=10**13),
       st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=10**13))
def test_vol_spread_larger_on_the_busier_side(conf: int, price: int, mark_std: int, oracle_std: int, v1: int,
                                              v2: int, vol_24h: int) -> None:
    low, high = sorted((v1, v2))
    long_side, short_side = ex.calculate_long_short_vol_spread(conf, price, mark_std, oracle_std, low, high, vol_24h)
    assert long_side <= short_side
    assert min(long_side, short_side) >= (conf if conf > 2500 else conf // 20)


@given(st.integers(min_value=ONE, max_value=10**15), st.integers(min_value=ONE, max_value=10**15),
       st.integers(min_value=0, max_value=999_999), st.integers(min_value=0, max_value=999_999),
       st.sampled_from([Long, Short]))
def test_spread_reserves_stay_on_the_curve(qar: int, sqrt_k: int, long_spread: int, short_spread: int,
                                           direction: PositionDirection) -> None:
    m = market(quote_asset_reserve=qar, sqrt_k=sqrt_k, long_spread=long_spread, short_spread=short_spread)
    base, quote = ex.calculate_spread_reserves(m, direction)
    assert sqrt_k**2 - quote < base * quote <= sqrt_k**2  # base = floor(k / quote)
    assert (quote >= qar) if direction == Long else (quote <= qar)  # the ask above, the bid below (no offset)


@given(st.integers(min_value=ONE, max_value=10**13), st.integers(min_value=1, max_value=10**12),
       st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12),
       st.integers(min_value=ONE, max_value=10**15))
def test_trade_to_price_monotone_in_limit(sqrt_k: int, peg: int, p1: int, p2: int, bar: int) -> None:
    amm = ex.AMM(sqrt_k=sqrt_k, peg_multiplier=peg, base_asset_reserve=bar)

    def signed(limit: int) -> int:
        amount, direction = ex.calculate_base_asset_amount_to_trade_to_price(amm, limit, Long)
        return amount if direction == Long else -amount

    low, high = sorted((p1, p2))
    assert signed(low) <= signed(high)  # a higher limit price never asks for less buying
