"""Orders: program test numbers beyond program_cases.json, error cases and properties.

Sources: programs/drift/src/math/orders/tests.rs, state/user/tests.rs and math/matching/tests.rs (v2.161.0).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION_U64,
    BID_ASK_TWAP_MAX_ORACLE_DIVERGENCE_PERCENT,
    MARGIN_PRECISION,
    MAX_OPEN_ORDERS,
    PEG_PRECISION,
    PERCENTAGE_PRECISION_U64,
    PRICE_PRECISION,
    PRICE_PRECISION_I64,
    PRICE_PRECISION_U64,
    SPOT_BALANCE_PRECISION,
    SPOT_CUMULATIVE_INTEREST_PRECISION,
    SPOT_IMF_PRECISION,
    SPOT_WEIGHT_PRECISION,
    FeeTier,
    HistoricalOracleData,
    InvalidAmmLimitPriceOverride,
    InvalidOrderFillPrice,
    InvalidTriggerOrderCondition,
    Level,
    MarginMode,
    MarginRequirementType,
    MarketStatus,
    MarketType,
    MathError,
    MaxNumberOfOrders,
    OracleNotFound,
    OraclePriceData,
    OracleSource,
    Order,
    OrderBitFlag,
    OrderStatus,
    OrderTriggerCondition,
    OrderType,
    PerpMarket,
    PerpPosition,
    PositionDirection,
    PostOnlyParam,
    PriceBandsBreached,
    ProtectedMakerParams,
    SpotBalanceType,
    SpotMarket,
    SpotPosition,
    UnableToGetLimitPrice,
    User,
    UserOrderIdAlreadyInUse,
    apply_protected_maker_limit_price_offset,
    calculate_base_asset_amount_for_amm_to_fulfill,
    calculate_fill_price,
    calculate_limit_price_with_buffer,
    calculate_max_perp_order_size,
    calculate_max_spot_order_size,
    calculate_quote_asset_amount_for_maker_order,
    estimate_price_from_side,
    filter_bids_asks_by_oracle_divergence,
    find_bids_and_asks_from_users,
    find_maker_orders,
    find_new_order_index,
    get_max_fill_amounts,
    get_posted_slot_from_clock_slot,
    get_price_for_perp_order,
    is_new_order_risk_increasing,
    is_oracle_too_divergent_with_twap_5min,
    is_order_position_reducing,
    limit_price_breaches_maker_oracle_price_bands,
    order_satisfies_trigger_condition,
    select_margin_type_for_perp_maker,
    set_order_bit_flag,
    should_cancel_reduce_only_order,
    should_expire_order,
    standardize_price,
    standardize_price_i64,
    validate_fill_price,
    validate_fill_price_within_price_bands,
)

LONG, SHORT = PositionDirection.Long, PositionDirection.Short
P = PRICE_PRECISION_I64


def user_with_order(order: Order) -> User:
    """``test_utils::get_orders``: the order in slot 0 of 32."""
    return User(orders=[order] + [Order() for _ in range(31)])


def user_with_position(position: PerpPosition, **fields: object) -> User:
    """``test_utils::get_positions``: the position in slot 0 of 8."""
    return User(perp_positions=[position] + [PerpPosition() for _ in range(7)], **fields)  # type: ignore[arg-type]


# --- expiry, trigger, risk ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "order_type", "max_ts", "expired"), [
    # programs/drift/src/math/orders/tests.rs::should_expire_order::{max_ts_is_zero, max_ts_is_greater_than_now,
    # max_ts_is_less_than_now, order_is_not_open, order_is_trigger_market_order, order_is_trigger_limit_order}
    (OrderStatus.Open, OrderType.Limit, 0, False),
    (OrderStatus.Open, OrderType.Limit, 101, False),
    (OrderStatus.Open, OrderType.Limit, 99, True),
    (OrderStatus.Init, OrderType.Limit, 99, False),
    (OrderStatus.Open, OrderType.TriggerMarket, 99, False),
    (OrderStatus.Open, OrderType.TriggerLimit, 99, False),
])
def test_should_expire_order(status: OrderStatus, order_type: OrderType, max_ts: int, expired: bool) -> None:
    user = user_with_order(Order(status=status, order_type=order_type, max_ts=max_ts))
    assert should_expire_order(user, 0, 100) is expired


@pytest.mark.parametrize(("oracle", "too_divergent"), [
    # programs/drift/src/math/orders/tests.rs::is_oracle_too_divergent_with_twap_5min::{valid_above,
    # invalid_above, valid_below, invalid_below}
    (149, False), (151, True), (51, False), (49, True),
])
def test_is_oracle_too_divergent_with_twap_5min(oracle: int, too_divergent: bool) -> None:
    assert is_oracle_too_divergent_with_twap_5min(oracle * P, 100 * P, PERCENTAGE_PRECISION_U64 // 2) is too_divergent


def test_is_oracle_too_divergent_boundary_is_inclusive() -> None:
    # math/orders.rs: `percent_diff >= max_divergence`
    assert is_oracle_too_divergent_with_twap_5min(150 * P, 100 * P, 500_000) is True


@pytest.mark.parametrize(("reduce_only", "direction", "position", "bids", "asks", "expected"), [
    # programs/drift/src/math/orders/tests.rs::is_new_order_risk_increasing::test (its seven cases)
    (True, LONG, 0, 0, 0, False),
    (False, LONG, 0, 0, 0, True),
    (False, LONG, -1, 0, 0, False),
    (False, LONG, -1, 1, 0, True),
    (False, SHORT, 0, 0, 0, True),
    (False, SHORT, 1, 0, 0, False),
    (False, SHORT, 1, 0, -1, True),
])
def test_is_new_order_risk_increasing(reduce_only: bool, direction: PositionDirection, position: int, bids: int,
                                      asks: int, expected: bool) -> None:
    order = Order(reduce_only=reduce_only, direction=direction, base_asset_amount=0 if reduce_only else 1)
    assert is_new_order_risk_increasing(order, position, bids, asks) is expected


def test_is_order_position_reducing() -> None:
    # math/orders.rs::is_order_position_reducing: only an opposite order no bigger than the position
    assert is_order_position_reducing(LONG, 5, -5) is True
    assert is_order_position_reducing(LONG, 6, -5) is False
    assert is_order_position_reducing(SHORT, 5, 5) is True
    assert is_order_position_reducing(SHORT, 1, -5) is False
    assert is_order_position_reducing(LONG, 1, 0) is False


# The docs' trigger tables (seed 004): Stop / Take Profit for a long or short position, with the trigger condition
# the program stores. order_satisfies_trigger_condition compares the oracle strictly with the trigger price.
TRIGGER_TABLE = [
    # position, kind, direction, condition, reduce-only allowed
    ("Long", "Stop (Market If Touch)", LONG, OrderTriggerCondition.Below, False),
    ("Long", "Stop", SHORT, OrderTriggerCondition.Below, True),
    ("Short", "Stop", LONG, OrderTriggerCondition.Above, True),
    ("Short", "Stop (Market If Touch)", SHORT, OrderTriggerCondition.Above, False),
    ("Long", "Take Profit (Market If Touch)", LONG, OrderTriggerCondition.Above, False),
    ("Long", "Take Profit", SHORT, OrderTriggerCondition.Above, True),
    ("Short", "Take Profit", LONG, OrderTriggerCondition.Below, True),
    ("Short", "Take Profit (Market If Touch)", SHORT, OrderTriggerCondition.Below, False),
]


@pytest.mark.parametrize(("position", "kind", "direction", "condition", "reduce_only"), TRIGGER_TABLE)
def test_trigger_table(position: str, kind: str, direction: PositionDirection, condition: OrderTriggerCondition,
                       reduce_only: bool) -> None:
    trigger = 100 * PRICE_PRECISION_U64
    order = Order(order_type=OrderType.TriggerMarket, direction=direction, trigger_condition=condition,
                  trigger_price=trigger, reduce_only=reduce_only)
    # stops trigger when the price moves against the position (down for a long, up for a short), take-profits
    # when it moves in the position's favour; the table's condition must be the one that fires on that move
    moves_down = (position == "Long") == kind.startswith("Stop")
    assert condition == (OrderTriggerCondition.Below if moves_down else OrderTriggerCondition.Above)
    assert order_satisfies_trigger_condition(order, trigger - 1 if moves_down else trigger + 1) is True
    assert order_satisfies_trigger_condition(order, trigger) is False  # strict at the trigger price
    assert order_satisfies_trigger_condition(order, trigger + 1 if moves_down else trigger - 1) is False
    # a reduce-only trigger order is reducing only against the position
    position_base = 10 if position == "Long" else -10
    assert is_order_position_reducing(direction, 10, position_base) is reduce_only


def test_triggered_order_condition_is_error() -> None:
    # math/orders.rs::order_satisfies_trigger_condition: TriggeredAbove/Below -> InvalidTriggerOrderCondition
    for condition in (OrderTriggerCondition.TriggeredAbove, OrderTriggerCondition.TriggeredBelow):
        with pytest.raises(InvalidTriggerOrderCondition):
            order_satisfies_trigger_condition(Order(trigger_condition=condition, trigger_price=1), 2)


# --- prices ---------------------------------------------------------------------------------------------------


def _slide_amm(**spread: int) -> AMM:
    return AMM(base_asset_reserve=100 * AMM_RESERVE_PRECISION, quote_asset_reserve=100 * AMM_RESERVE_PRECISION,
               peg_multiplier=100 * PEG_PRECISION, order_tick_size=100000, **spread)


def test_get_price_for_perp_order_slide() -> None:
    # programs/drift/src/math/orders/tests.rs::get_price_for_perp_order::{bid_crosses_vamm_ask,
    # bid_doesnt_cross_vamm_ask, ask_crosses_vamm_ask, ask_doesnt_cross_vamm_ask}
    amm = _slide_amm(short_spread=10_000)
    assert amm.bid_price(amm.reserve_price()) == 99_000_000
    assert get_price_for_perp_order(98_900_000, SHORT, PostOnlyParam.Slide, amm) == 99_100_000
    assert get_price_for_perp_order(99_000_000, SHORT, PostOnlyParam.Slide, amm) == 99_100_000
    assert get_price_for_perp_order(99_900_000, SHORT, PostOnlyParam.Slide, amm) == 99_900_000
    amm = _slide_amm(long_spread=10_000)
    assert amm.ask_price(amm.reserve_price()) == 101_000_000
    assert get_price_for_perp_order(101_100_000, LONG, PostOnlyParam.Slide, amm) == 100_900_000
    assert get_price_for_perp_order(101_000_000, LONG, PostOnlyParam.Slide, amm) == 100_900_000
    assert get_price_for_perp_order(100_100_000, LONG, PostOnlyParam.Slide, amm) == 100_100_000
    # without Slide only the tick rounding applies
    assert get_price_for_perp_order(101_150_000, LONG, PostOnlyParam.MustPostOnly, amm) == 101_100_000


def test_standardize_price_i64_signed() -> None:
    # math/orders.rs::standardize_price_i64 uses rem_euclid: negative offsets round toward -inf for bids
    assert standardize_price_i64(-15, 10, LONG) == -20
    assert standardize_price_i64(-15, 10, SHORT) == -10
    assert standardize_price_i64(15, 10, LONG) == 10
    assert standardize_price_i64(15, 10, SHORT) == 20
    assert standardize_price_i64(0, 0, LONG) == 0
    with pytest.raises(MathError):
        standardize_price_i64(5, 0, LONG)


def test_standardize_price_zero_tick_is_math_error() -> None:
    assert standardize_price(0, 0, LONG) == 0
    with pytest.raises(MathError):
        standardize_price(5, 0, SHORT)
    with pytest.raises(MathError):  # an ask rounding above u64::MAX
        standardize_price(2**64 - 2, 10, SHORT)


@settings(max_examples=400, deadline=None)
@given(price=st.integers(0, 2**63), tick=st.integers(1, 10**7), direction=st.sampled_from([LONG, SHORT]))
def test_standardize_price_properties(price: int, tick: int, direction: PositionDirection) -> None:
    out = standardize_price(price, tick, direction)
    assert out % tick == 0 or out == 0
    assert 0 <= abs(out - price) < tick
    if direction == LONG:
        assert out <= price  # bids never rounded up past the user's price
    else:
        assert out >= price  # asks never rounded down
    assert standardize_price(out, tick, direction) == out  # idempotent


@settings(max_examples=300, deadline=None)
@given(price=st.integers(-(2**62), 2**62), tick=st.integers(1, 10**7), direction=st.sampled_from([LONG, SHORT]))
def test_standardize_price_i64_properties(price: int, tick: int, direction: PositionDirection) -> None:
    out = standardize_price_i64(price, tick, direction)
    assert out % tick == 0
    assert (out <= price) if direction == LONG else (out >= price)
    assert abs(out - price) < tick


def test_calculate_limit_price_with_buffer() -> None:
    # programs/drift/src/math/orders/tests.rs::calculate_limit_price_with_buffer::{test, test_max_fee_adj}
    hundred = 100 * PRICE_PRECISION_U64
    assert calculate_limit_price_with_buffer(Order(), None, FeeTier(), 0) is None
    tier = FeeTier(maker_rebate_numerator=2, maker_rebate_denominator=1000)
    assert calculate_limit_price_with_buffer(Order(post_only=False), hundred, tier, 0) == hundred
    tier = FeeTier(maker_rebate_numerator=2, maker_rebate_denominator=10000)
    assert calculate_limit_price_with_buffer(Order(post_only=True, direction=LONG), hundred, tier, 0) == \
        hundred - PRICE_PRECISION_U64 // 50
    assert calculate_limit_price_with_buffer(Order(post_only=True, direction=SHORT), hundred, tier, 0) == \
        hundred + PRICE_PRECISION_U64 // 50
    assert calculate_limit_price_with_buffer(Order(post_only=True, direction=LONG), hundred, tier, -75) == \
        hundred - PRICE_PRECISION_U64 // 50 // 4
    assert calculate_limit_price_with_buffer(Order(post_only=True, direction=SHORT), hundred, tier, -75) == \
        hundred + PRICE_PRECISION_U64 // 50 // 4
    assert calculate_limit_price_with_buffer(Order(post_only=True, direction=SHORT), hundred, tier, -100) == hundred


def test_apply_protected_maker_limit_price_offset() -> None:
    # math/orders.rs::apply_protected_maker_limit_price_offset: offset = max(price/1000 (10 bps), 8 ticks, dynamic)
    params = ProtectedMakerParams(limit_price_divisor=0, dynamic_offset=0, tick_size=1000)
    assert apply_protected_maker_limit_price_offset(100 * PRICE_PRECISION_U64, LONG, params, True) == 99_900_000
    assert apply_protected_maker_limit_price_offset(100 * PRICE_PRECISION_U64, SHORT, params, True) == 100_100_000
    params = ProtectedMakerParams(limit_price_divisor=0, dynamic_offset=500_000, tick_size=1000)
    assert apply_protected_maker_limit_price_offset(100 * PRICE_PRECISION_U64, LONG, params, True) == 99_500_000
    # capped at price/20 and at least one tick for bids
    params = ProtectedMakerParams(limit_price_divisor=0, dynamic_offset=10**9, tick_size=1)
    assert apply_protected_maker_limit_price_offset(100 * PRICE_PRECISION_U64, LONG, params, False) == 95_000_000


# --- book ------------------------------------------------------------------------------------------------------


def test_estimate_price_from_side() -> None:
    # programs/drift/src/math/orders/tests.rs::estimate_price_from_side::{ask, bids}
    asks = [Level((100 - i) * PRICE_PRECISION_U64, 100 * BASE_PRECISION_U64) for i in range(11)]
    assert estimate_price_from_side(asks, 1100 * BASE_PRECISION_U64) == 95_000_000
    assert estimate_price_from_side(asks, 1101 * BASE_PRECISION_U64) is None
    bids = [Level((90 + i) * PRICE_PRECISION_U64, 100 * BASE_PRECISION_U64) for i in range(11)]
    assert estimate_price_from_side(bids, 1100 * BASE_PRECISION_U64) == 95_000_000
    assert estimate_price_from_side(bids, 1101 * BASE_PRECISION_U64) is None


def _book_maker() -> User:
    orders = []
    for i in range(16):
        orders.append(Order(status=OrderStatus.Open, market_type=MarketType.Perp, order_type=OrderType.Limit,
                            direction=LONG, base_asset_amount=BASE_PRECISION_U64,
                            price=(80 + i) * PRICE_PRECISION_U64, post_only=True))
    for i in range(16, 32):
        orders.append(Order(status=OrderStatus.Open, market_type=MarketType.Perp, order_type=OrderType.Limit,
                            direction=SHORT, base_asset_amount=BASE_PRECISION_U64,
                            price=(120 - i) * PRICE_PRECISION_U64, post_only=True))
    maker = user_with_position(PerpPosition(market_index=0, open_orders=32))
    maker.orders = orders
    return maker


def test_find_bids_and_asks_from_users() -> None:
    # programs/drift/src/math/orders/tests.rs::find_bids_and_asks_from_users::{test,
    # test_with_oracle_divergence_filter}
    market = PerpMarket(amm=AMM(order_tick_size=1))
    oracle = OraclePriceData(price=100 * P)
    bids, asks = find_bids_and_asks_from_users(market, oracle, [_book_maker()], 0, 0)
    assert bids == [Level((95 - i) * PRICE_PRECISION_U64, BASE_PRECISION_U64) for i in range(16)]
    assert asks == [Level((89 + i) * PRICE_PRECISION_U64, BASE_PRECISION_U64) for i in range(16)]
    fbids, fasks = filter_bids_asks_by_oracle_divergence(bids, asks, oracle.price,
                                                         BID_ASK_TWAP_MAX_ORACLE_DIVERGENCE_PERCENT)
    assert len(fbids) == 11 and fbids[0].price == 95 * PRICE_PRECISION_U64 and fbids[10].price == 85 * P
    assert len(fasks) == 16


def test_filter_bids_asks_by_oracle_divergence() -> None:
    # programs/drift/src/math/orders/tests.rs::filter_bids_asks_by_oracle_divergence::{
    # test_filters_bids_below_oracle_band, test_filters_asks_above_oracle_band, test_uses_constant_for_divergence}
    bids = [Level(p * PRICE_PRECISION_U64, 1) for p in (80, 84, 85, 90)]
    fbids, fasks = filter_bids_asks_by_oracle_divergence(bids, [], 100 * P, 15)
    assert [lv.price for lv in fbids] == [85 * PRICE_PRECISION_U64, 90 * PRICE_PRECISION_U64] and fasks == []
    asks = [Level(p * PRICE_PRECISION_U64, 1) for p in (110, 115, 116, 120)]
    fbids, fasks = filter_bids_asks_by_oracle_divergence([], asks, 100 * P, 15)
    assert fbids == [] and [lv.price for lv in fasks] == [110 * PRICE_PRECISION_U64, 115 * PRICE_PRECISION_U64]
    fbids, _ = filter_bids_asks_by_oracle_divergence([Level(90 * PRICE_PRECISION_U64, 1)], [], 100 * P,
                                                     BID_ASK_TWAP_MAX_ORACLE_DIVERGENCE_PERCENT)
    assert len(fbids) == 1
    with pytest.raises(MathError):  # 100 - pct underflows u64
        filter_bids_asks_by_oracle_divergence([], [], 100 * P, 101)


def test_find_maker_orders_skips_untriggered_and_other_sides() -> None:
    # math/orders.rs::find_maker_orders (cf. tests.rs::find_maker_orders::{no_triggered_trigger_limit_orders,
    # wrong_direction, only_one_maker_bid})
    user = User()
    user.orders[0] = Order(status=OrderStatus.Open, order_type=OrderType.Limit, direction=LONG,
                           market_type=MarketType.Perp, price=100 * PRICE_PRECISION_U64)
    user.orders[1] = Order(status=OrderStatus.Open, order_type=OrderType.TriggerLimit, direction=LONG,
                           market_type=MarketType.Perp, price=101 * PRICE_PRECISION_U64)
    user.orders[2] = Order(status=OrderStatus.Open, order_type=OrderType.Limit, direction=SHORT,
                           market_type=MarketType.Perp, price=102 * PRICE_PRECISION_U64)
    user.orders[3] = Order(status=OrderStatus.Open, order_type=OrderType.Market, direction=LONG,
                           market_type=MarketType.Perp, price=103 * PRICE_PRECISION_U64)
    found = find_maker_orders(user, LONG, MarketType.Perp, 0, None, 0, 1, False, None)
    assert found == [(0, 100 * PRICE_PRECISION_U64)]
    user.orders[1].trigger_condition = OrderTriggerCondition.TriggeredAbove
    found = find_maker_orders(user, LONG, MarketType.Perp, 0, None, 0, 1, False, None)
    assert found == [(0, 100 * PRICE_PRECISION_U64), (1, 101 * PRICE_PRECISION_U64)]


@pytest.mark.parametrize(("before", "filled", "margin_type"), [
    # programs/drift/src/math/orders/tests.rs::select_margin_type_for_perp_maker::test
    (-100, 100, MarginRequirementType.Maintenance),
    (100, -100, MarginRequirementType.Maintenance),
    (-80, 100, MarginRequirementType.Fill),
    (80, -100, MarginRequirementType.Fill),
    (-100, 50, MarginRequirementType.Maintenance),
    (100, -50, MarginRequirementType.Maintenance),
])
def test_select_margin_type_for_perp_maker(before: int, filled: int, margin_type: MarginRequirementType) -> None:
    user = user_with_position(PerpPosition(market_index=1, base_asset_amount=before + filled))
    assert select_margin_type_for_perp_maker(user, filled, 1)[0] == margin_type


def test_posted_slot_tail_and_bit_flags() -> None:
    # programs/drift/src/math/orders/tests.rs::posted_slot_tail::{easy_test, constant_diff} and
    # order_bit_flags::test_set_order_bit_flag
    slot = 318454856
    assert get_posted_slot_from_clock_slot(slot) == slot % 256
    for i in range(1000):
        s = slot + i
        assert (get_posted_slot_from_clock_slot(s) - get_posted_slot_from_clock_slot(s - 50)) % 256 == 50
    flags = set_order_bit_flag(0, True, OrderBitFlag.SignedMessage)
    assert flags == 1
    flags = set_order_bit_flag(flags, True, OrderBitFlag.NewTriggerReduceOnly)
    assert flags == 9
    assert set_order_bit_flag(flags, False, OrderBitFlag.SignedMessage) == 8


# --- the 32 order slots ----------------------------------------------------------------------------------------


def test_max_open_orders() -> None:
    # controller/orders.rs::place_perp_order: the first non-Open slot of 32, else MaxNumberOfOrders
    user = User()
    assert MAX_OPEN_ORDERS == 32 == len(user.orders)
    for i in range(MAX_OPEN_ORDERS):
        index = find_new_order_index(user, 0)
        assert index == i
        user.orders[index] = Order(status=OrderStatus.Open, user_order_id=i + 1)
    with pytest.raises(MaxNumberOfOrders):
        find_new_order_index(user, 0)
    user.orders[7].status = OrderStatus.Filled  # a filled/canceled slot is reusable
    assert find_new_order_index(user, 0) == 7
    with pytest.raises(UserOrderIdAlreadyInUse):
        find_new_order_index(user, 3)
    assert find_new_order_index(user, 8) == 7  # id 8 was in the now-filled slot


# --- fills -----------------------------------------------------------------------------------------------------


def test_validate_fill_price() -> None:
    # math/orders.rs::validate_fill_price: a taker gets one quote unit of rounding slack
    base = BASE_PRECISION_U64
    validate_fill_price(100_000_001, base, base, LONG, 100 * PRICE_PRECISION_U64, True)
    with pytest.raises(InvalidOrderFillPrice):
        validate_fill_price(100_000_001, base, base, LONG, 100 * PRICE_PRECISION_U64, False)
    validate_fill_price(99_999_999, base, base, SHORT, 100 * PRICE_PRECISION_U64, True)
    with pytest.raises(InvalidOrderFillPrice):
        validate_fill_price(99_999_998, base, base, SHORT, 100 * PRICE_PRECISION_U64, True)
    assert calculate_fill_price(150_000_000, 2 * base, base) == 75_000_000
    with pytest.raises(MathError):
        calculate_fill_price(1, 0, base)


def test_maker_quote_rounding() -> None:
    # math/orders.rs::calculate_quote_asset_amount_for_maker_order: maker bid pays floor, maker ask receives ceil
    assert calculate_quote_asset_amount_for_maker_order(1, 1_500_000, 9, LONG) == 0
    assert calculate_quote_asset_amount_for_maker_order(1, 1_500_000, 9, SHORT) == 1
    assert calculate_quote_asset_amount_for_maker_order(BASE_PRECISION_U64, 1_500_000, 9, SHORT) == 1_500_000


def test_amm_override_price_must_not_be_worse() -> None:
    # math/orders.rs::calculate_base_asset_amount_for_amm_to_fulfill: InvalidAmmLimitPriceOverride
    market = PerpMarket(amm=AMM(order_step_size=1, order_tick_size=1))
    order = Order(direction=LONG, base_asset_amount=10)
    with pytest.raises(InvalidAmmLimitPriceOverride):
        calculate_base_asset_amount_for_amm_to_fulfill(order, market, 100, 101, 0, FeeTier())
    # an untriggered trigger order is not filled, and the override replaces the limit
    trigger = Order(order_type=OrderType.TriggerLimit, direction=LONG, base_asset_amount=10)
    assert calculate_base_asset_amount_for_amm_to_fulfill(trigger, market, 100, 99, 0, FeeTier()) == (0, 99)


def test_reduce_only_unfilled_and_cancel() -> None:
    # state/user.rs::Order::get_base_asset_amount_unfilled and math/orders.rs::should_cancel_reduce_only_order
    order = Order(status=OrderStatus.Open, direction=SHORT, reduce_only=True, base_asset_amount=10,
                  base_asset_amount_filled=2)
    assert order.get_base_asset_amount_unfilled(None) == 8
    assert order.get_base_asset_amount_unfilled(5) == 5
    assert order.get_base_asset_amount_unfilled(-5) == 0
    assert order.get_base_asset_amount_unfilled(0) == 0
    assert should_cancel_reduce_only_order(order, 5, 6) is True
    assert should_cancel_reduce_only_order(order, 6, 6) is False
    with pytest.raises(MathError):  # overfilled: u64 underflow
        Order(base_asset_amount=1, base_asset_amount_filled=2).get_base_asset_amount_unfilled(None)


def test_limit_price_errors() -> None:
    # state/user.rs::Order::get_limit_price / force_get_limit_price
    offset_order = Order(oracle_price_offset=-100, direction=LONG)
    with pytest.raises(OracleNotFound):
        offset_order.get_limit_price(None, None, 0, 1, False, None)
    assert offset_order.get_limit_price(1_000, None, 0, 1, False, None) == 900
    assert offset_order.get_limit_price(50, None, 0, 10, False, None) == 10  # floored at one tick
    market_order = Order(order_type=OrderType.Market)
    assert market_order.get_limit_price(None, None, 0, 1, False, None) is None
    with pytest.raises(UnableToGetLimitPrice):
        market_order.force_get_limit_price(None, None, 0, 1, False, None)
    assert market_order.get_limit_price(None, 1_234_567, 0, 1000, False, None) == 1_234_000


def test_order_predicates() -> None:
    # state/user.rs::Order methods
    order = Order(status=OrderStatus.Open, order_type=OrderType.TriggerLimit, price=5, slot=10, auction_duration=5)
    assert order.must_be_triggered() and not order.triggered() and order.is_limit_order()
    assert not order.is_available() and Order().is_available()
    assert order.has_limit_price(12) and not order.is_resting_limit_order(12) and order.is_resting_limit_order(16)
    order.trigger_condition = OrderTriggerCondition.TriggeredBelow
    assert order.triggered() and order.update_open_bids_and_asks()
    order.reduce_only = True
    order.add_bit_flag(OrderBitFlag.NewTriggerReduceOnly)
    assert not order.update_open_bids_and_asks()
    assert Order(post_only=True, immediate_or_cancel=True).is_jit_maker()
    assert Order(order_type=OrderType.Oracle).is_market_order()
    assert Order(max_ts=100).seconds_til_expiry(40) == 60 and Order(max_ts=100).seconds_til_expiry(140) == 0


# --- price bands -----------------------------------------------------------------------------------------------


def test_price_bands_errors() -> None:
    # math/orders.rs::validate_fill_price_within_price_bands: both comparisons strict
    validate_fill_price_within_price_bands(104_999_999, 100 * P, 100 * P, 500, 500_000, False, None)
    with pytest.raises(PriceBandsBreached):
        validate_fill_price_within_price_bands(105_000_000, 100 * P, 100 * P, 500, 500_000, False, None)
    with pytest.raises(PriceBandsBreached):  # the TWAP band
        validate_fill_price_within_price_bands(150 * P, 150 * P, 100 * P, 1000, 500_000, False, None)
    # a long filling below both oracle and twap is always fine
    validate_fill_price_within_price_bands(50 * P, 100 * P, 100 * P, 500, 500_000, False, LONG)
    with pytest.raises(PriceBandsBreached):
        validate_fill_price_within_price_bands(50 * P, 100 * P, 100 * P, 500, 500_000, False, SHORT)
    # prediction markets: only fill <= $1
    validate_fill_price_within_price_bands(PRICE_PRECISION_U64, 1, 1, 1, 1, True, None)
    with pytest.raises(PriceBandsBreached):
        validate_fill_price_within_price_bands(PRICE_PRECISION_U64 + 1, 1, 1, 1, 1, True, None)


@settings(max_examples=300, deadline=None)
@given(oracle=st.integers(1, 10**12), limit=st.integers(1, 2 * 10**12), mri=st.integers(1, 10_000),
       direction=st.sampled_from([LONG, SHORT]))
def test_maker_band_is_monotone(oracle: int, limit: int, mri: int, direction: PositionDirection) -> None:
    # a bid that breaches keeps breaching at higher prices; an ask at lower prices
    breach = limit_price_breaches_maker_oracle_price_bands(limit, direction, oracle, mri)
    worse = limit + 1 if direction == LONG else max(limit - 1, 0)
    if breach:
        assert limit_price_breaches_maker_oracle_price_bands(worse, direction, oracle, mri)
    # never breaches on the passive side of the oracle
    if (direction == LONG and limit <= oracle) or (direction == SHORT and limit >= oracle):
        assert not breach


# --- max order size (needs margin) -----------------------------------------------------------------------------


def _max_size_setup(margin_ratio_initial: int, margin_ratio_maintenance: int, deposit: int,
                    position: PerpPosition, user_fields: dict[str, object] | None = None,
                    **market_fields: object) -> tuple[User, dict[int, PerpMarket], dict[int, SpotMarket], dict]:
    """The market, USDC and user of programs/drift/src/math/orders/tests.rs::calculate_max_perp_order_size."""
    reserves = 100 * AMM_RESERVE_PRECISION
    amm = AMM(base_asset_reserve=reserves, quote_asset_reserve=reserves, bid_base_asset_reserve=reserves,
              bid_quote_asset_reserve=reserves, ask_base_asset_reserve=reserves, ask_quote_asset_reserve=reserves,
              sqrt_k=reserves, peg_multiplier=100 * PEG_PRECISION, max_slippage_ratio=50,
              max_fill_reserve_fraction=100, order_step_size=1000, order_tick_size=1, oracle="sol-oracle",
              historical_oracle_data=HistoricalOracleData(last_oracle_price=100 * PRICE_PRECISION,
                                                          last_oracle_price_twap=100 * PRICE_PRECISION,
                                                          last_oracle_price_twap_5min=100 * PRICE_PRECISION),
              max_base_asset_reserve=2**128 - 1, min_base_asset_reserve=0)
    market = PerpMarket(amm=amm, margin_ratio_initial=margin_ratio_initial,
                        margin_ratio_maintenance=margin_ratio_maintenance,
                        status=market_fields.pop("status", MarketStatus.Initialized), **market_fields)  # type: ignore
    usdc = SpotMarket(market_index=0, oracle_source=OracleSource.QuoteAsset,
                      cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=6,
                      initial_asset_weight=SPOT_WEIGHT_PRECISION, maintenance_asset_weight=SPOT_WEIGHT_PRECISION,
                      deposit_balance=10000 * SPOT_BALANCE_PRECISION,
                      historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=PRICE_PRECISION_I64,
                                                                  last_oracle_price_twap_5min=PRICE_PRECISION_I64))
    spot_positions = [SpotPosition() for _ in range(8)]
    spot_positions[0] = SpotPosition(market_index=0, balance_type=SpotBalanceType.Deposit,
                                     scaled_balance=deposit * SPOT_BALANCE_PRECISION)
    user = user_with_position(position, spot_positions=spot_positions, **(user_fields or {}))
    return user, {0: market}, {0: usdc}, {"sol-oracle": 100 * P}


@pytest.mark.parametrize(("name", "direction", "mri", "mrm", "deposit", "position", "user_fields", "market",
                          "expected"), [
    # programs/drift/src/math/orders/tests.rs::calculate_max_perp_order_size::<name>
    ("sol_perp_5x_bid", LONG, 2000, 1000, 10000, PerpPosition(), None, {}, 499999500000),
    ("sol_perp_5x_bid_when_short_5x", LONG, 2000, 1000, 10000, PerpPosition(base_asset_amount=-500000000000),
     None, {}, 500000000000),
    ("sol_perp_5x_ask", SHORT, 2000, 1000, 10000, PerpPosition(), None, {}, 499999500000),
    ("sol_perp_5x_ask_when_long_5x", SHORT, 2000, 1000, 10000, PerpPosition(base_asset_amount=500000000000),
     None, {}, 500000000000),
    ("sol_perp_5x_bid_custom_margin_ratio", LONG, 2000, 1000, 10000, PerpPosition(),
     {"max_margin_ratio": 2 * MARGIN_PRECISION}, {}, 49999950000),
    ("sol_perp_5x_ask_custom_margin_ratio", SHORT, 2000, 1000, 10000, PerpPosition(),
     {"max_margin_ratio": 2 * MARGIN_PRECISION}, {}, 49999950000),
    ("sol_perp_5x_bid_perp_position_margin_ratio", LONG, 2000, 1000, 10000,
     PerpPosition(max_margin_ratio=2 * MARGIN_PRECISION), None, {}, 49999950000),
    ("sol_perp_5x_ask_perp_position_margin_ratio", SHORT, 2000, 1000, 10000,
     PerpPosition(max_margin_ratio=2 * MARGIN_PRECISION), None, {}, 49999950000),
    ("sol_perp_10x_bid_with_imf", LONG, 1000, 500, 10000, PerpPosition(), None,
     {"imf_factor": SPOT_IMF_PRECISION // 100}, 365897914000),
    ("sol_perp_10x_ask_with_imf", SHORT, 1000, 500, 10000, PerpPosition(), None,
     {"imf_factor": SPOT_IMF_PRECISION // 100}, 365897914000),
    ("sol_perp_hlm_with_imf 10000", SHORT, 1000, 500, 10000, PerpPosition(), {"margin_mode": MarginMode.HighLeverage},
     {"high_leverage_margin_ratio_initial": 100, "high_leverage_margin_ratio_maintenance": 66, "imf_factor": 50,
      "status": MarketStatus.Active}, 4098356557000),
    ("sol_perp_hlm_with_imf 100", SHORT, 1000, 500, 100, PerpPosition(), {"margin_mode": MarginMode.HighLeverage},
     {"high_leverage_margin_ratio_initial": 100, "high_leverage_margin_ratio_maintenance": 66, "imf_factor": 50,
      "status": MarketStatus.Active}, 84737288000),
    ("sol_perp_hlm_with_imf 10", SHORT, 1000, 500, 10, PerpPosition(), {"margin_mode": MarginMode.HighLeverage},
     {"high_leverage_margin_ratio_initial": 100, "high_leverage_margin_ratio_maintenance": 66, "imf_factor": 50,
      "status": MarketStatus.Active}, 9605769000),
])
def test_calculate_max_perp_order_size(name: str, direction: PositionDirection, mri: int, mrm: int, deposit: int,
                                       position: PerpPosition, user_fields: dict | None, market: dict,
                                       expected: int) -> None:
    user, perp_markets, spot_markets, oracles = _max_size_setup(mri, mrm, deposit, position, user_fields,
                                                                **market)
    assert calculate_max_perp_order_size(user, 0, 0, direction, perp_markets, spot_markets, oracles) == expected


# --- spot fill caps ----------------------------------------------------------------------------------------------


def _base_market(**fields: object) -> SpotMarket:
    """``SpotMarket::default_base_market()``."""
    base = dict(market_index=1, cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION,
                cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, initial_liability_weight=12000,
                maintenance_liability_weight=11000, initial_asset_weight=8000, maintenance_asset_weight=9000,
                decimals=9, order_step_size=1, order_tick_size=1, status=MarketStatus.Active)
    base.update(fields)
    return SpotMarket(**base)  # type: ignore[arg-type]


def _quote_market() -> SpotMarket:
    """``SpotMarket::default_quote_market()``."""
    return SpotMarket(cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION,
                      cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=6,
                      initial_liability_weight=10000, maintenance_liability_weight=10000,
                      initial_asset_weight=10000, maintenance_asset_weight=10000, order_tick_size=1,
                      status=MarketStatus.Active,
                      historical_oracle_data=HistoricalOracleData(last_oracle_price_twap=PRICE_PRECISION_I64,
                                                                  last_oracle_price_twap_5min=PRICE_PRECISION_I64))


@pytest.mark.parametrize(("base_fields", "balance", "balance_type", "expected"), [
    # programs/drift/src/math/orders/tests.rs::get_max_fill_amounts::{fully_collateralized_selling_base,
    # selling_base_with_borrow_and_no_borrow_liquidity, selling_base_with_borrow_liquidity_greater_than_order}
    ({"deposit_balance": 400 * SPOT_BALANCE_PRECISION, "deposit_token_twap": 400 * 10**9}, 100,
     SpotBalanceType.Deposit, 100 * 10**9),
    ({}, 100, SpotBalanceType.Borrow, 0),
    ({"deposit_balance": 100 * SPOT_BALANCE_PRECISION, "deposit_token_twap": 100 * SPOT_BALANCE_PRECISION}, 0,
     SpotBalanceType.Deposit, 33333333333),
])
def test_get_max_fill_amounts_selling_base(base_fields: dict, balance: int, balance_type: SpotBalanceType,
                                           expected: int) -> None:
    spot_positions = [SpotPosition() for _ in range(8)]
    spot_positions[0] = SpotPosition(market_index=0, scaled_balance=100 * SPOT_BALANCE_PRECISION,
                                     balance_type=SpotBalanceType.Deposit)
    spot_positions[1] = SpotPosition(market_index=1, scaled_balance=balance * SPOT_BALANCE_PRECISION,
                                     open_asks=-100 * 10**9, open_orders=1, balance_type=balance_type)
    user = user_with_order(Order(direction=SHORT, base_asset_amount=100 * 10**9))
    user.spot_positions = spot_positions
    assert get_max_fill_amounts(user, 0, _base_market(**base_fields), _quote_market(), True) == (expected, None)


def _spot_max_setup(usdc: int, sol: int, sol_type: SpotBalanceType, imf_factor: int = 0,
                    max_margin_ratio: int = 0) -> tuple[User, dict[int, SpotMarket], dict]:
    """USDC and SOL markets of programs/drift/src/math/orders/tests.rs::calculate_max_spot_order_size (SOL oracle
    $100, its 5-minute TWAP $110, or $100 in the custom-margin-ratio tests)."""
    twap5 = 100 * P if max_margin_ratio else 110 * P
    usdc_market = SpotMarket(market_index=0, oracle_source=OracleSource.QuoteAsset,
                             cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=6,
                             initial_asset_weight=SPOT_WEIGHT_PRECISION,
                             maintenance_asset_weight=SPOT_WEIGHT_PRECISION,
                             deposit_balance=10000 * SPOT_BALANCE_PRECISION,
                             historical_oracle_data=HistoricalOracleData(
                                 last_oracle_price=PRICE_PRECISION_I64, last_oracle_price_twap=PRICE_PRECISION_I64,
                                 last_oracle_price_twap_5min=PRICE_PRECISION_I64))
    sol_market = SpotMarket(market_index=1, oracle_source=OracleSource.Pyth, oracle="sol-oracle",
                            cumulative_deposit_interest=SPOT_CUMULATIVE_INTEREST_PRECISION,
                            cumulative_borrow_interest=SPOT_CUMULATIVE_INTEREST_PRECISION, decimals=9,
                            initial_asset_weight=8000, maintenance_asset_weight=9000,
                            initial_liability_weight=12000, maintenance_liability_weight=11000,
                            liquidator_fee=1000, imf_factor=imf_factor,
                            historical_oracle_data=HistoricalOracleData(last_oracle_price_twap_5min=twap5))
    spot_positions = [SpotPosition() for _ in range(8)]
    spot_positions[0] = SpotPosition(market_index=0, balance_type=SpotBalanceType.Deposit,
                                     scaled_balance=usdc * SPOT_BALANCE_PRECISION)
    spot_positions[1] = SpotPosition(market_index=1, balance_type=sol_type, scaled_balance=sol * SPOT_BALANCE_PRECISION)
    user = User(spot_positions=spot_positions, max_margin_ratio=max_margin_ratio)
    return user, {0: usdc_market, 1: sol_market}, {"sol-oracle": 100 * P}


@pytest.mark.parametrize(("usdc", "sol", "sol_type", "direction", "imf", "custom", "expected"), [
    # programs/drift/src/math/orders/tests.rs::calculate_max_spot_order_size::{usdc_deposit_and_5x_sol_bid,
    # usdc_deposit_and_5x_sol_bid_already_short, usdc_deposit_and_5x_sol_sell, usdc_deposit_and_5x_sol_sell_
    # already_long, usdc_deposit_and_max_sol_bid_custom_margin_ratio, usdc_deposit_and_max_sol_sell_custom_margin_
    # ratio, usdc_deposit_and_5x_sol_ask_with_imf}
    (10000, 0, SpotBalanceType.Deposit, LONG, 0, 0, 454545000000),
    (66000, 500, SpotBalanceType.Borrow, LONG, 0, 0, 1000000000000),
    (10000, 0, SpotBalanceType.Deposit, SHORT, 0, 0, 454545000000),
    (10000, 500, SpotBalanceType.Deposit, SHORT, 0, 0, 3227272272726),
    (10000, 0, SpotBalanceType.Deposit, LONG, 0, MARGIN_PRECISION // 2, 199999800000),
    (10000, 0, SpotBalanceType.Deposit, SHORT, 0, MARGIN_PRECISION // 2, 199999800000),
    (10000, 0, SpotBalanceType.Deposit, SHORT, SPOT_IMF_PRECISION // 10, 0, 90927185437),
])
def test_calculate_max_spot_order_size(usdc: int, sol: int, sol_type: SpotBalanceType, direction: PositionDirection,
                                       imf: int, custom: int, expected: int) -> None:
    user, spot_markets, oracles = _spot_max_setup(usdc, sol, sol_type, imf, custom)
    assert calculate_max_spot_order_size(user, 1, direction, {}, spot_markets, oracles) == expected
