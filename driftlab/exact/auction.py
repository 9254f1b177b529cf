"""Auctions: the JIT auction price over slots, auction params for new and triggered orders, durations.

A perp taker order starts with a Dutch auction of ``auction_duration`` slots from ``auction_start_price`` to
``auction_end_price``: fixed prices for Market/TriggerMarket/TriggerLimit (and Limit orders without an oracle
offset), oracle offsets for Oracle orders, oracle-offset Limit orders and oracle TriggerMarket orders. The
price moves linearly with the slots elapsed (truncating toward the start) and is snapped to the tick
(bids down, asks up). The ``OrderParams`` auction helpers of ``state/order_params.rs`` live here too and are
exposed as ``OrderParams`` methods in ``state.py``.

program: math/auction.rs, state/order_params.rs (auction helpers), controller/orders.rs::get_auction_params
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import (
    AUCTION_DERIVE_PRICE_FRACTION,
    MAX_PREDICTION_MARKET_PRICE,
    MAX_PREDICTION_MARKET_PRICE_I64,
    ONE_HUNDRED_THOUSAND_QUOTE,
    PERCENTAGE_PRECISION_I64,
    PERCENTAGE_PRECISION_U64,
    PRICE_PRECISION_I64,
)
from .enums import (
    ContractTier,
    MarketType,
    OrderBitFlag,
    OrderType,
    PositionDirection,
    PostOnlyParam,
)
from .errors import FailedUnwrap, InvalidOrderAuction, MathError, OracleNotFound
from .orders import standardize_price, standardize_price_i64
from .safe_math import I64, U64, cast, safe_add, safe_div, safe_div_ceil, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import OraclePriceData, Order, OrderParams, PerpMarket


def _rust_div_i64(a: int, b: int) -> int:
    """Rust's plain ``/`` on i64 (truncating; ``MathError`` for /0 or MIN/-1, which would panic)."""
    if b == -1 and a == I64.min:
        raise MathError("i64 division overflow")
    return safe_div(a, b)


# ------------------------------------------------------------------------------------------- auction prices


def calculate_auction_prices(oracle_price_data: OraclePriceData, direction: PositionDirection,
                             limit_price: int) -> tuple[int, int]:
    """Default ``(auction_start_price, auction_end_price)`` around the oracle, 0.5% (1/200) wide.

    No limit: ``(oracle, oracle +- oracle/200)``. Long with limit < oracle:
    ``(min(limit - limit/200, oracle - oracle/200), limit)``; long with limit >= oracle:
    ``(oracle, min(limit, oracle + oracle/200))``; shorts mirror this.
    program: math/auction.rs::calculate_auction_prices
    """
    oracle_price = oracle_price_data.price
    limit = cast(limit_price, I64)
    frac = AUCTION_DERIVE_PRICE_FRACTION
    if limit > 0:
        if direction == PositionDirection.Long:
            if limit < oracle_price:
                limit_derive_start_price = safe_sub(limit, _rust_div_i64(limit, frac), I64)
                oracle_derive_start_price = safe_sub(oracle_price, _rust_div_i64(oracle_price, frac), I64)
                return min(limit_derive_start_price, oracle_derive_start_price), limit
            oracle_derive_end_price = safe_add(oracle_price, _rust_div_i64(oracle_price, frac), I64)
            return oracle_price, min(limit, oracle_derive_end_price)
        if limit > oracle_price:
            limit_derive_start_price = safe_add(limit, _rust_div_i64(limit, frac), I64)
            oracle_derive_start_price = safe_add(oracle_price, _rust_div_i64(oracle_price, frac), I64)
            return max(limit_derive_start_price, oracle_derive_start_price), limit
        oracle_derive_end_price = safe_sub(oracle_price, _rust_div_i64(oracle_price, frac), I64)
        return oracle_price, max(limit, oracle_derive_end_price)

    if direction == PositionDirection.Long:
        auction_end_price = safe_add(oracle_price, _rust_div_i64(oracle_price, frac), I64)
    else:
        auction_end_price = safe_sub(oracle_price, _rust_div_i64(oracle_price, frac), I64)
    return oracle_price, auction_end_price


def calculate_auction_price(order: Order, slot: int, tick_size: int, valid_oracle_price: int | None,
                            is_prediction_market: bool) -> int:
    """The order's auction price at ``slot``: fixed-price or oracle-offset auction by order type.

    Oracle-offset auction for Oracle orders, Limit orders with an oracle offset and TriggerMarket orders with the
    OracleTriggerMarket bit; fixed-price otherwise.
    program: math/auction.rs::calculate_auction_price
    """
    order_type = order.order_type
    if order_type == OrderType.TriggerMarket and order.is_bit_flag_set(OrderBitFlag.OracleTriggerMarket):
        return calculate_auction_price_for_oracle_offset_auction(order, slot, tick_size, valid_oracle_price,
                                                                 is_prediction_market)
    if order_type in (OrderType.Market, OrderType.TriggerMarket, OrderType.TriggerLimit):
        return calculate_auction_price_for_fixed_auction(order, slot, tick_size)
    if order_type == OrderType.Limit:
        if order.has_oracle_price_offset():
            return calculate_auction_price_for_oracle_offset_auction(order, slot, tick_size, valid_oracle_price,
                                                                     is_prediction_market)
        return calculate_auction_price_for_fixed_auction(order, slot, tick_size)
    return calculate_auction_price_for_oracle_offset_auction(order, slot, tick_size, valid_oracle_price,
                                                             is_prediction_market)


def calculate_auction_price_for_fixed_auction(order: Order, slot: int, tick_size: int) -> int:
    """Linear fixed-price auction: ``start +- |end - start| * min(elapsed, duration) / duration``, tick-snapped.

    Prices are u64 here: a negative start/end is ``CastingFailure``, a long with ``end < start`` (short with
    ``start < end``) or ``slot < order.slot`` is ``MathError``. Duration 0 gives the end price.
    program: math/auction.rs::calculate_auction_price_for_fixed_auction
    """
    slots_elapsed = safe_sub(slot, order.slot, U64)
    delta_numerator = min(slots_elapsed, order.auction_duration)
    delta_denominator = order.auction_duration
    auction_start_price = cast(order.auction_start_price, U64)
    auction_end_price = cast(order.auction_end_price, U64)
    if delta_denominator == 0:
        return standardize_price(auction_end_price, tick_size, order.direction)
    if order.direction == PositionDirection.Long:
        price_delta = safe_div(safe_mul(safe_sub(auction_end_price, auction_start_price, U64), delta_numerator, U64),
                               delta_denominator)
        price = safe_add(auction_start_price, price_delta, U64)
    else:
        price_delta = safe_div(safe_mul(safe_sub(auction_start_price, auction_end_price, U64), delta_numerator, U64),
                               delta_denominator)
        price = safe_sub(auction_start_price, price_delta, U64)
    return standardize_price(price, tick_size, order.direction)


def calculate_auction_price_for_oracle_offset_auction(order: Order, slot: int, tick_size: int,
                                                      valid_oracle_price: int | None,
                                                      is_prediction_market: bool) -> int:
    """Linear auction on oracle offsets: ``max(oracle + offset(slot), tick_size)``, $1-capped for prediction
    markets, tick-snapped. No oracle: ``OracleNotFound``.

    offset(slot) = ``start +- (end - start) * min(elapsed, duration) / duration`` (i64, truncating toward start).
    program: math/auction.rs::calculate_auction_price_for_oracle_offset_auction
    """
    if valid_oracle_price is None:
        raise OracleNotFound("Could not find oracle too calculate oracle offset auction price")
    oracle_price = valid_oracle_price
    slots_elapsed = safe_sub(slot, order.slot, U64)
    delta_numerator = min(slots_elapsed, order.auction_duration)
    delta_denominator = order.auction_duration
    start_offset = order.auction_start_price
    end_offset = order.auction_end_price

    if delta_denominator == 0:
        price_offset = end_offset
    else:
        if order.direction == PositionDirection.Long:
            delta = safe_div(safe_mul(safe_sub(end_offset, start_offset, I64), delta_numerator, I64),
                             delta_denominator)
            price_offset = safe_add(start_offset, delta, I64)
        else:
            delta = safe_div(safe_mul(safe_sub(start_offset, end_offset, I64), delta_numerator, I64),
                             delta_denominator)
            price_offset = safe_sub(start_offset, delta, I64)

    price = cast(max(safe_add(oracle_price, price_offset, I64), cast(tick_size, I64)), U64)
    if is_prediction_market:
        price = min(price, MAX_PREDICTION_MARKET_PRICE)
    return standardize_price(price, tick_size, order.direction)


def is_auction_complete(order_slot: int, auction_duration: int, slot: int) -> bool:
    """``slot - order_slot > auction_duration`` (duration 0: complete; ``slot < order_slot``: ``MathError``).

    program: math/auction.rs::is_auction_complete
    """
    if auction_duration == 0:
        return True
    slots_elapsed = safe_sub(slot, order_slot, U64)
    return slots_elapsed > auction_duration


def calculate_auction_params_for_trigger_order(order: Order, oracle_price_data: OraclePriceData,
                                               min_auction_duration: int,
                                               perp_market: PerpMarket | None) -> tuple[int, int, int]:
    """``(auction_duration, auction_start_price, auction_end_price)`` given to an order when it triggers.

    Without a market: ``(min_auction_duration, *calculate_auction_prices(oracle, direction, order.price))``.
    With a perp market: the derived oracle (TriggerMarket) or market (TriggerLimit) auction params with a crossing
    start buffer of -500 ppm (tiers A/B) or -3500 ppm, and ``max(min_auction_duration, derived duration)``.
    program: math/auction.rs::calculate_auction_params_for_trigger_order
    """
    auction_duration = min_auction_duration
    if perp_market is not None:
        auction_start_buffer = -500 if perp_market.contract_tier.is_as_safe_as_contract(ContractTier.B) else -3_500
        if order.order_type == OrderType.TriggerMarket:
            start, end, derived_duration = derive_oracle_order_auction_params(
                perp_market, order.direction, oracle_price_data.price, None, auction_start_buffer)
        else:
            start, end, derived_duration = derive_market_order_auction_params(
                perp_market, order.direction, oracle_price_data.price, order.price, auction_start_buffer)
        return max(auction_duration, derived_duration), start, end
    start, end = calculate_auction_prices(oracle_price_data, order.direction, order.price)
    return auction_duration, start, end


# ------------------------------------------------------------------------------ OrderParams auction helpers


def get_auction_duration(price_diff: int, price: int, contract_tier: ContractTier) -> int:
    """Auction slots for a price move: ``clamp(ceil(diff*1e6/price * slots_per_pct / 1e4), 1, 180)``.

    slots_per_pct = 100 for tiers A/B, 60 otherwise (1% -> 100 or 60 slots). ``price == 0`` panics in the
    program (plain ``/``); here ``MathError``.
    program: state/order_params.rs::get_auction_duration
    """
    if price == 0:
        raise MathError("division by zero")
    percent_diff = safe_mul(price_diff, PERCENTAGE_PRECISION_U64, U64) // price
    slots_per_pct = 100 if contract_tier.is_as_safe_as_contract(ContractTier.B) else 60
    slots = safe_div_ceil(safe_mul(percent_diff, slots_per_pct, U64), PERCENTAGE_PRECISION_U64 // 100)
    return min(max(slots, 1), 180) & 0xFF


def get_perp_baseline_start_price_offset(perp_market: PerpMarket, direction: PositionDirection) -> int:
    """Baseline auction start as an oracle offset.

    Stale TWAPs (oracle/mark TWAP timestamps >= 60 s apart) or ``volume_24h <= 100k``: ``+bid_twap/div`` for longs,
    ``-ask_twap/div`` for shorts (div 500 for A/B, 100 otherwise). Otherwise the slow premium
    ``bid/ask twap - oracle twap`` and the fast premium ``mark twap 5min - oracle twap 5min``: when within
    ``mark_twap_5min/200`` of each other, longs take ``min(slow + long_spread*slow_twap/1e7,
    fast - short_spread*slow_twap/1e7)`` and shorts ``max(slow - short_spread..., fast + long_spread...)``; else fast.
    program: state/order_params.rs::OrderParams::get_perp_baseline_start_price_offset
    """
    amm = perp_market.amm
    hist = amm.historical_oracle_data
    ts_gap = checked_abs_i64(safe_sub(hist.last_oracle_price_twap_ts, amm.last_mark_price_twap_ts, I64))
    if ts_gap >= 60 or amm.volume_24h <= ONE_HUNDRED_THOUSAND_QUOTE:
        price_divisor = 500 if perp_market.contract_tier.is_as_safe_as_contract(ContractTier.B) else 100
        if direction == PositionDirection.Long:
            return cast(amm.last_bid_price_twap, I64) // price_divisor
        return -(cast(amm.last_ask_price_twap, I64) // price_divisor)

    mark_twap_slow = cast(amm.last_bid_price_twap if direction == PositionDirection.Long
                          else amm.last_ask_price_twap, I64)
    offset_fast = safe_sub(cast(amm.last_mark_price_twap_5min, I64), hist.last_oracle_price_twap_5min, I64)
    offset_slow = safe_sub(mark_twap_slow, hist.last_oracle_price_twap, I64)
    if abs(offset_slow - offset_fast) <= amm.last_mark_price_twap_5min // 200:
        frac_long = safe_div(safe_mul(cast(amm.long_spread, I64), mark_twap_slow, I64), PRICE_PRECISION_I64 * 10)
        frac_short = safe_div(safe_mul(cast(amm.short_spread, I64), mark_twap_slow, I64), PRICE_PRECISION_I64 * 10)
        if direction == PositionDirection.Long:
            return min(safe_add(offset_slow, frac_long, I64), safe_sub(offset_fast, frac_short, I64))
        return max(safe_sub(offset_slow, frac_short, I64), safe_add(offset_fast, frac_long, I64))
    return offset_fast


def checked_abs_i64(value: int) -> int:
    """``i64::abs`` (panics on ``i64::MIN``; ``MathError`` here)."""
    if value == I64.min:
        raise MathError("abs overflow")
    return abs(value)


def get_perp_baseline_start_end_price_offset(perp_market: PerpMarket, direction: PositionDirection,
                                             end_buffer_scalar: int) -> tuple[int, int]:
    """Baseline ``(start_offset, end_offset)`` for perp auctions.

    end buffer = ``max(mark_std, oracle_std, side_spread * oracle_twap / 1e6)`` times ``end_buffer_scalar`` (if
    >= 1), clamped to ``[twap/min_div, twap/max_div]`` (tier divisors); longs end at
    ``max(ask_twap + buffer - oracle_twap, start)``, shorts at ``min(bid_twap - buffer - oracle_twap, start)``.
    program: state/order_params.rs::OrderParams::get_perp_baseline_start_end_price_offset
    """
    amm = perp_market.amm
    hist = amm.historical_oracle_data
    oracle_twap = abs(hist.last_oracle_price_twap)
    start_offset = get_perp_baseline_start_price_offset(perp_market, direction)
    min_divisor, max_divisor = perp_market.get_auction_end_min_max_divisors()
    side_spread = amm.short_spread if direction == PositionDirection.Short else amm.long_spread
    buffer = max(amm.mark_std, amm.oracle_std,
                 safe_div(safe_mul(side_spread, oracle_twap, U64), PERCENTAGE_PRECISION_U64))
    if end_buffer_scalar >= 1:
        buffer = safe_mul(buffer, end_buffer_scalar, U64)
    lo, hi = oracle_twap // min_divisor, oracle_twap // max_divisor
    buffer = max(lo, min(buffer, hi))  # Ord::clamp (lo <= hi for every tier)
    if direction == PositionDirection.Short:
        end = safe_sub(cast(safe_sub(amm.last_bid_price_twap, buffer, U64), I64), hist.last_oracle_price_twap, I64)
        return start_offset, min(end, start_offset)
    end = safe_sub(cast(safe_add(amm.last_ask_price_twap, buffer, U64), I64), hist.last_oracle_price_twap, I64)
    return start_offset, max(end, start_offset)


def _apply_start_buffer(direction: PositionDirection, oracle_price: int, start_buffer: int, start: int,
                        end: int) -> tuple[int, int]:
    if start_buffer != 0:
        buffer_price = safe_div(safe_mul(oracle_price, start_buffer, I64), PERCENTAGE_PRECISION_I64)
        if direction == PositionDirection.Long:
            start = safe_sub(start, buffer_price, I64)
        else:
            start = safe_add(start, buffer_price, I64)
        if start_buffer < 0:
            if direction == PositionDirection.Long:
                end = safe_sub(end, buffer_price, I64)
            else:
                end = safe_add(end, buffer_price, I64)
    return start, end


def derive_market_order_auction_params(perp_market: PerpMarket, direction: PositionDirection, oracle_price: int,
                                       limit_price: int, start_buffer: int) -> tuple[int, int, int]:
    """``(auction_start_price, auction_end_price, auction_duration)`` for a market order.

    oracle + baseline offsets (end buffer scalar 2 with a limit price, 1 without); ``start_buffer`` (ppm of the
    oracle) moves the start away from the market, and also the end when negative; $1 cap for prediction markets;
    both capped by the limit price; duration from ``get_auction_duration``.
    program: state/order_params.rs::OrderParams::derive_market_order_auction_params
    """
    scalar = 2 if limit_price != 0 else 1
    start_offset, end_offset = get_perp_baseline_start_end_price_offset(perp_market, direction, scalar)
    start = safe_add(oracle_price, start_offset, I64)
    end = safe_add(oracle_price, end_offset, I64)
    start, end = _apply_start_buffer(direction, oracle_price, start_buffer, start, end)
    if perp_market.is_prediction_market():
        start = min(start, MAX_PREDICTION_MARKET_PRICE_I64)
        end = min(end, MAX_PREDICTION_MARKET_PRICE_I64)
    if limit_price != 0:
        limit = limit_price - (1 << 64) if limit_price > I64.max else limit_price  # `as i64` wraps
        if direction == PositionDirection.Long:
            start, end = min(start, limit), min(end, limit)
        else:
            start, end = max(start, limit), max(end, limit)
    duration = get_auction_duration(abs(safe_sub(end, start, I64)), abs(oracle_price), perp_market.contract_tier)
    return start, end, duration


def derive_oracle_order_auction_params(perp_market: PerpMarket, direction: PositionDirection, oracle_price: int,
                                       oracle_price_offset: int | None,
                                       start_buffer: int) -> tuple[int, int, int]:
    """``(start_offset, end_offset, auction_duration)`` for an oracle order.

    With an oracle offset: start = baseline start capped by the offset (min for longs, max for shorts), end = the
    offset; without: the baseline start/end offsets. Then the ``start_buffer`` as for market orders.
    program: state/order_params.rs::OrderParams::derive_oracle_order_auction_params
    """
    if oracle_price_offset is not None:
        start = get_perp_baseline_start_price_offset(perp_market, direction)
        if direction == PositionDirection.Long:
            start = min(start, oracle_price_offset)
        else:
            start = max(start, oracle_price_offset)
        end = oracle_price_offset
    else:
        start, end = get_perp_baseline_start_end_price_offset(perp_market, direction, 1)
    start, end = _apply_start_buffer(direction, oracle_price, start_buffer, start, end)
    duration = get_auction_duration(abs(safe_sub(end, start, I64)), abs(oracle_price), perp_market.contract_tier)
    return start, end, duration


def has_valid_auction_params(params: OrderParams) -> bool:
    """All three auction params set with start <= end (long) / start >= end (short), or a Limit with none.

    program: state/order_params.rs::OrderParams::has_valid_auction_params
    """
    if (params.auction_duration is not None and params.auction_start_price is not None
            and params.auction_end_price is not None):
        if params.direction == PositionDirection.Long:
            return params.auction_start_price <= params.auction_end_price
        return params.auction_start_price >= params.auction_end_price
    return (params.order_type == OrderType.Limit and params.auction_duration is None
            and params.auction_start_price is None and params.auction_end_price is None)


def get_auction_start_price_offset(params: OrderParams, oracle_price: int) -> int:
    """Oracle orders: the start offset (0 if unset); others: ``start - oracle`` (0 if unset).

    program: state/order_params.rs::OrderParams::get_auction_start_price_offset
    """
    if params.order_type == OrderType.Oracle:
        return params.auction_start_price if params.auction_start_price is not None else 0
    if params.auction_start_price is not None:
        return safe_sub(params.auction_start_price, oracle_price, I64)
    return 0


def get_auction_end_price_offset(params: OrderParams, oracle_price: int) -> int:
    """Oracle orders: the end offset (0 if unset); others: ``end - oracle`` (0 if unset).

    program: state/order_params.rs::OrderParams::get_auction_end_price_offset
    """
    if params.order_type == OrderType.Oracle:
        return params.auction_end_price if params.auction_end_price is not None else 0
    if params.auction_end_price is not None:
        return safe_sub(params.auction_end_price, oracle_price, I64)
    return 0


def _unwrap(value: int | None) -> int:
    if value is None:
        raise FailedUnwrap("unwrap of None")
    return value


def _update_duration(params: OrderParams, oracle_price: int, contract_tier: ContractTier,
                     is_signed_msg: bool) -> None:
    before = params.auction_duration
    new_duration = get_auction_duration(
        abs(safe_sub(_unwrap(params.auction_end_price), _unwrap(params.auction_start_price), I64)),
        abs(oracle_price), contract_tier)
    before_value = before if before is not None else 0
    if abs(before_value - new_duration) > 10 or not is_signed_msg:
        params.auction_duration = max(before_value, new_duration)


def update_perp_auction_params_limit_orders(params: OrderParams, perp_market: PerpMarket, oracle_price: int,
                                            is_signed_msg: bool) -> bool:
    """Give a crossing limit order an auction in place; True when any auction param changed.

    Post-only and price-less non-oracle orders are left alone. With no duration, an order that crosses the AMM's
    estimated ask (bid) gets an auction from ``min(oracle + baseline start, est_ask)`` (max / est_bid for asks) to
    its price (or offset); without crossing nothing changes. With a duration, the start is moved to the baseline
    when that improves it (by 0.1% of it for signed messages) and a missing end becomes the price. Start and end
    are capped at the worst price, and the duration grows to ``get_auction_duration`` (signed messages only when
    it differs by more than 10 slots).
    program: state/order_params.rs::OrderParams::update_perp_auction_params_limit_orders
    """
    if params.post_only != PostOnlyParam.None_:
        return False
    before = (params.auction_duration, params.auction_start_price, params.auction_end_price)
    oracle_price_offset = params.oracle_price_offset if params.oracle_price_offset is not None else 0
    is_oracle_offset_oracle = oracle_price_offset != 0
    if not is_oracle_offset_oracle and params.price == 0:
        return False

    start_offset = get_perp_baseline_start_price_offset(perp_market, params.direction)
    new_start = safe_add(oracle_price, start_offset, I64)
    if perp_market.is_prediction_market():
        new_start = min(new_start, MAX_PREDICTION_MARKET_PRICE_I64)

    if (params.auction_duration if params.auction_duration is not None else 0) == 0:
        if params.direction == PositionDirection.Long:
            est_ask = cast(safe_add(oracle_price, perp_market.amm.last_ask_premium(), I64), U64)
            if is_oracle_offset_oracle:
                crosses = oracle_price_offset > safe_sub(est_ask, oracle_price, I64)
            else:
                crosses = params.price > est_ask
            if not crosses:
                return False
            start = min(new_start, est_ask)
        else:
            est_bid = cast(safe_sub(oracle_price, perp_market.amm.last_bid_discount(), I64), U64)
            if is_oracle_offset_oracle:
                crosses = oracle_price_offset < safe_sub(est_bid, oracle_price, I64)
            else:
                crosses = params.price < est_bid
            if not crosses:
                return False
            start = max(new_start, est_bid)
        if is_oracle_offset_oracle:
            params.auction_start_price = safe_sub(start, oracle_price, I64)
            params.auction_end_price = oracle_price_offset
        else:
            params.auction_start_price = start
            params.auction_end_price = _as_i64(params.price)
    else:
        current_start = params.auction_start_price
        if current_start is not None:
            if is_signed_msg:
                threshold_long = safe_sub(current_start, checked_abs_i64(current_start) // 1000, I64)
                threshold_short = safe_add(current_start, checked_abs_i64(current_start) // 1000, I64)
            else:
                threshold_long = threshold_short = current_start
            improves_long = params.direction == PositionDirection.Long and new_start < threshold_long
            improves_short = params.direction == PositionDirection.Short and new_start > threshold_short
            if improves_long or improves_short:
                params.auction_start_price = start_offset if is_oracle_offset_oracle else new_start
        else:
            params.auction_start_price = start_offset if is_oracle_offset_oracle else new_start
        if params.auction_end_price is None:
            params.auction_end_price = oracle_price_offset if is_oracle_offset_oracle else _as_i64(params.price)

    worst_price = oracle_price_offset if is_oracle_offset_oracle else _as_i64(params.price)
    pick = min if params.direction == PositionDirection.Long else max
    if params.auction_start_price is not None:
        params.auction_start_price = pick(params.auction_start_price, worst_price)
    if params.auction_end_price is not None:
        params.auction_end_price = pick(params.auction_end_price, worst_price)

    _update_duration(params, oracle_price, perp_market.contract_tier, is_signed_msg)
    return before != (params.auction_duration, params.auction_start_price, params.auction_end_price)


def _as_i64(value: int) -> int:
    """Rust ``value as i64`` for a u64 (wraps above i64::MAX)."""
    return value - (1 << 64) if value > I64.max else value


def update_perp_auction_params_market_and_oracle_orders(params: OrderParams, perp_market: PerpMarket,
                                                        oracle_price: int, is_market_order: bool,
                                                        is_signed_msg: bool) -> bool:
    """Derive a market/oracle order's missing auction params, or pull over-aggressive ones back to the baseline.

    Any param missing: derive all three (start buffer 25 bps). Else, unless the oracle is Prelaunch, a long whose
    start (end) offset exceeds the baseline (plus 0.1% of the oracle for signed messages or tier C and below) is
    reset to the baseline (end buffer scalar 2), shorts mirrored; then the duration update. True if changed.
    program: state/order_params.rs::OrderParams::update_perp_auction_params_market_and_oracle_orders
    """
    before = (params.auction_duration, params.auction_start_price, params.auction_end_price)
    if params.auction_duration is None or params.auction_start_price is None or params.auction_end_price is None:
        if is_market_order:
            start, end, duration = derive_market_order_auction_params(
                perp_market, params.direction, oracle_price, params.price, PERCENTAGE_PRECISION_I64 // 400)
        else:
            start, end, duration = derive_oracle_order_auction_params(
                perp_market, params.direction, oracle_price, params.oracle_price_offset,
                PERCENTAGE_PRECISION_I64 // 400)
        params.auction_start_price = start
        params.auction_end_price = end
        params.auction_duration = duration
        return True

    if perp_market.can_sanitize_market_order_auctions():
        new_start_offset, new_end_offset = get_perp_baseline_start_end_price_offset(perp_market, params.direction, 2)
        current_start_offset = get_auction_start_price_offset(params, oracle_price)
        current_end_offset = get_auction_end_price_offset(params, oracle_price)
        is_tail_mkt = not perp_market.contract_tier.is_as_safe_as_contract(ContractTier.B)
        widen = is_signed_msg or is_tail_mkt
        slack = checked_abs_i64(oracle_price) // 1000 if widen else 0

        def reset(offset: int) -> int:
            return offset if not is_market_order else safe_add(offset, oracle_price, I64)

        if params.direction == PositionDirection.Long:
            if current_start_offset > safe_add(new_start_offset, slack, I64):
                params.auction_start_price = reset(new_start_offset)
            if current_end_offset > safe_add(new_end_offset, slack, I64):
                params.auction_end_price = reset(new_end_offset)
        else:
            if current_start_offset < safe_sub(new_start_offset, slack, I64):
                params.auction_start_price = reset(new_start_offset)
            if current_end_offset < safe_sub(new_end_offset, slack, I64):
                params.auction_end_price = reset(new_end_offset)

    _update_duration(params, oracle_price, perp_market.contract_tier, is_signed_msg)
    return before != (params.auction_duration, params.auction_start_price, params.auction_end_price)


def update_perp_auction_params(params: OrderParams, perp_market: PerpMarket, oracle_price: int,
                               is_signed_msg: bool) -> bool:
    """Limit orders: ``update_perp_auction_params_limit_orders``; Market/Oracle: the market/oracle update;
    trigger orders: unchanged (False).

    program: state/order_params.rs::OrderParams::update_perp_auction_params
    """
    if params.order_type == OrderType.Limit:
        return update_perp_auction_params_limit_orders(params, perp_market, oracle_price, is_signed_msg)
    if params.order_type in (OrderType.Market, OrderType.Oracle):
        return update_perp_auction_params_market_and_oracle_orders(
            params, perp_market, oracle_price, params.order_type == OrderType.Market, is_signed_msg)
    return False


def get_close_perp_params(market: PerpMarket, direction_to_close: PositionDirection,
                          base_asset_amount: int) -> OrderParams:
    """A reduce-only Oracle order over the baseline offsets with an 80-slot auction, limit offset = the end.

    program: state/order_params.rs::OrderParams::get_close_perp_params
    """
    from .safe_math import I32
    from .state import OrderParams

    start, end = get_perp_baseline_start_end_price_offset(market, direction_to_close, 1)
    return OrderParams(market_type=MarketType.Perp, direction=direction_to_close, order_type=OrderType.Oracle,
                       market_index=market.market_index, base_asset_amount=base_asset_amount, reduce_only=True,
                       auction_start_price=start, auction_end_price=end, auction_duration=80,
                       oracle_price_offset=cast(end, I32))


def get_auction_params(params: OrderParams, oracle_price_data: OraclePriceData, tick_size: int,
                       min_auction_duration: int) -> tuple[int, int, int]:
    """``(auction_start_price, auction_end_price, auction_duration)`` stored on a new perp order.

    Trigger orders: zeros. Limit: the given params tick-standardised (a non-zero duration raised to the minimum),
    zeros unless all three are set. Market/Oracle: ``max(duration or 0, min_auction_duration)`` with the given
    prices or, for Market orders, ``calculate_auction_prices``; an Oracle order without them is
    ``InvalidOrderAuction``.
    program: controller/orders.rs::get_auction_params
    """
    if params.order_type not in (OrderType.Market, OrderType.Oracle, OrderType.Limit):
        return 0, 0, 0
    tick = cast(tick_size, I64)
    if params.order_type == OrderType.Limit:
        if (params.auction_start_price is not None and params.auction_end_price is not None
                and params.auction_duration is not None):
            duration = params.auction_duration
            if duration != 0:
                duration = max(duration, min_auction_duration)
            return (standardize_price_i64(params.auction_start_price, tick, params.direction),
                    standardize_price_i64(params.auction_end_price, tick, params.direction), duration)
        return 0, 0, 0
    duration = max(params.auction_duration if params.auction_duration is not None else 0, min_auction_duration)
    if params.auction_start_price is not None and params.auction_end_price is not None:
        start, end = params.auction_start_price, params.auction_end_price
    elif params.order_type == OrderType.Oracle:
        raise InvalidOrderAuction("Oracle order must specify auction start and end price offsets")
    else:
        start, end = calculate_auction_prices(oracle_price_data, params.direction, params.price)
    return (standardize_price_i64(start, tick, params.direction),
            standardize_price_i64(end, tick, params.direction), duration)


__all__ = [
    "calculate_auction_params_for_trigger_order",
    "calculate_auction_price",
    "calculate_auction_price_for_fixed_auction",
    "calculate_auction_price_for_oracle_offset_auction",
    "calculate_auction_prices",
    "derive_market_order_auction_params",
    "derive_oracle_order_auction_params",
    "get_auction_duration",
    "get_auction_end_price_offset",
    "get_auction_params",
    "get_auction_start_price_offset",
    "get_close_perp_params",
    "get_perp_baseline_start_end_price_offset",
    "get_perp_baseline_start_price_offset",
    "has_valid_auction_params",
    "is_auction_complete",
    "update_perp_auction_params",
    "update_perp_auction_params_limit_orders",
    "update_perp_auction_params_market_and_oracle_orders",
]
