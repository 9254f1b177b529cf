"""Auctions: program test numbers beyond program_cases.json, error cases, and properties of the auction price.

Sources: programs/drift/src/math/auction/tests.rs and programs/drift/src/state/order_params/tests.rs (v2.161.0).
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION_U64,
    PEG_PRECISION,
    PRICE_PRECISION_I64,
    PRICE_PRECISION_U64,
    QUOTE_PRECISION_U64,
    CastingFailure,
    ContractTier,
    HistoricalOracleData,
    InvalidOrderAuction,
    MathError,
    OracleNotFound,
    OraclePriceData,
    OracleSource,
    Order,
    OrderBitFlag,
    OrderParams,
    OrderStatus,
    OrderType,
    PerpMarket,
    PositionDirection,
    PostOnlyParam,
    calculate_auction_params_for_trigger_order,
    calculate_auction_price,
    calculate_auction_prices,
    get_auction_duration,
    get_auction_params,
    get_perp_baseline_start_end_price_offset,
    is_auction_complete,
    validate_order,
)

LONG, SHORT = PositionDirection.Long, PositionDirection.Short
P = PRICE_PRECISION_I64


def amm_default_test(**fields: object) -> AMM:
    """``AMM::default_test()`` of programs/drift/src/state/perp_market.rs."""
    reserves = 100 * AMM_RESERVE_PRECISION
    base = dict(base_asset_reserve=reserves, quote_asset_reserve=reserves, sqrt_k=reserves,
                concentration_coef=1_414_200, order_step_size=1, order_tick_size=1,
                max_base_asset_reserve=2**64 - 1, min_base_asset_reserve=0, terminal_quote_asset_reserve=reserves,
                peg_multiplier=PEG_PRECISION, max_fill_reserve_fraction=1, max_spread=1000,
                historical_oracle_data=HistoricalOracleData(last_oracle_price=PRICE_PRECISION_I64),
                last_oracle_valid=True)
    base.update(fields)
    return AMM(**base)  # type: ignore[arg-type]


def sanitize_market(oracle_price: int, bid_twap: int, mark_twap_5min: int, ask_twap: int, spread: int,
                    tier: ContractTier = ContractTier.HighlySpeculative, peg: int = 100 * PEG_PRECISION,
                    oracle_twap: int | None = None) -> PerpMarket:
    """The market the order_params sanitize tests build (100/100 reserves, $1M volume)."""
    twap = oracle_price if oracle_twap is None else oracle_twap
    amm = AMM(base_asset_reserve=100 * AMM_RESERVE_PRECISION, quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
              short_spread=spread, long_spread=spread, sqrt_k=100 * AMM_RESERVE_PRECISION, peg_multiplier=peg,
              volume_24h=1_000_000 * QUOTE_PRECISION_U64, last_bid_price_twap=bid_twap,
              last_mark_price_twap_5min=mark_twap_5min, last_ask_price_twap=ask_twap,
              historical_oracle_data=HistoricalOracleData(last_oracle_price=oracle_price,
                                                          last_oracle_price_twap=twap,
                                                          last_oracle_price_twap_5min=twap))
    return PerpMarket(amm=amm, contract_tier=tier)


def auction(params: OrderParams) -> tuple[int | None, int | None, int | None]:
    return params.auction_start_price, params.auction_end_price, params.auction_duration


# --- program test numbers ---------------------------------------------------------------------------------------


def test_get_auction_duration() -> None:
    # programs/drift/src/state/order_params/tests.rs::get_auction_duration::test
    price = 100 * PRICE_PRECISION_U64
    for diff, slots in ((0, 1), (PRICE_PRECISION_U64 // 10, 6), (PRICE_PRECISION_U64 // 2, 30),
                        (PRICE_PRECISION_U64, 60), (2 * PRICE_PRECISION_U64, 120)):
        assert get_auction_duration(diff, price, ContractTier.C) == slots


def test_get_auction_duration_tiers_and_cap() -> None:
    # A/B run 100 slots per 1% (the docstring's "1% = 40 slots" comment is stale); capped at 180
    assert get_auction_duration(PRICE_PRECISION_U64, 100 * PRICE_PRECISION_U64, ContractTier.A) == 100
    assert get_auction_duration(PRICE_PRECISION_U64, 100 * PRICE_PRECISION_U64, ContractTier.B) == 100
    assert get_auction_duration(50 * PRICE_PRECISION_U64, 100 * PRICE_PRECISION_U64, ContractTier.A) == 180
    with pytest.raises(MathError):
        get_auction_duration(1, 0, ContractTier.A)


def test_extreme_sanitize_oracle_order() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_extreme_sanitize_oracle_order
    oracle = 145 * P
    market = sanitize_market(oracle, oracle - 192988, oracle, oracle + 192988, 10_000)
    amm = market.amm
    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=amm.last_bid_price_twap,
                         auction_end_price=amm.last_bid_price_twap + 1_000_000, auction_duration=30,
                         direction=LONG)
    assert auction(params)[:2] == (144_807_012, 145_807_012)
    assert params.update_perp_auction_params(market, oracle, False) is True
    assert auction(params) == (-144807, 3_092_988, 134)

    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=amm.last_ask_price_twap,
                         auction_end_price=amm.last_bid_price_twap - 1_000_000, auction_duration=30,
                         direction=SHORT)
    params.update_perp_auction_params(market, oracle, False)
    assert auction(params) == (145192988, 143807012, 58)

    offset = -(amm.last_bid_price_twap - 1_000_000)
    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=-amm.last_ask_price_twap,
                         auction_end_price=offset, auction_duration=30, direction=SHORT,
                         oracle_price_offset=offset)
    params.update_perp_auction_params(market, oracle, False)
    assert auction(params) == (145192, -3092988, 134)
    assert params.oracle_price_offset == -143807012


def test_signed_msg_orders_oracle() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_signed_msg_orders_oracle
    oracle = 100 * P
    market = sanitize_market(oracle, oracle - 100000, oracle, oracle + 100000, 10_000, ContractTier.A)
    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=0, auction_end_price=200000,
                         auction_duration=30, direction=LONG)
    signed = dataclasses.replace(params)
    assert signed.update_perp_auction_params(market, oracle, True) is False
    assert auction(signed) == (0, 200000, 30)
    assert params.update_perp_auction_params(market, oracle, False) is True
    assert auction(params) == (-99900, 200000, 30)

    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=100, auction_end_price=-200000,
                         auction_duration=30, direction=SHORT)
    assert params.update_perp_auction_params(market, oracle, True) is False
    assert auction(params) == (100, -200000, 30)
    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=0, auction_end_price=-200000,
                         auction_duration=30, direction=SHORT)
    assert params.update_perp_auction_params(market, oracle, False) is True
    assert auction(params) == (100100, -200000, 31)


def test_signed_msg_orders_limit() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_signed_msg_orders_limit
    oracle = 100 * P
    market = sanitize_market(oracle, oracle - 100000, oracle, oracle + 100000, 10_000, ContractTier.A)
    make = dict(order_type=OrderType.Market, auction_duration=30)
    params = OrderParams(auction_start_price=100000000, auction_end_price=100200000, direction=LONG, **make)
    assert params.update_perp_auction_params(market, oracle, True) is False
    assert auction(params) == (100000000, 100200000, 30)
    params = OrderParams(auction_start_price=100000000, auction_end_price=100200000, direction=LONG, **make)
    assert params.update_perp_auction_params(market, oracle, False) is True
    assert auction(params) == (99900100, 100200000, 30)
    params = OrderParams(auction_start_price=100000100, auction_end_price=99800000, direction=SHORT, **make)
    assert params.update_perp_auction_params(market, oracle, True) is False
    assert auction(params) == (100000100, 99800000, 30)
    params = OrderParams(auction_start_price=100000000, auction_end_price=99800000, direction=SHORT, **make)
    assert params.update_perp_auction_params(market, oracle, False) is True
    assert auction(params) == (100100100, 99800000, 31)


def test_extreme_sanitize_oracle_order_huge_market_prem() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::
    # test_extreme_sanitize_oracle_order_huge_market_prem
    oracle = 145 * P
    bid, ask = oracle * 15 // 10 - 192988, oracle * 16 // 10 + 192988
    market = sanitize_market(oracle, bid, (ask + bid) // 2, ask, 10_000)
    params = OrderParams(order_type=OrderType.Oracle, auction_start_price=bid, auction_end_price=bid + 1_000_000,
                         auction_duration=30)
    assert auction(params)[:2] == (217_307_012, 218_307_012)
    params.update_perp_auction_params(market, oracle, False)
    assert auction(params) == (79_750_000, 90_092_988, 180)


def test_sanitize_limit() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_sanitize_limit
    oracle = 100 * P
    bid, ask = oracle * 99 // 100, oracle * 101 // 100
    market = sanitize_market(oracle, bid, (ask + bid) // 2, ask, 10_000)
    unchanged = [
        OrderParams(order_type=OrderType.Limit, auction_duration=0),
        OrderParams(order_type=OrderType.Limit, post_only=PostOnlyParam.MustPostOnly),
        OrderParams(order_type=OrderType.Limit, bit_flags=1),
        OrderParams(order_type=OrderType.Limit, oracle_price_offset=0),
        OrderParams(order_type=OrderType.Limit, price=0),
        OrderParams(order_type=OrderType.Limit, price=100 * PRICE_PRECISION_U64, direction=LONG),
        OrderParams(order_type=OrderType.Limit, price=100 * PRICE_PRECISION_U64, direction=SHORT),
    ]
    for before in unchanged:
        after = dataclasses.replace(before)
        after.update_perp_auction_params(market, oracle, False)
        assert after == before

    after = OrderParams(order_type=OrderType.Limit, price=102 * PRICE_PRECISION_U64, direction=LONG)
    after.update_perp_auction_params(market, oracle, False)
    assert auction(after) == (100 * P, 102 * P, 120)

    mark = market.amm.last_mark_price_twap_5min
    market.amm.last_bid_price_twap = mark - 100000
    market.amm.last_ask_price_twap = mark + 100000
    after = OrderParams(order_type=OrderType.Limit, price=98 * PRICE_PRECISION_U64, direction=SHORT)
    after.update_perp_auction_params(market, oracle, False)
    assert auction(after) == (100 * P + 100100, 98 * P, 127)


def test_sanitize_oracle_limit() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_sanitize_oracle_limit
    oracle = 100 * P
    market = sanitize_market(oracle, oracle * 999 // 1000, oracle, oracle * 1001 // 1000, 1000)

    def run(offset: int, direction: PositionDirection) -> OrderParams:
        params = OrderParams(order_type=OrderType.Limit, oracle_price_offset=offset, direction=direction)
        params.update_perp_auction_params(market, oracle, False)
        return params

    assert auction(run(10 * P, LONG)) == (-90010, 10_000_000, 180)
    assert auction(run(-2 * P, LONG)) == (None, None, None)
    assert auction(run(144, LONG)) == (None, None, None)
    assert auction(run(199003, LONG)) == (-90010, 199003, 18)
    assert auction(run(-10 * P, SHORT)) == (89990, -10_000_000, 180)
    assert auction(run(-199003, SHORT)) == (89990, -199003, 18)


def test_market_sanitize() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_market_sanitize
    oracle = 99 * P
    twap = oracle - 97238
    market = sanitize_market(oracle, twap + 17238, (twap + 217999 + twap + 17238) // 2, twap + 217999, 10_000,
                             ContractTier.B, peg=99 * PEG_PRECISION, oracle_twap=twap)
    params = OrderParams(order_type=OrderType.Market, direction=LONG, auction_start_price=103 * P,
                         auction_end_price=104 * P, price=104 * PRICE_PRECISION_U64, auction_duration=1)
    params.update_perp_auction_params(market, oracle, False)
    assert params.auction_start_price == 99018698
    assert market.amm.bid_price(market.amm.reserve_price()) == 98010000

    before = OrderParams(order_type=OrderType.Market, direction=SHORT, auction_start_price=98 * P,
                         auction_end_price=95 * P, price=94 * PRICE_PRECISION_U64, auction_duration=11)
    params = dataclasses.replace(before)
    params.update_perp_auction_params(market, oracle, False)
    assert params.auction_start_price == 99216738

    market.amm.oracle_source = OracleSource.Prelaunch  # no sanitizing for prelaunch oracles
    params = dataclasses.replace(before)
    params.update_perp_auction_params(market, oracle, False)
    assert params.auction_start_price == before.auction_start_price
    assert params.auction_end_price == before.auction_end_price

    params = OrderParams(order_type=OrderType.Market, direction=SHORT, auction_start_price=103 * P,
                         auction_end_price=104 * P, price=104 * PRICE_PRECISION_U64, auction_duration=1)
    params.update_perp_auction_params(market, oracle, False)
    assert auction(params) == (103 * P, 104 * P, 102)


def test_oracle_market_sanitize() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::test_oracle_market_sanitize
    oracle = 99 * P
    twap = oracle - 97238
    market = sanitize_market(oracle, twap + 17238, (twap + 217999 + twap + 17238) // 2, twap + 217999, 10_000,
                             ContractTier.B, oracle_twap=twap)
    params = OrderParams(order_type=OrderType.Oracle, direction=LONG, auction_start_price=4 * P,
                         auction_end_price=5 * P, price=5 * PRICE_PRECISION_U64, auction_duration=8)
    params.update_perp_auction_params(market, oracle, False)
    assert params.auction_start_price == 18698
    assert params.auction_end_price == 2196053

    before = OrderParams(order_type=OrderType.Oracle, direction=SHORT, auction_start_price=4 * P,
                         auction_end_price=5 * P, price=5 * PRICE_PRECISION_U64, auction_duration=8)
    params = dataclasses.replace(before)
    params.update_perp_auction_params(market, oracle, False)
    assert params.auction_start_price == before.auction_start_price
    assert params.auction_end_price == before.auction_end_price
    assert params.auction_duration != before.auction_duration

    params = OrderParams(order_type=OrderType.Oracle, direction=SHORT, auction_start_price=99 * P,
                         auction_end_price=100 * P, price=100 * PRICE_PRECISION_U64, auction_duration=102)
    assert params.update_perp_auction_params(market, oracle, False) is False


def test_market_sanitize_no_auction_params() -> None:
    # programs/drift/src/state/order_params/tests.rs::update_perp_auction_params::
    # test_market_sanatize_no_auction_params
    oracle = 99 * P
    twap = oracle - 97238
    market = sanitize_market(oracle, twap + 17238, (twap + 217999 + twap + 17238) // 2, twap + 217999, 10_000,
                             ContractTier.Speculative, oracle_twap=twap)

    def run(direction: PositionDirection, price: int) -> OrderParams:
        params = OrderParams(order_type=OrderType.Market, direction=direction, price=price)
        params.update_perp_auction_params(market, oracle, False)
        return params

    assert run(LONG, 104 * PRICE_PRECISION_U64).auction_start_price == 98771198
    assert run(LONG, 99 * PRICE_PRECISION_U64).auction_start_price == 99 * P - oracle // 400 + 18698
    assert run(SHORT, 94 * PRICE_PRECISION_U64).auction_start_price == 99118879 + oracle // 400 + 97859
    assert run(SHORT, 99 * PRICE_PRECISION_U64 + 100000).auction_start_price == \
        99 * P + 100000 + oracle // 400 + 116738
    assert auction(run(SHORT, 0)) == (99118879 + oracle // 400 + 97859, 98028211, 88)
    assert auction(run(LONG, 0)) == (98901080 - oracle // 400 + 117618, 100207026, 88)


def _order_from_params(params: OrderParams, slot: int) -> Order:
    """``get_order`` of programs/drift/src/state/order_params/tests.rs::get_close_perp_params."""
    return Order(status=OrderStatus.Open, order_type=params.order_type, market_type=params.market_type, slot=slot,
                 order_id=1, price=params.price, base_asset_amount=params.base_asset_amount,
                 direction=params.direction, reduce_only=params.reduce_only,
                 trigger_price=params.trigger_price or 0, trigger_condition=params.trigger_condition,
                 post_only=params.post_only != PostOnlyParam.None_,
                 oracle_price_offset=params.oracle_price_offset or 0,
                 immediate_or_cancel=params.is_immediate_or_cancel(),
                 auction_start_price=params.auction_start_price or 0,
                 auction_end_price=params.auction_end_price or 0,
                 auction_duration=params.auction_duration or 0, max_ts=100, posted_slot_tail=slot & 0xFF)


@pytest.mark.parametrize(("direction", "ask", "bid", "mark", "start", "end"), [
    # programs/drift/src/state/order_params/tests.rs::get_close_perp_params::bid
    (LONG, 101, 99, 99, -1 * P, 2 * P),
    (LONG, 103, 101, 102, 2 * P, 4 * P),
    (LONG, 99, 97, 98, -2 * P, 0),
    # programs/drift/src/state/order_params/tests.rs::get_close_perp_params::ask
    (SHORT, 101, 99, 100, 0, -2 * P),
    (SHORT, 103, 101, 102, 2 * P, 0),
    (SHORT, 99, 97, 98, -2 * P, -4 * P),
])
def test_get_close_perp_params(direction: PositionDirection, ask: int, bid: int, mark: int, start: int,
                               end: int) -> None:
    amm = amm_default_test(
        last_ask_price_twap=ask * PRICE_PRECISION_U64, last_bid_price_twap=bid * PRICE_PRECISION_U64,
        last_mark_price_twap_5min=mark * PRICE_PRECISION_U64,
        historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=100 * P,
                                                    last_oracle_price_twap_5min=100 * P),
        mark_std=PRICE_PRECISION_U64, oracle_std=PRICE_PRECISION_U64, volume_24h=1_000_000 * QUOTE_PRECISION_U64)
    market = PerpMarket(amm=amm, contract_tier=ContractTier.Speculative)
    params = OrderParams.get_close_perp_params(market, direction, BASE_PRECISION_U64)
    assert (params.auction_start_price, params.auction_end_price, params.oracle_price_offset) == (start, end, end)
    assert params.auction_duration == 80 and params.reduce_only and params.order_type == OrderType.Oracle
    assert get_perp_baseline_start_end_price_offset(market, direction, 1) == (start, end)
    validate_order(_order_from_params(params, 1), market, 100 * P, 1)


def test_calculate_auction_params_for_trigger_order_with_market() -> None:
    # derived from programs/drift/src/math/auction.rs::calculate_auction_params_for_trigger_order with a perp
    # market: a TriggerMarket order gets the oracle-offset auction with a crossing -500 ppm start buffer (tier A)
    amm = amm_default_test(
        last_ask_price_twap=101 * PRICE_PRECISION_U64, last_bid_price_twap=99 * PRICE_PRECISION_U64,
        last_mark_price_twap_5min=100 * PRICE_PRECISION_U64,
        historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=100 * P,
                                                    last_oracle_price_twap_5min=100 * P),
        volume_24h=1_000_000 * QUOTE_PRECISION_U64)
    market = PerpMarket(amm=amm, contract_tier=ContractTier.A)
    order = Order(order_type=OrderType.TriggerMarket, direction=LONG, trigger_price=100 * PRICE_PRECISION_U64)
    oracle = OraclePriceData(price=100 * P)
    # baseline start (volume > 100k, equal timestamps): the slow premium bid_twap - twap = -1e6 and the fast one
    # mark_twap_5min - twap_5min = 0 differ by more than mark_twap_5min/200, so the fast one (0) is used;
    # end = ask_twap + buffer - twap with buffer = max(stds, spread) = 0 clamped up to twap/1000 = 0.1;
    # the negative start buffer (-0.05) moves both toward crossing
    duration, start, end = calculate_auction_params_for_trigger_order(order, oracle, 10, market)
    buffer_price = 100 * P * -500 // 1_000_000
    assert start == 0 - buffer_price == 50_000
    assert end == 1_000_000 + 100_000 - buffer_price
    assert duration == max(10, get_auction_duration(end - start, 100 * P, ContractTier.A))


# --- error cases --------------------------------------------------------------------------------------------------


def test_oracle_auction_without_oracle_is_oracle_not_found() -> None:
    order = Order(order_type=OrderType.Oracle, auction_duration=10, auction_start_price=-1, auction_end_price=1)
    with pytest.raises(OracleNotFound):
        calculate_auction_price(order, 1, 1, None, False)


def test_fixed_auction_negative_price_is_casting_failure() -> None:
    order = Order(order_type=OrderType.Market, auction_duration=10, auction_start_price=-1, auction_end_price=10)
    with pytest.raises(CastingFailure):
        calculate_auction_price(order, 1, 1, None, False)


def test_fixed_auction_reversed_long_is_math_error() -> None:
    # a long whose end is below its start underflows u64 in the program
    order = Order(order_type=OrderType.Market, direction=LONG, auction_duration=10, auction_start_price=110,
                  auction_end_price=100)
    with pytest.raises(MathError):
        calculate_auction_price(order, 5, 1, None, False)


def test_slot_before_order_is_math_error() -> None:
    with pytest.raises(MathError):
        is_auction_complete(10, 5, 9)
    order = Order(order_type=OrderType.Market, slot=10, auction_duration=5, auction_start_price=1,
                  auction_end_price=2)
    with pytest.raises(MathError):
        calculate_auction_price(order, 9, 1, None, False)


def test_oracle_order_without_auction_prices_rejected() -> None:
    # controller/orders.rs::get_auction_params: "Oracle order must specify auction start and end price offsets"
    params = OrderParams(order_type=OrderType.Oracle, direction=LONG)
    with pytest.raises(InvalidOrderAuction):
        get_auction_params(params, OraclePriceData(price=100 * P), 1, 10)


def test_get_auction_params_defaults() -> None:
    # controller/orders.rs::get_auction_params: market order without prices uses calculate_auction_prices and
    # the state's minimum duration; limit orders without all three params get none; trigger orders none
    oracle = OraclePriceData(price=100 * P)
    market = OrderParams(order_type=OrderType.Market, direction=LONG)
    assert get_auction_params(market, oracle, 100, 10) == (100 * P, 100 * P + 500_000, 10)
    limit = OrderParams(order_type=OrderType.Limit, direction=SHORT, auction_duration=5, auction_start_price=101)
    assert get_auction_params(limit, oracle, 100, 10) == (0, 0, 0)
    limit.auction_end_price = 99
    assert get_auction_params(limit, oracle, 100, 10) == (200, 100, 10)  # asks round up to the tick
    trigger = OrderParams(order_type=OrderType.TriggerMarket, direction=LONG)
    assert get_auction_params(trigger, oracle, 100, 10) == (0, 0, 0)


# --- properties ---------------------------------------------------------------------------------------------------

prices = st.integers(min_value=1, max_value=10**12)
ticks = st.sampled_from([1, 10, 100, 1000, 10_000])


@settings(max_examples=300, deadline=None)
@given(start=prices, end=prices, duration=st.integers(1, 255), tick=ticks, direction=st.sampled_from([LONG, SHORT]))
def test_fixed_auction_is_monotone_and_bounded(start: int, end: int, duration: int, tick: int,
                                               direction: PositionDirection) -> None:
    lo, hi = sorted((start, end))
    s, e = (lo, hi) if direction == LONG else (hi, lo)
    order = Order(order_type=OrderType.Market, direction=direction, slot=0, auction_duration=duration,
                  auction_start_price=s, auction_end_price=e)
    path = [calculate_auction_price(order, slot, tick, None, False) for slot in range(duration + 3)]
    for a, b in zip(path, path[1:], strict=False):
        assert (a <= b) if direction == LONG else (a >= b)  # moves from start toward end
    # stays between the tick-snapped start and end (bids snap down, asks up)
    snap_lo = lo - lo % tick if direction == LONG else (lo if lo % tick == 0 else lo + tick - lo % tick)
    snap_hi = hi - hi % tick if direction == LONG else (hi if hi % tick == 0 else hi + tick - hi % tick)
    assert all(snap_lo <= p <= snap_hi for p in path)
    assert all(p % tick == 0 for p in path)
    assert path[-1] == (snap_hi if direction == LONG else snap_lo)  # reaches the end and stays there


@settings(max_examples=300, deadline=None)
@given(start=st.integers(-10**8, 10**8), end=st.integers(-10**8, 10**8), oracle=st.integers(10**6, 10**11),
       duration=st.integers(1, 255), tick=ticks, direction=st.sampled_from([LONG, SHORT]))
def test_oracle_offset_auction_is_monotone(start: int, end: int, oracle: int, duration: int, tick: int,
                                           direction: PositionDirection) -> None:
    lo, hi = sorted((start, end))
    s, e = (lo, hi) if direction == LONG else (hi, lo)
    order = Order(order_type=OrderType.Oracle, direction=direction, slot=0, auction_duration=duration,
                  auction_start_price=s, auction_end_price=e)
    path = [calculate_auction_price(order, slot, tick, oracle, False) for slot in range(duration + 2)]
    for a, b in zip(path, path[1:], strict=False):
        assert (a <= b) if direction == LONG else (a >= b)
    assert all(p >= tick and p % tick == 0 for p in path)
    # the unrounded price max(oracle + offset, tick) lies between the two ends
    bound_lo, bound_hi = max(oracle + lo, tick), max(oracle + hi, tick)
    assert all(bound_lo - tick < p < bound_hi + tick for p in path)


@settings(max_examples=200, deadline=None)
@given(oracle=st.integers(1, 10**12), limit=st.integers(0, 10**12), direction=st.sampled_from([LONG, SHORT]))
def test_calculate_auction_prices_direction(oracle: int, limit: int, direction: PositionDirection) -> None:
    start, end = calculate_auction_prices(OraclePriceData(price=oracle), direction, limit)
    # a long's auction rises, a short's falls, and never past a non-zero limit
    if direction == LONG:
        assert start <= end
        if limit:
            assert end <= limit
    else:
        assert start >= end
        if limit:
            assert end >= limit


def test_oracle_trigger_market_uses_offset_auction() -> None:
    # math/auction.rs::calculate_auction_price: TriggerMarket with the OracleTriggerMarket bit is an oracle auction
    order = Order(order_type=OrderType.TriggerMarket, direction=LONG, auction_duration=10, auction_start_price=-100,
                  auction_end_price=100, bit_flags=int(OrderBitFlag.OracleTriggerMarket))
    assert calculate_auction_price(order, 5, 1, 1_000_000, False) == 1_000_000
    order.bit_flags = 0  # otherwise a fixed-price auction: a negative start is not a u64
    with pytest.raises(CastingFailure):
        calculate_auction_price(order, 5, 1, 1_000_000, False)
