"""Backstop AMM Liquidity at protocol-v2 v2.136.0: math/lp.rs, controller/lp.rs and the LP parts of other files.

(a) The program's own LP tests at tag v2.136.0, each citing ``programs/drift/src/<file>/tests.rs::<test>``
(the mainnet accounts some of them embed are decoded by ``tests/exact/v2_136_accounts.py``);
(b) error cases with the program's ErrorCode; (c) hypothesis properties: minting then burning with no trade in
between gives back the same market up to rounding against the LP, the LP's and the AMM's positions add up to the
users' net, settling is independent of how often it happens.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION,
    PEG_PRECISION,
    PRICE_PRECISION,
    QUOTE_PRECISION,
    AMMLiquiditySplit,
    HistoricalOracleData,
    MarginRequirementType,
    PerpMarket,
    PerpPosition,
    PositionDelta,
    PositionDirection,
    PositionUpdateType,
)
from tests.exact.v2_136_accounts import perp_market_v2_136, user_v2_136

ONE = AMM_RESERVE_PRECISION


def default_test_amm(**fields: object) -> AMM:
    """``AMM::default_test()`` at v2.136.0 (state/perp_market.rs) with the test's fields on top."""
    base: dict[str, object] = {
        "base_asset_reserve": 100 * ONE, "quote_asset_reserve": 100 * ONE, "sqrt_k": 100 * ONE,
        "concentration_coef": ex.MAX_CONCENTRATION_COEFFICIENT, "order_step_size": 1, "order_tick_size": 1,
        "max_base_asset_reserve": 2**64 - 1, "min_base_asset_reserve": 0, "terminal_quote_asset_reserve": 100 * ONE,
        "peg_multiplier": PEG_PRECISION, "max_fill_reserve_fraction": 1, "max_spread": 1000,
        "last_oracle_valid": True,
        "historical_oracle_data": HistoricalOracleData(last_oracle_price=PRICE_PRECISION),
    }
    return AMM(**{**base, **fields})  # type: ignore[arg-type]


def default_test_market(**amm_fields: object) -> PerpMarket:
    """``PerpMarket::default_test()``: the test AMM and margin ratios 10% / 5%."""
    return PerpMarket(amm=default_test_amm(**amm_fields), margin_ratio_initial=1000, margin_ratio_maintenance=500)


ACCOUNTS = json.loads((Path(__file__).parents[1] / "data" / "v2_136_lp_accounts.json").read_text())


def embedded_account(test_file: str, test: str, kind: str) -> str:
    """A base64 ``User`` or ``PerpMarket`` account embedded in a v2.136.0 test (tests/data/v2_136_lp_accounts.json)."""
    return str(ACCOUNTS[test_file][test][kind])


def entry_price(position: PerpPosition) -> int:
    """The program's test helper ``PerpPosition::get_entry_price`` at v2.136.0: over base *with* remainder."""
    base = position.get_base_asset_amount_with_remainder()
    return 0 if base == 0 else ex.safe_div(-position.quote_entry_amount * PRICE_PRECISION * 1000, base)


def breakeven_price(position: PerpPosition) -> int:
    """``PerpPosition::get_breakeven_price`` (test helper, v2.136.0)."""
    base = position.get_base_asset_amount_with_remainder()
    return 0 if base == 0 else ex.safe_div(-position.quote_break_even_amount * PRICE_PRECISION * 1000, base)


def cost_basis(position: PerpPosition) -> int:
    """``PerpPosition::get_cost_basis`` (test helper, v2.136.0): over the base alone."""
    base = position.base_asset_amount
    return 0 if base == 0 else ex.safe_div(-position.quote_asset_amount * PRICE_PRECISION * 1000, base)


# ================================================================================ math/lp/tests.rs


def test_get_proportion_u128_matches_the_safe_version() -> None:
    # programs/drift/src/math/lp/tests.rs::calculate_get_proportion_u128::test_safe (its helper, transcribed)
    def safe(value: int, numerator: int, denominator: int) -> int:
        if numerator == 0:
            return 0
        if numerator <= denominator:
            ratio = denominator * 10000 // numerator
            return value * 10000 // ratio
        return value * numerator // denominator

    sqrt_k = ONE * 10_123
    max_asks = sqrt_k * 14121 // 10000 - sqrt_k
    for numerator in (sqrt_k // 2, ONE, 0, 1325324):
        assert safe(max_asks, numerator, sqrt_k) == ex.get_proportion_u128(max_asks, numerator, sqrt_k)


@pytest.mark.parametrize(("bar", "max_bar", "expected"), [
    # math/lp/tests.rs::calculate_lp_open_bids_asks::test_simple_lp_bid_ask
    (10, 100, (10 * 100 // 200, -90 * 100 // 200)),
    (0, 100, (0, -100 * 100 // 200)),  # ::test_max_ask (no more short)
    (10, 10, (10 * 100 // 200, 0)),  # ::test_max_bid (no more long)
])
def test_lp_open_bids_asks(bar: int, max_bar: int, expected: tuple[int, int]) -> None:
    position = PerpPosition(lp_shares=100)
    market = PerpMarket(amm=default_test_amm(base_asset_reserve=bar, max_base_asset_reserve=max_bar,
                                             min_base_asset_reserve=0, sqrt_k=200),
                        margin_ratio_initial=1000, margin_ratio_maintenance=500)
    assert ex.calculate_lp_open_bids_asks(position, market) == expected


def test_lp_open_bids_asks_docs_example() -> None:
    # drift-docs-digest.md (a) BAL: reserves 50 in bounds 0/100 -> 50/50; reserves 25 -> 75 asks / 25 bids
    # (a single LP owning the whole curve)
    for bar, expected in ((50, (50, -50)), (25, (25, -75))):
        market = PerpMarket(amm=default_test_amm(base_asset_reserve=bar, max_base_asset_reserve=100,
                                                 min_base_asset_reserve=0, sqrt_k=100))
        assert ex.calculate_lp_open_bids_asks(PerpPosition(lp_shares=100), market) == expected


@pytest.mark.parametrize(("per_lp", "expected"), [
    ((10, -10), (10 * 100, -10 * 100)),  # math/lp/tests.rs::calculate_settled_lp_base_quote::test_long_settle
    ((-10, 10), (-10 * 100, 10 * 100)),  # ::test_short_settle
])
def test_settled_lp_base_quote(per_lp: tuple[int, int], expected: tuple[int, int]) -> None:
    position = PerpPosition(lp_shares=100 * BASE_PRECISION)
    amm = default_test_amm(base_asset_amount_per_lp=per_lp[0], quote_asset_amount_per_lp=per_lp[1])
    assert ex.calculate_settled_lp_base_quote(amm, position) == expected


@pytest.mark.parametrize(("shares", "step", "expected"), [
    (100 * BASE_PRECISION, 1, (10 * 100, -10 * 100, 0)),  # calculate_settle_lp_metrics::test_long_settle
    (100 * BASE_PRECISION, 50 * 100, (0, -10 * 100, 10 * 100)),  # ::test_all_remainder
    (BASE_PRECISION, 3, (9, -10, 1)),  # ::test_portion_remainder
])
def test_settle_lp_metrics(shares: int, step: int, expected: tuple[int, int, int]) -> None:
    # programs/drift/src/math/lp/tests.rs::calculate_settle_lp_metrics::*
    position = PerpPosition(lp_shares=shares)
    amm = default_test_amm(base_asset_amount_per_lp=10, quote_asset_amount_per_lp=-10, order_step_size=step)
    metrics = ex.calculate_settle_lp_metrics(amm, position)
    assert (metrics.base_asset_amount, metrics.quote_asset_amount, metrics.remainder_base_asset_amount) == expected


def test_lp_shares_to_burn_for_risk_reduction() -> None:
    # programs/drift/src/math/lp/tests.rs::calculate_lp_shares_to_burn_for_risk_reduction::test (1MBONK-PERP)
    test = "calculate_lp_shares_to_burn_for_risk_reduction::test"
    user_b64, market_b64 = (embedded_account("math/lp/tests.rs", test, kind) for kind in ("user", "market"))
    user, market = user_v2_136(user_b64), perp_market_v2_136(market_b64)
    position = user.perp_positions[0]
    oracle, quote = 10 * PRICE_PRECISION, PRICE_PRECISION
    for sign in (1, -1):  # the test then flips the position to the other side
        position.base_asset_amount = sign * abs(position.base_asset_amount)
        for shortage, expected in ((40, (168_900_000_000, 12_400_000_000)), (20, (16_800_000_000, 8_000_000_000)),
                                   (5, (16_800_000_000, 2_000_000_000))):
            got = ex.calculate_lp_shares_to_burn_for_risk_reduction(position, market, oracle, quote,
                                                                    shortage * QUOTE_PRECISION, 0, False)
            assert got == expected


def test_lp_shares_to_burn_with_custom_margin_ratio() -> None:
    # programs/drift/src/math/lp/tests.rs::calculate_lp_shares_to_burn_for_risk_reduction::custom_margin_ratio
    test = "calculate_lp_shares_to_burn_for_risk_reduction::custom_margin_ratio"
    user_b64, market_b64 = (embedded_account("math/lp/tests.rs", test, kind) for kind in ("user", "market"))
    user, market = user_v2_136(user_b64), perp_market_v2_136(market_b64)
    position = user.perp_positions[0]
    got = ex.calculate_lp_shares_to_burn_for_risk_reduction(position, market, 43174 * PRICE_PRECISION,
                                                            PRICE_PRECISION, 2077 * QUOTE_PRECISION,
                                                            user.max_margin_ratio, False)
    assert got == (1_770_400_000, 48_200_000)
    assert position.lp_shares == 17_704_500_000


# ================================================================================ controller/lp/tests.rs


def test_lp_wont_collect_improper_funding() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_wont_collect_improper_funding
    position = PerpPosition(base_asset_amount=1)
    market = default_test_market(order_step_size=1)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 10
    market.amm.quote_asset_amount_per_lp = -10
    market.amm.base_asset_amount_with_unsettled_lp = -10
    market.amm.base_asset_amount_short = -10
    market.amm.cumulative_funding_rate_long = -10
    with pytest.raises(ex.InvalidPerpPositionDetected):
        ex.settle_lp_position(position, market)


def test_full_long_settle() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_full_long_settle
    position = PerpPosition()
    market = default_test_market(order_step_size=1)
    og_market = copy.deepcopy(market)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 10
    market.amm.quote_asset_amount_per_lp = -10
    market.amm.base_asset_amount_with_unsettled_lp = -10
    market.amm.base_asset_amount_short = -10
    ex.settle_lp_position(position, market)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (10, -10)
    assert (position.base_asset_amount, position.quote_asset_amount) == (10, -10)
    assert market.amm.base_asset_amount_with_unsettled_lp == 0
    assert og_market.amm.base_asset_amount_with_amm == market.amm.base_asset_amount_with_amm
    ex.burn_lp_shares(position, market, position.lp_shares, 0)
    assert position.lp_shares == 0
    assert og_market.amm.sqrt_k == market.amm.sqrt_k


def test_full_short_settle() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_full_short_settle
    position = PerpPosition()
    market = default_test_market(peg_multiplier=1, user_lp_shares=100 * ONE, order_step_size=1)
    ex.mint_lp_shares(position, market, 100 * BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = -10
    market.amm.quote_asset_amount_per_lp = 10
    ex.settle_lp_position(position, market)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (-10, 10)
    assert (position.base_asset_amount, position.quote_asset_amount) == (-10 * 100, 10 * 100)


def test_partial_short_settle() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_partial_short_settle
    position = PerpPosition()
    market = default_test_market(order_step_size=3)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = -10
    market.amm.quote_asset_amount_per_lp = 10
    market.amm.base_asset_amount_with_unsettled_lp = 9
    market.amm.base_asset_amount_long = 9
    ex.settle_lp_position(position, market)
    assert (position.base_asset_amount, position.quote_asset_amount, position.remainder_base_asset_amount) == (
        -9, 10, -1)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (-10, 10)
    ex.burn_lp_shares(position, market, position.lp_shares, 0)
    assert position.lp_shares == 0


def test_partial_long_settle() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_partial_long_settle
    position = PerpPosition(lp_shares=BASE_PRECISION)
    market = default_test_market(base_asset_amount_per_lp=-10, quote_asset_amount_per_lp=10, order_step_size=3)
    ex.settle_lp_position(position, market)
    assert (position.base_asset_amount, position.quote_asset_amount, position.remainder_base_asset_amount) == (
        -9, 10, -1)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (-10, 10)


def _settle_ten(step: int) -> tuple[PerpPosition, PerpMarket, PerpMarket]:
    position = PerpPosition()
    market = default_test_market(order_step_size=step)
    og_market = copy.deepcopy(market)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 10
    market.amm.quote_asset_amount_per_lp = -10
    market.amm.base_asset_amount_with_unsettled_lp = -10
    market.amm.base_asset_amount_with_amm += 10
    ex.settle_lp_position(position, market)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (10, -10)
    assert (position.base_asset_amount, position.quote_asset_amount, position.remainder_base_asset_amount) == (
        0, -10, 10)
    assert market.amm.base_asset_amount_with_unsettled_lp == -10
    assert market.amm.base_asset_amount_with_amm == 10  # net baa doesnt change after settle_lp_position
    return position, market, og_market


def test_remainder_long_settle_too_large_order_step_size() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_remainder_long_settle_too_large_order_step_size
    position, market, og_market = _settle_ten(5 * BASE_PRECISION)
    assert position.lp_shares == BASE_PRECISION
    ex.burn_lp_shares(position, market, position.lp_shares, 22)
    assert position.lp_shares == 0
    assert og_market.amm.sqrt_k == market.amm.sqrt_k
    # the 10 base of dust closed at $0.000022: value 0, plus the one-unit charge
    assert (position.quote_asset_amount, position.base_asset_amount, position.remainder_base_asset_amount) == (
        -11, 0, 0)


def test_remainder_overflows_too_large_order_step_size() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_remainder_overflows_too_large_order_step_size
    position, market, og_market = _settle_ten(5 * BASE_PRECISION)
    amm = market.amm
    amm.base_asset_amount_per_lp += BASE_PRECISION + 1
    amm.quote_asset_amount_per_lp += -16_900_000_000
    amm.base_asset_amount_with_unsettled_lp += -(BASE_PRECISION + 1)
    amm.base_asset_amount_with_amm += BASE_PRECISION + 1
    ex.settle_lp_position(position, market)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (
        1_000_000_011, -16_900_000_010)
    assert (position.quote_asset_amount, position.base_asset_amount) == (-16_900_000_010, 0)
    assert position.remainder_base_asset_amount == 1_000_000_011 < amm.order_step_size

    # a remainder above i32::MAX but below the step size cannot be settled
    amm.base_asset_amount_per_lp = 3 * BASE_PRECISION + 1
    amm.quote_asset_amount_per_lp = -(3 * 16_900_000_000)
    amm.base_asset_amount_with_unsettled_lp = -(3 * BASE_PRECISION + 1)
    amm.base_asset_amount_short = -(3 * BASE_PRECISION + 1)
    before = copy.deepcopy(position)
    with pytest.raises(ex.InvalidPositionDelta):
        ex.settle_lp_position(position, market)
    assert (position.quote_asset_amount, position.base_asset_amount) == (before.quote_asset_amount, 0)

    # past the step size on the market
    amm.base_asset_amount_per_lp = 5 * BASE_PRECISION + 1
    amm.quote_asset_amount_per_lp = -116_900_000_000
    amm.base_asset_amount_with_unsettled_lp = -(5 * BASE_PRECISION + 1)
    amm.base_asset_amount_short = -(5 * BASE_PRECISION)
    amm.base_asset_amount_with_amm = 1
    ex.settle_lp_position(position, market)
    assert amm.base_asset_amount_with_unsettled_lp == -1
    assert (amm.base_asset_amount_short, amm.base_asset_amount_long) == (-5_000_000_000, 5 * BASE_PRECISION)
    assert amm.base_asset_amount_with_amm == 1
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (
        5_000_000_001, -116_900_000_000)
    assert (position.quote_asset_amount, position.base_asset_amount, position.remainder_base_asset_amount) == (
        -116_900_000_000, 5_000_000_000, 1)

    ex.burn_lp_shares(position, market, position.lp_shares, 22)
    assert position.lp_shares == 0
    assert og_market.amm.sqrt_k == amm.sqrt_k
    assert (position.quote_asset_amount, position.base_asset_amount, position.remainder_base_asset_amount) == (
        -116_900_000_001, 5_000_000_000, 0)
    assert (amm.base_asset_amount_with_amm, amm.base_asset_amount_with_unsettled_lp) == (0, 0)
    assert (amm.base_asset_amount_short, amm.base_asset_amount_long) == (-5_000_000_000, 5_000_000_000)


def test_remainder_burn_large_order_step_size() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_remainder_burn_large_order_step_size
    position, market, og_market = _settle_ten(2 * BASE_PRECISION)
    amm = market.amm
    amm.base_asset_amount_per_lp = BASE_PRECISION + 1
    amm.quote_asset_amount_per_lp = -16_900_000_000
    amm.base_asset_amount_with_unsettled_lp += -(BASE_PRECISION + 1)
    amm.base_asset_amount_with_amm += BASE_PRECISION + 1
    ex.settle_lp_position(position, market)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (
        1_000_000_001, -16_900_000_000)
    assert (position.quote_asset_amount, position.base_asset_amount) == (-16_900_000_000, 0)
    assert position.remainder_base_asset_amount == 1_000_000_001 < amm.order_step_size
    ex.burn_lp_shares(position, market, position.lp_shares, 22)  # burn with the overflowed remainder
    assert position.lp_shares == 0
    assert og_market.amm.sqrt_k == amm.sqrt_k
    # 1.000000001 base at $0.000022 = 22 units, + 1
    assert (position.quote_asset_amount, position.base_asset_amount, position.remainder_base_asset_amount) == (
        -16_900_000_023, 0, 0)


def _lp_margin_market() -> PerpMarket:
    """The SOL-like market of controller/lp/tests.rs::test_lp_settle_pnl and ::test_lp_margin_calc."""
    return PerpMarket(
        amm=AMM(base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE, bid_base_asset_reserve=101 * ONE,
                bid_quote_asset_reserve=99 * ONE, ask_base_asset_reserve=99 * ONE, ask_quote_asset_reserve=101 * ONE,
                sqrt_k=100 * ONE, peg_multiplier=100 * PEG_PRECISION, max_slippage_ratio=50,
                max_fill_reserve_fraction=100, order_step_size=2 * BASE_PRECISION // 100,
                quote_asset_amount=-150 * QUOTE_PRECISION, base_asset_amount_with_amm=BASE_PRECISION,
                base_asset_amount_long=BASE_PRECISION, concentration_coef=1_000_001,
                historical_oracle_data=HistoricalOracleData(last_oracle_price=100 * PRICE_PRECISION,
                                                            last_oracle_price_twap_5min=100 * PRICE_PRECISION,
                                                            last_oracle_price_twap=100 * PRICE_PRECISION)),
        margin_ratio_initial=1000, margin_ratio_maintenance=500, number_of_users_with_base=1, number_of_users=1,
        status=ex.MarketStatus.Active, liquidator_fee=ex.LIQUIDATION_FEE_PRECISION // 100,
        unrealized_pnl_maintenance_asset_weight=ex.SPOT_WEIGHT_PRECISION)


def test_lp_settle_pnl_margin() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_settle_pnl: after settling 10 base at -10 quote, a $50
    # deposit: total collateral 49999988, initial margin requirement 2099020 ("$2+ for margin req")
    position = PerpPosition(last_cumulative_funding_rate=1337)
    market = _lp_margin_market()
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 10
    market.amm.quote_asset_amount_per_lp = -10
    market.amm.base_asset_amount_with_unsettled_lp = -10
    market.amm.base_asset_amount_with_amm += 10
    market.amm.cumulative_funding_rate_long = 169
    market.amm.cumulative_funding_rate_short = 169
    ex.settle_lp_position(position, market)
    oracle = ex.OraclePriceData(price=100 * PRICE_PRECISION, confidence=0, delay=0,
                                has_sufficient_number_of_data_points=True)
    strict_quote = ex.StrictOraclePrice(current=PRICE_PRECISION, twap_5min=None)
    requirement, weighted_pnl, *_ = ex.calculate_perp_position_value_and_pnl_v2_136(
        position, market, oracle, strict_quote, MarginRequirementType.Initial, 0, False, False)
    assert requirement == 2_099_020
    assert 50 * QUOTE_PRECISION + weighted_pnl == 49_999_988  # the $50 USDC deposit at weight 1


def test_lp_margin_calc() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_margin_calc
    position = PerpPosition(last_cumulative_funding_rate=1337)
    market = _lp_margin_market()
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    amm = market.amm
    amm.base_asset_amount_per_lp = 100 * BASE_PRECISION
    amm.quote_asset_amount_per_lp = -BASE_PRECISION
    amm.base_asset_amount_with_unsettled_lp = -100 * BASE_PRECISION
    amm.base_asset_amount_short = -100 * BASE_PRECISION
    amm.cumulative_funding_rate_long = 169 * 100_000_000
    amm.cumulative_funding_rate_short = 169 * 100_000_000
    ex.settle_lp_position(position, market)
    position.base_asset_amount = BASE_PRECISION  # the test then sets the user's base to 1
    assert position.lp_shares == 1_000_000_000
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (100_000_000_000, -1_000_000_000)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (
        100_000_000_000, -1_000_000_000)
    assert position.last_cumulative_funding_rate == 16_900_000_000

    amm.base_asset_amount_per_lp *= 2  # the market moves so the user has to settle
    amm.quote_asset_amount_per_lp *= 20
    amm.cumulative_funding_rate_long *= 2  # and has unsettled funding
    amm.cumulative_funding_rate_short *= 2
    ex.apply_lp_rebase_to_perp_market(market, 1)

    oracle = ex.OraclePriceData(price=100 * PRICE_PRECISION, confidence=100_000, delay=1,
                                has_sufficient_number_of_data_points=True)
    simulated = position.simulate_settled_lp_position(market, oracle.price)
    assert simulated.base_asset_amount == 101_000_000_000 != position.base_asset_amount
    assert simulated.quote_asset_amount == -20_000_000_000
    assert simulated.last_cumulative_funding_rate == 16_900_000_000

    strict_quote = ex.StrictOraclePrice(current=1_000_000, twap_5min=None)
    requirement, weighted_pnl, worst_value, _, _ = ex.calculate_perp_position_value_and_pnl_v2_136(
        position, market, oracle, strict_quote, MarginRequirementType.Initial, 0, False, False)
    assert requirement == 1_012_000_000  # $1010 + $2 for the LP shares
    assert weighted_pnl == -9_916_900_000  # -$9900 upnl and -$16.9 of funding from before settling
    assert worst_value == 10_100_000_000


def test_lp_has_correct_entry_be_price() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_has_correct_entry_be_price
    position = PerpPosition()
    market = default_test_market(order_step_size=BASE_PRECISION // 10)
    amm = market.amm
    assert (amm.user_lp_shares, amm.sqrt_k) == (0, 100_000_000_000)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    assert (amm.user_lp_shares, amm.sqrt_k) == (1_000_000_000, 101_000_000_000)
    assert entry_price(position) == 0

    amm.base_asset_amount_per_lp = BASE_PRECISION
    amm.quote_asset_amount_per_lp = -99_999_821
    amm.base_asset_amount_with_unsettled_lp = BASE_PRECISION
    amm.base_asset_amount_long = BASE_PRECISION
    ex.settle_lp_position(position, market)
    assert entry_price(position) == 99_999_821
    assert (position.quote_entry_amount, position.quote_break_even_amount, position.quote_asset_amount) == (
        -99_999_821, -99_999_821, -99_999_821)

    amm.base_asset_amount_per_lp -= BASE_PRECISION // 2
    amm.quote_asset_amount_per_lp += 97_999_821
    amm.base_asset_amount_with_unsettled_lp = BASE_PRECISION // 2
    amm.base_asset_amount_long = BASE_PRECISION // 2
    ex.settle_lp_position(position, market)
    assert entry_price(position) == 99_999_822
    assert position.remainder_base_asset_amount == 0
    assert (position.quote_entry_amount, position.quote_break_even_amount, position.quote_asset_amount) == (
        -49_999_911, -49_999_911, -2_000_000)
    assert position.base_asset_amount == 500_000_000

    base_delta = -BASE_PRECISION // 4
    amm.base_asset_amount_per_lp += base_delta
    amm.quote_asset_amount_per_lp += 98_999_821 // 4
    update_base_delta, _ = ex.standardize_base_asset_amount_with_remainder_i128(base_delta, amm.order_step_size)
    amm.base_asset_amount_with_unsettled_lp += update_base_delta
    amm.base_asset_amount_long += update_base_delta
    ex.settle_lp_position(position, market)
    assert entry_price(position) == 99_999_824
    assert cost_basis(position) == -75_833_183
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (300_000_000, -50_000_000)
    assert (position.quote_entry_amount, position.quote_break_even_amount, position.quote_asset_amount) == (
        -24_999_956, -24_999_956, 22_749_955)


def _entry_sim_market() -> tuple[PerpPosition, PerpMarket]:
    position = PerpPosition()
    market = default_test_market(order_step_size=BASE_PRECISION // 10, sqrt_k=BASE_PRECISION)
    assert (market.amm.user_lp_shares, market.amm.sqrt_k) == (0, 1_000_000_000)
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    assert (market.amm.user_lp_shares, market.amm.sqrt_k) == (1_000_000_000, 2_000_000_000)
    assert (entry_price(position), cost_basis(position), breakeven_price(position)) == (0, 0, 0)
    return position, market


def test_lp_has_correct_entry_be_price_sim_no_remainders() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_has_correct_entry_be_price_sim_no_remainders
    position, market = _entry_sim_market()
    amm = market.amm
    flips = []
    for i in range(3000):
        if i % 3 == 0:
            px, multi, divisor = 100_000_000 - i, i % 19 + 1, 10
            base_delta = ex.safe_div(-BASE_PRECISION * multi, divisor)
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp += px * multi // divisor
            amm.base_asset_amount_short += base_delta
        else:
            px, multi, divisor = 99_199_821 + i, i % 5 + 1, 5
            base_delta = BASE_PRECISION * multi // divisor
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp -= px * multi // divisor
            amm.base_asset_amount_long += base_delta
        amm.base_asset_amount_with_unsettled_lp += base_delta
        before = position.base_asset_amount
        ex.settle_lp_position(position, market)
        if ex.signum(before) != ex.signum(position.base_asset_amount):
            flips.append(i)
        assert position.remainder_base_asset_amount == 0
        if position.get_base_asset_amount_with_remainder_abs() != 0:
            assert 99 * PRICE_PRECISION <= entry_price(position) <= 100 * PRICE_PRECISION
    assert position.base_asset_amount == 200_500_000_000
    assert (entry_price(position), breakeven_price(position), cost_basis(position)) == (
        99_202_392, 99_202_392, 95_227_357)
    assert flips == [0, 1, 18, 19]


def test_lp_remainder_position_updates() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_remainder_position_updates
    position, market = _entry_sim_market()
    pnl = ex.update_position_and_market_v2_136(position, market, PositionDelta(0, 0, 880))
    assert pnl == 0
    pnl = ex.update_position_and_market_v2_136(position, market, PositionDelta(0, 0, -881))
    assert pnl == 0
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (0, -1)
    ex.validate_perp_market_v2_136(market)
    ex.validate_perp_position_with_perp_market_v2_136(position, market)

    delta = PositionDelta(-199 * 1_000_000, BASE_PRECISION, ex.safe_div(-BASE_PRECISION, 22))
    assert ex.update_position_and_market_v2_136(position, market, delta) == 0
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (1_000_000_000, -45_454_546)
    ex.validate_perp_market_v2_136(market)
    ex.validate_perp_position_with_perp_market_v2_136(position, market)

    delta = PositionDelta(199 * 1_000_000, -BASE_PRECISION * 2, BASE_PRECISION // 23)
    assert ex.update_position_and_market_v2_136(position, market, delta) == -101_912_122
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (-1_000_000_000, -1_976_286)
    ex.validate_perp_market_v2_136(market)
    ex.validate_perp_position_with_perp_market_v2_136(position, market)


def test_lp_remainder_position_updates_2() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_remainder_position_updates_2
    position, market = _entry_sim_market()
    assert ex.update_position_and_market_v2_136(position, market, PositionDelta(0, 300_000_000, 33_333_333)) == 0
    ex.validate_perp_market_v2_136(market)
    assert ex.update_position_and_market_v2_136(position, market, PositionDelta(0, 500_000_000, 0)) == 0
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (800_000_000, 33_333_333)
    ex.validate_perp_market_v2_136(market)
    delta = PositionDelta(199 * 10_000, -300_000_000, -63_636_363)
    assert ex.update_position_and_market_v2_136(position, market, delta) == 1_990_000
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (500_000_000, -30_303_030)
    amm = market.amm
    assert (amm.base_asset_amount_long, amm.base_asset_amount_short) == (500_000_000, 0)
    assert (amm.base_asset_amount_with_unsettled_lp, amm.base_asset_amount_with_amm) == (500_000_000, 0)
    ex.validate_perp_market_v2_136(market)
    ex.validate_perp_position_with_perp_market_v2_136(position, market)


def test_lp_has_correct_entry_be_price_sim() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_has_correct_entry_be_price_sim
    position, market = _entry_sim_market()
    amm = market.amm
    step = amm.order_step_size
    flips = []
    total_remainder = 0
    for i in range(3000):
        if i % 3 == 0:
            px, multi, divisor = 100_000_000 - i, i % 19 + 1, 11
            base_delta = ex.safe_div(-BASE_PRECISION * multi, divisor)
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp += px * multi // divisor
        else:
            px, multi, divisor = 99_199_821 + i, i % 5 + 1, 6
            base_delta = BASE_PRECISION * multi // divisor
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp -= px * multi // divisor
        update_base_delta, rr = ex.standardize_base_asset_amount_with_remainder_i128(base_delta, step)
        total_remainder += rr
        total_remainder_f, _ = ex.standardize_base_asset_amount_with_remainder_i128(total_remainder, step)
        if total_remainder_f != 0:
            total_remainder -= total_remainder_f
        amm.base_asset_amount_with_unsettled_lp += update_base_delta
        if i % 3 == 0:
            amm.base_asset_amount_long += update_base_delta
        else:
            amm.base_asset_amount_short += update_base_delta
        before = position.base_asset_amount
        ex.validate_perp_market_v2_136(market)
        ex.validate_perp_position_with_perp_market_v2_136(position, market)
        ex.settle_lp_position(position, market)
        if ex.signum(before) != ex.signum(position.base_asset_amount):
            flips.append(i)
        if position.get_base_asset_amount_with_remainder_abs() != 0:
            assert 99 * PRICE_PRECISION <= entry_price(position) <= 100 * PRICE_PRECISION
    assert (entry_price(position), breakeven_price(position), cost_basis(position)) == (
        99_202_570, 99_202_570, 91_336_780)
    assert flips == [1, 18, 19, 36, 37]
    assert position.base_asset_amount == 91_300_000_000


def test_lp_has_correct_entry_be_price_sim_more_flips() -> None:
    # programs/drift/src/controller/lp/tests.rs::test_lp_has_correct_entry_be_price_sim_more_flips
    position, market = _entry_sim_market()
    amm = market.amm
    flips = 0
    for i in range(3000):
        multi, divisor = i % 7 + 1 + i, 10
        if i % 2 == 0:
            px = 99_800_000 - i * i % 4
            base_delta = ex.safe_div(-BASE_PRECISION * multi, divisor)
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp += px * multi // divisor
            amm.base_asset_amount_short += base_delta
        else:
            px = 99_199_821 + i * i % 4
            base_delta = BASE_PRECISION * multi // divisor
            amm.base_asset_amount_per_lp += base_delta
            amm.quote_asset_amount_per_lp -= px * multi // divisor
            amm.base_asset_amount_long += base_delta
        amm.base_asset_amount_with_unsettled_lp += base_delta
        before = position.base_asset_amount
        ex.settle_lp_position(position, market)
        if ex.signum(before) != ex.signum(position.base_asset_amount):
            flips += 1
        assert position.remainder_base_asset_amount == 0
        if position.get_base_asset_amount_with_remainder_abs() != 0:
            assert 99_199_820 <= entry_price(position) <= 99_800_000
    assert flips == 3000
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (150_200_000_000, 0)
    assert (entry_price(position), breakeven_price(position), cost_basis(position)) == (
        99_199_822, 99_199_822, -801_664_962)


U = PositionUpdateType


@pytest.mark.parametrize(("name", "position", "cases"), [
    # programs/drift/src/controller/lp/tests.rs::test_get_position_update_type_lp_opens
    ("lp_opens", {}, [((0, 0, 0), U.Open), ((10000, -898989, 0), U.Open), ((10000, 0, 0), U.Open),
                      ((0, 0, 1000), U.Open), ((0, 0, -88881000), U.Open),
                      ((1899990, -8989898, -88881000), U.Open)]),
    # ::test_get_position_update_type_lp_negative_position ($119 short)
    ("lp_negative_position",
     {"base_asset_amount": -2_000_000_000, "quote_asset_amount": 238_000_000, "quote_entry_amount": 238_000_000,
      "quote_break_even_amount": 238_000_000},
     [((0, 0, 0), U.Reduce), ((10000, -898989, 0), U.Increase), ((10000, 0, 0), U.Reduce), ((0, 0, 1000), U.Reduce),
      ((0, 0, -88881000), U.Increase), ((1899990, -8989898, -88881000), U.Increase),
      ((-88888, 81, -81000), U.Increase), ((-88888, 81000, -81), U.Reduce)]),
    # ::test_get_position_update_type_lp_positive_position ($119 long)
    ("lp_positive_position",
     {"base_asset_amount": 2_000_000_000, "quote_asset_amount": -238_000_000, "quote_entry_amount": -238_000_000,
      "quote_break_even_amount": -238_000_000},
     [((0, 0, 0), U.Reduce), ((10000, -898989, 0), U.Reduce), ((10000, 0, 0), U.Reduce), ((0, 0, 1000), U.Increase),
      ((0, 0, -88881000), U.Reduce), ((1899990, -8989898, -88881000), U.Reduce), ((-88888, 81, -81000), U.Reduce),
      ((-88888, 81000, -81), U.Increase)]),
    # ::test_get_position_update_type_lp_positive_position_with_positive_remainder
    ("lp_positive_position_with_positive_remainder",
     {"base_asset_amount": 2_000_000_000, "remainder_base_asset_amount": 7_809_809,
      "quote_asset_amount": -238_000_000, "quote_entry_amount": -238_000_000,
      "quote_break_even_amount": -238_000_000},
     [((0, -2_000_000_002, 0), U.Reduce), ((0, 0, -7809809), U.Reduce), ((0, -2_000_000_000, -7809810), U.Flip),
      ((0, 0, 0), U.Reduce), ((10000, -898989, 0), U.Reduce), ((10000, 0, 0), U.Reduce), ((0, 0, 1000), U.Increase),
      ((0, 0, -88881000), U.Reduce), ((1899990, -8989898, -88881000), U.Reduce), ((-88888, 81, -81000), U.Reduce),
      ((-88888, 81000, -81), U.Increase)]),
    # ::test_get_position_update_type_positive_remainder ($119 long, only a remainder)
    ("positive_remainder",
     {"base_asset_amount": 0, "remainder_base_asset_amount": 7_809_809,
      "quote_asset_amount": ex.safe_div(-119_000_000 * 7_809_809, BASE_PRECISION),
      "quote_entry_amount": ex.safe_div(-119_000_000 * 7_809_809, BASE_PRECISION),
      "quote_break_even_amount": ex.safe_div(-119_000_000 * 7_809_809, BASE_PRECISION)},
     [((0, -2_000_000_002, 0), U.Flip), ((0, 0, 1), U.Increase), ((0, 0, -8791), U.Reduce),
      ((0, 0, -7809809), U.Close), ((0, 0, -7809810), U.Flip), ((0, -2_000_000_000, -7809810), U.Flip),
      ((0, -2_000_000_000, 0), U.Flip), ((0, -2_000_000_000, None), U.Flip)]),
])
def test_get_position_update_type_with_remainder(name: str, position: dict[str, int],
                                                 cases: list[tuple[tuple[int, int, int | None], U]]) -> None:
    perp_position = PerpPosition(**position)
    for (quote, base, remainder), expected in cases:
        delta = PositionDelta(quote_asset_amount=quote, base_asset_amount=base, remainder_base_asset_amount=remainder)
        assert ex.get_position_update_type_v2_136(perp_position, delta) == expected, (name, quote, base, remainder)


def test_entry_prices_with_remainder() -> None:
    # controller/lp/tests.rs::test_get_position_update_type_lp_positive_position_with_positive_remainder and
    # ::test_get_position_update_type_positive_remainder: the test helpers divide by base + remainder
    with_remainder = PerpPosition(base_asset_amount=2_000_000_000, remainder_base_asset_amount=7_809_809,
                                  quote_asset_amount=-238_000_000, quote_entry_amount=-238_000_000,
                                  quote_break_even_amount=-238_000_000)
    assert (cost_basis(with_remainder), breakeven_price(with_remainder), entry_price(with_remainder)) == (
        119_000_000, 118_537_123, 118_537_123)
    quote = ex.safe_div(-119_000_000 * 7_809_809, BASE_PRECISION)
    only_remainder = PerpPosition(remainder_base_asset_amount=7_809_809, quote_asset_amount=quote,
                                  quote_entry_amount=quote, quote_break_even_amount=quote)
    assert (cost_basis(only_remainder), breakeven_price(only_remainder), entry_price(only_remainder)) == (
        0, 118_999_965, 118_999_965)


# ================================================================================ controller/position/tests.rs


def test_full_amm_split() -> None:
    # programs/drift/src/controller/position/tests.rs::full_amm_split: no LPs, nothing moves
    delta = PositionDelta(base_asset_amount=10 * BASE_PRECISION, quote_asset_amount=-10 * BASE_PRECISION)
    market = default_test_market(user_lp_shares=0, sqrt_k=100 * ONE, base_asset_amount_with_amm=10 * ONE)
    ex.update_lp_market_position(market, delta, 0, AMMLiquiditySplit.Shared)
    assert market.amm.base_asset_amount_with_unsettled_lp == 0
    assert market.amm.base_asset_amount_with_amm == 10 * ONE


def test_full_lp_split() -> None:
    # programs/drift/src/controller/position/tests.rs::full_lp_split: LPs own the whole curve
    delta = PositionDelta(base_asset_amount=10 * BASE_PRECISION, quote_asset_amount=-10 * BASE_PRECISION)
    market = default_test_market(user_lp_shares=100 * ONE, sqrt_k=100 * ONE, base_asset_amount_with_amm=10 * ONE)
    ex.update_lp_market_position(market, delta, 0, AMMLiquiditySplit.Shared)
    assert market.amm.base_asset_amount_per_lp == -10 * BASE_PRECISION // 100
    assert market.amm.quote_asset_amount_per_lp == 10 * BASE_PRECISION // 100
    assert market.amm.base_asset_amount_with_amm == 0
    assert market.amm.base_asset_amount_with_unsettled_lp == 10 * ONE


def test_half_half_amm_lp_split() -> None:
    # programs/drift/src/controller/position/tests.rs::half_half_amm_lp_split
    delta = PositionDelta(base_asset_amount=10 * BASE_PRECISION, quote_asset_amount=-10 * BASE_PRECISION)
    market = default_test_market(user_lp_shares=100 * ONE, sqrt_k=200 * ONE, base_asset_amount_with_amm=10 * ONE)
    ex.update_lp_market_position(market, delta, 0, AMMLiquiditySplit.Shared)
    assert market.amm.base_asset_amount_with_amm == 5 * ONE
    assert market.amm.base_asset_amount_with_unsettled_lp == 5 * ONE


def _sol_perp_large_k() -> PerpMarket:
    market = perp_market_v2_136(embedded_account("controller/position/tests.rs", "amm_split_large_k", "market"))
    assert market.amm.base_asset_amount_per_lp == -574_054_756
    return market


def test_amm_split_large_k() -> None:
    # programs/drift/src/controller/position/tests.rs::amm_split_large_k (SOL-PERP account, 96.5% LP-owned)
    market = _sol_perp_large_k()
    amm = market.amm
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-574_054_756, 12_535_655)
    og_baapl, og_qaapl = amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp
    split = AMMLiquiditySplit.Shared

    ex.update_lp_market_position(market, PositionDelta(-2_300_000, BASE_PRECISION // 10), 0, split)  # $2.3 long
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-574_054_758, 12_535_655)
    ex.update_lp_market_position(market, PositionDelta(2_300_000, -BASE_PRECISION // 10), 0, split)  # $2.3 short
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-574_054_756, 12_535_654)

    position = PerpPosition(lp_shares=amm.user_lp_shares, last_base_asset_amount_per_lp=og_baapl,
                            last_quote_asset_amount_per_lp=og_qaapl)
    ex.settle_lp_position(position, market)
    assert (position.base_asset_amount, position.remainder_base_asset_amount) == (0, 0)
    assert position.quote_asset_amount == -33_538_939  # out of favor rounding
    assert position.per_lp_base == amm.per_lp_base

    ex.update_lp_market_position(market, PositionDelta(-230_000_000, BASE_PRECISION * 10), 0, split)  # $230 long
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-574_055_043, 12_535_660)
    assert amm.sqrt_k * (og_baapl - amm.base_asset_amount_per_lp) // ONE == 9_977_763_076
    assert ex.safe_div(amm.sqrt_k * (og_qaapl - amm.quote_asset_amount_per_lp), QUOTE_PRECISION) == -173_828_625_034
    assert ex.safe_div(amm.sqrt_k * (og_qaapl - amm.quote_asset_amount_per_lp - 1),
                       QUOTE_PRECISION) == -208_594_350_041

    og_baapl, og_qaapl = amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp
    ex.update_lp_market_position(market, PositionDelta(230_000_000, -BASE_PRECISION * 10), 0, split)
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-574_054_756, 12_535_653)
    assert ex.safe_div(amm.sqrt_k * (og_baapl - amm.base_asset_amount_per_lp), ONE) == -9_977_763_076
    assert amm.sqrt_k * (og_qaapl - amm.quote_asset_amount_per_lp) // QUOTE_PRECISION == 243_360_075_047


def test_quote_unsettled_lp() -> None:
    # programs/drift/src/controller/position/tests.rs::test_quote_unsettled_lp (SOL-PERP, per_lp_base 3)
    market = perp_market_v2_136(embedded_account("controller/position/tests.rs", "quote_unsettled_lp", "market"))
    amm = market.amm
    amm.quote_asset_amount_with_unsettled_lp = 0
    assert (amm.quote_asset_amount_per_lp, amm.base_asset_amount_per_lp) == (-12_324_473_595, -564_969_495_606)
    position = PerpPosition(last_quote_asset_amount_per_lp=amm.quote_asset_amount_per_lp,
                            last_base_asset_amount_per_lp=amm.base_asset_amount_per_lp)
    pos_delta = PositionDelta(QUOTE_PRECISION * 150, -BASE_PRECISION, -881)
    fee_to_market = 1_000_000
    base_unit = amm.get_per_lp_base_unit()
    assert base_unit == 1_000_000_000_000
    assert amm.calculate_per_lp_delta(pos_delta, fee_to_market, AMMLiquiditySplit.Shared, base_unit) == (
        -211_759, 31_764, 169)
    pos_delta2 = PositionDelta(-QUOTE_PRECISION * 150, BASE_PRECISION, 0)
    assert amm.calculate_per_lp_delta(pos_delta2, fee_to_market, AMMLiquiditySplit.Shared, base_unit) == (
        211_759, -31_763, 169)
    expected_unsettled = -75_249_424_409
    assert amm.base_asset_amount_with_unsettled_lp == expected_unsettled

    delta_base = ex.update_lp_market_position(market, pos_delta, fee_to_market, AMMLiquiditySplit.Shared)
    assert amm.user_lp_shares * 1_000_000 // amm.sqrt_k == 132_561  # 13.2% of the AMM
    assert amm.quote_asset_amount_with_unsettled_lp == 19_884_380
    assert delta_base == -132_561_910
    assert amm.base_asset_amount_with_unsettled_lp == -75_381_986_319

    position.lp_shares = amm.user_lp_shares
    position.per_lp_base = 3
    metrics = ex.calculate_settle_lp_metrics(amm, position)
    settle_delta = PositionDelta(metrics.quote_asset_amount, metrics.base_asset_amount,
                                 metrics.remainder_base_asset_amount)
    assert (settle_delta.base_asset_amount, settle_delta.remainder_base_asset_amount) == (100_000_000, 32_561_910)
    assert settle_delta.quote_asset_amount == -19_778_585
    pnl = ex.update_position_and_market_v2_136(position, market, settle_delta)
    assert amm.quote_asset_amount_with_unsettled_lp == 105_795  # ~ .132561 * $1 * 0.8 of fee left unsettled
    assert amm.base_asset_amount_with_unsettled_lp == expected_unsettled - 32_561_910
    assert pnl == 0


def test_amm_split_large_k_with_rebase() -> None:
    # programs/drift/src/controller/position/tests.rs::amm_split_large_k_with_rebase, up to the repeg
    # (`_update_amm` of v2.136.0 is not reproduced here)
    market = _sol_perp_large_k()
    amm = market.amm
    assert amm.base_asset_amount_with_unsettled_lp == 498_335_213_293
    og_baawul, og_baapl, og_qaapl = (amm.base_asset_amount_with_unsettled_lp, amm.base_asset_amount_per_lp,
                                     amm.quote_asset_amount_per_lp)
    split = AMMLiquiditySplit.Shared
    ex.apply_lp_rebase_to_perp_market(market, 5)
    ex.update_lp_market_position(market, PositionDelta(0, 0), 0, split)  # no-op delta
    assert (amm.quote_asset_amount_per_lp, amm.base_asset_amount_per_lp) == (og_qaapl * 100_000, og_baapl * 100_000)
    assert amm.base_asset_amount_with_unsettled_lp == og_baawul

    assert ex.update_lp_market_position(market, PositionDelta(-2_300_000, BASE_PRECISION // 10), 0,
                                        split) == 96_471_070
    assert amm.base_asset_amount_with_unsettled_lp == 498_431_684_363
    assert amm.base_asset_amount_per_lp - og_baapl * 100_000 == -287_639
    assert amm.quote_asset_amount_per_lp - og_qaapl * 100_000 == 6_615
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-57_405_475_887_639, 1_253_565_506_615)
    num = amm.quote_asset_amount_per_lp - og_qaapl * 100_000
    denom = amm.base_asset_amount_per_lp - og_baapl * 100_000
    assert ex.safe_div(-num * 1_000_000, denom) == 22_997  # $22.997 cost basis for the LPs' short (vs $23)

    ex.update_lp_market_position(market, PositionDelta(2_300_000, -BASE_PRECISION // 10), 0, split)
    assert (amm.base_asset_amount_per_lp, amm.quote_asset_amount_per_lp) == (-57_405_475_600_000, 1_253_565_499_999)
    assert og_qaapl * 100_000 - amm.quote_asset_amount_per_lp == 1

    position = PerpPosition(lp_shares=amm.user_lp_shares, last_base_asset_amount_per_lp=og_baapl,
                            last_quote_asset_amount_per_lp=og_qaapl, per_lp_base=0)
    ex.settle_lp_position(position, market)
    assert (position.base_asset_amount, position.remainder_base_asset_amount, position.quote_asset_amount) == (
        0, 0, -335)  # out of favor rounding
    assert position.per_lp_base == amm.per_lp_base
    assert amm.imbalanced_base_asset_amount_with_lp() == -303_686_915_482_213
    assert amm.target_base_asset_amount_per_lp == -565_000_000

    ex.apply_lp_rebase_to_perp_market(market, -2)
    assert amm.imbalanced_base_asset_amount_with_lp() == -303_686_915_482_213  # unchanged with the rebase
    ex.update_lp_market_position(market, PositionDelta(0, 0), 0, split)
    assert amm.quote_asset_amount_per_lp == og_qaapl * 1000 - 1  # down-only rounding
    assert amm.base_asset_amount_per_lp == og_baapl * 1000
    assert amm.base_asset_amount_per_lp == -574_054_756_000


# ================================================================================ other v2.136.0 test files


def test_calculate_k_with_lps() -> None:
    # programs/drift/src/math/cp_curve/tests.rs::calculate_k_with_lps_tests
    market = PerpMarket(amm=default_test_amm(
        base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE, terminal_quote_asset_reserve=999900009999000 * ONE,
        sqrt_k=100 * ONE, peg_multiplier=50_000_000_000, base_asset_amount_with_amm=ONE // 10,
        base_asset_amount_long=ONE // 10, order_step_size=5, max_spread=1000), margin_ratio_initial=1000)
    position = PerpPosition()
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 1
    market.amm.quote_asset_amount_per_lp = -QUOTE_PRECISION
    ex.update_spreads(market, market.amm.reserve_price(), None)
    ex.settle_lp_position(position, market)
    assert (position.base_asset_amount, position.quote_asset_amount) == (0, -QUOTE_PRECISION)
    assert (position.last_base_asset_amount_per_lp, position.last_quote_asset_amount_per_lp) == (1, -QUOTE_PRECISION)

    update_k_up = ex.get_update_k_result(market, 102 * ONE, False)
    t_price, _, _ = ex.calculate_terminal_price_and_reserves(market.amm)
    assert t_price == 49_901_136_949
    assert ex.adjust_k_cost_v2_136(market, update_k_up) == 49_400
    assert market.amm.base_asset_amount_with_amm == ONE // 10

    lp_whale_amount = 1000 * BASE_PRECISION  # an LP whale adds: the protocol's k cost is the same
    ex.mint_lp_shares(position, market, lp_whale_amount)
    update_k_up = ex.get_update_k_result(market, 1102 * ONE, False)
    assert ex.adjust_k_cost_v2_136(market, update_k_up) == 49_450
    update_k_down = ex.get_update_k_result(market, 1001 * ONE, False)
    assert ex.adjust_k_cost_v2_136(market, update_k_down) == -4_995_004_950  # amm rug

    ex.burn_lp_shares(position, market, lp_whale_amount, 0)  # the whale removes
    update_k_up = ex.get_update_k_result(market, 102 * ONE, False)
    assert ex.adjust_k_cost_v2_136(market, update_k_up) == 49_450
    assert market.amm.base_asset_amount_with_amm == ONE // 10 - 1
    update_k_down = ex.get_update_k_result(market, 79 * ONE, False)
    assert ex.adjust_k_cost_v2_136(market, update_k_down) == -1_407_000

    costs = []
    for lp_share in (50, 99, 100):  # LPs own 50%, 99%, 100% of the same k: the protocol's cost grows
        position.lp_shares = lp_share * BASE_PRECISION
        market.amm.user_lp_shares = lp_share * ONE
        costs.append(ex.adjust_k_cost_v2_136(market, update_k_up))
    assert costs == [187_800, 76_804_900, 216_450_200]


def test_amm_spread_adj_logic_with_an_lp() -> None:
    # programs/drift/src/math/cp_curve/tests.rs::amm_spread_adj_logic (after an LP mints one share)
    market = PerpMarket(amm=default_test_amm(
        base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE, terminal_quote_asset_reserve=999900009999000 * ONE,
        sqrt_k=100 * ONE, peg_multiplier=50_000_000_000, base_asset_amount_with_amm=ONE // 10,
        base_asset_amount_long=ONE // 10, order_step_size=5, base_spread=100, max_spread=10000),
        margin_ratio_initial=1000)
    ex.mint_lp_shares(PerpPosition(), market, BASE_PRECISION)
    market.amm.base_asset_amount_per_lp = 1
    market.amm.quote_asset_amount_per_lp = -QUOTE_PRECISION
    reserve_price = market.amm.reserve_price()
    for adjustment, expected in ((0, 50), (-100, 1), (100, 100), (20, 60), (120, 110)):
        market.amm.amm_spread_adjustment = adjustment
        ex.update_spreads(market, reserve_price, None)
        assert (market.amm.long_spread, market.amm.short_spread) == (expected, expected)


@pytest.mark.parametrize("direction", [ex.SwapDirection.Add, ex.SwapDirection.Remove])
def test_lp_user_margin_grows_with_imbalance(direction: ex.SwapDirection) -> None:
    # programs/drift/src/math/margin/tests.rs::test_lp_user_short (Add) and ::test_lp_user_long (Remove)
    market = PerpMarket(amm=default_test_amm(base_asset_reserve=5 * ONE, quote_asset_reserve=5 * ONE, sqrt_k=5 * ONE,
                                             user_lp_shares=10 * ONE, max_base_asset_reserve=10 * ONE),
                        margin_ratio_initial=1000, margin_ratio_maintenance=500, imf_factor=1000,
                        unrealized_pnl_initial_asset_weight=10000, unrealized_pnl_maintenance_asset_weight=10000)
    position = PerpPosition(lp_shares=market.amm.user_lp_shares)
    oracle = ex.OraclePriceData(price=2 * PRICE_PRECISION, confidence=0, delay=2,
                                has_sufficient_number_of_data_points=True)
    strict = ex.StrictOraclePrice(current=QUOTE_PRECISION, twap_5min=None)
    args = (oracle, strict, MarginRequirementType.Initial, 0, False, False)
    before = ex.calculate_perp_position_value_and_pnl_v2_136(position, market, *args)[0]
    new_qar, new_bar = ex.calculate_swap_output(3 * ONE, market.amm.base_asset_reserve, direction, market.amm.sqrt_k)
    market.amm.quote_asset_reserve, market.amm.base_asset_reserve = new_qar, new_bar
    after = ex.calculate_perp_position_value_and_pnl_v2_136(position, market, *args)[0]
    assert after > before  # larger margin requirement in a more unbalanced market


def _funding_market(with_amm: int, long: int, short: int, unsettled: int, fee_pool: int) -> PerpMarket:
    return PerpMarket(amm=AMM(
        base_asset_reserve=512_295_081_967, quote_asset_reserve=488 * ONE, sqrt_k=500 * ONE, peg_multiplier=50_000_000,
        base_asset_amount_with_amm=with_amm, base_asset_amount_long=long, base_asset_amount_short=short,
        base_asset_amount_with_unsettled_lp=unsettled, total_exchange_fee=QUOTE_PRECISION // 2,
        total_fee_minus_distributions=fee_pool, last_mark_price_twap=50 * PRICE_PRECISION,
        historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=49 * PRICE_PRECISION), funding_period=3600))


def test_funding_unsettled_lps_amm_win() -> None:
    # programs/drift/src/math/funding/tests.rs::funding_unsettled_lps_amm_win_test
    balanced_funding = 41_666_666  # the test's calculate_funding_rate(50, 49, 3600)
    b = 12_295_081_967
    market = _funding_market(-b, b, -2 * b, 500 * ONE, QUOTE_PRECISION // 2)
    long_rate, short_rate, _ = ex.calculate_funding_rate_long_short_v2_136(market, balanced_funding)
    settled_net = market.amm.base_asset_amount_with_amm + market.amm.base_asset_amount_with_unsettled_lp
    assert settled_net == 487_704_918_033
    assert ex.calculate_funding_payment_in_quote_precision(balanced_funding, settled_net) == -20_321_037
    assert long_rate == short_rate == balanced_funding
    assert market.amm.total_fee_minus_distributions == 20_821_037  # making money off unsettled LPs

    market = _funding_market(b, 2 * b, -b, 500 * ONE, QUOTE_PRECISION // 2)
    long_rate, short_rate, drift_pnl = ex.calculate_funding_rate_long_short_v2_136(market, balanced_funding)
    assert drift_pnl == 21_345_628
    assert long_rate == short_rate == balanced_funding
    assert market.amm.total_fee_minus_distributions == 21_845_628


def test_funding_unsettled_lps_amm_lose() -> None:
    # programs/drift/src/math/funding/tests.rs::funding_unsettled_lps_amm_lose_test
    balanced_funding = 41_666_666
    b = 12_295_081_967
    market = _funding_market(-b, b, -2 * b, -500 * ONE, QUOTE_PRECISION * 99_999)
    long_rate, short_rate, _ = ex.calculate_funding_rate_long_short_v2_136(market, balanced_funding)
    settled_net = market.amm.base_asset_amount_with_amm + market.amm.base_asset_amount_with_unsettled_lp
    assert settled_net == -512_295_081_967
    assert ex.calculate_funding_payment_in_quote_precision(balanced_funding, settled_net) == 21_345_628
    assert long_rate == short_rate == balanced_funding
    assert market.amm.total_fee_minus_distributions == 99_977_654_372  # the protocol loses $21

    market = _funding_market(b, 2 * b, -b, -500 * ONE, QUOTE_PRECISION // 2)
    long_rate, short_rate, drift_pnl = ex.calculate_funding_rate_long_short_v2_136(market, balanced_funding)
    assert drift_pnl == -20_321_037
    assert long_rate == balanced_funding
    assert short_rate == 90_110_989 > long_rate
    assert market.amm.total_fee_minus_distributions == 416_667  # lost


@pytest.mark.parametrize(("with_amm", "intensity", "expected"), [
    (0, 100, 0),  # math/amm_jit/tests.rs::balanced_market_zero_jit
    (100, 0, 0),  # ::balanced_market_zero_intensity
    (100, 100, 100),  # ::balanced_market_full_intensity
    (100, 50, 50),  # ::balanced_market_half_intensity
])
def test_clamped_jit_base_asset_amount(with_amm: int, intensity: int, expected: int) -> None:
    # programs/drift/src/math/amm_jit/tests.rs at v2.136.0 (ProtocolOwned split)
    market = PerpMarket(amm=default_test_amm(base_asset_amount_with_amm=with_amm, amm_jit_intensity=intensity))
    got = ex.calculate_clamped_jit_base_asset_amount_v2_136(market, AMMLiquiditySplit.ProtocolOwned, 100)
    assert got == expected
    assert got == ex.calculate_clamped_jit_base_asset_amount(market, 100)  # v2.161.0 is the ProtocolOwned case


def _jit_market(**fields: object) -> PerpMarket:
    """The market of controller/orders/amm_lp_jit_tests.rs (SOL at $100, LPs hold 10 of 100 sqrt_k)."""
    base: dict[str, object] = dict(
        base_asset_reserve=100 * ONE, quote_asset_reserve=100 * ONE, base_asset_amount_per_lp=-505_801_343,
        quote_asset_amount_per_lp=10_715_933, target_base_asset_amount_per_lp=-1_000_000_000,
        base_asset_amount_with_amm=ONE // 2, base_asset_amount_long=ONE // 2, sqrt_k=100 * ONE,
        peg_multiplier=100 * PEG_PRECISION, max_slippage_ratio=50, max_fill_reserve_fraction=100,
        order_step_size=1000, order_tick_size=1, amm_jit_intensity=200, base_spread=20000, long_spread=2000,
        short_spread=2000, user_lp_shares=10 * ONE, concentration_coef=ex.CONCENTRATION_PRECISION + 1,
        historical_oracle_data=HistoricalOracleData(last_oracle_price=100 * PRICE_PRECISION,
                                                    last_oracle_price_twap=100 * PRICE_PRECISION,
                                                    last_oracle_price_twap_5min=100 * PRICE_PRECISION))
    return PerpMarket(amm=AMM(**{**base, **fields}), margin_ratio_initial=1000,  # type: ignore[arg-type]
                      margin_ratio_maintenance=500, status=ex.MarketStatus.Initialized)


def test_max_jit_amounts() -> None:
    # programs/drift/src/controller/orders/amm_lp_jit_tests.rs::amm_lp_jit::max_jit_amounts
    market = _jit_market()
    long, short = PositionDirection.Long, PositionDirection.Short
    oracle = 100 * PRICE_PRECISION

    def jit(price: int, direction: PositionDirection) -> int:
        return ex.calculate_jit_base_asset_amount_v2_136(market, BASE_PRECISION, price, oracle, direction,
                                                         AMMLiquiditySplit.Shared)

    assert jit(100 * PRICE_PRECISION, short) == 500_000_000
    assert jit(100 * PRICE_PRECISION, long) == 500_000_000
    assert jit(99_920_000, long) == 300_000_000
    assert jit(99 * PRICE_PRECISION, long) == 0
    market.amm.long_spread = market.amm.short_spread = 11000
    assert jit(99 * PRICE_PRECISION, long) == 45_454_000
    assert jit(101 * PRICE_PRECISION, short) == 45_454_000
    assert jit(102 * PRICE_PRECISION, short) == 0
    assert jit(104 * PRICE_PRECISION, short) == 0
    market.amm.short_spread = 20000
    assert jit(104 * PRICE_PRECISION, short) == 0
    assert jit(105 * PRICE_PRECISION, short) == 0
    market.amm.long_spread = 51000
    assert jit(105 * PRICE_PRECISION, short) == 9_803_000
    assert jit(95 * PRICE_PRECISION, long) == 0


def test_zero_asks_with_amm_lp_jit_taker_long() -> None:
    # programs/drift/src/controller/orders/amm_lp_jit_tests.rs::amm_lp_jit::zero_asks_with_amm_lp_jit_taker_long
    market = _jit_market(long_spread=20000, short_spread=20000)
    market.amm.base_asset_reserve = 0
    market.amm.max_base_asset_reserve = 2**64 - 1
    market.amm.min_base_asset_reserve = 0
    ask = ex.calculate_spread_reserves(market, PositionDirection.Long)
    bid = ex.calculate_spread_reserves(market, PositionDirection.Short)
    market.amm.ask_base_asset_reserve, market.amm.ask_quote_asset_reserve = ask
    market.amm.bid_base_asset_reserve, market.amm.bid_quote_asset_reserve = bid
    for direction in (PositionDirection.Short, PositionDirection.Long):
        assert ex.calculate_jit_base_asset_amount_v2_136(market, BASE_PRECISION, 100 * PRICE_PRECISION,
                                                         100 * PRICE_PRECISION, direction,
                                                         AMMLiquiditySplit.Shared) == 500_000_000
    got = ex.calculate_amm_jit_liquidity_v2_136(market, PositionDirection.Short, 100 * PRICE_PRECISION,
                                                100 * PRICE_PRECISION, BASE_PRECISION, BASE_PRECISION,
                                                BASE_PRECISION, False, None)
    assert got == (500_000_000, AMMLiquiditySplit.ProtocolOwned)


def test_amm_lp_jit_amm_lp_same_side_imbalanced() -> None:
    # programs/drift/src/controller/orders/amm_lp_jit_tests.rs::amm_lp_jit::amm_lp_jit_amm_lp_same_side_imbalanced
    market = _jit_market(base_asset_amount_with_amm=-(ONE // 2), base_asset_amount_long=0,
                         base_asset_amount_short=-(ONE // 2), long_spread=20000, short_spread=20000)
    market.amm.max_base_asset_reserve = 2**64 - 1
    market.amm.min_base_asset_reserve = 0
    assert market.amm.imbalanced_base_asset_amount_with_lp() == 4_941_986_570  # LPs need ~5 base to reach target
    ask = ex.calculate_spread_reserves(market, PositionDirection.Long)
    bid = ex.calculate_spread_reserves(market, PositionDirection.Short)
    market.amm.ask_base_asset_reserve, market.amm.ask_quote_asset_reserve = ask
    market.amm.bid_base_asset_reserve, market.amm.bid_quote_asset_reserve = bid
    amm = market.amm
    assert ex.calculate_inventory_liquidity_ratio(amm.base_asset_amount_with_amm, amm.base_asset_reserve,
                                                  amm.min_base_asset_reserve,
                                                  amm.max_base_asset_reserve) == ex.PERCENTAGE_PRECISION // 200

    def liquidity(direction: PositionDirection, taker: int, maker: int) -> tuple[int, AMMLiquiditySplit]:
        return ex.calculate_amm_jit_liquidity_v2_136(market, direction, 100 * PRICE_PRECISION, 100 * PRICE_PRECISION,
                                                     BASE_PRECISION, taker, maker, False, None)

    long, short = PositionDirection.Long, PositionDirection.Short
    assert liquidity(long, BASE_PRECISION, BASE_PRECISION) == (500_000_000, AMMLiquiditySplit.Shared)
    assert liquidity(long, 2 * BASE_PRECISION, BASE_PRECISION) == (0, AMMLiquiditySplit.ProtocolOwned)  # AMM next
    assert liquidity(long, 100 * BASE_PRECISION, 100 * BASE_PRECISION) == (500_000_000, AMMLiquiditySplit.Shared)
    assert liquidity(short, BASE_PRECISION, BASE_PRECISION) == (0, AMMLiquiditySplit.ProtocolOwned)  # wrong side


# ================================================================================ errors


def test_settle_needs_the_position_rebased_to_the_market() -> None:
    amm = default_test_amm(per_lp_base=1)
    with pytest.raises(ex.InvalidPerpPositionDetected):
        ex.calculate_settled_lp_base_quote(amm, PerpPosition(lp_shares=BASE_PRECISION, per_lp_base=0))


def test_settle_metrics_zero_step_size() -> None:
    with pytest.raises(ex.MathError):
        ex.calculate_settle_lp_metrics(default_test_amm(order_step_size=0), PerpPosition(lp_shares=1))


def test_rebase_by_zero_is_an_error() -> None:
    with pytest.raises(ex.DefaultError):
        ex.apply_lp_rebase_to_perp_market(default_test_market(), 0)


def test_per_lp_base_unit_overflow_panics() -> None:
    assert default_test_amm(per_lp_base=-3).get_per_lp_base_unit() == 1_000_000
    assert default_test_amm(per_lp_base=4).get_per_lp_base_unit() == 10**13
    with pytest.raises(ex.MathError):
        default_test_amm(per_lp_base=30).get_per_lp_base_unit()  # 1e9 * 1e30 overflows i128


def test_open_bids_asks_need_a_curve() -> None:
    market = default_test_market(sqrt_k=0)
    with pytest.raises(ex.MathError):
        ex.calculate_lp_open_bids_asks(PerpPosition(lp_shares=10), market)


def test_lp_share_margin_needs_a_valid_price() -> None:
    position = PerpPosition(lp_shares=1)
    assert position.margin_requirement_for_lp_shares(10**7, 100 * PRICE_PRECISION) == QUOTE_PRECISION  # $1 floor
    assert position.margin_requirement_for_lp_shares(10**8, 100 * PRICE_PRECISION) == 10 * QUOTE_PRECISION
    assert PerpPosition().margin_requirement_for_lp_shares(10**8, 100 * PRICE_PRECISION) == 0
    with pytest.raises(ex.CastingFailure):
        position.margin_requirement_for_lp_shares(10**8, -1)


def test_burning_more_than_held() -> None:
    position, market = PerpPosition(), default_test_market()
    ex.mint_lp_shares(position, market, BASE_PRECISION)
    with pytest.raises(ex.MathError):  # lp_shares (u64) would go negative
        ex.burn_lp_shares(position, market, 2 * BASE_PRECISION, 0)


def test_minting_into_an_invalid_market() -> None:
    market = default_test_market(user_lp_shares=500 * ONE)  # more LP shares than sqrt_k
    with pytest.raises(ex.InvalidAmmDetected):
        ex.mint_lp_shares(PerpPosition(), market, BASE_PRECISION)


def _lp_user(now: int, cooldown: int) -> tuple[ex.User, dict[int, PerpMarket], ex.State]:
    market = default_test_market(order_step_size=BASE_PRECISION // 10)
    user = ex.User(last_add_perp_lp_shares_ts=now)
    ex.mint_lp_shares(user.perp_positions[0], market, BASE_PRECISION)
    return user, {0: market}, ex.State(lp_cooldown_time=cooldown)


def test_remove_liquidity_cooldown() -> None:
    # the burn cooldown: remove_perp_lp_shares checks now - last_add_perp_lp_shares_ts >= state.lp_cooldown_time
    user, markets, state = _lp_user(now=1_000, cooldown=30)
    with pytest.raises(ex.TryingToRemoveLiquidityTooFast):
        ex.remove_perp_lp_shares(markets, {}, state, user, "user", BASE_PRECISION, 0, 1_029)
    ex.remove_perp_lp_shares(markets, {}, state, user, "user", BASE_PRECISION, 0, 1_030)
    assert user.perp_positions[0].lp_shares == 0
    assert markets[0].amm.user_lp_shares == 0


def test_remove_liquidity_errors_and_rounding() -> None:
    user, markets, state = _lp_user(now=0, cooldown=0)
    with pytest.raises(ex.InsufficientLPTokens):
        ex.remove_perp_lp_shares(markets, {}, state, user, "user", 2 * BASE_PRECISION, 0, 10)
    with pytest.raises(ex.UserHasNoPositionInMarket):
        ex.remove_perp_lp_shares(markets, {}, state, user, "user", BASE_PRECISION, 1, 10)
    ex.remove_perp_lp_shares(markets, {}, state, user, "user", BASE_PRECISION // 20, 0, 10)  # < one step: no-op
    assert user.perp_positions[0].lp_shares == BASE_PRECISION
    ex.remove_perp_lp_shares(markets, {}, state, user, "user", BASE_PRECISION // 4, 0, 10)  # cut to the step
    assert user.perp_positions[0].lp_shares == BASE_PRECISION - 2 * BASE_PRECISION // 10
    with pytest.raises(ex.PerpMarketNotFound):
        ex.remove_perp_lp_shares({}, {}, state, user, "user", BASE_PRECISION // 4, 0, 10)


def test_settle_lp_is_a_no_op_without_shares() -> None:
    market = default_test_market()
    user = ex.User()
    ex.settle_lp(user, "user", market, 0)  # no position at all
    assert user.perp_positions[0] == PerpPosition()


def test_split_without_lps_or_protocol_owned_moves_nothing() -> None:
    delta = PositionDelta(base_asset_amount=BASE_PRECISION, quote_asset_amount=-BASE_PRECISION)
    market = default_test_market(user_lp_shares=10 * ONE, base_asset_amount_with_amm=ONE)
    before = copy.deepcopy(market)
    assert ex.update_lp_market_position(market, delta, 100, AMMLiquiditySplit.ProtocolOwned) == 0
    assert market == before


# ================================================================================ properties


def _fresh_market(sqrt_k: int, step: int, peg: int = 100 * PEG_PRECISION) -> PerpMarket:
    low, high = ex.calculate_bid_ask_bounds(ex.MAX_CONCENTRATION_COEFFICIENT, sqrt_k)
    return PerpMarket(amm=AMM(
        base_asset_reserve=sqrt_k, quote_asset_reserve=sqrt_k, sqrt_k=sqrt_k, terminal_quote_asset_reserve=sqrt_k,
        peg_multiplier=peg, concentration_coef=ex.MAX_CONCENTRATION_COEFFICIENT, min_base_asset_reserve=low,
        max_base_asset_reserve=high, order_step_size=step, order_tick_size=1, min_order_size=step, max_spread=10_000,
        ask_base_asset_reserve=sqrt_k, ask_quote_asset_reserve=sqrt_k, bid_base_asset_reserve=sqrt_k,
        bid_quote_asset_reserve=sqrt_k, historical_oracle_data=HistoricalOracleData(last_oracle_price=peg)),
        margin_ratio_initial=1000, margin_ratio_maintenance=500, status=ex.MarketStatus.Active)


def amm_fill(market: PerpMarket, taker: ex.User, base: int, fee_rate_bps: int = 0) -> PositionDelta:
    """A taker's AMM fill with v2.136.0's LP split (the LP part of ``fulfill_perp_order_with_amm``)."""
    direction = PositionDirection.Long if base > 0 else PositionDirection.Short
    quote, _, _ = ex.update_position_with_base_asset_amount(abs(base), direction, market, taker, 0, None)
    delta = ex.get_position_delta_for_fill(abs(base), quote, direction)
    ex.update_lp_market_position(market, delta, quote * fee_rate_bps // 10_000, AMMLiquiditySplit.Shared)
    if market.amm.user_lp_shares > 0:
        terminal_quote, terminal_base = ex.calculate_terminal_reserves(market.amm)
        market.amm.terminal_quote_asset_reserve = terminal_quote
        market.amm.min_base_asset_reserve, market.amm.max_base_asset_reserve = ex.calculate_bid_ask_bounds(
            market.amm.concentration_coef, terminal_base)
    return delta


def _taker() -> ex.User:
    user = ex.User()
    ex.add_new_position(user.perp_positions, 0)
    return user


trade_lists = st.lists(st.integers(-40, 40), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(sqrt_k_units=st.integers(50, 5_000), shares_steps=st.integers(1, 5_000), step_exp=st.integers(5, 8),
       pre_trades=st.lists(st.integers(-20, 20), max_size=4))
def test_mint_then_burn_without_trades_gives_nothing_back(sqrt_k_units: int, shares_steps: int, step_exp: int,
                                                          pre_trades: list[int]) -> None:
    step = 10**step_exp
    market = _fresh_market(sqrt_k_units * ONE, step)
    taker = _taker()
    for trade in pre_trades:  # users trade with the protocol before the LP arrives
        if trade:
            amm_fill(market, taker, trade * step)
    before = copy.deepcopy(market)
    position = PerpPosition()
    ex.mint_lp_shares(position, market, shares_steps * step)
    minted_reserve = market.amm.base_asset_reserve
    delta, pnl = ex.burn_lp_shares(position, market, shares_steps * step, before.amm.peg_multiplier)
    # the LP gets back exactly nothing: no base, no quote, no remainder, no fee
    assert (position.base_asset_amount, position.quote_asset_amount, position.remainder_base_asset_amount) == (0, 0, 0)
    assert (delta.base_asset_amount, delta.quote_asset_amount, pnl, position.lp_shares) == (0, 0, 0, 0)
    amm = market.amm
    assert (amm.sqrt_k, amm.user_lp_shares) == (before.amm.sqrt_k, 0)
    assert amm.base_asset_amount_with_amm == before.amm.base_asset_amount_with_amm
    assert amm.base_asset_amount_with_unsettled_lp == before.amm.base_asset_amount_with_unsettled_lp
    # the reserves come back up to the two k updates' rounding: each scales the base reserve by a ratio truncated to
    # 1e-9 (the shrinking one then +1e-9), so the error is below one 1e-9 of the reserve each k update scaled
    # (the original and the minted one) plus the floors; the price, ~ 1 / bar**2, moves by twice that, relatively
    relative = (minted_reserve + before.amm.base_asset_reserve) / before.amm.base_asset_reserve / ONE
    assert abs(amm.base_asset_reserve - before.amm.base_asset_reserve) <= before.amm.base_asset_reserve * relative + 2
    assert abs(amm.reserve_price() - before.amm.reserve_price()) <= before.amm.reserve_price() * 2 * relative + 2


@settings(max_examples=60, deadline=None)
@given(share_pct=st.integers(1, 90), trades=trade_lists, fee_bps=st.integers(0, 20))
def test_lp_and_amm_positions_sum_to_the_users_net(share_pct: int, trades: list[int], fee_bps: int) -> None:
    step = 10**7
    market = _fresh_market(1_000 * ONE, step)
    position = PerpPosition()
    ex.mint_lp_shares(position, market, 1_000 * ONE * share_pct // (100 - share_pct) // step * step)
    taker = _taker()
    fills = [t * step for t in trades if t]
    for fill in fills:
        amm_fill(market, taker, fill, fee_bps)
    amm = market.amm
    users_net = taker.perp_positions[0].base_asset_amount
    assert users_net == sum(fills)
    # every fill is split: the AMM's own position plus the LPs' (unsettled) position is minus the users' net
    assert amm.base_asset_amount_with_amm + amm.base_asset_amount_with_unsettled_lp == users_net
    # the LPs' position from the per-share marks matches the unsettled total up to one unit per fill
    implied = ex.calculate_settled_lp_base_quote(amm, position)[0]
    assert abs(implied + amm.base_asset_amount_with_unsettled_lp) <= len(fills)

    ex.settle_lp_position(position, market)
    lp_total = position.base_asset_amount + position.remainder_base_asset_amount
    assert abs(lp_total - implied) == 0
    # after settling: protocol (-with_amm) + LP (base + remainder) + users = 0, up to the per-fill rounding
    assert abs(-amm.base_asset_amount_with_amm + lp_total + users_net) <= len(fills) + 1
    ex.validate_perp_market_v2_136(market)  # long + short == with_amm + with_unsettled_lp


@settings(max_examples=40, deadline=None)
@given(shares_units=st.integers(1, 400), trades=trade_lists)
def test_settling_often_or_once_is_the_same_for_whole_shares(shares_units: int, trades: list[int]) -> None:
    step = 10**7
    results = []
    for settle_each in (True, False):
        market = _fresh_market(1_000 * ONE, step)
        position = PerpPosition()
        ex.mint_lp_shares(position, market, shares_units * ONE)  # whole units: the per-share products are exact
        taker = _taker()
        for trade in trades:
            if trade:
                amm_fill(market, taker, trade * step)
                if settle_each:
                    ex.settle_lp_position(position, market)
        ex.settle_lp_position(position, market)
        results.append((position.base_asset_amount + position.remainder_base_asset_amount,
                        position.quote_asset_amount))
    assert results[0] == results[1]


@settings(max_examples=300, deadline=None)
@given(fee=st.integers(1, 10**12), shares=st.integers(1, 10**15), sqrt_k_extra=st.integers(0, 10**15),
       per_lp_base=st.integers(-3, 3), split=st.sampled_from([AMMLiquiditySplit.Shared, AMMLiquiditySplit.LPOwned]))
def test_lp_fee_never_exceeds_the_slice(fee: int, shares: int, sqrt_k_extra: int, per_lp_base: int,
                                        split: AMMLiquiditySplit) -> None:
    amm = default_test_amm(user_lp_shares=shares, sqrt_k=shares + sqrt_k_extra, per_lp_base=per_lp_base)
    unit = amm.get_per_lp_base_unit()
    per_lp_fee = amm.calculate_per_lp_delta(PositionDelta(), fee, split, unit)[2]
    total = amm.user_lp_shares if split == AMMLiquiditySplit.LPOwned else amm.sqrt_k
    lp_fee = per_lp_fee * total  # all shares' fee, times unit
    assert lp_fee <= fee * 8 // 10 * unit  # rounding is against the LPs
    assert lp_fee > (fee * 8 // 10) * unit - unit - total  # by less than one per-share unit
    assert amm.calculate_per_lp_delta(PositionDelta(), -fee, split, unit)[2] == 0  # no fee share of a rebate


@settings(max_examples=300, deadline=None)
@given(bar=st.integers(0, 10**13), low=st.integers(0, 10**13), width=st.integers(0, 10**13),
       shares=st.integers(0, 10**12), extra=st.integers(1, 10**12))
def test_lp_open_orders_are_a_share_of_the_amms(bar: int, low: int, width: int, shares: int, extra: int) -> None:
    market = PerpMarket(amm=AMM(base_asset_reserve=bar, min_base_asset_reserve=low, max_base_asset_reserve=low + width,
                                sqrt_k=shares + extra))
    bids, asks = ex.calculate_lp_open_bids_asks(PerpPosition(lp_shares=shares), market)
    max_bids, max_asks = ex.calculate_market_open_bids_asks(market.amm)
    assert 0 <= bids <= max_bids and max_asks <= asks <= 0
    more_bids, more_asks = ex.calculate_lp_open_bids_asks(PerpPosition(lp_shares=shares + 1), market)
    assert more_bids >= bids and more_asks <= asks
    assert abs(bids * (shares + extra) - max_bids * shares) <= shares + extra  # within one unit of the proportion


@settings(max_examples=200, deadline=None)
@given(with_amm=st.integers(-10**10, 10**10), intensity=st.integers(0, 100), maker=st.integers(0, 10**11),
       price_bps=st.integers(-300, 300), direction=st.sampled_from(list(PositionDirection)))
def test_jit_without_lps_matches_v2_161(with_amm: int, intensity: int, maker: int, price_bps: int,
                                        direction: PositionDirection) -> None:
    market = _jit_market(user_lp_shares=0, base_asset_amount_with_amm=with_amm, amm_jit_intensity=intensity,
                         min_base_asset_reserve=90 * ONE, max_base_asset_reserve=110 * ONE)
    price = 100 * PRICE_PRECISION * (10_000 + price_bps) // 10_000
    old = ex.calculate_amm_jit_liquidity_v2_136(market, direction, price, 100 * PRICE_PRECISION, maker, maker, maker,
                                                True, None)
    new = ex.calculate_amm_jit_liquidity(market, direction, price, 100 * PRICE_PRECISION, maker, maker, maker, True)
    assert old == (new, AMMLiquiditySplit.ProtocolOwned)
