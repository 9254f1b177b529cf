"""Margin: size-adjusted weights, perp margin ratios, the perp position requirement and the account-wide check.

Numbers come from the program's own Rust tests (cited per test); then error cases and property tests.
Programs tests build ``OracleMap``s from Pyth accounts; here the oracle map is a mapping from the oracle pubkey
to the price (see ``driftlab/exact/margin.py``).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION,
    MARGIN_PRECISION,
    PRICE_PRECISION,
    QUOTE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    SPOT_IMF_PRECISION,
    SPOT_WEIGHT_PRECISION,
    AssetTier,
    ContractTier,
    ContractType,
    HistoricalOracleData,
    MarginContext,
    MarginRequirementType,
    MarketStatus,
    OraclePriceData,
    OracleSource,
    PerpMarket,
    PerpPosition,
    PositionFlag,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
    StrictOraclePrice,
    User,
)
from tests.exact.margin_fixtures import (
    FILL,
    INITIAL,
    MAINTENANCE,
    ORACLES,
    SBP,
    SOL_ORACLE,
    USDC_ORACLE,
    calc,
    perp_positions,
    quote_oracle,
    sol_market,
    sol_perp,
    spot_positions,
    usdc_market,
)

# --- size weights -----------------------------------------------------------------------------------------------


def test_spot_market_asset_and_liability_weights() -> None:
    # programs/drift/src/math/margin/tests.rs::test::spot_market_asset_weight
    market = SpotMarket(initial_asset_weight=9000, initial_liability_weight=11000, decimals=6, imf_factor=0)
    size, price = 1000 * QUOTE_PRECISION, QUOTE_PRECISION
    assert market.get_asset_weight(size, price, INITIAL) == 9000
    assert market.get_liability_weight(size, INITIAL) == 11000
    market.imf_factor = 10
    assert market.get_asset_weight(size, price, INITIAL) == 9000
    assert market.get_liability_weight(size, INITIAL) == 11000
    assert market.get_asset_weight(size * 1_000_000, price, INITIAL) == 8357
    market.imf_factor = 10000
    assert market.get_asset_weight(size, price, INITIAL) == 8357
    assert market.get_liability_weight(size, INITIAL) == 11962
    market.imf_factor = SPOT_IMF_PRECISION // 10
    assert market.get_asset_weight(size, price, INITIAL) == 2642
    assert market.get_liability_weight(size, INITIAL) == 40422
    assert market.get_liability_weight(size, MAINTENANCE) == 31622

    market2 = SpotMarket(initial_asset_weight=1500, maintenance_asset_weight=7500, initial_liability_weight=15000,
                         maintenance_liability_weight=12500, decimals=6, imf_factor=0)
    size, price = 100000 * QUOTE_PRECISION, QUOTE_PRECISION // 2
    assert market2.get_asset_weight(size, price, INITIAL) == 1500
    assert market2.get_asset_weight(size, price, FILL) == 4500
    assert market2.get_asset_weight(size, price, MAINTENANCE) == 7500
    market2.imf_factor = SPOT_IMF_PRECISION // 10
    for margin_type in (INITIAL, FILL, MAINTENANCE):
        assert market2.get_asset_weight(size, price, margin_type) == 337


def test_spot_market_scale_initial_asset_weight() -> None:
    # programs/drift/src/math/margin/tests.rs::test::spot_market_scale_initial_asset_weight
    market = SpotMarket(initial_asset_weight=9000, initial_liability_weight=11000, decimals=9, imf_factor=0,
                        scale_initial_asset_weight_start=500_000 * QUOTE_PRECISION,
                        cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION)
    price = 25 * PRICE_PRECISION
    for deposits, weight in ((1, 9000), (20000, 9000), (40000, 4500), (60000, 3000)):
        market.deposit_balance = deposits * SBP
        assert market.get_scaled_initial_asset_weight(price) == weight


def test_spot_market_get_margin_ratio() -> None:
    # state/spot_market.rs::SpotMarket::get_margin_ratio: liability weight - 1; Fill is an error
    market = sol_market()
    assert market.get_margin_ratio(INITIAL) == 2000
    assert market.get_margin_ratio(MAINTENANCE) == 1000
    with pytest.raises(ex.DefaultError):
        market.get_margin_ratio(FILL)
    with pytest.raises(ex.MathError):  # a liability weight below 1 underflows the u32 subtraction
        SpotMarket(initial_liability_weight=9000).get_margin_ratio(INITIAL)


# --- perp margin ratio --------------------------------------------------------------------------------------------


def test_perp_get_margin_ratio_defaults_and_hlm() -> None:
    # programs/drift/src/state/perp_market/tests.rs::get_margin_ratio::test
    market = PerpMarket(margin_ratio_initial=MARGIN_PRECISION // 10, margin_ratio_maintenance=MARGIN_PRECISION // 20)
    assert market.get_margin_ratio(BASE_PRECISION, INITIAL, False) == 1000
    assert market.get_margin_ratio(BASE_PRECISION, FILL, False) == 750
    assert market.get_margin_ratio(BASE_PRECISION, MAINTENANCE, False) == 500
    market.high_leverage_margin_ratio_initial = MARGIN_PRECISION // 50
    market.high_leverage_margin_ratio_maintenance = MARGIN_PRECISION // 100
    assert market.get_margin_ratio(BASE_PRECISION, INITIAL, True) == 200
    assert market.get_margin_ratio(BASE_PRECISION, MAINTENANCE, True) == 100
    assert market.get_margin_ratio(BASE_PRECISION, FILL, True) == 150
    # an HLM user in a market without HLM ratios gets the normal ones
    assert PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500).get_margin_ratio(
        BASE_PRECISION, INITIAL, True) == 1000


def test_perp_get_margin_ratio_hlm_imf_size() -> None:
    # programs/drift/src/state/perp_market/tests.rs::get_margin_ratio::new_hlm_imf_size
    market = PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500, high_leverage_margin_ratio_initial=100,
                        high_leverage_margin_ratio_maintenance=50, imf_factor=50)
    assert market.get_margin_ratio(BASE_PRECISION * 1000000, INITIAL, False) == 1300
    assert market.get_margin_ratio(BASE_PRECISION // 10, INITIAL, True) == 100
    assert market.get_margin_ratio(BASE_PRECISION, INITIAL, True) == 100
    assert market.get_margin_ratio(BASE_PRECISION * 10, INITIAL, True) == 104
    assert market.get_margin_ratio(BASE_PRECISION * 3000, INITIAL, True) == 221
    assert market.get_margin_ratio(BASE_PRECISION * 3000, MAINTENANCE, True) == 67
    assert market.get_margin_ratio(BASE_PRECISION * 300000, MAINTENANCE, True) == 313


def test_perp_get_margin_ratio_hlm_imf_size_loop() -> None:
    # programs/drift/src/state/perp_market/tests.rs::get_margin_ratio::new_hlm_imf_size_loop
    market = PerpMarket(margin_ratio_initial=MARGIN_PRECISION // 20, margin_ratio_maintenance=MARGIN_PRECISION // 33,
                        high_leverage_margin_ratio_initial=MARGIN_PRECISION // 100,
                        high_leverage_margin_ratio_maintenance=MARGIN_PRECISION // 151, imf_factor=50)
    count = 0
    for i in range(1, 1000):
        size = BASE_PRECISION * i * 1000
        hlm = market.get_margin_ratio(size, INITIAL, True)
        normal = market.get_margin_ratio(size, INITIAL, False)
        if normal != market.margin_ratio_initial:
            assert hlm == normal
            count += 1
    assert count == 959


def test_perp_margin_ratio_zero_in_settlement() -> None:
    # state/perp_market.rs::PerpMarket::get_margin_ratio: Settlement returns 0
    market = PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500, status=MarketStatus.Settlement)
    assert market.get_margin_ratio(BASE_PRECISION, INITIAL, False) == 0


def test_calc_hlm_initial_margin_ratio_branches() -> None:
    # math/margin.rs::calc_high_leverage_mode_initial_margin_ratio_from_size, hand-checked:
    # sa == pre -> the HLM default; sa > pre -> sa; sa at 0.8 pre -> discount factor 0 -> default + 0
    f = ex.calc_high_leverage_mode_initial_margin_ratio_from_size
    assert f(1000, 1000, 100) == 100
    assert f(1000, 1200, 100) == 1200
    assert f(1000, 800, 100) == 100
    # halfway (sa = 0.9 pre): discount factor 0.5 -> 100 + proportion(900, 5e5, 1e6) = 100 + 450
    assert f(1000, 900, 100) == 550
    with pytest.raises(ex.MathError):  # pre / 5 == 0
        f(4, 3, 1)


def test_liquidation_fees_of_perp_market() -> None:
    # state/perp_market.rs::get_base_liquidator_fee / get_max_liquidation_fee (hand-checked)
    market = PerpMarket(liquidator_fee=10_000, margin_ratio_maintenance=500, high_leverage_margin_ratio_initial=100,
                        high_leverage_margin_ratio_maintenance=50)
    assert market.get_base_liquidator_fee(False) == 10_000
    assert market.get_base_liquidator_fee(True) == 4_000  # 0.8 * 50 * 100
    assert market.get_max_liquidation_fee() == 30_000  # min(3 * 1%, 5%)
    market.liquidator_fee = 20_000
    assert market.get_max_liquidation_fee() == 50_000  # capped at the maintenance ratio
    with pytest.raises(ex.MathError):
        PerpMarket(liquidator_fee=2**31).get_max_liquidation_fee()


# --- perp position ------------------------------------------------------------------------------------------------


def _equity_test_market() -> PerpMarket:
    return PerpMarket(
        market_index=0,
        amm=AMM(base_asset_reserve=512295081967, quote_asset_reserve=488 * AMM_RESERVE_PRECISION,
                sqrt_k=500 * AMM_RESERVE_PRECISION, peg_multiplier=22_100_000_000,
                base_asset_amount_with_amm=-12295081967, max_spread=1000),
        margin_ratio_initial=1000, margin_ratio_maintenance=500, imf_factor=1000,
        unrealized_pnl_initial_asset_weight=10000, unrealized_pnl_maintenance_asset_weight=10000,
        unrealized_pnl_imf_factor=1000)


def test_calculate_user_equity_value_tests() -> None:
    # programs/drift/src/math/margin/tests.rs::test::calculate_user_equity_value_tests
    market = _equity_test_market()
    assert market.amm.reserve_price() == 21051929600
    oracle = OraclePriceData(price=22050 * PRICE_PRECISION, confidence=0, delay=2,
                             has_sufficient_number_of_data_points=True)
    position = PerpPosition(market_index=0, base_asset_amount=-(12295081967 // 2), quote_asset_amount=153688524588)
    assert market.get_unrealized_asset_weight(22699050905, INITIAL) == 9559
    strict = StrictOraclePrice(current=QUOTE_PRECISION)
    pmr, upnl, _, _ = ex.calculate_perp_position_value_and_pnl(position, market, oracle, strict, INITIAL, 0, False)
    assert upnl == 100000000
    assert pmr == 13555327867

    oracle.price = 21050 * PRICE_PRECISION
    oracle.confidence = PRICE_PRECISION
    _, pnl = ex.calculate_base_asset_value_and_pnl_with_oracle_price(position, oracle.price)
    assert pnl == 24282786896
    for multiple, weight in ((1, 9516), (10, 7368), (100, 4299), (1000, 1855), (10000, 663), (800000, 78)):
        assert market.get_unrealized_asset_weight(pnl * multiple, INITIAL) == weight

    pmr_2, upnl_2, _, _ = ex.calculate_perp_position_value_and_pnl(position, market, oracle, strict, INITIAL, 0,
                                                                   False)
    assert market.get_unrealized_asset_weight(upnl_2, INITIAL) == 10000
    assert upnl_2 == 100000000
    assert pmr_2 == 12940573769
    assert pmr - pmr_2 == 614754098


@pytest.mark.parametrize("base, quote, price", [
    (-BASE_PRECISION, QUOTE_PRECISION * 3 // 4, PRICE_PRECISION // 4),   # ..._prediction_market::long
    (BASE_PRECISION, -QUOTE_PRECISION // 4, PRICE_PRECISION * 3 // 4),   # ..._prediction_market::short
])
def test_perp_position_value_prediction_market(base: int, quote: int, price: int) -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_perp_position_value_and_pnl_prediction_market::{long,short}
    market = PerpMarket(market_index=0, margin_ratio_initial=10_000, margin_ratio_maintenance=9_999,
                        contract_type=ContractType.Prediction, unrealized_pnl_initial_asset_weight=0,
                        unrealized_pnl_maintenance_asset_weight=SPOT_WEIGHT_PRECISION)
    oracle = OraclePriceData(price=price, confidence=0, delay=2, has_sufficient_number_of_data_points=True)
    position = PerpPosition(market_index=0, base_asset_amount=base, quote_asset_amount=quote)
    strict = StrictOraclePrice(current=QUOTE_PRECISION)
    req, upnl, _, _ = ex.calculate_perp_position_value_and_pnl(position, market, oracle, strict, INITIAL, 0, False)
    assert (req, upnl) == (QUOTE_PRECISION * 3 // 4, 0)
    req, upnl, _, _ = ex.calculate_perp_position_value_and_pnl(position, market, oracle, strict, MAINTENANCE, 0,
                                                               False)
    assert (req, upnl) == (749925, 500000)


def test_perp_position_value_settlement_uses_expiry_and_no_requirement() -> None:
    # math/margin.rs::calculate_perp_position_value_and_pnl: in Settlement the requirement is only the open-order
    # charge and pnl is valued at expiry_price (hand-checked: 2 base at $90 with -$100 quote -> pnl $80)
    market = sol_perp(status=MarketStatus.Settlement, expiry_price=90 * PRICE_PRECISION,
                      unrealized_pnl_maintenance_asset_weight=SPOT_WEIGHT_PRECISION)
    position = PerpPosition(base_asset_amount=2 * BASE_PRECISION, quote_asset_amount=-100 * QUOTE_PRECISION,
                            open_orders=2)
    oracle = OraclePriceData(price=100 * PRICE_PRECISION)
    req, pnl, liability, value = ex.calculate_perp_position_value_and_pnl(
        position, market, oracle, StrictOraclePrice(current=PRICE_PRECISION), MAINTENANCE, 0, False)
    assert req == 2 * 10_000
    assert pnl == 80 * QUOTE_PRECISION
    assert liability == 200 * QUOTE_PRECISION  # still at the oracle
    assert value == 180 * QUOTE_PRECISION


# --- account margin -----------------------------------------------------------------------------------------------


def test_usdc_deposit_and_5x_sol_bid_and_ask() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # usdc_deposit_and_5x_sol_bid / usdc_deposit_and_5x_sol_ask
    spot_map = {0: usdc_market(), 1: sol_market()}
    for side, (requirement, collateral) in (({"open_bids": 500 * 10**9}, (50000010000, 50000000000)),
                                            ({"open_asks": -500 * 10**9}, (60000010000, 60000000000))):
        user = User(spot_positions=spot_positions(
            SpotPosition(market_index=0, scaled_balance=10000 * SBP),
            SpotPosition(market_index=1, open_orders=1, **side)))  # type: ignore[arg-type]
        calculation = calc(user, {}, spot_map, MarginContext.standard(INITIAL))
        assert (calculation.margin_requirement, calculation.total_collateral) == (requirement, collateral)


def test_sol_deposit_and_5x_sol_ask() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # sol_deposit_and_5x_sol_ask
    spot_map = {0: usdc_market(initial_liability_weight=SPOT_WEIGHT_PRECISION,
                               maintenance_liability_weight=SPOT_WEIGHT_PRECISION),
                1: sol_market(deposit_balance=10000 * SBP)}
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0),
        SpotPosition(market_index=1, scaled_balance=500 * SBP, open_orders=1, open_asks=-3000 * 10**9)))
    calculation = calc(user, {}, spot_map, MarginContext.standard(INITIAL))
    assert calculation.margin_requirement == 300000010000
    assert calculation.total_collateral == 300000000000


def _custom_ratio_user(max_margin_ratio: int) -> User:
    return User(
        spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=100 * SBP),
                                      SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow,
                                                   scaled_balance=100 * SBP)),
        perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=100 * BASE_PRECISION)),
        max_margin_ratio=max_margin_ratio)


def test_user_custom_margin_ratio() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # user_custom_margin_ratio
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market(), 1: sol_market()}
    for ratio, requirement in ((2 * MARGIN_PRECISION, 50000000000), (MARGIN_PRECISION, 30000000000),
                               (MARGIN_PRECISION // 2, 20000000000)):
        assert calc(_custom_ratio_user(ratio), perp_map, spot_map,
                    MarginContext.standard(INITIAL)).margin_requirement == requirement
    # the custom ratio does not touch maintenance
    assert calc(_custom_ratio_user(10 * MARGIN_PRECISION), perp_map, spot_map,
                MarginContext.standard(MAINTENANCE)).margin_requirement == 11500000000
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, scaled_balance=100 * SBP)),
                max_margin_ratio=MARGIN_PRECISION // 2)
    assert calc(user, perp_map, spot_map, MarginContext.standard(INITIAL)).total_collateral == 5000000000


def test_margin_ratio_override() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # margin_ratio_override
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market(), 1: sol_market()}
    user = _custom_ratio_user(0)
    for ratio, requirement in ((2 * MARGIN_PRECISION, 50000000000), (MARGIN_PRECISION, 30000000000),
                               (MARGIN_PRECISION // 2, 20000000000)):
        context = MarginContext.standard(INITIAL).with_margin_ratio_override(ratio)
        assert calc(user, perp_map, spot_map, context).margin_requirement == requirement
    # unlike the user's own ratio, the override also applies to maintenance
    context = MarginContext.standard(MAINTENANCE).with_margin_ratio_override(10 * MARGIN_PRECISION)
    assert calc(user, perp_map, spot_map, context).margin_requirement == 210000000000
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, scaled_balance=100 * SBP)))
    context = MarginContext.standard(INITIAL).with_margin_ratio_override(MARGIN_PRECISION // 2)
    assert calc(user, perp_map, spot_map, context).total_collateral == 5000000000


def test_user_perp_positions_custom_margin_ratio() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # user_perp_positions_custom_margin_ratio
    perp_map, spot_map = {0: sol_perp()}, {0: usdc_market(), 1: sol_market()}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=100 * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=100 * BASE_PRECISION,
                                                           max_margin_ratio=2 * MARGIN_PRECISION)))
    assert calc(user, perp_map, spot_map, MarginContext.standard(INITIAL)).margin_requirement == 20000000000
    user.max_margin_ratio = 4 * MARGIN_PRECISION
    assert calc(user, perp_map, spot_map, MarginContext.standard(INITIAL)).margin_requirement == 40000000000


def test_user_dust_deposit() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::user_dust_deposit
    sol = sol_market(cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION // 99)
    spot_map = {0: usdc_market(), 1: sol}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, scaled_balance=1040)),
                max_margin_ratio=2 * MARGIN_PRECISION)
    calculation = calc(user, {0: sol_perp()}, spot_map, MarginContext.standard(INITIAL))
    assert user.spot_positions[0].get_token_amount(spot_map[0]) == 0
    assert user.spot_positions[1].get_token_amount(sol) == 10
    assert calculation.all_deposit_oracles_valid is False  # twap 0: the SOL oracle reads TooVolatile
    assert calculation.all_liability_oracles_valid is True
    assert calculation.total_collateral == 0
    assert calculation.margin_requirement == 0


def test_user_dust_borrow() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::user_dust_borrow
    spot_map = {0: usdc_market(), 1: sol_market()}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow,
                                                           scaled_balance=1)),
                max_margin_ratio=2 * MARGIN_PRECISION)
    for price in (100 * PRICE_PRECISION, PRICE_PRECISION // 10000):  # then below one penny
        calculation = calc(user, {0: sol_perp()}, spot_map, MarginContext.standard(INITIAL), {SOL_ORACLE: price})
        assert user.spot_positions[1].get_token_amount(spot_map[1]) == 1
        assert calculation.all_deposit_oracles_valid is True
        assert calculation.all_liability_oracles_valid is False
        assert calculation.total_collateral == 0
        assert calculation.margin_requirement == 3


def test_strict_maintenance() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::strict_maintenance
    usdc = usdc_market(historical_oracle_data=dataclasses.replace(
        quote_oracle(), last_oracle_price_twap_5min=PRICE_PRECISION * 9 // 10))
    sol = sol_market(historical_oracle_data=HistoricalOracleData(
        last_oracle_price=100 * PRICE_PRECISION, last_oracle_delay=10, last_oracle_price_twap=100 * PRICE_PRECISION,
        last_oracle_price_twap_5min=110 * PRICE_PRECISION))
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0, scaled_balance=10000 * SBP),
        SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=100 * SBP)))
    calculation = calc(user, {}, {0: usdc, 1: sol}, MarginContext.standard(MAINTENANCE).with_strict(True))
    assert calculation.total_collateral == 9000000000
    assert calculation.margin_requirement == 12100000000


@pytest.mark.parametrize("positions, deposit_valid, liability_valid", [
    # invalid_oracle_for_deposit: a USDC borrow against a SOL deposit whose oracle is invalid
    ((SpotPosition(market_index=0, balance_type=SpotBalanceType.Borrow, scaled_balance=100 * SBP),
      SpotPosition(market_index=1, scaled_balance=100 * SBP)), False, True),
    # invalid_oracle_for_bid: the bid side fills into a SOL deposit
    ((SpotPosition(market_index=1, open_orders=1, open_bids=100 * BASE_PRECISION),), False, True),
    # invalid_oracle_for_ask: the ask side fills into a SOL borrow; its quote proceeds are ignored
    ((SpotPosition(market_index=1, open_orders=1, open_asks=-100 * BASE_PRECISION),), True, False),
])
def test_invalid_oracle_flags(positions: tuple[SpotPosition, ...], deposit_valid: bool,
                              liability_valid: bool) -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral::
    # invalid_oracle_for_deposit / invalid_oracle_for_bid / invalid_oracle_for_ask
    user = User(spot_positions=spot_positions(*positions), max_margin_ratio=2 * MARGIN_PRECISION)
    spot_map = {0: usdc_market(cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION), 1: sol_market()}
    calculation = calc(user, {0: sol_perp()}, spot_map,
                       MarginContext.standard(INITIAL).with_ignore_invalid_deposit_oracles(True))
    assert calculation.all_deposit_oracles_valid is deposit_valid
    assert calculation.all_liability_oracles_valid is liability_valid
    assert calculation.total_collateral == 0
    assert calculation.margin_requirement != 0


def test_trigger_orders_without_positions() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # no_perp_position_but_trigger_order / no_spot_position_but_trigger_order
    spot_map = {0: usdc_market(), 1: sol_market()}
    usdc = SpotPosition(market_index=0, scaled_balance=100 * SBP)
    user = User(spot_positions=spot_positions(usdc),
                perp_positions=perp_positions(PerpPosition(market_index=0, open_orders=1)))
    calculation = calc(user, {0: sol_perp()}, spot_map, MarginContext.standard(INITIAL))
    assert calculation.margin_requirement == QUOTE_PRECISION // 100
    assert calculation.get_num_of_liabilities() == 1
    assert not calculation.with_perp_isolated_liability and not calculation.with_spot_isolated_liability

    user = User(spot_positions=spot_positions(usdc, SpotPosition(market_index=1, open_orders=1)))
    calculation = calc(user, {0: sol_perp()}, spot_map, MarginContext.standard(INITIAL))
    assert calculation.margin_requirement == QUOTE_PRECISION // 100
    assert calculation.get_num_of_liabilities() == 1


def test_isolated_contract_tier_count_and_check() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # isolated_contract_tier_count_and_check
    market = sol_perp(contract_tier=ContractTier.Isolated)
    spot_map = {0: usdc_market(), 1: sol_market()}
    usdc = SpotPosition(market_index=0, scaled_balance=100 * SBP)
    user = User(spot_positions=spot_positions(usdc),
                perp_positions=perp_positions(PerpPosition(market_index=0, open_orders=1)))
    calculation = calc(user, {0: market}, spot_map, MarginContext.standard(INITIAL))
    assert calculation.margin_requirement == QUOTE_PRECISION // 100
    assert calculation.get_num_of_liabilities() == 1
    assert calculation.with_perp_isolated_liability and not calculation.with_spot_isolated_liability

    step = market.amm.order_step_size
    user = User(spot_positions=spot_positions(usdc),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=step, open_orders=1)))
    calculation = calc(user, {0: market}, spot_map, MarginContext.standard(INITIAL))
    assert calculation.margin_requirement == 110000
    assert calculation.get_num_of_liabilities() == 1
    assert calculation.with_perp_isolated_liability


def _stable_usdc(**kw: object) -> SpotMarket:
    fields: dict[str, object] = dict(oracle_source=OracleSource.PythStableCoin, oracle=USDC_ORACLE)
    fields.update(kw)
    return usdc_market(**fields)


def test_usdc_less_than_1_with_deposit() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # usdc_less_than_1_with_deposit
    oracles = {USDC_ORACLE: 990000}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=SBP)))
    for twap_5min, collateral in ((None, 990000), (95 * PRICE_PRECISION // 100, 950000),
                                  (101 * PRICE_PRECISION // 100, 990000)):
        history = quote_oracle() if twap_5min is None else HistoricalOracleData(last_oracle_price_twap_5min=twap_5min)
        spot_map = {0: _stable_usdc(historical_oracle_data=history), 1: sol_market(oracle=USDC_ORACLE)}
        calculation = calc(user, {}, spot_map, MarginContext.standard(INITIAL).with_strict(True), oracles)
        assert (calculation.margin_requirement, calculation.total_collateral) == (0, collateral)


def test_usdc_more_than_1_with_borrow() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # usdc_more_than_1_with_borrow
    oracles = {USDC_ORACLE: 1010000}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, balance_type=SpotBalanceType.Borrow,
                                                           scaled_balance=SBP)))
    for twap_5min, requirement in ((None, 1010000), (102 * PRICE_PRECISION // 100, 1020000),
                                   (99 * PRICE_PRECISION // 100, 1010000)):
        history = quote_oracle() if twap_5min is None else HistoricalOracleData(last_oracle_price_twap_5min=twap_5min)
        spot_map = {0: _stable_usdc(historical_oracle_data=history, borrow_balance=1000 * SBP,
                                    cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION),
                    1: sol_market(oracle=USDC_ORACLE)}
        calculation = calc(user, {}, spot_map, MarginContext.standard(INITIAL).with_strict(True), oracles)
        assert (calculation.margin_requirement, calculation.total_collateral) == (requirement, 0)


def test_usdc_not_1_with_perp_position() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # usdc_not_1_with_perp_position
    usdc_price = 101 * 10000
    oracles = {USDC_ORACLE: usdc_price, SOL_ORACLE: 100 * PRICE_PRECISION}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=10 * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=BASE_PRECISION)))
    default_price = HistoricalOracleData(last_oracle_price=usdc_price, last_oracle_delay=10,
                                         last_oracle_price_twap=usdc_price, last_oracle_price_twap_5min=usdc_price)
    for history, (requirement, collateral) in (
            (default_price, (10100000, 10100000)),
            (HistoricalOracleData(last_oracle_price_twap_5min=105 * PRICE_PRECISION // 100), (10500000, 10100000)),
            (HistoricalOracleData(last_oracle_price_twap_5min=95 * PRICE_PRECISION // 100), (10100000, 9500000))):
        spot_map = {0: _stable_usdc(historical_oracle_data=history), 1: sol_market(oracle=USDC_ORACLE)}
        calculation = calc(user, {0: sol_perp()}, spot_map, MarginContext.standard(INITIAL).with_strict(True),
                           oracles)
        assert (calculation.margin_requirement, calculation.total_collateral) == (requirement, collateral)


def test_negative_perp_pnl_liquidation_buffer() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_margin_requirement_and_total_collateral_and_liability_info::
    # negative_perp_pnl_liquidation_buffer
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=100 * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, quote_asset_amount=-100 * QUOTE_PRECISION)))
    calculation = calc(user, {0: sol_perp()}, {0: usdc_market(), 1: sol_market()},
                       MarginContext.liquidation(MARGIN_PRECISION // 100))
    assert calculation.total_collateral == 0
    assert calculation.get_cross_total_collateral_plus_buffer() == -QUOTE_PRECISION


def test_isolated_position_margin_requirement() -> None:
    # programs/drift/src/math/margin/tests.rs::isolated_position::isolated_position_margin_requirement
    perp_map = {0: sol_perp()}
    spot_map = {0: usdc_market(), 1: sol_market()}
    user = User(
        spot_positions=spot_positions(
            SpotPosition(market_index=0, scaled_balance=20000 * SBP),
            SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=100 * SBP)),
        perp_positions=perp_positions(PerpPosition(
            market_index=0, base_asset_amount=100 * BASE_PRECISION, quote_asset_amount=-11000 * QUOTE_PRECISION,
            position_flag=PositionFlag.IsolatedPosition, isolated_position_scaled_balance=100 * SBP)))
    calculation = calc(user, perp_map, spot_map, MarginContext.standard(INITIAL))
    isolated = calculation.get_isolated_margin_calculation(0)
    assert calculation.margin_requirement == 12000000000
    assert calculation.total_collateral == 20000000000
    assert isolated.margin_requirement == 1000000000
    assert isolated.total_collateral == -900000000
    assert calculation.meets_margin_requirement() is False
    assert calculation.meets_cross_margin_requirement() is True
    assert isolated.meets_margin_requirement() is False
    assert calculation.meets_isolated_margin_requirement(0) is False

    calculation = calc(user, perp_map, spot_map, MarginContext.standard(INITIAL).with_margin_buffer(1000))
    isolated = calculation.get_isolated_margin_calculation(0)
    assert calculation.margin_requirement_plus_buffer == 13000000000
    assert calculation.get_cross_total_collateral_plus_buffer() == 20000000000
    assert isolated.margin_requirement_plus_buffer == 2000000000
    assert isolated.get_total_collateral_plus_buffer() == -1000000000


def test_pool_id_mismatch() -> None:
    # programs/drift/src/math/margin/tests.rs::pools::{spot, perp_market_invalid_pool_id}
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=10000 * SBP)))
    with pytest.raises(ex.InvalidPoolId):
        calc(user, {}, {0: usdc_market(pool_id=1)}, MarginContext.standard(INITIAL))
    user = User(perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=100 * BASE_PRECISION)))
    with pytest.raises(ex.InvalidPoolId):
        calc(user, {0: PerpMarket(amm=AMM(oracle=SOL_ORACLE), margin_ratio_initial=1000, margin_ratio_maintenance=500,
                                  pool_id=1)}, {}, MarginContext.standard(INITIAL))


def test_disable_high_leverage_mode_leaves_user_unchanged() -> None:
    # programs/drift/src/math/margin/tests.rs::get_margin_calculation_for_disable_high_leverage_mode::
    # check_user_not_changed
    positions = [PerpPosition() for _ in range(8)]
    positions[1] = PerpPosition(market_index=0, max_margin_ratio=2 * MARGIN_PRECISION)
    positions[7] = PerpPosition(market_index=1, max_margin_ratio=5 * MARGIN_PRECISION)
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0, scaled_balance=20000 * SBP),
        SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=100 * SBP)),
        perp_positions=positions, max_margin_ratio=2 * MARGIN_PRECISION)
    before = dataclasses.replace(user, perp_positions=[dataclasses.replace(p) for p in user.perp_positions])
    calculation = ex.get_margin_calculation_for_disable_high_leverage_mode(user, {0: sol_perp()},
                                                                          {0: usdc_market(), 1: sol_market()}, ORACLES)
    assert user == before
    assert calculation.context.margin_buffer == 100


# --- withdrawals, margin trading, equity --------------------------------------------------------------------------


def test_calculate_max_withdrawable_amount() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_max_withdrawable_amount::
    # usdc_withdraw / sol_withdraw / sol_dust_withdraw
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0, scaled_balance=10000 * SBP),
        SpotPosition(market_index=1, open_orders=1, open_bids=100 * 10**9)))
    spot_map = {0: usdc_market(), 1: sol_market()}
    assert ex.calculate_max_withdrawable_amount(0, user, {}, spot_map, ORACLES) == 10000000000

    spot_map = {0: usdc_market(initial_liability_weight=SPOT_WEIGHT_PRECISION,
                               maintenance_liability_weight=SPOT_WEIGHT_PRECISION,
                               cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION), 1: sol_market()}
    for usdc_borrow, sol_deposit, amount in ((10000 * SBP, 200 * SBP, 74999999000), (1, 8008, 7000)):
        user = User(spot_positions=spot_positions(
            SpotPosition(market_index=0, balance_type=SpotBalanceType.Borrow, scaled_balance=usdc_borrow),
            SpotPosition(market_index=1, scaled_balance=sol_deposit)))
        assert ex.calculate_max_withdrawable_amount(1, user, {}, spot_map, ORACLES) == amount


@pytest.mark.parametrize("usdc, sol, error", [
    # programs/drift/src/math/margin/tests.rs::validate_spot_margin_trading::*
    (SpotPosition(market_index=0, scaled_balance=10000 * SBP),
     SpotPosition(market_index=1, scaled_balance=SBP, open_asks=-100 * 10**9), ex.MarginTradingDisabled),
    (SpotPosition(market_index=0, scaled_balance=10000 * SBP),
     SpotPosition(market_index=1, scaled_balance=2 * SBP, open_asks=-(10**9)), None),
    (SpotPosition(market_index=0, scaled_balance=10000 * SBP),
     SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=2 * SBP, open_asks=-(10**9)),
     ex.MarginTradingDisabled),
    (SpotPosition(market_index=0, scaled_balance=100 * SBP),
     SpotPosition(market_index=1, scaled_balance=2 * SBP, open_bids=2 * 10**9), ex.MarginTradingDisabled),
    (SpotPosition(market_index=0, scaled_balance=1000 * SBP),
     SpotPosition(market_index=1, scaled_balance=2 * SBP, open_bids=2 * 10**9), None),
    (SpotPosition(market_index=0, balance_type=SpotBalanceType.Borrow, scaled_balance=100 * SBP),
     SpotPosition(market_index=1, scaled_balance=2 * SBP, open_bids=2 * 10**9), ex.MarginTradingDisabled),
])
def test_validate_spot_margin_trading(usdc: SpotPosition, sol: SpotPosition, error: type | None) -> None:
    user = User(spot_positions=spot_positions(usdc, sol))
    spot_map = {0: usdc_market(cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION), 1: sol_market()}
    if error is None:
        assert ex.validate_spot_margin_trading(user, {}, spot_map, ORACLES) is None
    else:
        with pytest.raises(error):
            ex.validate_spot_margin_trading(user, {}, spot_map, ORACLES)


def test_margin_trading_with_isolated_perp() -> None:
    # programs/drift/src/math/margin/tests.rs::validate_spot_margin_trading::
    # attempt_enable_margin_trading_with_isolated_perp
    user = User(
        spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=100 * SBP),
                                      SpotPosition(market_index=1, scaled_balance=2 * SBP, open_bids=2 * 10**9)),
        perp_positions=perp_positions(PerpPosition(
            market_index=0, base_asset_amount=BASE_PRECISION, quote_asset_amount=-150 * QUOTE_PRECISION,
            quote_entry_amount=-150 * QUOTE_PRECISION, quote_break_even_amount=-150 * QUOTE_PRECISION, open_orders=1,
            open_bids=BASE_PRECISION)),
        is_margin_trading_enabled=True)
    with pytest.raises(ex.IsolatedAssetTierViolation):
        ex.validate_spot_margin_trading(user, {0: sol_perp(contract_tier=ContractTier.Isolated)},
                                        {0: usdc_market(), 1: sol_market()}, ORACLES)


@pytest.mark.parametrize("quote, equity", [(-90 * QUOTE_PRECISION, 20000000), (-105 * QUOTE_PRECISION, 5000000)])
def test_calculate_user_equity_with_perp_pnl(quote: int, equity: int) -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_user_equity::
    # usdc_deposit_positive_perp_pnl / usdc_deposit_negative_perp_pnl
    price = 100 * PRICE_PRECISION
    market = sol_perp(margin_ratio_initial=2000, margin_ratio_maintenance=1000)
    market.amm.historical_oracle_data = HistoricalOracleData(last_oracle_price=price, last_oracle_price_twap=price,
                                                             last_oracle_price_twap_5min=price)
    usdc = usdc_market(historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=PRICE_PRECISION,
                                                                   last_oracle_price_twap_5min=PRICE_PRECISION))
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=10 * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=BASE_PRECISION,
                                                           quote_asset_amount=quote)))
    net, all_valid = ex.calculate_user_equity(user, {0: market}, {0: usdc}, ORACLES)
    assert net == equity
    assert all_valid is True


def test_calculate_user_equity_sol_borrow() -> None:
    # programs/drift/src/math/margin/tests.rs::calculate_user_equity::usdc_deposit_sol_borrow
    sol = sol_market(historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=110 * PRICE_PRECISION))
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0, scaled_balance=10000 * SBP),
        SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=90 * SBP)))
    net, _ = ex.calculate_user_equity(user, {}, {0: usdc_market(), 1: sol}, ORACLES)
    assert net == 1000000000


# --- tiers --------------------------------------------------------------------------------------------------------


def test_asset_tier_checks() -> None:
    # programs/drift/src/math/margin/tests.rs::test::asset_tier_checks
    a, b, c, spec, hspec, iso = (ContractTier.A, ContractTier.B, ContractTier.C, ContractTier.Speculative,
                                 ContractTier.HighlySpeculative, ContractTier.Isolated)
    unlisted, cross = AssetTier.Unlisted, AssetTier.Cross
    collateral, isolated = AssetTier.Collateral, AssetTier.Isolated
    safe = [(a, a, unlisted), (a, a, cross), (b, hspec, unlisted), (c, spec, unlisted), (c, c, cross),
            (spec, spec, unlisted), (spec, iso, unlisted), (spec, hspec, unlisted), (iso, iso, unlisted),
            (hspec, iso, unlisted)]
    unsafe = [(a, a, collateral), (a, b, collateral), (b, a, collateral), (b, a, unlisted), (c, b, cross),
              (c, b, isolated), (c, a, unlisted), (spec, a, unlisted), (spec, a, collateral), (spec, b, collateral),
              (spec, b, cross), (spec, c, collateral), (hspec, c, collateral), (hspec, spec, isolated),
              (spec, spec, collateral), (spec, spec, cross), (spec, iso, collateral), (spec, iso, cross),
              (spec, iso, isolated), (iso, a, unlisted), (iso, hspec, unlisted), (iso, iso, isolated),
              (iso, hspec, unlisted)]
    for tier, best_contract, best_asset in safe:
        assert tier.is_as_safe_as(best_contract, best_asset), (tier, best_contract, best_asset)
    for tier, best_contract, best_asset in unsafe:
        assert not tier.is_as_safe_as(best_contract, best_asset), (tier, best_contract, best_asset)


def test_calculate_user_safest_position_tiers() -> None:
    # math/margin.rs::calculate_user_safest_position_tiers: min over spot borrows and perp positions
    user = User(spot_positions=spot_positions(
        SpotPosition(market_index=0, scaled_balance=SBP),
        SpotPosition(market_index=1, balance_type=SpotBalanceType.Borrow, scaled_balance=SBP)),
        perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=BASE_PRECISION)))
    tiers = ex.calculate_user_safest_position_tiers(user, {0: sol_perp(contract_tier=ContractTier.B)},
                                                    {0: usdc_market(), 1: sol_market(asset_tier=AssetTier.Cross)})
    assert tiers == (AssetTier.Cross, ContractTier.B)
    assert ex.calculate_user_safest_position_tiers(User(), {}, {}) == (AssetTier.Unlisted,
                                                                       ContractTier.HighlySpeculative)


# --- error cases --------------------------------------------------------------------------------------------------


def test_margin_calculation_errors() -> None:
    spot_map = {0: usdc_market(), 1: sol_market()}
    # validation/position.rs::validate_spot_position
    bad = User(spot_positions=spot_positions(SpotPosition(market_index=1, open_bids=-1)))
    with pytest.raises(ex.InvalidSpotPositionDetected):
        calc(bad, {}, spot_map, MarginContext.standard(INITIAL))
    # a market missing from the map
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, scaled_balance=SBP)))
    with pytest.raises(ex.SpotMarketNotFound):
        calc(user, {}, {0: usdc_market()}, MarginContext.standard(INITIAL))
    user = User(perp_positions=perp_positions(PerpPosition(market_index=3, base_asset_amount=BASE_PRECISION)))
    with pytest.raises(ex.PerpMarketNotFound):
        calc(user, {}, spot_map, MarginContext.standard(INITIAL))
    # an oracle that is not in the map
    user = User(spot_positions=spot_positions(SpotPosition(market_index=1, scaled_balance=SBP)))
    with pytest.raises(ex.OracleNotFound):
        calc(user, {}, spot_map, MarginContext.standard(INITIAL), {})
    # StrictOraclePrice::validate: a non-positive strict twap is InvalidOracle
    sol = sol_market(historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=0))
    with pytest.raises(ex.InvalidOracle):
        calc(user, {}, {0: usdc_market(), 1: sol}, MarginContext.standard(INITIAL).with_strict(True))
    # margin context: tracking needs liquidation mode; shortages need a buffer
    with pytest.raises(ex.InvalidMarginCalculation):
        MarginContext.standard(INITIAL).track_market_margin_requirement(ex.MarketIdentifier.perp(0))
    with pytest.raises(ex.InvalidMarginCalculation):
        ex.MarginCalculation.new(MarginContext.standard(INITIAL)).cross_margin_margin_shortage()
    with pytest.raises(ex.InvalidMarginCalculation):
        ex.MarginCalculation.new(MarginContext.standard(INITIAL)).can_exit_cross_margin_liquidation()


def test_size_weight_overflow_is_an_error() -> None:
    # the premium above u32 is a failed cast (CastingFailure); a size whose 10x overflows u128 is MathError
    with pytest.raises(ex.CastingFailure):
        ex.calculate_size_premium_liability_weight(2**100, 10**9, 10000, 10000, True)
    with pytest.raises(ex.MathError):
        ex.calculate_size_discount_asset_weight(2**127, 1, 10000)


# --- properties ---------------------------------------------------------------------------------------------------

sizes = st.integers(min_value=0, max_value=10**20)  # keeps the premium inside u32 for imf <= 1e6
imfs = st.integers(min_value=0, max_value=SPOT_IMF_PRECISION)
weights = st.integers(min_value=1, max_value=5 * SPOT_WEIGHT_PRECISION)


@settings(max_examples=300, deadline=None)
@given(a=sizes, b=sizes, imf=imfs, weight=weights)
def test_liability_weight_non_decreasing_in_size(a: int, b: int, imf: int, weight: int) -> None:
    small, large = sorted((a, b))
    w_small = ex.calculate_size_premium_liability_weight(small, imf, weight, SPOT_WEIGHT_PRECISION, True)
    w_large = ex.calculate_size_premium_liability_weight(large, imf, weight, SPOT_WEIGHT_PRECISION, True)
    assert weight <= w_small <= w_large


@settings(max_examples=300, deadline=None)
@given(a=sizes, b=sizes, imf=imfs, weight=st.integers(min_value=0, max_value=SPOT_WEIGHT_PRECISION))
def test_asset_weight_non_increasing_in_size(a: int, b: int, imf: int, weight: int) -> None:
    small, large = sorted((a, b))
    w_small = ex.calculate_size_discount_asset_weight(small, imf, weight)
    w_large = ex.calculate_size_discount_asset_weight(large, imf, weight)
    assert weight >= w_small >= w_large >= 0


@settings(max_examples=300, deadline=None)
@given(size=st.integers(min_value=0, max_value=10**21), imf=st.integers(min_value=0, max_value=10**5),
       mri=st.integers(min_value=1, max_value=MARGIN_PRECISION),
       mrm=st.integers(min_value=1, max_value=MARGIN_PRECISION),
       margin_type=st.sampled_from(list(MarginRequirementType)))
def test_margin_ratio_never_below_base_for_non_hlm(size: int, imf: int, mri: int, mrm: int,
                                                   margin_type: MarginRequirementType) -> None:
    market = PerpMarket(margin_ratio_initial=mri, margin_ratio_maintenance=mrm, imf_factor=imf)
    base = {INITIAL: mri, FILL: (mri + mrm) // 2, MAINTENANCE: mrm}[margin_type]
    ratio = market.get_margin_ratio(size, margin_type, False)
    assert ratio >= base
    assert market.get_margin_ratio(size + BASE_PRECISION, margin_type, False) >= ratio


@settings(max_examples=200, deadline=None)
@given(size=st.integers(min_value=0, max_value=10**21), imf=st.integers(min_value=0, max_value=10**4),
       hlm_i=st.integers(min_value=2, max_value=500), hlm_m=st.integers(min_value=1, max_value=250))
def test_hlm_initial_ratio_between_hlm_default_and_normal(size: int, imf: int, hlm_i: int, hlm_m: int) -> None:
    # below the size where the normal premium binds, the HLM initial ratio sits in [hlm default, normal ratio]
    market = PerpMarket(margin_ratio_initial=1000, margin_ratio_maintenance=500, imf_factor=imf,
                        high_leverage_margin_ratio_initial=hlm_i, high_leverage_margin_ratio_maintenance=hlm_m)
    hlm = market.get_margin_ratio(size, INITIAL, True)
    normal = market.get_margin_ratio(size, INITIAL, False)
    assert hlm_i <= hlm <= normal


@settings(max_examples=200, deadline=None)
@given(price=st.integers(min_value=PRICE_PRECISION, max_value=1000 * PRICE_PRECISION),
       drop=st.integers(min_value=1, max_value=50 * PRICE_PRECISION),
       base=st.integers(min_value=1, max_value=1000) .map(lambda n: n * BASE_PRECISION // 10))
def test_free_collateral_falls_as_price_moves_against_a_long(price: int, drop: int, base: int) -> None:
    user = User(spot_positions=spot_positions(SpotPosition(market_index=0, scaled_balance=10000 * SBP)),
                perp_positions=perp_positions(PerpPosition(market_index=0, base_asset_amount=base,
                                                           quote_asset_amount=-base * price // BASE_PRECISION)))
    perp_map, spot_map = {0: sol_perp(unrealized_pnl_initial_asset_weight=10000)}, {0: usdc_market()}
    before = calc(user, perp_map, spot_map, MarginContext.standard(MAINTENANCE), {SOL_ORACLE: price})
    after = calc(user, perp_map, spot_map, MarginContext.standard(MAINTENANCE), {SOL_ORACLE: max(price - drop, 1)})
    assert (after.total_collateral - after.margin_requirement) <= (before.total_collateral - before.margin_requirement)
