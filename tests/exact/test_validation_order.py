"""Order validation at placement: each rule with its ErrorCode, and the docs' trigger/limit table (seed 004).

Sources: programs/drift/src/validation/order.rs and validation/order/test.rs (v2.161.0); the v1 clearing house's
validate_trigger_limit_order for the table's "must be above/below trigger" rule.
"""

from __future__ import annotations

import dataclasses

import pytest

from driftlab.exact import (
    AMM,
    AMM_RESERVE_PRECISION,
    BASE_PRECISION_U64,
    MAX_PREDICTION_MARKET_PRICE,
    MAX_PREDICTION_MARKET_PRICE_I64,
    PEG_PRECISION,
    PRICE_PRECISION_U64,
    ContractType,
    DriftError,
    InvalidOrder,
    InvalidOrderAuction,
    InvalidOrderIOC,
    InvalidOrderLimitPrice,
    InvalidOrderMinOrderSize,
    InvalidOrderNotRiskReducing,
    InvalidOrderNotStepSizeMultiple,
    InvalidOrderOracleOffset,
    InvalidOrderPostOnly,
    InvalidOrderSizeTooSmall,
    InvalidOrderTrigger,
    InvalidPredictionMarketOrder,
    InvalidTriggerOrderCondition,
    MarketType,
    Order,
    OrderTriggerCondition,
    OrderType,
    PerpMarket,
    PerpOperation,
    PlacePostOnlyLimitFailure,
    PositionDirection,
    validate_order,
    validate_order_for_force_reduce_only,
    validate_spot_order,
    validate_trigger_limit_price_v1,
)

LONG, SHORT = PositionDirection.Long, PositionDirection.Short
ABOVE, BELOW = OrderTriggerCondition.Above, OrderTriggerCondition.Below
USD = PRICE_PRECISION_U64


def market_default_test(**fields: object) -> PerpMarket:
    """``PerpMarket::default_test()``: 100/100 reserves at peg 1, step and tick 1, ratios 1000/500."""
    reserves = 100 * AMM_RESERVE_PRECISION
    amm = AMM(base_asset_reserve=reserves, quote_asset_reserve=reserves, sqrt_k=reserves,
              concentration_coef=1_414_200, order_step_size=1, order_tick_size=1, max_base_asset_reserve=2**64 - 1,
              terminal_quote_asset_reserve=reserves, peg_multiplier=PEG_PRECISION, max_fill_reserve_fraction=1,
              max_spread=1000, last_oracle_valid=True)
    return PerpMarket(amm=amm, margin_ratio_initial=1000, margin_ratio_maintenance=500, **fields)  # type: ignore


# --- validation/order/test.rs ------------------------------------------------------------------------------------


def test_prediction_market_fixed_auction() -> None:
    # programs/drift/src/validation/order/test.rs::prediction_markets::fixed_auction
    market = market_default_test(contract_type=ContractType.Prediction)
    order = Order(market_type=MarketType.Perp, order_type=OrderType.Market, base_asset_amount=BASE_PRECISION_U64,
                  direction=LONG, auction_start_price=MAX_PREDICTION_MARKET_PRICE_I64 - 1,
                  auction_end_price=MAX_PREDICTION_MARKET_PRICE_I64 - 1, price=MAX_PREDICTION_MARKET_PRICE + 1,
                  auction_duration=10)
    oracle = MAX_PREDICTION_MARKET_PRICE_I64 // 2
    with pytest.raises(InvalidPredictionMarketOrder):
        validate_order(order, market, oracle, 0)
    order.auction_end_price = MAX_PREDICTION_MARKET_PRICE_I64 + 1
    with pytest.raises(InvalidPredictionMarketOrder):
        validate_order(order, market, oracle, 0)
    order.auction_start_price = MAX_PREDICTION_MARKET_PRICE_I64 + 1
    with pytest.raises(InvalidPredictionMarketOrder):
        validate_order(order, market, oracle, 0)


def test_prediction_market_oracle_auction() -> None:
    # programs/drift/src/validation/order/test.rs::prediction_markets::oracle_auction
    market = market_default_test(contract_type=ContractType.Prediction)
    order = Order(market_type=MarketType.Perp, order_type=OrderType.Oracle, base_asset_amount=BASE_PRECISION_U64,
                  direction=LONG, auction_start_price=1, auction_end_price=1,
                  oracle_price_offset=MAX_PREDICTION_MARKET_PRICE + 1, auction_duration=10)
    oracle = MAX_PREDICTION_MARKET_PRICE_I64 // 2
    steps = [
        {},
        {"auction_end_price": MAX_PREDICTION_MARKET_PRICE_I64 + 1},
        {"auction_start_price": MAX_PREDICTION_MARKET_PRICE_I64 + 1},
        {"auction_start_price": 1, "auction_end_price": 1, "oracle_price_offset": -MAX_PREDICTION_MARKET_PRICE - 1,
         "direction": SHORT},
        {"auction_end_price": -MAX_PREDICTION_MARKET_PRICE_I64 - 1},
        {"auction_start_price": -MAX_PREDICTION_MARKET_PRICE_I64 - 1},
    ]
    for change in steps:
        order = dataclasses.replace(order, **change)
        with pytest.raises(InvalidPredictionMarketOrder):
            validate_order(order, market, oracle, 0)


# --- one case per rule -------------------------------------------------------------------------------------------

MARKET = market_default_test()
BASE = BASE_PRECISION_U64


def market_order(**fields: object) -> Order:
    base = dict(order_type=OrderType.Market, base_asset_amount=BASE, direction=LONG, auction_start_price=100 * USD,
                auction_end_price=101 * USD, auction_duration=10, price=102 * USD)
    base.update(fields)
    return Order(**base)  # type: ignore[arg-type]


def trigger_limit(**fields: object) -> Order:
    base = dict(order_type=OrderType.TriggerLimit, base_asset_amount=BASE, direction=LONG, price=100 * USD,
                trigger_price=100 * USD, trigger_condition=ABOVE)
    base.update(fields)
    return Order(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("order", "error"), [
    (market_order(), None),
    (market_order(base_asset_amount=0), InvalidOrderSizeTooSmall),
    (market_order(auction_start_price=0), InvalidOrderAuction),
    (market_order(auction_start_price=102 * USD), InvalidOrderAuction),  # long start above end
    (market_order(price=100 * USD), InvalidOrderAuction),  # limit inside the auction
    (market_order(direction=SHORT), InvalidOrderAuction),  # short start below end
    (market_order(trigger_price=1), InvalidOrderTrigger),
    (market_order(post_only=True), InvalidOrderPostOnly),
    (market_order(oracle_price_offset=1), InvalidOrderOracleOffset),
    (market_order(immediate_or_cancel=True), InvalidOrderIOC),
    (Order(order_type=OrderType.Oracle, base_asset_amount=BASE, auction_start_price=-10, auction_end_price=10), None),
    (Order(order_type=OrderType.Oracle, base_asset_amount=BASE, auction_start_price=10, auction_end_price=-10),
     InvalidOrderAuction),
    (Order(order_type=OrderType.Oracle, base_asset_amount=BASE, auction_start_price=-10, auction_end_price=10,
           oracle_price_offset=5), InvalidOrderAuction),  # auction end past the limit offset
    (Order(order_type=OrderType.Oracle, base_asset_amount=BASE, price=1), InvalidOrderLimitPrice),
    (Order(order_type=OrderType.Limit, base_asset_amount=BASE, price=0), InvalidOrderLimitPrice),
    (Order(order_type=OrderType.Limit, base_asset_amount=BASE, price=1, oracle_price_offset=1),
     InvalidOrderLimitPrice),
    (Order(order_type=OrderType.Limit, base_asset_amount=BASE, price=1, trigger_price=1), InvalidOrderTrigger),
    (Order(order_type=OrderType.Limit, base_asset_amount=BASE, price=1, auction_start_price=1), InvalidOrder),
    (Order(order_type=OrderType.Limit, base_asset_amount=BASE, price=1, post_only=True, auction_duration=5,
           auction_start_price=1, auction_end_price=1), InvalidOrder),
    (trigger_limit(), None),
    (trigger_limit(trigger_condition=OrderTriggerCondition.TriggeredAbove), InvalidTriggerOrderCondition),
    (trigger_limit(price=0), InvalidOrderLimitPrice),
    (trigger_limit(trigger_price=0), InvalidOrderTrigger),
    (trigger_limit(post_only=True), InvalidOrderPostOnly),
    (trigger_limit(oracle_price_offset=1), InvalidOrderOracleOffset),
    (trigger_limit(order_type=OrderType.TriggerMarket, price=0), None),
    (trigger_limit(order_type=OrderType.TriggerMarket), InvalidOrderLimitPrice),  # trigger market with a price
])
def test_validate_order_rules(order: Order, error: type[DriftError] | None) -> None:
    # programs/drift/src/validation/order.rs::validate_order and its per-type validators
    if error is None:
        validate_order(order, MARKET, 100 * USD, 0)
    else:
        with pytest.raises(error):
            validate_order(order, MARKET, 100 * USD, 0)


def test_size_rules() -> None:
    # programs/drift/src/validation/order.rs::validate_base_asset_amount
    market = market_default_test()
    market.amm.order_step_size, market.amm.min_order_size = 1000, 10_000
    order = trigger_limit(base_asset_amount=1500)
    with pytest.raises(InvalidOrderNotStepSizeMultiple):
        validate_order(order, market, 100 * USD, 0)
    order.base_asset_amount = 2000
    with pytest.raises(InvalidOrderMinOrderSize):
        validate_order(order, market, 100 * USD, 0)
    order.reduce_only = True  # reduce-only orders may be below the minimum
    validate_order(order, market, 100 * USD, 0)


def test_post_only_must_not_cross_the_amm() -> None:
    # programs/drift/src/validation/order.rs::validate_post_only_order: the AMM's price is ~$1 (peg 1)
    order = Order(order_type=OrderType.Limit, base_asset_amount=BASE, direction=LONG, price=2 * USD, post_only=True)
    with pytest.raises(PlacePostOnlyLimitFailure):
        validate_order(order, MARKET, 1 * USD, 0)
    validate_order(order, MARKET, 3 * USD, 0)  # the oracle already above the bid: accepted
    validate_order(dataclasses.replace(order, price=USD // 2), MARKET, 1 * USD, 0)  # below the AMM: accepted
    paused = market_default_test(paused_operations=int(PerpOperation.AmmFill))
    validate_order(order, paused, 1 * USD, 0)  # AMM fills paused: nothing can cross
    validate_order(dataclasses.replace(order, immediate_or_cancel=True), MARKET, 1 * USD, 0)  # JIT maker


def test_spot_limit_price_and_offset_is_oracle_offset_error() -> None:
    # programs/drift/src/validation/order.rs::validate_spot_limit_order (perp raises InvalidOrderLimitPrice)
    order = Order(order_type=OrderType.Limit, base_asset_amount=10, price=1, oracle_price_offset=1)
    with pytest.raises(InvalidOrderOracleOffset):
        validate_spot_order(order, 1, 1)


def test_force_reduce_only() -> None:
    # programs/drift/src/validation/order.rs::validate_order_for_force_reduce_only
    with pytest.raises(InvalidOrderNotRiskReducing):
        validate_order_for_force_reduce_only(Order(direction=SHORT, reduce_only=False), 5)
    with pytest.raises(InvalidOrderNotRiskReducing):
        validate_order_for_force_reduce_only(Order(direction=SHORT, reduce_only=True), 0)
    with pytest.raises(InvalidOrderNotRiskReducing):
        validate_order_for_force_reduce_only(Order(direction=LONG, reduce_only=True), 5)
    validate_order_for_force_reduce_only(Order(direction=SHORT, reduce_only=True), 5)


# --- the docs' trigger/limit table (seed 004) --------------------------------------------------------------------
# TriggerIsAbove | DirectionIsLong | LimitPrice
#   True         | True            | Must be above trigger
#   True         | False           | Ok
#   False        | True            | Ok
#   False        | False           | Must be below trigger

SEED_TABLE = [
    (ABOVE, LONG, 99, False), (ABOVE, LONG, 100, True), (ABOVE, LONG, 101, True),
    (ABOVE, SHORT, 99, True), (ABOVE, SHORT, 101, True),
    (BELOW, LONG, 99, True), (BELOW, LONG, 101, True),
    (BELOW, SHORT, 101, False), (BELOW, SHORT, 100, True), (BELOW, SHORT, 99, True),
]


@pytest.mark.parametrize(("condition", "direction", "limit", "allowed_by_table"), SEED_TABLE)
def test_seed_trigger_limit_table(condition: OrderTriggerCondition, direction: PositionDirection, limit: int,
                                  allowed_by_table: bool) -> None:
    order = trigger_limit(trigger_condition=condition, direction=direction, price=limit * USD,
                          trigger_price=100 * USD)
    # the v1 rule rejects exactly the table's "must be above/below trigger" rows, with ErrorCode::InvalidOrder
    if allowed_by_table:
        validate_trigger_limit_price_v1(order)
    else:
        with pytest.raises(InvalidOrder, match="limit price must be"):
            validate_trigger_limit_price_v1(order)
    # v2.161.0 places every one of them: the limit is not checked against the trigger any more
    validate_order(order, MARKET, 100 * USD, 0)
