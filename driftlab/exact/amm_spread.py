"""The AMM's bid/ask spreads: volatility, oracle retreat, inventory and leverage scaling, the spread reserves.

Spreads are in BID_ASK_SPREAD_PRECISION (1e6 = 100%). ``calculate_spread`` starts each side at
``max(base_spread/2, vol_spread)``, widens it for oracle divergence, for the AMM's inventory (the side that
would add to it), for low fee-pool cover and for lost revenue, applies ``amm_inventory_spread_adjustment`` and
finally caps the total at the max target spread. The spread reserves are the constant-product reserves whose
price is the reserve price moved by ``(spread + reference_price_offset) / 2`` in quote-reserve terms.

program: math/amm_spread.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .amm import _calculate_market_open_bids_asks
from .constants import (
    AMM_TIMES_PEG_TO_QUOTE_PRECISION_RATIO_I128,
    AMM_TO_QUOTE_PRECISION_RATIO_I128,
    BID_ASK_SPREAD_PRECISION,
    BID_ASK_SPREAD_PRECISION_I128,
    DEFAULT_LARGE_BID_ASK_FACTOR,
    DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT,
    FUNDING_RATE_BUFFER,
    FUNDING_RATE_OFFSET_DENOMINATOR,
    MAX_BID_ASK_INVENTORY_SKEW_FACTOR,
    PEG_PRECISION,
    PERCENTAGE_PRECISION,
    PERCENTAGE_PRECISION_I128,
    PERCENTAGE_PRECISION_U64,
    PRICE_PRECISION,
    PRICE_PRECISION_I64,
    PRICE_PRECISION_I128,
)
from .enums import ContractType, PositionDirection
from .errors import (
    BnConversionError,
    InvalidAmmDetected,
    InvalidAmmMaxSpreadDetected,
    InvalidOrderLimitPrice,
    MathError,
)
from .safe_math import (
    I32,
    I64,
    I128,
    U32,
    U64,
    U128,
    U192,
    IntType,
    cast,
    checked,
    integer_sqrt,
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
)

if TYPE_CHECKING:
    from .state import AMM, PerpMarket


def _saturating(value: int, ty: IntType) -> int:
    """Rust ``saturating_*``: clamp ``value`` into ``ty``."""
    return min(max(value, ty.min), ty.max)


def _abs(value: int, ty: IntType) -> int:
    """Rust ``.abs()`` on a signed type: ``MIN.abs()`` overflows (a panic in the program)."""
    if value == ty.min:
        raise MathError(f"abs({value}) overflows {ty.name} (the program panics)")
    return abs(value)


def _clamp(value: int, lo: int, hi: int) -> int:
    """Rust ``Ord::clamp``: panics when ``lo > hi`` (raised as MathError)."""
    if lo > hi:
        raise MathError(f"clamp with min {lo} > max {hi} (the program panics)")
    return min(max(value, lo), hi)


def calculate_base_asset_amount_to_trade_to_price(
    amm: AMM, limit_price: int, direction: PositionDirection
) -> tuple[int, PositionDirection]:
    """Base to trade to move the AMM's price to ``limit_price``, and which way (Long lowers the base reserve).

    ``new_bar = isqrt(sqrt_k**2 * 1e6 / limit_price * peg / 1e6)`` (each step truncated, U192); compared with the
    direction's spread base reserve (the plain reserve when ``base_spread == 0``): ``new_bar > bar`` is a Short of
    ``new_bar - bar``, else a Long of ``bar - new_bar``, saturated to u64. ``limit_price == 0`` is
    ``InvalidOrderLimitPrice``.
    program: math/amm_spread.rs::calculate_base_asset_amount_to_trade_to_price
    """
    invariant = safe_mul(amm.sqrt_k, amm.sqrt_k, U192)
    if not limit_price > 0:
        raise InvalidOrderLimitPrice("limit_price <= 0")
    squared = safe_mul(invariant, PRICE_PRECISION, U192)
    squared = safe_div(squared, limit_price)
    squared = safe_mul(squared, amm.peg_multiplier, U192)
    squared = safe_div(squared, PEG_PRECISION)
    new_base_asset_reserve = integer_sqrt(squared)
    if new_base_asset_reserve > U128.max:
        raise BnConversionError(f"{new_base_asset_reserve} does not fit u128")

    if amm.base_spread > 0:
        base_asset_reserve_before, _ = get_spread_reserves(amm, direction)
    else:
        base_asset_reserve_before = amm.base_asset_reserve

    if new_base_asset_reserve > base_asset_reserve_before:
        amount = safe_sub(new_base_asset_reserve, base_asset_reserve_before, U128)
        return min(amount, U64.max), PositionDirection.Short
    amount = safe_sub(base_asset_reserve_before, new_base_asset_reserve, U128)
    return min(amount, U64.max), PositionDirection.Long


def cap_to_max_spread(long_spread: int, short_spread: int, max_spread: int) -> tuple[int, int]:
    """Scale ``(long, short)`` so their sum is at most ``max_spread``, the larger side rounded up.

    If ``long + short > max``: the larger side (short on a tie) becomes ``ceil(side * max / total)`` (the product
    saturating at u64::MAX) and the other side ``max - that``; so a capped pair sums to exactly ``max``.
    program: math/amm_spread.rs::cap_to_max_spread
    """
    total_spread = safe_add(long_spread, short_spread, U64)
    if total_spread > max_spread:
        if long_spread > short_spread:
            long_spread = safe_div_ceil(_saturating(long_spread * max_spread, U64), total_spread)
            short_spread = safe_sub(max_spread, long_spread, U64)
        else:
            short_spread = safe_div_ceil(_saturating(short_spread * max_spread, U64), total_spread)
            long_spread = safe_sub(max_spread, short_spread, U64)
    new_total_spread = safe_add(long_spread, short_spread, U64)
    if not new_total_spread <= max_spread:
        raise InvalidAmmMaxSpreadDetected(f"new_total_spread({new_total_spread}) > max_spread({max_spread})")
    return long_spread, short_spread


def calculate_long_short_vol_spread(
    last_oracle_conf_pct: int,
    reserve_price: int,
    mark_std: int,
    oracle_std: int,
    long_intensity_volume: int,
    short_intensity_volume: int,
    volume_24h: int,
) -> tuple[int, int]:
    """Volatility spread per side, weighted by that side's share of the 24h volume.

    ``vol = max(conf_pct, (oracle_std + mark_std) * 1e6 / reserve_price / 2 / 4)``;
    ``side = max(conf_component, vol * clamp(side_volume * 1e6 / max(volume_24h, 1), 1e4, 1e6) / 1e6)`` where
    ``conf_component`` is ``conf_pct`` above 25 bps and ``conf_pct / 20`` otherwise.
    program: math/amm_spread.rs::calculate_long_short_vol_spread
    """
    std_sum = safe_add(oracle_std, mark_std, U64)
    market_avg_std_pct = safe_div(safe_div(safe_mul(std_sum, PERCENTAGE_PRECISION, U128), reserve_price), 2)
    vol_spread = max(last_oracle_conf_pct, safe_div(market_avg_std_pct, 4))

    factor_clamp_min = PERCENTAGE_PRECISION // 100
    factor_clamp_max = PERCENTAGE_PRECISION
    volume = max(volume_24h, 1)
    long_factor = _clamp(safe_div(safe_mul(long_intensity_volume, PERCENTAGE_PRECISION, U128), volume),
                         factor_clamp_min, factor_clamp_max)
    short_factor = _clamp(safe_div(safe_mul(short_intensity_volume, PERCENTAGE_PRECISION, U128), volume),
                          factor_clamp_min, factor_clamp_max)

    if last_oracle_conf_pct > PERCENTAGE_PRECISION_U64 // 400:
        conf_component = last_oracle_conf_pct
    else:
        conf_component = safe_div(last_oracle_conf_pct, 20)

    long_vol = cast(safe_div(safe_mul(vol_spread, long_factor, U128), PERCENTAGE_PRECISION), U64)
    long_side = max(conf_component, long_vol)
    short_vol = cast(safe_div(safe_mul(vol_spread, short_factor, U128), PERCENTAGE_PRECISION), U64)
    short_side = max(conf_component, short_vol)
    return long_side, short_side


def _inventory_pct(base_asset_amount_with_amm: int, liquidity: int) -> int:
    """``min(|baa| * 1e6 (saturating at i128::MAX) / max(liquidity, 1), 1e6)`` if ``|baa| < liquidity``, else 1e6."""
    inventory = _abs(base_asset_amount_with_amm, I128)
    if inventory < liquidity:
        scaled = inventory * PERCENTAGE_PRECISION_I128
        scaled = scaled if scaled <= I128.max else I128.max
        return min(safe_div(scaled, max(liquidity, 1)), PERCENTAGE_PRECISION_I128)
    return PERCENTAGE_PRECISION_I128


def calculate_inventory_liquidity_ratio(
    base_asset_amount_with_amm: int,
    base_asset_reserve: int,
    min_base_asset_reserve: int,
    max_base_asset_reserve: int,
) -> int:
    """The AMM's inventory as a fraction (1e6) of the thinner side's liquidity, capped at 100%.

    ``min_side = min(bar - min_bar, max_bar - bar)`` (each floored at 0);
    ``ratio = min(|baa| * 1e6 / min_side, 1e6)`` when ``|baa| < min_side``, else 1e6.
    program: math/amm_spread.rs::calculate_inventory_liquidity_ratio
    """
    max_bids, max_asks = _calculate_market_open_bids_asks(
        base_asset_reserve, min_base_asset_reserve, max_base_asset_reserve)
    min_side_liquidity = min(max_bids, _abs(max_asks, I128))
    return _inventory_pct(base_asset_amount_with_amm, min_side_liquidity)


def calculate_inventory_liquidity_ratio_for_reference_price_offset(
    base_asset_amount_with_amm: int,
    base_asset_reserve: int,
    min_base_asset_reserve: int,
    max_base_asset_reserve: int,
) -> int:
    """The AMM's inventory as a fraction (1e6) of the average side liquidity, capped at 100%.

    ``avg = (max_bids + |max_asks|) / 2``; ``ratio = min(|baa| * 1e6 / avg, 1e6)`` when ``|baa| < avg``, else 1e6.
    program: math/amm_spread.rs::calculate_inventory_liquidity_ratio_for_reference_price_offset
    """
    max_bids, max_asks = _calculate_market_open_bids_asks(
        base_asset_reserve, min_base_asset_reserve, max_base_asset_reserve)
    avg_liquidity = safe_div(safe_add(max_bids, _abs(max_asks, I128), I128), 2)
    return _inventory_pct(base_asset_amount_with_amm, avg_liquidity)


def calculate_spread_inventory_scale(
    base_asset_amount_with_amm: int,
    base_asset_reserve: int,
    min_base_asset_reserve: int,
    max_base_asset_reserve: int,
    directional_spread: int,
    max_spread: int,
) -> int:
    """Multiplier (1e6) on the spread of the side that adds to the AMM's inventory.

    ``smax = max(10x, max_spread * 1e6 / max(directional_spread, 1))``;
    ``scale = min(smax, 1e6 + smax * inventory_ratio / 1e6)`` (u64, saturating); 1e6 with no inventory.
    program: math/amm_spread.rs::calculate_spread_inventory_scale
    """
    if base_asset_amount_with_amm == 0:
        return BID_ASK_SPREAD_PRECISION
    amm_inventory_pct = calculate_inventory_liquidity_ratio(
        base_asset_amount_with_amm, base_asset_reserve, min_base_asset_reserve, max_base_asset_reserve)
    inventory_scale_max = max(
        MAX_BID_ASK_INVENTORY_SKEW_FACTOR,
        safe_div(safe_mul(max_spread, BID_ASK_SPREAD_PRECISION, U64), max(directional_spread, 1)),
    )
    pct = cast(abs(amm_inventory_pct), U64)
    scaled = _saturating(inventory_scale_max * pct, U64)
    scaled = safe_div(scaled, PERCENTAGE_PRECISION_I128)
    return min(inventory_scale_max, _saturating(BID_ASK_SPREAD_PRECISION + scaled, U64))


def calculate_spread_leverage_scale(
    quote_asset_reserve: int,
    terminal_quote_asset_reserve: int,
    peg_multiplier: int,
    base_asset_amount_with_amm: int,
    reserve_price: int,
    total_fee_minus_distributions: int,
) -> int:
    """Multiplier (1e6) from the AMM's effective leverage against its fee pool, between 1e6+1 and 10x.

    ``net = (qar - terminal_qar) * peg / 1e9``; ``local = baa * reserve_price / 1e9``;
    ``lev = max(0, local - net) * 1e6 / (max(0, total_fee_minus_distributions) + 1)``;
    ``scale = min(10e6, 1e6 + lev + 1)``.
    program: math/amm_spread.rs::calculate_spread_leverage_scale
    """
    net_base_asset_value = safe_div(
        safe_mul(safe_sub(cast(quote_asset_reserve, I128), cast(terminal_quote_asset_reserve, I128), I128),
                 cast(peg_multiplier, I128), I128),
        AMM_TIMES_PEG_TO_QUOTE_PRECISION_RATIO_I128,
    )
    local_base_asset_value = safe_div(
        safe_mul(base_asset_amount_with_amm, cast(reserve_price, I128), I128),
        AMM_TO_QUOTE_PRECISION_RATIO_I128 * PRICE_PRECISION_I128,
    )
    excess = max(0, safe_sub(local_base_asset_value, net_base_asset_value, I128))
    fee_cover = checked(max(0, total_fee_minus_distributions) + 1, I128)  # plain `+` (overflow panics)
    effective_leverage = safe_div(safe_mul(excess, BID_ASK_SPREAD_PRECISION_I128, I128), fee_cover)
    leverage_plus_one = checked(cast(max(0, effective_leverage), U64) + 1, U64)  # plain `+`
    return min(MAX_BID_ASK_INVENTORY_SKEW_FACTOR, safe_add(BID_ASK_SPREAD_PRECISION, leverage_plus_one, U64))


def calculate_spread_revenue_retreat_amount(
    base_spread: int, max_spread: int, net_revenue_since_last_funding: int
) -> int:
    """Spread added after the AMM lost more than $25 since the last funding update.

    Below -$25: ``min(max_spread / 10, base_spread * |revenue| / 25e6)``, or ``max_spread / 10`` once the loss
    exceeds $25,000; 0 otherwise.
    program: math/amm_spread.rs::calculate_spread_revenue_retreat_amount
    """
    if net_revenue_since_last_funding < DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT:
        max_retreat = safe_div(max_spread, 10)
        if net_revenue_since_last_funding >= DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT * 1000:
            scaled = safe_div(safe_mul(base_spread, abs(net_revenue_since_last_funding), U64),
                              abs(DEFAULT_REVENUE_SINCE_LAST_FUNDING_SPREAD_RETREAT))
            return min(max_retreat, scaled)
        return max_retreat
    return 0


def calculate_max_target_spread(
    reserve_price: int,
    last_oracle_reserve_price_spread_pct: int,
    last_oracle_conf_pct: int,
    mark_std: int,
    oracle_std: int,
    max_spread: int,
) -> int:
    """The largest total spread allowed: ``max_spread`` unless oracle divergence or volatility asks for more.

    ``max(max_spread, |oracle_reserve_spread_pct|, min(max(2 * conf_pct, max(mark_std, oracle_std) * 1e6 /
    reserve_price), 1e6))`` (u64).
    program: math/amm_spread.rs::calculate_max_target_spread
    """
    conf_twice = safe_mul(last_oracle_conf_pct, 2, U64)
    std_pct = safe_div(safe_mul(max(mark_std, oracle_std), PERCENTAGE_PRECISION_U64, U64), reserve_price)
    max_spread_baseline = max(abs(last_oracle_reserve_price_spread_pct),
                              min(max(conf_twice, std_pct), BID_ASK_SPREAD_PRECISION))
    return max(max_spread, max_spread_baseline)


def calculate_spread(
    base_spread: int,
    last_oracle_reserve_price_spread_pct: int,
    last_oracle_conf_pct: int,
    max_spread: int,
    quote_asset_reserve: int,
    terminal_quote_asset_reserve: int,
    peg_multiplier: int,
    base_asset_amount_with_amm: int,
    reserve_price: int,
    total_fee_minus_distributions: int,
    net_revenue_since_last_funding: int,
    base_asset_reserve: int,
    min_base_asset_reserve: int,
    max_base_asset_reserve: int,
    mark_std: int,
    oracle_std: int,
    long_intensity_volume: int,
    short_intensity_volume: int,
    volume_24h: int,
    amm_inventory_spread_adjustment: int,
) -> tuple[int, int]:
    """The AMM's ``(long_spread, short_spread)`` in 1e6, each as u32.

    1. ``side = max(base_spread/2, vol_side)`` (``calculate_long_short_vol_spread``).
    2. Oracle retreat: reserve below the oracle (pct < 0) gives ``long = max(long, |pct| + long_vol)``; above,
       ``short = max(short, |pct| + short_vol)``.
    3. The side that grows the AMM's inventory (long when ``baa > 0``) times
       ``calculate_spread_inventory_scale`` / 1e6.
    4. Fee pool: ``total_fee_minus_distributions <= 0`` multiplies both sides by 10 (saturating), else the
       inventory side times ``calculate_spread_leverage_scale`` / 1e6.
    5. Revenue retreat ``r``: inventory side ``+ r``, other ``+ r/2`` (both ``+ r/2`` with no inventory).
    6. ``amm_inventory_spread_adjustment`` (percent) shrinks (truncated) or widens (rounded up) each side, never
       below ``max(base_spread/2, vol_side)`` nor 1.
    7. ``cap_to_max_spread`` to ``calculate_max_target_spread``.
    program: math/amm_spread.rs::calculate_spread
    """
    long_vol_spread, short_vol_spread = calculate_long_short_vol_spread(
        last_oracle_conf_pct, reserve_price, mark_std, oracle_std, long_intensity_volume, short_intensity_volume,
        volume_24h)

    half_base_spread_u64 = base_spread // 2
    long_spread = max(half_base_spread_u64, long_vol_spread)
    short_spread = max(half_base_spread_u64, short_vol_spread)

    max_target_spread = calculate_max_target_spread(
        reserve_price, last_oracle_reserve_price_spread_pct, last_oracle_conf_pct, mark_std, oracle_std,
        max_spread)

    if last_oracle_reserve_price_spread_pct < 0:
        long_spread = max(long_spread,
                          safe_add(abs(last_oracle_reserve_price_spread_pct), long_vol_spread, U64))
    elif last_oracle_reserve_price_spread_pct > 0:
        short_spread = max(short_spread,
                           safe_add(abs(last_oracle_reserve_price_spread_pct), short_vol_spread, U64))

    inventory_scale_capped = calculate_spread_inventory_scale(
        base_asset_amount_with_amm, base_asset_reserve, min_base_asset_reserve, max_base_asset_reserve,
        long_spread if base_asset_amount_with_amm > 0 else short_spread, max_target_spread)

    if base_asset_amount_with_amm > 0:
        long_spread = safe_div(safe_mul(long_spread, inventory_scale_capped, U64), BID_ASK_SPREAD_PRECISION)
    elif base_asset_amount_with_amm < 0:
        short_spread = safe_div(safe_mul(short_spread, inventory_scale_capped, U64), BID_ASK_SPREAD_PRECISION)

    if total_fee_minus_distributions <= 0:
        long_spread = safe_div(_saturating(long_spread * DEFAULT_LARGE_BID_ASK_FACTOR, U64), BID_ASK_SPREAD_PRECISION)
        short_spread = safe_div(_saturating(short_spread * DEFAULT_LARGE_BID_ASK_FACTOR, U64),
                                BID_ASK_SPREAD_PRECISION)
    else:
        effective_leverage_capped = calculate_spread_leverage_scale(
            quote_asset_reserve, terminal_quote_asset_reserve, peg_multiplier, base_asset_amount_with_amm,
            reserve_price, total_fee_minus_distributions)
        if base_asset_amount_with_amm > 0:
            long_spread = safe_div(safe_mul(long_spread, effective_leverage_capped, U64), BID_ASK_SPREAD_PRECISION)
        elif base_asset_amount_with_amm < 0:
            short_spread = safe_div(safe_mul(short_spread, effective_leverage_capped, U64),
                                    BID_ASK_SPREAD_PRECISION)

    revenue_retreat_amount = calculate_spread_revenue_retreat_amount(
        base_spread, max_target_spread, net_revenue_since_last_funding)
    if revenue_retreat_amount != 0:
        half_retreat = safe_div(revenue_retreat_amount, 2)
        if base_asset_amount_with_amm > 0:
            long_spread = safe_add(long_spread, revenue_retreat_amount, U64)
            short_spread = safe_add(short_spread, half_retreat, U64)
        elif base_asset_amount_with_amm < 0:
            long_spread = safe_add(long_spread, half_retreat, U64)
            short_spread = safe_add(short_spread, revenue_retreat_amount, U64)
        else:
            long_spread = safe_add(long_spread, half_retreat, U64)
            short_spread = safe_add(short_spread, half_retreat, U64)

    long_floor = max(half_base_spread_u64, long_vol_spread)
    short_floor = max(half_base_spread_u64, short_vol_spread)
    if amm_inventory_spread_adjustment < 0:
        adjustment = abs(amm_inventory_spread_adjustment)
        long_cut = safe_div(_saturating(long_spread * adjustment, U64), 100)
        long_spread = max(long_floor, max(_saturating(long_spread - long_cut, U64), 1))
        short_cut = safe_div(_saturating(short_spread * adjustment, U64), 100)
        short_spread = max(short_floor, max(_saturating(short_spread - short_cut, U64), 1))
    elif amm_inventory_spread_adjustment > 0:
        adjustment = amm_inventory_spread_adjustment
        long_add = safe_div_ceil(_saturating(long_spread * adjustment, U64), 100)
        long_spread = max(long_floor, max(_saturating(long_spread + long_add, U64), 1))
        short_add = safe_div_ceil(_saturating(short_spread * adjustment, U64), 100)
        short_spread = max(short_floor, max(_saturating(short_spread + short_add, U64), 1))

    long_spread, short_spread = cap_to_max_spread(long_spread, short_spread, max_target_spread)
    return cast(long_spread, U32), cast(short_spread, U32)


def get_spread_reserves(amm: AMM, direction: PositionDirection) -> tuple[int, int]:
    """The stored ``(base, quote)`` reserves a trade in ``direction`` executes against: ask for Long, bid for Short.

    program: math/amm_spread.rs::get_spread_reserves
    """
    if direction == PositionDirection.Long:
        return amm.ask_base_asset_reserve, amm.ask_quote_asset_reserve
    return amm.bid_base_asset_reserve, amm.bid_quote_asset_reserve


def calculate_spread_reserves(market: PerpMarket, direction: PositionDirection) -> tuple[int, int]:
    """``(base, quote)`` reserves whose price is the ask (Long) or bid (Short): the quote reserve moved.

    ``s = long_spread + offset`` (Long) or ``-short_spread + offset`` (Short), i32;
    ``delta = qar / (1e6 / (s / 2))`` (each division truncated; 0 when ``|s| <= 1``); ``quote = qar + delta``,
    clamped to the prediction-market bounds for Prediction contracts; ``base = sqrt_k**2 / quote``. Because the
    divisor ``1e6 / (s/2)`` is an integer, the realised spread is quantised. ``|s| >= 2_000_002`` makes the
    divisor 0 (``MathError``).
    program: math/amm_spread.rs::calculate_spread_reserves
    """
    amm = market.amm
    spread = amm.long_spread if direction == PositionDirection.Long else amm.short_spread
    if direction == PositionDirection.Short:
        spread_with_offset = safe_add(-cast(spread, I32), amm.reference_price_offset, I32)
    else:
        spread_with_offset = safe_add(cast(spread, I32), amm.reference_price_offset, I32)

    if _abs(spread_with_offset, I32) > 1:
        quote_reserve_divisor = safe_div(BID_ASK_SPREAD_PRECISION_I128, safe_div(spread_with_offset, 2))
        quote_asset_reserve_delta = safe_div(cast(amm.quote_asset_reserve, I128), quote_reserve_divisor)
    else:
        quote_asset_reserve_delta = 0

    if quote_asset_reserve_delta > 0:
        quote_asset_reserve = safe_add(amm.quote_asset_reserve, quote_asset_reserve_delta, U128)
    else:
        quote_asset_reserve = safe_sub(amm.quote_asset_reserve, abs(quote_asset_reserve_delta), U128)

    if market.contract_type == ContractType.Prediction:
        lower, upper = market.get_quote_asset_reserve_prediction_market_bounds(direction)
        quote_asset_reserve = _clamp(quote_asset_reserve, lower, upper)

    invariant = safe_mul(amm.sqrt_k, amm.sqrt_k, U192)
    base_asset_reserve = safe_div(invariant, quote_asset_reserve)
    if base_asset_reserve > U128.max:
        raise BnConversionError(f"{base_asset_reserve} does not fit u128")
    return base_asset_reserve, quote_asset_reserve


def calculate_reference_price_offset(
    reserve_price: int,
    last_24h_avg_funding_rate: int,
    liquidity_fraction: int,
    _min_order_size: int,
    oracle_twap_fast: int,
    mark_twap_fast: int,
    oracle_twap_slow: int,
    mark_twap_slow: int,
    max_offset_pct: int,
) -> int:
    """Offset (1e6) of the quoted mid from the reserve price, following the market premium and the inventory.

    With ``m = max_offset_pct * reserve_price / 1e6``: premiums ``clamp(mark_fast - oracle_fast, +-m)``,
    ``clamp(mark_slow - oracle_slow, +-m)`` and ``clamp(funding_24h / 1000 * 24 - |oracle_slow| / 5000, +-m)`` are
    averaged (/3), turned into a pct ``avg * 1e6 / reserve_price``; when its sign agrees with
    ``liquidity_fraction`` the offset is ``pct * |liquidity_fraction| / 2`` clamped to ``+-max_offset_pct``,
    else 0. Zero funding or zero liquidity fraction gives 0.
    program: math/amm_spread.rs::calculate_reference_price_offset
    """
    if last_24h_avg_funding_rate == 0 or liquidity_fraction == 0:
        return 0

    max_offset_in_price = safe_div(safe_mul(max_offset_pct, cast(reserve_price, I64), I64),
                                   cast(PERCENTAGE_PRECISION, I64))
    bound = checked(-max_offset_in_price, I64)
    mark_premium_minute = _clamp(safe_sub(cast(mark_twap_fast, I64), oracle_twap_fast, I64),
                                 bound, max_offset_in_price)
    mark_premium_hour = _clamp(safe_sub(cast(mark_twap_slow, I64), oracle_twap_slow, I64),
                               bound, max_offset_in_price)
    funding_premium = safe_mul(safe_div(last_24h_avg_funding_rate, cast(FUNDING_RATE_BUFFER, I64)), 24, I64)
    twap_offset = safe_div(_abs(oracle_twap_slow, I64), FUNDING_RATE_OFFSET_DENOMINATOR)
    mark_premium_day = _clamp(safe_sub(funding_premium, twap_offset, I64), bound, max_offset_in_price)
    mark_premium_avg = safe_div(
        safe_add(safe_add(mark_premium_minute, mark_premium_hour, I64), mark_premium_day, I64), 3)

    mark_premium_avg_pct = safe_div(safe_mul(mark_premium_avg, PRICE_PRECISION_I64, I64), cast(reserve_price, I64))

    if (mark_premium_avg_pct >= 0 and liquidity_fraction >= 0) or (
            mark_premium_avg_pct <= 0 and liquidity_fraction <= 0):
        offset_pct = safe_div(safe_mul(mark_premium_avg_pct, cast(abs(liquidity_fraction), I64), I64), 2)
    else:
        offset_pct = 0

    clamped_offset_pct = _clamp(offset_pct, checked(-max_offset_pct, I64), max_offset_pct)
    if not abs(clamped_offset_pct) <= max_offset_pct:
        raise InvalidAmmDetected(f"clamp offset pct failed {clamped_offset_pct}")
    return cast(clamped_offset_pct, I32)


__all__ = [
    "calculate_base_asset_amount_to_trade_to_price",
    "calculate_inventory_liquidity_ratio",
    "calculate_inventory_liquidity_ratio_for_reference_price_offset",
    "calculate_long_short_vol_spread",
    "calculate_max_target_spread",
    "calculate_reference_price_offset",
    "calculate_spread",
    "calculate_spread_inventory_scale",
    "calculate_spread_leverage_scale",
    "calculate_spread_reserves",
    "calculate_spread_revenue_retreat_amount",
    "cap_to_max_spread",
    "get_spread_reserves",
]
