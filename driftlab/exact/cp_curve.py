"""Changing k on the constant-product curve: the budgeted k scale, the new reserves, and what it costs.

``k = sqrt_k**2``. Scaling sqrt_k by ``r`` scales both reserves by ``r`` (so the reserve price is kept up to
rounding); the cost of the change is the P&L the users' net position ``base_asset_amount_with_amm`` gains
(valued by swapping it closed on the curve) — positive means the protocol pays.

program: math/cp_curve.rs
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import amm as amm_math
from .constants import (
    AMM_RESERVE_PRECISION,
    AMM_TO_QUOTE_PRECISION_RATIO_I128,
    K_BPS_UPDATE_SCALE,
    MAX_K_BPS_DECREASE,
    MAX_SQRT_K,
    PEG_PRECISION,
    PERCENTAGE_PRECISION_I128,
    QUOTE_PRECISION,
)
from .enums import MarketStatus
from .errors import BnConversionError, InvalidUpdateK, MathError
from .position import calculate_base_asset_value, calculate_base_asset_value_and_pnl
from .safe_math import I128, U128, U192, cast, checked, safe_add, safe_div, safe_mul, safe_sub

if TYPE_CHECKING:
    from .state import PerpMarket


def _u192(value: int) -> int:
    """``U192::from(value)``: the uint crate panics on a negative signed value (raised as ``MathError``)."""
    if value < 0:
        raise MathError(f"U192::from({value}): unsigned integer from a negative value (program panics)")
    return value


def _try_to_u128(value: int) -> int:
    """``U192::try_to_u128``: ``BnConversionError`` above u128::MAX."""
    if value > U128.max:
        raise BnConversionError(f"{value} does not fit u128")
    return value


@dataclass
class UpdateKResult:
    """New sqrt_k and reserves for a k update. program: math/cp_curve.rs::UpdateKResult"""

    sqrt_k: int = 0  # u128
    base_asset_reserve: int = 0  # u128
    quote_asset_reserve: int = 0  # u128


def calculate_budgeted_k_scale(
    market: PerpMarket, budget: int, k_pct_upper_bound: int, k_pct_lower_bound: int
) -> tuple[int, int]:
    """``(numerator, denominator)`` of the sqrt_k scale a quote ``budget`` buys, for the market's curve.

    Validates ``upper >= 1e6`` and ``1e6 - MAX_K_BPS_DECREASE <= lower <= 1e6`` (else ``InvalidUpdateK``),
    then ``_calculate_budgeted_k_scale(bar, qar, budget, peg, base_asset_amount_with_amm, upper, lower)``.
    program: math/cp_curve.rs::calculate_budgeted_k_scale
    """
    if not k_pct_upper_bound >= K_BPS_UPDATE_SCALE:
        raise InvalidUpdateK(f"invalid k_pct_upper_bound={k_pct_upper_bound} > {K_BPS_UPDATE_SCALE}")
    if not K_BPS_UPDATE_SCALE - MAX_K_BPS_DECREASE <= k_pct_lower_bound <= K_BPS_UPDATE_SCALE:
        raise InvalidUpdateK(f"invalid k_pct_lower_bound={k_pct_lower_bound}")
    amm = market.amm
    return _calculate_budgeted_k_scale(
        amm.base_asset_reserve,
        amm.quote_asset_reserve,
        budget,
        amm.peg_multiplier,
        amm.base_asset_amount_with_amm,
        k_pct_upper_bound,
        k_pct_lower_bound,
    )


def _calculate_budgeted_k_scale(
    x: int, y: int, budget: int, q: int, d: int, k_pct_upper_bound: int, k_pct_lower_bound: int
) -> tuple[int, int]:
    """Scale ``(num, 1e6)`` of sqrt_k whose k-change cost equals ``budget``, clamped to [lower, upper] / 1e6.

    With ``c = -budget``, ``x_d = x + d``, ``rb = sign(c)*sign(d)`` (sign(0) counts as -1):
    ``num = (y*|d|/1e9*|d|/1e9*q/1e6 - rb*|c|*|x_d|/1e6*|d|/1e9) / 1000`` and
    ``den = (sign(c)*(x*x_d/1e9)*|c|/1e6 + y*|d|/1e9*|d|/1e9*q/1e6) / 1000``; result
    ``num*1e6/den`` capped at ``upper`` when growing and floored at ``lower`` when shrinking. When spending
    (``c < 0``) more than the curve can absorb, the answer is ``upper`` outright.
    program: math/cp_curve.rs::_calculate_budgeted_k_scale
    """
    c = checked(-budget, I128)
    q = cast(q, I128)
    c_sign = 1 if c > 0 else -1
    d_sign = 1 if d > 0 else -1
    rounding_bias = c_sign * d_sign
    x_d = safe_add(cast(x, I128), d, I128)

    x_times_x_d = safe_div(checked(_u192(x) * _u192(x_d), U192), AMM_RESERVE_PRECISION)
    x_times_x_d_c = _try_to_u128(safe_div(checked(x_times_x_d * abs(c), U192), QUOTE_PRECISION))

    c_times_x_d_d = safe_div(checked(abs(c) * abs(x_d), U192), QUOTE_PRECISION)
    c_times_x_d_d = _try_to_u128(safe_div(checked(c_times_x_d_d * abs(d), U192), AMM_RESERVE_PRECISION))

    pegged = safe_div(checked(y * abs(d), U192), AMM_RESERVE_PRECISION)
    pegged = safe_div(checked(pegged * abs(d), U192), AMM_RESERVE_PRECISION)
    pegged = safe_div(checked(pegged * _u192(q), U192), PEG_PRECISION)
    pegged_quote_times_dd = cast(_try_to_u128(pegged), I128)

    numer1 = pegged_quote_times_dd
    numer2 = safe_mul(cast(c_times_x_d_d, I128), rounding_bias, I128)
    denom1 = safe_mul(cast(x_times_x_d_c, I128), c_sign, I128)
    denom2 = pegged_quote_times_dd

    if c_sign < 0 and x_times_x_d_c > abs(pegged_quote_times_dd):
        return cast(k_pct_upper_bound, U128), K_BPS_UPDATE_SCALE

    numerator = safe_div(safe_sub(numer1, numer2, I128), AMM_TO_QUOTE_PRECISION_RATIO_I128)
    denominator = safe_div(safe_add(denom1, denom2, I128), AMM_TO_QUOTE_PRECISION_RATIO_I128)
    if numerator < 0 and denominator < 0:
        numerator, denominator = abs(numerator), abs(denominator)
    if not (numerator > 0 and denominator > 0):
        raise MathError(
            f"assert!(numerator > 0 && denominator > 0) fails: {numerator}/{denominator} (program panics)"
        )

    current_pct_change = safe_div(safe_mul(numerator, PERCENTAGE_PRECISION_I128, I128), denominator)
    if numerator > denominator:
        maximum_pct_change = safe_div(
            safe_mul(k_pct_upper_bound, PERCENTAGE_PRECISION_I128, I128), K_BPS_UPDATE_SCALE
        )
        result = k_pct_upper_bound if current_pct_change > maximum_pct_change else current_pct_change
    else:
        maximum_pct_change = safe_div(
            safe_mul(k_pct_lower_bound, PERCENTAGE_PRECISION_I128, I128), K_BPS_UPDATE_SCALE
        )
        result = k_pct_lower_bound if current_pct_change < maximum_pct_change else current_pct_change
    return cast(result, U128), cast(K_BPS_UPDATE_SCALE, U128)


def adjust_k_cost(market: PerpMarket, update_k_result: UpdateKResult) -> int:
    """Cost of a k update without applying it: the users' net position P&L, value after minus value before.

    ``market`` is not changed (the program updates a copy).
    program: math/cp_curve.rs::adjust_k_cost
    """
    market_clone = copy.deepcopy(market)
    base = market_clone.amm.base_asset_amount_with_amm
    current_net_market_value, _ = calculate_base_asset_value_and_pnl(base, 0, market_clone.amm)
    update_k(market_clone, update_k_result)
    _, cost = calculate_base_asset_value_and_pnl(base, current_net_market_value, market_clone.amm)
    return cost


def adjust_k_cost_and_update(market: PerpMarket, update_k_result: UpdateKResult) -> int:
    """Apply a k update to ``market`` in place and return its cost (users' net position P&L from the change).

    program: math/cp_curve.rs::adjust_k_cost_and_update
    """
    current_net_market_value = calculate_base_asset_value(market.amm.base_asset_amount_with_amm, market.amm)
    update_k(market, update_k_result)
    _, cost = calculate_base_asset_value_and_pnl(
        market.amm.base_asset_amount_with_amm, current_net_market_value, market.amm
    )
    return cost


def get_update_k_result(market: PerpMarket, new_sqrt_k: int, bound_update: bool) -> UpdateKResult:
    """Reserves for ``new_sqrt_k``: ``bar' = bar * r / 1e9`` and ``qar' = new_sqrt_k**2 / bar'``.

    ``r = new_sqrt_k * 1e9 / sqrt_k`` (plus one when shrinking). ``InvalidUpdateK`` when ``bound_update`` and
    ``r < 0.5e9``, when growing past MAX_SQRT_K, or (unless ReduceOnly) when shrinking below
    ``|base_asset_amount_with_amm|``.
    program: math/cp_curve.rs::get_update_k_result
    """
    new_sqrt_k = _u192(new_sqrt_k)
    old_sqrt_k = market.amm.sqrt_k
    sqrt_k_ratio = safe_div(checked(new_sqrt_k * AMM_RESERVE_PRECISION, U192), old_sqrt_k)
    if bound_update and sqrt_k_ratio < 500_000_000:
        raise InvalidUpdateK(f"sqrt_k ratio {sqrt_k_ratio} below 50%")
    if sqrt_k_ratio < AMM_RESERVE_PRECISION:
        sqrt_k_ratio += 1
    sqrt_k = _try_to_u128(new_sqrt_k)
    if not (sqrt_k_ratio < AMM_RESERVE_PRECISION or sqrt_k <= MAX_SQRT_K):
        raise InvalidUpdateK(f"cannot increase sqrt_k={sqrt_k} past MAX_SQRT_K")
    if (
        market.status != MarketStatus.ReduceOnly
        and new_sqrt_k < old_sqrt_k
        and abs(market.amm.base_asset_amount_with_amm) > sqrt_k
    ):
        raise InvalidUpdateK("new_sqrt_k too small relative to market imbalance")
    base_asset_reserve = _try_to_u128(
        safe_div(checked(market.amm.base_asset_reserve * sqrt_k_ratio, U192), AMM_RESERVE_PRECISION)
    )
    invariant = checked(sqrt_k * sqrt_k, U192)
    quote_asset_reserve = _try_to_u128(safe_div(invariant, base_asset_reserve))
    return UpdateKResult(
        sqrt_k=sqrt_k, base_asset_reserve=base_asset_reserve, quote_asset_reserve=quote_asset_reserve
    )


def update_k(market: PerpMarket, update_k_result: UpdateKResult) -> None:
    """Set the new reserves and sqrt_k, then the terminal quote reserve, min/max base reserves and spreads.

    program: math/cp_curve.rs::update_k
    """
    amm = market.amm
    amm.base_asset_reserve = update_k_result.base_asset_reserve
    amm.quote_asset_reserve = update_k_result.quote_asset_reserve
    amm.sqrt_k = update_k_result.sqrt_k
    new_terminal_quote_reserve, new_terminal_base_reserve = amm_math.calculate_terminal_reserves(amm)
    amm.terminal_quote_asset_reserve = new_terminal_quote_reserve
    amm.min_base_asset_reserve, amm.max_base_asset_reserve = amm_math.calculate_bid_ask_bounds(
        amm.concentration_coef, new_terminal_base_reserve
    )
    reserve_price_after = amm.reserve_price()
    from .controller_amm import update_spreads  # controller/amm.rs::update_spreads (imports cp_curve)

    update_spreads(market, reserve_price_after, None)


__all__ = [
    "UpdateKResult",
    "_calculate_budgeted_k_scale",
    "adjust_k_cost",
    "adjust_k_cost_and_update",
    "calculate_budgeted_k_scale",
    "get_update_k_result",
    "update_k",
]
