"""Funding: the hourly rate from the mark and oracle TWAPs, the capped long/short split, funding payments.

Rates are in FUNDING_RATE_PRECISION (1e9) of quote per base unit: a price difference (1e6) times
FUNDING_RATE_BUFFER (1e3), not a percentage. A position pays ``delta_rate * base / 1e6 / 1e3`` (1e9 units), or
that over 1e3 in quote (1e6). Longs pay when the rate is positive.

program: math/funding.rs, controller/funding.rs
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import amm as amm_math
from . import controller_amm, controller_position, repeg
from . import oracle as oracle_math
from .constants import (
    AMM_TO_QUOTE_PRECISION_RATIO,
    AMM_TO_QUOTE_PRECISION_RATIO_I128,
    FUNDING_RATE_BUFFER,
    FUNDING_RATE_OFFSET_DENOMINATOR,
    ONE_HOUR_I128,
    PRICE_PRECISION,
    QUOTE_TO_BASE_AMT_FUNDING_PRECISION,
    TWENTY_FOUR_HOUR,
)
from .enums import PositionDirection
from .errors import BnConversionError, InvalidFundingProfitability, MathError, UserHasNoPositionInMarket
from .helpers import on_the_hour_update
from .safe_math import I64, I128, U64, U128, cast, checked, safe_add, safe_div, safe_mul, safe_sub
from .stats import calculate_new_twap

if TYPE_CHECKING:
    from .state import OracleGuardRails, OraclePriceData, PerpMarket, PerpPosition, User


def _as_i64(value: int) -> int:
    """Rust's ``value as i64``: keep the low 64 bits (two's complement)."""
    return ((value + 2**63) % 2**64) - 2**63


def calculate_funding_rate_long_short(market: PerpMarket, funding_rate: int) -> tuple[int, int, int]:
    """``(funding_rate_long, funding_rate_short, uncapped_funding_pnl)``; books the AMM's share in the market.

    The AMM holds ``-base_asset_amount_with_amm`` and would receive ``uncapped = -payment(rate, baa_with_amm)``.
    If that is non-negative both sides pay the full rate and it is added to ``total_fee_minus_distributions``
    and ``net_revenue_since_last_funding``. Otherwise the AMM pays at most a third of its fee pool
    (``calculate_capped_funding_rate``); the receiving side's rate is reduced to match, and paying it may not take
    ``total_fee_minus_distributions`` below half the exchange fees (``InvalidFundingProfitability``).
    Mutates ``market.amm``.
    program: math/funding.rs::calculate_funding_rate_long_short
    """
    amm = market.amm
    net_market_position_funding_payment = calculate_funding_payment_in_quote_precision(
        funding_rate, amm.base_asset_amount_with_amm)
    uncapped_funding_pnl = -net_market_position_funding_payment
    if uncapped_funding_pnl >= 0:
        amm.total_fee_minus_distributions = safe_add(amm.total_fee_minus_distributions, uncapped_funding_pnl, I128)
        amm.net_revenue_since_last_funding = safe_add(amm.net_revenue_since_last_funding,
                                                      _as_i64(uncapped_funding_pnl), I64)
        return funding_rate, funding_rate, uncapped_funding_pnl

    capped_funding_rate, capped_funding_pnl = calculate_capped_funding_rate(market, uncapped_funding_pnl,
                                                                           funding_rate)
    new_total_fee_minus_distributions = safe_add(amm.total_fee_minus_distributions, capped_funding_pnl, I128)
    if capped_funding_pnl != 0:
        lower_bound = cast(repeg.get_total_fee_lower_bound(market), I128)
        if new_total_fee_minus_distributions < lower_bound:
            raise InvalidFundingProfitability(
                f"new_total_fee_minus_distributions={new_total_fee_minus_distributions} "
                f"< total_fee_minus_distributions_lower_bound={lower_bound}")
    amm.total_fee_minus_distributions = new_total_fee_minus_distributions
    amm.net_revenue_since_last_funding = safe_sub(amm.net_revenue_since_last_funding,
                                                  _as_i64(abs(capped_funding_pnl)), I64)
    funding_rate_long = capped_funding_rate if funding_rate < 0 else funding_rate
    funding_rate_short = capped_funding_rate if funding_rate > 0 else funding_rate
    return funding_rate_long, funding_rate_short, uncapped_funding_pnl


def calculate_capped_funding_rate(
    market: PerpMarket, uncapped_funding_pnl: int, funding_rate: int
) -> tuple[int, int]:
    """``(capped_rate, capped_pnl)``: the AMM pays at most ``calculate_fee_pool(market) / 3`` per period.

    ``limit = -fee_pool / 3``; ``capped_pnl = max(uncapped, limit)``. When the uncapped cost is larger, the
    receiving side's rate is ``calculate_funding_rate_from_pnl_limit(limit - |paying side's payment|, its base)``.
    program: math/funding.rs::calculate_capped_funding_rate
    """
    fee_pool = repeg.calculate_fee_pool(market)
    funding_rate_pnl_limit = -safe_div(cast(fee_pool, I128), 3)
    capped_funding_pnl = max(uncapped_funding_pnl, funding_rate_pnl_limit)
    if uncapped_funding_pnl < funding_rate_pnl_limit:
        amm = market.amm
        paying_base = amm.base_asset_amount_long if funding_rate > 0 else amm.base_asset_amount_short
        funding_payment_from_users = calculate_funding_payment_in_quote_precision(funding_rate, paying_base)
        funding_rate_pnl_limit = safe_sub(funding_rate_pnl_limit, abs(funding_payment_from_users), I128)
        receiving_base = amm.base_asset_amount_long if funding_rate < 0 else amm.base_asset_amount_short
        capped_funding_rate = calculate_funding_rate_from_pnl_limit(funding_rate_pnl_limit, receiving_base)
    else:
        capped_funding_rate = funding_rate
    return capped_funding_rate, capped_funding_pnl


def calculate_funding_payment(amm_cumulative_funding_rate: int, market_position: PerpPosition) -> int:
    """Funding owed to (+) or by (-) a position since its last settlement, in quote (1e6), as i64.

    ``_calculate_funding_payment(cumulative - last_cumulative, base) / 1000`` truncated toward zero.
    program: math/funding.rs::calculate_funding_payment
    """
    funding_rate_delta = safe_sub(amm_cumulative_funding_rate, market_position.last_cumulative_funding_rate, I128)
    if funding_rate_delta == 0:
        return 0
    payment = _calculate_funding_payment(funding_rate_delta, market_position.base_asset_amount)
    return cast(safe_div(payment, AMM_TO_QUOTE_PRECISION_RATIO_I128), I64)


def _calculate_funding_payment(funding_rate_delta: int, base_asset_amount: int) -> int:
    """``-sign(base) * sign(delta) * (|delta| * |base| / 1e6 / 1e3)`` in 1e9 quote units.

    The magnitude is truncated (so it rounds toward zero for payer and receiver alike); a zero base counts as
    short, a zero delta as negative (both give a zero magnitude).
    program: math/funding.rs::_calculate_funding_payment
    """
    funding_rate_delta_sign = 1 if funding_rate_delta > 0 else -1
    magnitude = abs(funding_rate_delta) * abs(base_asset_amount) // PRICE_PRECISION // FUNDING_RATE_BUFFER
    if magnitude > U128.max:
        raise BnConversionError(f"funding payment {magnitude} does not fit u128")
    magnitude = cast(magnitude, I128)
    funding_rate_payment_sign = -1 if base_asset_amount > 0 else 1
    return safe_mul(safe_mul(magnitude, funding_rate_payment_sign, I128), funding_rate_delta_sign, I128)


def calculate_funding_rate_from_pnl_limit(pnl_limit: int, base_asset_amount: int) -> int:
    """The rate that moves ``pnl_limit`` (quote) onto ``base_asset_amount``: ``(limit [+1 if < 0]) * 1e12 / base``.

    Zero base gives 0.
    program: math/funding.rs::calculate_funding_rate_from_pnl_limit
    """
    if base_asset_amount == 0:
        return 0
    pnl_limit_biased = safe_add(pnl_limit, 1, I128) if pnl_limit < 0 else pnl_limit
    return safe_div(safe_mul(pnl_limit_biased, QUOTE_TO_BASE_AMT_FUNDING_PRECISION, I128), base_asset_amount)


def calculate_funding_payment_in_quote_precision(funding_rate_delta: int, base_asset_amount: int) -> int:
    """``_calculate_funding_payment(delta, base) / 1000`` (quote precision, truncated toward zero).

    program: math/funding.rs::calculate_funding_payment_in_quote_precision
    """
    funding_payment = _calculate_funding_payment(funding_rate_delta, base_asset_amount)
    return safe_div(funding_payment, AMM_TO_QUOTE_PRECISION_RATIO)


def settle_funding_payment(user: User, user_key: str, market: PerpMarket, now: int) -> None:
    """Pay a user's funding in one market: quote and break-even amounts move by the payment.

    Skips users without a position (or with no base) and positions already at the side's cumulative rate.
    The payment (``calculate_funding_payment``) is added to ``cumulative_perp_funding``, the position's quote and
    break-even amounts, and subtracted from ``net_unsettled_funding_pnl``; the position's rate becomes current.
    ``user_key`` and ``now`` only label the program's FundingPaymentRecord. Mutates ``user`` and ``market``.
    program: controller/funding.rs::settle_funding_payment
    """
    try:
        position_index = controller_position.get_position_index(user.perp_positions, market.market_index)
    except UserHasNoPositionInMarket:
        return
    _settle_position_funding(user, position_index, market)


def settle_funding_payments(user: User, user_key: str, perp_market_map: Mapping[int, PerpMarket], now: int) -> None:
    """``settle_funding_payment`` for every perp position with base (markets looked up by market index).

    program: controller/funding.rs::settle_funding_payments
    """
    for position_index, position in enumerate(user.perp_positions):
        if position.base_asset_amount == 0:
            continue
        _settle_position_funding(user, position_index, perp_market_map[position.market_index])


def _settle_position_funding(user: User, position_index: int, market: PerpMarket) -> None:
    position = user.perp_positions[position_index]
    if position.base_asset_amount == 0:
        return
    amm = market.amm
    amm_cumulative_funding_rate = (amm.cumulative_funding_rate_long if position.base_asset_amount > 0
                                   else amm.cumulative_funding_rate_short)
    if amm_cumulative_funding_rate == position.last_cumulative_funding_rate:
        return
    market_funding_payment = calculate_funding_payment(amm_cumulative_funding_rate, position)
    user.update_cumulative_perp_funding(market_funding_payment)
    position.last_cumulative_funding_rate = cast(amm_cumulative_funding_rate, I64)
    controller_position.update_quote_asset_and_break_even_amount(position, market, market_funding_payment)
    amm.net_unsettled_funding_pnl = safe_sub(amm.net_unsettled_funding_pnl, market_funding_payment, I64)


def update_funding_rate(
    market_index: int, market: PerpMarket, oracle_price_data: OraclePriceData, now: int, slot: int,
    guard_rails: OracleGuardRails, funding_paused: bool, precomputed_reserve_price: int | None,
) -> bool:
    """Run the hourly funding update on ``market``; returns whether it ran.

    It runs when not paused, not blocked (``block_operation``: oracle invalid for UpdateFunding, mark too
    divergent, AMM not updated within ``funding_period`` slots, UpdateFunding paused) and on the hour
    (``on_the_hour_update == 0``). Then the oracle TWAP and the mark TWAP (from the ask if
    ``long_spread > short_spread``, the bid if smaller, else the reserve price) are updated and
    ``rate = clamp(mark_twap - oracle_twap + |oracle_twap| / 5000, +-max) * 1000 / (86400 / max(3600, period))``
    with ``max = get_max_price_divergence_for_funding_rate(oracle_twap)``. The rate is split by
    ``calculate_funding_rate_long_short``, k is updated (``formulaic_update_k``) if ``curve_update_intensity > 0``,
    the cumulative rates, last rates, 24h average rate, ``net_unsettled_funding_pnl`` and timestamps are set and
    ``net_revenue_since_last_funding`` is reset. ``oracle_price_data`` replaces the program's oracle map.
    Mutates ``market``.
    program: controller/funding.rs::update_funding_rate
    """
    amm = market.amm
    reserve_price = amm.reserve_price() if precomputed_reserve_price is None else precomputed_reserve_price
    block_funding_rate_update = oracle_math.block_operation(market, oracle_price_data, guard_rails, reserve_price,
                                                            slot)
    time_until_next_update = on_the_hour_update(now, amm.last_funding_rate_ts, amm.funding_period)
    if funding_paused or block_funding_rate_update or time_until_next_update != 0:
        return False

    sanitize_clamp_denominator = market.get_sanitize_clamp_denominator()
    mm_oracle_price_data = market.get_mm_oracle_price_data(oracle_price_data, slot, guard_rails.validity)
    oracle_price_twap = amm_math.update_oracle_price_twap(amm, now, mm_oracle_price_data, reserve_price,
                                                          sanitize_clamp_denominator)
    if amm.long_spread > amm.short_spread:
        execution_premium_price, execution_premium_direction = amm.ask_price(reserve_price), PositionDirection.Long
    elif amm.long_spread < amm.short_spread:
        execution_premium_price, execution_premium_direction = amm.bid_price(reserve_price), PositionDirection.Short
    else:
        execution_premium_price, execution_premium_direction = reserve_price, None
    mid_price_twap = amm_math.update_mark_twap_from_estimates(
        amm, now, execution_premium_price, execution_premium_direction, market.get_sanitize_clamp_denominator())

    period_adjustment = safe_div(safe_mul(24, ONE_HOUR_I128, I128), max(ONE_HOUR_I128, amm.funding_period))
    price_spread = safe_sub(cast(mid_price_twap, I64), oracle_price_twap, I64)
    price_spread_with_offset = safe_add(
        price_spread, safe_div(checked(abs(oracle_price_twap), I64), FUNDING_RATE_OFFSET_DENOMINATOR), I64)
    max_price_spread = market.get_max_price_divergence_for_funding_rate(oracle_price_twap)
    if -max_price_spread > max_price_spread:
        raise MathError("funding clamp bounds inverted for a negative oracle twap (the program panics)")
    clamped_price_spread = min(max(price_spread_with_offset, -max_price_spread), max_price_spread)
    funding_rate = cast(safe_div(safe_mul(clamped_price_spread, FUNDING_RATE_BUFFER, I128), period_adjustment), I64)

    funding_rate_long, funding_rate_short, funding_imbalance_revenue = calculate_funding_rate_long_short(
        market, funding_rate)
    if amm.curve_update_intensity > 0:
        controller_amm.formulaic_update_k(market, oracle_price_data, -funding_imbalance_revenue, now)

    amm.cumulative_funding_rate_long = safe_add(amm.cumulative_funding_rate_long, funding_rate_long, I128)
    amm.cumulative_funding_rate_short = safe_add(amm.cumulative_funding_rate_short, funding_rate_short, I128)
    amm.last_funding_rate = funding_rate
    amm.last_funding_oracle_twap = oracle_price_twap
    amm.last_funding_rate_long = cast(funding_rate_long, I64)
    amm.last_funding_rate_short = cast(funding_rate_short, I64)
    amm.last_24h_avg_funding_rate = calculate_new_twap(funding_rate, now, amm.last_24h_avg_funding_rate,
                                                       amm.last_funding_rate_ts, TWENTY_FOUR_HOUR)
    amm.net_unsettled_funding_pnl = safe_sub(amm.net_unsettled_funding_pnl, cast(funding_imbalance_revenue, I64),
                                             I64)
    amm.last_funding_rate_ts = now
    # get_then_update_id!(market, next_funding_rate_record_id) for the FundingRateRecord
    record_id = market.next_funding_rate_record_id
    market.next_funding_rate_record_id = record_id + 1 if record_id < U64.max else 1
    amm.net_revenue_since_last_funding = 0
    return True


__all__ = [
    "_calculate_funding_payment",
    "calculate_capped_funding_rate",
    "calculate_funding_payment",
    "calculate_funding_payment_in_quote_precision",
    "calculate_funding_rate_from_pnl_limit",
    "calculate_funding_rate_long_short",
    "settle_funding_payment",
    "settle_funding_payments",
    "update_funding_rate",
]
