"""The virtual AMM: constant-product swaps, reserve price, terminal state, concentration bounds, liquidity.

Reserves are in AMM_RESERVE_PRECISION (1e9), the peg in PEG_PRECISION (1e6), prices in PRICE_PRECISION (1e6).
``k = sqrt_k**2 = base_asset_reserve * quote_asset_reserve`` and the reserve price is
``quote_asset_reserve * peg_multiplier / base_asset_reserve``.

program: math/amm.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .constants import (
    BID_ASK_SPREAD_PRECISION_I128,
    CONCENTRATION_PRECISION,
    DEFAULT_MAX_TWAP_UPDATE_PRICE_BAND_DENOMINATOR,
    FIVE_MINUTE,
    ONE_HOUR,
    ONE_MINUTE,
    PERCENTAGE_PRECISION_U64,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO,
    PRICE_TO_PEG_PRECISION_RATIO,
)
from .enums import PositionDirection, SwapDirection, TwapPeriod
from .errors import (
    BnConversionError,
    InvalidConcentrationCoef,
    InvalidMarkTwapUpdateDetected,
    InvalidOracle,
    MathError,
    TradeSizeTooLarge,
)
from .helpers import get_proportion_u128
from .orders import standardize_base_asset_amount
from .quote_asset import reserve_to_asset_amount
from .safe_math import (
    I64,
    I128,
    U64,
    U128,
    U192,
    cast,
    checked,
    checked_abs,
    safe_add,
    safe_div,
    safe_mul,
    safe_sub,
    signum,
)
from .stats import calculate_new_twap, calculate_rolling_sum, calculate_weighted_average

if TYPE_CHECKING:
    from .state import AMM, MMOraclePriceData, OraclePriceData, PriceDivergenceGuardRails


def calculate_price(quote_asset_reserve: int, base_asset_reserve: int, peg_multiplier: int) -> int:
    """Reserve price ``quote_asset_reserve * peg_multiplier / base_asset_reserve`` (PRICE_PRECISION, truncated).

    program: math/amm.rs::calculate_price
    """
    peg_quote_asset_amount = safe_mul(quote_asset_reserve, peg_multiplier, U128)
    price = safe_div(peg_quote_asset_amount * PRICE_TO_PEG_PRECISION_RATIO, base_asset_reserve)
    if price > U64.max:
        raise BnConversionError(f"price {price} does not fit u64")
    return price


def calculate_bid_ask_bounds(concentration_coef: int, sqrt_k: int) -> tuple[int, int]:
    """``(min_base_asset_reserve, max_base_asset_reserve) = (sqrt_k / coef, sqrt_k * coef)``, coef in 1e6.

    The concentration coefficient must exceed 1 (CONCENTRATION_PRECISION), else ``InvalidConcentrationCoef``.
    program: math/amm.rs::calculate_bid_ask_bounds
    """
    if not concentration_coef > CONCENTRATION_PRECISION:
        raise InvalidConcentrationCoef(f"concentration_coef={concentration_coef} <= {CONCENTRATION_PRECISION}")
    ask_bounded_base = get_proportion_u128(sqrt_k, concentration_coef, CONCENTRATION_PRECISION)
    bid_bounded_base = get_proportion_u128(sqrt_k, CONCENTRATION_PRECISION, concentration_coef)
    return bid_bounded_base, ask_bounded_base


def _calculate_market_open_bids_asks(
    base_asset_reserve: int, min_base_asset_reserve: int, max_base_asset_reserve: int
) -> tuple[int, int]:
    """``(max_bids, max_asks)``: base the AMM can still buy (``bar - min``) and sell (``-(max - bar)``).

    program: math/amm.rs::_calculate_market_open_bids_asks
    """
    max_asks = 0
    if base_asset_reserve < max_base_asset_reserve:
        max_asks = -cast(max_base_asset_reserve - base_asset_reserve, I128)  # cast before negating, as the program
    max_bids = 0
    if base_asset_reserve > min_base_asset_reserve:
        max_bids = cast(base_asset_reserve - min_base_asset_reserve, I128)
    return max_bids, max_asks


def calculate_market_open_bids_asks(amm: AMM) -> tuple[int, int]:
    """The AMM's open bids and asks from its reserves and bounds.

    program: math/amm.rs::calculate_market_open_bids_asks
    """
    return _calculate_market_open_bids_asks(amm.base_asset_reserve, amm.min_base_asset_reserve,
                                            amm.max_base_asset_reserve)


def calculate_swap_output(
    swap_amount: int, input_asset_reserve: int, direction: SwapDirection, invariant_sqrt: int
) -> tuple[int, int]:
    """Constant-product swap: ``new_input = input +/- amount``, ``new_output = sqrt_k**2 / new_input`` (floor).

    Returns ``(new_output_asset_reserve, new_input_asset_reserve)``; removing more than the reserve is
    ``TradeSizeTooLarge``.
    program: math/amm.rs::calculate_swap_output
    """
    invariant = checked(invariant_sqrt * invariant_sqrt, U192)  # computed in U192: sqrt_k >= 2**96 overflows
    if direction == SwapDirection.Remove and swap_amount > input_asset_reserve:
        raise TradeSizeTooLarge(f"{swap_amount} > {input_asset_reserve}")
    if direction == SwapDirection.Add:
        new_input_asset_reserve = safe_add(input_asset_reserve, swap_amount, U128)
    else:
        new_input_asset_reserve = safe_sub(input_asset_reserve, swap_amount, U128)
    new_output_asset_reserve = safe_div(invariant, new_input_asset_reserve)
    if new_output_asset_reserve > U128.max:
        raise BnConversionError(f"reserve {new_output_asset_reserve} does not fit u128")
    return new_output_asset_reserve, new_input_asset_reserve


def calculate_quote_asset_amount_swapped(
    quote_asset_reserve_before: int, quote_asset_reserve_after: int, swap_direction: SwapDirection,
    peg_multiplier: int,
) -> int:
    """Quote paid or received for a swap: ``|delta quote reserve| * peg / 1e9``.

    Buying base (Remove) adds one reserve unit before and one quote unit after the conversion, so the buyer
    never pays less than the curve price.
    program: math/amm.rs::calculate_quote_asset_amount_swapped
    """
    if swap_direction == SwapDirection.Add:
        change = safe_sub(quote_asset_reserve_before, quote_asset_reserve_after, U128)
    else:
        change = safe_add(safe_sub(quote_asset_reserve_after, quote_asset_reserve_before, U128), 1, U128)
    quote_asset_amount = reserve_to_asset_amount(change, peg_multiplier)
    if swap_direction == SwapDirection.Remove:
        quote_asset_amount = safe_add(quote_asset_amount, 1, U128)
    return quote_asset_amount


def calculate_terminal_reserves(amm: AMM) -> tuple[int, int]:
    """Reserves after every user closes: swap ``|base_asset_amount_with_amm|`` back into the pool.

    Returns ``(terminal_quote_asset_reserve, terminal_base_asset_reserve)``.
    program: math/amm.rs::calculate_terminal_reserves
    """
    direction = SwapDirection.Add if amm.base_asset_amount_with_amm > 0 else SwapDirection.Remove
    return calculate_swap_output(abs(amm.base_asset_amount_with_amm), amm.base_asset_reserve, direction, amm.sqrt_k)


def calculate_terminal_price_and_reserves(amm: AMM) -> tuple[int, int, int]:
    """``(terminal_price, terminal_quote_reserve, terminal_base_reserve)``.

    program: math/amm.rs::calculate_terminal_price_and_reserves
    """
    new_quote, new_base = calculate_terminal_reserves(amm)
    return calculate_price(new_quote, new_base, amm.peg_multiplier), new_quote, new_base


def calculate_amm_available_liquidity(amm: AMM, order_direction: PositionDirection) -> int:
    """Largest base one fill may take from the AMM, standardised down to the order step size.

    ``min(base_asset_reserve / max_fill_reserve_fraction, half the liquidity on the taker's side)``, where a
    long takes from ``(bar - min_bar) / 2`` and a short from ``(max_bar - bar) / 2``.
    program: math/amm.rs::calculate_amm_available_liquidity
    """
    if amm.max_fill_reserve_fraction == 0:
        raise MathError("max_fill_reserve_fraction is zero (the program panics dividing by it)")
    max_fill_size = cast(min(amm.base_asset_reserve // amm.max_fill_reserve_fraction, U64.max), U64)
    if order_direction == PositionDirection.Long:
        on_side = max(amm.base_asset_reserve - amm.min_base_asset_reserve, 0) // 2
    else:
        on_side = max(amm.max_base_asset_reserve - amm.base_asset_reserve, 0) // 2
    return standardize_base_asset_amount(min(max_fill_size, cast(on_side, U64)), amm.order_step_size)


def calculate_net_user_cost_basis(amm: AMM) -> int:
    """``quote_asset_amount + quote_asset_amount_with_unsettled_lp + net_unsettled_funding_pnl``.

    program: math/amm.rs::calculate_net_user_cost_basis
    """
    with_lp = safe_add(amm.quote_asset_amount, amm.quote_asset_amount_with_unsettled_lp, I128)
    return safe_add(with_lp, amm.net_unsettled_funding_pnl, I128)


def calculate_net_user_pnl(amm: AMM, oracle_price: int) -> int:
    """Users' net P&L at the oracle: ``(baa_with_amm + baa_with_unsettled_lp) * oracle / 1e9 + cost basis``.

    A non-positive oracle price is ``InvalidOracle``.
    program: math/amm.rs::calculate_net_user_pnl
    """
    if not oracle_price > 0:
        raise InvalidOracle("oracle_price <= 0")
    net_base = safe_add(amm.base_asset_amount_with_amm, amm.base_asset_amount_with_unsettled_lp, I128)
    value = safe_div(safe_mul(net_base, oracle_price, I128), PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO)
    return safe_add(value, calculate_net_user_cost_basis(amm), I128)


def calculate_expiry_price(amm: AMM, target_price: int, total_excess_balance: int) -> int:
    """Settlement price of an expiring market: the target, moved so the users' net P&L is covered.

    ``best = -((quote_asset_amount - excess) * 1e9 / baa_with_amm)``; net longs settle at
    ``min(best, target) - 1``, net shorts at ``max(best, target) + 1``; a net position under one step settles at
    the target.
    program: math/amm.rs::calculate_expiry_price
    """
    if checked_abs(amm.base_asset_amount_with_amm, I128) < amm.order_step_size:
        return target_price
    numerator = safe_mul(safe_sub(amm.quote_asset_amount, total_excess_balance, I128),
                         PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO, I128)
    best_expiry_price = cast(-safe_div(numerator, amm.base_asset_amount_with_amm), I64)
    if amm.base_asset_amount_with_amm >= 0:
        return max(min(best_expiry_price, target_price) - 1, I64.min)
    return min(max(best_expiry_price, target_price) + 1, I64.max)


def sanitize_new_price(new_price: int, last_price_twap: int, sanitize_clamp_denominator: int | None) -> int:
    """Clamp a TWAP input to ``last_twap +/- last_twap / denominator`` (denominator defaults to 3).

    A zero TWAP or a zero denominator leaves the price unchanged; the band is ``last_twap / den`` truncated.
    program: math/amm.rs::sanitize_new_price
    """
    if last_price_twap == 0:
        return new_price
    new_price_spread = safe_sub(new_price, last_price_twap, I64)
    denominator = (DEFAULT_MAX_TWAP_UPDATE_PRICE_BAND_DENOMINATOR if sanitize_clamp_denominator is None
                   else sanitize_clamp_denominator)
    if denominator == 0:
        return new_price
    price_twap_price_band = checked(safe_div(last_price_twap, denominator), I64)
    if abs(new_price_spread) > abs(price_twap_price_band):
        if new_price > last_price_twap:
            return safe_add(last_price_twap, price_twap_price_band, I64)
        return safe_sub(last_price_twap, price_twap_price_band, I64)
    return new_price


def normalise_oracle_price(amm: AMM, oracle_price_data: OraclePriceData, precomputed_reserve_price: int | None) -> int:
    """The oracle price moved toward the reserve price by at most its confidence, stopping 2.5 bps short of it.

    With ``r = reserve``: ``min(max(r - r/4000, oracle), oracle + conf)`` when ``r > oracle``, else
    ``max(min(r + r/4000, oracle), oracle - conf)``.
    program: math/amm.rs::normalise_oracle_price
    """
    oracle_price = oracle_price_data.price
    reserve_price = cast(amm.reserve_price() if precomputed_reserve_price is None else precomputed_reserve_price,
                         I64)
    reserve_price_2p5_bps = safe_div(reserve_price, 4000)
    conf_int = cast(oracle_price_data.confidence, I64)
    if reserve_price > oracle_price:
        return min(max(safe_sub(reserve_price, reserve_price_2p5_bps, I64), oracle_price),
                   safe_add(oracle_price, conf_int, I64))
    return max(min(safe_add(reserve_price, reserve_price_2p5_bps, I64), oracle_price),
               safe_sub(oracle_price, conf_int, I64))


def calculate_new_oracle_price_twap(amm: AMM, now: int, oracle_price: int, twap_period: TwapPeriod) -> int:
    """The oracle TWAP (funding period or 5 min) after ``oracle_price`` is observed at ``now``.

    ``weighted_average(p, last_twap, since_last, max(0, period - since_last))`` where, if the mark TWAP was
    updated after the oracle TWAP, ``p`` is first pulled toward the mark TWAP:
    ``weighted_average(mark_twap, price, mark_ts - oracle_ts, max(1, period - (mark_ts - oracle_ts)))``.
    program: math/amm.rs::calculate_new_oracle_price_twap
    """
    hist = amm.historical_oracle_data
    if twap_period == TwapPeriod.FundingPeriod:
        last_mark_twap, last_oracle_twap, period = (amm.last_mark_price_twap, hist.last_oracle_price_twap,
                                                    amm.funding_period)
    else:
        last_mark_twap, last_oracle_twap, period = (amm.last_mark_price_twap_5min,
                                                    hist.last_oracle_price_twap_5min, FIVE_MINUTE)
    since_last = max(1 if period == 0 else 0, safe_sub(now, hist.last_oracle_price_twap_ts, I64))
    from_start = max(0, safe_sub(period, since_last, I64))
    if amm.last_mark_price_twap_ts > hist.last_oracle_price_twap_ts:
        since_last_valid = safe_sub(amm.last_mark_price_twap_ts, hist.last_oracle_price_twap_ts, I64)
        from_start_valid = max(1, safe_sub(period, since_last_valid, I64))
        interpolated_oracle_price = calculate_weighted_average(cast(last_mark_twap, I64), oracle_price,
                                                               since_last_valid, from_start_valid, None)
    else:
        interpolated_oracle_price = oracle_price
    return calculate_weighted_average(interpolated_oracle_price, cast(last_oracle_twap, I64), since_last,
                                      from_start, None)


def update_amm_mark_std(amm: AMM, now: int, price: int, ewma: int, ewma_5min: int) -> bool:
    """Set ``mark_std`` to ``max(|price - ewma|, |price - ewma_5min|)`` via the hourly rolling sum.

    ``mark_std = rolling_sum(mark_std, change, max(3600, since_last), 3600)``: the decay weight is never below
    the window, so the previous value is always dropped. Mutates ``amm``; returns True.
    program: math/amm.rs::update_amm_mark_std
    """
    since_last = max(1, safe_sub(now, amm.last_mark_price_twap_ts, I64))
    price_i64 = cast(price, I64)
    price_change_abs = max(abs(safe_sub(price_i64, cast(ewma, I64), I64)),
                           abs(safe_sub(price_i64, cast(ewma_5min, I64), I64)))
    amm.mark_std = calculate_rolling_sum(amm.mark_std, price_change_abs, max(ONE_HOUR, since_last), ONE_HOUR)
    return True


def update_amm_oracle_std(amm: AMM, now: int, price: int, ewma: int, ewma_5min: int) -> bool:
    """Set ``oracle_std`` to ``max(|price - ewma|, |price - ewma_5min|)`` (same rolling sum as the mark std).

    The elapsed time is measured from ``last_oracle_price_twap_ts``. Mutates ``amm``; returns True.
    program: math/amm.rs::update_amm_oracle_std
    """
    since_last = max(1, safe_sub(now, amm.historical_oracle_data.last_oracle_price_twap_ts, I64))
    price_i64 = cast(price, I64)
    price_change_abs = max(checked(abs(safe_sub(price_i64, cast(ewma, I64), I64)), I64),
                           checked(abs(safe_sub(price_i64, cast(ewma_5min, I64), I64)), I64))
    amm.oracle_std = calculate_rolling_sum(amm.oracle_std, price_change_abs, max(ONE_HOUR, since_last), ONE_HOUR)
    return True


def update_amm_long_short_intensity(
    amm: AMM, now: int, quote_asset_amount: int, direction: PositionDirection
) -> bool:
    """Decay both hourly intensity volumes by the time since the last trade and add the trade to its side.

    ``side = rolling_sum(side, q if this side else 0, max(1, now - last_trade_ts), 3600)``. Mutates ``amm``.
    program: math/amm.rs::update_amm_long_short_intensity
    """
    since_last = max(1, safe_sub(now, amm.last_trade_ts, I64))
    if direction == PositionDirection.Long:
        long_quote_amount, short_quote_amount = quote_asset_amount, 0
    else:
        long_quote_amount, short_quote_amount = 0, quote_asset_amount
    amm.long_intensity_volume = calculate_rolling_sum(amm.long_intensity_volume, long_quote_amount, since_last,
                                                      ONE_HOUR)
    amm.short_intensity_volume = calculate_rolling_sum(amm.short_intensity_volume, short_quote_amount, since_last,
                                                       ONE_HOUR)
    return True


def update_oracle_price_twap(
    amm: AMM, now: int, mm_oracle_price_data: MMOraclePriceData, precomputed_reserve_price: int | None,
    sanitize_clamp: int | None,
) -> int:
    """Feed the exchange oracle price into the hourly and 5-minute oracle TWAPs; returns the hourly TWAP.

    The price is normalised toward the reserve price (``normalise_oracle_price``) and clamped against the TWAP
    (``sanitize_new_price``). Only when both are positive are the TWAPs, ``last_oracle_price``,
    ``last_oracle_conf_pct``, ``last_oracle_delay``, the reserve spread pct and ``oracle_std`` updated;
    otherwise the old TWAP is returned and nothing changes. Mutates ``amm``.
    program: math/amm.rs::update_oracle_price_twap
    """
    reserve_price = amm.reserve_price() if precomputed_reserve_price is None else precomputed_reserve_price
    oracle_confidence = mm_oracle_price_data.get_confidence()
    exchange_data = mm_oracle_price_data.get_exchange_oracle_price_data()
    oracle_price = normalise_oracle_price(amm, exchange_data, reserve_price)
    hist = amm.historical_oracle_data
    capped_oracle_update_price = sanitize_new_price(oracle_price, hist.last_oracle_price_twap, sanitize_clamp)
    if not (capped_oracle_update_price > 0 and oracle_price > 0):
        return hist.last_oracle_price_twap
    oracle_price_twap = calculate_new_oracle_price_twap(amm, now, capped_oracle_update_price,
                                                        TwapPeriod.FundingPeriod)
    oracle_price_twap_5min = calculate_new_oracle_price_twap(amm, now, capped_oracle_update_price,
                                                             TwapPeriod.FiveMin)
    amm.last_oracle_normalised_price = capped_oracle_update_price
    hist.last_oracle_price = exchange_data.price
    amm.last_oracle_conf_pct = amm.get_new_oracle_conf_pct(oracle_confidence, reserve_price, now)
    hist.last_oracle_delay = exchange_data.delay
    amm.last_oracle_reserve_price_spread_pct = calculate_oracle_reserve_price_spread_pct(
        amm, mm_oracle_price_data, reserve_price)
    update_amm_oracle_std(amm, now, cast(oracle_price, U64), cast(hist.last_oracle_price_twap, U64),
                          cast(hist.last_oracle_price_twap_5min, U64))
    hist.last_oracle_price_twap_5min = oracle_price_twap_5min
    hist.last_oracle_price_twap = oracle_price_twap
    hist.last_oracle_price_twap_ts = now
    return oracle_price_twap


def estimate_best_bid_ask_price(
    amm: AMM, precomputed_trade_price: int | None, direction: PositionDirection | None
) -> tuple[int, int]:
    """Best bid and ask implied by a trade at ``trade_price`` (default the last oracle price).

    A long fill above the oracle implies a bid near the oracle, ``max(oracle - min(base_spread,
    short_spread/2, premium), tick)``, floored at the AMM bid; a short fill below implies an ask at
    ``oracle + min(base_spread, long_spread/2, |premium|)``, capped at the AMM ask. Long: ``(bid_est, max(trade,
    bid_est))``; short: ``(min(trade, ask_est), ask_est)``; none: the trade price within the AMM's bid/ask.
    A non-positive last oracle price is ``InvalidOracle``; a crossed result ``InvalidMarkTwapUpdateDetected``.
    program: math/amm.rs::estimate_best_bid_ask_price
    """
    base_spread_u64 = amm.base_spread
    last_oracle_price = amm.historical_oracle_data.last_oracle_price
    last_oracle_price_u64 = cast(last_oracle_price, U64)
    trade_price = last_oracle_price_u64 if precomputed_trade_price is None else precomputed_trade_price
    trade_premium = safe_sub(cast(trade_price, I64), last_oracle_price, I64)
    if not last_oracle_price > 0:
        raise InvalidOracle("amm.historical_oracle_data.last_oracle_price <= 0")
    amm_bid_price, amm_ask_price = amm.bid_ask_price(amm.reserve_price())
    if trade_premium > 0:
        discount = min(base_spread_u64, amm.short_spread // 2)
        best_bid_estimate = max(max(last_oracle_price_u64 - min(discount, abs(trade_premium)), 0),
                                amm.order_tick_size)
    else:
        best_bid_estimate = trade_price
    best_bid_estimate = max(best_bid_estimate, amm_bid_price)
    if trade_premium < 0:
        premium = min(base_spread_u64, amm.long_spread // 2)
        best_ask_estimate = safe_add(last_oracle_price_u64, min(premium, abs(trade_premium)), U64)
    else:
        best_ask_estimate = trade_price
    best_ask_estimate = min(best_ask_estimate, amm_ask_price)
    if direction == PositionDirection.Long:
        bid_price, ask_price = best_bid_estimate, max(trade_price, best_bid_estimate)
    elif direction == PositionDirection.Short:
        bid_price, ask_price = min(trade_price, best_ask_estimate), best_ask_estimate
    else:
        bid_price = ask_price = min(max(trade_price, amm_bid_price), amm_ask_price)
    if not bid_price <= ask_price:
        raise InvalidMarkTwapUpdateDetected(
            f"bid_price({best_bid_estimate}, {bid_price}) not <= ask_price({ask_price}, {best_ask_estimate})")
    return bid_price, ask_price


def update_mark_twap(
    amm: AMM, now: int, bid_price: int, ask_price: int, precomputed_trade_price: int | None,
    sanitize_clamp: int | None,
) -> int:
    """Update the bid, ask, mark (their mid) and 5-minute mark TWAPs and ``mark_std``; returns the mark TWAP.

    Bid and ask are clamped against their TWAPs (``sanitize_new_price``). If the oracle TWAP is newer than the
    mark TWAP by more than ``max(funding_period/60, 60)`` s, the bid/ask TWAPs are first pulled toward the oracle
    TWAP by ``weighted_average(oracle_twap, twap, gap, max(0, period - gap), sign(oracle_twap - twap))``. Then
    ``twap = calculate_new_twap(price, now, twap, last_mark_price_twap_ts, funding_period)`` and
    ``mark = (bid_twap + ask_twap) / 2``. A clamped bid above the clamped ask is
    ``InvalidMarkTwapUpdateDetected``. Mutates ``amm``.
    program: math/amm.rs::update_mark_twap
    """
    bid_price_capped_update = sanitize_new_price(cast(bid_price, I64), cast(amm.last_bid_price_twap, I64),
                                                 sanitize_clamp)
    ask_price_capped_update = sanitize_new_price(cast(ask_price, I64), cast(amm.last_ask_price_twap, I64),
                                                 sanitize_clamp)
    if not bid_price_capped_update <= ask_price_capped_update:
        raise InvalidMarkTwapUpdateDetected("bid_price_capped_update not <= ask_price_capped_update")
    hist = amm.historical_oracle_data
    gap = safe_sub(hist.last_oracle_price_twap_ts, amm.last_mark_price_twap_ts, I64)
    if gap > max(safe_div(amm.funding_period, 60), ONE_MINUTE):
        from_start_valid = max(0, safe_sub(amm.funding_period, gap, I64))
        oracle_twap = cast(hist.last_oracle_price_twap, I64)
        last_bid_price_twap = calculate_weighted_average(
            oracle_twap, cast(amm.last_bid_price_twap, I64), gap, from_start_valid,
            signum(safe_sub(hist.last_oracle_price_twap, cast(amm.last_bid_price_twap, I64), I64)))
        last_ask_price_twap = calculate_weighted_average(
            oracle_twap, cast(amm.last_ask_price_twap, I64), gap, from_start_valid,
            signum(safe_sub(hist.last_oracle_price_twap, cast(amm.last_ask_price_twap, I64), I64)))
    else:
        last_bid_price_twap = cast(amm.last_bid_price_twap, I64)
        last_ask_price_twap = cast(amm.last_ask_price_twap, I64)
    bid_twap = calculate_new_twap(bid_price_capped_update, now, last_bid_price_twap, amm.last_mark_price_twap_ts,
                                  amm.funding_period)
    amm.last_bid_price_twap = cast(bid_twap, U64)
    ask_twap = calculate_new_twap(ask_price_capped_update, now, last_ask_price_twap, amm.last_mark_price_twap_ts,
                                  amm.funding_period)
    amm.last_ask_price_twap = cast(ask_twap, U64)
    mid_twap = safe_div(safe_add(bid_twap, ask_twap, I64), 2)
    if precomputed_trade_price is None:
        trade_price = safe_div(safe_add(bid_price, ask_price, U64), 2)
    else:
        trade_price = precomputed_trade_price
    update_amm_mark_std(amm, now, trade_price, amm.last_mark_price_twap, amm.last_mark_price_twap_5min)
    amm.last_mark_price_twap = cast(mid_twap, U64)
    mid_update = safe_div(safe_add(bid_price_capped_update, ask_price_capped_update, I64), 2)
    amm.last_mark_price_twap_5min = cast(
        calculate_new_twap(mid_update, now, cast(amm.last_mark_price_twap_5min, I64), amm.last_mark_price_twap_ts,
                           FIVE_MINUTE), U64)
    amm.last_mark_price_twap_ts = now
    return cast(mid_twap, U64)


def update_mark_twap_from_estimates(
    amm: AMM, now: int, precomputed_trade_price: int | None, direction: PositionDirection | None,
    sanitize_clamp: int | None,
) -> int:
    """``update_mark_twap`` with the bid/ask from ``estimate_best_bid_ask_price``; returns the mark TWAP.

    program: math/amm.rs::update_mark_twap_from_estimates
    """
    bid_price, ask_price = estimate_best_bid_ask_price(amm, precomputed_trade_price, direction)
    return update_mark_twap(amm, now, bid_price, ask_price, precomputed_trade_price, sanitize_clamp)


def update_mark_twap_crank(
    amm: AMM, now: int, oracle_price_data: OraclePriceData, best_dlob_bid_price: int | None,
    best_dlob_ask_price: int | None, sanitize_clamp: int | None,
) -> None:
    """Keeper update of the mark TWAPs from the better of the order book's and the AMM's best bid and ask.

    A crossed book is uncrossed toward the oracle: with ``basis = clamp(mark_twap_5min - oracle_twap_5min,
    +-oracle/100)``, a bid at or above ``oracle + basis`` sets the bid to the ask, otherwise the ask to the bid.
    Mutates ``amm``.
    program: math/amm.rs::update_mark_twap_crank
    """
    amm_bid_price, amm_ask_price = amm.bid_ask_price(amm.reserve_price())
    best_bid_price = amm_bid_price if best_dlob_bid_price is None else max(best_dlob_bid_price, amm_bid_price)
    best_ask_price = amm_ask_price if best_dlob_ask_price is None else min(best_dlob_ask_price, amm_ask_price)
    if best_bid_price > best_ask_price:
        basis = safe_sub(cast(amm.last_mark_price_twap_5min, I64),
                         amm.historical_oracle_data.last_oracle_price_twap_5min, I64)
        bound = safe_div(oracle_price_data.price, 100)
        if -bound > bound:
            raise MathError("clamp bounds inverted for a negative oracle price (the program panics)")
        market_basis = min(max(basis, -bound), bound)
        if best_bid_price >= cast(safe_add(oracle_price_data.price, market_basis, I64), U64):
            best_bid_price = best_ask_price
        else:
            best_ask_price = best_bid_price
    update_mark_twap(amm, now, best_bid_price, best_ask_price, None, sanitize_clamp)


def calculate_oracle_reserve_price_spread(
    amm: AMM, mm_oracle_price_data: MMOraclePriceData, precomputed_reserve_price: int | None
) -> tuple[int, int]:
    """``(oracle_price, reserve_price - oracle_price)`` with the safe (MM-aware) oracle price.

    program: math/amm.rs::calculate_oracle_reserve_price_spread
    """
    reserve_price = cast(amm.reserve_price() if precomputed_reserve_price is None else precomputed_reserve_price,
                         I64)
    oracle_price = mm_oracle_price_data.get_price()
    return oracle_price, safe_sub(reserve_price, oracle_price, I64)


def calculate_oracle_reserve_price_spread_pct(
    amm: AMM, mm_oracle_price_data: MMOraclePriceData, precomputed_reserve_price: int | None
) -> int:
    """``(reserve - oracle) * 1e6 / reserve`` (truncated toward zero), the reserve price's premium.

    program: math/amm.rs::calculate_oracle_reserve_price_spread_pct
    """
    reserve_price = amm.reserve_price() if precomputed_reserve_price is None else precomputed_reserve_price
    _, price_spread = calculate_oracle_reserve_price_spread(amm, mm_oracle_price_data, reserve_price)
    return cast(safe_div(safe_mul(price_spread, BID_ASK_SPREAD_PRECISION_I128, I128), cast(reserve_price, I128)),
                I64)


def calculate_oracle_twap_5min_price_spread_pct(amm: AMM, other_price: int) -> int:
    """``(other - oracle_twap_5min) * 1e6 / other`` (truncated toward zero).

    program: math/amm.rs::calculate_oracle_twap_5min_price_spread_pct
    """
    price_spread = safe_sub(cast(other_price, I64), amm.historical_oracle_data.last_oracle_price_twap_5min, I64)
    return cast(safe_div(safe_mul(price_spread, BID_ASK_SPREAD_PRECISION_I128, I128), cast(other_price, I128)), I64)


def is_oracle_mark_too_divergent(price_spread_pct: int, oracle_guard_rails: PriceDivergenceGuardRails) -> bool:
    """``|price_spread_pct| > max(mark_oracle_percent_divergence, 10%)``: the threshold never drops below 10%.

    program: math/amm.rs::is_oracle_mark_too_divergent
    """
    max_divergence = max(oracle_guard_rails.mark_oracle_percent_divergence, PERCENTAGE_PRECISION_U64 // 10)
    return abs(price_spread_pct) > max_divergence


__all__ = [
    "calculate_amm_available_liquidity",
    "calculate_bid_ask_bounds",
    "calculate_expiry_price",
    "calculate_market_open_bids_asks",
    "_calculate_market_open_bids_asks",
    "calculate_net_user_cost_basis",
    "calculate_net_user_pnl",
    "calculate_price",
    "calculate_quote_asset_amount_swapped",
    "calculate_swap_output",
    "calculate_terminal_price_and_reserves",
    "calculate_terminal_reserves",
    "calculate_new_oracle_price_twap",
    "calculate_oracle_reserve_price_spread",
    "calculate_oracle_reserve_price_spread_pct",
    "calculate_oracle_twap_5min_price_spread_pct",
    "estimate_best_bid_ask_price",
    "is_oracle_mark_too_divergent",
    "normalise_oracle_price",
    "sanitize_new_price",
    "update_amm_long_short_intensity",
    "update_amm_mark_std",
    "update_amm_oracle_std",
    "update_mark_twap",
    "update_mark_twap_crank",
    "update_mark_twap_from_estimates",
    "update_oracle_price_twap",
]
