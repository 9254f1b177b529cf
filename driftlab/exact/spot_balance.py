"""Spot lending math: scaled balances, utilization, the multi-kink borrow curve and accrued interest.

A position stores a scaled balance (SPOT_BALANCE_PRECISION, 1e9); its token amount is
``balance * cumulative_interest / 10^(19 - decimals)`` with the market's cumulative deposit or borrow interest
(SPOT_CUMULATIVE_INTEREST_PRECISION, 1e10). Deposits round down, borrows round up. Utilization and rates are in
1e6 (SPOT_UTILIZATION_PRECISION, SPOT_RATE_PRECISION); rates are annual.

program: math/spot_balance.rs
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .constants import (
    INTEREST_RATE_SEGMENT_AND_WEIGHTS,
    ONE_YEAR,
    PERCENTAGE_PRECISION,
    SPOT_RATE_PRECISION,
    SPOT_UTILIZATION_PRECISION,
)
from .enums import SpotBalanceType
from .errors import UnableToCastUnixTime
from .safe_math import (
    I64,
    I128,
    U32,
    U64,
    U128,
    IntType,
    cast,
    checked,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_div_floor,
    safe_mul,
    safe_sub,
)

if TYPE_CHECKING:
    from .state import OraclePriceData, SpotMarket, SpotPosition, StrictOraclePrice

__all__ = [
    "InterestAccumulated",
    "calculate_accumulated_interest",
    "calculate_borrow_rate",
    "calculate_deposit_rate",
    "calculate_spot_market_utilization",
    "calculate_utilization",
    "get_balance_value",
    "get_balance_value_and_token_amount",
    "get_interest_token_amount",
    "get_signed_token_amount",
    "get_spot_balance",
    "get_strict_token_value",
    "get_token_amount",
    "get_token_value",
]


def _pow10(exponent: int, ty: IntType = U128) -> int:
    """``10_<ty>::pow(exponent)``; an overflowing power (a panic in the program) is reported as ``MathError``."""
    return checked(10**exponent, ty)


def _precision_change(decimals: int) -> int:
    """``10^(19 - decimals)`` as u128; ``19_u32.safe_sub(decimals)`` fails with MathError above 19 decimals."""
    return _pow10(safe_sub(19, decimals, U32))


def _cumulative_interest(spot_market: SpotMarket, balance_type: SpotBalanceType) -> int:
    if balance_type == SpotBalanceType.Deposit:
        return spot_market.cumulative_deposit_interest
    return spot_market.cumulative_borrow_interest


def get_spot_balance(token_amount: int, spot_market: SpotMarket, balance_type: SpotBalanceType,
                     round_up: bool) -> int:
    """Scaled balance for a token amount: ``token * 10^(19-decimals) / cumulative_interest`` (+1 if round_up).

    The division truncates; ``round_up`` adds one to a non-zero result (borrows, and withdrawals leaving Drift).
    program: math/spot_balance.rs::get_spot_balance
    """
    precision_increase = _precision_change(spot_market.decimals)
    cumulative_interest = _cumulative_interest(spot_market, balance_type)
    balance = safe_div(safe_mul(token_amount, precision_increase, U128), cumulative_interest)
    if round_up and balance != 0:
        balance = safe_add(balance, 1, U128)
    return balance


def get_token_amount(balance: int, spot_market: SpotMarket, balance_type: SpotBalanceType) -> int:
    """Token amount of a scaled balance: ``balance * cumulative_interest / 10^(19-decimals)``.

    Deposits round down, borrows round up (ceiling division).
    program: math/spot_balance.rs::get_token_amount
    """
    precision_decrease = _precision_change(spot_market.decimals)
    cumulative_interest = _cumulative_interest(spot_market, balance_type)
    scaled = safe_mul(balance, cumulative_interest, U128)
    if balance_type == SpotBalanceType.Deposit:
        return safe_div(scaled, precision_decrease)
    return safe_div_ceil(scaled, precision_decrease)


def get_signed_token_amount(token_amount: int, balance_type: SpotBalanceType) -> int:
    """``+token_amount`` for a deposit, ``-token_amount`` for a borrow, as i128.

    program: math/spot_balance.rs::get_signed_token_amount
    """
    signed = cast(token_amount, I128)
    return signed if balance_type == SpotBalanceType.Deposit else -signed


def get_interest_token_amount(balance: int, spot_market: SpotMarket, interest: int) -> int:
    """Tokens a scaled balance earns from an interest increment: ``balance * interest / 10^(19-decimals)``.

    program: math/spot_balance.rs::get_interest_token_amount
    """
    precision_decrease = _precision_change(spot_market.decimals)
    return safe_div(safe_mul(balance, interest, U128), precision_decrease)


@dataclass
class InterestAccumulated:
    """Increments to the cumulative borrow and deposit interest (1e10). program: math/spot_balance.rs"""

    borrow_interest: int = 0  # u128
    deposit_interest: int = 0  # u128


def calculate_utilization(deposit_token_amount: int, borrow_token_amount: int) -> int:
    """``borrows * 1e6 / deposits``; 0 when both are zero, 1e6 (100%) when there are borrows but no deposits.

    program: math/spot_balance.rs::calculate_utilization
    """
    numerator = safe_mul(borrow_token_amount, SPOT_UTILIZATION_PRECISION, U128)
    if deposit_token_amount != 0:
        return numerator // deposit_token_amount
    if borrow_token_amount == 0:
        return 0
    return SPOT_UTILIZATION_PRECISION


def calculate_spot_market_utilization(spot_market: SpotMarket) -> int:
    """Utilization of a market from its deposit and borrow token amounts (1e6).

    program: math/spot_balance.rs::calculate_spot_market_utilization
    """
    deposit_token_amount = get_token_amount(spot_market.deposit_balance, spot_market, SpotBalanceType.Deposit)
    borrow_token_amount = get_token_amount(spot_market.borrow_balance, spot_market, SpotBalanceType.Borrow)
    return calculate_utilization(deposit_token_amount, borrow_token_amount)


def calculate_accumulated_interest(spot_market: SpotMarket, now: int) -> InterestAccumulated:
    """Interest-index increments since ``last_interest_ts`` at the current utilization's borrow rate.

    borrow = cbi * rate * dt / ONE_YEAR / 1e6 + 1 (always one more);
    deposit = cdi * (rate * dt * U / 1e6) / ONE_YEAR / 1e6 (the deposit rate is rate * U, no insurance cut here).
    Zero when ``now <= last_interest_ts`` or utilization is zero.
    program: math/spot_balance.rs::calculate_accumulated_interest
    """
    if now <= cast(spot_market.last_interest_ts, I64):
        return InterestAccumulated(borrow_interest=0, deposit_interest=0)

    utilization = calculate_spot_market_utilization(spot_market)
    if utilization == 0:
        return InterestAccumulated(borrow_interest=0, deposit_interest=0)

    borrow_rate = calculate_borrow_rate(spot_market, utilization)

    if not U64.contains(now):
        raise UnableToCastUnixTime(f"now={now}")
    time_since_last_update = safe_sub(now, spot_market.last_interest_ts, U64)

    modified_borrow_rate = safe_mul(borrow_rate, time_since_last_update, U128)
    modified_deposit_rate = safe_div(safe_mul(modified_borrow_rate, utilization, U128), SPOT_UTILIZATION_PRECISION)

    borrow_interest = safe_add(
        safe_div(safe_div(safe_mul(spot_market.cumulative_borrow_interest, modified_borrow_rate, U128), ONE_YEAR),
                 SPOT_RATE_PRECISION),
        1, U128)
    deposit_interest = safe_div(
        safe_div(safe_mul(spot_market.cumulative_deposit_interest, modified_deposit_rate, U128), ONE_YEAR),
        SPOT_RATE_PRECISION)

    return InterestAccumulated(borrow_interest=borrow_interest, deposit_interest=deposit_interest)


def calculate_borrow_rate(spot_market: SpotMarket, utilization: int) -> int:
    """Annual borrow rate (1e6) at ``utilization`` (1e6): linear to the optimum, then a multi-kink curve.

    U <= U*: ``U * (R_opt * 1e6 / U*) / 1e6`` (the slope truncates first).
    U > U*: ``R_opt`` plus, per segment (end_i, w_i) of INTEREST_RATE_SEGMENT_AND_WEIGHTS starting at U*,
    ``(R_max - R_opt) * w_i / 1000`` for each full segment and the pro-rata share of the segment holding U.
    The result is at least ``min_borrow_rate * 5000`` (min_borrow_rate counts 0.5% steps).
    With U* above the first breakpoint (85%) and U > U*, the first segment's range underflows: ``MathError``
    (the program's behaviour, kept). ``U* = 0`` with ``U = 0`` divides by zero: ``MathError``.
    program: math/spot_balance.rs::calculate_borrow_rate
    """
    optimal_util = spot_market.optimal_utilization
    optimal_rate = spot_market.optimal_borrow_rate
    max_rate = spot_market.max_borrow_rate
    min_rate = spot_market.get_min_borrow_rate()

    weights_divisor = 1000

    if utilization <= optimal_util:
        slope = safe_div(safe_mul(optimal_rate, SPOT_UTILIZATION_PRECISION, U128), optimal_util)
        borrow_rate = safe_div(safe_mul(utilization, slope, U128), SPOT_UTILIZATION_PRECISION)
    else:
        total_extra_rate = safe_sub(max_rate, optimal_rate, U128)
        rate = optimal_rate
        prev_util = optimal_util
        for segment_end, weight in INTEREST_RATE_SEGMENT_AND_WEIGHTS:
            segment_start = prev_util
            segment_range = safe_sub(segment_end, segment_start, U128)
            segment_rate_total = safe_div(safe_mul(total_extra_rate, weight, U128), weights_divisor)
            if utilization <= segment_end:
                partial_util = safe_sub(utilization, segment_start, U128)
                partial_rate = safe_div(safe_mul(segment_rate_total, partial_util, U128), segment_range)
                rate = safe_add(rate, partial_rate, U128)
                break
            rate = safe_add(rate, segment_rate_total, U128)
            prev_util = segment_end
        borrow_rate = rate

    return max(borrow_rate, min_rate)


def calculate_deposit_rate(spot_market: SpotMarket, utilization: int, borrow_rate: int) -> int:
    """Depositors' annual rate (1e6) after the insurance fund's cut: ``br * (1e6 - total_factor) * U / 1e6 / 1e6``.

    In the program this function exists only under the ``drift-rs`` feature (it is not used on chain; interest
    accrual uses ``br * U`` and carves the insurance take out afterwards).
    program: math/spot_balance.rs::calculate_deposit_rate
    """
    lenders_share = safe_sub(PERCENTAGE_PRECISION, spot_market.insurance_fund.total_factor, U128)
    return safe_div(
        safe_div(safe_mul(safe_mul(borrow_rate, lenders_share, U128), utilization, U128), SPOT_UTILIZATION_PRECISION),
        PERCENTAGE_PRECISION)


def get_balance_value_and_token_amount(spot_position: SpotPosition, spot_market: SpotMarket,
                                       oracle_price_data: OraclePriceData) -> tuple[int, int]:
    """``(token_amount * price / 10^decimals, token_amount)`` for a spot position (unsigned value).

    A negative oracle price fails the cast to u128 (``CastingFailure``).
    program: math/spot_balance.rs::get_balance_value_and_token_amount
    """
    token_amount = spot_position.get_token_amount(spot_market)
    precision_decrease = _pow10(spot_market.decimals)
    value = safe_div(safe_mul(token_amount, cast(oracle_price_data.price, U128), U128), precision_decrease)
    return value, token_amount


def get_strict_token_value(token_amount: int, spot_decimals: int, strict_price: StrictOraclePrice) -> int:
    """Value (1e6) of a signed token amount at the stricter price: the lower for assets, the higher for liabilities.

    ``token * price / 10^decimals``, rounded toward minus infinity for negative values.
    program: math/spot_balance.rs::get_strict_token_value
    """
    if token_amount == 0:
        return 0
    precision_decrease = _pow10(spot_decimals, I128)
    price = strict_price.min() if token_amount > 0 else strict_price.max()
    token_with_price = safe_mul(token_amount, price, I128)
    if token_with_price < 0:
        return safe_div_floor(token_with_price, precision_decrease)
    return safe_div(token_with_price, precision_decrease)


def get_token_value(token_amount: int, spot_decimals: int, oracle_price: int) -> int:
    """Value (1e6) of a signed token amount: ``token * price / 10^decimals``, negative values rounded down.

    program: math/spot_balance.rs::get_token_value
    """
    if token_amount == 0:
        return 0
    precision_decrease = _pow10(spot_decimals, I128)
    token_with_oracle = safe_mul(token_amount, oracle_price, I128)
    if token_with_oracle < 0:
        return safe_div_floor(token_with_oracle, abs(precision_decrease))
    return safe_div(token_with_oracle, precision_decrease)


def get_balance_value(spot_position: SpotPosition, spot_market: SpotMarket,
                      oracle_price_data: OraclePriceData) -> int:
    """Unsigned value of a spot position at the oracle price. program: math/spot_balance.rs::get_balance_value"""
    value, _ = get_balance_value_and_token_amount(spot_position, spot_market, oracle_price_data)
    return value
