"""Order math: size and price standardisation, limit prices against the AMM, price bands, triggers, fills.

Prices are in PRICE_PRECISION (1e6), base amounts in BASE_PRECISION (1e9) for perps, quote in QUOTE_PRECISION.
Bids round prices down to the tick and asks round up; sizes round down to the step.

program: math/orders.rs
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .constants import (
    BASE_PRECISION_I128,
    FEE_ADJUSTMENT_MAX,
    MARGIN_PRECISION_I128,
    MARGIN_PRECISION_U128,
    MAX_OPEN_ORDERS,
    MAX_PREDICTION_MARKET_PRICE,
    MAX_PREDICTION_MARKET_PRICE_I64,
    OPEN_ORDER_MARGIN_REQUIREMENT,
    PERCENTAGE_PRECISION_I64,
    PERCENTAGE_PRECISION_I128,
    PRICE_PRECISION_I128,
    QUOTE_PRECISION_I128,
    SPOT_WEIGHT_PRECISION,
    SPOT_WEIGHT_PRECISION_I128,
)
from .enums import (
    MarginRequirementType,
    MarketType,
    OrderBitFlag,
    OrderStatus,
    OrderTriggerCondition,
    PositionDirection,
    PostOnlyParam,
)
from .errors import (
    DriftError,
    InvalidAmmLimitPriceOverride,
    InvalidOrderFillPrice,
    InvalidTriggerOrderCondition,
    MathError,
    MaxNumberOfOrders,
    PriceBandsBreached,
    UserOrderIdAlreadyInUse,
)
from .safe_math import (
    I32,
    I64,
    I128,
    U32,
    U64,
    U128,
    cast,
    checked,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
    signum,
)

if TYPE_CHECKING:
    from .controller_position import PositionDelta
    from .state import (
        AMM,
        FeeTier,
        OraclePriceData,
        Order,
        PerpMarket,
        ProtectedMakerParams,
        SpotMarket,
        StrictOraclePrice,
        User,
    )


def standardize_base_asset_amount_with_remainder_i128(base_asset_amount: int, step_size: int) -> tuple[int, int]:
    """Round toward zero to a multiple of ``step_size``; the remainder keeps the amount's sign.

    program: math/orders.rs::standardize_base_asset_amount_with_remainder_i128
    """
    if step_size == 0:
        raise MathError("step_size is zero")
    remainder = checked((abs(base_asset_amount) % step_size) * signum(base_asset_amount), I128)
    return safe_sub(base_asset_amount, remainder, I128), remainder


def standardize_base_asset_amount(base_asset_amount: int, step_size: int) -> int:
    """Round down to a multiple of ``step_size``. program: math/orders.rs::standardize_base_asset_amount"""
    if step_size == 0:
        raise MathError("step_size is zero")
    return safe_sub(base_asset_amount, base_asset_amount % step_size, U64)


def standardize_base_asset_amount_ceil(base_asset_amount: int, step_size: int) -> int:
    """Round up to a multiple of ``step_size``. program: math/orders.rs::standardize_base_asset_amount_ceil"""
    if step_size == 0:
        raise MathError("step_size is zero")
    remainder = base_asset_amount % step_size
    if remainder == 0:
        return base_asset_amount
    return safe_sub(checked(base_asset_amount + step_size, U64), remainder, U64)


def is_multiple_of_step_size(base_asset_amount: int, step_size: int) -> bool:
    """Whether ``base_asset_amount`` is a whole number of steps. program: math/orders.rs::is_multiple_of_step_size"""
    if step_size == 0:
        raise MathError("step_size is zero")
    return base_asset_amount % step_size == 0


# ----------------------------------------------------------------------------------------------------- prices


def standardize_price(price: int, tick_size: int, direction: PositionDirection) -> int:
    """Snap ``price`` to a multiple of ``tick_size``: bids round down, asks round up (0 stays 0).

    remainder = price mod tick; Long -> price - remainder; Short -> price + tick - remainder.
    ``tick_size == 0`` (with a non-zero price) is ``MathError``; an ask above ``u64::MAX`` after rounding too.
    program: math/orders.rs::standardize_price
    """
    if price == 0:
        return 0
    if tick_size == 0:
        raise MathError("tick_size is zero")
    remainder = price % tick_size
    if remainder == 0:
        return price
    if direction == PositionDirection.Long:
        return safe_sub(price, remainder, U64)
    return safe_sub(safe_add(price, tick_size, U64), remainder, U64)


def standardize_price_i64(price: int, tick_size: int, direction: PositionDirection) -> int:
    """``standardize_price`` for signed prices/offsets: the remainder is Euclidean (always >= 0).

    Long -> price - (price rem_euclid tick) (toward -inf); Short -> price + tick - remainder (toward +inf).
    program: math/orders.rs::standardize_price_i64
    """
    if price == 0:
        return 0
    if tick_size == 0 or (price == I64.min and tick_size == -1):
        raise MathError("checked_rem_euclid failed")
    remainder = price % abs(tick_size)  # rem_euclid: non-negative
    if remainder == 0:
        return price
    if direction == PositionDirection.Long:
        return safe_sub(price, remainder, I64)
    return safe_sub(safe_add(price, tick_size, I64), remainder, I64)


def apply_protected_maker_limit_price_offset(price: int, direction: PositionDirection,
                                             params: ProtectedMakerParams, standardize: bool) -> int:
    """Move a protected maker's limit price away from the market by an offset.

    offset = min(max(price / (10000 / limit_price_divisor or 1000), 8 * tick, dynamic_offset), price / 20);
    bids: ``max(price - offset, tick)`` (saturating), asks: ``price + offset``; optionally tick-standardised.
    program: math/orders.rs::apply_protected_maker_limit_price_offset
    """
    min_offset = (params.tick_size << 3) & U64.max  # checked_shl(3) never fails: high bits are shifted out
    if params.limit_price_divisor > 0:
        limit_price_bps_divisor = 10000 // params.limit_price_divisor
    else:
        limit_price_bps_divisor = 1000
    price_offset = min(max(safe_div(price, limit_price_bps_divisor), min_offset, params.dynamic_offset), price // 20)
    if direction == PositionDirection.Long:
        new_price = max(max(price - price_offset, 0), params.tick_size)
    else:
        new_price = min(price + price_offset, U64.max)
    if standardize:
        return standardize_price(new_price, params.tick_size, direction)
    return new_price


def get_price_for_perp_order(price: int, direction: PositionDirection, post_only: PostOnlyParam, amm: AMM) -> int:
    """A new perp order's limit price: tick-standardised; ``Slide`` post-only moves it one tick off the AMM.

    Slide: a bid at or above the AMM ask becomes ``ask - tick``; an ask at or below the AMM bid ``bid + tick``.
    program: math/orders.rs::get_price_for_perp_order
    """
    limit_price = standardize_price(price, amm.order_tick_size, direction)
    if post_only == PostOnlyParam.Slide:
        reserve_price = amm.reserve_price()
        if direction == PositionDirection.Long:
            amm_ask = amm.ask_price(reserve_price)
            if limit_price >= amm_ask:
                limit_price = safe_sub(amm_ask, amm.order_tick_size, U64)
        else:
            amm_bid = amm.bid_price(reserve_price)
            if limit_price <= amm_bid:
                limit_price = safe_add(amm_bid, amm.order_tick_size, U64)
    return limit_price


# ----------------------------------------------------------------------------------------------- fills vs AMM


def calculate_base_asset_amount_for_amm_to_fulfill(order: Order, market: PerpMarket, limit_price: int | None,
                                                   override_fill_price: int | None,
                                                   existing_base_asset_amount: int,
                                                   fee_tier: FeeTier) -> tuple[int, int | None]:
    """How much of ``order`` the AMM can fill up to its limit price, and the limit price used.

    An ``override_fill_price`` replaces the limit (it must not be worse: ``InvalidAmmLimitPriceOverride``);
    untriggered trigger orders fill 0; post-only limits are shifted by the maker rebate buffer; the size is
    ``min(fill up to limit, AMM available liquidity)``.
    program: math/orders.rs::calculate_base_asset_amount_for_amm_to_fulfill
    """
    from . import amm as amm_math

    if override_fill_price is not None:
        if limit_price is not None:
            ok = ((limit_price >= override_fill_price and order.direction == PositionDirection.Long)
                  or (limit_price <= override_fill_price and order.direction == PositionDirection.Short))
            if not ok:
                raise InvalidAmmLimitPriceOverride(
                    f"override_limit_price={override_fill_price} not better than order_limit_price={limit_price}")
        limit_price = override_fill_price

    if order.must_be_triggered() and not order.triggered():
        return 0, limit_price

    limit_price_with_buffer = calculate_limit_price_with_buffer(order, limit_price, fee_tier, market.fee_adjustment)
    base_asset_amount = calculate_base_asset_amount_to_fill_up_to_limit_price(
        order, market, limit_price_with_buffer, existing_base_asset_amount)
    max_base_asset_amount = amm_math.calculate_amm_available_liquidity(market.amm, order.direction)
    return min(base_asset_amount, max_base_asset_amount), limit_price


def calculate_limit_price_with_buffer(order: Order, limit_price: int | None, fee_tier: FeeTier,
                                      fee_adjustment: int) -> int | None:
    """A post-only order's limit moved by its maker rebate so the AMM fill still earns the rebate.

    buffer = limit * maker_rebate_numerator / maker_rebate_denominator, scaled by (1 +- |fee_adjustment|/100)
    (saturating); bids ``limit - buffer``, asks ``limit + buffer``. Not post-only: the limit unchanged; no limit: None.
    program: math/orders.rs::calculate_limit_price_with_buffer
    """
    if not order.post_only:
        return limit_price
    if limit_price is None:
        return None
    buffer = safe_div(safe_mul(limit_price, fee_tier.maker_rebate_numerator, U64), fee_tier.maker_rebate_denominator)
    if fee_adjustment < 0:
        adjustment = safe_div(safe_mul(buffer, abs(fee_adjustment), U64), FEE_ADJUSTMENT_MAX)
        buffer = max(buffer - adjustment, 0)
    elif fee_adjustment > 0:
        adjustment = safe_div(safe_mul(buffer, fee_adjustment, U64), FEE_ADJUSTMENT_MAX)
        buffer = min(buffer + adjustment, U64.max)
    if order.direction == PositionDirection.Long:
        return safe_sub(limit_price, buffer, U64)
    return safe_add(limit_price, buffer, U64)


def calculate_base_asset_amount_to_fill_up_to_limit_price(order: Order, market: PerpMarket,
                                                          limit_price: int | None,
                                                          existing_base_asset_amount: int | None) -> int:
    """Base the AMM can trade before its price passes one tick inside ``limit_price``, step-standardised.

    Without a limit the whole unfilled size; 0 when the AMM is already past the limit.
    program: math/orders.rs::calculate_base_asset_amount_to_fill_up_to_limit_price
    """
    from . import amm_spread as amm_spread_math

    base_asset_amount_unfilled = order.get_base_asset_amount_unfilled(existing_base_asset_amount)
    if limit_price is not None:
        if order.direction == PositionDirection.Long:
            adjusted_limit_price = safe_sub(limit_price, market.amm.order_tick_size, U64)
        else:
            adjusted_limit_price = safe_add(limit_price, market.amm.order_tick_size, U64)
        max_trade_base_asset_amount, max_trade_direction = \
            amm_spread_math.calculate_base_asset_amount_to_trade_to_price(
                market.amm, adjusted_limit_price, order.direction)
    else:
        max_trade_base_asset_amount, max_trade_direction = base_asset_amount_unfilled, order.direction

    if max_trade_direction != order.direction or max_trade_base_asset_amount == 0:
        return 0
    return standardize_base_asset_amount(min(base_asset_amount_unfilled, max_trade_base_asset_amount),
                                         market.amm.order_step_size)


def calculate_quote_asset_amount_for_maker_order(base_asset_amount: int, fill_price: int, base_decimals: int,
                                                 position_direction: PositionDirection) -> int:
    """Quote for a maker fill ``price * base / 10^decimals``: a maker bid rounds down, a maker ask up.

    program: math/orders.rs::calculate_quote_asset_amount_for_maker_order
    """
    precision_decrease = 10**base_decimals
    if precision_decrease > U128.max:
        raise MathError("10^base_decimals overflows u128")
    product = safe_mul(fill_price, base_asset_amount, U128)
    if position_direction == PositionDirection.Long:
        return cast(safe_div(product, precision_decrease), U64)
    return cast(safe_div_ceil(product, precision_decrease), U64)


def get_position_delta_for_fill(base_asset_amount: int, quote_asset_amount: int,
                                direction: PositionDirection) -> PositionDelta:
    """The position change of a fill: longs add base and pay quote, shorts the reverse.

    program: math/orders.rs::get_position_delta_for_fill
    """
    from .controller_position import PositionDelta

    quote = cast(quote_asset_amount, I64)
    base = cast(base_asset_amount, I64)
    if direction == PositionDirection.Long:
        return PositionDelta(quote_asset_amount=-quote, base_asset_amount=base)
    return PositionDelta(quote_asset_amount=quote, base_asset_amount=-base)


# ------------------------------------------------------------------------------------------- order lifecycle


def should_expire_order(user: User, user_order_index: int, now: int) -> bool:
    """An open, non-trigger order with ``max_ts != 0`` expires once ``now > max_ts``.

    program: math/orders.rs::should_expire_order
    """
    order = user.orders[user_order_index]
    if order.status != OrderStatus.Open or order.max_ts == 0 or order.must_be_triggered():
        return False
    return now > order.max_ts


def should_cancel_reduce_only_order(order: Order, existing_base_asset_amount: int, step_size: int) -> bool:
    """An open reduce-only order whose reducible size fell below one step.

    program: math/orders.rs::should_cancel_reduce_only_order
    """
    return (order.status == OrderStatus.Open and order.reduce_only
            and order.get_base_asset_amount_unfilled(existing_base_asset_amount) < step_size)


def order_breaches_maker_oracle_price_bands(order: Order, oracle_price: int, slot: int, tick_size: int,
                                            margin_ratio_initial: int, is_prediction_market: bool) -> bool:
    """Whether a maker order's limit price crosses the oracle by at least the initial margin ratio.

    program: math/orders.rs::order_breaches_maker_oracle_price_bands
    """
    order_limit_price = order.force_get_limit_price(oracle_price, None, slot, tick_size, is_prediction_market, None)
    return limit_price_breaches_maker_oracle_price_bands(order_limit_price, order.direction, oracle_price,
                                                         margin_ratio_initial)


def limit_price_breaches_maker_oracle_price_bands(order_limit_price: int, order_direction: PositionDirection,
                                                  oracle_price: int, margin_ratio_initial: int) -> bool:
    """A bid above / ask below the oracle by ``pct = |limit - oracle| * 1e4 / oracle >= margin_ratio_initial``.

    Bids at or below (asks at or above) the oracle never breach; the oracle is taken as ``|oracle_price|``.
    program: math/orders.rs::limit_price_breaches_maker_oracle_price_bands
    """
    oracle = abs(oracle_price)
    if order_direction == PositionDirection.Long:
        if order_limit_price <= oracle:
            return False
        diff = safe_sub(order_limit_price, oracle, U64)
    else:
        if order_limit_price >= oracle:
            return False
        diff = safe_sub(oracle, order_limit_price, U64)
    percent_diff = safe_div(safe_mul(diff, MARGIN_PRECISION_U128, U128), oracle)
    return percent_diff >= margin_ratio_initial


def validate_fill_price_within_price_bands(fill_price: int, oracle_price: int, oracle_twap_5min: int,
                                           margin_ratio_initial: int, oracle_twap_5min_percent_divergence: int,
                                           is_prediction_market: bool,
                                           direction: PositionDirection | None) -> None:
    """Reject a fill too far from the oracle or the 5-minute oracle TWAP (``PriceBandsBreached``).

    ok iff ``|fill - oracle| * 1e4 / oracle < margin_ratio_initial`` and
    ``|fill - twap5| * 1e6 / twap5 < oracle_twap_5min_percent_divergence`` (truncating, strict). Skipped for a long
    filling below both (a short above both); prediction markets only require ``fill <= 1e6``.
    program: math/orders.rs::validate_fill_price_within_price_bands
    """
    if is_prediction_market:
        if fill_price > MAX_PREDICTION_MARKET_PRICE:
            raise PriceBandsBreached(f"Fill Price Breaches Prediction Market Price Bands: fill {fill_price}")
        return

    if direction is not None:
        if direction == PositionDirection.Long:
            if fill_price < cast(oracle_price, U64) and fill_price < cast(oracle_twap_5min, U64):
                return
        elif fill_price > cast(oracle_price, U64) and fill_price > cast(oracle_twap_5min, U64):
            return

    fill = cast(fill_price, I64)
    percent_diff = abs(safe_div(safe_mul(safe_sub(fill, oracle_price, I64), MARGIN_PRECISION_I128, I128),
                                oracle_price))
    percent_diff_twap = abs(safe_div(safe_mul(safe_sub(fill, oracle_twap_5min, I64), PERCENTAGE_PRECISION_I128,
                                              I128), oracle_twap_5min))
    if not percent_diff < margin_ratio_initial:
        raise PriceBandsBreached(
            f"Fill Price Breaches Oracle Price Bands: max_oracle_diff {margin_ratio_initial}, pct diff {percent_diff}"
            f" (fill: {fill_price}, oracle: {oracle_price})")
    if not percent_diff_twap < oracle_twap_5min_percent_divergence:
        raise PriceBandsBreached(
            f"Fill Price Breaches Oracle TWAP Price Bands: max_oracle_twap_diff {oracle_twap_5min_percent_divergence},"
            f" pct diff {percent_diff_twap} (fill: {fill_price}, twap: {oracle_twap_5min})")


def is_oracle_too_divergent_with_twap_5min(oracle_price: int, oracle_twap_5min: int, max_divergence: int) -> bool:
    """``|oracle - twap5| * 1e6 / |twap5| >= max_divergence`` (i64, truncating).

    program: math/orders.rs::is_oracle_too_divergent_with_twap_5min
    """
    diff = safe_sub(oracle_price, oracle_twap_5min, I64)
    percent_diff = safe_div(safe_mul(checked(abs(diff), I64), PERCENTAGE_PRECISION_I64, I64),
                            checked(abs(oracle_twap_5min), I64))
    return percent_diff >= max_divergence


def order_satisfies_trigger_condition(order: Order, oracle_price: int) -> bool:
    """Above: ``oracle_price > trigger_price``; Below: ``oracle_price < trigger_price`` (strict).

    An already-triggered condition is ``InvalidTriggerOrderCondition``.
    program: math/orders.rs::order_satisfies_trigger_condition
    """
    if order.trigger_condition == OrderTriggerCondition.Above:
        return oracle_price > order.trigger_price
    if order.trigger_condition == OrderTriggerCondition.Below:
        return oracle_price < order.trigger_price
    raise InvalidTriggerOrderCondition(f"trigger condition {order.trigger_condition}")


def is_new_order_risk_increasing(order: Order, position_base_asset_amount: int, position_bids: int,
                                 position_asks: int) -> bool:
    """Whether a new order can grow risk: not reduce-only and, against an opposite position, open orders
    on its side plus this order exceed the position.

    Long vs short position: ``bids + size > |position|``; short vs long: ``|asks - size| > position``.
    program: math/orders.rs::is_new_order_risk_increasing
    """
    if order.reduce_only:
        return False
    size = cast(order.base_asset_amount, I64)
    if order.direction == PositionDirection.Long:
        if position_base_asset_amount >= 0:
            return True
        return safe_add(position_bids, size, I64) > checked(abs(position_base_asset_amount), I64)
    if position_base_asset_amount <= 0:
        return True
    return checked(abs(safe_sub(position_asks, size, I64)), I64) > position_base_asset_amount


def is_order_position_reducing(order_direction: PositionDirection, order_base_asset_amount: int,
                               position_base_asset_amount: int) -> bool:
    """An order against the position no larger than it (``size <= |position|``).

    program: math/orders.rs::is_order_position_reducing
    """
    if order_direction == PositionDirection.Long and position_base_asset_amount < 0:
        return order_base_asset_amount <= abs(position_base_asset_amount)
    if order_direction == PositionDirection.Short and position_base_asset_amount > 0:
        return order_base_asset_amount <= abs(position_base_asset_amount)
    return False


def validate_fill_price(quote_asset_amount: int, base_asset_amount: int, base_precision: int,
                        order_direction: PositionDirection, order_limit_price: int, is_taker: bool) -> None:
    """``InvalidOrderFillPrice`` when the fill price is worse than the limit.

    A taker's quote is first nudged one unit in its favour (long -1, short +1, saturating) to allow rounding.
    program: math/orders.rs::validate_fill_price
    """
    if is_taker:
        if order_direction == PositionDirection.Long:
            rounded = max(quote_asset_amount - 1, 0)
        else:
            rounded = min(quote_asset_amount + 1, U64.max)
    else:
        rounded = quote_asset_amount
    fill_price = calculate_fill_price(rounded, base_asset_amount, base_precision)
    if order_direction == PositionDirection.Long and fill_price > order_limit_price:
        raise InvalidOrderFillPrice(
            f"long order fill price ({fill_price}) > limit price ({order_limit_price}) is_taker={is_taker}")
    if order_direction == PositionDirection.Short and fill_price < order_limit_price:
        raise InvalidOrderFillPrice(
            f"short order fill price ({fill_price}) < limit price ({order_limit_price}) is_taker={is_taker}")


def calculate_fill_price(quote_asset_amount: int, base_asset_amount: int, base_precision: int) -> int:
    """``quote * base_precision / base`` (u128, truncating, cast to u64).

    program: math/orders.rs::calculate_fill_price
    """
    return cast(safe_div(safe_mul(quote_asset_amount, base_precision, U128), base_asset_amount), U64)


def get_max_fill_amounts(user: User, user_order_index: int, base_market: SpotMarket, quote_market: SpotMarket,
                         is_leaving_drift: bool) -> tuple[int | None, int | None]:
    """Spot fill caps from the user's withdrawable balances: ``(None, max_quote)`` for a bid,
    ``(max_base standardised to the step, None)`` for an ask.

    program: math/orders.rs::get_max_fill_amounts
    """
    direction = user.orders[user_order_index].direction
    if direction == PositionDirection.Long:
        max_quote = cast(get_max_fill_amounts_for_market(user, quote_market, is_leaving_drift), U64)
        return None, max_quote
    max_base = standardize_base_asset_amount(
        cast(get_max_fill_amounts_for_market(user, base_market, is_leaving_drift), U64), base_market.order_step_size)
    return max_base, None


def get_max_fill_amounts_for_market(user: User, market: SpotMarket, is_leaving_drift: bool) -> int:
    """The most the user may withdraw of ``market`` given its signed token amount.

    program: math/orders.rs::get_max_fill_amounts_for_market
    """
    from . import spot_withdraw

    position_index = user.get_spot_position_index(market.market_index)
    token_amount = user.spot_positions[position_index].get_signed_token_amount(market)
    return spot_withdraw.get_max_withdraw_for_market_with_token_amount(market, token_amount, is_leaving_drift)


# ------------------------------------------------------------------------------------------ max order size


def calculate_max_perp_order_size(user: User, position_index: int, market_index: int,
                                  direction: PositionDirection, perp_market_map: Mapping[int, PerpMarket],
                                  spot_market_map: Mapping[int, SpotMarket], oracle_map: Any) -> int:
    """The largest perp order (base, step-standardised) the user's initial margin allows in ``direction``.

    From the strict initial-margin free collateral (the isolated position's when isolated): first the size that
    closes the worst-case position against ``direction`` (releasing its margin), then
    ``(free + released - ratio-change adjustment - OPEN_ORDER_MARGIN_REQUIREMENT) * 1e9 * 1e4 / margin_ratio
    * 1e6 / oracle * 1e6 / max(quote oracle, quote twap5) / 1e6``, re-solved up to 6 times as the size-dependent
    margin ratio (raised to the user's and position's custom ratios) changes. No free collateral: just the
    closing size. Maps as in ``driftlab.exact.margin``.
    program: math/orders.rs::calculate_max_perp_order_size
    """
    from . import margin as margin_math
    from .margin_calculation import MarginContext

    context = MarginContext.standard(MarginRequirementType.Initial).with_strict(True)
    oracles = margin_math._oracle_lookup(oracle_map)
    margin_calculation = margin_math.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracles, context)

    user_custom_margin_ratio = user.max_margin_ratio
    perp_position = user.perp_positions[position_index]
    perp_position_margin_ratio = perp_position.max_margin_ratio
    user_high_leverage_mode = user.is_high_leverage_mode(MarginRequirementType.Initial)

    if perp_position.is_isolated():
        free_collateral_before = cast(margin_calculation.get_isolated_free_collateral(market_index), I128)
    else:
        free_collateral_before = cast(margin_calculation.get_cross_free_collateral(), I128)

    perp_market = margin_math._get_perp_market(perp_market_map, market_index)
    oracle_price_data_price = oracles.get_price_data(MarketType.Perp, market_index, perp_market.oracle_id()).price
    quote_spot_market = margin_math._get_spot_market(spot_market_map, perp_market.quote_spot_market_index)
    quote_oracle_price = max(
        oracles.get_price_data(MarketType.Spot, quote_spot_market.market_index, quote_spot_market.oracle_id()).price,
        quote_spot_market.historical_oracle_data.last_oracle_price_twap_5min)

    worst_case_base_asset_amount, worst_case_liability_value = perp_position.worst_case_liability_value(
        oracle_price_data_price, perp_market.contract_type)

    def ratio_for(size: int) -> int:
        return max(perp_market.get_margin_ratio(size, MarginRequirementType.Initial, user_high_leverage_mode),
                   user_custom_margin_ratio, perp_position_margin_ratio)

    margin_ratio = ratio_for(abs(worst_case_base_asset_amount))

    order_size_to_reduce_position = 0
    free_collateral_released = 0
    if worst_case_base_asset_amount < 0 and direction == PositionDirection.Long:
        order_size_to_reduce_position = abs(max(
            safe_sub(cast(abs(worst_case_base_asset_amount), I64), perp_position.open_bids, I64), 0))
        free_collateral_released = cast(safe_div(safe_mul(worst_case_liability_value, margin_ratio, U128),
                                                 MARGIN_PRECISION_U128), I128)
    elif worst_case_base_asset_amount > 0 and direction == PositionDirection.Short:
        order_size_to_reduce_position = abs(max(
            safe_add(cast(worst_case_base_asset_amount, I64), perp_position.open_asks, I64), 0))
        free_collateral_released = cast(safe_div(safe_mul(worst_case_liability_value, margin_ratio, U128),
                                                 MARGIN_PRECISION_U128), I128)

    if free_collateral_before <= 0:
        return standardize_base_asset_amount(order_size_to_reduce_position, perp_market.amm.order_step_size)

    if not perp_market.is_prediction_market() or direction == PositionDirection.Long:
        oracle_price = oracle_price_data_price
    else:
        oracle_price = safe_sub(MAX_PREDICTION_MARKET_PRICE_I64, oracle_price_data_price, I64)

    def order_size_and_margin_ratio(ratio: int, margin_ratio_delta: int) -> tuple[int, int]:
        fc_from_ratio_delta = safe_div(safe_mul(safe_div(safe_mul(worst_case_base_asset_amount, oracle_price, I128),
                                                         BASE_PRECISION_I128), margin_ratio_delta, I128),
                                       MARGIN_PRECISION_I128)
        numerator = safe_sub(safe_sub(safe_add(free_collateral_before, free_collateral_released, I128),
                                      fc_from_ratio_delta, I128), OPEN_ORDER_MARGIN_REQUIREMENT, I128)
        value = safe_mul(safe_mul(numerator, BASE_PRECISION_I128, I128), MARGIN_PRECISION_U128, I128)
        value = safe_div(safe_mul(safe_div(value, ratio), PRICE_PRECISION_I128, I128), oracle_price)
        value = safe_div(safe_div(safe_mul(value, PRICE_PRECISION_I128, I128), quote_oracle_price),
                         QUOTE_PRECISION_I128)
        new_order_size = cast(value, U64)
        new_worst_case = safe_add(worst_case_base_asset_amount, new_order_size, I128)  # added for either direction
        return new_order_size, ratio_for(abs(new_worst_case))

    order_size = 0
    updated_margin_ratio = margin_ratio
    margin_ratio_delta = 0
    for _ in range(6):
        new_order_size, new_margin_ratio = order_size_and_margin_ratio(updated_margin_ratio, margin_ratio_delta)
        order_size = new_order_size
        if new_margin_ratio == updated_margin_ratio:
            break
        margin_ratio_delta = safe_sub(cast(new_margin_ratio, I32), cast(margin_ratio, I32), I32)
        updated_margin_ratio = new_margin_ratio

    return standardize_base_asset_amount(safe_add(order_size, order_size_to_reduce_position, U64),
                                         perp_market.amm.order_step_size)


def find_new_order_index(user: User, user_order_id: int) -> int:
    """The slot a new order goes into: the first of the user's 32 order slots (``MAX_OPEN_ORDERS``) that is not
    Open (``MaxNumberOfOrders`` when all 32 are open); a non-zero ``user_order_id`` already used by an open order
    is ``UserOrderIdAlreadyInUse``.

    program: controller/orders.rs::place_perp_order (the order-slot lookup at its start; inline in the program)
    """
    new_order_index = next((i for i, order in enumerate(user.orders) if order.is_available()), None)
    if new_order_index is None:
        raise MaxNumberOfOrders(f"all {len(user.orders)} order slots are open (MAX_OPEN_ORDERS={MAX_OPEN_ORDERS})")
    if user_order_id > 0 and any(order.user_order_id == user_order_id and not order.is_available()
                                 for order in user.orders):
        raise UserOrderIdAlreadyInUse(f"user_order_id is already in use {user_order_id}")
    return new_order_index


def calculate_max_spot_order_size(user: User, market_index: int, direction: PositionDirection,
                                  perp_market_map: Mapping[int, PerpMarket],
                                  spot_market_map: Mapping[int, SpotMarket], oracle_map: Any) -> int:
    """The largest spot order (token amount, step-standardised) the user's strict initial margin allows.

    First the size that flips the riskier-side worst case back to zero (regaining its weighted value), then
    ``(free collateral - OPEN_ORDER_MARGIN_REQUIREMENT) * decimals scale * 1e4 / free_collateral_delta * 1e6 /
    max(oracle, twap5)``, re-solved up to 6 times as the size-dependent weight changes (the loop stops when the
    new delta equals the *first* one). Weights are tightened by the user's custom margin ratio.
    program: math/orders.rs::calculate_max_spot_order_size
    """
    from . import margin as margin_math
    from .margin_calculation import MarginContext
    from .spot_balance import get_strict_token_value
    from .state import StrictOraclePrice

    oracles = margin_math._oracle_lookup(oracle_map)
    calculation = margin_math.calculate_margin_requirement_and_total_collateral_and_liability_info(
        user, perp_market_map, spot_market_map, oracles,
        MarginContext.standard(MarginRequirementType.Initial).with_strict(True))

    user_custom_margin_ratio = user.max_margin_ratio
    user_custom_liability_weight = min(user.max_margin_ratio + SPOT_WEIGHT_PRECISION, U32.max)
    user_custom_asset_weight = max(SPOT_WEIGHT_PRECISION - user_custom_margin_ratio, 0)

    order_size_to_flip = 0
    free_collateral = safe_sub(calculation.total_collateral, cast(calculation.margin_requirement, I128), I128)

    spot_market = margin_math._get_spot_market(spot_market_map, market_index)
    oracle_price_data = oracles.get_price_data(MarketType.Spot, market_index, spot_market.oracle_id())
    twap = spot_market.historical_oracle_data.last_oracle_price_twap_5min
    strict_oracle_price = StrictOraclePrice.new(oracle_price_data.price, twap, True)
    max_oracle_price = strict_oracle_price.max()

    spot_position = user.get_spot_position(market_index)
    signed_token_amount = spot_position.get_signed_token_amount(spot_market)
    bid_simulation, ask_simulation = (
        simulation.apply_user_custom_margin_ratio(spot_market, strict_oracle_price.current, user_custom_margin_ratio)
        for simulation in spot_position.simulate_fills_both_sides(
            spot_market, strict_oracle_price, signed_token_amount, MarginRequirementType.Initial))
    worst_case_token_amount = type(bid_simulation).riskier_side(ask_simulation, bid_simulation).token_amount

    def delta_per_order(weight: int) -> int:
        value = safe_mul(abs(safe_sub(weight, SPOT_WEIGHT_PRECISION_I128, I128)), max_oracle_price, I128)
        return safe_div(safe_mul(safe_div(value, PRICE_PRECISION_I128), QUOTE_PRECISION_I128, I128),
                        SPOT_WEIGHT_PRECISION_I128)

    flips = ((worst_case_token_amount < 0 and direction == PositionDirection.Long)
             or (worst_case_token_amount > 0 and direction == PositionDirection.Short))
    if flips:
        if direction == PositionDirection.Long:
            difference = abs(max(safe_sub(bid_simulation.free_collateral_contribution,
                                          ask_simulation.free_collateral_contribution, I128), 0))
            token_amount = bid_simulation.token_amount
            has_opposite = token_amount < 0
        else:
            difference = abs(max(safe_sub(ask_simulation.free_collateral_contribution,
                                          bid_simulation.free_collateral_contribution, I128), 0))
            token_amount = ask_simulation.token_amount
            has_opposite = token_amount > 0
        if has_opposite:
            token_value = get_strict_token_value(token_amount, spot_market.decimals, strict_oracle_price)
            if direction == PositionDirection.Long:
                weight = max(spot_market.get_liability_weight(abs(token_amount), MarginRequirementType.Initial),
                             user_custom_liability_weight)
                regain_factor = safe_sub(weight, SPOT_WEIGHT_PRECISION, U32)
            else:
                weight = min(spot_market.get_asset_weight(abs(token_amount), strict_oracle_price.current,
                                                          MarginRequirementType.Initial), user_custom_asset_weight)
                regain_factor = safe_sub(SPOT_WEIGHT_PRECISION, weight, U32)
            regained = safe_div(safe_mul(abs(token_value), regain_factor, I128), SPOT_WEIGHT_PRECISION_I128)
            difference = safe_add(difference, regained, I128)
            order_size_to_flip = cast(abs(token_amount), U64)
            token_amount = 0
        if direction == PositionDirection.Long:
            weight = min(spot_market.get_asset_weight(abs(token_amount), strict_oracle_price.current,
                                                      MarginRequirementType.Initial), user_custom_asset_weight)
        else:
            weight = max(spot_market.get_liability_weight(abs(token_amount), MarginRequirementType.Initial),
                         user_custom_liability_weight)
        extra = cast(safe_div(safe_mul(difference, spot_market.get_precision(), I128), delta_per_order(weight)), U64)
        order_size_to_flip = safe_add(order_size_to_flip, extra, U64)
        worst_case_token_amount = safe_sub(token_amount, order_size_to_flip, I128)

    if free_collateral <= 0:
        return standardize_base_asset_amount(order_size_to_flip, spot_market.order_step_size)

    free_collateral_delta = calculate_free_collateral_delta_for_spot(
        spot_market, abs(worst_case_token_amount), strict_oracle_price, direction, user_custom_liability_weight,
        user_custom_asset_weight)
    if spot_market.decimals > 6:
        numerator_scale, denominator_scale = 10 ** (spot_market.decimals - 6), 1
    else:
        numerator_scale, denominator_scale = 1, 10 ** (6 - spot_market.decimals)

    def order_size_and_delta(delta: int) -> tuple[int, int]:
        value = safe_mul(safe_sub(free_collateral, OPEN_ORDER_MARGIN_REQUIREMENT, I128), numerator_scale, I128)
        value = safe_div(safe_mul(safe_div(value, denominator_scale), SPOT_WEIGHT_PRECISION, I128), delta)
        new_order_size = cast(safe_div(safe_mul(value, PRICE_PRECISION_I128, I128), max_oracle_price), U64)
        new_delta = calculate_free_collateral_delta_for_spot(
            spot_market, safe_add(abs(worst_case_token_amount), new_order_size, U128), strict_oracle_price,
            direction, user_custom_liability_weight, user_custom_asset_weight)
        return new_order_size, new_delta

    order_size = 0
    updated_delta = free_collateral_delta
    for _ in range(6):
        order_size, updated_delta = order_size_and_delta(updated_delta)
        if updated_delta == free_collateral_delta:
            break

    return standardize_base_asset_amount(safe_add(order_size, order_size_to_flip, U64), spot_market.order_step_size)


def calculate_free_collateral_delta_for_spot(spot_market: SpotMarket, worst_case_token_amount: int,
                                             strict_oracle_price: StrictOraclePrice, order_direction: PositionDirection,
                                             user_custom_liability_weight: int, user_custom_asset_weight: int) -> int:
    """Free collateral used per unit of order value: ``1e4 - asset weight`` for bids, ``liability weight - 1e4``
    for asks (weights at the worst-case size, tightened by the user's custom weights).

    program: math/orders.rs::calculate_free_collateral_delta_for_spot
    """
    if order_direction == PositionDirection.Long:
        weight = min(spot_market.get_asset_weight(worst_case_token_amount, strict_oracle_price.current,
                                                  MarginRequirementType.Initial), user_custom_asset_weight)
        return safe_sub(SPOT_WEIGHT_PRECISION, weight, U32)
    weight = max(spot_market.get_liability_weight(worst_case_token_amount, MarginRequirementType.Initial),
                 user_custom_liability_weight)
    return safe_sub(weight, SPOT_WEIGHT_PRECISION, U32)


# ---------------------------------------------------------------------------------------------- maker orders


def find_maker_orders(user: User, direction: PositionDirection, market_type: MarketType, market_index: int,
                      valid_oracle_price: int | None, slot: int, tick_size: int, is_prediction_market: bool,
                      protected_maker_params: ProtectedMakerParams | None) -> list[tuple[int, int]]:
    """``(order_index, limit_price)`` of the user's open limit orders on one side of one market.

    Skips non-limit orders and untriggered trigger-limit orders.
    program: math/orders.rs::find_maker_orders
    """
    orders: list[tuple[int, int]] = []
    for order_index, order in enumerate(user.orders):
        if order.status != OrderStatus.Open:
            continue
        if order.direction != direction or order.market_type != market_type or order.market_index != market_index:
            continue
        if not order.is_limit_order() or (order.must_be_triggered() and not order.triggered()):
            continue
        limit_price = order.force_get_limit_price(valid_oracle_price, None, slot, tick_size, is_prediction_market,
                                                  protected_maker_params)
        orders.append((order_index, limit_price))
    return orders


@dataclass
class Level:
    """A book level. program: math/orders.rs::Level"""

    price: int = 0  # u64
    base_asset_amount: int = 0  # u64


_LEVELS_CAPACITY = 32


def _rust_binary_search_by(levels: list[Level], compare: Callable[[Level], int]) -> int:
    """``slice::binary_search_by`` (the Rust <= 1.81 algorithm): the index found or the insertion point."""
    size = len(levels)
    left, right = 0, size
    while left < right:
        mid = left + size // 2
        cmp = compare(levels[mid])
        if cmp < 0:
            left = mid + 1
        elif cmp > 0:
            right = mid
        else:
            return mid
        size = right - left
    return left


def find_bids_and_asks_from_users(perp_market: PerpMarket, oracle_price_date: OraclePriceData,
                                  users: Iterable[User], slot: int, now: int) -> tuple[list[Level], list[Level]]:
    """The resting limit-order book of a perp market: bids best (highest) first, asks lowest first, 32 each.

    ``users`` stands for the program's ``UserMap`` (any iterable of ``User``, in the map's order).
    program: math/orders.rs::find_bids_and_asks_from_users
    """
    bids: list[Level] = []
    asks: list[Level] = []
    market_index = perp_market.market_index
    tick_size = perp_market.amm.order_tick_size
    oracle_price = oracle_price_date.price

    def insert_order(base_asset_amount: int, price: int, direction: PositionDirection) -> None:
        levels = bids if direction == PositionDirection.Long else asks
        if direction == PositionDirection.Long:
            index = _rust_binary_search_by(levels, lambda level: (price > level.price) - (price < level.price))
        else:
            index = _rust_binary_search_by(levels, lambda level: (level.price > price) - (level.price < price))
        if index < _LEVELS_CAPACITY:
            if len(levels) == _LEVELS_CAPACITY:
                levels.pop()
            levels.insert(index, Level(price=price, base_asset_amount=base_asset_amount))

    for user in users:
        for order in user.orders:
            if order.status != OrderStatus.Open:
                continue
            if order.market_type != MarketType.Perp or order.market_index != market_index:
                continue
            if not order.is_limit_order() or (order.must_be_triggered() and not order.triggered()):
                continue
            if not order.is_resting_limit_order(slot):
                continue
            if now > order.max_ts and order.max_ts != 0:
                continue
            existing_position = user.get_perp_position(market_index).base_asset_amount
            base_amount = order.get_base_asset_amount_unfilled(existing_position)
            limit_price = order.force_get_limit_price(oracle_price, None, slot, tick_size,
                                                      perp_market.is_prediction_market(), None)
            insert_order(base_amount, limit_price, order.direction)
    return bids, asks


def filter_bids_asks_by_oracle_divergence(bids: list[Level], asks: list[Level], oracle_price: int,
                                          max_divergence_percent: int) -> tuple[list[Level], list[Level]]:
    """Drop bids below ``oracle * (100 - pct) / 100`` and asks above ``oracle * (100 + pct) / 100``.

    ``max_divergence_percent > 100`` underflows ``100 - pct`` (a panic in the program; ``MathError`` here).
    program: math/orders.rs::filter_bids_asks_by_oracle_divergence
    """
    oracle_abs = max(abs(oracle_price), 1)
    min_bid_price = cast(safe_mul(oracle_abs, min(safe_sub(100, max_divergence_percent, U64), 100), U128) // 100,
                         U64)
    max_ask_price = cast(safe_mul(oracle_abs, safe_add(100, max_divergence_percent, U64), U128) // 100, U64)
    return ([level for level in bids if level.price >= min_bid_price],
            [level for level in asks if level.price <= max_ask_price])


def estimate_price_from_side(side: list[Level], depth: int) -> int | None:
    """Average price to fill ``depth`` through the levels (``sum(price*base) / depth``), None if too thin.

    program: math/orders.rs::estimate_price_from_side
    """
    depth_remaining = depth
    cumulative_base = 0
    cumulative_quote = 0
    for level in side:
        base_delta = min(level.base_asset_amount, depth_remaining)
        cumulative_base = safe_add(cumulative_base, base_delta, U64)
        depth_remaining = safe_sub(depth_remaining, base_delta, U64)
        cumulative_quote = safe_add(cumulative_quote, safe_mul(level.price, base_delta, U128), U128)
        if depth_remaining == 0:
            break
    if depth_remaining != 0:
        return None
    return cast(safe_div(cumulative_quote, cumulative_base), U64)


def select_margin_type_for_perp_maker(maker: User, base_asset_amount_filled: int,
                                      market_index: int) -> tuple[MarginRequirementType, bool]:
    """Maintenance for a maker fill that closes or shrinks the position, else Fill (with ``True``).

    program: math/orders.rs::select_margin_type_for_perp_maker
    """
    try:
        position_after_fill = maker.get_perp_position(market_index).base_asset_amount
    except DriftError:
        position_after_fill = 0
    position_before = safe_sub(position_after_fill, base_asset_amount_filled, I64)
    if position_after_fill == 0:
        return MarginRequirementType.Maintenance, False
    if signum(position_after_fill) == signum(position_before) and abs(position_after_fill) < abs(position_before):
        return MarginRequirementType.Maintenance, False
    return MarginRequirementType.Fill, True


def get_posted_slot_from_clock_slot(slot: int) -> int:
    """The slot's low byte. program: math/orders.rs::get_posted_slot_from_clock_slot"""
    return slot & 0xFF


def set_order_bit_flag(flags: int, value: bool, flag: OrderBitFlag) -> int:
    """Set or clear ``flag`` in the u8 ``flags``. program: math/orders.rs::set_order_bit_flag"""
    return (flags | int(flag)) & 0xFF if value else flags & ~int(flag) & 0xFF


def calculate_existing_position_fields_for_order_action(
        base_asset_amount_filled: int,
        existing_position_params: tuple[int, int] | None) -> tuple[int | None, int | None]:
    """The part of the existing position an order action closed: ``(quote_entry closed, base closed)``.

    ``existing_position_params = (quote_entry_amount, base_asset_amount)``: a fill larger than the position closes
    all of it ``(quote_entry, base)``; otherwise ``(quote_entry * filled / base, None)``; no position: ``(None, None)``.
    program: math/orders.rs::calculate_existing_position_fields_for_order_action
    """
    if existing_position_params is None:
        return None, None
    quote_entry_amount, base_asset_amount = existing_position_params
    if base_asset_amount == 0:
        return None, None
    if base_asset_amount_filled > base_asset_amount:
        return quote_entry_amount, base_asset_amount
    return cast(safe_div(safe_mul(quote_entry_amount, base_asset_amount_filled, U128), base_asset_amount), U64), None


__all__ = [
    "Level",
    "apply_protected_maker_limit_price_offset",
    "calculate_base_asset_amount_for_amm_to_fulfill",
    "calculate_base_asset_amount_to_fill_up_to_limit_price",
    "calculate_existing_position_fields_for_order_action",
    "calculate_fill_price",
    "calculate_limit_price_with_buffer",
    "calculate_free_collateral_delta_for_spot",
    "calculate_max_perp_order_size",
    "calculate_max_spot_order_size",
    "calculate_quote_asset_amount_for_maker_order",
    "estimate_price_from_side",
    "filter_bids_asks_by_oracle_divergence",
    "find_bids_and_asks_from_users",
    "find_maker_orders",
    "find_new_order_index",
    "get_max_fill_amounts",
    "get_max_fill_amounts_for_market",
    "get_position_delta_for_fill",
    "get_posted_slot_from_clock_slot",
    "get_price_for_perp_order",
    "is_multiple_of_step_size",
    "is_new_order_risk_increasing",
    "is_oracle_too_divergent_with_twap_5min",
    "is_order_position_reducing",
    "limit_price_breaches_maker_oracle_price_bands",
    "order_breaches_maker_oracle_price_bands",
    "order_satisfies_trigger_condition",
    "select_margin_type_for_perp_maker",
    "set_order_bit_flag",
    "should_cancel_reduce_only_order",
    "should_expire_order",
    "standardize_base_asset_amount",
    "standardize_base_asset_amount_ceil",
    "standardize_base_asset_amount_with_remainder_i128",
    "standardize_price",
    "standardize_price_i64",
    "validate_fill_price",
    "validate_fill_price_within_price_bands",
]
