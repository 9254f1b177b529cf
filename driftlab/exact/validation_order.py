"""Order validation at placement: which order configurations the program rejects, with its error codes.

``validate_order`` (perp) and ``validate_spot_order`` dispatch on the order type:

- every order: non-zero size, a multiple of the step size, at least ``min_order_size`` unless reduce-only
  (or a JIT maker for perp limit orders): ``InvalidOrderSizeTooSmall`` / ``InvalidOrderNotStepSizeMultiple`` /
  ``InvalidOrderMinOrderSize``;
- Market: positive auction start/end prices, ordered for the direction, not past the limit price
  (``InvalidOrderAuction``); no trigger price (``InvalidOrderTrigger``), not post-only (``InvalidOrderPostOnly``),
  no oracle offset (``InvalidOrderOracleOffset``), not IOC (``InvalidOrderIOC``);
- Oracle: auction offsets ordered and not past the oracle offset; no trigger, not post-only, no price
  (``InvalidOrderLimitPrice``), not IOC;
- Limit: a price or an oracle offset but not both (``InvalidOrderLimitPrice``), no trigger price, post-only
  orders without an auction that do not cross the AMM (``PlacePostOnlyLimitFailure``), auction params only with
  a duration (``InvalidOrder``);
- TriggerMarket / TriggerLimit: condition Above or Below (``InvalidTriggerOrderCondition``), a trigger price
  (``InvalidOrderTrigger``), TriggerMarket without a price and TriggerLimit with one (``InvalidOrderLimitPrice``),
  not post-only, no oracle offset.

At v2.161.0 the program does **not** check a trigger-limit order's limit price against its trigger price. The
rule of the docs' table ("trigger above + long: limit must be above the trigger; trigger below + short: limit
must be below the trigger") was enforced by the v1 clearing house (``ErrorCode::InvalidOrder``) and is kept here
as :func:`validate_trigger_limit_price_v1` for comparison; ``validate_order`` does not call it.

program: validation/order.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import MAX_PREDICTION_MARKET_PRICE
from .enums import OrderTriggerCondition, OrderType, PerpOperation, PositionDirection
from .errors import (
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
    PlacePostOnlyLimitFailure,
)
from .orders import calculate_base_asset_amount_to_fill_up_to_limit_price, is_multiple_of_step_size
from .safe_math import I64, U64, cast

if TYPE_CHECKING:
    from .state import Order, PerpMarket


def validate_order(order: Order, market: PerpMarket, valid_oracle_price: int | None, slot: int) -> None:
    """Validate a new perp order for its type; prediction markets also cap prices and offsets at $1
    (``InvalidPredictionMarketOrder``).

    program: validation/order.rs::validate_order
    """
    step, min_size = market.amm.order_step_size, market.amm.min_order_size
    if order.order_type == OrderType.Market:
        validate_market_order(order, step, min_size)
    elif order.order_type == OrderType.Limit:
        validate_limit_order(order, market, valid_oracle_price, slot)
    elif order.order_type == OrderType.TriggerMarket:
        validate_trigger_market_order(order, step, min_size)
    elif order.order_type == OrderType.TriggerLimit:
        validate_trigger_limit_order(order, step, min_size)
    else:
        validate_oracle_order(order, step, min_size)

    if market.is_prediction_market():
        if order.price > MAX_PREDICTION_MARKET_PRICE:
            raise InvalidPredictionMarketOrder("prediction market price must be <= 1")
        if abs(order.auction_start_price) > MAX_PREDICTION_MARKET_PRICE:
            raise InvalidPredictionMarketOrder("prediction market auction start price abs must be <= 1")
        if abs(order.auction_end_price) > MAX_PREDICTION_MARKET_PRICE:
            raise InvalidPredictionMarketOrder("prediction market auction end price abs must be <= 1")
        if abs(order.oracle_price_offset) > MAX_PREDICTION_MARKET_PRICE:
            raise InvalidPredictionMarketOrder("prediction market auction end price abs must be <= 1")


def validate_market_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Market order rules (see the module docstring). program: validation/order.rs::validate_market_order"""
    validate_base_asset_amount(order, step_size, min_order_size, order.reduce_only)
    if not (order.auction_start_price > 0 and order.auction_end_price > 0):
        raise InvalidOrderAuction("Auction start and end price must be greater than 0")
    validate_auction_params(order)
    if order.trigger_price > 0:
        raise InvalidOrderTrigger("Market should not have trigger price")
    if order.post_only:
        raise InvalidOrderPostOnly("Market order can not be post only")
    if order.has_oracle_price_offset():
        raise InvalidOrderOracleOffset("Market order can not have oracle offset")
    if order.immediate_or_cancel:
        raise InvalidOrderIOC("Market order can not be immediate or cancel")


def validate_oracle_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Oracle order rules. program: validation/order.rs::validate_oracle_order"""
    validate_base_asset_amount(order, step_size, min_order_size, order.reduce_only)
    validate_oracle_auction_params(order)
    if order.trigger_price > 0:
        raise InvalidOrderTrigger("Oracle order should not have trigger price")
    if order.post_only:
        raise InvalidOrderPostOnly("Oracle order can not be post only")
    if order.price > 0:
        raise InvalidOrderLimitPrice("Oracle order can not have a price")
    if order.immediate_or_cancel:
        raise InvalidOrderIOC("Oracle order can not be immediate or cancel")


def validate_limit_order(order: Order, market: PerpMarket, valid_oracle_price: int | None, slot: int) -> None:
    """Perp limit order rules. program: validation/order.rs::validate_limit_order"""
    validate_base_asset_amount(order, market.amm.order_step_size, market.amm.min_order_size,
                               order.reduce_only or order.is_jit_maker())
    if order.price == 0 and not order.has_oracle_price_offset():
        raise InvalidOrderLimitPrice("Limit order price == 0")
    if order.has_oracle_price_offset() and order.price != 0:
        raise InvalidOrderLimitPrice("Limit order price must be 0 for taker oracle offset order")
    if order.trigger_price > 0:
        raise InvalidOrderTrigger("Limit order should not have trigger price")
    if order.post_only:
        if order.has_auction():
            raise InvalidOrder("post only limit order cant have auction")
        validate_post_only_order(order, market, valid_oracle_price, slot)
    validate_limit_order_auction_params(order)


def validate_limit_order_auction_params(order: Order) -> None:
    """With an auction: the (oracle) auction rules; without: no auction prices (``InvalidOrder``).

    program: validation/order.rs::validate_limit_order_auction_params
    """
    if order.has_auction():
        if order.has_oracle_price_offset():
            validate_oracle_auction_params(order)
        else:
            validate_auction_params(order)
        return
    if order.auction_start_price != 0:
        raise InvalidOrder("limit order without auction can not have an auction start price")
    if order.auction_end_price != 0:
        raise InvalidOrder("limit order without auction can not have an auction end price")


def validate_post_only_order(order: Order, market: PerpMarket, valid_oracle_price: int | None, slot: int) -> None:
    """A post-only order must not be immediately fillable by the AMM (``PlacePostOnlyLimitFailure``), unless it
    is a JIT maker, AMM fills are paused, or the oracle is already past its limit.

    program: validation/order.rs::validate_post_only_order
    """
    if order.is_jit_maker():
        return
    if market.is_operation_paused(PerpOperation.AmmFill):
        return
    limit_price = order.force_get_limit_price(valid_oracle_price, None, slot, market.amm.order_tick_size,
                                              market.is_prediction_market(), None)
    can_fill = calculate_base_asset_amount_to_fill_up_to_limit_price(order, market, limit_price, None)
    if can_fill != 0:
        invalid = True
        if valid_oracle_price is not None:
            limit = cast(limit_price, I64)
            if ((valid_oracle_price > limit and order.direction == PositionDirection.Long)
                    or (valid_oracle_price < limit and order.direction == PositionDirection.Short)):
                invalid = False
        if invalid:
            raise PlacePostOnlyLimitFailure(f"Post-only order can immediately fill {can_fill} base asset amount")


def validate_trigger_limit_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Trigger-limit rules (no check of the limit against the trigger at v2.161.0).

    program: validation/order.rs::validate_trigger_limit_order
    """
    validate_base_asset_amount(order, step_size, min_order_size, order.reduce_only)
    if order.trigger_condition not in (OrderTriggerCondition.Above, OrderTriggerCondition.Below):
        raise InvalidTriggerOrderCondition("Invalid trigger condition, must be Above or Below")
    if order.price == 0:
        raise InvalidOrderLimitPrice("Trigger limit order price == 0")
    if order.trigger_price == 0:
        raise InvalidOrderTrigger("Trigger price == 0")
    if order.post_only:
        raise InvalidOrderPostOnly("Trigger limit order can not be post only")
    if order.has_oracle_price_offset():
        raise InvalidOrderOracleOffset("Trigger limit can not have oracle offset")


def validate_trigger_market_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Trigger-market rules. program: validation/order.rs::validate_trigger_market_order"""
    validate_base_asset_amount(order, step_size, min_order_size, order.reduce_only)
    if order.trigger_condition not in (OrderTriggerCondition.Above, OrderTriggerCondition.Below):
        raise InvalidTriggerOrderCondition("Invalid trigger condition, must be Above or Below")
    if order.price > 0:
        raise InvalidOrderLimitPrice("Trigger market order should not have price")
    if order.trigger_price == 0:
        raise InvalidOrderTrigger("Trigger market order trigger_price == 0")
    if order.post_only:
        raise InvalidOrderPostOnly("Trigger market order can not be post only")
    if order.has_oracle_price_offset():
        raise InvalidOrderOracleOffset("Trigger market order can not have oracle offset")


def validate_trigger_limit_price_v1(order: Order) -> None:
    """The v1 clearing house's trigger-limit rule, the docs' table (not enforced at v2.161.0).

    Above + Long with ``price < trigger_price``, or Below + Short with ``price > trigger_price``: ``InvalidOrder``.
    Above + Short and Below + Long are always accepted.
    program: protocol-v1 programs/clearing_house/src/validation/order.rs::validate_trigger_limit_order (removed in v2)
    """
    if (order.trigger_condition == OrderTriggerCondition.Above and order.direction == PositionDirection.Long
            and order.price < order.trigger_price):
        raise InvalidOrder(
            "If trigger condition is above and direction is long, limit price must be above trigger price")
    if (order.trigger_condition == OrderTriggerCondition.Below and order.direction == PositionDirection.Short
            and order.price > order.trigger_price):
        raise InvalidOrder(
            "If trigger condition is below and direction is short, limit price must be below trigger price")


def validate_base_asset_amount(order: Order, step_size: int, min_order_size: int,
                               reduce_only_or_jit_maker: bool) -> None:
    """Non-zero, a step multiple (``step_size == 0``: ``MathError``), and ``>= min_order_size`` unless exempt.

    program: validation/order.rs::validate_base_asset_amount
    """
    if order.base_asset_amount == 0:
        raise InvalidOrderSizeTooSmall("Order base_asset_amount cant be 0")
    if not is_multiple_of_step_size(order.base_asset_amount, step_size):
        raise InvalidOrderNotStepSizeMultiple(
            f"Order base asset amount ({order.base_asset_amount}) not a multiple of the step size ({step_size})")
    if not (reduce_only_or_jit_maker or order.base_asset_amount >= min_order_size):
        raise InvalidOrderMinOrderSize(
            f"Order base_asset_amount ({order.base_asset_amount}) < min_order_size ({min_order_size})")


def validate_auction_params(order: Order) -> None:
    """Fixed-price auction: non-zero start/end, ``start <= end`` for longs (``>=`` shorts), and a non-zero limit
    price not inside the auction's end (long ``price >= end``, short ``price <= end``): ``InvalidOrderAuction``.

    program: validation/order.rs::validate_auction_params
    """
    if order.auction_start_price == 0:
        raise InvalidOrderAuction("Auction start price was 0")
    if order.auction_end_price == 0:
        raise InvalidOrderAuction("Auction end price was 0")
    if order.direction == PositionDirection.Long:
        if order.auction_start_price > order.auction_end_price:
            raise InvalidOrderAuction(f"Auction start price ({order.auction_start_price}) was greater than auction "
                                      f"end price ({order.auction_end_price})")
        if order.price != 0 and order.price < cast(order.auction_end_price, U64):
            raise InvalidOrderAuction(
                f"Order price ({order.price}) was less than auction end price ({order.auction_end_price})")
    else:
        if order.auction_start_price < order.auction_end_price:
            raise InvalidOrderAuction(f"Auction start price ({order.auction_start_price}) was less than auction "
                                      f"end price ({order.auction_end_price})")
        if order.price != 0 and order.price > cast(order.auction_end_price, U64):
            raise InvalidOrderAuction(
                f"Order price ({order.price}) was greater than auction end price ({order.auction_end_price})")


def validate_oracle_auction_params(order: Order) -> None:
    """Oracle-offset auction: offsets ordered for the direction and the end not past the order's oracle offset.

    program: validation/order.rs::validate_oracle_auction_params
    """
    if order.direction == PositionDirection.Long:
        if order.auction_start_price > order.auction_end_price:
            raise InvalidOrderAuction(f"Auction start price offset ({order.auction_start_price}) was greater than "
                                      f"auction end price offset ({order.auction_end_price})")
        if order.has_oracle_price_offset() and order.auction_end_price > order.oracle_price_offset:
            raise InvalidOrderAuction(f"Auction end price offset ({order.auction_end_price}) was greater than "
                                      f"oracle price offset ({order.oracle_price_offset})")
    else:
        if order.auction_start_price < order.auction_end_price:
            raise InvalidOrderAuction(f"Auction start price ({order.auction_start_price}) was less than auction "
                                      f"end price ({order.auction_end_price})")
        if order.has_oracle_price_offset() and order.auction_end_price < order.oracle_price_offset:
            raise InvalidOrderAuction(f"Auction end price offset ({order.auction_end_price}) was less than "
                                      f"oracle price offset ({order.oracle_price_offset})")


def validate_spot_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Validate a new spot order for its type. program: validation/order.rs::validate_spot_order"""
    if order.order_type == OrderType.Market:
        validate_market_order(order, step_size, min_order_size)
    elif order.order_type == OrderType.Limit:
        validate_spot_limit_order(order, step_size, min_order_size)
    elif order.order_type == OrderType.TriggerMarket:
        validate_trigger_market_order(order, step_size, min_order_size)
    elif order.order_type == OrderType.TriggerLimit:
        validate_trigger_limit_order(order, step_size, min_order_size)
    else:
        validate_oracle_order(order, step_size, min_order_size)


def validate_spot_limit_order(order: Order, step_size: int, min_order_size: int) -> None:
    """Spot limit rules (price and offset together is ``InvalidOrderOracleOffset`` here, not ...LimitPrice).

    program: validation/order.rs::validate_spot_limit_order
    """
    validate_base_asset_amount(order, step_size, min_order_size, order.reduce_only)
    if order.price == 0 and not order.has_oracle_price_offset():
        raise InvalidOrderLimitPrice("Limit order price == 0")
    if order.has_oracle_price_offset() and order.price != 0:
        raise InvalidOrderOracleOffset("Limit order price must be 0 for taker oracle offset order")
    if order.trigger_price > 0:
        raise InvalidOrderTrigger("Limit order should not have trigger price")
    if order.post_only and order.has_auction():
        raise InvalidOrder("post only limit order cant have auction")
    validate_limit_order_auction_params(order)


def validate_order_for_force_reduce_only(order: Order, existing_position: int) -> None:
    """In a reduce-only market an order must be reduce-only and against an existing position
    (``InvalidOrderNotRiskReducing``).

    program: validation/order.rs::validate_order_for_force_reduce_only
    """
    if not order.reduce_only:
        raise InvalidOrderNotRiskReducing("order must be reduce only")
    if existing_position == 0:
        raise InvalidOrderNotRiskReducing("user must have position to submit order")
    existing_direction = PositionDirection.Long if existing_position > 0 else PositionDirection.Short
    if order.direction == existing_direction:
        raise InvalidOrderNotRiskReducing(
            "order direction must be opposite of existing position in reduce only mode")


__all__ = [
    "validate_auction_params",
    "validate_base_asset_amount",
    "validate_limit_order",
    "validate_limit_order_auction_params",
    "validate_market_order",
    "validate_oracle_auction_params",
    "validate_oracle_order",
    "validate_order",
    "validate_order_for_force_reduce_only",
    "validate_post_only_order",
    "validate_spot_limit_order",
    "validate_spot_order",
    "validate_trigger_limit_order",
    "validate_trigger_limit_price_v1",
    "validate_trigger_market_order",
]
