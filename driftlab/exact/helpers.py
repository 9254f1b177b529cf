"""Shared integer helpers of the program: proportions, step standardisation, on-the-hour timing.

program: math/helpers.rs
"""

from __future__ import annotations

from .errors import MathError
from .safe_math import I128, U64, U128, U192, cast, checked, safe_div, safe_sub, signum


def standardize_value_with_remainder_i128(value: int, step_size: int) -> tuple[int, int]:
    """Round ``value`` toward zero to a multiple of ``step_size``; the remainder keeps ``value``'s sign.

    remainder = (|value| mod step_size) * signum(value); standardized = value - remainder.
    program: math/helpers.rs::standardize_value_with_remainder_i128
    """
    if step_size == 0:
        raise MathError("step_size is zero")  # checked_rem_euclid(0) is None
    remainder = (abs(value) % step_size) * signum(value)
    return checked(value - remainder, I128), remainder


def get_proportion_u128(value: int, numerator: int, denominator: int) -> int:
    """``value * numerator / denominator`` with the program's rounding.

    Exact when numerator == denominator; for denominator/2 < numerator < denominator it rounds the
    complement ``value * (d - n) / d`` down and subtracts one more when that division has a remainder, so the
    result is ``value - ceil(value * (d - n) / d)`` (the proportion rounded down); otherwise truncating.
    program: math/helpers.rs::get_proportion_u128
    """
    large_constant = U64.max
    if numerator == denominator:
        return value
    if value >= large_constant or numerator >= large_constant:
        return cast(safe_div(checked(value * numerator, U192), denominator), U128)  # computed in U192
    if denominator // 2 < numerator < denominator:
        complement = cast(checked(value * safe_sub(denominator, numerator, U128), U128), I128)
        std_value, remainder = standardize_value_with_remainder_i128(complement, denominator)
        return safe_sub(safe_sub(value, safe_div(std_value, denominator), U128), signum(remainder), U128)
    return safe_div(checked(value * numerator, U128), denominator)


def get_proportion_i128(value: int, numerator: int, denominator: int) -> int:
    """Signed ``get_proportion_u128``: the proportion of ``|value|`` with ``value``'s sign.

    program: math/helpers.rs::get_proportion_i128
    """
    return checked(cast(get_proportion_u128(abs(value), numerator, denominator), I128) * signum(value), I128)


def on_the_hour_update(now: int, last_update_ts: int, update_period: int) -> int:
    """Seconds until the next periodic update may run, snapped to the period boundary.

    An update that ran more than a third of a period late pushes the next one to the following boundary.
    program: math/helpers.rs::on_the_hour_update
    """
    time_since_last_update = now - last_update_ts
    next_update_wait = update_period
    if update_period > 1:
        last_update_delay = last_update_ts % update_period  # rem_euclid: non-negative for a positive period
        if last_update_delay != 0:
            max_delay_for_next_period = safe_div(update_period, 3)
            two_funding_periods = update_period * 2
            if last_update_delay > max_delay_for_next_period:
                next_update_wait = two_funding_periods - last_update_delay
            else:
                next_update_wait = update_period - last_update_delay
            if next_update_wait > two_funding_periods:
                next_update_wait -= update_period
    return max(next_update_wait - time_since_last_update, 0)


def log10_iter(n: int) -> int:
    """The number of times ``n`` can be divided by 10 before it drops below 10. program: math/helpers.rs::log10_iter"""
    result = 0
    while n >= 10:
        result += 1
        n //= 10
    return result
