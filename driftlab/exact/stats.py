"""Weighted averages and rolling sums behind every TWAP and volume estimate.

program: math/stats.rs
"""

from __future__ import annotations

from .safe_math import I64, I128, U64, U128, cast, checked, safe_div, safe_sub


def calculate_rolling_sum(data1: int, data2: int, weight1_numer: int, weight1_denom: int) -> int:
    """``data1 * max(0, denom - numer) / denom + data2``: decay the old sum, add the new value.

    program: math/stats.rs::calculate_rolling_sum
    """
    weight = cast(max(0, safe_sub(weight1_denom, weight1_numer, I64)), U128)
    decayed = safe_div(checked(data1 * weight, U128), cast(weight1_denom, U128))
    return checked(cast(decayed, U64) + data2, U64)


def calculate_weighted_average(data1: int, data2: int, weight1: int, weight2: int, bias: int | None = None) -> int:
    """``(data1*weight1 + data2*weight2) / (weight1 + weight2)`` plus a rounding bias.

    The default bias is +1 when ``data2*weight2 > data1*weight1``, -1 when smaller, 0 when equal or
    ``weight2 <= 1``; it compares the weighted products, not the prices. A zero result keeps a negative bias out.
    program: math/stats.rs::calculate_weighted_average
    """
    denominator = checked(weight1 + weight2, I64)
    prev_twap_99 = checked(data1 * weight1, I128)
    latest_price_01 = checked(data2 * weight2, I128)
    if weight1 == 0:
        return data2
    if weight2 == 0:
        return data1
    if bias is None:
        if weight2 > 1:
            bias = (latest_price_01 > prev_twap_99) - (latest_price_01 < prev_twap_99)
        else:
            bias = 0
    twap = cast(safe_div(checked(prev_twap_99 + latest_price_01, I128), denominator, I128), I64)
    if twap == 0 and bias < 0:
        return twap
    return checked(twap + bias, I64)


def calculate_new_twap(current_price: int, current_ts: int, last_twap: int, last_ts: int, period: int) -> int:
    """Time-weighted update: ``weighted_average(price, last_twap, since_last, max(1, period - since_last))``.

    program: math/stats.rs::calculate_new_twap
    """
    since_last = max(0, safe_sub(current_ts, last_ts, I64))
    from_start = max(1, safe_sub(period, since_last, I64))
    return calculate_weighted_average(current_price, last_twap, since_last, from_start, None)
