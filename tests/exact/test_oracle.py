"""Oracle guard rails: validity classification, action permissions, funding blocks, paused-operation flags.

Sources: programs/drift/src/math/oracle/tests.rs, state/paused_operations/tests.rs (v2.161.0) and the branches of
math/oracle.rs.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    PRICE_PRECISION_U64,
    CastingFailure,
    ContractTier,
    DriftAction,
    HistoricalOracleData,
    InsuranceFundOperation,
    LogMode,
    MarketType,
    MathError,
    OracleGuardRails,
    OraclePriceData,
    OracleSource,
    OracleStaleForAMM,
    OracleTooUncertain,
    OracleValidity,
    OracleValidityStaleForAMM,
    PerpMarket,
    PerpOperation,
    PriceDivergenceGuardRails,
    SpotMarket,
    SpotOperation,
    ValidityGuardRails,
    block_operation,
    get_oracle_status,
    is_oracle_valid_for_action,
    oracle_validity,
    oracle_validity_from_u8,
    oracle_validity_to_u8,
)

V = OracleValidity
RAILS = ValidityGuardRails(slots_before_stale_for_amm=10, slots_before_stale_for_margin=120,
                           confidence_interval_max_size=20000, too_volatile_ratio=5)


def validity(price: int = 100 * PRICE_PRECISION, conf: int = 0, delay: int = 0, enough: bool = True,
             twap: int = 100 * PRICE_PRECISION, multiplier: int = 1, source: OracleSource = OracleSource.Pyth,
             immediate: int = 10, low_risk: int = 0) -> object:
    data = OraclePriceData(price=price, confidence=conf, delay=delay, has_sufficient_number_of_data_points=enough)
    return oracle_validity(MarketType.Perp, 0, twap, data, RAILS, multiplier, source, LogMode.None_, immediate,
                           low_risk)


def oracle_valid_market() -> PerpMarket:
    px = 32 * PRICE_PRECISION
    amm = AMM(base_asset_reserve=2 * AMM_RESERVE_PRECISION, quote_asset_reserve=2 * AMM_RESERVE_PRECISION,
              peg_multiplier=33 * PEG_PRECISION,
              historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=px,
                                                          last_oracle_price_twap=px - 1000,
                                                          last_oracle_price_twap_ts=1656682258),
              mark_std=PRICE_PRECISION, last_mark_price_twap_ts=1656682258, funding_period=3600)
    return PerpMarket(amm=amm, contract_tier=ContractTier.B)


GUARD_RAILS = OracleGuardRails(price_divergence=PriceDivergenceGuardRails(mark_oracle_percent_divergence=1,
                                                                          oracle_twap_5min_percent_divergence=10),
                               validity=RAILS)


def test_calculate_oracle_valid() -> None:
    # programs/drift/src/math/oracle/tests.rs::calculate_oracle_valid (the steps not in program_cases.json)
    market = oracle_valid_market()
    reserve = market.amm.reserve_price()
    data = OraclePriceData(price=34 * PRICE_PRECISION, confidence=PRICE_PRECISION_U64 // 100, delay=1,
                           has_sufficient_number_of_data_points=True)
    status = get_oracle_status(market, data, GUARD_RAILS, reserve)
    assert status.oracle_validity == V.Valid
    assert status.oracle_reserve_price_spread_pct == 30303 and not status.mark_too_divergent
    data.delay = 11  # past slots_before_stale_for_amm, used as both overrides by get_oracle_status
    status = get_oracle_status(market, data, GUARD_RAILS, reserve)
    assert status.oracle_validity != V.Valid
    assert status.oracle_validity == V.StaleForAMM
    assert (status.oracle_validity.immediate, status.oracle_validity.low_risk) == (True, True)


def test_oracle_guard_rails_defaults() -> None:
    # state/state.rs::OracleGuardRails::default
    rails = OracleGuardRails()
    assert rails.price_divergence.mark_oracle_percent_divergence == 100_000
    assert rails.price_divergence.oracle_twap_5min_percent_divergence == 500_000
    assert (rails.validity.slots_before_stale_for_amm, rails.validity.slots_before_stale_for_margin,
            rails.validity.confidence_interval_max_size, rails.validity.too_volatile_ratio) == (10, 120, 20_000, 5)


# --- the classification, in priority order ----------------------------------------------------------------------


def test_too_volatile() -> None:
    # max(p, twap) / max(min(p, twap), 1) > 5 (integer division: 6x is volatile, 5.9x is not)
    assert validity(price=600 * PRICE_PRECISION) == V.TooVolatile
    assert validity(price=599 * PRICE_PRECISION) == V.Valid
    assert validity(price=16 * PRICE_PRECISION) == V.TooVolatile  # 100/16 = 6
    assert validity(price=17 * PRICE_PRECISION) == V.Valid  # 100/17 = 5


def test_too_uncertain_scales_with_tier_multiplier() -> None:
    # conf * 1e6 / price > 20_000 * multiplier
    price = 100 * PRICE_PRECISION
    assert validity(conf=2 * PRICE_PRECISION) == V.Valid  # exactly 2%
    assert validity(conf=2 * PRICE_PRECISION + 100) == V.TooUncertain
    assert validity(conf=3 * PRICE_PRECISION, multiplier=2) == V.Valid
    assert validity(conf=price // 2, multiplier=50) == V.Valid
    assert {t: PerpMarket(contract_tier=t).get_max_confidence_interval_multiplier() for t in ContractTier} == {
        ContractTier.A: 1, ContractTier.B: 1, ContractTier.C: 2, ContractTier.Speculative: 10,
        ContractTier.HighlySpeculative: 50, ContractTier.Isolated: 50}


def test_stale_for_margin_and_stablecoins() -> None:
    assert validity(delay=121) == V.StaleForMargin
    assert validity(delay=120) == V.StaleForAMM  # not stale for margin, still stale for the AMM
    assert validity(delay=121, source=OracleSource.PythStableCoinPull) == V.StaleForAMM  # 3 x 120 slots
    assert validity(delay=361, source=OracleSource.PythLazerStableCoin) == V.StaleForMargin
    assert validity(delay=361, source=OracleSource.PythStableCoin) == V.StaleForMargin  # not the pull/lazer feeds


def test_insufficient_data_points_before_staleness() -> None:
    assert validity(enough=False, delay=50) == V.InsufficientDataPoints
    assert validity(enough=False, delay=200) == V.StaleForMargin


def test_stale_for_amm_flags() -> None:
    # immediate: delay > override if override != 0, else always; low risk: delay > override or > 10 slots
    v = validity(delay=0, immediate=0)
    assert isinstance(v, OracleValidityStaleForAMM) and (v.immediate, v.low_risk) == (True, False)
    assert validity(delay=0, immediate=5) == V.Valid
    assert validity(delay=10) == V.Valid and validity(delay=11) == V.StaleForAMM
    v = validity(delay=6, immediate=5)
    assert (v.immediate, v.low_risk) == (True, False)
    v = validity(delay=11, immediate=20)
    assert (v.immediate, v.low_risk) == (False, True)
    assert validity(delay=11, immediate=20, low_risk=15) == V.Valid
    v = validity(delay=3, immediate=-1)  # a negative override counts as 0 slots
    assert (v.immediate, v.low_risk) == (True, False)


def test_nonpositive_price_is_an_error_not_nonpositive() -> None:
    # math/oracle.rs::oracle_validity computes the confidence ratio before choosing: conf * 1e6 / price as u64
    with pytest.raises(MathError):
        validity(price=0)
    with pytest.raises(CastingFailure):
        validity(price=-1)


def test_get_oracle_status_override_must_fit_i8() -> None:
    rails = OracleGuardRails(validity=ValidityGuardRails(slots_before_stale_for_amm=200,
                                                         slots_before_stale_for_margin=300,
                                                         confidence_interval_max_size=20000, too_volatile_ratio=5))
    market = oracle_valid_market()
    with pytest.raises(CastingFailure):
        get_oracle_status(market, OraclePriceData(price=34 * PRICE_PRECISION), rails, market.amm.reserve_price())


# --- the StaleForAMM value --------------------------------------------------------------------------------------


def test_stale_for_amm_representation() -> None:
    a = OracleValidity.stale_for_amm(True, False)
    b = OracleValidityStaleForAMM(True, False)
    c = OracleValidityStaleForAMM(False, True)
    assert a == b and a != c  # the program's PartialEq compares the flags
    assert a == V.StaleForAMM and V.StaleForAMM == c  # the bare member matches any flags
    assert a != V.Valid and a.name == "StaleForAMM" and a.value == V.StaleForAMM.value
    assert a.variant is V.StaleForAMM and hash(a) == hash(V.StaleForAMM)
    assert a == "StaleForAMM"
    assert a.get_error_code() is OracleStaleForAMM and V.TooUncertain.get_error_code() is OracleTooUncertain
    with pytest.raises(AttributeError):
        a.immediate = False  # type: ignore[misc]


def test_u8_round_trip() -> None:
    # math/oracle.rs: TryFrom<u8> / From<OracleValidity> for u8
    for code in range(8):
        assert oracle_validity_to_u8(oracle_validity_from_u8(code)) == code
    assert oracle_validity_to_u8(OracleValidityStaleForAMM(False, False)) == 7
    assert oracle_validity_from_u8(5) == OracleValidityStaleForAMM(True, True)
    with pytest.raises(ValueError):
        oracle_validity_from_u8(8)
    with pytest.raises(ValueError):
        oracle_validity_to_u8(OracleValidityStaleForAMM(False, True))


# --- actions -------------------------------------------------------------------------------------------------------

SAI = OracleValidityStaleForAMM(True, False)  # stale for immediate AMM fills only
SALR = OracleValidityStaleForAMM(True, True)  # stale for low-risk fills too
ALL = [V.NonPositive, V.TooVolatile, V.TooUncertain, V.StaleForMargin, V.InsufficientDataPoints, SAI, SALR, V.Valid]
EXPECTED_OK = {
    # programs/drift/src/math/oracle.rs::is_oracle_valid_for_action, action by action
    DriftAction.FillOrderAmmImmediate: {7},
    DriftAction.FillOrderAmmLowRisk: {5, 7},
    DriftAction.UpdateFunding: {3, 4, 5, 6, 7},
    DriftAction.SettlePnl: {3, 4, 5, 6, 7},
    DriftAction.OracleOrderPrice: {4, 5, 6, 7},
    DriftAction.MarginCalc: {4, 5, 6, 7},
    DriftAction.TriggerOrder: {2, 3, 4, 5, 6, 7},
    DriftAction.Liquidate: {2, 3, 4, 5, 6, 7},
    DriftAction.UseMMOraclePrice: {2, 3, 4, 5, 6, 7},
    DriftAction.FillOrderMatch: {3, 4, 5, 6, 7},
    DriftAction.UpdateAmmCache: {3, 4, 5, 6, 7},
    DriftAction.UpdateLpPoolAum: {3, 4, 5, 6, 7},
    DriftAction.LpPoolSwap: {3, 4, 5, 6, 7},
    DriftAction.UpdateTwap: {1, 2, 3, 4, 5, 6, 7},
    DriftAction.UpdateAMMCurve: {1, 2, 3, 4, 5, 6, 7},
    None: {7},
}


@pytest.mark.parametrize("action", list(EXPECTED_OK))
def test_is_oracle_valid_for_action(action: DriftAction | None) -> None:
    ok = {i for i, v in enumerate(ALL) if is_oracle_valid_for_action(v, action)}
    assert ok == EXPECTED_OK[action]


def test_block_operation() -> None:
    # math/oracle.rs::block_operation: stale AMM, invalid oracle, divergence or paused funding block funding
    market = oracle_valid_market()
    market.amm.last_update_slot = 100
    reserve = market.amm.reserve_price()
    good = OraclePriceData(price=34 * PRICE_PRECISION, confidence=PRICE_PRECISION_U64 // 100, delay=1,
                           has_sufficient_number_of_data_points=True)
    assert block_operation(market, good, GUARD_RAILS, reserve, 100 + 3600) is False
    assert block_operation(market, good, GUARD_RAILS, reserve, 100 + 3601) is True  # > funding_period slots
    assert block_operation(market, OraclePriceData(price=34 * PRICE_PRECISION, confidence=PRICE_PRECISION_U64,
                                                   delay=1, has_sufficient_number_of_data_points=True),
                           GUARD_RAILS, reserve, 100) is True  # TooUncertain
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = 29 * PRICE_PRECISION
    assert block_operation(market, good, GUARD_RAILS, reserve, 100) is True  # reserve 12% above the 5-min twap
    market.amm.historical_oracle_data.last_oracle_price_twap_5min = 32 * PRICE_PRECISION
    market.paused_operations = int(PerpOperation.UpdateFunding)
    assert block_operation(market, good, GUARD_RAILS, reserve, 100) is True


def test_is_operation_paused() -> None:
    # programs/drift/src/state/paused_operations/tests.rs::test::test_is_operation_paused
    for op in (PerpOperation.UpdateFunding, PerpOperation.AmmFill, PerpOperation.Fill, PerpOperation.SettlePnl):
        assert PerpOperation.is_operation_paused(int(op), op)
    every = int(PerpOperation.UpdateFunding | PerpOperation.AmmFill | PerpOperation.Fill | PerpOperation.SettlePnl)
    assert all(PerpOperation.is_operation_paused(every, op) for op in (
        PerpOperation.UpdateFunding, PerpOperation.AmmFill, PerpOperation.Fill, PerpOperation.SettlePnl))
    assert not any(PerpOperation.is_operation_paused(0, op) for op in PerpOperation)
    multiple = int(PerpOperation.AmmFill) | int(PerpOperation.SettlePnl)
    assert PerpOperation.is_operation_paused(multiple, PerpOperation.AmmFill)
    assert PerpOperation.is_operation_paused(multiple, PerpOperation.SettlePnl)
    assert not PerpOperation.is_operation_paused(multiple, PerpOperation.Fill)
    # the struct methods and the other flag sets
    assert PerpMarket(paused_operations=0b100).is_operation_paused(PerpOperation.Fill)
    assert SpotMarket(paused_operations=0b1000).is_operation_paused(SpotOperation.Withdraw)
    assert not SpotMarket(paused_operations=0b1000).is_operation_paused(SpotOperation.Deposit)
    assert InsuranceFundOperation.is_operation_paused(0b10, InsuranceFundOperation.Add)


# --- properties ------------------------------------------------------------------------------------------------

SEVERITY = {V.NonPositive: 0, V.TooVolatile: 1, V.TooUncertain: 2, V.StaleForMargin: 3,
            V.InsufficientDataPoints: 4, V.StaleForAMM: 5, V.Valid: 6}


@settings(max_examples=300, deadline=None)
@given(price=st.integers(1, 10**12), conf=st.integers(0, 10**11), delay=st.integers(0, 500),
       extra=st.integers(1, 500), twap=st.integers(1, 10**12))
def test_more_delay_is_never_more_valid(price: int, conf: int, delay: int, extra: int, twap: int) -> None:
    a = validity(price=price, conf=conf, delay=delay, twap=twap)
    b = validity(price=price, conf=conf, delay=delay + extra, twap=twap)
    assert SEVERITY[b.variant] <= SEVERITY[a.variant]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(price=st.integers(1, 10**12), conf=st.integers(0, 10**11), more=st.integers(1, 10**11))
def test_more_confidence_is_never_more_valid(price: int, conf: int, more: int) -> None:
    a = validity(price=price, conf=conf, twap=price, immediate=100, low_risk=100)
    b = validity(price=price, conf=conf + more, twap=price, immediate=100, low_risk=100)
    assert SEVERITY[b.variant] <= SEVERITY[a.variant]  # type: ignore[attr-defined]
