"""AMM controller steps that rewrite a market in place: swaps, spreads and spread reserves, the formulaic k update.

Functions mutate the ``PerpMarket`` dataclass exactly as the program mutates ``&mut PerpMarket`` and
return what the program returns.

program: controller/amm.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import amm as amm_math
from . import amm_spread, cp_curve, repeg
from .constants import (
    CONCENTRATION_PRECISION,
    FEE_POOL_TO_REVENUE_POOL_THRESHOLD,
    K_BPS_UPDATE_SCALE,
    MAX_CONCENTRATION_COEFFICIENT,
    MAX_K_BPS_INCREASE,
    MAX_SQRT_K,
)
from .controller_repeg import apply_cost_to_market
from .controller_spot_balance import (
    transfer_revenue_pool_to_spot_balance,
    transfer_spot_balance_to_revenue_pool,
    transfer_spot_balances,
    update_spot_balances,
)
from .enums import MarketConfigFlag, PerpOperation, PositionDirection, SpotBalanceType, SwapDirection
from .errors import (
    BlockchainClockInconsistency,
    InsufficientCollateral,
    InsufficientPerpPnlPool,
    InvalidAmmDetected,
    InvalidConcentrationCoef,
)
from .quote_asset import reserve_to_asset_amount
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
    safe_add,
    safe_div,
    safe_div_ceil,
    safe_mul,
    safe_sub,
    signum,
)
from .spot_balance import get_token_amount
from .spot_withdraw import get_max_withdraw_for_market_with_token_amount, validate_spot_balances

if TYPE_CHECKING:
    from .state import AMM, OraclePriceData, PerpMarket, SpotMarket, User


def _sat_u32(value: int) -> int:
    return min(max(value, 0), U32.max)


def update_spread_reserves(market: PerpMarket) -> None:
    """Store the ask (Long) and bid (Short) spread reserves; with no reference offset they stay off the mid.

    program: controller/amm.rs::update_spread_reserves
    """
    ask_base, ask_quote = amm_spread.calculate_spread_reserves(market, PositionDirection.Long)
    bid_base, bid_quote = amm_spread.calculate_spread_reserves(market, PositionDirection.Short)
    amm = market.amm
    if amm.reference_price_offset == 0:
        amm.ask_base_asset_reserve = min(ask_base, amm.base_asset_reserve)
        amm.bid_base_asset_reserve = max(bid_base, amm.base_asset_reserve)
        amm.ask_quote_asset_reserve = max(ask_quote, amm.quote_asset_reserve)
        amm.bid_quote_asset_reserve = min(bid_quote, amm.quote_asset_reserve)
    else:
        amm.ask_base_asset_reserve = ask_base
        amm.bid_base_asset_reserve = bid_base
        amm.ask_quote_asset_reserve = ask_quote
        amm.bid_quote_asset_reserve = bid_quote


def update_spreads(market: PerpMarket, reserve_price: int, slot: int | None) -> tuple[int, int]:
    """Recompute reference price offset, long/short spreads and spread reserves; returns ``(long, short)``.

    Offset: ``calculate_reference_price_offset`` on the signed inventory ratio past the deadband (only when
    curve_update_intensity > 100). Spreads: ``calculate_spread`` (or ``base_spread/2`` each at intensity
    0), then scaled by ``amm_spread_adjustment`` percent (min 1). When the offset changes sign (intensity
    > 100) it moves only part way, ``sign * clamp(min(|delta|, 1000*slots)/10, 10, |old or new offset|)``,
    and the spreads are widened by it. The returned pair is before that widening.
    program: controller/amm.rs::update_spreads
    """
    amm = market.amm
    max_ref_offset = amm.get_max_reference_price_offset()
    if max_ref_offset > 0:
        liquidity_ratio = amm_spread.calculate_inventory_liquidity_ratio_for_reference_price_offset(
            amm.base_asset_amount_with_amm,
            amm.base_asset_reserve,
            amm.min_base_asset_reserve,
            amm.max_base_asset_reserve,
        )
        signed_liquidity_ratio = safe_mul(liquidity_ratio, signum(amm.get_protocol_owned_position()), I128)
        deadband_pct = amm.get_reference_price_offset_deadband_pct()
        if abs(signed_liquidity_ratio) <= deadband_pct:
            liquidity_fraction_after_deadband = 0
        else:
            liquidity_fraction_after_deadband = safe_sub(
                signed_liquidity_ratio,
                safe_mul(cast(deadband_pct, I128), signum(signed_liquidity_ratio), I128),
                I128,
            )
        reference_price_offset = amm_spread.calculate_reference_price_offset(
            reserve_price,
            amm.last_24h_avg_funding_rate,
            liquidity_fraction_after_deadband,
            amm.min_order_size,
            amm.historical_oracle_data.last_oracle_price_twap_5min,
            amm.last_mark_price_twap_5min,
            amm.historical_oracle_data.last_oracle_price_twap,
            amm.last_mark_price_twap,
            max_ref_offset,
        )
    else:
        reference_price_offset = 0

    if amm.curve_update_intensity > 0:
        long_spread, short_spread = amm_spread.calculate_spread(
            amm.base_spread,
            amm.last_oracle_reserve_price_spread_pct,
            amm.last_oracle_conf_pct,
            amm.max_spread,
            amm.quote_asset_reserve,
            amm.terminal_quote_asset_reserve,
            amm.peg_multiplier,
            amm.base_asset_amount_with_amm,
            reserve_price,
            amm.total_fee_minus_distributions,
            amm.net_revenue_since_last_funding,
            amm.base_asset_reserve,
            amm.min_base_asset_reserve,
            amm.max_base_asset_reserve,
            amm.mark_std,
            amm.oracle_std,
            amm.long_intensity_volume,
            amm.short_intensity_volume,
            amm.volume_24h,
            amm.amm_inventory_spread_adjustment,
        )
    else:
        half_base_spread = safe_div(amm.base_spread, 2)
        long_spread, short_spread = half_base_spread, half_base_spread

    if amm.amm_spread_adjustment < 0:
        adjustment = abs(amm.amm_spread_adjustment)
        long_spread = max(_sat_u32(long_spread - safe_div(_sat_u32(long_spread * adjustment), 100)), 1)
        short_spread = max(_sat_u32(short_spread - safe_div(_sat_u32(short_spread * adjustment), 100)), 1)
    elif amm.amm_spread_adjustment > 0:
        adjustment = amm.amm_spread_adjustment
        long_spread = max(_sat_u32(long_spread + safe_div_ceil(_sat_u32(long_spread * adjustment), 100)), 1)
        short_spread = max(
            _sat_u32(short_spread + safe_div_ceil(_sat_u32(short_spread * adjustment), 100)), 1
        )

    amm.long_spread = long_spread
    amm.short_spread = short_spread

    sign_changed = signum(reference_price_offset) != signum(amm.reference_price_offset)
    if sign_changed and amm.curve_update_intensity > 100:
        slots_passed = 0 if slot is None else max(slot - amm.last_update_slot, 0)
        full_offset_delta = (
            reference_price_offset - amm.reference_price_offset
        )  # i128 saturating: cannot saturate
        raw = cast(safe_div(min(abs(full_offset_delta), safe_mul(slots_passed, 1000, I128)), 10), I32)
        cap = (
            abs(amm.reference_price_offset)
            if amm.reference_price_offset != 0
            else abs(reference_price_offset)
        )
        reference_price_delta = checked(signum(full_offset_delta) * min(max(raw, 10), cap), I32)
        amm.reference_price_offset = safe_add(amm.reference_price_offset, reference_price_delta, I32)
        if reference_price_delta < 0:
            amm.long_spread = safe_add(amm.long_spread, abs(reference_price_delta), U32)
            amm.short_spread = safe_add(amm.short_spread, abs(amm.reference_price_offset), U32)
        else:
            amm.short_spread = safe_add(amm.short_spread, abs(reference_price_delta), U32)
            amm.long_spread = safe_add(amm.long_spread, abs(amm.reference_price_offset), U32)
    else:
        amm.reference_price_offset = reference_price_offset

    update_spread_reserves(market)
    return long_spread, short_spread


def update_concentration_coef(market: PerpMarket, scale: int) -> None:
    """Set ``concentration_coef = 1e6 + (MAX_CONCENTRATION_COEFFICIENT - 1e6) / scale`` and the base bounds.

    ``InvalidConcentrationCoef`` for ``scale == 0``, a coefficient not in ``(1e6, MAX]``, or bounds that
    leave the users' net position unable to close; ``InvalidAmmDetected`` if the stored terminal quote
    reserve is stale. Spreads are recomputed. Mutates ``market`` (also when it then raises: the program's
    transaction would revert).
    program: controller/amm.rs::update_concentration_coef
    """
    if not scale > 0:
        raise InvalidConcentrationCoef("invalid scale")
    new_concentration_coef = CONCENTRATION_PRECISION + safe_div(
        MAX_CONCENTRATION_COEFFICIENT - CONCENTRATION_PRECISION, scale
    )
    if not CONCENTRATION_PRECISION < new_concentration_coef <= MAX_CONCENTRATION_COEFFICIENT:
        raise InvalidConcentrationCoef("invalid new_concentration_coef")
    amm = market.amm
    amm.concentration_coef = new_concentration_coef
    _, terminal_quote_reserves, terminal_base_reserves = amm_math.calculate_terminal_price_and_reserves(amm)
    if terminal_quote_reserves != amm.terminal_quote_asset_reserve:
        raise InvalidAmmDetected("invalid terminal_quote_reserves")
    amm.min_base_asset_reserve, amm.max_base_asset_reserve = amm_math.calculate_bid_ask_bounds(
        amm.concentration_coef, terminal_base_reserves
    )
    update_spreads(market, amm.reserve_price(), None)
    max_bids, max_asks = amm_math.calculate_market_open_bids_asks(amm)
    if not (max_bids > amm.base_asset_amount_with_amm and max_asks < amm.base_asset_amount_with_amm):
        raise InvalidConcentrationCoef("base_asset_amount_with_amm exceeds the unload liquidity available")


def formulaic_update_k(
    market: PerpMarket, _oracle_price_data: OraclePriceData, funding_imbalance_cost: int, now: int
) -> None:
    """Grow or shrink k after a funding update, paid from (or refunding) the fee pool; mutates ``market``.

    Budget: half the funding revenue (``cost < 0``) when both spreads are at most ``base_spread``; when the
    cost exceeds ``net_revenue_since_last_funding``, ``(max(0, net_rev) - cost) / 2`` (negative); else 0. A
    positive budget (sqrt_k below MAX_SQRT_K) or a negative one (``can_lower_k``) scales sqrt_k by
    ``calculate_budgeted_k_scale`` bounded to ``1e6 +/- MAX_K_BPS_INCREASE * intensity / 100`` (the lower
    bound also uses the 0.1% increase cap), and the update is applied only if ``apply_cost_to_market``
    accepts its cost (lower bound checked). Skipped when DisableFormulaicKUpdate is set. ``now`` only
    stamps the CurveRecord.
    program: controller/amm.rs::formulaic_update_k
    """
    if market.has_market_config_flag(MarketConfigFlag.DisableFormulaicKUpdate):
        return None
    amm = market.amm
    funding_imbalance_cost_i64 = cast(funding_imbalance_cost, I64)
    if funding_imbalance_cost_i64 < 0:
        if max(amm.long_spread, amm.short_spread) <= amm.base_spread:
            budget = checked(abs(safe_div(funding_imbalance_cost_i64, 2)), I64)
        else:
            budget = 0
    elif amm.net_revenue_since_last_funding < funding_imbalance_cost_i64:
        budget = safe_div(
            safe_sub(max(0, amm.net_revenue_since_last_funding), funding_imbalance_cost_i64, I64), 2
        )
    else:
        budget = 0

    if (budget > 0 and amm.sqrt_k < MAX_SQRT_K) or (budget < 0 and amm.can_lower_k()):
        k_pct_upper_bound = K_BPS_UPDATE_SCALE + MAX_K_BPS_INCREASE * amm.curve_update_intensity // 100
        k_pct_lower_bound = K_BPS_UPDATE_SCALE - MAX_K_BPS_INCREASE * amm.curve_update_intensity // 100
        k_scale_numerator, k_scale_denominator = cp_curve.calculate_budgeted_k_scale(
            market, cast(budget, I128), k_pct_upper_bound, k_pct_lower_bound
        )
        new_sqrt_k = safe_div(checked(amm.sqrt_k * k_scale_numerator, U192), k_scale_denominator)
        update_k_result = cp_curve.get_update_k_result(market, new_sqrt_k, True)
        adjustment_cost = cp_curve.adjust_k_cost(market, update_k_result)
        cost_applied = apply_cost_to_market(market, adjustment_cost, True)
        if cost_applied:
            cp_curve.update_k(market, update_k_result)
            # get_then_update_id!: the CurveRecord takes the id, then it increments (wrapping to 1)
            record_id = market.next_curve_record_id
            market.next_curve_record_id = record_id + 1 if record_id < U64.max else 1
    return None


def _saturate(value: int, ty: IntType) -> int:
    """Rust's ``saturating_*``: clamp ``value`` to the type's range."""
    return min(max(value, ty.min), ty.max)


def get_fee_pool_tokens(perp_market: PerpMarket, spot_market: SpotMarket) -> int:
    """Token amount of the AMM fee pool (i128). program: controller/amm.rs::get_fee_pool_tokens"""
    fee_pool = perp_market.amm.fee_pool
    return cast(get_token_amount(fee_pool.balance(), spot_market, fee_pool.balance_type), I128)


def calculate_revenue_pool_transfer(
    market: PerpMarket,
    spot_market: SpotMarket,
    amm_fee_pool_token_amount_after: int,
    terminal_state_surplus: int,
) -> int:
    """Quote to move from the AMM fee pool to the revenue pool (+) or back from it (-).

    With ``surplus = tfmd - total_fee_withdrawn - $250``: if positive, send
    ``min(max(0, exchange_fee/2 + min(liq_fees, settled + max insurance) - withdrawn), fee_pool - ($250 +
    social_loss), max(0, min(revenue_withdraw_since_last_settle + max_per_period, net_revenue_since_funding)))``;
    if negative, pull back ``min(|surplus|, max_per_period - since_settle, revenue pool tokens, max_per_period)``.
    Zero while SettleRevPool is paused. A negative send is ``InsufficientPerpPnlPool``; a withdraw-since-settle
    above the per-period maximum (pull branch) is ``CastingFailure``.
    program: controller/amm.rs::calculate_revenue_pool_transfer
    """
    if market.is_operation_paused(PerpOperation.SettleRevPool):
        return 0
    amm = market.amm
    claim = market.insurance_claim
    amm_budget_surplus = _saturate(terminal_state_surplus - FEE_POOL_TO_REVENUE_POOL_THRESHOLD, I128)
    if amm_budget_surplus > 0:
        threshold = safe_add(FEE_POOL_TO_REVENUE_POOL_THRESHOLD, amm.total_social_loss, U128)
        fee_pool_threshold = cast(max(amm_fee_pool_token_amount_after - threshold, 0), I128)
        insurance = safe_add(claim.quote_settled_insurance, claim.quote_max_insurance, U64)
        total_liq_fees_for_revenue_pool = cast(min(amm.total_liquidation_fee, insurance), I128)
        max_revenue_to_settle = max(
            min(
                safe_add(
                    claim.revenue_withdraw_since_last_settle,
                    cast(claim.max_revenue_withdraw_per_period, I64),
                    I64,
                ),
                amm.net_revenue_since_last_funding,
            ),
            0,
        )
        total_fee_for_if = cast(repeg.get_total_fee_lower_bound(market), I128)
        fees_for_revenue = safe_add(total_fee_for_if, total_liq_fees_for_revenue_pool, I128)
        revenue_pool_transfer = min(
            max(_saturate(fees_for_revenue - cast(amm.total_fee_withdrawn, I128), I128), 0),
            fee_pool_threshold,
            max_revenue_to_settle,
        )
        if not revenue_pool_transfer >= 0:
            raise InsufficientPerpPnlPool(f"revenue_pool_transfer negative ({revenue_pool_transfer})")
        return revenue_pool_transfer
    if amm_budget_surplus < 0:
        max_per_period = claim.max_revenue_withdraw_per_period
        remaining = cast(
            _saturate(cast(max_per_period, I64) - claim.revenue_withdraw_since_last_settle, I64), U128
        )
        revenue_pool_tokens = get_token_amount(
            spot_market.revenue_pool.scaled_balance, spot_market, SpotBalanceType.Deposit
        )
        max_revenue_withdraw_allowed = min(remaining, revenue_pool_tokens, max_per_period)
        if max_revenue_withdraw_allowed > 0:
            return -min(abs(amm_budget_surplus), cast(max_revenue_withdraw_allowed, I128))
        return 0
    return 0


def update_pool_balances(
    market: PerpMarket,
    spot_market: SpotMarket,
    user_quote_token_amount: int,
    user_unsettled_pnl: int,
    now: int,
) -> int:
    """Rebalance the fee, P&L and revenue pools, then settle what the P&L pool can of a user's P&L.

    1. A fee pool above ``tfmd + liq_fees - withdrawn`` sends the excess to the P&L pool (and the AMM then takes
       no cut of losses); one below ``exchange_fee/2 + liq_fees - withdrawn`` is topped up from the P&L pool.
    2. Revenue moves to/from the revenue pool (``calculate_revenue_pool_transfer``); a revenue settle newer than
       the last withdraw resets the per-period counter (a clock before either timestamp is
       ``BlockchainClockInconsistency``).
    3. Positive P&L is paid up to the P&L pool's tokens; a loss is taken down to the user's withdraw capacity
       (``get_max_withdraw_for_market_with_token_amount``), 1/100 of it to the fee pool unless the fee pool was
       full, the rest to the P&L pool.
    Returns the P&L settled with the user (+ paid to, - taken from). Mutates both markets.
    program: controller/amm.rs::update_pool_balances
    """
    amm = market.amm
    amm_fee_pool_token_amount = cast(
        get_token_amount(amm.fee_pool.balance(), spot_market, amm.fee_pool.balance_type), I128
    )
    fraction_for_amm = 100
    amm_target_max_fee_pool_token_amount = safe_sub(
        safe_add(amm.total_fee_minus_distributions, cast(amm.total_liquidation_fee, I128), I128),
        cast(amm.total_fee_withdrawn, I128),
        I128,
    )
    if amm_target_max_fee_pool_token_amount <= amm_fee_pool_token_amount:
        pnl_pool_addition = safe_sub(
            max(0, amm_target_max_fee_pool_token_amount), amm_fee_pool_token_amount, I128
        )
        if pnl_pool_addition < 0:
            transfer_spot_balances(abs(pnl_pool_addition), spot_market, amm.fee_pool, market.pnl_pool)
        fraction_for_amm = 0

    amm_target_min_fee_pool_token_amount = safe_sub(
        safe_add(repeg.get_total_fee_lower_bound(market), amm.total_liquidation_fee, U128),
        amm.total_fee_withdrawn,
        U128,
    )
    fee_pool_tokens = get_token_amount(amm.fee_pool.balance(), spot_market, amm.fee_pool.balance_type)
    if fee_pool_tokens < amm_target_min_fee_pool_token_amount:
        pnl_pool_token_amount = get_token_amount(
            market.pnl_pool.balance(), spot_market, market.pnl_pool.balance_type
        )
        pnl_pool_removal = min(
            safe_sub(amm_target_min_fee_pool_token_amount, fee_pool_tokens, U128), pnl_pool_token_amount
        )
        if pnl_pool_removal > 0:
            transfer_spot_balances(cast(pnl_pool_removal, I128), spot_market, market.pnl_pool, amm.fee_pool)

    amm_fee_pool_token_amount_after = get_token_amount(
        amm.fee_pool.balance(), spot_market, amm.fee_pool.balance_type
    )
    terminal_state_surplus = safe_sub(
        amm.total_fee_minus_distributions, cast(amm.total_fee_withdrawn, I128), I128
    )
    claim = market.insurance_claim
    if spot_market.insurance_fund.last_revenue_settle_ts > claim.last_revenue_withdraw_ts:
        if not (
            now >= claim.last_revenue_withdraw_ts and now >= spot_market.insurance_fund.last_revenue_settle_ts
        ):
            raise BlockchainClockInconsistency(
                f"clock {now} < last_revenue_withdraw_ts={claim.last_revenue_withdraw_ts}"
                f"/last_revenue_settle_ts={spot_market.insurance_fund.last_revenue_settle_ts}"
            )
        claim.revenue_withdraw_since_last_settle = 0

    revenue_pool_transfer = calculate_revenue_pool_transfer(
        market, spot_market, amm_fee_pool_token_amount_after, terminal_state_surplus
    )
    if revenue_pool_transfer > 0:
        transfer_spot_balance_to_revenue_pool(revenue_pool_transfer, spot_market, amm.fee_pool)
        amm.total_fee_withdrawn = safe_add(amm.total_fee_withdrawn, revenue_pool_transfer, U128)
    elif revenue_pool_transfer < 0:
        transfer_revenue_pool_to_spot_balance(abs(revenue_pool_transfer), spot_market, amm.fee_pool)
    if revenue_pool_transfer != 0:
        amm.total_fee_minus_distributions = safe_sub(
            amm.total_fee_minus_distributions, revenue_pool_transfer, I128
        )
        claim.revenue_withdraw_since_last_settle = safe_sub(
            claim.revenue_withdraw_since_last_settle, cast(revenue_pool_transfer, I64), I64
        )
        claim.last_revenue_withdraw_ts = now

    pnl_pool_token_amount = get_token_amount(
        market.pnl_pool.balance(), spot_market, market.pnl_pool.balance_type
    )
    if user_unsettled_pnl > 0:
        pnl_to_settle_with_user = min(user_unsettled_pnl, cast(pnl_pool_token_amount, I128))
    else:
        max_withdraw_amount = -cast(
            get_max_withdraw_for_market_with_token_amount(spot_market, user_quote_token_amount, False), I128
        )
        pnl_to_settle_with_user = max(max_withdraw_amount, user_unsettled_pnl)

    if fraction_for_amm > 0 and pnl_to_settle_with_user < 0:
        pnl_fraction_for_amm = safe_div(pnl_to_settle_with_user, fraction_for_amm)
        update_spot_balances(
            abs(pnl_fraction_for_amm), SpotBalanceType.Deposit, spot_market, amm.fee_pool, False
        )
    else:
        pnl_fraction_for_amm = 0
    pnl_to_settle_with_market = -safe_sub(pnl_to_settle_with_user, pnl_fraction_for_amm, I128)
    direction = SpotBalanceType.Deposit if pnl_to_settle_with_market >= 0 else SpotBalanceType.Borrow
    update_spot_balances(abs(pnl_to_settle_with_market), direction, spot_market, market.pnl_pool, False)
    validate_spot_balances(spot_market)
    return pnl_to_settle_with_user


def update_pnl_pool_and_user_balance(
    market: PerpMarket, quote_spot_market: SpotMarket, user: User, unrealized_pnl_with_fee: int
) -> int:
    """Move settled P&L between the market's P&L pool and the user's quote balance; returns the amount.

    A profit the pool cannot pay in full is ``InsufficientPerpPnlPool`` (nothing partial here). Isolated
    positions settle against their own deposit, which must cover a loss (``InsufficientCollateral``);
    others against the quote spot position. Mutates the pool, the spot market and the user.
    program: controller/amm.rs::update_pnl_pool_and_user_balance
    """
    if unrealized_pnl_with_fee > 0:
        pnl_pool_tokens = get_token_amount(
            market.pnl_pool.scaled_balance, quote_spot_market, market.pnl_pool.balance_type
        )
        pnl_to_settle_with_user = min(unrealized_pnl_with_fee, cast(pnl_pool_tokens, I128))
    else:
        pnl_to_settle_with_user = unrealized_pnl_with_fee
    if unrealized_pnl_with_fee != pnl_to_settle_with_user:
        raise InsufficientPerpPnlPool(
            f"pnl_pool_amount doesnt have enough ({pnl_to_settle_with_user} < {unrealized_pnl_with_fee})"
        )
    if unrealized_pnl_with_fee == 0 or pnl_to_settle_with_user == 0:
        return 0
    if user.get_perp_position(market.market_index).is_isolated():
        perp_position = user.force_get_isolated_perp_position_mut(market.market_index)
        perp_position_token_amount = perp_position.get_isolated_token_amount(quote_spot_market)
        if pnl_to_settle_with_user < 0 and not perp_position_token_amount >= abs(pnl_to_settle_with_user):
            raise InsufficientCollateral(f"user has insufficient deposit for market {market.market_index}")
        transfer_spot_balances(pnl_to_settle_with_user, quote_spot_market, market.pnl_pool, perp_position)
    else:
        transfer_spot_balances(
            pnl_to_settle_with_user, quote_spot_market, market.pnl_pool, user.get_quote_spot_position_mut()
        )
    return pnl_to_settle_with_user


def _calculate_quote_asset_amount_surplus(
    quote_asset_reserve_before: int, quote_asset_reserve_after: int, swap_direction: SwapDirection,
    peg_multiplier: int, initial_quote_asset_amount: int, round_down: bool,
) -> int:
    """``|reserve_to_asset_amount(|delta quote reserve|, peg) (+1 if round_down) - initial_quote_asset_amount|``.

    program: controller/amm.rs::calculate_quote_asset_amount_surplus (private)
    """
    if swap_direction == SwapDirection.Add:
        change = safe_sub(quote_asset_reserve_before, quote_asset_reserve_after, U128)
    else:
        change = safe_sub(quote_asset_reserve_after, quote_asset_reserve_before, U128)
    actual_quote_asset_amount = reserve_to_asset_amount(change, peg_multiplier)
    if round_down:
        actual_quote_asset_amount = safe_add(actual_quote_asset_amount, 1, U128)
    return abs(actual_quote_asset_amount - initial_quote_asset_amount)


def calculate_base_swap_output_with_spread(
    amm: AMM, base_asset_swap_amount: int, direction: SwapDirection
) -> tuple[int, int, int, int]:
    """``(new_base_reserve, new_quote_reserve, quote_asset_amount, quote_asset_amount_surplus)`` of a swap.

    The quote paid or received comes from swapping ``base_asset_swap_amount`` against the spread reserves (ask
    for Remove = a long, bid for Add = a short); the real reserves move by the same base along the curve, and
    the surplus is the gap between the two quote amounts (the no-spread amount compensated by +1 when removing).
    program: controller/amm.rs::calculate_base_swap_output_with_spread
    """
    position_direction = PositionDirection.Short if direction == SwapDirection.Add else PositionDirection.Long
    base_reserve_with_spread, quote_reserve_with_spread = amm_spread.get_spread_reserves(amm, position_direction)
    new_quote_reserve_with_spread, _ = amm_math.calculate_swap_output(
        base_asset_swap_amount, base_reserve_with_spread, direction, amm.sqrt_k)
    quote_asset_amount = amm_math.calculate_quote_asset_amount_swapped(
        quote_reserve_with_spread, new_quote_reserve_with_spread, direction, amm.peg_multiplier)
    new_quote_asset_reserve, new_base_asset_reserve = amm_math.calculate_swap_output(
        base_asset_swap_amount, amm.base_asset_reserve, direction, amm.sqrt_k)
    opposite = SwapDirection.Add if direction == SwapDirection.Remove else SwapDirection.Remove
    surplus = _calculate_quote_asset_amount_surplus(
        new_quote_asset_reserve, amm.quote_asset_reserve, opposite, amm.peg_multiplier, quote_asset_amount,
        direction == SwapDirection.Remove)
    return new_base_asset_reserve, new_quote_asset_reserve, cast(quote_asset_amount, U64), cast(surplus, U64)


def swap_base_asset(market: PerpMarket, base_asset_swap_amount: int, direction: SwapDirection) -> tuple[int, int]:
    """Swap base with the AMM: set the new reserves, return ``(quote_asset_amount, quote_asset_amount_surplus)``.

    program: controller/amm.rs::swap_base_asset
    """
    new_base, new_quote, quote_asset_amount, surplus = calculate_base_swap_output_with_spread(
        market.amm, base_asset_swap_amount, direction)
    market.amm.base_asset_reserve = new_base
    market.amm.quote_asset_reserve = new_quote
    return quote_asset_amount, cast(surplus, I64)


__all__ = [
    "calculate_base_swap_output_with_spread",
    "swap_base_asset",
    "formulaic_update_k",
    "update_concentration_coef",
    "update_spread_reserves",
    "update_spreads",
    "calculate_revenue_pool_transfer",
    "get_fee_pool_tokens",
    "update_pnl_pool_and_user_balance",
    "update_pool_balances",
]
