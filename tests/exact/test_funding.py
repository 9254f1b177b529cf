"""Funding (math/funding.rs, controller/funding.rs): the capped long/short split, payments, the hourly update.

Fidelity numbers come from the program's tests (cited per test); the rest are hand-computed cases, errors and
invariants (payments are antisymmetric in the position's sign and zero-sum up to the protocol's share).
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
    PRICE_PRECISION,
    QUOTE_PRECISION,
    ContractTier,
    HistoricalOracleData,
    MMOraclePriceData,
    OracleGuardRails,
    OraclePriceData,
    OracleValidity,
    PerpMarket,
    PerpPosition,
    ValidityGuardRails,
)

P = PRICE_PRECISION
R = AMM_RESERVE_PRECISION


def test_helper_funding_rate(mark_twap: int, oracle_twap: int, funding_period: int) -> int:
    """The rate helper of programs/drift/src/math/funding/tests.rs: clamp to oracle/33, no /5000 offset."""
    period_adjustment = 24 * 3600 // funding_period
    max_spread = ex.safe_div(oracle_twap, 33)
    clamped = max(-max_spread, min(mark_twap - oracle_twap, max_spread))
    return ex.safe_div(clamped * 1000, period_adjustment)


test_helper_funding_rate.__test__ = False  # type: ignore[attr-defined]


def capped_market(net: int, long: int, short: int) -> PerpMarket:
    return PerpMarket(amm=AMM(base_asset_reserve=512295081967, quote_asset_reserve=488 * R, sqrt_k=500 * R,
                              peg_multiplier=50_000_000, base_asset_amount_with_amm=net,
                              base_asset_amount_long=long, base_asset_amount_short=short,
                              total_exchange_fee=QUOTE_PRECISION // 2,
                              total_fee_minus_distributions=QUOTE_PRECISION // 2, last_mark_price_twap=50 * P,
                              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=49 * P),
                              funding_period=3600))


# ----------------------------------------------------------------------------------------------- program tests


def test_capped_sym_funding() -> None:
    # programs/drift/src/math/funding/tests.rs::capped_sym_funding_test
    market = capped_market(-12295081967, 12295081967, -12295081967 * 2)
    rate = test_helper_funding_rate(market.amm.last_mark_price_twap,
                                    market.amm.historical_oracle_data.last_oracle_price_twap, 3600)
    assert rate == 41666666
    long_rate, short_rate, _ = ex.calculate_funding_rate_long_short(market, rate)
    assert long_rate == rate
    assert short_rate == 24222164  # shorts receive less: the AMM only spends a third of its fee pool
    assert market.amm.total_fee_minus_distributions == 416667
    # more longs than shorts: the AMM earns the imbalance, both sides at the full rate
    market = capped_market(12295081967, 12295081967 * 2, -12295081967)
    long_rate, short_rate, revenue = ex.calculate_funding_rate_long_short(market, rate)
    assert long_rate == short_rate == rate
    assert market.amm.total_fee_minus_distributions == 1012295
    assert revenue == 512295
    assert market.amm.net_revenue_since_last_funding == 512295


@pytest.mark.parametrize("count", [0, 1])
def test_balanced_funding(count: int) -> None:
    # programs/drift/src/math/funding/tests.rs::balanced_funding_test
    for px0, sqrt_k0, base, oracle_num, expected in [
        (32_513_929, 100 * R + 8793888383, 12295081967, 1001, -2709458),
        (19_902_513_929, 55 * R + 48383, 7845926098328, 888, 22_314_939_833),
    ]:
        px, sqrt_k = px0 + count, sqrt_k0 + count
        market = PerpMarket(amm=AMM(base_asset_reserve=sqrt_k, quote_asset_reserve=sqrt_k, sqrt_k=sqrt_k,
                                    peg_multiplier=px, base_asset_amount_long=base, base_asset_amount_short=-base,
                                    total_exchange_fee=count * 1000000783 // 2888,
                                    total_fee_minus_distributions=count * 1000000783,
                                    last_mark_price_twap=px * 999 // 1000, funding_period=3600,
                                    historical_oracle_data=HistoricalOracleData(
                                        last_oracle_price_twap=px * oracle_num // 1000)))
        rate = test_helper_funding_rate(market.amm.last_mark_price_twap,
                                        market.amm.historical_oracle_data.last_oracle_price_twap, 3600)
        assert rate == expected
        assert ex.calculate_funding_rate_long_short(market, rate) == (expected, expected, 0)


def funding_test_market() -> PerpMarket:
    return PerpMarket(market_index=0, amm=AMM(
        base_asset_reserve=512295081967, quote_asset_reserve=488 * R, sqrt_k=500 * R, peg_multiplier=50_000_000,
        base_asset_amount_with_amm=-12295081967 - 500 * R, base_asset_amount_long=12295081967,
        base_asset_amount_short=-12295081967 * 2, total_exchange_fee=QUOTE_PRECISION // 2,
        total_fee_minus_distributions=QUOTE_PRECISION * 99999, last_mark_price_twap=50 * P, funding_period=3600,
        historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=49 * P)))


FUNDING_TEST_RAILS = OracleGuardRails(validity=ValidityGuardRails(
    slots_before_stale_for_amm=10, slots_before_stale_for_margin=120, confidence_interval_max_size=1000,
    too_volatile_ratio=5))
# get_pyth_price(51, 6) loaded at slot 0: $51, no confidence, no delay
PYTH_51 = OraclePriceData(price=51 * P, confidence=0, delay=0, has_sufficient_number_of_data_points=True)


def test_max_funding_rates() -> None:
    # programs/drift/src/math/funding/tests.rs::max_funding_rates
    market = funding_test_market()
    assert market.get_max_price_divergence_for_funding_rate(49 * P) == 4_900_000  # HighlySpeculative: /10
    market.contract_tier = ContractTier.B
    assert market.get_max_price_divergence_for_funding_rate(49 * P) == 1_484_848  # A/B: /33
    market.contract_tier = ContractTier.C
    assert market.get_max_price_divergence_for_funding_rate(49 * P) == 2_450_000  # C: /20
    market.contract_tier = ContractTier.B
    assert ex.update_funding_rate(0, market, PYTH_51, 0, 0, FUNDING_TEST_RAILS, False, None) is False


def test_unsettled_funding_pnl() -> None:
    # programs/drift/src/math/funding/tests.rs::unsettled_funding_pnl
    market = funding_test_market()
    amm = market.amm
    assert amm.reserve_price() == 47_628_800
    now, slot = 0, 0
    assert ex.on_the_hour_update(now, amm.last_funding_rate_ts, amm.funding_period) == 3600
    assert ex.on_the_hour_update(now + 3600, amm.last_funding_rate_ts, amm.funding_period) == 0
    mm = MMOraclePriceData.new(PYTH_51.price, PYTH_51.delay + 1, 0, OracleValidity.Valid, PYTH_51)
    assert ex.block_operation(market, PYTH_51, FUNDING_TEST_RAILS, amm.reserve_price(), slot) is True

    now += 3600
    slot += 3600 * 2
    # controller/repeg.rs::_update_amm with curve_update_intensity 0: oracle TWAP, spreads, slot stamp
    reserve_price = amm.reserve_price()
    ex.update_oracle_price_twap(amm, now, mm, reserve_price, market.get_sanitize_clamp_denominator())
    ex.update_spreads(market, reserve_price, slot)
    amm.last_update_slot = slot
    amm.last_oracle_valid = True
    assert amm.last_mark_price_twap == 50_000_000
    assert amm.historical_oracle_data.last_oracle_price_twap == 51_000_000
    assert ex.block_operation(market, PYTH_51, FUNDING_TEST_RAILS, amm.reserve_price(), slot) is False
    assert amm.total_fee_minus_distributions == 99_999_000_000

    assert ex.update_funding_rate(0, market, PYTH_51, now, slot, FUNDING_TEST_RAILS, False, None) is True
    assert amm.last_mark_price_twap == 47_629_736
    assert amm.last_mark_price_twap > amm.reserve_price()
    assert amm.historical_oracle_data.last_oracle_price_twap == 51_000_000
    assert amm.cumulative_funding_rate_long == -140_002_666
    assert amm.cumulative_funding_rate_short == -140_002_666
    assert amm.last_funding_rate == -140_002_666
    assert amm.last_24h_avg_funding_rate == ex.safe_div(-140_002_666, 24) + 1  # -5833443
    assert amm.last_funding_rate_ts == now
    assert amm.net_revenue_since_last_funding == 0
    assert amm.total_fee_minus_distributions == 100_070_722_677
    assert amm.total_fee == 0
    assert amm.net_unsettled_funding_pnl == -71_722_677
    assert market.next_funding_rate_record_id == 1


def test_bankruptcy_funding_payments() -> None:
    # programs/drift/src/controller/liquidation/tests.rs::resolve_perp_bankruptcy: +-5 base, delta +-10
    long = PerpPosition(base_asset_amount=5 * R, last_cumulative_funding_rate=1_000_000_000_000)
    short = PerpPosition(base_asset_amount=-5 * R, last_cumulative_funding_rate=-1_000_000_000_000)
    assert ex.calculate_funding_payment(1_010_000_000_000, long) == -50_000_000
    assert ex.calculate_funding_payment(-1_010_000_000_000, short) == -50_000_000


# ------------------------------------------------------------------------------------------- hand-computed


def test_funding_payment_by_hand() -> None:
    # a $0.01 per base rate (1e7 in 1e9 units) on 3.5 base: 1e7 * 3.5e9 / 1e6 / 1e3 = 35e6 (1e9 units) -> $0.035
    assert ex._calculate_funding_payment(10_000_000, 3_500_000_000) == -35_000_000
    assert ex.calculate_funding_payment_in_quote_precision(10_000_000, 3_500_000_000) == -35_000
    assert ex.calculate_funding_payment_in_quote_precision(10_000_000, -3_500_000_000) == 35_000
    # the magnitude truncates: 1 * 999 / 1e9 -> 0, and the quote division truncates toward zero
    assert ex._calculate_funding_payment(1, 999) == 0
    assert ex.calculate_funding_payment_in_quote_precision(1_999, 1_000_000_000) == -1
    position = PerpPosition(base_asset_amount=2 * R, last_cumulative_funding_rate=5)
    assert ex.calculate_funding_payment(5, position) == 0


def test_funding_rate_from_pnl_limit_by_hand() -> None:
    # -$1 onto 2 base: (-1e6 + 1) * 1e12 / 2e9 = -499999500 (truncated toward zero)
    assert ex.calculate_funding_rate_from_pnl_limit(-1_000_000, 2 * R) == -499_999_500
    assert ex.calculate_funding_rate_from_pnl_limit(1_000_000, -2 * R) == -500_000_000
    assert ex.calculate_funding_rate_from_pnl_limit(-5, 0) == 0


def _rate_from_twaps(market: PerpMarket, mark_twap: int, oracle_twap: int) -> int:
    spread = mark_twap - oracle_twap + ex.safe_div(abs(oracle_twap), 5000)
    bound = market.get_max_price_divergence_for_funding_rate(oracle_twap)
    period_adjustment = 86400 // max(3600, market.amm.funding_period)
    return ex.safe_div(min(max(spread, -bound), bound) * 1000, period_adjustment)


@pytest.mark.parametrize("tier", [ContractTier.A, ContractTier.C, ContractTier.HighlySpeculative])
@pytest.mark.parametrize("peg", [40 * P, 47 * P, 51 * P, 60 * P])
def test_update_funding_rate_formula(tier: ContractTier, peg: int) -> None:
    market = funding_test_market()
    market.contract_tier = tier
    market.amm.peg_multiplier = peg * 500 * R // 488 // R  # reserve price near ``peg``
    market.amm.last_update_slot = 7200
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = market.amm.reserve_price()
    reference = copy.deepcopy(market)
    ran = ex.update_funding_rate(0, market, PYTH_51, 3600, 7200, FUNDING_TEST_RAILS, False, None)
    assert ran is True
    # redo the TWAP updates on the copy, then apply the offset, the tier clamp and the period scaling by hand
    amm = reference.amm
    reserve_price = amm.reserve_price()
    mm = reference.get_mm_oracle_price_data(PYTH_51, 7200, FUNDING_TEST_RAILS.validity)
    oracle_twap = ex.update_oracle_price_twap(amm, 3600, mm, reserve_price, reference.get_sanitize_clamp_denominator())
    mark_twap = ex.update_mark_twap_from_estimates(amm, 3600, reserve_price, None,
                                                   reference.get_sanitize_clamp_denominator())
    expected = _rate_from_twaps(reference, mark_twap, oracle_twap)
    assert market.amm.last_funding_rate == expected
    assert market.amm.last_funding_oracle_twap == oracle_twap
    assert market.amm.last_mark_price_twap == mark_twap
    if peg == 40 * P and tier == ContractTier.A:
        assert expected == ex.safe_div(-ex.safe_div(oracle_twap, 33) * 1000, 24)  # clamped at -3.03%


def test_update_funding_rate_gating() -> None:
    market = funding_test_market()
    market.amm.last_update_slot = 7200
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = market.amm.reserve_price()
    before = copy.deepcopy(market)
    assert ex.update_funding_rate(0, market, PYTH_51, 3600, 7200, FUNDING_TEST_RAILS, True, None) is False
    assert ex.update_funding_rate(0, market, PYTH_51, 3599, 7200, FUNDING_TEST_RAILS, False, None) is False
    # the AMM last updated more than funding_period slots ago
    assert ex.update_funding_rate(0, market, PYTH_51, 3600, 7200 + 3601, FUNDING_TEST_RAILS, False, None) is False
    market.paused_operations = int(ex.PerpOperation.UpdateFunding)
    assert ex.update_funding_rate(0, market, PYTH_51, 3600, 7200, FUNDING_TEST_RAILS, False, None) is False
    market.paused_operations = 0
    assert market == before


def test_settle_funding_payment() -> None:
    market = PerpMarket(market_index=2, amm=AMM(cumulative_funding_rate_long=3_000_000_000,
                                                cumulative_funding_rate_short=2_000_000_000,
                                                quote_asset_amount=-100 * QUOTE_PRECISION,
                                                quote_break_even_amount_long=-100 * QUOTE_PRECISION))
    user = ex.User()
    user.perp_positions[0] = PerpPosition(market_index=2, base_asset_amount=2 * R,
                                          quote_asset_amount=-100 * QUOTE_PRECISION,
                                          quote_break_even_amount=-100 * QUOTE_PRECISION,
                                          quote_entry_amount=-100 * QUOTE_PRECISION,
                                          last_cumulative_funding_rate=1_000_000_000)
    ex.settle_funding_payment(user, "", market, 0)
    # the long pays 2e9 (1e9 units, $2 per base) on 2 base: $4
    position = user.perp_positions[0]
    assert position.quote_asset_amount == -104 * QUOTE_PRECISION
    assert position.quote_break_even_amount == -104 * QUOTE_PRECISION
    assert position.quote_entry_amount == -100 * QUOTE_PRECISION  # entry excludes funding
    assert position.last_cumulative_funding_rate == 3_000_000_000
    assert user.cumulative_perp_funding == -4 * QUOTE_PRECISION
    assert market.amm.net_unsettled_funding_pnl == 4 * QUOTE_PRECISION
    assert market.amm.quote_asset_amount == -104 * QUOTE_PRECISION
    assert market.amm.quote_break_even_amount_long == -104 * QUOTE_PRECISION
    # settling again changes nothing; a user without a position in the market is skipped
    ex.settle_funding_payment(user, "", market, 0)
    assert position.quote_asset_amount == -104 * QUOTE_PRECISION
    ex.settle_funding_payment(ex.User(), "", market, 0)
    ex.settle_funding_payments(user, "", {2: market}, 0)
    assert user.cumulative_perp_funding == -4 * QUOTE_PRECISION


# ------------------------------------------------------------------------------------------------ errors


def test_funding_profitability_bound() -> None:
    # fee pool floor: exchange/2 + liq - withdrawn = 50 - 40 = $10; tfmd $40 -> fee pool $30, limit -$10
    market = capped_market(-100 * R, 0, -100 * R)
    market.amm.total_exchange_fee = 100 * QUOTE_PRECISION
    market.amm.total_fee_withdrawn = 40 * QUOTE_PRECISION
    market.amm.total_fee_minus_distributions = 40 * QUOTE_PRECISION
    with pytest.raises(ex.InvalidFundingProfitability):
        ex.calculate_funding_rate_long_short(market, 1_000_000_000)  # would take tfmd to $30 < $50


def test_funding_payment_overflow() -> None:
    with pytest.raises(ex.CastingFailure):  # fits i128, not the i64 payment
        ex.calculate_funding_payment(2**60, PerpPosition(base_asset_amount=2**50))
    with pytest.raises(ex.CastingFailure):  # fits u128, not i128
        ex._calculate_funding_payment(2**127 - 1, 2 * 10**9)
    with pytest.raises(ex.MathError):
        ex.calculate_funding_payment(2**127 - 1, PerpPosition(base_asset_amount=1, last_cumulative_funding_rate=-1))
    with pytest.raises(ex.BnConversionError):
        ex._calculate_funding_payment(2**127 - 1, 2**127 - 1)


# ------------------------------------------------------------------------------------------------ properties

rates = st.integers(-10**13, 10**13).filter(bool)
bases = st.integers(1, 10**16)


@given(rates, bases)
def test_payment_antisymmetric_in_position_sign(rate: int, base: int) -> None:
    assert ex._calculate_funding_payment(rate, base) == -ex._calculate_funding_payment(rate, -base)
    assert ex._calculate_funding_payment(rate, base) == -ex._calculate_funding_payment(-rate, base)
    assert (ex.calculate_funding_payment_in_quote_precision(rate, base)
            == -ex.calculate_funding_payment_in_quote_precision(rate, -base))
    long = PerpPosition(base_asset_amount=base)
    short = PerpPosition(base_asset_amount=-base)
    assert ex.calculate_funding_payment(rate, long) == -ex.calculate_funding_payment(rate, short)


@given(rates, bases)
def test_payment_rounds_toward_zero(rate: int, base: int) -> None:
    exact_quote = rate * base / 10**12  # quote units, longs pay a positive rate
    paid = ex.calculate_funding_payment_in_quote_precision(rate, base)
    assert abs(paid) <= abs(exact_quote) + 1e-6 * abs(exact_quote) + 1e-9
    assert abs(paid + exact_quote) < 1 + 1e-9 * abs(exact_quote)


@given(rates, st.integers(0, 10**15), st.integers(0, 10**15), st.integers(0, 10**13), st.integers(0, 10**12))
def test_funding_zero_sum_up_to_the_protocol(rate: int, long: int, short: int, tfmd: int, exchange_fee: int) -> None:
    market = PerpMarket(amm=AMM(base_asset_amount_long=long, base_asset_amount_short=-short,
                                base_asset_amount_with_amm=long - short, total_fee_minus_distributions=tfmd,
                                total_exchange_fee=exchange_fee))
    try:
        long_rate, short_rate, uncapped = ex.calculate_funding_rate_long_short(market, rate)
    except ex.InvalidFundingProfitability:
        assert tfmd < exchange_fee // 2 or market.amm.total_fee_minus_distributions == tfmd
        return
    paid_by_longs = -ex.calculate_funding_payment_in_quote_precision(long_rate, long)
    paid_by_shorts = -ex.calculate_funding_payment_in_quote_precision(short_rate, -short)
    paid = paid_by_longs + paid_by_shorts
    protocol_gain = market.amm.total_fee_minus_distributions - tfmd
    if uncapped >= 0:
        assert long_rate == short_rate == rate
        assert protocol_gain == uncapped
    else:
        # the protocol pays at most a third of its fee pool
        assert -protocol_gain <= max(tfmd - exchange_fee // 2, 0) // 3
    # users pay in what the protocol books, up to rounding: one quote unit per side, plus the capped rate's
    # truncation (one rate unit on the receiving side's base)
    receiving_base = long if rate < 0 else short
    assert -2 <= paid - protocol_gain <= 2 + receiving_base // 10**12 + 1
