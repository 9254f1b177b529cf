"""Repegging the AMM: the peg that puts the reserve price on a target, what moving the peg costs, the budget.

Moving the peg from ``p`` to ``p'`` re-prices the users' net position: the protocol pays
``(quote_asset_reserve - terminal_quote_asset_reserve) * (p' - p) / 1e9`` (negative is revenue). The repeg
budget is the fee pool above the share of exchange fees the protocol keeps.

program: math/repeg.rs
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from . import amm as amm_math
from . import cp_curve
from .constants import (
    AMM_RESERVE_PRECISION_I128,
    BID_ASK_SPREAD_PRECISION_U128,
    PEG_PRECISION_I128,
    PRICE_TO_PEG_PRECISION_RATIO,
    SHARE_OF_FEES_ALLOCATED_TO_DRIFT_DENOMINATOR,
    SHARE_OF_FEES_ALLOCATED_TO_DRIFT_NUMERATOR,
)
from .enums import MarketConfigFlag
from .errors import BnConversionError, CastingFailure
from .position import calculate_base_asset_value_and_pnl
from .safe_math import (
    I64,
    I128,
    U64,
    U128,
    U192,
    cast,
    checked,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
)

if TYPE_CHECKING:
    from .state import AMM, MMOraclePriceData, OraclePriceData, PerpMarket


def calculate_repeg_validity(
    market: PerpMarket, oracle_price_data: OraclePriceData, oracle_is_valid: bool, terminal_price_before: int
) -> tuple[bool, bool, bool, bool]:
    """``(oracle_is_valid, direction_valid, profitability_valid, price_impact_valid)`` of a repegged market.

    With a valid oracle above the new terminal price: the terminal price must not have fallen, must stay at
    or below ``oracle - conf``, and the reserve price at or below ``oracle + conf`` (mirror image when the
    oracle is below). An invalid oracle makes all three checks false. ``oracle +/- conf`` leaving u64 is
    ``MathError``.
    program: math/repeg.rs::calculate_repeg_validity
    """
    oracle_price = cast(oracle_price_data.price, U64)
    oracle_conf = oracle_price_data.confidence
    terminal_price_after, _, _ = amm_math.calculate_terminal_price_and_reserves(market.amm)

    direction_valid = True
    price_impact_valid = True
    profitability_valid = True
    if oracle_is_valid:
        reserve_price_after = amm_math.calculate_price(
            market.amm.quote_asset_reserve, market.amm.base_asset_reserve, market.amm.peg_multiplier
        )
        oracle_conf_band_top = safe_add(oracle_price, oracle_conf, U64)
        oracle_conf_band_bottom = safe_sub(oracle_price, oracle_conf, U64)
        if oracle_price > terminal_price_after:
            if terminal_price_after < terminal_price_before:
                direction_valid = False
            if oracle_conf_band_bottom < terminal_price_after:
                profitability_valid = False
            if reserve_price_after > oracle_conf_band_top:
                price_impact_valid = False
        elif oracle_price < terminal_price_after:
            if terminal_price_after > terminal_price_before:
                direction_valid = False
            if oracle_conf_band_top > terminal_price_after:
                profitability_valid = False
            if reserve_price_after < oracle_conf_band_bottom:
                price_impact_valid = False
    else:
        direction_valid = False
        price_impact_valid = False
        profitability_valid = False
    return oracle_is_valid, direction_valid, profitability_valid, price_impact_valid


def calculate_peg_from_target_price(
    quote_asset_reserve: int, base_asset_reserve: int, target_price: int
) -> int:
    """Peg whose reserve price is ``target_price``: ``max(1, target * bar / qar)`` (truncated; U192 math).

    The program's ``+ ratio/2`` rounding is a no-op because PRICE_TO_PEG_PRECISION_RATIO is 1.
    program: math/repeg.rs::calculate_peg_from_target_price
    """
    new_peg = safe_div(checked(target_price * base_asset_reserve, U192), quote_asset_reserve)
    new_peg = safe_div(
        checked(new_peg + PRICE_TO_PEG_PRECISION_RATIO // 2, U192), PRICE_TO_PEG_PRECISION_RATIO
    )
    if new_peg > U128.max:
        raise BnConversionError(f"peg {new_peg} does not fit u128")
    return max(new_peg, 1)


def adjust_peg_cost(market: PerpMarket, new_peg_candidate: int) -> tuple[PerpMarket, int]:
    """``(market copy with the new peg, cost)``: cost is the net user position's P&L from the peg change.

    The position is valued by swapping it closed on the curve before and after; 0 if the peg is unchanged.
    ``market`` itself is not changed.
    program: math/repeg.rs::adjust_peg_cost
    """
    market_clone = copy.deepcopy(market)
    if new_peg_candidate != market_clone.amm.peg_multiplier:
        base = market_clone.amm.base_asset_amount_with_amm
        current_net_market_value, _ = calculate_base_asset_value_and_pnl(base, 0, market_clone.amm)
        market_clone.amm.peg_multiplier = new_peg_candidate
        _, cost = calculate_base_asset_value_and_pnl(base, current_net_market_value, market_clone.amm)
    else:
        cost = 0
    return market_clone, cost


def calculate_repeg_cost(amm: AMM, new_peg: int) -> int:
    """Quote cost of a new peg: ``(qar - terminal_qar) * (new_peg - peg) / 1e9`` (i128, truncated); + = pays.

    program: math/repeg.rs::calculate_repeg_cost
    """
    reserve_delta = safe_sub(
        cast(amm.quote_asset_reserve, I128), cast(amm.terminal_quote_asset_reserve, I128), I128
    )
    peg_delta = safe_sub(cast(new_peg, I128), cast(amm.peg_multiplier, I128), I128)
    return safe_div(safe_mul(reserve_delta, peg_delta, I128), AMM_RESERVE_PRECISION_I128)


def calculate_per_peg_cost(quote_asset_reserve: int, terminal_quote_asset_reserve: int) -> int:
    """Signed quote cost per peg unit (1e6): ``ceil_div(qar - tqar, 1000)``, then one more away from zero.

    ``safe_div_ceil`` only rounds up a positive remainder, so a negative difference is truncated: a
    difference in ``(-1000, 0)`` gives 0 (a free repeg), ``(0, 1000]`` gives 2.
    program: math/repeg.rs::calculate_per_peg_cost
    """
    if quote_asset_reserve != terminal_quote_asset_reserve:
        delta = safe_sub(cast(quote_asset_reserve, I128), cast(terminal_quote_asset_reserve, I128), I128)
        per_peg_cost = safe_div_ceil(delta, AMM_RESERVE_PRECISION_I128 // PEG_PRECISION_I128)
    else:
        per_peg_cost = 0
    if per_peg_cost > 0:
        return safe_add(per_peg_cost, 1, I128)
    if per_peg_cost < 0:
        return safe_sub(per_peg_cost, 1, I128)
    return per_peg_cost


def adjust_amm(market: PerpMarket, optimal_peg: int, budget: int, adjust_k: bool) -> tuple[PerpMarket, int]:
    """``(market copy with the new peg (and maybe k), cost)``: repeg toward ``optimal_peg`` within ``budget``.

    The optimal peg is taken when the repeg is free or earns (per-peg cost 0 or of opposite sign to the peg
    move) or when ``|budget * 1e6 / per_peg_cost| > |delta_peg|``. Otherwise (if ``adjust_k``, k can be
    lowered and formulaic k is enabled) sqrt_k is first cut by 0.1% (not below the lower bound) and that
    cost's size added to the budget; the peg then moves by ``(budget + |k_cost|) * 1e6 / per_peg_cost``
    (min peg 1) -- with the k revenue this can carry it past ``optimal_peg``. Returns the market unchanged
    with cost 0 if the peg is already optimal or curve_update_intensity is 0.
    program: math/repeg.rs::adjust_amm
    """
    curve_update_intensity = cast(min(market.amm.curve_update_intensity, 100), I128)
    if optimal_peg == market.amm.peg_multiplier or curve_update_intensity == 0:
        return copy.deepcopy(market), 0

    delta_peg = safe_sub(cast(optimal_peg, I128), cast(market.amm.peg_multiplier, I128), I128)
    per_peg_cost = calculate_per_peg_cost(
        market.amm.quote_asset_reserve, market.amm.terminal_quote_asset_reserve
    )
    budget_i128 = cast(budget, I128)
    market_clone = copy.deepcopy(market)
    budget_delta_peg_magnitude = 0
    if per_peg_cost != 0:
        budget_delta_peg = safe_div(safe_mul(budget_i128, PEG_PRECISION_I128, I128), per_peg_cost)
        budget_delta_peg_magnitude = abs(budget_delta_peg)

    use_optimal_peg = (
        per_peg_cost == 0
        or (per_peg_cost > 0 and delta_peg < 0)
        or (per_peg_cost < 0 and delta_peg > 0)
        or budget_delta_peg_magnitude > abs(delta_peg)
    )
    if use_optimal_peg:
        new_peg = optimal_peg
        cost = calculate_repeg_cost(market_clone.amm, new_peg)
    else:
        can_lower_k = market.amm.can_lower_k()
        if (
            adjust_k
            and can_lower_k
            and not market.has_market_config_flag(MarketConfigFlag.DisableFormulaicKUpdate)
        ):
            new_sqrt_k_lower_bound = market.amm.get_lower_bound_sqrt_k()
            sqrt_k = market.amm.sqrt_k
            new_sqrt_k = max(safe_sub(sqrt_k, safe_div(sqrt_k, 1000), U128), new_sqrt_k_lower_bound)
            update_k_result = cp_curve.get_update_k_result(market, new_sqrt_k, True)
            adjustment_cost = cp_curve.adjust_k_cost_and_update(market_clone, update_k_result)
            per_peg_cost = calculate_per_peg_cost(
                market_clone.amm.quote_asset_reserve, market_clone.amm.terminal_quote_asset_reserve
            )
        else:
            adjustment_cost = 0
        budget_delta_peg = safe_div(
            safe_mul(
                safe_add(budget_i128, checked(abs(adjustment_cost), I128), I128), PEG_PRECISION_I128, I128
            ),
            per_peg_cost,
        )
        budget_delta_peg_magnitude = abs(budget_delta_peg)
        peg = market.amm.peg_multiplier
        if budget_delta_peg > 0:
            new_peg = min(peg + budget_delta_peg_magnitude, U128.max)  # safe_add(..).unwrap_or(u128::MAX)
        elif peg > budget_delta_peg_magnitude:
            new_peg = safe_sub(peg, budget_delta_peg_magnitude, U128)
        else:
            new_peg = 1
        cost = calculate_repeg_cost(market_clone.amm, new_peg)
    market_clone.amm.peg_multiplier = new_peg
    return market_clone, cost


def calculate_optimal_peg_and_budget(
    market: PerpMarket, mm_oracle_price_data: MMOraclePriceData
) -> tuple[int, int, bool]:
    """``(optimal_peg, budget, check_lower_bound)`` for repegging toward the (safe) oracle price.

    Target = oracle: peg ``calculate_peg_from_target_price``, budget = ``calculate_fee_pool``. If the fee pool
    cannot pay for that and the reserve price is more than ``oracle * (max_spread/2) / 1e6`` from the oracle,
    the target is moved only to that distance from the reserve price (toward the oracle), the budget becomes
    that peg's cost and the lower bound is not checked; an empty fee pool also skips the lower-bound check.
    program: math/repeg.rs::calculate_optimal_peg_and_budget
    """
    amm = market.amm
    reserve_price_before = amm.reserve_price()
    fee_budget = calculate_fee_pool(market)
    target_price_i64 = mm_oracle_price_data.get_price()
    target_price = cast(target_price_i64, U64)
    optimal_peg = calculate_peg_from_target_price(
        amm.quote_asset_reserve, amm.base_asset_reserve, target_price
    )
    optimal_peg_cost = calculate_repeg_cost(amm, optimal_peg)

    check_lower_bound = True
    if fee_budget < cast(max(0, optimal_peg_cost), U128):
        half_max_spread = cast(safe_div(amm.max_spread, 2), U128)
        half_max_price_spread = cast(
            safe_div(safe_mul(target_price, half_max_spread, U128), BID_ASK_SPREAD_PRECISION_U128), I64
        )
        target_price_gap = safe_sub(cast(reserve_price_before, I64), target_price_i64, I64)
        if abs(target_price_gap) > half_max_price_spread:
            mark_adj = cast(safe_sub(abs(target_price_gap), half_max_price_spread, I64), U64)
            if target_price_gap < 0:
                new_target_price = safe_add(reserve_price_before, mark_adj, U64)
            else:
                new_target_price = safe_sub(reserve_price_before, mark_adj, U64)
            optimal_peg = calculate_peg_from_target_price(
                amm.quote_asset_reserve, amm.base_asset_reserve, new_target_price
            )
            fee_budget = cast(calculate_repeg_cost(amm, optimal_peg), U128)
            check_lower_bound = False
        elif fee_budget == 0:
            check_lower_bound = False
    return optimal_peg, fee_budget, check_lower_bound


def calculate_fee_pool(market: PerpMarket) -> int:
    """Fees available for repeg/k: ``max(0, total_fee_minus_distributions - floor)``.

    ``floor = total_exchange_fee/2 + total_liquidation_fee - total_fee_withdrawn`` (u128: ``MathError`` if
    negative; treated as 0 if it does not fit i128).
    program: math/repeg.rs::calculate_fee_pool
    """
    amm = market.amm
    lower_bound = safe_add(get_total_fee_lower_bound(market), amm.total_liquidation_fee, U128)
    lower_bound = safe_sub(lower_bound, amm.total_fee_withdrawn, U128)
    try:
        lower_bound = cast(lower_bound, I128)
    except CastingFailure:
        lower_bound = 0
    if amm.total_fee_minus_distributions > lower_bound:
        return cast(safe_sub(amm.total_fee_minus_distributions, lower_bound, I128), U128)
    return 0


def get_total_fee_lower_bound(market: PerpMarket) -> int:
    """Exchange fees the market keeps: ``total_exchange_fee * 1 / 2`` (truncated).

    program: math/repeg.rs::get_total_fee_lower_bound
    """
    return safe_div(
        safe_mul(market.amm.total_exchange_fee, SHARE_OF_FEES_ALLOCATED_TO_DRIFT_NUMERATOR, U128),
        SHARE_OF_FEES_ALLOCATED_TO_DRIFT_DENOMINATOR,
    )


__all__ = [
    "adjust_amm",
    "adjust_peg_cost",
    "calculate_fee_pool",
    "calculate_optimal_peg_and_budget",
    "calculate_per_peg_cost",
    "calculate_peg_from_target_price",
    "calculate_repeg_cost",
    "calculate_repeg_validity",
    "get_total_fee_lower_bound",
]
