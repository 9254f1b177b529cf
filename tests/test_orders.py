"""Human-layer orders (driftlab.orders): the builder against the program's validate_order, the docs' trigger tables
(seed 004), triggers over oracle paths, standardisation, and bad input.

The docs' tables are quoted from /work/shared/seeds/004 ("Order Types"):

    Current Position | Order Type                    | Trade Direction | Trigger Condition | Reduce Only
    Long             | Stop (Market If Touch)        | Buy             | Below             | False
    Long             | Stop                          | Sell            | Below             | True/False
    Short            | Stop                          | Buy             | Above             | True/False
    Short            | Stop (Market If Touch)        | Sell            | Above             | False
    Long             | Take Profit (Market If Touch) | Buy             | Above             | False
    Long             | Take Profit                   | Sell            | Above             | True/False
    Short            | Take Profit                   | Buy             | Below             | True/False
    Short            | Take Profit (Market If Touch) | Sell            | Below             | False

    TriggerIsAbove | DirectionIsLong | LimitPrice
    True           | True            | Must be above trigger
    True           | False           | Ok
    False          | True            | Ok
    False          | False           | Must be below trigger
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftlab.exact as ex
import driftlab.orders as orders
from driftlab.orders import OrderRuleError, OrderSpec, build_order

U = ex.PRICE_PRECISION
MARKET = ex.PerpMarket(amm=ex.AMM(order_step_size=1, order_tick_size=1, min_order_size=1,
                                  base_asset_reserve=100 * ex.AMM_RESERVE_PRECISION,
                                  quote_asset_reserve=100 * ex.AMM_RESERVE_PRECISION,
                                  sqrt_k=100 * ex.AMM_RESERVE_PRECISION, peg_multiplier=100 * ex.PEG_PRECISION,
                                  max_base_asset_reserve=2**64 - 1, concentration_coef=1_414_200))
ORACLE = 100 * U


def program_accepts(spec: OrderSpec, **to_exact: object) -> None:
    ex.validate_order(spec.to_exact(**to_exact), MARKET, ORACLE, 0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- valid orders, all kinds


@pytest.mark.parametrize("kwargs, order_type", [
    (dict(kind="market", direction="long", size=1.0), "Market"),
    (dict(kind="market", direction="short", size=2.5, price=95.0), "Market"),
    (dict(kind="market", direction="long", size=1.0, auction_start_price=100.0, auction_end_price=100.5,
          auction_duration=20, price=101.0), "Market"),
    (dict(kind="limit", direction="long", size=1.0, price=99.0), "Limit"),
    (dict(kind="limit", direction="short", size=1.0, price=101.0, post_only=True), "Limit"),
    (dict(kind="limit", direction="long", size=0.5, price=99.0, post_only=True, immediate_or_cancel=True), "Limit"),
    (dict(kind="limit", direction="long", size=1.0, oracle_price_offset=-0.25), "Limit"),
    (dict(kind="limit", direction="long", size=1.0, oracle_price_offset=0.5, auction_start_price=-0.1,
          auction_end_price=0.5, auction_duration=30), "Limit"),
    (dict(kind="oracle", direction="long", size=1.0, oracle_price_offset=0.2, auction_start_price=-0.1,
          auction_end_price=0.1, auction_duration=30), "Oracle"),
    (dict(kind="trigger_market", direction="short", size=1.0, trigger_price=95.0, trigger_condition="below"),
     "TriggerMarket"),
    (dict(kind="stop_market", direction="short", size=1.0, trigger_price=95.0, position=1.0, reduce_only=True),
     "TriggerMarket"),
    (dict(kind="stop_limit", direction="short", size=1.0, trigger_price=95.0, price=94.0, position=1.0),
     "TriggerLimit"),
    (dict(kind="take_profit_limit", direction="short", size=1.0, trigger_price=105.0, price=105.0, position=1.0),
     "TriggerLimit"),
    (dict(kind="take_profit_market", direction="long", size=1.0, trigger_price=95.0, position=-1.0,
          reduce_only=True), "TriggerMarket"),
])
def test_valid_orders_build_and_the_program_accepts_them(kwargs: dict[str, object], order_type: str) -> None:
    spec = build_order(**kwargs)  # type: ignore[arg-type]
    assert spec.order_type == order_type
    program_accepts(spec, oracle_price=100.0)


def test_to_exact_units_and_market_auction() -> None:
    spec = build_order("market", "long", 1.5)
    order = spec.to_exact(slot=7, oracle_price=100.0)
    assert order.base_asset_amount == 1_500_000_000 and order.slot == 7
    # no auction given: calculate_auction_prices (oracle .. oracle + 0.5%) over the 10-slot minimum
    assert (order.auction_start_price, order.auction_end_price, order.auction_duration) == (100 * U, 100_500_000, 10)
    stop = build_order("stop_limit", "short", 1.0, trigger_price=95.5, price=95.25, position=2.0)
    exact = stop.to_exact()
    assert (exact.trigger_price, exact.price, exact.trigger_condition) == (95_500_000, 95_250_000,
                                                                          ex.OrderTriggerCondition.Below)


# --------------------------------------------------------------------------- the program's rules


PROGRAM_RULES = [
    (dict(kind="market", direction="long", size=1.0, trigger_price=90.0), "InvalidOrderTrigger"),
    (dict(kind="market", direction="long", size=1.0, post_only=True), "InvalidOrderPostOnly"),
    (dict(kind="market", direction="long", size=1.0, oracle_price_offset=0.1), "InvalidOrderOracleOffset"),
    (dict(kind="market", direction="long", size=1.0, immediate_or_cancel=True), "InvalidOrderIOC"),
    (dict(kind="market", direction="long", size=1.0, auction_start_price=101.0, auction_end_price=100.0,
          auction_duration=10), "InvalidOrderAuction"),
    (dict(kind="market", direction="short", size=1.0, auction_start_price=99.0, auction_end_price=100.0,
          auction_duration=10), "InvalidOrderAuction"),
    (dict(kind="market", direction="long", size=1.0, price=100.2, auction_start_price=100.0,
          auction_end_price=100.5, auction_duration=10), "InvalidOrderAuction"),
    (dict(kind="oracle", direction="long", size=1.0, trigger_price=90.0), "InvalidOrderTrigger"),
    (dict(kind="oracle", direction="long", size=1.0, post_only=True), "InvalidOrderPostOnly"),
    (dict(kind="oracle", direction="long", size=1.0, price=100.0), "InvalidOrderLimitPrice"),
    (dict(kind="oracle", direction="long", size=1.0, immediate_or_cancel=True), "InvalidOrderIOC"),
    (dict(kind="oracle", direction="long", size=1.0, oracle_price_offset=0.1, auction_start_price=-0.1,
          auction_end_price=0.2, auction_duration=10), "InvalidOrderAuction"),
    (dict(kind="limit", direction="long", size=1.0), "InvalidOrderLimitPrice"),
    (dict(kind="limit", direction="long", size=1.0, price=99.0, oracle_price_offset=0.1), "InvalidOrderLimitPrice"),
    (dict(kind="limit", direction="long", size=1.0, price=99.0, trigger_price=98.0), "InvalidOrderTrigger"),
    (dict(kind="limit", direction="long", size=1.0, price=99.0, post_only=True, auction_start_price=98.0,
          auction_end_price=99.0, auction_duration=10), "InvalidOrder"),
    (dict(kind="limit", direction="long", size=1.0, price=99.0, auction_start_price=98.0, auction_end_price=99.0,
          auction_duration=0), "InvalidOrder"),
    # an oracle-offset limit order whose auction is given in prices, not offsets: its end is past its offset
    (dict(kind="limit", direction="long", size=1.0, oracle_price_offset=0.5, auction_start_price=99.5,
          auction_end_price=100.5, auction_duration=20), "InvalidOrderAuction"),
    (dict(kind="trigger_market", direction="long", size=1.0, trigger_price=105.0), "InvalidTriggerOrderCondition"),
    (dict(kind="trigger_market", direction="long", size=1.0, trigger_condition="above"), "InvalidOrderTrigger"),
    (dict(kind="trigger_market", direction="long", size=1.0, trigger_price=105.0, trigger_condition="above",
          price=106.0), "InvalidOrderLimitPrice"),
    (dict(kind="trigger_limit", direction="long", size=1.0, trigger_price=105.0, trigger_condition="above"),
     "InvalidOrderLimitPrice"),
    (dict(kind="trigger_limit", direction="long", size=1.0, trigger_price=105.0, trigger_condition="above",
          price=106.0, post_only=True), "InvalidOrderPostOnly"),
    (dict(kind="trigger_market", direction="long", size=1.0, trigger_price=105.0, trigger_condition="above",
          oracle_price_offset=0.1), "InvalidOrderOracleOffset"),
    (dict(kind="market", direction="long", size=0.0), "InvalidOrderSizeTooSmall"),
    (dict(kind="limit", direction="long", size=1.05, price=99.0, step_size=0.1), "InvalidOrderNotStepSizeMultiple"),
    (dict(kind="limit", direction="long", size=0.1, price=99.0, step_size=0.1, min_order_size=0.2),
     "InvalidOrderMinOrderSize"),
]


@pytest.mark.parametrize("kwargs, error_code", PROGRAM_RULES)
def test_program_rules_are_refused_with_the_programs_error_code(kwargs: dict[str, object], error_code: str) -> None:
    with pytest.raises(OrderRuleError) as info:
        build_order(**kwargs)  # type: ignore[arg-type]
    assert info.value.error_code == error_code
    assert f"ErrorCode::{error_code}" in str(info.value) and str(kwargs["kind"]) in str(info.value)


@pytest.mark.parametrize("kwargs, error_code", [row for row in PROGRAM_RULES if "step_size" not in row[0]])
def test_the_program_refuses_the_same_orders(kwargs: dict[str, object], error_code: str) -> None:
    # build the same order without the builder's checks and hand it to the exact layer's validate_order
    fields = {k: val for k, val in kwargs.items() if k not in ("kind", "step_size", "min_order_size")}
    kind = str(kwargs["kind"])
    condition = fields.pop("trigger_condition", None)
    spec = OrderSpec(kind=kind, order_type=orders.ORDER_KINDS[kind], trigger_condition=condition,  # type: ignore
                     **{k: (0.0 if val is None else val) for k, val in fields.items()})  # type: ignore[arg-type]
    # market orders get their auction at placement (get_auction_params), as the program places them
    order = spec.to_exact(oracle_price=100.0 if kind == "market" else None)
    if error_code == "InvalidTriggerOrderCondition":
        order.trigger_condition = ex.OrderTriggerCondition.TriggeredAbove  # "no condition" in the program's terms
    with pytest.raises(getattr(ex, error_code)):
        ex.validate_order(order, MARKET, ORACLE, 0)


# --------------------------------------------------------------------------- the docs' stop / take-profit table


TABLE_ROWS = [
    # (position, base kind, side, condition, reduce-only allowed)
    (1.0, "stop", "long", "below", False),
    (1.0, "stop", "short", "below", True),
    (-1.0, "stop", "long", "above", True),
    (-1.0, "stop", "short", "above", False),
    (1.0, "take_profit", "long", "above", False),
    (1.0, "take_profit", "short", "above", True),
    (-1.0, "take_profit", "long", "below", True),
    (-1.0, "take_profit", "short", "below", False),
]


@pytest.mark.parametrize("position, base, side, condition, reduce_only_ok", TABLE_ROWS)
def test_trigger_table_rows(position: float, base: str, side: str, condition: str, reduce_only_ok: bool) -> None:
    assert orders.trigger_condition_for(base, side, position) == condition
    spec = build_order(f"{base}_market", side, 1.0, trigger_price=100.0, position=position)
    assert spec.trigger_condition == condition
    program_accepts(spec)
    # the contradicting condition is refused, quoting the row
    other = "above" if condition == "below" else "below"
    with pytest.raises(OrderRuleError, match="contradicts the table row") as info:
        build_order(f"{base}_market", side, 1.0, trigger_price=100.0, position=position, trigger_condition=other)
    assert info.value.error_code is None
    # Reduce Only: "True/False" rows accept it; "False" rows (Market If Touch, adding to the position) refuse it
    if reduce_only_ok:
        build_order(f"{base}_market", side, 1.0, trigger_price=100.0, position=position, reduce_only=True)
    else:
        with pytest.raises(OrderRuleError, match="would add to it") as info:
            build_order(f"{base}_market", side, 1.0, trigger_price=100.0, position=position, reduce_only=True)
        assert info.value.rule == orders.SEED_REDUCE_ONLY_RULE


def test_market_if_touched_reduce_only_is_placed_then_cancelled_by_the_program() -> None:
    # what the docs' "Reduce Only: False" guards against: the program places it, and cancels it when it would fill
    spec = OrderSpec(kind="stop_market", order_type="TriggerMarket", direction="long", size=1.0, trigger_price=95.0,
                     trigger_condition="below", reduce_only=True, position=1.0)
    order = spec.to_exact()
    ex.validate_order(order, MARKET, ORACLE, 0)
    order.trigger_condition = ex.OrderTriggerCondition.TriggeredBelow
    assert order.get_base_asset_amount_unfilled(1 * ex.BASE_PRECISION) == 0
    assert ex.should_cancel_reduce_only_order(order, 1 * ex.BASE_PRECISION, 1)


def test_flat_position_uses_the_closing_row_and_reduce_only_needs_a_position() -> None:
    assert orders.trigger_condition_for("stop", "long") == "above"  # a stop-buy breaks out upward
    assert orders.trigger_condition_for("take_profit_limit", "short") == "above"
    with pytest.raises(OrderRuleError, match="nothing to reduce"):
        build_order("stop_market", "short", 1.0, trigger_price=95.0, reduce_only=True)


def test_trigger_table_frames() -> None:
    table = orders.trigger_table()
    assert len(table) == 8 and list(table.columns)[0] == "current_position"
    assert (table["trigger_condition"] == ["Below", "Below", "Above", "Above", "Above", "Above", "Below",
                                           "Below"]).all()
    assert list(orders.trigger_limit_table()["LimitPrice"]) == ["Must be above trigger", "Ok", "Ok",
                                                                "Must be below trigger"]


# --------------------------------------------------------------------------- the docs' trigger/limit table


def trigger_limit(condition: str, side: str, limit: float, trigger: float = 140.0) -> OrderSpec:
    return build_order("trigger_limit", side, 1.0, price=limit, trigger_price=trigger, trigger_condition=condition)


def test_invalid_combination_trigger_above_long_limit_below_trigger() -> None:
    # row (True, True, "Must be above trigger"): the docs' example, trigger $140, long limit $135
    with pytest.raises(OrderRuleError) as info:
        trigger_limit("above", "long", 135.0)
    assert info.value.rule == orders.SEED_TRIGGER_LIMIT_RULE and info.value.error_code is None
    assert "TriggerIsAbove=True, DirectionIsLong=True: LimitPrice must be above trigger" in str(info.value)
    assert "price 135 vs trigger_price 140" in str(info.value)


def test_invalid_combination_trigger_below_short_limit_above_trigger() -> None:
    # row (False, False, "Must be below trigger")
    with pytest.raises(OrderRuleError) as info:
        trigger_limit("below", "short", 145.0)
    assert info.value.rule == orders.SEED_TRIGGER_LIMIT_RULE and info.value.error_code is None
    assert "TriggerIsAbove=False, DirectionIsLong=False: LimitPrice must be below trigger" in str(info.value)


def test_the_stop_and_take_profit_kinds_apply_the_same_rule() -> None:
    with pytest.raises(OrderRuleError, match="must be above trigger"):
        build_order("stop_limit", "long", 1.0, price=135.0, trigger_price=140.0, position=-1.0)  # stop-buy: above
    with pytest.raises(OrderRuleError, match="must be below trigger"):
        build_order("take_profit_limit", "short", 1.0, price=101.0, trigger_price=100.0, position=-2.0)


@pytest.mark.parametrize("condition", ["above", "below"])
@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("limit", [135.0, 140.0, 145.0])
def test_every_combination_against_v1_and_v2(condition: str, side: str, limit: float) -> None:
    spec = dataclasses.replace(trigger_limit("below", "long", 100.0, trigger=100.0), direction=side, price=limit,
                               trigger_price=140.0, trigger_condition=condition)
    order = spec.to_exact()
    # v2.161.0 places every combination
    ex.validate_order(order, MARKET, ORACLE, 0)
    # the builder refuses exactly what protocol v1 refused (ErrorCode::InvalidOrder), equality allowed
    v1_refuses = False
    try:
        ex.validate_trigger_limit_price_v1(order)
    except ex.InvalidOrder:
        v1_refuses = True
    refused = (condition == "above" and side == "long" and limit < 140) or \
        (condition == "below" and side == "short" and limit > 140)
    assert v1_refuses == refused
    if refused:
        with pytest.raises(OrderRuleError):
            trigger_limit(condition, side, limit)
    else:
        assert trigger_limit(condition, side, limit).price == limit


# --------------------------------------------------------------------------- triggers over oracle paths


def test_trigger_hit_is_strict() -> None:
    assert orders.trigger_hit(100.0, 100.0, "above") is False
    assert orders.trigger_hit(100.000001, 100.0, "above") is True
    assert np.array_equal(orders.trigger_hit(np.array([99.0, 100.0, 101.0]), 100.0, "below"), [True, False, False])


@settings(max_examples=150, deadline=None)
@given(oracle=st.integers(1, 10**12), trigger=st.integers(1, 10**12), above=st.booleans())  # oracle > 0
def test_trigger_hit_equals_the_exact_layer(oracle: int, trigger: int, above: bool) -> None:
    condition = ex.OrderTriggerCondition.Above if above else ex.OrderTriggerCondition.Below
    order = ex.Order(order_type=ex.OrderType.TriggerMarket, trigger_price=trigger, trigger_condition=condition)
    assert orders.trigger_hit(oracle / U, trigger / U, "above" if above else "below") == \
        ex.order_satisfies_trigger_condition(order, oracle)


def test_first_trigger_slot_on_batches() -> None:
    path = np.array([[100.0, 99.0, 97.0, 95.0, 96.0], [100.0, 101.0, 102.0, 103.0, 104.0]])
    assert np.array_equal(orders.first_trigger_slot(path, 96.0, "below"), [3, -1])
    assert np.array_equal(orders.first_trigger_slot(path, np.array([100.5, 101.0]), "above"), [-1, 2])
    assert orders.first_trigger_slot(path[0], 99.5, "below") == 1


PATH = np.array([100.0, 99.0, 98.0, 97.0, 96.0, 95.0, 94.0, 95.0, 96.0, 97.0])


@pytest.mark.parametrize("spec, outcome", [
    # stop-loss on a long: a market sell at the first oracle below 96, at that oracle price
    (dict(kind="stop_market", direction="short", size=1, trigger_price=96.5, position=1), (4, 4, 96.0)),
    # stop-limit sell, limit below the oracle when it triggers (slot 4, oracle 96): it crosses and fills at once
    (dict(kind="stop_limit", direction="short", size=1, trigger_price=96.5, price=95.5, position=1), (4, 4, 96.0)),
    # limit between the triggering oracle (96) and the trigger: it rests until the price comes back up to 96.2
    (dict(kind="stop_limit", direction="short", size=1, trigger_price=96.5, price=96.2, position=1), (4, 9, 96.2)),
    # a limit sell above the market from the start never fills on a falling path
    (dict(kind="limit", direction="short", size=1, price=101.0), (0, -1, np.nan)),
    # a resting buy at 95 fills when the oracle reaches it, at 95
    (dict(kind="limit", direction="long", size=1, price=95.0), (0, 5, 95.0)),
    # take profit on a short: buy back below 95
    (dict(kind="take_profit_market", direction="long", size=1, trigger_price=95.0, position=-1), (6, 6, 94.0)),
    # a take-profit on a long (sell above 101) never triggers
    (dict(kind="take_profit_market", direction="short", size=1, trigger_price=101.0, position=1), (-1, -1, np.nan)),
    (dict(kind="market", direction="long", size=1), (0, 0, 100.0)),
])
def test_path_outcomes_by_hand(spec: dict[str, object], outcome: tuple[int, int, float]) -> None:
    result = orders.path_outcome(build_order(**spec), PATH)  # type: ignore[arg-type]
    assert result.trigger_slot == outcome[0] and result.fill_slot == outcome[1]
    assert (np.isnan(result.fill_price) and np.isnan(outcome[2])) or result.fill_price == outcome[2]


def test_path_outcome_on_a_batch_of_paths() -> None:
    spec = build_order("stop_market", "short", 1.0, trigger_price=96.5, position=1.0)
    paths = np.stack([PATH, PATH + 10, PATH - 1])
    result = orders.path_outcome(spec, paths)
    assert np.array_equal(result.trigger_slot, [4, -1, 3]) and np.array_equal(result.fill_slot, [4, -1, 3])
    assert np.allclose(result.fill_price, [96.0, np.nan, 96.0], equal_nan=True)


# --------------------------------------------------------------------------- standardisation


@settings(max_examples=200, deadline=None)
@given(price=st.integers(0, 10**13), tick=st.sampled_from([1, 10, 100, 1_000, 10_000, 1_000_000]),
       long=st.booleans())
def test_standardized_prices_are_tick_multiples_rounded_for_the_protocol(price: int, tick: int, long: bool) -> None:
    direction = ex.PositionDirection.Long if long else ex.PositionDirection.Short
    program = ex.standardize_price(price, tick, direction)
    human = orders.standardize_price(price / U, tick / U, "long" if long else "short")
    assert round(human * U) == program
    assert program % tick == 0
    # bids round down, asks up, by less than a tick: the protocol never pays more / receives less than asked
    assert (program <= price < program + tick) if long else (program - tick < price <= program)


@settings(max_examples=100, deadline=None)
@given(size=st.integers(0, 10**15), step=st.sampled_from([1, 1_000, 1_000_000, 10_000_000, 10**9]))
def test_standardize_size_equals_the_exact_layer(size: int, step: int) -> None:
    human = orders.standardize_size(size / ex.BASE_PRECISION, step / ex.BASE_PRECISION)
    assert round(human * ex.BASE_PRECISION) == ex.standardize_base_asset_amount(size, step)


def test_standardize_broadcasts() -> None:
    prices = orders.standardize_price(np.array([100.004, 100.005, 100.0]), 0.01, "short")
    assert np.allclose(prices, [100.01, 100.01, 100.0])
    assert isinstance(orders.standardize_price(1.0, 0.01, "long"), float)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("call, name", [
    (lambda: build_order("twap", "long", 1.0), "kind"),
    (lambda: build_order("market", "buy", 1.0), "direction"),
    (lambda: build_order("market", "long", "1"), "size"),
    (lambda: build_order("limit", "long", 1.0, price=-1.0), "price"),
    (lambda: build_order("limit", "long", 1.0, price=np.array([1.0, 2.0])), "price"),
    (lambda: build_order("stop_market", "long", 1.0, trigger_price=0.0, position=-1), "trigger_price"),
    (lambda: build_order("trigger_market", "long", 1.0, trigger_price=1.0, trigger_condition="up"),
     "trigger_condition"),
    (lambda: build_order("limit", "long", 1.0, price=1.0, post_only=1), "post_only"),
    (lambda: build_order("market", "long", 1.0, auction_duration=300, auction_start_price=1.0,
                         auction_end_price=1.0), "auction_duration"),
    (lambda: build_order("market", "long", 1.0, auction_duration=10), "auction_start_price"),
    (lambda: build_order("stop_market", "long", 1.0, trigger_price=1.0, position=-1, auction_duration=10),
     "auction"),
    (lambda: orders.trigger_hit(100.0, 90.0, "sideways"), "condition"),
    (lambda: orders.first_trigger_slot(100.0, 90.0, "above"), "oracle_path"),
    (lambda: orders.standardize_price(1.0, 1.5e-6, "long"), "tick_size"),
    (lambda: orders.standardize_size(-1.0, 0.1), "size"),
])
def test_bad_input_names_the_parameter(call, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=name):
        call()


# --------------------------------------------------------------------------- who fills a taker
def _fill_scenario() -> tuple[Any, dict[str, Any], Any]:
    """A $100 SOL-like AMM quoting 100.10 (0.1% spread); a long market order for 5 SOL with an auction
    $100.00 -> $100.40 over 10 slots and a $100.50 limit; asks at 100.05 (A, post-only), 100.20 (B), 100.45 (C)
    and a JIT maker's post-only IOC ask at 100.02 in slot 3."""
    u, base, one = ex.PRICE_PRECISION, ex.BASE_PRECISION, ex.AMM_RESERVE_PRECISION
    amm = ex.AMM(base_asset_reserve=1_000 * one, quote_asset_reserve=1_000 * one, sqrt_k=1_000 * one,
                 peg_multiplier=100 * ex.PEG_PRECISION, concentration_coef=1_414_200,
                 max_base_asset_reserve=2**64 - 1, order_step_size=base // 100, order_tick_size=u // 100,
                 min_order_size=base // 100, long_spread=1_000, short_spread=1_000)
    taker = ex.Order(order_type=ex.OrderType.Market, direction=ex.PositionDirection.Long, slot=0,
                     status=ex.OrderStatus.Open, base_asset_amount=5 * base, price=100_500_000,
                     auction_start_price=100 * u, auction_end_price=100_400_000, auction_duration=10)

    def ask(price: float, slot: int = 0, post_only: bool = True, ioc: bool = False) -> Any:
        return ex.Order(order_type=ex.OrderType.Limit, direction=ex.PositionDirection.Short, slot=slot,
                        status=ex.OrderStatus.Open, base_asset_amount=base, price=round(price * u),
                        post_only=post_only, immediate_or_cancel=ioc)

    makers = {"maker A": ask(100.05), "maker B": ask(100.20, post_only=False), "maker C": ask(100.45),
              "JIT maker": ask(100.02, slot=3, ioc=True)}
    return taker, makers, amm


def test_fills_by_slot_follow_the_auction_then_the_limit() -> None:
    taker, makers, amm = _fill_scenario()
    fills = orders.fills_by_slot(taker, makers, amm, 100.0, [0, 3, 4, 10, 11]).set_index("slot")
    # slot 0: the auction price $100.00 is below every ask and the AMM's $100.10
    assert fills.loc[0, "fills, in order"] == "nothing crosses"
    # slot 3: auction at 100 + 0.40 * 3/10 = $100.12: the JIT maker (its slot only), maker A, then the AMM (100.10)
    assert fills.loc[3, "taker's limit now"] == pytest.approx(100.12)
    assert fills.loc[3, "fills, in order"] == "JIT maker @ 100.02 → maker A @ 100.05 → AMM"
    # slot 4: the IOC JIT order is gone
    assert not fills.loc[4, "fills, in order"].startswith("JIT")
    # slot 11: past the auction the limit is $100.50, so maker C at 100.45 crosses, after the AMM's step to it
    assert fills.loc[11, "taker's limit now"] == pytest.approx(100.50)
    assert fills.loc[11, "fills, in order"].endswith("maker C @ 100.45 → AMM")


def test_fills_by_slot_rejects_a_bad_oracle_price() -> None:
    taker, makers, amm = _fill_scenario()
    with pytest.raises(ValueError, match="oracle_price"):
        orders.fills_by_slot(taker, makers, amm, -1.0, [0])


def test_fills_by_slot_takes_the_highest_bid_first_for_a_short_taker() -> None:
    _, _, amm = _fill_scenario()
    u, base = ex.PRICE_PRECISION, ex.BASE_PRECISION
    taker = ex.Order(order_type=ex.OrderType.Market, direction=ex.PositionDirection.Short, slot=0,
                     status=ex.OrderStatus.Open, base_asset_amount=5 * base, price=99_500_000,
                     auction_start_price=100 * u, auction_end_price=99_600_000, auction_duration=10)

    def bid(price: float) -> Any:
        return ex.Order(order_type=ex.OrderType.Limit, direction=ex.PositionDirection.Long, slot=0,
                        status=ex.OrderStatus.Open, base_asset_amount=base, price=round(price * u), post_only=True)

    fills = orders.fills_by_slot(taker, {"low": bid(99.60), "high": bid(99.95)}, amm, 100.0, [11])
    sequence = fills.loc[0, "fills, in order"]
    assert sequence.startswith("high @ 99.95") and sequence.index("high") < sequence.index("low @ 99.60")
