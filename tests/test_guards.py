"""Human-layer guard rails (driftlab.guards): oracle validity, actions, price bands, the maker band, paused
operations; agreement with the exact layer, the docs' numbers against the program's, bad input.

Tolerances. The program compares ratios floored to its precision with whole-unit limits. For ``floor(y) < N`` and
``floor(y) >= N`` (N whole) that is the same test as on the real ``y``, so the human layer's real comparisons agree
everywhere except exact ties, where float rounding may break either way (the tests skip exact ties, found in
integers). For ``floor(y) > N`` the real test differs in ``N < y < N + 1``: one unit (1e-6) above the confidence
limit, which the tests skip; the volatility ratio's ``floor(r) > N`` is implemented as ``r >= N + 1``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.guards as guards

U = ex.PRICE_PRECISION
TIERS = ["A", "B", "C", "Speculative", "HighlySpeculative", "Isolated"]


def exact_validity(price: int, conf: int, delay: int, twap: int, tier: str, enough: bool = True,
                   stale_amm: int = 10, stale_margin: int = 120, conf_max: int = 20_000, ratio: int = 5,
                   source: ex.OracleSource = ex.OracleSource.Pyth) -> str:
    rails = ex.ValidityGuardRails(slots_before_stale_for_amm=stale_amm, slots_before_stale_for_margin=stale_margin,
                                  confidence_interval_max_size=conf_max, too_volatile_ratio=ratio)
    market = ex.PerpMarket(contract_tier=ex.ContractTier[tier])
    data = ex.OraclePriceData(price=price, confidence=conf, delay=delay,
                              has_sufficient_number_of_data_points=enough)
    # as get_oracle_status calls it: both staleness overrides = slots_before_stale_for_amm
    multiplier = market.get_max_confidence_interval_multiplier()
    state = ex.oracle_validity(ex.MarketType.Perp, 0, twap, data, rails, multiplier, source, ex.LogMode.None_,
                               stale_amm, stale_amm)
    return state.name


# --------------------------------------------------------------------------- oracle validity


def test_validity_states_by_hand() -> None:
    price, twap = 100.0, 100.0
    assert guards.oracle_validity(price, 0.1, 0, twap) == "Valid"
    assert guards.oracle_validity(price, 0.1, 11, twap) == "StaleForAMM"
    assert guards.oracle_validity(price, 0.1, 121, twap) == "StaleForMargin"
    assert guards.oracle_validity(price, 0.1, 121, twap, stablecoin_source=True) == "StaleForAMM"  # 3 x 120
    assert guards.oracle_validity(price, 2.01, 0, twap) == "TooUncertain"
    assert guards.oracle_validity(price, 2.01, 0, twap, contract_tier="C") == "Valid"  # 2 x 2%
    assert guards.oracle_validity(price, 0.1, 0, twap, has_sufficient_data_points=False) == "InsufficientDataPoints"
    assert guards.oracle_validity(-1.0, 0.1, 0, twap) == "NonPositive"
    # the severity order: a stale, uncertain, volatile reading is TooVolatile
    assert guards.oracle_validity(700.0, 100.0, 500, twap) == "TooVolatile"


def test_too_volatile_starts_at_six_times_not_five() -> None:
    # docs (trading/oracles.mdx): "TWAP / price ratio out of bounds -- 5x or 1/5x". The program divides whole price
    # units, max(p, twap) / min(p, twap) > 5, so 5.99x is still valid and 6x is too volatile (either way round)
    ratios = np.array([5.0, 5.5, 5.99, 6.0, 1 / 5.99, 1 / 6.5])
    states = guards.oracle_validity(100.0 * ratios, 0.0, 0, 100.0)
    assert list(states) == ["Valid", "Valid", "Valid", "TooVolatile", "Valid", "TooVolatile"]
    for r, state in zip(ratios, states, strict=True):
        assert exact_validity(round(100 * r * U), 0, 0, 100 * U, "A") == state


def test_validity_broadcasts_over_delay_and_confidence() -> None:
    delay, conf = np.meshgrid(np.arange(0, 200, 10), np.linspace(0, 5, 11))
    states = guards.oracle_validity(100.0, conf, delay, 100.0)
    assert states.shape == (11, 20)
    assert set(np.unique(states)) == {"Valid", "StaleForAMM", "StaleForMargin", "TooUncertain"}
    assert isinstance(guards.oracle_validity(100.0, 0.0, 0, 100.0), str)


@settings(max_examples=300, deadline=None)
@given(price=st.integers(1, 10**12), twap_ratio=st.floats(0.1, 10.0), conf_frac=st.floats(0.0, 0.6),
       delay=st.integers(0, 400), tier=st.sampled_from(TIERS), enough=st.booleans(), stablecoin=st.booleans())
def test_validity_equals_the_exact_layer(price: int, twap_ratio: float, conf_frac: float, delay: int, tier: str,
                                         enough: bool, stablecoin: bool) -> None:
    twap = max(round(price * twap_ratio), 1)
    conf = round(price * conf_frac)
    limit = 20_000 * guards.CONFIDENCE_MULTIPLIER[tier]
    y = Fraction(conf * 10**6, price)
    assume(not (limit < y < limit + 1))  # the program floors conf/price to 1e-6 first
    source = ex.OracleSource.PythStableCoinPull if stablecoin else ex.OracleSource.Pyth
    program = exact_validity(price, conf, delay, twap, tier, enough, source=source)
    human = guards.oracle_validity(price / U, conf / U, delay, twap / U, contract_tier=tier,
                                   has_sufficient_data_points=enough, stablecoin_source=stablecoin)
    assert human == program


@pytest.mark.parametrize("action", list(guards.ACTIONS))
def test_actions_equal_the_exact_layer(action: str) -> None:
    for state in guards.VALIDITIES:
        program_state = (ex.OracleValidityStaleForAMM(True, True) if state == "StaleForAMM"
                         else ex.OracleValidity[state])
        assert guards.valid_for_action(state, action) == \
            ex.is_oracle_valid_for_action(program_state, ex.DriftAction[action]), (state, action)
    assert set(guards.ACTIONS) == {a.name for a in ex.DriftAction}


def test_valid_for_action_on_arrays_and_the_table() -> None:
    states = guards.oracle_validity(100.0, 0.1, np.array([0, 20, 200]), 100.0)
    assert list(guards.valid_for_action(states, "FillOrderAmmImmediate")) == [True, False, False]
    assert list(guards.valid_for_action(states, "MarginCalc")) == [True, True, False]
    table = guards.action_table()
    assert table.shape == (7, 15) and table.loc["Valid"].all() and not table.loc["NonPositive"].any()


# --------------------------------------------------------------------------- price bands


def test_fill_bands_by_hand() -> None:
    # oracle 100, TWAP 100, 5% initial margin: fills strictly inside (95, 105)
    assert guards.fill_within_price_bands(np.array([95.0, 95.01, 104.99, 105.0]), 100.0, 100.0,
                                          margin_ratio_initial=0.05).tolist() == [False, True, True, False]
    # a long may fill below both oracle and TWAP (an improvement), a short above both
    assert guards.fill_within_price_bands(90.0, 100.0, 100.0, margin_ratio_initial=0.05, direction="long")
    assert not guards.fill_within_price_bands(90.0, 100.0, 100.0, margin_ratio_initial=0.05, direction="short")
    assert guards.fill_price_band(100.0, 60.0, 0.05) == (pytest.approx(95.0), pytest.approx(90.0))  # empty
    low, high = guards.fill_price_band(100.0, 98.0, 0.05, 0.02)
    assert (low, high) == (pytest.approx(96.04), pytest.approx(99.96))


@settings(max_examples=300, deadline=None)
@given(fill=st.integers(1, 10**9), oracle=st.integers(1, 10**9), twap=st.integers(1, 10**9),
       mri=st.integers(1, 10_000), div=st.integers(1, 10**6), side=st.sampled_from([None, "long", "short"]))
def test_fill_bands_equal_the_exact_layer(fill: int, oracle: int, twap: int, mri: int, div: int,
                                          side: str | None) -> None:
    assume(abs(fill - oracle) * 10_000 != mri * oracle and abs(fill - twap) * 10**6 != div * twap)  # exact ties
    direction = None if side is None else (ex.PositionDirection.Long if side == "long" else ex.PositionDirection.Short)
    try:
        ex.validate_fill_price_within_price_bands(fill, oracle, twap, mri, div, False, direction)
        program = True
    except ex.PriceBandsBreached:
        program = False
    human = guards.fill_within_price_bands(fill / U, oracle / U, twap / U, margin_ratio_initial=mri / 10_000,
                                           twap_divergence=div / 10**6, direction=side)
    assert human == program


@settings(max_examples=200, deadline=None)
@given(reserve=st.integers(1, 10**9), oracle=st.integers(1, 10**9), twap=st.integers(1, 10**9),
       divergence=st.integers(0, 10**6))
def test_market_band_equals_the_exact_layer(reserve: int, oracle: int, twap: int, divergence: int) -> None:
    amm = ex.AMM(historical_oracle_data=ex.HistoricalOracleData(last_oracle_price_twap_5min=twap))
    rails = ex.PriceDivergenceGuardRails(mark_oracle_percent_divergence=divergence)
    limit = max(divergence, 100_000)
    for price in (reserve, oracle):  # the program floors |x - t| * 1e6 / x before "> limit"
        y = Fraction(abs(price - twap) * 10**6, price)
        assume(not (limit < y < limit + 1))
    spreads = [ex.calculate_oracle_twap_5min_price_spread_pct(amm, price) for price in (reserve, oracle)]
    program = not ex.is_oracle_mark_too_divergent(max(spreads, key=abs), rails)
    assert guards.market_within_price_band(reserve / U, oracle / U, twap / U, divergence / 10**6) == program


def test_market_band_floor_is_ten_percent() -> None:
    # docs: "the 10% band of the oracle's 5-minute TWAP"; the program: max(10%, mark_oracle_percent_divergence)
    assert guards.market_within_price_band(110.0, 100.0, 100.0, 0.05)  # 110 vs 100: |r-t|/r = 9.09%
    assert not guards.market_within_price_band(100.0, 112.0, 100.0, 0.05)  # 10.7% > 10% even with 5% set
    assert guards.market_within_price_band(100.0, 112.0, 100.0, 0.15)


@settings(max_examples=200, deadline=None)
@given(oracle=st.integers(1, 10**9), twap=st.integers(1, 10**9), limit=st.integers(1, 10**6))
def test_oracle_twap_divergence_equals_the_exact_layer(oracle: int, twap: int, limit: int) -> None:
    assume(abs(oracle - twap) * 10**6 != limit * twap)
    assert guards.oracle_too_divergent_with_twap(oracle / U, twap / U, limit / 10**6) == \
        ex.is_oracle_too_divergent_with_twap_5min(oracle, twap, limit)


# --------------------------------------------------------------------------- the maker oracle band


def test_maker_band_is_the_initial_margin_ratio_not_the_docs_2_5_percent() -> None:
    # program comment (math/orders.rs): "if initial margin ratio is .05 and oracle price is 100, then maker limit
    # price must be less than 105"; the docs (risk-parameters.mdx, §H row 6) say 2.5% beyond the oracle
    assert guards.maker_breaches_oracle_band(105.0, 100.0, "long", 0.05)
    assert not guards.maker_breaches_oracle_band(104.99, 100.0, "long", 0.05)
    assert not guards.maker_breaches_oracle_band(103.0, 100.0, "long", 0.05)  # breaches the docs' 2.5%
    assert guards.maker_breaches_oracle_band(95.0, 100.0, "short", 0.05)
    assert guards.maker_band_limit(100.0, "long", 0.05) == pytest.approx(105.0)
    assert guards.maker_band_limit(100.0, "short", 0.05) == pytest.approx(95.0)
    assert guards.DOCS_VALUES["post-only maker band (fraction beyond the oracle)"] == 0.025


@settings(max_examples=300, deadline=None)
@given(limit=st.integers(1, 10**9), oracle=st.integers(1, 10**9), mri=st.integers(1, 10_000), long=st.booleans())
def test_maker_band_equals_the_exact_layer(limit: int, oracle: int, mri: int, long: bool) -> None:
    assume(abs(limit - oracle) * 10_000 != mri * oracle)
    direction = ex.PositionDirection.Long if long else ex.PositionDirection.Short
    assert guards.maker_breaches_oracle_band(limit / U, oracle / U, "long" if long else "short", mri / 10_000) == \
        ex.limit_price_breaches_maker_oracle_price_bands(limit, direction, oracle, mri)


# --------------------------------------------------------------------------- defaults and the docs


def test_defaults_are_the_programs() -> None:
    rails = ex.OracleGuardRails()
    d = guards.PROGRAM_DEFAULTS
    assert d["slots_before_stale_for_amm"] == rails.validity.slots_before_stale_for_amm
    assert d["slots_before_stale_for_margin"] == rails.validity.slots_before_stale_for_margin
    assert d["confidence_interval_max_size"] * 1e6 == rails.validity.confidence_interval_max_size
    assert d["too_volatile_ratio"] == rails.validity.too_volatile_ratio
    assert d["mark_oracle_percent_divergence"] * 1e6 == rails.price_divergence.mark_oracle_percent_divergence
    assert d["oracle_twap_5min_percent_divergence"] * 1e6 == \
        rails.price_divergence.oracle_twap_5min_percent_divergence
    for tier, multiplier in guards.CONFIDENCE_MULTIPLIER.items():
        assert ex.PerpMarket(contract_tier=ex.ContractTier[tier]).get_max_confidence_interval_multiplier() == multiplier
    # §H row 7: the docs' 10% confidence limit vs the program's 2% (x tier multiplier)
    assert guards.DOCS_VALUES["TooUncertain: confidence above"] == 0.10 != d["confidence_interval_max_size"]


# --------------------------------------------------------------------------- paused operations


def test_paused_operations_match_the_program_flags() -> None:
    for name, bit in guards.PERP_OPERATIONS.items():
        assert int(ex.PerpOperation[name]) == bit
    for name, bit in guards.SPOT_OPERATIONS.items():
        assert int(ex.SpotOperation[name]) == bit
    flags = guards.pause_flags("AmmFill", "UpdateFunding")
    assert flags == 0b11 and guards.paused_operations(flags) == ["UpdateFunding", "AmmFill"]
    assert ex.PerpOperation.is_operation_paused(flags, ex.PerpOperation.AmmFill)
    assert list(guards.is_paused(np.arange(8), "AmmFill")) == [bool(f & 2) for f in range(8)]
    assert guards.paused_operations(guards.pause_flags("Withdraw", market="spot"), market="spot") == ["Withdraw"]
    assert set(guards.PAUSE_EFFECTS) == {("perp", n) for n in guards.PERP_OPERATIONS} | \
        {("spot", n) for n in guards.SPOT_OPERATIONS}


def test_amm_fill_pause_lets_a_crossing_post_only_order_rest() -> None:
    # validate_post_only_order returns early when AmmFill is paused (validation/order.rs)
    amm = ex.AMM(base_asset_reserve=100 * ex.AMM_RESERVE_PRECISION, quote_asset_reserve=100 * ex.AMM_RESERVE_PRECISION,
                 sqrt_k=100 * ex.AMM_RESERVE_PRECISION, peg_multiplier=100 * ex.PEG_PRECISION, order_step_size=1,
                 order_tick_size=1, max_base_asset_reserve=2**64 - 1, concentration_coef=1_414_200)
    order = ex.Order(order_type=ex.OrderType.Limit, direction=ex.PositionDirection.Long, price=101 * U,
                     base_asset_amount=ex.BASE_PRECISION, post_only=True)
    with pytest.raises(ex.PlacePostOnlyLimitFailure):
        ex.validate_post_only_order(order, ex.PerpMarket(amm=amm), None, 0)
    paused = ex.PerpMarket(amm=amm, paused_operations=guards.pause_flags("AmmFill"))
    ex.validate_post_only_order(order, paused, None, 0)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, name", [
    (lambda: guards.oracle_validity(100.0, -1.0, 0, 100.0), "confidence"),
    (lambda: guards.oracle_validity(100.0, 1.0, 0, 0.0), "twap"),
    (lambda: guards.oracle_validity(100.0, 1.0, np.nan, 100.0), "delay"),
    (lambda: guards.oracle_validity(100.0, 1.0, 0, 100.0, contract_tier="Z"), "contract_tier"),
    (lambda: guards.oracle_validity(100.0, 1.0, 0, 100.0, too_volatile_ratio=0), "too_volatile_ratio"),
    (lambda: guards.valid_for_action("Valid", "Trade"), "action"),
    (lambda: guards.valid_for_action("Fine", "MarginCalc"), "validity"),
    (lambda: guards.fill_within_price_bands(0.0, 100.0, 100.0, margin_ratio_initial=0.05), "fill_price"),
    (lambda: guards.fill_within_price_bands(1.0, 100.0, 100.0, margin_ratio_initial=0.0), "margin_ratio_initial"),
    (lambda: guards.fill_price_band(100.0, 100.0, 0.05, 1.5), "twap_divergence"),
    (lambda: guards.maker_breaches_oracle_band(1.0, 100.0, "up", 0.05), "direction"),
    (lambda: guards.pause_flags("Trade"), "operation"),
    (lambda: guards.paused_operations(256), "flags"),
    (lambda: guards.is_paused(1.5, "AmmFill"), "flags"),
    (lambda: guards.pause_flags("Fill", market="options"), "market"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()
