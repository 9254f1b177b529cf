"""Repeg controller steps that rewrite a market in place.

program: controller/repeg.rs
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import cp_curve
from .amm import calculate_expiry_price
from .constants import K_BPS_UPDATE_SCALE, MAX_SQRT_K, QUOTE_PRECISION
from .controller_spot_balance import update_spot_balances
from .enums import MarketStatus, OracleSource, SpotBalanceType
from .errors import (
    InvalidUpdateK,
    MarketSettlementAttemptOnActiveMarket,
    MarketSettlementAttemptTooEarly,
    MarketSettlementRequiresSettledLP,
    MarketSettlementTargetPriceInvalid,
    UnsupportedSpotMarket,
)
from .repeg import get_total_fee_lower_bound
from .safe_math import I64, I128, U128, U192, cast, checked, safe_add, safe_div, safe_sub
from .spot_balance import get_token_amount

if TYPE_CHECKING:
    from .enums import DriftAction
    from .state import MMOraclePriceData, PerpMarket, SpotMarket, State


def apply_cost_to_market(market: PerpMarket, cost: int, check_lower_bound: bool) -> bool:
    """Charge ``cost`` (positive = expense) to ``total_fee_minus_distributions``; False if refused.

    An expense that would take the fee pool below ``total_exchange_fee/2 + total_liquidation_fee -
    total_fee_withdrawn`` is refused (nothing changes) when ``check_lower_bound``; revenue is always added.
    Applied costs also reduce ``net_revenue_since_last_funding`` by ``cost as i64`` (a wrapping cast).
    program: controller/repeg.rs::apply_cost_to_market
    """
    amm = market.amm
    if cost > 0:
        new_total_fee_minus_distributions = safe_sub(amm.total_fee_minus_distributions, cost, I128)
        fee_reserved_for_protocol = safe_add(
            get_total_fee_lower_bound(market), amm.total_liquidation_fee, U128
        )
        fee_reserved_for_protocol = cast(
            safe_sub(fee_reserved_for_protocol, amm.total_fee_withdrawn, U128), I128
        )
        if check_lower_bound and new_total_fee_minus_distributions < fee_reserved_for_protocol:
            return False
        amm.total_fee_minus_distributions = new_total_fee_minus_distributions
    else:
        amm.total_fee_minus_distributions = safe_add(
            amm.total_fee_minus_distributions, checked(abs(cost), I128), I128
        )
    cost_as_i64 = (cost + 2**63) % 2**64 - 2**63  # Rust `cost as i64` wraps
    amm.net_revenue_since_last_funding = safe_sub(amm.net_revenue_since_last_funding, cost_as_i64, I64)
    return True


def settle_expired_market(market: PerpMarket, spot_market: SpotMarket, now: int) -> None:
    """Put an expired market into Settlement and fix its expiry price (``calculate_expiry_price``).

    The fee pool above the protocol's reserve (``exchange_fee/2 + liq_fees - withdrawn``) moves to the P&L pool
    and, if there is budget, k is raised with it (``calculate_budgeted_k_scale``, up to 100x, capped at
    MAX_SQRT_K; refused cost is ``InvalidUpdateK``). The target price is the 5-minute oracle TWAP (the last
    oracle price for Prelaunch oracles); the excess balance is the P&L pool plus the fee pool. Not expiring
    (``expiry_ts == 0``), not yet expired, unsettled LP, a quote market without 6 decimals and a non-positive target
    are the program's errors. ``market``/``spot_market``/``now`` replace the program's market maps and clock.
    Mutates both markets.
    program: controller/repeg.rs::settle_expired_market
    """
    if market.expiry_ts == 0:
        raise MarketSettlementAttemptOnActiveMarket("Market isn't set to expire")
    if not market.expiry_ts <= now:
        raise MarketSettlementAttemptTooEarly(
            f"Market hasn't expired yet (expiry={market.expiry_ts} > now{now})"
        )
    amm = market.amm
    if amm.base_asset_amount_with_unsettled_lp != 0:
        raise MarketSettlementRequiresSettledLP("Outstanding LP in market")
    fee_reserved_for_protocol = cast(
        safe_sub(
            safe_add(get_total_fee_lower_bound(market), amm.total_liquidation_fee, U128),
            amm.total_fee_withdrawn,
            U128,
        ),
        I128,
    )
    budget = max(safe_sub(amm.total_fee_minus_distributions, fee_reserved_for_protocol, I128), 0)
    fee_pool_tokens = cast(
        get_token_amount(amm.fee_pool.scaled_balance, spot_market, SpotBalanceType.Deposit), I128
    )
    available_fee_pool = max(safe_sub(fee_pool_tokens, fee_reserved_for_protocol, I128), 0)
    fee_pool_transfer = min(budget, available_fee_pool)
    update_spot_balances(fee_pool_transfer, SpotBalanceType.Borrow, spot_market, amm.fee_pool, False)
    update_spot_balances(fee_pool_transfer, SpotBalanceType.Deposit, spot_market, market.pnl_pool, False)

    if budget > 0:
        k_scale_numerator, k_scale_denominator = cp_curve.calculate_budgeted_k_scale(
            market, budget, K_BPS_UPDATE_SCALE * 100, K_BPS_UPDATE_SCALE
        )
        new_sqrt_k = min(
            safe_div(checked(amm.sqrt_k * k_scale_numerator, U192), k_scale_denominator), MAX_SQRT_K
        )
        update_k_result = cp_curve.get_update_k_result(market, new_sqrt_k, True)
        adjustment_cost = cp_curve.adjust_k_cost(market, update_k_result)
        if not apply_cost_to_market(market, adjustment_cost, True):
            raise InvalidUpdateK("Issue applying k increase on market")
        cp_curve.update_k(market, update_k_result)

    if 10**spot_market.decimals != QUOTE_PRECISION:
        raise UnsupportedSpotMarket("Only support bank.decimals == QUOTE_PRECISION")
    hist = amm.historical_oracle_data
    target_expiry_price = (
        hist.last_oracle_price
        if amm.oracle_source == OracleSource.Prelaunch
        else hist.last_oracle_price_twap_5min
    )
    if not target_expiry_price > 0:
        raise MarketSettlementTargetPriceInvalid(f"target_expiry_price <= 0 {target_expiry_price}")
    pnl_pool_tokens = get_token_amount(
        market.pnl_pool.scaled_balance, spot_market, market.pnl_pool.balance_type
    )
    fee_pool_tokens_after = get_token_amount(
        amm.fee_pool.scaled_balance, spot_market, amm.fee_pool.balance_type
    )
    total_excess_balance = cast(safe_add(pnl_pool_tokens, fee_pool_tokens_after, U128), I128)
    market.expiry_price = calculate_expiry_price(amm, target_expiry_price, total_excess_balance)
    market.status = MarketStatus.Settlement


def _update_amm(market: PerpMarket, mm_oracle_price_data: MMOraclePriceData, state: State, now: int,
                clock_slot: int) -> int:
    """The keeper/fill-time AMM update: repeg (and maybe k) toward the oracle, oracle TWAPs, spreads.

    Skipped (cost 0) in Settlement/Delisted. With the safe oracle valid for UpdateAMMCurve and
    ``curve_update_intensity > 0``: ``calculate_optimal_peg_and_budget`` then ``adjust_amm`` (k may be cut when
    intensity >= 100), applied if ``apply_cost_to_market`` accepts the cost. Valid for UpdateTwap: the oracle
    TWAPs are fed (``update_oracle_price_twap``). Then ``update_spreads``; ``last_update_slot`` (unless the repeg
    was refused) and ``last_oracle_valid`` follow FillOrderAmmLowRisk validity. Returns the repeg cost applied.
    Mutates ``market``.
    program: controller/repeg.rs::_update_amm
    """
    from . import amm as amm_math
    from . import oracle as oracle_math
    from . import repeg as repeg_math
    from .controller_amm import update_spreads
    from .cp_curve import UpdateKResult
    from .enums import DriftAction, LogMode, MarketType

    if market.status in (MarketStatus.Settlement, MarketStatus.Delisted):
        return 0
    amm = market.amm
    oracle_data = mm_oracle_price_data.get_safe_oracle_price_data()
    oracle_validity = oracle_math.oracle_validity(
        MarketType.Perp, market.market_index, amm.historical_oracle_data.last_oracle_price_twap, oracle_data,
        state.oracle_guard_rails.validity, market.get_max_confidence_interval_multiplier(), amm.oracle_source,
        LogMode.SafeMMOracle, amm.oracle_slot_delay_override, amm.oracle_low_risk_slot_delay_override)
    amm_update_cost = 0
    amm_not_successfully_updated = False
    if oracle_math.is_oracle_valid_for_action(oracle_validity, DriftAction.UpdateAMMCurve):
        curve_update_intensity = min(amm.curve_update_intensity, 100)
        if curve_update_intensity > 0:
            optimal_peg, fee_budget, check_lower_bound = repeg_math.calculate_optimal_peg_and_budget(
                market, mm_oracle_price_data)
            repegged_market, repegged_cost = repeg_math.adjust_amm(market, optimal_peg, fee_budget,
                                                                    curve_update_intensity >= 100)
            if apply_cost_to_market(market, repegged_cost, check_lower_bound):
                cp_curve.update_k(market, UpdateKResult(sqrt_k=repegged_market.amm.sqrt_k,
                                                        base_asset_reserve=repegged_market.amm.base_asset_reserve,
                                                        quote_asset_reserve=repegged_market.amm.quote_asset_reserve))
                amm.peg_multiplier = repegged_market.amm.peg_multiplier
                amm_update_cost = repegged_cost
            else:
                amm_not_successfully_updated = True
    reserve_price_after = amm.reserve_price()
    if oracle_math.is_oracle_valid_for_action(oracle_validity, DriftAction.UpdateTwap):
        amm_math.update_oracle_price_twap(amm, now, mm_oracle_price_data, reserve_price_after,
                                          market.get_sanitize_clamp_denominator())
    update_spreads(market, reserve_price_after, clock_slot)
    if oracle_math.is_oracle_valid_for_action(oracle_validity, DriftAction.FillOrderAmmLowRisk):
        if not amm_not_successfully_updated:
            amm.last_update_slot = clock_slot
        amm.last_oracle_valid = True
    else:
        amm.last_oracle_valid = False
    return amm_update_cost


def update_amm_and_check_validity(market: PerpMarket, mm_oracle_price_data: MMOraclePriceData, state: State,
                                  now: int, clock_slot: int, action: DriftAction | None) -> None:
    """``_update_amm``, then ``InvalidOracle`` unless the safe oracle is valid for ``action``.

    program: controller/repeg.rs::update_amm_and_check_validity
    """
    from . import oracle as oracle_math
    from .enums import LogMode, MarketType
    from .errors import InvalidOracle

    _update_amm(market, mm_oracle_price_data, state, now, clock_slot)
    oracle_validity = oracle_math.oracle_validity(
        MarketType.Perp, market.market_index, market.amm.historical_oracle_data.last_oracle_price_twap,
        mm_oracle_price_data.get_safe_oracle_price_data(), state.oracle_guard_rails.validity,
        market.get_max_confidence_interval_multiplier(), market.amm.oracle_source, LogMode.SafeMMOracle,
        market.amm.oracle_slot_delay_override, market.amm.oracle_low_risk_slot_delay_override)
    if not oracle_math.is_oracle_valid_for_action(oracle_validity, action):
        raise InvalidOracle(f"Invalid Oracle ({mm_oracle_price_data.get_safe_oracle_price_data()}) for perp market "
                            f"index={market.market_index} and action={action}")


__all__ = ["_update_amm", "apply_cost_to_market", "settle_expired_market", "update_amm_and_check_validity"]
