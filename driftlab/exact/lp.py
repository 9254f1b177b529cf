"""Backstop AMM Liquidity (BAL): the program's LP math as it last stood, at protocol-v2 tag v2.136.0.

Users minted LP shares that raised the AMM's ``sqrt_k`` one for one. Every AMM fill was then split pro rata:
``lp_shares / sqrt_k`` of the AMM's side went to the LPs, booked per share in ``AMM::base_asset_amount_per_lp``
and ``quote_asset_amount_per_lp`` (with 80% of the fee the market kept, ``LP_FEE_SLICE``), and an LP turned its
share into an ordinary perp position by *settling*: the change in the per-share amounts since its last
settlement, times its shares, standardised to the order step size with the rest kept as
``remainder_base_asset_amount``. The program removed all of this by v2.161.0 (the fields that survived are
unused there); these functions reproduce v2.136.0 and every docstring names that version.

Besides ``math/lp.rs`` this module holds the v2.136.0 versions of the other math that knew about LPs, under a
``_v2_136`` suffix where v2.161.0 has a function of the same name: the position update type and new amounts
with the remainder (``math/position.rs``), the AMM's position value on the protocol-owned part of the curve and
the k-change cost built on it, the margin of a position with LP shares (``math/margin.rs``), the funding split
with unsettled LP inventory (``math/funding.rs``), the AMM/LP JIT split (``math/amm_jit.rs``) and the market and
position validations (``validation/*.rs``). The v2.136.0-only methods of ``AMM``, ``PerpMarket`` and
``PerpPosition`` (``get_per_lp_base_unit``, ``calculate_per_lp_delta``, ``simulate_settled_lp_position``, ...)
are methods of those dataclasses in ``state.py``; their bodies are the private functions at the end of this
module.

program (v2.136.0): math/lp.rs
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import funding as funding_math
from .amm import (
    _calculate_market_open_bids_asks,
    calculate_market_open_bids_asks,
    calculate_quote_asset_amount_swapped,
    calculate_swap_output,
)
from .constants import (
    AMM_RESERVE_PRECISION,
    AMM_RESERVE_PRECISION_I128,
    BID_ASK_SPREAD_PRECISION,
    LP_FEE_SLICE_DENOMINATOR,
    LP_FEE_SLICE_NUMERATOR,
    MARGIN_PRECISION_U128,
    MAX_BASE_ASSET_AMOUNT_WITH_AMM,
    PERCENTAGE_PRECISION_U64,
    PRICE_PRECISION,
    PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO,
    QUOTE_PRECISION,
)
from .enums import (
    AMMLiquiditySplit,
    MarginRequirementType,
    MarketStatus,
    PositionDirection,
    PositionUpdateType,
)
from .errors import (
    InvalidAmmDetected,
    InvalidFundingProfitability,
    InvalidPerpPositionDetected,
    InvalidPositionDelta,
    MathError,
)
from .helpers import get_proportion_i128, get_proportion_u128
from .margin import calculate_size_premium_liability_weight, weighted_unrealized_pnl
from .orders import (
    is_multiple_of_step_size,
    standardize_base_asset_amount,
    standardize_base_asset_amount_ceil,
    standardize_base_asset_amount_with_remainder_i128,
)
from .pnl import calculate_pnl
from .position import (
    calculate_base_asset_value_and_pnl_with_oracle_price,
    calculate_base_asset_value_with_oracle_price,
    swap_direction_to_close_position,
)
from .safe_math import (
    I32,
    I64,
    I128,
    U32,
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
    signum,
)

if TYPE_CHECKING:
    from .controller_position import PositionDelta
    from .cp_curve import UpdateKResult
    from .state import AMM, OraclePriceData, PerpMarket, PerpPosition, StrictOraclePrice

__all__ = [
    "LPMetrics",
    "adjust_k_cost_v2_136",
    "calculate_amm_jit_liquidity_v2_136",
    "calculate_base_asset_value_and_pnl_v2_136",
    "calculate_base_asset_value_v2_136",
    "calculate_clamped_jit_base_asset_amount_v2_136",
    "calculate_funding_rate_long_short_v2_136",
    "calculate_jit_base_asset_amount_v2_136",
    "calculate_lp_open_bids_asks",
    "calculate_lp_shares_to_burn_for_risk_reduction",
    "calculate_perp_position_value_and_pnl_v2_136",
    "calculate_settle_lp_metrics",
    "calculate_settled_lp_base_quote",
    "get_new_position_amounts_v2_136",
    "get_position_update_type_v2_136",
    "validate_perp_market_v2_136",
    "validate_perp_position_with_perp_market_v2_136",
]


# --- math/lp.rs ---------------------------------------------------------------------------------------------------


@dataclass
class LPMetrics:
    """An LP's unsettled share of the AMM's position: base on the step size, quote, and the base left over.

    program (v2.136.0): math/lp.rs::LPMetrics
    """

    base_asset_amount: int = 0  # i128
    quote_asset_amount: int = 0  # i128
    remainder_base_asset_amount: int = 0  # i128


def calculate_settle_lp_metrics(amm: AMM, position: PerpPosition) -> LPMetrics:
    """What settling would move into the position: ``calculate_settled_lp_base_quote`` with the base cut to the step.

    ``base = standardised(base)``, ``remainder = base - standardised(base)`` (toward zero, the sign of the base);
    the quote is not cut. A zero step size is ``MathError``.
    program (v2.136.0): math/lp.rs::calculate_settle_lp_metrics
    """
    base_asset_amount, quote_asset_amount = calculate_settled_lp_base_quote(amm, position)
    standardized_base_asset_amount, remainder_base_asset_amount = standardize_base_asset_amount_with_remainder_i128(
        base_asset_amount, cast(amm.order_step_size, U128))
    return LPMetrics(base_asset_amount=standardized_base_asset_amount, quote_asset_amount=quote_asset_amount,
                     remainder_base_asset_amount=remainder_base_asset_amount)


def calculate_settled_lp_base_quote(amm: AMM, position: PerpPosition) -> tuple[int, int]:
    """The LP's share of the AMM's base and quote since it last settled: ``(per_lp - last_per_lp) * shares / unit``.

    ``unit = AMM::get_per_lp_base_unit()`` (1e9 scaled by ``10**per_lp_base``); truncated toward zero, so each
    side rounds toward the LP holding less. The position's ``per_lp_base`` must equal the AMM's
    (``InvalidPerpPositionDetected``: rebase the position first).
    program (v2.136.0): math/lp.rs::calculate_settled_lp_base_quote
    """
    n_shares = position.lp_shares
    base_unit = amm.get_per_lp_base_unit()
    if amm.per_lp_base != position.per_lp_base:
        raise InvalidPerpPositionDetected(
            f"calculate_settled_lp_base_quote :: position/market per_lp_base unequal {position.per_lp_base} != "
            f"{amm.per_lp_base}")
    amm_net_base_asset_amount_per_lp = safe_sub(amm.base_asset_amount_per_lp, position.last_base_asset_amount_per_lp,
                                                I128)
    base_asset_amount = safe_div(safe_mul(amm_net_base_asset_amount_per_lp, n_shares, I128), base_unit)
    amm_net_quote_asset_amount_per_lp = safe_sub(amm.quote_asset_amount_per_lp,
                                                 position.last_quote_asset_amount_per_lp, I128)
    quote_asset_amount = safe_div(safe_mul(amm_net_quote_asset_amount_per_lp, n_shares, I128), base_unit)
    return base_asset_amount, quote_asset_amount


def calculate_lp_open_bids_asks(market_position: PerpPosition, market: PerpMarket) -> tuple[int, int]:
    """The LP's worst-case fills for margin: its share of the AMM's room to the reserve bounds.

    ``(bids, asks) = (max_bids, max_asks) * lp_shares / sqrt_k`` with ``max_bids = bar - min_bar`` and
    ``max_asks = -(max_bar - bar)`` (``calculate_market_open_bids_asks``), via ``get_proportion_i128``; i64.
    program (v2.136.0): math/lp.rs::calculate_lp_open_bids_asks
    """
    total_lp_shares = market.amm.sqrt_k
    lp_shares = market_position.lp_shares
    max_bids, max_asks = calculate_market_open_bids_asks(market.amm)
    open_asks = get_proportion_i128(max_asks, lp_shares, total_lp_shares)
    open_bids = get_proportion_i128(max_bids, lp_shares, total_lp_shares)
    return cast(open_bids, I64), cast(open_asks, I64)


def calculate_lp_shares_to_burn_for_risk_reduction(
    perp_position: PerpPosition,
    market: PerpMarket,
    oracle_price: int,
    quote_oracle_price: int,
    margin_shortage: int,
    user_custom_margin_ratio: int,
    user_high_leverage_mode: bool,
) -> tuple[int, int]:
    """``(lp_shares_to_burn, base_asset_amount)`` that cover a margin shortage of an LP in liquidation.

    The base that covers it is ``shortage * 1e9 / (oracle * quote_price / 1e6 * initial_ratio / 1e4)``. If closing
    the settled position covers that, burn a tenth of the shares (on the step, at least one step) and close that
    base rounded up to the step; otherwise close the whole position and burn the share of the LP's open orders that
    covers the rest, ``ceil(100 * rest / lp_orders)`` percent of the shares, rounded up to the step and clamped to
    ``[step, shares]``.
    program (v2.136.0): math/lp.rs::calculate_lp_shares_to_burn_for_risk_reduction
    """
    settled_lp_position = perp_position.simulate_settled_lp_position(market, oracle_price)
    worse_case_base_asset_amount = settled_lp_position.worst_case_base_asset_amount(oracle_price,
                                                                                   market.contract_type)
    side = perp_position.open_bids if worse_case_base_asset_amount >= 0 else perp_position.open_asks
    open_orders_from_lp_shares = safe_sub(
        worse_case_base_asset_amount, cast(safe_add(settled_lp_position.base_asset_amount, side, I64), I128), I128)

    margin_ratio = max(_get_margin_ratio_v2_136(market, abs(worse_case_base_asset_amount),
                                                MarginRequirementType.Initial, user_high_leverage_mode),
                       user_custom_margin_ratio)
    price_per_base = safe_div(safe_mul(cast(oracle_price, U128), cast(quote_oracle_price, U128), U128),
                              PRICE_PRECISION)
    margin_per_base = safe_div(safe_mul(price_per_base, margin_ratio, U128), MARGIN_PRECISION_U128)
    base_asset_amount_to_cover = cast(safe_div(
        safe_mul(margin_shortage, PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO, U128), margin_per_base), U64)

    current_base_asset_amount = abs(settled_lp_position.base_asset_amount)
    step = market.amm.order_step_size
    if base_asset_amount_to_cover < current_base_asset_amount:
        base_asset_amount_to_close = min(standardize_base_asset_amount_ceil(base_asset_amount_to_cover, step),
                                         current_base_asset_amount)
        lp_shares_to_burn = max(standardize_base_asset_amount(settled_lp_position.lp_shares // 10, step), step)
        return lp_shares_to_burn, base_asset_amount_to_close

    base_asset_amount_to_cover = safe_sub(base_asset_amount_to_cover, current_base_asset_amount, U64)
    percent_to_burn = safe_div_ceil(safe_mul(base_asset_amount_to_cover, 100, U128), abs(open_orders_from_lp_shares))
    lp_shares_to_burn = cast(safe_div_ceil(safe_mul(settled_lp_position.lp_shares, percent_to_burn, U128), 100), U64)
    if step > settled_lp_position.lp_shares:
        raise MathError(f"clamp({step}, {settled_lp_position.lp_shares}): min > max (program panics)")
    standardized = standardize_base_asset_amount_ceil(lp_shares_to_burn, step)
    return min(max(standardized, step), settled_lp_position.lp_shares), current_base_asset_amount


# --- math/position.rs (v2.136.0): positions with a remainder -----------------------------------------------------


def get_position_update_type_v2_136(position: PerpPosition, delta: PositionDelta) -> PositionUpdateType:
    """Open / Increase / Reduce / Close / Flip, counting the base *with* the remainder on both sides.

    Open only when the position has neither base nor remainder; the delta's remainder counts when present.
    program (v2.136.0): math/position.rs::get_position_update_type
    """
    if position.base_asset_amount == 0 and position.remainder_base_asset_amount == 0:
        return PositionUpdateType.Open
    position_base_with_remainder = position.base_asset_amount
    if position.remainder_base_asset_amount != 0:
        position_base_with_remainder = safe_add(position.base_asset_amount, position.remainder_base_asset_amount, I64)
    delta_base_with_remainder = delta.base_asset_amount
    if delta.remainder_base_asset_amount is not None:
        delta_base_with_remainder = safe_add(delta.base_asset_amount, delta.remainder_base_asset_amount, I64)
    if signum(position_base_with_remainder) == signum(delta_base_with_remainder):
        return PositionUpdateType.Increase
    if abs(position_base_with_remainder) > abs(delta_base_with_remainder):
        return PositionUpdateType.Reduce
    if abs(position_base_with_remainder) == abs(delta_base_with_remainder):
        return PositionUpdateType.Close
    return PositionUpdateType.Flip


def get_new_position_amounts_v2_136(position: PerpPosition, delta: PositionDelta,
                                    market: PerpMarket) -> tuple[int, int, int, int]:
    """``(new_base, new_settled_base, new_quote, new_remainder)`` after a delta that may carry a remainder.

    With a remainder in the delta, the position's remainder grows by it; once it reaches the step size the
    whole steps move into the base (and into ``new_settled_base``, the base that changes the market's long/short
    totals) and the rest stays. A remainder beyond ``i32::MAX`` is ``InvalidPositionDelta``.
    program (v2.136.0): math/position.rs::get_new_position_amounts
    """
    new_quote_asset_amount = safe_add(position.quote_asset_amount, delta.quote_asset_amount, I64)
    new_base_asset_amount = safe_add(position.base_asset_amount, delta.base_asset_amount, I64)
    delta_remainder = delta.remainder_base_asset_amount or 0
    new_remainder_base_asset_amount = safe_add(position.remainder_base_asset_amount, delta_remainder, I64)
    new_settled_base_asset_amount = delta.base_asset_amount
    if delta.remainder_base_asset_amount is not None:
        if abs(new_remainder_base_asset_amount) >= market.amm.order_step_size:
            standardized, remainder = standardize_base_asset_amount_with_remainder_i128(
                new_remainder_base_asset_amount, market.amm.order_step_size)
            new_base_asset_amount = safe_add(new_base_asset_amount, cast(standardized, I64), I64)
            new_settled_base_asset_amount = safe_add(new_settled_base_asset_amount, cast(standardized, I64), I64)
            new_remainder_base_asset_amount = cast(remainder, I64)
        if not abs(new_remainder_base_asset_amount) <= I32.max:
            raise InvalidPositionDelta(f"new_remainder_base_asset_amount={new_remainder_base_asset_amount} > i32 max")
    return new_base_asset_amount, new_settled_base_asset_amount, new_quote_asset_amount, new_remainder_base_asset_amount


def calculate_base_asset_value_v2_136(base_asset_amount: int, amm: AMM) -> int:
    """Quote for closing ``base_asset_amount`` on the *protocol-owned* part of the curve (LP shares left out).

    The reserves are scaled by ``(sqrt_k - user_lp_shares) / sqrt_k`` (``get_proportion_u128``) and the swap runs
    on ``sqrt_k - user_lp_shares``: with LPs the AMM's own curve is shallower, so closing costs more.
    program (v2.136.0): math/position.rs::calculate_base_asset_value
    """
    if base_asset_amount == 0:
        return 0
    swap_direction = swap_direction_to_close_position(base_asset_amount)
    amm_lp_shares = safe_sub(amm.sqrt_k, amm.user_lp_shares, U128)
    base_asset_reserve_proportion = get_proportion_u128(amm.base_asset_reserve, amm_lp_shares, amm.sqrt_k)
    quote_asset_reserve_proportion = get_proportion_u128(amm.quote_asset_reserve, amm_lp_shares, amm.sqrt_k)
    new_quote_asset_reserve, _ = calculate_swap_output(abs(base_asset_amount), base_asset_reserve_proportion,
                                                       swap_direction, amm_lp_shares)
    return calculate_quote_asset_amount_swapped(quote_asset_reserve_proportion, new_quote_asset_reserve,
                                                swap_direction, amm.peg_multiplier)


def calculate_base_asset_value_and_pnl_v2_136(base_asset_amount: int, quote_asset_amount: int,
                                              amm: AMM) -> tuple[int, int]:
    """``(value, pnl)`` with ``calculate_base_asset_value_v2_136``; pnl as ``calculate_pnl``.

    program (v2.136.0): math/position.rs::calculate_base_asset_value_and_pnl
    """
    if base_asset_amount == 0:
        return 0, 0
    swap_direction = swap_direction_to_close_position(base_asset_amount)
    base_asset_value = calculate_base_asset_value_v2_136(base_asset_amount, amm)
    return base_asset_value, calculate_pnl(base_asset_value, quote_asset_amount, swap_direction)


def adjust_k_cost_v2_136(market: PerpMarket, update_k_result: UpdateKResult) -> int:
    """Cost of a k update to the protocol with LPs in the market: value the users' net position before and after.

    As v2.161.0's ``adjust_k_cost`` (the source is unchanged) but on ``calculate_base_asset_value_v2_136``, so it
    depends on ``user_lp_shares``. ``market`` is not changed. The k update itself is v2.161.0's ``update_k``, whose
    spread update differs from v2.136.0's only in the reference-price offset (``curve_update_intensity > 100``).
    program (v2.136.0): math/cp_curve.rs::adjust_k_cost
    """
    from .cp_curve import update_k

    market_clone = copy.deepcopy(market)
    base = market_clone.amm.base_asset_amount_with_amm
    current_net_market_value, _ = calculate_base_asset_value_and_pnl_v2_136(base, 0, market_clone.amm)
    update_k(market_clone, update_k_result)
    _, cost = calculate_base_asset_value_and_pnl_v2_136(market_clone.amm.base_asset_amount_with_amm,
                                                        current_net_market_value, market_clone.amm)
    return cost


# --- math/margin.rs (v2.136.0) --------------------------------------------------------------------------------------


def _get_margin_ratio_v2_136(market: PerpMarket, size: int, margin_type: MarginRequirementType,
                             user_high_leverage_mode: bool) -> int:
    """program (v2.136.0): state/perp_market.rs::PerpMarket::get_margin_ratio (no HLM size interpolation yet)."""
    if market.status == MarketStatus.Settlement:
        return 0
    if user_high_leverage_mode and market.is_high_leverage_mode_enabled():
        initial, maintenance = market.high_leverage_margin_ratio_initial, market.high_leverage_margin_ratio_maintenance
    else:
        initial, maintenance = market.margin_ratio_initial, market.margin_ratio_maintenance
    if margin_type == MarginRequirementType.Initial:
        default_margin_ratio = initial
    elif margin_type == MarginRequirementType.Fill:
        default_margin_ratio = safe_add(initial, maintenance, U32) // 2
    else:
        default_margin_ratio = maintenance
    size_adj_margin_ratio = calculate_size_premium_liability_weight(size, market.imf_factor, default_margin_ratio,
                                                                    MARGIN_PRECISION_U128, True)
    return max(default_margin_ratio, size_adj_margin_ratio)


def calculate_perp_position_value_and_pnl_v2_136(
    market_position: PerpPosition,
    market: PerpMarket,
    oracle_price_data: OraclePriceData,
    strict_quote_price: StrictOraclePrice,
    margin_requirement_type: MarginRequirementType,
    user_custom_margin_ratio: int,
    user_high_leverage_mode: bool,
    track_open_order_fraction: bool,
) -> tuple[int, int, int, int, int]:
    """``(margin_requirement, weighted_upnl, worst_case_liability_value, open_order_margin_requirement, value)``.

    The LP part of v2.136.0's margin: funding is taken on the position *before* settling (unsettled LP inventory
    earns none), then the position is replaced by ``simulate_settled_lp_position`` (its LP share of the AMM settled
    in, the remainder charged as dust at the oracle, and the LP's share of the AMM's room to its reserve bounds
    added to its open bids and asks), and the requirement gains ``max($1, step * price)`` for holding shares. The
    rest is as v2.161.0 (worst case of all bids or all asks filling, IMF-sized ratio, unrealized-P&L weight). With
    ``track_open_order_fraction`` the fourth value is the requirement's share due to the open orders.
    program (v2.136.0): math/margin.rs::calculate_perp_position_value_and_pnl
    """
    settlement = market.status == MarketStatus.Settlement
    valuation_price = market.expiry_price if settlement else oracle_price_data.price
    cumulative_rate = (market.amm.cumulative_funding_rate_long if market_position.base_asset_amount > 0
                       else market.amm.cumulative_funding_rate_short)
    unrealized_funding = funding_math.calculate_funding_payment(cumulative_rate, market_position)
    market_position = market_position.simulate_settled_lp_position(market, valuation_price)
    base_asset_value, unrealized_pnl = calculate_base_asset_value_and_pnl_with_oracle_price(market_position,
                                                                                            valuation_price)
    total_unrealized_pnl = safe_add(unrealized_pnl, unrealized_funding, I128)

    worst_case_base_asset_amount, worst_case_liability_value = market_position.worst_case_liability_value(
        oracle_price_data.price, market.contract_type)
    worst_case_liability_value = safe_div(
        safe_mul(worst_case_liability_value, cast(strict_quote_price.max(), U128), U128), PRICE_PRECISION)
    if settlement:
        margin_requirement = 0
    else:
        margin_ratio = max(user_custom_margin_ratio, _get_margin_ratio_v2_136(
            market, abs(worst_case_base_asset_amount), margin_requirement_type, user_high_leverage_mode))
        margin_requirement = safe_div(safe_mul(worst_case_liability_value, margin_ratio, U128), MARGIN_PRECISION_U128)
    margin_requirement = safe_add(margin_requirement, market_position.margin_requirement_for_open_orders(), U128)
    margin_requirement = safe_add(margin_requirement, market_position.margin_requirement_for_lp_shares(
        market.amm.order_step_size, valuation_price), U128)

    weighted_upnl = weighted_unrealized_pnl(market, total_unrealized_pnl, strict_quote_price, margin_requirement_type)

    open_order_margin_requirement = 0
    if track_open_order_fraction and worst_case_base_asset_amount != 0:
        worst = abs(worst_case_base_asset_amount)
        open_order_margin_requirement = safe_div(safe_mul(
            safe_sub(worst, abs(market_position.base_asset_amount), U128), margin_requirement, U128), worst)
    return (margin_requirement, weighted_upnl, worst_case_liability_value, open_order_margin_requirement,
            base_asset_value)


# --- math/funding.rs (v2.136.0) -------------------------------------------------------------------------------------


def calculate_funding_rate_long_short_v2_136(market: PerpMarket, funding_rate: int) -> tuple[int, int, int]:
    """``(rate_long, rate_short, uncapped_funding_pnl)`` with the AMM also paying for the LPs' *unsettled* inventory.

    As v2.161.0's ``calculate_funding_rate_long_short`` but on ``base_asset_amount_with_amm +
    base_asset_amount_with_unsettled_lp``: LPs only earn or pay funding once settled, so until then the protocol
    takes the funding of the position they would hold. Mutates ``market.amm``.
    program (v2.136.0): math/funding.rs::calculate_funding_rate_long_short
    """
    amm = market.amm
    settled_net_market_position = safe_add(amm.base_asset_amount_with_amm, amm.base_asset_amount_with_unsettled_lp,
                                           I128)
    net_market_position_funding_payment = funding_math.calculate_funding_payment_in_quote_precision(
        funding_rate, settled_net_market_position)
    uncapped_funding_pnl = -net_market_position_funding_payment
    if uncapped_funding_pnl >= 0:
        amm.total_fee_minus_distributions = safe_add(amm.total_fee_minus_distributions, uncapped_funding_pnl, I128)
        amm.net_revenue_since_last_funding = safe_add(amm.net_revenue_since_last_funding,
                                                      funding_math._as_i64(uncapped_funding_pnl), I64)
        return funding_rate, funding_rate, uncapped_funding_pnl

    from . import repeg

    capped_funding_rate, capped_funding_pnl = funding_math.calculate_capped_funding_rate(
        market, uncapped_funding_pnl, funding_rate)
    new_total_fee_minus_distributions = safe_add(amm.total_fee_minus_distributions, capped_funding_pnl, I128)
    if capped_funding_pnl != 0:
        lower_bound = cast(repeg.get_total_fee_lower_bound(market), I128)
        if new_total_fee_minus_distributions < lower_bound:
            raise InvalidFundingProfitability(
                f"new_total_fee_minus_distributions={new_total_fee_minus_distributions} "
                f"< total_fee_minus_distributions_lower_bound={lower_bound}")
    amm.total_fee_minus_distributions = new_total_fee_minus_distributions
    amm.net_revenue_since_last_funding = safe_sub(amm.net_revenue_since_last_funding,
                                                  funding_math._as_i64(abs(capped_funding_pnl)), I64)
    funding_rate_long = capped_funding_rate if funding_rate < 0 else funding_rate
    funding_rate_short = capped_funding_rate if funding_rate > 0 else funding_rate
    return funding_rate_long, funding_rate_short, uncapped_funding_pnl


# --- math/amm_jit.rs (v2.136.0): the AMM/LP split -------------------------------------------------------------------


def calculate_jit_base_asset_amount_v2_136(market: PerpMarket, maker_base_asset_amount: int, auction_price: int,
                                           valid_oracle_price: int | None, taker_direction: PositionDirection,
                                           liquidity_split: AMMLiquiditySplit) -> int:
    """The AMM's (or LPs') JIT size for a maker fill: v2.161.0's rule with the clamp depending on the split.

    ``maker/2`` at most (shrunk when the price is over 5 bps through the oracle), ``maker`` when the AMM's book is
    imbalanced 1.5:1 or ``maker/4`` otherwise, scaled by ``min(amm_jit_intensity, 100)%`` and capped by the inventory
    (``calculate_clamped_jit_base_asset_amount_v2_136``), cut to the step size.
    program (v2.136.0): math/amm_jit.rs::calculate_jit_base_asset_amount
    """
    max_jit_amount = safe_div(maker_base_asset_amount, 2)
    if valid_oracle_price is None:
        max_jit_amount = 0
    else:
        baseline_price = cast(valid_oracle_price, U64)
        five_bps_of_baseline = baseline_price // 2000
        is_long = taker_direction == PositionDirection.Long
        if (is_long and auction_price < safe_sub(baseline_price, five_bps_of_baseline, U64)) or (
                not is_long and auction_price > min(baseline_price + five_bps_of_baseline, U64.max)):
            opposite_spread = market.amm.short_spread if is_long else market.amm.long_spread
            opposite_spread_price = safe_div(safe_mul(opposite_spread, baseline_price, U64), PERCENTAGE_PRECISION_U64)
            price_difference = abs(safe_sub(cast(auction_price, I64), valid_oracle_price, I64))
            scale_numerator = max(opposite_spread_price - price_difference, 0)
            max_jit_amount = safe_div(safe_mul(max_jit_amount, scale_numerator, U64), max(opposite_spread_price, 1))
    if max_jit_amount == 0:
        return 0

    max_bids, max_asks = calculate_market_open_bids_asks(market.amm)
    max_bids, max_asks = abs(max_bids), abs(max_asks)
    numerator = max(max_bids, max_asks)
    denominator = min(max_bids, max_asks)
    product = safe_mul(numerator, AMM_RESERVE_PRECISION, U128)
    ratio = product // denominator if denominator != 0 else U128.max
    amm_is_imbalanced = ratio >= 15 * (AMM_RESERVE_PRECISION // 10)

    jit_base_asset_amount = maker_base_asset_amount if amm_is_imbalanced else safe_div(maker_base_asset_amount, 4)
    if jit_base_asset_amount == 0:
        return 0
    jit_base_asset_amount = calculate_clamped_jit_base_asset_amount_v2_136(market, liquidity_split,
                                                                           jit_base_asset_amount)
    jit_base_asset_amount = min(jit_base_asset_amount, max_jit_amount)
    return standardize_base_asset_amount(jit_base_asset_amount, market.amm.order_step_size)


def calculate_clamped_jit_base_asset_amount_v2_136(market: PerpMarket, liquidity_split: AMMLiquiditySplit,
                                                   jit_base_asset_amount: int) -> int:
    """``min(jit * min(intensity, 100) / 100, cap)``: the AMM's net inventory, or for LP-only fills the LPs' gap.

    ``cap = |base_asset_amount_with_amm|`` unless the split is ``LPOwned``, where it is
    ``|AMM::imbalanced_base_asset_amount_with_lp()|`` (the LPs' distance to their target per-share inventory).
    program (v2.136.0): math/amm_jit.rs::calculate_clamped_jit_base_asset_amount
    """
    scaled = cast(safe_div(safe_mul(jit_base_asset_amount, min(market.amm.amm_jit_intensity, 100), U128), 100), U64)
    if liquidity_split != AMMLiquiditySplit.LPOwned:
        max_amm_base_asset_amount = cast(abs(market.amm.base_asset_amount_with_amm), U64)
    else:
        max_amm_base_asset_amount = cast(abs(market.amm.imbalanced_base_asset_amount_with_lp()), U64)
    return min(scaled, max_amm_base_asset_amount)


def calculate_amm_jit_liquidity_v2_136(market: PerpMarket, taker_direction: PositionDirection, maker_price: int,
                                       valid_oracle_price: int | None, base_asset_amount: int,
                                       taker_base_asset_amount: int, maker_base_asset_amount: int,
                                       taker_has_limit_price: bool,
                                       amm_lp_allowed_to_jit_make: bool | None) -> tuple[int, AMMLiquiditySplit]:
    """``(jit_base_asset_amount, split)``: how much the AMM joins a maker's fill, and who takes it.

    Nothing when a taker without a limit price will reach the AMM next round anyway. If the AMM wants to reduce
    its inventory it makes, ``Shared`` with the LPs when they also want to (their per-share base is on the taker's
    side of ``target_base_asset_amount_per_lp`` and ``amm_jit_intensity > 100``) and are allowed to (the AMM's
    inventory below a tenth of its protocol-owned smaller side, unless ``amm_lp_allowed_to_jit_make`` overrides),
    else ``ProtocolOwned``. If only the LPs want to, ``LPOwned``.
    program (v2.136.0): math/amm_jit.rs::calculate_amm_jit_liquidity
    """
    jit_base_asset_amount = 0
    liquidity_split = AMMLiquiditySplit.ProtocolOwned
    amm_will_fill_next_round = not taker_has_limit_price and maker_base_asset_amount < taker_base_asset_amount
    if amm_will_fill_next_round:
        return jit_base_asset_amount, liquidity_split
    amm_wants_to_jit_make = market.amm.amm_wants_to_jit_make(taker_direction)
    amm_lp_wants_to_jit_make = market.amm.amm_lp_wants_to_jit_make(taker_direction)
    if amm_lp_allowed_to_jit_make is None:
        amm_lp_allowed_to_jit_make = market.amm.amm_lp_allowed_to_jit_make(amm_wants_to_jit_make)
    split_with_lps = amm_lp_allowed_to_jit_make and amm_lp_wants_to_jit_make
    if amm_wants_to_jit_make:
        liquidity_split = AMMLiquiditySplit.Shared if split_with_lps else AMMLiquiditySplit.ProtocolOwned
        jit_base_asset_amount = calculate_jit_base_asset_amount_v2_136(
            market, base_asset_amount, maker_price, valid_oracle_price, taker_direction, liquidity_split)
    elif split_with_lps:
        liquidity_split = AMMLiquiditySplit.LPOwned
        jit_base_asset_amount = calculate_jit_base_asset_amount_v2_136(
            market, base_asset_amount, maker_price, valid_oracle_price, taker_direction, liquidity_split)
    return jit_base_asset_amount, liquidity_split


# --- validation (v2.136.0) ------------------------------------------------------------------------------------------


def validate_perp_market_v2_136(market: PerpMarket) -> None:
    """The market's invariants after every LP mint, burn and settle; any failure is the program's error.

    Long and short totals on the step size (``InvalidPositionDelta``); ``long + short == with_amm +
    with_unsettled_lp``, k above the net position, reserves consistent with k (rounding <= 15), spread reserves on
    the right side, terminal reserve on the side of the net position, ``sqrt_k >= user_lp_shares``, per-share amounts
    below MAX_BASE_ASSET_AMOUNT_WITH_AMM (all ``InvalidAmmDetected``).
    program (v2.136.0): validation/perp_market.rs::validate_perp_market
    """
    amm = market.amm
    step = cast(amm.order_step_size, U128)
    _, remainder_long = standardize_base_asset_amount_with_remainder_i128(amm.base_asset_amount_long, step)
    _, remainder_short = standardize_base_asset_amount_with_remainder_i128(amm.base_asset_amount_short, step)
    if not (remainder_long == 0 and remainder_short == 0):
        raise InvalidPositionDelta(f"market {market.market_index} invalid base_asset_amount_long/short vs "
                                   f"order_step_size, remainder={remainder_short}/{amm.order_step_size}")
    if amm.base_asset_amount_long + amm.base_asset_amount_short != (
            amm.base_asset_amount_with_amm + amm.base_asset_amount_with_unsettled_lp):
        raise InvalidAmmDetected(
            f"Market NET_BAA Error: long={amm.base_asset_amount_long} + short={amm.base_asset_amount_short} != "
            f"with_amm={amm.base_asset_amount_with_amm} + with_unsettled_lp={amm.base_asset_amount_with_unsettled_lp}")
    if not amm.base_asset_amount_with_amm <= MAX_BASE_ASSET_AMOUNT_WITH_AMM:
        raise InvalidAmmDetected(f"market {market.market_index} base_asset_amount_with_amm too large")
    if not amm.peg_multiplier > 0:
        raise InvalidAmmDetected(f"market {market.market_index} peg_multiplier out of wack")
    if market.status != MarketStatus.ReduceOnly and not amm.sqrt_k > abs(amm.base_asset_amount_with_amm):
        raise InvalidAmmDetected(f"market {market.market_index} k out of wack: k={amm.sqrt_k}, "
                                 f"net_baa={amm.base_asset_amount_with_amm}")
    if not (amm.sqrt_k >= amm.base_asset_reserve or amm.sqrt_k >= amm.quote_asset_reserve):
        raise InvalidAmmDetected(f"market {market.market_index} k out of wack: k={amm.sqrt_k}, "
                                 f"bar={amm.base_asset_reserve}, qar={amm.quote_asset_reserve}")
    if not amm.sqrt_k >= amm.user_lp_shares:
        raise InvalidAmmDetected(f"market {market.market_index} sqrt_k < user_lp_shares: {amm.sqrt_k} < "
                                 f"{amm.user_lp_shares}")
    invariant = checked(amm.sqrt_k * amm.sqrt_k, U192)
    quote_asset_reserve = safe_div(invariant, amm.base_asset_reserve)
    if quote_asset_reserve > U128.max:
        from .errors import BnConversionError

        raise BnConversionError(f"{quote_asset_reserve} does not fit u128")
    rounding_diff = abs(quote_asset_reserve - amm.quote_asset_reserve)
    if not rounding_diff <= 15:
        raise InvalidAmmDetected(f"market {market.market_index} amm qar/bar/k invalid (rounding: {rounding_diff})")
    if amm.base_spread > 0:
        if amm.reference_price_offset <= 0 and not (amm.bid_base_asset_reserve >= amm.base_asset_reserve
                                                   and amm.bid_quote_asset_reserve <= amm.quote_asset_reserve):
            raise InvalidAmmDetected(f"market {market.market_index} amm bid reserves invalid")
        if amm.reference_price_offset >= 0 and not (amm.ask_base_asset_reserve <= amm.base_asset_reserve
                                                   and amm.ask_quote_asset_reserve >= amm.quote_asset_reserve):
            raise InvalidAmmDetected(f"market {market.market_index} amm ask reserves invalid")
    if amm.amm_spread_adjustment >= 0 and amm.amm_inventory_spread_adjustment >= 0:
        if not amm.long_spread + amm.short_spread >= amm.base_spread:
            raise InvalidAmmDetected(f"market {market.market_index} amm long_spread + short_spread < base_spread")
    if not cast(safe_add(amm.long_spread, amm.short_spread, U32), U64) <= BID_ASK_SPREAD_PRECISION:
        raise InvalidAmmDetected(f"market {market.market_index} amm long_spread + short_spread > 100%")
    if amm.base_asset_amount_with_amm > 0:
        if not amm.terminal_quote_asset_reserve <= amm.quote_asset_reserve:
            raise InvalidAmmDetected(f"market {market.market_index} terminal_quote_asset_reserve out of wack")
    elif amm.base_asset_amount_with_amm < 0:
        if not amm.terminal_quote_asset_reserve >= amm.quote_asset_reserve:
            raise InvalidAmmDetected(f"market {market.market_index} terminal_quote_asset_reserve out of wack "
                                     "(terminal <)")
    elif amm.terminal_quote_asset_reserve != amm.quote_asset_reserve:
        raise InvalidAmmDetected(f"market {market.market_index} terminal_quote_asset_reserve out of wack "
                                 f"{amm.terminal_quote_asset_reserve} != {amm.quote_asset_reserve}")
    if amm.base_spread > 0 and not (amm.max_spread > amm.base_spread
                                    and amm.max_spread < market.margin_ratio_initial * 100):
        raise InvalidAmmDetected(f"market {market.market_index} amm invalid max_spread")
    claim = market.insurance_claim
    if not claim.max_revenue_withdraw_per_period >= abs(claim.revenue_withdraw_since_last_settle):
        raise InvalidAmmDetected(f"{market.market_index} max_revenue_withdraw_per_period < "
                                 "|revenue_withdraw_since_last_settle|")
    if not amm.base_asset_amount_per_lp < MAX_BASE_ASSET_AMOUNT_WITH_AMM:
        raise InvalidAmmDetected(f"{market.market_index} base_asset_amount_per_lp too large: "
                                 f"{amm.base_asset_amount_per_lp}")
    if not amm.quote_asset_amount_per_lp < MAX_BASE_ASSET_AMOUNT_WITH_AMM:
        raise InvalidAmmDetected(f"{market.market_index} quote_asset_amount_per_lp too large: "
                                 f"{amm.quote_asset_amount_per_lp}")


def validate_perp_position_with_perp_market_v2_136(position: PerpPosition, market: PerpMarket) -> None:
    """An LP's ``per_lp_base`` matches the market's; same market index; base on the step size.

    Each failure is ``InvalidPerpPositionDetected``.
    program (v2.136.0): validation/position.rs::validate_perp_position_with_perp_market
    """
    if position.lp_shares != 0 and position.per_lp_base != market.amm.per_lp_base:
        raise InvalidPerpPositionDetected("position/market per_lp_base unequal")
    if position.market_index != market.market_index:
        raise InvalidPerpPositionDetected("position/market market_index unequal")
    if not is_multiple_of_step_size(abs(position.base_asset_amount), market.amm.order_step_size):
        raise InvalidPerpPositionDetected("position not multiple of stepsize")


# --- bodies of the v2.136.0-only struct methods (called from state.py) ----------------------------------------------


def _amm_get_per_lp_base_unit(amm: AMM) -> int:
    """program (v2.136.0): state/perp_market.rs::AMM::get_per_lp_base_unit"""
    exponent = abs(amm.per_lp_base)
    scalar = 10**exponent
    if scalar > I128.max:
        raise MathError(f"10**{exponent} overflows i128 (program panics)")
    if amm.per_lp_base > 0:
        return safe_mul(AMM_RESERVE_PRECISION_I128, scalar, I128)
    return safe_div(AMM_RESERVE_PRECISION_I128, scalar)


def _amm_calculate_lp_base_delta(amm: AMM, per_lp_delta_base: int, base_unit: int) -> int:
    """program (v2.136.0): state/perp_market.rs::AMM::calculate_lp_base_delta"""
    return get_proportion_i128(per_lp_delta_base, amm.user_lp_shares, cast(base_unit, U128))


def _amm_calculate_per_lp_delta(amm: AMM, delta: PositionDelta, fee_to_market: int,
                                liquidity_split: AMMLiquiditySplit, base_unit: int) -> tuple[int, int, int]:
    """program (v2.136.0): state/perp_market.rs::AMM::calculate_per_lp_delta"""
    total_lp_shares = amm.user_lp_shares if liquidity_split == AMMLiquiditySplit.LPOwned else amm.sqrt_k
    unit = cast(base_unit, U128)
    per_lp_delta_base = get_proportion_i128(delta.base_asset_amount, unit, total_lp_shares)
    per_lp_delta_quote = get_proportion_i128(delta.quote_asset_amount, unit, total_lp_shares)
    if per_lp_delta_base < 0:
        per_lp_delta_quote = safe_add(per_lp_delta_quote, 1, I128)
    per_lp_fee = 0
    if fee_to_market > 0:
        lp_fee = get_proportion_i128(fee_to_market, LP_FEE_SLICE_NUMERATOR, LP_FEE_SLICE_DENOMINATOR)
        per_lp_fee = safe_div(safe_mul(lp_fee, base_unit, I128), cast(total_lp_shares, I128))
    return per_lp_delta_base, per_lp_delta_quote, per_lp_fee


def _amm_get_target_base_asset_amount_per_lp(amm: AMM) -> int:
    """program (v2.136.0): state/perp_market.rs::AMM::get_target_base_asset_amount_per_lp"""
    if amm.target_base_asset_amount_per_lp == 0:
        return 0
    rebase_divisor = 10 ** abs(amm.per_lp_base)
    if amm.per_lp_base > 0:
        return safe_mul(amm.target_base_asset_amount_per_lp, rebase_divisor, I128)
    if amm.per_lp_base < 0:
        return safe_div(amm.target_base_asset_amount_per_lp, rebase_divisor)
    return amm.target_base_asset_amount_per_lp


def _amm_imbalanced_base_asset_amount_with_lp(amm: AMM) -> int:
    """program (v2.136.0): state/perp_market.rs::AMM::imbalanced_base_asset_amount_with_lp"""
    target_lp_gap = safe_sub(amm.base_asset_amount_per_lp, amm.get_target_base_asset_amount_per_lp(), I128)
    base_unit = cast(amm.get_per_lp_base_unit(), U128)
    return get_proportion_i128(target_lp_gap, amm.user_lp_shares, base_unit)


def _amm_lp_wants_to_jit_make(amm: AMM, taker_direction: PositionDirection) -> bool:
    """program (v2.136.0): state/perp_market.rs::AMM::amm_lp_wants_to_jit_make"""
    if amm.user_lp_shares == 0:
        return False
    target = amm.get_target_base_asset_amount_per_lp()
    if taker_direction == PositionDirection.Long:
        wants = amm.base_asset_amount_per_lp > target
    else:
        wants = amm.base_asset_amount_per_lp < target
    return wants and amm.amm_lp_jit_is_active()


def _amm_lp_allowed_to_jit_make(amm: AMM, amm_wants_to_jit_make: bool) -> bool:
    """program (v2.136.0): state/perp_market.rs::AMM::amm_lp_allowed_to_jit_make"""
    if not amm_wants_to_jit_make:
        return True
    max_bids, max_asks = _calculate_market_open_bids_asks(amm.base_asset_reserve, amm.min_base_asset_reserve,
                                                          amm.max_base_asset_reserve)
    min_side_liquidity = min(max_bids, abs(max_asks))
    protocol_owned_min_side_liquidity = get_proportion_i128(
        min_side_liquidity, safe_sub(amm.sqrt_k, amm.user_lp_shares, U128), amm.sqrt_k)
    return abs(amm.base_asset_amount_with_amm) < safe_div(protocol_owned_min_side_liquidity, 10)


def _market_update_market_with_counterparty(market: PerpMarket, delta: PositionDelta,
                                            new_settled_base_asset_amount: int) -> None:
    """program (v2.136.0): state/perp_market.rs::PerpMarket::update_market_with_counterparty"""
    if delta.remainder_base_asset_amount is None:
        return
    amm = market.amm
    amm.base_asset_amount_with_unsettled_lp = safe_add(amm.base_asset_amount_with_unsettled_lp,
                                                       new_settled_base_asset_amount, I128)
    amm.quote_asset_amount_with_unsettled_lp = safe_add(amm.quote_asset_amount_with_unsettled_lp,
                                                        delta.quote_asset_amount, I64)


def _position_margin_requirement_for_lp_shares(position: PerpPosition, order_step_size: int,
                                               valuation_price: int) -> int:
    """program (v2.136.0): state/user.rs::PerpPosition::margin_requirement_for_lp_shares"""
    if not position.is_lp():
        return 0
    step_value = safe_div(safe_mul(order_step_size, cast(valuation_price, U128), U128),
                          PRICE_TIMES_AMM_TO_QUOTE_PRECISION_RATIO)
    return max(QUOTE_PRECISION, step_value)


def _position_simulate_settled_lp_position(position: PerpPosition, market: PerpMarket,
                                           valuation_price: int) -> PerpPosition:
    """program (v2.136.0): state/user.rs::PerpPosition::simulate_settled_lp_position"""
    from .controller_lp import apply_lp_rebase_to_perp_position

    settled_position = replace(position)
    if not settled_position.is_lp():
        return settled_position
    apply_lp_rebase_to_perp_position(market, settled_position)
    lp_metrics = calculate_settle_lp_metrics(market.amm, settled_position)
    base_asset_amount = safe_add(settled_position.base_asset_amount, cast(lp_metrics.base_asset_amount, I64), I64)
    quote_asset_amount = safe_add(settled_position.quote_asset_amount, cast(lp_metrics.quote_asset_amount, I64), I64)
    new_remainder_base_asset_amount = safe_add(settled_position.remainder_base_asset_amount,
                                               cast(lp_metrics.remainder_base_asset_amount, I64), I64)
    if abs(new_remainder_base_asset_amount) >= market.amm.order_step_size:
        standardized, remainder = standardize_base_asset_amount_with_remainder_i128(
            new_remainder_base_asset_amount, cast(market.amm.order_step_size, U128))
        # the program adds the whole steps to lp_metrics after the base above was taken: they are not counted
        lp_metrics.base_asset_amount = safe_add(lp_metrics.base_asset_amount, standardized, I128)
        new_remainder_base_asset_amount = cast(remainder, I64)
    if new_remainder_base_asset_amount != 0:
        dust_base_asset_value = safe_add(
            calculate_base_asset_value_with_oracle_price(new_remainder_base_asset_amount, valuation_price), 1, U128)
        quote_asset_amount = safe_sub(quote_asset_amount, cast(dust_base_asset_value, I64), I64)
    lp_bids, lp_asks = calculate_lp_open_bids_asks(settled_position, market)
    settled_position.base_asset_amount = base_asset_amount
    settled_position.quote_asset_amount = quote_asset_amount
    settled_position.open_bids = safe_add(settled_position.open_bids, lp_bids, I64)
    settled_position.open_asks = safe_add(settled_position.open_asks, lp_asks, I64)
    return settled_position
